import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/core/finding.js';
import { FindingIndex } from '../../../src/analyses/paths/findings.js';

function finding(id: string, rule: string, name: string, namespace: string | null = 'shop'): Finding {
  return {
    id,
    rule,
    title: rule,
    severity: 'high',
    pillar: 'configuration',
    resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace, name },
    message: `${rule} on ${name}`,
    remediation: 'fix it',
    frameworks: [],
    evidence: { observed: true, expected: false },
  };
}

describe('FindingIndex', () => {
  const index = new FindingIndex([
    finding('a', 'workload/privileged-container', 'web'),
    finding('b', 'workload/host-namespace', 'web'),
    finding('c', 'workload/no-cpu-limit', 'web'),
    finding('d', 'workload/privileged-container', 'api', null),
  ]);

  it('names the findings of the path rules on a resource, a namespace-less manifest matching any namespace', () => {
    expect(index.ids(['workload/privileged-container', 'workload/host-namespace'], { kind: 'Deployment', namespace: 'shop', name: 'web' })).toEqual(['a', 'b']);
    expect(index.ids(['workload/privileged-container'], { kind: 'Deployment', namespace: 'shop', name: 'api' })).toEqual(['d']);
    expect(index.ofRule('workload/privileged-container').map((f) => f.id)).toEqual(['a', 'd']);
  });

  it('refuses a question about a rule the attack graph does not read, rather than answer it with nothing', () => {
    expect(() => index.ids(['workload/no-cpu-limit'], { kind: 'Deployment', namespace: 'shop', name: 'web' })).toThrow(/not among PATH_RULE_IDS/);
    expect(() => index.ofRule('workload/no-cpu-limit')).toThrow(/not among PATH_RULE_IDS/);
  });
});
