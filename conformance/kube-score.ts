import { join } from 'node:path';
import { CORPUS_DIR, loadResources, readIndex, type SuiteResult } from './corpus.js';
import { flaggedBy, rulesReferencing, scanResources } from './evaluate.js';
import { RULES } from '../src/rules/index.js';

interface KubeScoreCase {
  id: string;
  files: string[];
  objects: Array<{ kind: string; name: string }>;
  checkId: string;
  expected: 'critical' | 'warning' | 'ok' | 'skipped';
  runConfig: Record<string, unknown>;
}

/** kube-score run options that have a Palisade equivalent: turning a limit requirement off is --skip-rule. */
const RUN_CONFIG_SKIPS: Record<string, string> = {
  IgnoreContainerCpuLimitRequirement: 'workload/no-cpu-limit',
  IgnoreContainerMemoryLimitRequirement: 'workload/no-memory-limit',
};

/**
 * kube-score cases for the checks a Palisade rule covers (a rule cross-referenced to the check id):
 * `critical`/`warning` must give a finding on the object, `ok` none. `skipped` cases test
 * kube-score's own optional-check and ignore-annotation switches and carry no verdict to compare.
 */
export function runKubeScore(): SuiteResult {
  const index = readIndex<{ cases: KubeScoreCase[] }>('kube-score');
  const result: SuiteResult = { suite: 'kube-score', total: 0, agreed: 0, misses: [], notes: [] };
  const uncovered = new Map<string, number>();
  let skipped = 0;
  for (const c of index.cases) {
    if (rulesReferencing('kube-score', c.checkId).length === 0) {
      uncovered.set(c.checkId, (uncovered.get(c.checkId) ?? 0) + 1);
      continue;
    }
    if (c.expected === 'skipped') {
      skipped++;
      continue;
    }
    const skip = Object.entries(RUN_CONFIG_SKIPS).filter(([k]) => c.runConfig[k] === true).map(([, rule]) => rule);
    const rules = RULES.filter((r) => !skip.includes(r.meta.id));
    const resources = c.files.flatMap((f) => loadResources(join(CORPUS_DIR, 'kube-score', f)).resources);
    const flagged = flaggedBy(scanResources(resources, { rules }), 'kube-score', c.checkId);
    const wantFinding = c.expected === 'critical' || c.expected === 'warning';
    const target = c.objects.find((o) => o.kind !== 'NetworkPolicy') ?? c.objects[0];
    const key = target ? `${target.kind}/${target.name}` : '';
    result.total++;
    if (flagged.has(key) === wantFinding) result.agreed++;
    else result.misses.push(`${c.id}: expected ${c.expected}, Palisade ${flagged.has(key) ? 'reports a finding' : 'reports nothing'}`);
  }
  result.notes.push(`skipped-by-kube-score cases not compared: ${skipped}`);
  result.notes.push(`checks no Palisade rule covers: ${[...uncovered].map(([id, n]) => `${id} (${n})`).join(', ') || 'none'}`);
  return result;
}
