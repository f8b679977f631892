import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Resource } from '../src/core/resource.js';
import { splitDocuments } from '../src/ingest/documents.js';
import { CORPUS_DIR, loadResources, readIndex, type SuiteResult } from './corpus.js';
import { flaggedBy, scanResources } from './evaluate.js';

interface KubescapeCase {
  path: string;
  ruleFolder: string;
  controlIds: string[];
  inputFiles: string[];
  failingResources: Array<{ kind: string; name: string }>;
  passingResources: Array<{ kind: string; name: string }>;
}

/** Kubescape's runner decodes only the first document of each input file; do the same. */
function firstDocument(file: string): Resource[] {
  const text = readFileSync(file, 'utf8');
  const first = file.endsWith('.json') ? undefined : splitDocuments(text)[0];
  if (first && splitDocuments(text).length > 1) {
    const { resources } = loadResources(file);
    return resources.slice(0, 1);
  }
  return loadResources(file).resources;
}

/**
 * Kubescape regolibrary cases, matched by the case's primary control id: every failing resource
 * must carry a Palisade finding cross-referenced to that control, and no passing resource may.
 */
export function runKubescape(): SuiteResult {
  const index = readIndex<{ cases: KubescapeCase[] }>('kubescape');
  const result: SuiteResult = { suite: 'kubescape', total: 0, agreed: 0, misses: [], notes: [] };
  const byControl = new Map<string, [number, number]>();
  for (const c of index.cases) {
    const control = c.controlIds[0] as string;
    const resources = c.inputFiles.flatMap((f) => firstDocument(join(CORPUS_DIR, 'kubescape', c.path, f)));
    const flagged = flaggedBy(scanResources(resources), 'kubescape', control);
    const missed = c.failingResources.map((r) => `${r.kind}/${r.name}`).filter((k) => !flagged.has(k));
    const extra = c.passingResources.map((r) => `${r.kind}/${r.name}`).filter((k) => flagged.has(k));
    result.total++;
    const g = byControl.get(control) ?? [0, 0];
    g[1]++;
    byControl.set(control, g);
    if (missed.length === 0 && extra.length === 0) {
      result.agreed++;
      g[0]++;
    } else {
      result.misses.push(`${c.path} (${control}): ${missed.length ? `not flagged ${missed.join(', ')}` : ''}${missed.length && extra.length ? '; ' : ''}${extra.length ? `wrongly flagged ${extra.join(', ')}` : ''}`);
    }
  }
  result.notes.push(
    [...byControl].sort().map(([id, [a, t]]) => `${id} ${a}/${t}`).join(', '),
  );
  return result;
}
