import { join } from 'node:path';
import type { Resource } from '../src/core/resource.js';
import { podOf } from '../src/core/workload.js';
import { parsePssVersion, type PssLevel } from '../src/rules/pss/check.js';
import { evaluatePod } from '../src/rules/pss/index.js';
import { CORPUS_DIR, loadResources, readIndex, type SuiteResult } from './corpus.js';

interface Fixture {
  path: string;
  level: PssLevel;
  version: string;
  expected: 'pass' | 'fail';
  reportedBy?: string;
  expectErrorSubstring?: string;
}

/** Upstream wraps each fixture pod in a Deployment and expects the same verdict (as warnings). */
function asDeployment(pod: Resource): Resource {
  const meta = (pod.object.metadata ?? {}) as Record<string, unknown>;
  const object = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: pod.name },
    spec: { template: { metadata: meta, spec: pod.object.spec } },
  };
  return { ...pod, apiVersion: 'apps/v1', kind: 'Deployment', object };
}

/**
 * Kubernetes Pod Security Admission fixtures: every pass fixture allowed with no violations; every
 * fail fixture denied, with its `reportedBy` check among the violations and the upstream message
 * substring in that violation's message. Each fixture is judged as a Pod and as a Deployment.
 */
export function runPss(): SuiteResult {
  const index = readIndex<{ fixtures: Fixture[] }>('pss');
  const result: SuiteResult = { suite: 'pss', total: 0, agreed: 0, misses: [], notes: [] };
  const groups = new Map<string, [number, number]>();
  for (const fx of index.fixtures) {
    const { resources, errors } = loadResources(join(CORPUS_DIR, 'pss', fx.path));
    const version = parsePssVersion(fx.version);
    const pod = resources[0];
    for (const variant of ['Pod', 'Deployment'] as const) {
      result.total++;
      const key = `${fx.level}/${fx.version}`;
      const g = groups.get(key) ?? [0, 0];
      g[1]++;
      groups.set(key, g);
      if (!pod || !version || errors.length) {
        result.misses.push(`${fx.path} [${variant}]: could not load (${errors.join('; ') || 'no resource or bad version'})`);
        continue;
      }
      const view = podOf(variant === 'Pod' ? pod : asDeployment(pod));
      if (!view) {
        result.misses.push(`${fx.path} [${variant}]: no pod spec`);
        continue;
      }
      const verdict = evaluatePod(view, fx.level, version);
      let ok: boolean;
      let why = '';
      if (fx.expected === 'pass') {
        ok = verdict.allowed;
        why = verdict.violations.map((v) => v.message).join('; ');
      } else {
        const hit = verdict.violations.find((v) => v.check === fx.reportedBy);
        ok = hit !== undefined && (fx.expectErrorSubstring === undefined || hit.message.includes(fx.expectErrorSubstring));
        why = hit ? `message "${hit.message}" lacks "${fx.expectErrorSubstring}"` : `expected ${fx.reportedBy}, got [${verdict.violations.map((v) => v.check).join(', ')}]`;
      }
      if (ok) {
        result.agreed++;
        g[0]++;
      } else result.misses.push(`${fx.path} [${variant}] expected ${fx.expected}: ${why}`);
    }
  }
  for (const [key, [a, t]] of [...groups].sort()) result.notes.push(`${key}: ${a}/${t}`);
  return result;
}
