import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadAll } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/cli/serve.js';
import { runCli, tempTree } from '../helpers/cli.js';
import { clusterBody, clusterId, startFakeArm } from '../helpers/fake-arm.js';
import { azureCliEnv } from '../helpers/fake-graph.js';
import { container, deployment, namespace, podsOf, replicaSet, startFakeKube, writeKubeconfig, type FakeKube } from '../helpers/fake-kube.js';
import { policyReportStore, type PolicyReportStore } from '../server/fake-policy-reports.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const TOKEN = 'serve-token';
const PRIVILEGED = [container('app', { securityContext: { privileged: true } })];

/** One cluster: a privileged Deployment (with its ReplicaSet and pods) in a namespace of its own. */
function clusterObjects(ns: string, name: string) {
  const rs = replicaSet(ns, `${name}-5c7d`, name, PRIVILEGED);
  return [namespace(ns), deployment(ns, name, PRIVILEGED), rs, ...podsOf(rs, 2)];
}

interface Serving {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts `palisade serve` and waits for the address it prints. */
function startServe(args: string[], env: Record<string, string>): Promise<Serving> {
  const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src/cli/main.ts'), 'serve', ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 20_000);
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /serving the dashboard on (http:\/\/[^/\s]+)\//.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ child, url: m[1]!, stderr: () => stderr, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${stderr}`));
    });
  });
}

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as T };
}

describe('palisade serve against two clusters', () => {
  let east: FakeKube;
  let west: FakeKube;
  let eastReports: PolicyReportStore;
  let westReports: PolicyReportStore;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    eastReports = policyReportStore();
    westReports = policyReportStore();
    east = await startFakeKube({ token: TOKEN, objects: clusterObjects('shop', 'web'), intercept: eastReports.intercept });
    west = await startFakeKube({ token: TOKEN, objects: clusterObjects('billing', 'api'), intercept: westReports.intercept });
    dir = tempTree({});
    const kubeconfig = writeKubeconfig(
      [
        { name: 'east', server: east.server, ca: east.ca, token: TOKEN },
        { name: 'west', server: west.server, ca: west.ca, token: TOKEN },
      ],
      'east',
      dir,
    );
    env = { KUBECONFIG: kubeconfig };
  });

  afterAll(async () => {
    await east?.close();
    await west?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('scans each context, stores both side by side, serves them, writes PolicyReports back, and stops on SIGTERM', async () => {
    const serving = await startServe(['--context', 'east', '--context', 'west', '--port', '0', '--interval', '1h', '--store', `sqlite:${join(dir, 'history.db')}`, '--policy-reports'], env);
    try {
      await expect.poll(async () => (await fetch(`${serving.url}/readyz`)).status, { timeout: 30_000, interval: 200 }).toBe(200);
      // Readiness comes with the saves; the PolicyReports follow each save.
      await expect.poll(() => serving.stderr(), { timeout: 10_000, interval: 100 }).toMatch(/west: PolicyReports 2 created/);
      await expect.poll(() => serving.stderr(), { timeout: 10_000, interval: 100 }).toMatch(/east: PolicyReports 2 created/);

      const targets = await getJson<{ targets: { target: string; scans: number; latest: { id: number; findings: number } }[] }>(`${serving.url}/api/targets`);
      expect(targets.body.targets.map((t) => [t.target, t.scans])).toEqual([
        ['east', 1],
        ['west', 1],
      ]);
      const findingsOf = async (target: string) => {
        const id = targets.body.targets.find((t) => t.target === target)!.latest.id;
        return (await getJson<{ findings: { rule: string; resource: { namespace: string; name: string } }[] }>(`${serving.url}/api/scans/${id}/findings?rule=workload/privileged-container`)).body.findings;
      };
      expect((await findingsOf('east')).map((f) => `${f.resource.namespace}/${f.resource.name}`)).toEqual(['shop/web']);
      expect((await findingsOf('west')).map((f) => `${f.resource.namespace}/${f.resource.name}`)).toEqual(['billing/api']);

      // Each cluster got its own reports, and only its own.
      expect([...eastReports.objects.keys()].sort()).toEqual(['/palisade', 'shop/palisade']);
      expect([...westReports.objects.keys()].sort()).toEqual(['/palisade', 'billing/palisade']);
      const shop = eastReports.objects.get('shop/palisade') as { kind: string; results: { policy: string; result: string; source: string; resources: { name: string }[] }[] };
      expect(shop.kind).toBe('PolicyReport');
      expect(shop.results).toContainEqual(expect.objectContaining({ policy: 'workload/privileged-container', result: 'fail', source: 'palisade', resources: [expect.objectContaining({ name: 'web' })] }));

      const metrics = await (await fetch(`${serving.url}/metrics`)).text();
      expect(metrics).toContain('palisade_scans_total{target="east",outcome="success"} 1');
      expect(metrics).toContain('palisade_scans_total{target="west",outcome="success"} 1');
      expect(metrics).toContain('palisade_policy_report_writes_total{target="west",outcome="success"} 1');
      const home = await fetch(`${serving.url}/`);
      expect(home.headers.get('content-type')).toBe('text/html; charset=utf-8');
    } finally {
      serving.child.kill('SIGTERM');
    }
    expect(await serving.exited).toBe(0);
  }, 60_000);

  it('keeps serving when a cluster cannot be read, and logs the failure', async () => {
    const kubeconfig = writeKubeconfig(
      [
        { name: 'east', server: east.server, ca: east.ca, token: TOKEN },
        { name: 'gone', server: 'https://127.0.0.1:1', ca: east.ca, token: TOKEN },
      ],
      'east',
      tempTree({}),
    );
    const serving = await startServe(['--context', 'gone', '--context', 'east', '--port', '0', '--interval', '1h', '--store', `sqlite:${join(dir, 'gone.db')}`], { KUBECONFIG: kubeconfig });
    try {
      await expect.poll(() => serving.stderr(), { timeout: 30_000, interval: 200 }).toMatch(/scan of gone failed \(retried at the next interval\): /);
      await expect.poll(async () => (await fetch(`${serving.url}/readyz`)).status, { timeout: 30_000, interval: 200 }).toBe(200);
      const targets = await getJson<{ targets: { target: string }[]; failing: { target: string; error: string }[] }>(`${serving.url}/api/targets`);
      expect(targets.body.targets.map((t) => t.target)).toEqual(['east']);
      // Failed scans are not stored: the API says which target failed and why.
      expect(targets.body.failing.map((f) => f.target)).toEqual(['gone']);
      expect(targets.body.failing[0]?.error).toMatch(/cannot reach the API server/);
      expect(await (await fetch(`${serving.url}/metrics`)).text()).toContain('palisade_scans_total{target="gone",outcome="failure"} 1');
    } finally {
      serving.child.kill('SIGTERM');
    }
    expect(await serving.exited).toBe(0);
  }, 60_000);

  it('gives up a read under way on SIGTERM instead of outliving the grace period', async () => {
    const stuck = await startFakeKube({ token: TOKEN, objects: clusterObjects('shop', 'web'), hang: (req) => req.path.endsWith('/pods') });
    try {
      const kubeconfig = writeKubeconfig([{ name: 'stuck', server: stuck.server, ca: stuck.ca, token: TOKEN }], 'stuck', tempTree({}));
      const serving = await startServe(['--context', 'stuck', '--port', '0', '--interval', '1h', '--store', `sqlite:${join(dir, 'stuck.db')}`], { KUBECONFIG: kubeconfig });
      // The read is under way once the stuck list was asked for.
      await expect.poll(() => stuck.requests.some((r) => r.path.endsWith('/pods')), { timeout: 30_000, interval: 100 }).toBe(true);
      const stopped = Date.now();
      serving.child.kill('SIGTERM');
      expect(await serving.exited).toBe(0);
      // Well within a pod's default 30 s grace period, where the read alone would wait 60 s.
      expect(Date.now() - stopped).toBeLessThan(15_000);
    } finally {
      await stuck.close();
    }
  }, 60_000);

  it('scans the current context when no target is named', async () => {
    const serving = await startServe(['--port', '0', '--interval', '1h', '--store', `sqlite:${join(dir, 'current.db')}`], env);
    try {
      await expect.poll(async () => (await fetch(`${serving.url}/readyz`)).status, { timeout: 30_000, interval: 200 }).toBe(200);
      const targets = await getJson<{ targets: { target: string; latest: { findings: number } }[] }>(`${serving.url}/api/targets`);
      expect(targets.body.targets.map((t) => t.target)).toEqual(['east']);
      expect(targets.body.targets[0]!.latest.findings).toBeGreaterThan(0);
    } finally {
      serving.child.kill('SIGTERM');
    }
    expect(await serving.exited).toBe(0);
  }, 60_000);

  it('scans an AKS cluster through Azure Resource Manager beside a context', async () => {
    const arm = await startFakeArm({ clusters: [clusterBody('rg-shop', 'aks-shop')] });
    const cluster = clusterId('rg-shop', 'aks-shop');
    const azure = azureCliEnv(arm.ca, { arm: arm.endpoint });
    // A short interval: a scan that fails on a loaded machine is tried again within the test.
    const serving = await startServe(['--aks', cluster, '--context', 'west', '--port', '0', '--interval', '2s', '--store', `sqlite:${join(dir, 'aks.db')}`], { ...env, ...azure.env });
    try {
      type Targets = { targets: { target: string; latest: { id: number; resources: number } }[] };
      await expect
        .poll(async () => (await getJson<Targets>(`${serving.url}/api/targets`)).body.targets.map((t) => t.target).sort(), { timeout: 30_000, interval: 200, message: serving.stderr() })
        .toEqual([cluster, 'west'].sort());
      const targets = await getJson<Targets>(`${serving.url}/api/targets`);
      const aks = targets.body.targets.find((t) => t.target === cluster)!;
      expect(aks.latest.resources).toBeGreaterThan(0);
      const findings = await getJson<{ findings: { rule: string }[] }>(`${serving.url}/api/scans/${aks.latest.id}/findings?limit=1000`);
      expect(findings.body.findings.length).toBeGreaterThan(0);
      expect(findings.body.findings.every((f) => f.rule.startsWith('aks/'))).toBe(true);
    } finally {
      serving.child.kill('SIGTERM');
      await arm.close();
      rmSync(azure.dir, { recursive: true, force: true });
    }
    expect(await serving.exited).toBe(0);
  }, 60_000);

  it('refuses bad flags with exit code 2 before serving', async () => {
    const cases: [string[], RegExp][] = [
      [['--interval', '500ms'], /--interval must be at least 1s/],
      // Past a timer's longest wait (2^31 - 1 ms) the timer would fire at once, every time.
      [['--interval', '25d'], /--interval must be at most 24d/],
      [['--port', '99999'], /--port must be a whole number from 0 to 65535/],
      [['--context', 'north'], /--context north: no such context in the kubeconfig \(it has east, west\)/],
      [['--policy-reports', 'deploy/'], /--policy-reports needs a cluster/],
      // A documentation address (TEST-NET-1) no machine here has.
      [['--listen', '192.0.2.1'], /--listen 192\.0\.2\.1: not an address of this machine \(EADDRNOTAVAIL\)/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(['serve', '--port', '0', ...args], { env, cwd: dir })));
    results.forEach((r, i) => {
      const [args, message] = cases[i]!;
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(message);
    });
  });
});

describe('serve durations', () => {
  it('reads 15m, 1h30m, 90s and 500ms, and refuses anything else', () => {
    expect([parseDuration('15m'), parseDuration('1h30m'), parseDuration('90s'), parseDuration('500ms'), parseDuration('1d')]).toEqual([900_000, 5_400_000, 90_000, 500, 86_400_000]);
    for (const bad of ['soon', '15', '-1m', '1.5h', '', 'm']) expect(() => parseDuration(bad)).toThrow(/--interval must be a duration like 15m/);
  });
});

describe('palisade scan -f policyreport', () => {
  it('prints PolicyReports for kubectl apply', async () => {
    const cwd = tempTree({
      'pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec:\n  containers: [{name: c, image: nginx, securityContext: {privileged: true}}]\n',
    });
    const r = await runCli(['scan', '-f', 'policyreport', '--fail-on', 'none', '.'], { cwd });
    expect(r.code).toBe(0);
    const docs = loadAll(r.stdout) as { kind: string; metadata: { namespace?: string }; results: { policy: string; source: string }[] }[];
    expect(docs.map((d) => `${d.kind} ${d.metadata.namespace ?? ''}`)).toEqual(['ClusterPolicyReport ', 'PolicyReport shop']);
    expect(docs[1]!.results.map((x) => x.policy)).toContain('workload/privileged-container');
    expect(docs[1]!.results.every((x) => x.source === 'palisade')).toBe(true);
  });
});
