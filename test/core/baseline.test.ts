import { describe, expect, it } from 'vitest';
import { applyBaseline, baselineFindings } from '../../src/core/baseline.js';
import type { Finding } from '../../src/core/finding.js';
import { Inventory } from '../../src/core/inventory.js';
import { evaluate } from '../../src/core/engine.js';
import { DEFAULT_SETTINGS } from '../../src/core/settings.js';
import type { Resource } from '../../src/core/resource.js';
import { decodeText } from '../../src/ingest/decode.js';
import { DEFAULT_LIMITS } from '../../src/ingest/limits.js';
import { RULES } from '../../src/rules/index.js';
import { REPORT_SCHEMA, summarize, type Report } from '../../src/core/report.js';
import { FORMATS, render } from '../../src/report/index.js';

function findingsOf(text: string, file = 'k8s/app.yaml', rules = RULES): Finding[] {
  const sink = { resources: [] as Resource[], errors: [], notes: [], texts: new Map<string, string>() };
  decodeText(text, file, DEFAULT_LIMITS, sink);
  return evaluate(rules, new Inventory(sink.resources), DEFAULT_SETTINGS).findings;
}

const only = (id: string) => RULES.filter((r) => r.meta.id === id);

const deployment = (containers: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec:
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers: ${containers}
`;
const APP = '{ name: app, image: registry.example.com/api:1.0, securityContext: { privileged: true } }';
const SIDECAR = '{ name: proxy, image: registry.example.com/proxy:2.0 }';

const binding = (subjects: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: ops-admin }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }
subjects: ${subjects}
`;
const GROUP = '{ kind: Group, apiGroup: rbac.authorization.k8s.io, name: 0a0a0a0a-0000-0000-0000-000000000001 }';
const DEFAULT_SA = '{ kind: ServiceAccount, name: default, namespace: default }';

describe('baseline matching', () => {
  it('keeps a container finding existing when a sidecar is inserted before the container', () => {
    const before = findingsOf(deployment(`[${APP}]`), undefined, only('workload/privileged-container'));
    const after = findingsOf(deployment(`[${SIDECAR}, ${APP}]`), undefined, only('workload/privileged-container'));
    expect(after).toHaveLength(1);
    const summary = applyBaseline(after, before, 'before.json');
    expect(after[0]?.baseline).toBe('existing');
    expect(summary).toMatchObject({ new: 0, existing: 1, fixed: [] });
  });

  it('calls a binding subject that replaced another new, and the replaced one fixed', () => {
    const rules = only('rbac/wildcard-permission');
    const before = findingsOf(binding(`[${GROUP}]`), undefined, rules);
    const after = findingsOf(binding(`[${DEFAULT_SA}]`), undefined, rules);
    expect(before.length).toBeGreaterThan(0);
    const summary = applyBaseline(after, before, 'before.json');
    expect(after.every((f) => f.baseline === 'new')).toBe(true);
    expect(summary.fixed.map((f) => f.field)).toEqual(before.map((f) => f.field));
    // Inserting a subject ahead of an unchanged one leaves the unchanged one existing.
    const inserted = findingsOf(binding(`[${DEFAULT_SA}, ${GROUP}]`), undefined, rules);
    applyBaseline(inserted, before, 'before.json');
    expect(inserted.map((f) => [f.message.includes('default/default'), f.baseline])).toEqual(
      expect.arrayContaining([
        [true, 'new'],
        [false, 'existing'],
      ]),
    );
  });

  it('counts the same problem in a second overlay as new, and a renamed file as the same', () => {
    const rules = only('workload/privileged-container');
    const before = findingsOf(deployment(`[${APP}]`), 'overlays/dev/api.yaml', rules);
    const after = [...findingsOf(deployment(`[${APP}]`), 'overlays/dev/api.yaml', rules), ...findingsOf(deployment(`[${APP}]`), 'overlays/prod/api.yaml', rules)];
    expect(after[0]?.id).toBe(after[1]?.id);
    expect(applyBaseline(after, before, 'before.json')).toMatchObject({ new: 1, existing: 1, fixed: [] });
    expect(after.map((f) => [f.location?.file, f.baseline])).toEqual([
      ['overlays/dev/api.yaml', 'existing'],
      ['overlays/prod/api.yaml', 'new'],
    ]);
    const renamed = findingsOf(deployment(`[${APP}]`), 'overlays/development/api.yaml', rules);
    expect(applyBaseline(renamed, before, 'before.json')).toMatchObject({ new: 0, existing: 1, fixed: [] });
    // One copy left of two: the other is fixed.
    const one = findingsOf(deployment(`[${APP}]`), 'overlays/prod/api.yaml', rules);
    const summary = applyBaseline(one, after, 'before.json');
    expect(summary.existing).toBe(1);
    expect(summary.fixed.map((f) => f.location?.file)).toEqual(['overlays/dev/api.yaml']);
  });

  it('calls a capability that replaced another new, and keeps one existing when another is inserted before it', () => {
    const rules = only('workload/dangerous-capability-added');
    const caps = (add: string) => deployment(`[{ name: app, image: registry.example.com/api:1.0, securityContext: { capabilities: { add: ${add} } } }]`);
    const before = findingsOf(caps('[NET_ADMIN]'), undefined, rules);
    const replaced = findingsOf(caps('[SYS_ADMIN]'), undefined, rules);
    const summary = applyBaseline(replaced, before, 'before.json');
    expect(summary).toMatchObject({ new: 1, existing: 0 });
    expect(summary.fixed.map((f) => f.evidence.observed)).toEqual(['NET_ADMIN']);
    const inserted = findingsOf(caps('[SYS_ADMIN, NET_ADMIN]'), undefined, rules);
    expect(applyBaseline(inserted, before, 'before.json')).toMatchObject({ new: 1, existing: 1, fixed: [] });
    expect(inserted.map((f) => [f.evidence.observed, f.baseline])).toEqual([
      ['SYS_ADMIN', 'new'],
      ['NET_ADMIN', 'existing'],
    ]);
  });
});

describe('reading a baseline', () => {
  const report = (findings: unknown[]) => ({ schema: 'palisade.report/v1', findings });

  it('fills in what a trimmed finding lacks and reporters read', () => {
    const [f] = baselineFindings(
      report([{ id: 'deadbeefdeadbeef', rule: 'workload/privileged-container', title: 'Container runs privileged', severity: 'critical', message: 'm', resource: { kind: 'Deployment', name: 'old' }, location: { file: 'd.yaml', line: 3 } }]),
    );
    expect(f).toMatchObject({ evidence: {}, frameworks: [], remediation: '', resource: { apiVersion: '', kind: 'Deployment', namespace: null, name: 'old' }, location: { file: 'd.yaml', line: 3 } });
  });

  it('gives every reporter a trimmed finding it can list as fixed', () => {
    const fixed = baselineFindings(
      report([{ id: 'deadbeefdeadbeef', rule: 'workload/privileged-container', title: 'Container runs privileged', severity: 'critical', message: 'container app sets privileged: true', resource: { kind: 'Deployment', name: 'old' }, location: { file: 'd.yaml', line: 3 } }]),
    );
    const scanned: Report = {
      schema: REPORT_SCHEMA,
      tool: { name: 'palisade', version: '0.0.0' },
      generatedAt: '2026-11-27T00:00:00.000Z',
      summary: summarize([], 1),
      findings: [],
      errors: [],
      notes: [],
      baseline: { file: 'base.json', new: 0, existing: 0, fixed },
    };
    const texts = new Map(FORMATS.map((format) => [format, render(format, scanned, { rules: RULES.map((r) => r.meta), color: false })]));
    for (const format of ['table', 'markdown', 'junit'] as const) expect(texts.get(format), format).not.toMatch(/undefined/);
    expect(texts.get('markdown')).toContain('Deployment old');
  });

  it('drops or mends malformed optional parts, keeping well-formed ones', () => {
    const base = { id: 'a', rule: 'r', title: 't', severity: 'low', message: 'm', resource: { kind: 'Pod', name: 'p', namespace: 'shop' } };
    const [odd, kept] = baselineFindings(
      report([
        { ...base, evidence: 'x', frameworks: [null, { framework: 'pss', level: 'baseline', id: 'privileged' }], location: { line: 2 }, container: 7, field: null },
        { ...base, location: { file: 'k8s/a.yaml' }, container: 'app', field: 'spec.containers[0]', evidence: { observed: true } },
      ]),
    );
    expect(odd).toMatchObject({ evidence: {}, frameworks: [{ framework: 'pss', level: 'baseline', id: 'privileged' }], resource: { namespace: 'shop' } });
    expect(odd).not.toHaveProperty('location');
    expect(odd).not.toHaveProperty('container');
    expect(odd).not.toHaveProperty('field');
    expect(kept).toMatchObject({ location: { file: 'k8s/a.yaml', line: 0 }, container: 'app', field: 'spec.containers[0]', evidence: { observed: true } });
  });

  it('refuses an entry that is not a finding', () => {
    expect(() => baselineFindings(report([{ id: 'a', rule: 'r', title: 't', severity: 'nope', message: 'm', resource: { kind: 'Pod', name: 'p' } }]))).toThrow(/findings\[0\] is not a finding/);
    expect(() => baselineFindings({ schema: 'other', findings: [] })).toThrow(/not a palisade JSON report/);
  });
});
