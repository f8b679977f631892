import { afterEach, describe, expect, it } from 'vitest';
import { load, loadAll } from 'js-yaml';
import { summarize } from '../../src/core/report.js';
import { MAX_RESULTS_PER_REPORT, policyReports, renderPolicyReport, type PolicyReportObject } from '../../src/report/policyreport.js';
import { writePolicyReports } from '../../src/server/policy-report-writer.js';
import { startFakeKube, writeKubeconfig, type FakeKube } from '../helpers/fake-kube.js';
import { kubectlParse } from '../helpers/kubectl.js';
import { finding, report } from '../store/fixtures.js';
import { policyReportStore } from './fake-policy-reports.js';

const TOKEN = 'policy-token';

function scanReport() {
  const findings = [
    finding('workload/privileged-container', 'web', { severity: 'critical' }),
    finding('workload/missing-limits', 'web', { severity: 'low', pillar: 'configuration', field: 'spec.template.spec.containers[0].resources' }),
    finding('workload/privileged-container', 'db', { severity: 'high', resource: { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'data', name: 'db' } }),
    finding('rbac/cluster-admin-binding', 'ops', { severity: 'high', pillar: 'access', resource: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', namespace: null, name: 'ops' } }),
    finding('workload/privileged-container', 'ignored', { suppressed: { kind: 'exception', reason: 'accepted' } }),
  ];
  return report(findings);
}

describe('PolicyReport objects', () => {
  it('puts namespaced findings in one PolicyReport per namespace and the rest in the ClusterPolicyReport, leaving suppressed ones out', () => {
    const objects = policyReports(scanReport());
    expect(objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual([
      'ClusterPolicyReport /palisade',
      'PolicyReport data/palisade',
      'PolicyReport shop/palisade',
    ]);
    const shop = objects[2]!;
    expect(shop.apiVersion).toBe('wgpolicyk8s.io/v1alpha2');
    expect(shop.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'palisade' });
    expect(shop.summary).toEqual({ pass: 0, fail: 1, warn: 1, error: 0, skip: 0 });
    expect(shop.results.map((r) => [r.policy, r.result, r.severity, r.source, r.category])).toEqual([
      ['workload/privileged-container', 'fail', 'critical', 'palisade', 'configuration'],
      ['workload/missing-limits', 'warn', 'low', 'palisade', 'configuration'],
    ]);
    expect(shop.results[0]!.resources).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' }]);
    expect(shop.results[0]!.timestamp).toEqual({ seconds: Date.parse('2026-11-26T12:00:00.000Z') / 1000, nanos: 0 });
    for (const v of Object.values(shop.results[0]!.properties)) expect(typeof v).toBe('string');
    expect(objects[0]!.results[0]!.resources).toEqual([{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name: 'ops' }]);
  });

  it('puts a namespaced object written without a namespace in a PolicyReport without one, for kubectl apply -n to place', () => {
    const objects = policyReports(
      report([
        finding('workload/privileged-container', 'api', { resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: null, name: 'api' } }),
        finding('rbac/cluster-admin-binding', 'ops', { resource: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', namespace: null, name: 'ops' } }),
      ]),
    );
    expect(objects.map((o) => [o.kind, o.metadata.namespace, o.results.map((r) => r.resources[0]!.kind)])).toEqual([
      ['ClusterPolicyReport', undefined, ['ClusterRoleBinding']],
      ['PolicyReport', undefined, ['Deployment']],
    ]);
  });

  it('names the report without a namespace apart from the one of default, so that applying both into default keeps both', () => {
    const objects = policyReports(
      report([
        finding('workload/privileged-container', 'api', { resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: null, name: 'api' } }),
        finding('workload/privileged-container', 'web', { resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' } }),
      ]),
    );
    const placed = objects.filter((o) => o.kind === 'PolicyReport').map((o) => `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`);
    expect(placed).toEqual(['default/palisade-no-namespace', 'default/palisade']);
    expect(new Set(placed).size).toBe(placed.length);
  });

  it('scores fail results and leaves warn results unscored, as v1alpha2 pairs them', () => {
    const results = policyReports(scanReport()).flatMap((o) => o.results);
    expect(results.map((r) => [r.severity, r.result, r.scored])).toEqual([
      ['high', 'fail', true],
      ['high', 'fail', true],
      ['critical', 'fail', true],
      ['low', 'warn', false],
    ]);
  });

  it('keeps an empty ClusterPolicyReport when nothing is found, so that fixed findings disappear from it', () => {
    const clean = { ...report([]), summary: summarize([], 3) };
    expect(policyReports(clean)).toEqual([
      expect.objectContaining({ kind: 'ClusterPolicyReport', results: [], summary: { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 } }),
    ]);
  });

  it('renders a YAML stream that kubectl reads as the same objects', () => {
    const text = renderPolicyReport(scanReport(), { rules: [], color: false });
    const docs = loadAll(text) as PolicyReportObject[];
    expect(docs).toEqual(policyReports(scanReport()));
    const parsed = kubectlParse<PolicyReportObject>(text);
    if (parsed) expect(parsed.map((d) => d.kind)).toEqual(['ClusterPolicyReport', 'PolicyReport', 'PolicyReport']);
    expect(load(text.split('---\n')[1]!)).toMatchObject({ kind: 'ClusterPolicyReport' });
  });
});

describe('writing PolicyReports through the Kubernetes API', () => {
  let kube: FakeKube | undefined;
  afterEach(async () => {
    await kube?.close();
    kube = undefined;
  });

  async function cluster(options: { forbid?: boolean } = {}) {
    const reports = policyReportStore(options);
    kube = await startFakeKube({ token: TOKEN, intercept: reports.intercept });
    const kubeconfig = writeKubeconfig([{ name: 'prod', server: kube.server, ca: kube.ca, token: TOKEN }], 'prod');
    return { reports, kubeconfig };
  }

  it('creates the reports, replaces them on the next scan, and deletes the report of a namespace that became clean', async () => {
    const { reports, kubeconfig } = await cluster();
    const first = await writePolicyReports(scanReport(), { kubeconfig, context: 'prod' });
    expect(first).toEqual({ created: ['ClusterPolicyReport palisade', 'PolicyReport data/palisade', 'PolicyReport shop/palisade'], replaced: [], deleted: [], errors: [] });
    expect((reports.objects.get('shop/palisade')!.results as unknown[]).length).toBe(2);

    // The StatefulSet in data was fixed, and the Deployment lost one finding.
    const next = scanReport();
    next.findings = next.findings.filter((f) => f.resource.namespace !== 'data' && f.rule !== 'workload/missing-limits');
    const second = await writePolicyReports(next, { kubeconfig, context: 'prod' });
    expect(second).toEqual({ created: [], replaced: ['ClusterPolicyReport palisade', 'PolicyReport shop/palisade'], deleted: ['PolicyReport data/palisade'], errors: [] });
    expect([...reports.objects.keys()].sort()).toEqual(['/palisade', 'shop/palisade']);
    const shop = reports.objects.get('shop/palisade')!;
    expect(shop.results).toEqual([expect.objectContaining({ policy: 'workload/privileged-container', result: 'fail', severity: 'critical', source: 'palisade' })]);
    expect(shop.summary).toEqual({ pass: 0, fail: 1, warn: 0, error: 0, skip: 0 });
    // Replacements name the version read, as an update must.
    const puts = kube!.requests.filter((r) => r.method === 'PUT').map((r) => (JSON.parse(r.body!) as { metadata: { resourceVersion?: string } }).metadata.resourceVersion);
    expect(puts.every((v) => typeof v === 'string' && v !== '')).toBe(true);
    expect(reports.writes.filter((w) => w.startsWith('delete'))).toEqual(['delete data/palisade']);
  });

  it('splits a namespace with more results than one object may hold, and deletes the parts it no longer needs', async () => {
    const { reports, kubeconfig } = await cluster();
    const many = (n: number) =>
      report(Array.from({ length: n }, (_, i) => finding('workload/privileged-container', `web-${i}`, { resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: `web-${i}` } })));
    const big = policyReports(many(MAX_RESULTS_PER_REPORT + 5));
    expect(big.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}:${o.results.length}`)).toEqual(['/palisade:0', `shop/palisade:${MAX_RESULTS_PER_REPORT}`, 'shop/palisade-2:5']);
    await writePolicyReports(many(MAX_RESULTS_PER_REPORT + 5), { kubeconfig, context: 'prod' });
    expect([...reports.objects.keys()].sort()).toEqual(['/palisade', 'shop/palisade', 'shop/palisade-2']);
    const smaller = await writePolicyReports(many(3), { kubeconfig, context: 'prod' });
    expect(smaller.deleted).toEqual(['PolicyReport shop/palisade-2']);
    expect([...reports.objects.keys()].sort()).toEqual(['/palisade', 'shop/palisade']);
  });

  it('writes the report of objects without a namespace to default beside its own report, and deletes it once it is empty', async () => {
    const { reports, kubeconfig } = await cluster();
    const both = report([
      finding('workload/privileged-container', 'api', { resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: null, name: 'api' } }),
      finding('workload/privileged-container', 'web', { resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' } }),
    ]);
    const first = await writePolicyReports(both, { kubeconfig, context: 'prod' });
    expect(first.created).toEqual(['ClusterPolicyReport palisade', 'PolicyReport default/palisade-no-namespace', 'PolicyReport default/palisade']);
    expect((reports.objects.get('default/palisade')!.results as { resources: { name: string }[] }[]).map((r) => r.resources[0]!.name)).toEqual(['web']);
    expect((reports.objects.get('default/palisade-no-namespace')!.results as { resources: { name: string }[] }[]).map((r) => r.resources[0]!.name)).toEqual(['api']);
    const second = await writePolicyReports(report([both.findings[1]!]), { kubeconfig, context: 'prod' });
    expect(second.deleted).toEqual(['PolicyReport default/palisade-no-namespace']);
  });

  it('reports each refused write with the API server\'s reason and goes on', async () => {
    const { kubeconfig } = await cluster({ forbid: true });
    const result = await writePolicyReports(scanReport(), { kubeconfig, context: 'prod' });
    expect(result.created).toEqual([]);
    expect(result.errors).toHaveLength(4);
    expect(result.errors[0]).toMatch(/^ClusterPolicyReport palisade: 403 .*cannot post resource "policyreports"/);
    expect(result.errors[3]).toMatch(/^listing Palisade's PolicyReports: 403/);
  });
});
