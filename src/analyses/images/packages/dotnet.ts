import { purl } from '../purl.js';
import type { FileRequest, ImageFiles, OsInfo, Package, PackageAnalyzer } from '../types.js';
import { parseJsonFile } from './json-file.js';

const MAX_DEPS = 32 * 1024 * 1024;

/** NuGet packages of a `.deps.json`: `libraries` entries `Name/Version` of type `package`. */
export function parseDepsJson(text: string, location: string, notes: string[]): Package[] {
  const doc = parseJsonFile(text, location, notes);
  const libraries = (doc as { libraries?: unknown } | null)?.libraries;
  if (typeof libraries !== 'object' || libraries === null) return [];
  const out: Package[] = [];
  for (const [key, lib] of Object.entries(libraries as Record<string, unknown>)) {
    if ((lib as { type?: unknown } | null)?.type !== 'package') continue;
    const slash = key.lastIndexOf('/');
    if (slash <= 0 || slash === key.length - 1) continue;
    const name = key.slice(0, slash);
    const version = key.slice(slash + 1);
    out.push({ type: 'nuget', name, version, ecosystem: 'NuGet', purl: purl('nuget', undefined, name, version), location });
  }
  return out;
}

export const dotnetAnalyzer: PackageAnalyzer = {
  name: 'dotnet',
  wants: (file: FileRequest) => file.path.endsWith('.deps.json') && file.size <= MAX_DEPS,
  analyze(files: ImageFiles, _os: OsInfo | undefined, notes: string[]): Package[] {
    const out: Package[] = [];
    for (const path of [...files.files.keys()].sort()) {
      if (!path.endsWith('.deps.json')) continue;
      const buf = files.get(path);
      if (buf) for (const p of parseDepsJson(buf.toString('utf8'), path, notes)) out.push(p);
    }
    return out;
  },
};
