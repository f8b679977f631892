import { existsSync, readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { DEFAULT_CONFIG, parseConfig, type PalisadeConfig } from '../core/config.js';
import { describeFsError, UsageError } from '../core/errors.js';
import { yamlFailureText } from '../ingest/yaml-error.js';

export const DEFAULT_CONFIG_FILE = '.palisade.yaml';

/** Reads `--config FILE`, or `./.palisade.yaml` when present, or the defaults. Problems are usage errors. */
export function loadConfig(explicit: string | undefined): { config: PalisadeConfig; source: string } {
  const file = explicit ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  if (!file) return { config: DEFAULT_CONFIG, source: '(defaults)' };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`config ${file}: cannot read: ${describeFsError(e)}`);
  }
  let raw: unknown;
  // A file of comments only (every setting commented out) is the defaults, not an error: js-yaml finds no document in it.
  if (!/^[ \t]*[^#\s]/m.test(text.replace(/^\uFEFF/, ''))) return { config: DEFAULT_CONFIG, source: file };
  try {
    raw = load(text, { maxAliases: 100, maxDepth: 50 });
  } catch (e) {
    throw new UsageError(`config ${file}: ${yamlFailureText(e)}`);
  }
  const { config, problems } = parseConfig(raw);
  if (!config) throw new UsageError(`config ${file}: ${problems.join('; ')}`);
  return { config, source: file };
}
