import { join } from 'node:path';
import { evaluate } from '../src/core/engine.js';
import { Inventory } from '../src/core/inventory.js';
import { DEFAULT_SETTINGS } from '../src/core/settings.js';
import { ingestPaths } from '../src/ingest/files.js';
import { RULES } from '../src/rules/index.js';
import { CORPUS_DIR, readIndex, type SuiteResult } from './corpus.js';

/** Where the AKS REST API examples live below the corpus. */
export const API_EXAMPLES_CORPUS = 'aks/api-examples';

interface ExamplesIndex {
  examples: Array<{ file: string; resourceType: string }>;
  synthetic?: Array<{ file: string }>;
}

const MANAGED_CLUSTER = 'Microsoft.ContainerService/managedClusters';

/**
 * Every REST API example (and the CLI-shape sample) must ingest without an input error, yield the
 * resource type it describes, and go through the whole catalog without a rule failing on it.
 */
export async function runAksApiExamples(): Promise<SuiteResult> {
  const index = readIndex<ExamplesIndex>(API_EXAMPLES_CORPUS);
  const result: SuiteResult = { suite: 'aks-api-examples', total: 0, agreed: 0, misses: [], notes: [] };
  const cases = [...index.examples, ...(index.synthetic ?? []).map((s) => ({ file: s.file, resourceType: MANAGED_CLUSTER }))];
  for (const c of cases) {
    result.total++;
    const ingested = await ingestPaths([join(CORPUS_DIR, API_EXAMPLES_CORPUS, c.file)]);
    const problems = ingested.errors.map((e) => `input error: ${e.message}`);
    if (!ingested.resources.some((r) => r.kind === c.resourceType)) problems.push(`no ${c.resourceType} read (${ingested.notes.map((n) => n.message).join('; ') || 'nothing recognised'})`);
    const { errors } = evaluate(RULES, new Inventory(ingested.resources), DEFAULT_SETTINGS);
    problems.push(...errors.map((e) => e.message));
    if (problems.length === 0) result.agreed++;
    else result.misses.push(`${c.file}: ${problems.join('; ')}`);
  }
  return result;
}
