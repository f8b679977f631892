import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { load } from 'js-yaml';
import { splitDocuments } from '../src/ingest/documents.js';
import { DEFAULT_LIMITS } from '../src/ingest/limits.js';
import { loadBlockYaml, UNSUPPORTED } from '../src/ingest/yaml-block.js';
import { KUBERNETES_YAML_SCHEMA } from '../src/ingest/yaml-schema.js';
import { CORPUS_DIR, type SuiteResult } from './corpus.js';

/**
 * The block-YAML loader against js-yaml on every YAML document of the corpus: a document agrees when
 * the loader leaves it to js-yaml, or returns what js-yaml returns (same values, same key order).
 */

const SCHEMA = KUBERNETES_YAML_SCHEMA;

export function yamlBlockAvailable(): boolean {
  return existsSync(CORPUS_DIR);
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFiles(full));
    else if (/\.ya?ml$/i.test(entry.name)) out.push(full);
  }
  return out.sort();
}

/** Equal values with keys in the same order all the way down. */
function sameOrder(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return true;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.join('\0') !== kb.join('\0')) return false;
  return ka.every((k) => sameOrder((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export function runYamlBlock(): SuiteResult {
  const misses: string[] = [];
  let total = 0;
  let agreed = 0;
  let fast = 0;
  for (const file of yamlFiles(CORPUS_DIR)) {
    const raw = readFileSync(file, 'utf8');
    for (const doc of splitDocuments(raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw)) {
      total++;
      const where = `${relative(CORPUS_DIR, file)}:${doc.line}`;
      const mine = loadBlockYaml(doc.text, DEFAULT_LIMITS.maxDepth);
      if (mine === UNSUPPORTED) {
        agreed++;
        continue;
      }
      fast++;
      let theirs: unknown;
      try {
        theirs = load(doc.text, { schema: SCHEMA, maxAliases: DEFAULT_LIMITS.maxAliases, maxDepth: DEFAULT_LIMITS.maxDepth });
      } catch (e) {
        misses.push(`${where}: loaded, but js-yaml refuses it (${(e instanceof Error ? e.message : String(e)).split('\n')[0]})`);
        continue;
      }
      if (isDeepStrictEqual(mine, theirs) && sameOrder(mine, theirs)) agreed++;
      else misses.push(`${where}: differs from js-yaml`);
    }
  }
  return { suite: 'yaml-block', total, agreed, misses, notes: [`${fast}/${total} documents on the fast path (${total ? ((100 * fast) / total).toFixed(1) : '0'}%)`] };
}
