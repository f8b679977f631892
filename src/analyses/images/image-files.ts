import type { ImageFiles } from './types.js';

/**
 * ImageFiles over an in-memory map of path → content: what the layer walker hands the analysers once
 * whiteouts are applied, and what tests build directly. Paths are kept as given (normalised by the caller).
 */
export function imageFilesFrom(entries: ReadonlyMap<string, Buffer> | Record<string, Buffer | string>): ImageFiles {
  const files = new Map<string, Buffer>();
  const source = entries instanceof Map ? entries.entries() : Object.entries(entries);
  for (const [path, content] of source) {
    files.set(path, typeof content === 'string' ? Buffer.from(content, 'utf8') : (content as Buffer));
  }
  // Sorted once so `under` and every analyser see the same order whatever the layer order was.
  const sorted = [...files.keys()].sort();
  return {
    files,
    get: (path) => files.get(path),
    under: (prefix) => sorted.filter((p) => p.startsWith(prefix)),
  };
}
