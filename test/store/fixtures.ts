import { findingId, type Finding } from '../../src/core/finding.js';
import { REPORT_SCHEMA, summarize, type Report } from '../../src/core/report.js';
import { PILLARS, SEVERITIES } from '../../src/core/severity.js';

/** A finding on `Deployment ns/name` with every optional field filled, so round trips cover them all. */
export function finding(rule: string, name: string, overrides: Partial<Finding> = {}): Finding {
  const resource = overrides.resource ?? { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name };
  const field = overrides.field ?? 'spec.template.spec.containers[0].securityContext.privileged';
  return {
    id: findingId(rule, resource, 'app', field),
    rule,
    title: `title of ${rule}`,
    severity: 'high',
    pillar: 'configuration',
    resource,
    container: 'app',
    field,
    message: `container app of ${name} breaks ${rule}`,
    remediation: 'set it to false',
    location: { file: `deploy/${name}.yaml`, line: 23 },
    frameworks: [{ framework: 'pss', level: 'baseline', id: 'privileged' }, { framework: 'mitre', id: 'T1611' }],
    evidence: { observed: true, expected: false },
    verify: `kubectl get deployment ${name} -n shop -o jsonpath='{.spec.template.spec.containers[0].securityContext.privileged}'`,
    ...overrides,
  };
}

export function report(findings: Finding[], options: { generatedAt?: string; resources?: number } = {}): Report {
  const resources = options.resources ?? 40;
  return {
    schema: REPORT_SCHEMA,
    tool: { name: 'palisade', version: '0.1.0' },
    generatedAt: options.generatedAt ?? '2026-11-26T12:00:00.000Z',
    summary: summarize(findings, resources),
    findings,
    errors: [{ source: 'broken.yaml', line: 3, message: 'bad indentation' }],
    notes: [],
  };
}

/** `n` findings spread over every severity, pillar, ten namespaces (and none) and a hundred rules; seeded, so the same each run. */
export function manyFindings(n: number): Finding[] {
  const out: Finding[] = [];
  for (let i = 0; i < n; i++) {
    const severity = SEVERITIES[i % SEVERITIES.length]!;
    const pillar = PILLARS[i % PILLARS.length]!;
    const namespace = i % 11 === 10 ? null : `ns-${i % 11}`;
    const rule = `workload/rule-${i % 100}`;
    const resource = { apiVersion: 'v1', kind: 'Pod', namespace, name: `pod-${i}` };
    out.push(
      finding(rule, `pod-${i}`, {
        id: findingId(rule, resource, 'app', `f${i}`),
        severity,
        pillar,
        resource,
        field: `f${i}`,
        evidence: { observed: { image: `registry.example/app:${i}`, ports: [i % 65535] }, expected: 'digest-pinned' },
      }),
    );
  }
  return out;
}
