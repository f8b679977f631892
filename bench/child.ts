import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import type * as RunScan from '../src/cli/run-scan.js';
import type * as Config from '../src/core/config.js';
import type * as Limits from '../src/ingest/limits.js';
import type * as YamlBlock from '../src/ingest/yaml-block.js';
import type * as YamlSchema from '../src/ingest/yaml-schema.js';
import type * as Output from '../src/cli/output.js';
import type * as Json from '../src/report/json.js';
import type * as Rules from '../src/rules/index.js';

// Run through tsx, the child reads the TypeScript sources; compiled beside a build of src/ (compiled.ts),
// it reads that build, as `palisade scan` runs.
const SOURCES = import.meta.url.endsWith('.ts');
const at = (module: string) => new URL(SOURCES ? `../src/${module}` : `./${module}`, import.meta.url).href;
const { runScan } = (await import(at('cli/run-scan.js'))) as typeof RunScan;
const { DEFAULT_CONFIG } = (await import(at('core/config.js'))) as typeof Config;
const { DEFAULT_LIMITS } = (await import(at('ingest/limits.js'))) as typeof Limits;
const { loadBlockYaml, UNSUPPORTED } = (await import(at('ingest/yaml-block.js'))) as typeof YamlBlock;
const { writeChunks } = (await import(at('cli/output.js'))) as typeof Output;
const { renderJsonChunks } = (await import(at('report/json.js'))) as typeof Json;
const { RULES } = (await import(at('rules/index.js'))) as typeof Rules;

/**
 * One measurement in a process of its own, so that peak RSS belongs to that measurement alone.
 * Everything is imported before the clock starts; the parent reads one JSON line from stdout.
 *
 *   parse DIR   js-yaml alone: read every file, split it into documents, load each one
 *   parse-fast DIR   the same, loading each document as decode.ts does: the block-YAML loader first, js-yaml for what it leaves
 *   scan DIR    the whole `palisade scan -f json` pipeline: runScan with the defaults, every rule and the attack paths,
 *               then the JSON report streamed to /dev/null
 */

export interface Measurement {
  mode: 'parse' | 'parse-fast' | 'scan';
  ms: number;
  /** process.resourceUsage().maxRSS, in KiB. */
  maxRssKiB: number;
  documents: number;
  /** parse-fast: documents the block-YAML loader took (the rest went to js-yaml). */
  fastDocuments?: number;
  findings?: number;
  suppressed?: number;
  errors?: number;
  reportBytes?: number;
}

// The options src/ingest/decode.ts passes to js-yaml, so the baseline does the same parsing work.
const { KUBERNETES_YAML_SCHEMA: SCHEMA } = (await import(at('ingest/yaml-schema.js'))) as typeof YamlSchema;
const SEPARATOR = /^---[ \t]*(?:#.*)?$/m;
const CONTENT = /^[^#\s]/m;

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFiles(full));
    else if (/\.ya?ml$/i.test(entry.name)) out.push(full);
  }
  return out;
}

function parseOnly(dir: string): Measurement {
  const start = performance.now();
  let documents = 0;
  for (const file of yamlFiles(dir)) {
    const text = readFileSync(file, 'utf8');
    for (const doc of text.split(SEPARATOR)) {
      if (!CONTENT.test(doc)) continue;
      const value = load(doc, { schema: SCHEMA, maxAliases: DEFAULT_LIMITS.maxAliases, maxDepth: DEFAULT_LIMITS.maxDepth, filename: file });
      if (value !== null && typeof value === 'object') documents++;
    }
  }
  return { mode: 'parse', ms: performance.now() - start, maxRssKiB: process.resourceUsage().maxRSS, documents };
}

function parseFast(dir: string): Measurement {
  const start = performance.now();
  let documents = 0;
  let fastDocuments = 0;
  for (const file of yamlFiles(dir)) {
    const text = readFileSync(file, 'utf8');
    for (const doc of text.split(SEPARATOR)) {
      if (!CONTENT.test(doc)) continue;
      let value = loadBlockYaml(doc, DEFAULT_LIMITS.maxDepth);
      if (value !== UNSUPPORTED) fastDocuments++;
      else value = load(doc, { schema: SCHEMA, maxAliases: DEFAULT_LIMITS.maxAliases, maxDepth: DEFAULT_LIMITS.maxDepth, filename: file });
      if (value !== null && typeof value === 'object') documents++;
    }
  }
  return { mode: 'parse-fast', ms: performance.now() - start, maxRssKiB: process.resourceUsage().maxRSS, documents, fastDocuments };
}

async function scan(dir: string): Promise<Measurement> {
  const start = performance.now();
  const { report } = await runScan({ paths: [dir], rules: RULES, config: DEFAULT_CONFIG, configSource: '(defaults)', failOn: 'high', attackPaths: true });
  // Written as `palisade scan -f json -o FILE` writes it: streamed, one finding at a time. The byte count
  // is the writes' own: encoding each piece a second time only to count it cost over a second here.
  const reportBytes = (await writeChunks(renderJsonChunks(report), '/dev/null')) ?? 0;
  const ms = performance.now() - start;
  return {
    mode: 'scan',
    ms,
    maxRssKiB: process.resourceUsage().maxRSS,
    documents: report.summary.resources,
    findings: report.findings.length,
    suppressed: report.findings.filter((f) => f.suppressed !== undefined).length,
    errors: report.errors.length,
    reportBytes,
  };
}

const [mode, dir] = process.argv.slice(2);
if ((mode !== 'parse' && mode !== 'parse-fast' && mode !== 'scan') || !dir) {
  process.stderr.write('usage: child.ts parse|parse-fast|scan DIR\n');
  process.exit(2);
}
const result = mode === 'parse' ? parseOnly(dir) : mode === 'parse-fast' ? parseFast(dir) : await scan(dir);
process.stdout.write(`${JSON.stringify(result)}\n`);
