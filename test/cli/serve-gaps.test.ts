import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clusterScanTarget, pathsScanTarget, type ScanDeps } from '../../src/cli/serve.js';
import { DEFAULT_CONFIG } from '../../src/core/config.js';
import type { Report } from '../../src/core/report.js';
import { policyReports } from '../../src/report/policyreport.js';
import { RULES } from '../../src/rules/index.js';
import type { ScanTarget } from '../../src/server/scheduler.js';
import { openStore, type HistoryStore } from '../../src/store/index.js';
import { clusterRoleBinding, container, deployment, namespace, startFakeKube, writeKubeconfig, type FakeKube, type FakeKubeRequest, type FakeKubeResponse } from '../helpers/fake-kube.js';

const TOKEN = 'gaps-token';
const CRB_PATH = '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings';
const DEPLOYMENTS_PATH = '/apis/apps/v1/deployments';
const PRIVILEGED = [container('app', { securityContext: { privileged: true } })];

function emptyList(): FakeKubeResponse {
  return { status: 200, body: { kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [] } };
}

let dir: string;
let store: HistoryStore;
let kube: FakeKube | undefined;
let deps: ScanDeps;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'palisade-serve-gaps-'));
  store = await openStore(`sqlite:${join(dir, 'history.db')}`);
  deps = { rules: RULES, config: DEFAULT_CONFIG, configSource: '(defaults)', store: () => store, signal: new AbortController().signal };
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await kube?.close();
  kube = undefined;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A cluster with a privileged Deployment and a binding that makes shop's default account cluster-admin; what it refuses or hides is the test's to say. */
async function cluster(gaps: { forbidBindings: boolean; hide: Set<string> }): Promise<ScanTarget> {
  kube = await startFakeKube({
    token: TOKEN,
    objects: [
      namespace('default'),
      namespace('kube-system'),
      namespace('shop'),
      deployment('shop', 'web', PRIVILEGED),
      clusterRoleBinding('shop-admin', 'cluster-admin', [{ kind: 'ServiceAccount', name: 'default', namespace: 'shop' }]),
    ],
    forbid: (t) => gaps.forbidBindings && t.resource === 'clusterrolebindings',
    intercept: (req: FakeKubeRequest) => (gaps.hide.has(req.path) ? emptyList() : undefined),
  });
  vi.stubEnv('KUBECONFIG', writeKubeconfig([{ name: 'east', server: kube.server, ca: kube.ca, token: TOKEN }], 'east', dir));
  return clusterScanTarget('east', 'east', deps);
}

async function scanAndSave(target: ScanTarget): Promise<{ id: number; report: Report }> {
  const report = await target.scan();
  return { id: await store.saveScan(target.name, report), report };
}

const bindingFindings = (r: Report) => r.findings.filter((f) => f.resource.kind === 'ClusterRoleBinding').map((f) => f.id);

describe('serve: a cluster list refused after it was read', () => {
  it('carries the findings over, not re-checked, so that nothing shows as fixed until the kind is read again', async () => {
    const gaps = { forbidBindings: false, hide: new Set<string>() };
    const target = await cluster(gaps);
    const first = await scanAndSave(target);
    const bindings = bindingFindings(first.report);
    expect(bindings.length).toBeGreaterThan(0);
    expect(first.report.summary.bySeverity.critical).toBeGreaterThan(0);

    // The ClusterRole of the scanner lost `list clusterrolebindings`.
    gaps.forbidBindings = true;
    const second = await scanAndSave(target);
    expect(second.report.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^cannot list clusterrolebindings\.rbac\.authorization\.k8s\.io: forbidden/)]);
    const diff = await store.diff(second.id);
    expect(diff?.fixed).toEqual([]);
    // The score and the gauges stay where the last decided scan left them.
    const latest = (await store.targets()).find((t) => t.target === 'east')!.latest;
    expect(latest.id).toBe(second.id);
    expect(latest.score).toBe(first.report.summary.score);
    expect(latest.bySeverity).toEqual(first.report.summary.bySeverity);
    // Each finding the read did not decide says so, and which scan last did.
    const carried = second.report.findings.filter((f) => f.evidence.notRechecked !== undefined);
    expect(carried.map((f) => f.id)).toEqual(expect.arrayContaining(bindings));
    for (const f of carried) expect(f.evidence.notRechecked).toEqual({ lastCheckedScan: first.id, unread: ['ClusterRoleBinding'] });
    expect(second.report.notes.map((n) => n.message)).toContainEqual(expect.stringMatching(/carried over, not re-checked: ClusterRoleBinding could not be read/));
    // The PolicyReports written after the scan keep their results.
    const results = policyReports(second.report).flatMap((o) => o.results.map((r) => r.properties.findingId));
    expect(results).toEqual(expect.arrayContaining(bindings));

    // Still refused: still carried, still naming the scan that last read the bindings.
    const third = await scanAndSave(target);
    expect((await store.diff(third.id))?.fixed).toEqual([]);
    expect(third.report.findings.filter((f) => f.evidence.notRechecked !== undefined).map((f) => f.evidence.notRechecked)).toEqual(carried.map(() => ({ lastCheckedScan: first.id, unread: ['ClusterRoleBinding'] })));

    // Read again, and the binding is gone: now they are fixed.
    gaps.forbidBindings = false;
    gaps.hide.add(CRB_PATH);
    const fourth = await scanAndSave(target);
    expect(fourth.report.findings.some((f) => f.evidence.notRechecked !== undefined)).toBe(false);
    expect((await store.diff(fourth.id))?.fixed).toEqual(expect.arrayContaining(bindings));
  });

  it('compares two reads that both miss a kind as they are: a fix elsewhere shows as fixed', async () => {
    const gaps = { forbidBindings: true, hide: new Set<string>() };
    const target = await cluster(gaps);
    const first = await scanAndSave(target);
    const privileged = first.report.findings.filter((f) => f.rule === 'workload/privileged-container').map((f) => f.id);
    expect(privileged).toHaveLength(1);
    gaps.hide.add(DEPLOYMENTS_PATH);
    const second = await scanAndSave(target);
    expect(second.report.findings.some((f) => f.evidence.notRechecked !== undefined)).toBe(false);
    expect((await store.diff(second.id))?.fixed).toEqual(expect.arrayContaining(privileged));
  });
});

describe('serve: a read that checks nothing', () => {
  it('fails a cluster that lists no namespaces at all, instead of storing a clean scan', async () => {
    const gaps = { forbidBindings: false, hide: new Set<string>() };
    const target = await cluster(gaps);
    await scanAndSave(target);
    // Every list answers empty: no real API server does (default and kube-system always exist).
    await kube!.close();
    kube = await startFakeKube({ token: TOKEN, objects: [] });
    vi.stubEnv('KUBECONFIG', writeKubeconfig([{ name: 'east', server: kube.server, ca: kube.ca, token: TOKEN }], 'east', dir));
    await expect(target.scan()).rejects.toThrow(/nothing was checked, not stored: the API server of east listed no namespaces/);
  });

  it('fails a paths target whose files are all gone', async () => {
    const tree = join(dir, 'manifests');
    mkdirTree(tree, { 'app.yaml': PRIVILEGED_YAML });
    const target = pathsScanTarget([tree], deps);
    await scanAndSave(target);
    unlinkSync(join(tree, 'app.yaml'));
    await expect(target.scan()).rejects.toThrow(/nothing was checked, not stored/);
  });
});

describe('serve: a paths target with a file that does not parse', () => {
  it('carries that file\'s findings over instead of showing them fixed, and shows them fixed once the file is gone', async () => {
    const tree = join(dir, 'manifests');
    mkdirTree(tree, { 'app.yaml': PRIVILEGED_YAML, 'other.yaml': PRIVILEGED_YAML.replace(/name: app/g, 'name: other') });
    const target = pathsScanTarget([tree], deps);
    const first = await scanAndSave(target);
    const other = first.report.findings.filter((f) => f.location?.file === join(tree, 'other.yaml')).map((f) => f.id);
    expect(other.length).toBeGreaterThan(0);

    writeFileSync(join(tree, 'other.yaml'), 'kind: [oops\n  bad');
    const second = await scanAndSave(target);
    expect(second.report.errors.map((e) => e.source)).toEqual([join(tree, 'other.yaml')]);
    expect((await store.diff(second.id))?.fixed).toEqual([]);
    expect(second.report.summary.score).toBe(first.report.summary.score);
    for (const f of second.report.findings.filter((x) => other.includes(x.id))) expect(f.evidence.notRechecked).toEqual({ lastCheckedScan: first.id, unread: [join(tree, 'other.yaml')] });

    unlinkSync(join(tree, 'other.yaml'));
    const third = await scanAndSave(target);
    expect((await store.diff(third.id))?.fixed).toEqual([...other].sort());
  });
});

const PRIVILEGED_YAML = `apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: shop}
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers: [{name: c, image: nginx:1.25, securityContext: {privileged: true}}]
`;

function mkdirTree(root: string, files: Record<string, string>): void {
  rmSync(root, { recursive: true, force: true });
  for (const [name, text] of Object.entries(files)) {
    const path = join(root, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
}
