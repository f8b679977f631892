import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { readCluster, type ClusterReadOptions } from '../../src/ingest/kube.js';
import { LIVE_KINDS, SCAN_REQUIRED_KINDS, apiVersionOf } from '../../src/ingest/kube-kinds.js';
import { proxyFromEnvironment } from '../../src/ingest/kube-proxy.js';
import {
  container,
  deployment,
  namespace,
  role,
  secret,
  startFakeKube,
  writeKubeconfig,
  type FakeKube,
  type FakeKubeOptions,
  type FakeKubeRequest,
  type FakeKubeResponse,
  type ListTarget,
} from '../helpers/fake-kube.js';

const TOKEN = 'test-token';
const servers: FakeKube[] = [];
const others: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(others.splice(0).map((close) => close()));
});

/** The group versions a cluster without Argo Rollouts, KEDA, Gateway API or application routing serves. */
const PLAIN_AKS = ['apps/v1', 'batch/v1', 'networking.k8s.io/v1', 'rbac.authorization.k8s.io/v1', 'apiextensions.k8s.io/v1', 'policy/v1', 'autoscaling/v2', 'admissionregistration.k8s.io/v1'];

/**
 * Discovery as the API server answers it (`/api`, `/apis`, `/apis/GROUP/VERSION`), serving these group
 * versions and, in each, the resources Palisade reads of them.
 */
function discovery(served: readonly string[]): (req: FakeKubeRequest) => FakeKubeResponse | undefined {
  return (req) => {
    if (req.path === '/api') return { status: 200, body: { kind: 'APIVersions', versions: ['v1'] } };
    if (req.path === '/apis')
      return {
        status: 200,
        body: {
          kind: 'APIGroupList',
          apiVersion: 'v1',
          groups: [...new Set(served.map((gv) => gv.split('/')[0]))].map((name) => ({
            name,
            versions: served.filter((gv) => gv.startsWith(`${name}/`)).map((gv) => ({ groupVersion: gv, version: gv.split('/')[1] })),
          })),
        },
      };
    const gv = /^\/apis\/([^/]+\/[^/]+)$/.exec(req.path)?.[1];
    if (gv !== undefined && served.includes(gv))
      return {
        status: 200,
        body: {
          kind: 'APIResourceList',
          groupVersion: gv,
          resources: LIVE_KINDS.filter((k) => apiVersionOf(k) === gv).map((k) => ({ name: k.resource, namespaced: k.namespaced, kind: k.kind, verbs: ['get', 'list'] })),
        },
      };
    return undefined;
  };
}

/** What a RoleBinding to the built-in `view` ClusterRole allows in a namespace: no Secrets, no RBAC, no custom resources. */
const VIEW = new Set(['pods', 'replicationcontrollers', 'services', 'serviceaccounts', 'configmaps', 'limitranges', 'deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'ingresses', 'networkpolicies', 'poddisruptionbudgets', 'horizontalpodautoscalers']);

/**
 * Refused as the API server refuses: RBAC answers 403 before it looks whether the group exists, so a
 * kind that is not installed is forbidden, not 404, for an identity that may not list it.
 */
function viewIn(ns: string | undefined): (t: ListTarget) => boolean {
  return (t) => {
    if (t.resource === 'namespaces') return t.verb === 'get' ? t.namespace !== ns : ns !== undefined;
    if (!VIEW.has(t.resource)) return true;
    return ns !== undefined && t.namespace !== ns;
  };
}

async function fake(options: FakeKubeOptions): Promise<FakeKube> {
  const server = await startFakeKube({ token: TOKEN, ...options });
  servers.push(server);
  return server;
}

function objects() {
  return [namespace('shop'), deployment('shop', 'web', [container('web', { securityContext: { privileged: true } })]), secret('shop', 'db', { password: 'x' }), role('shop', 'r', [])];
}

async function read(server: FakeKube, options: Partial<ClusterReadOptions> = {}, context: { namespace?: string } = {}) {
  const kubeconfig = writeKubeconfig([{ name: 'aks-shop', server: server.server, ca: server.ca, token: TOKEN, ...context }], 'aks-shop');
  return readCluster({ kubeconfig, retryDelayMs: 1, required: SCAN_REQUIRED_KINDS, ...options });
}

const UNINSTALLED = /argoproj\.io|keda\.sh|gateway\.networking\.k8s\.io|approuting\.kubernetes\.azure\.com|actions\.github\.com/;

describe('readCluster with read-only rights', () => {
  it('scans one namespace with a RoleBinding to view: no error, a note for each kind it may not list, nothing asked of API groups the server lacks', async () => {
    const server = await fake({ objects: objects(), forbid: viewIn('shop'), intercept: discovery(PLAIN_AKS) });
    const { resources, errors, notes } = await read(server, { namespace: 'shop' });
    expect(errors).toEqual([]);
    expect(resources.some((r) => r.kind === 'Deployment' && r.name === 'web')).toBe(true);
    const messages = notes.map((n) => n.message);
    expect(messages).toContainEqual(expect.stringMatching(/^cannot list secrets in namespace shop: forbidden .*; left out: attack paths and rules that go through ServiceAccount token Secrets .* were not evaluated/));
    expect(messages).toContainEqual(expect.stringMatching(/^cannot list roles\.rbac\.authorization\.k8s\.io in namespace shop: forbidden .*; left out: /));
    expect(messages).toContainEqual(expect.stringMatching(/^cannot list rolebindings\.rbac\.authorization\.k8s\.io in namespace shop: forbidden/));
    expect(messages).toContainEqual(expect.stringMatching(/^cluster-scoped .*clusterroles.* could not be listed with these credentials and were left out: /));
    // Discovery says which groups are served: the uninstalled custom resources are never listed.
    expect(server.requests.filter((r) => UNINSTALLED.test(r.path)).map((r) => r.path)).toEqual([]);
    expect(messages.some((m) => UNINSTALLED.test(m))).toBe(false);
  });

  it('reads the whole cluster as a cluster-wide reader (AKS RBAC Reader): no error for Secrets, RBAC or uninstalled custom resources', async () => {
    const server = await fake({ objects: objects(), forbid: (t) => (t.resource === 'namespaces' ? false : viewIn(undefined)(t)), intercept: discovery(PLAIN_AKS) });
    const { errors, notes } = await read(server);
    expect(errors).toEqual([]);
    expect(notes.map((n) => n.message)).toContainEqual(expect.stringMatching(/^cannot list secrets in all namespaces: forbidden .*ServiceAccount token Secrets/));
    expect(server.requests.filter((r) => UNINSTALLED.test(r.path))).toEqual([]);
  });

  it('skips a kind whose resource its served group version lacks (TLSRoute of the standard channel)', async () => {
    const served = [...PLAIN_AKS, 'gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1', 'gateway.networking.k8s.io/v1alpha2'];
    const intercept = discovery(served);
    const server = await fake({
      objects: objects(),
      forbid: viewIn('shop'),
      // The standard channel serves v1alpha2 for no kind Palisade reads: TLS, TCP and UDP routes are experimental.
      intercept: (req) => (req.path === '/apis/gateway.networking.k8s.io/v1alpha2' ? { status: 200, body: { kind: 'APIResourceList', groupVersion: 'gateway.networking.k8s.io/v1alpha2', resources: [] } } : intercept(req)),
    });
    const { notes } = await read(server, { namespace: 'shop' });
    expect(server.requests.some((r) => r.path.endsWith('/tlsroutes'))).toBe(false);
    expect(server.requests.some((r) => r.path.endsWith('/httproutes'))).toBe(true);
    // Installed but not granted to view: a note, not an error.
    expect(notes.map((n) => n.message)).toContainEqual(expect.stringMatching(/^cannot list httproutes\.gateway\.networking\.k8s\.io in namespace shop: forbidden.*Gateway API routes/));
  });

  it('still fails on a refused kind the scan judges (its workloads), and tries every kind when discovery is not served', async () => {
    const server = await fake({ objects: objects(), forbid: (t) => t.resource === 'deployments' });
    const { errors } = await read(server);
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/^cannot list deployments\.apps in all namespaces: forbidden/)]);
    // The fake serves no discovery: every kind is tried, and a 404 skips it as before.
    expect(server.requests.some((r) => r.path === '/apis/argoproj.io/v1alpha1/rollouts')).toBe(true);
  });

  it('keeps every refusal an error when the caller requires every kind', async () => {
    const server = await fake({ objects: objects(), forbid: (t) => t.resource === 'secrets', intercept: discovery(PLAIN_AKS) });
    const kubeconfig = writeKubeconfig([{ name: 'aks-shop', server: server.server, ca: server.ca, token: TOKEN }], 'aks-shop');
    const { errors } = await readCluster({ kubeconfig, retryDelayMs: 1 });
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/^cannot list secrets in all namespaces: forbidden/)]);
  });

  it("suggests -n with the context's namespace when cluster-wide lists are refused to a user with rights there alone", async () => {
    const server = await fake({ objects: objects(), forbid: viewIn('shop'), intercept: discovery(PLAIN_AKS) });
    const { errors } = await read(server, {}, { namespace: 'shop' });
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.filter((e) => e.message.includes("try -n shop (the context's namespace)"))).toHaveLength(1);
    // With -n shop the same user reads the namespace without an error.
    const again = await read(server, { namespace: 'shop' }, { namespace: 'shop' });
    expect(again.errors).toEqual([]);
  });
});

describe('readCluster: TLS settings', () => {
  it('refuses a cluster with both a certificate authority and insecure-skip-tls-verify, as kubectl does', async () => {
    const server = await fake({ objects: objects() });
    const dir = mkdtempSync(join(tmpdir(), 'palisade-kc-'));
    const kubeconfig = join(dir, 'config');
    writeFileSync(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: server.server, 'certificate-authority-data': Buffer.from(server.ca).toString('base64'), 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'u', user: { token: TOKEN } }],
        contexts: [{ name: 'both', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'both',
      }),
    );
    const { errors, resources } = await readCluster({ kubeconfig });
    expect(resources).toEqual([]);
    expect(errors).toEqual([
      {
        source: 'cluster:kubeconfig',
        message:
          'context both: cluster c sets both a certificate authority and insecure-skip-tls-verify: true, which kubectl refuses too (specifying a root certificates file with the insecure flag is not allowed): remove one',
      },
    ]);
    expect(server.requests).toEqual([]);
  });
});

/** A plugin that prints a token without expirationTimestamp, writes `prompt` to stderr, and counts its runs. */
function plugin(opts: { prompt?: string; hang?: boolean; token?: string } = {}): { script: string; runs: () => number } {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-exec-'));
  const script = join(dir, 'plugin.mjs');
  const log = join(dir, 'runs.log');
  writeFileSync(log, '');
  const credential = { apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: opts.token ?? TOKEN } };
  writeFileSync(
    script,
    [
      `import { appendFileSync } from 'node:fs';`,
      `appendFileSync(${JSON.stringify(log)}, 'run\\n');`,
      opts.prompt ? `process.stderr.write(${JSON.stringify(opts.prompt)});` : '',
      opts.hang ? 'setInterval(() => {}, 1000);' : `process.stdout.write(${JSON.stringify(JSON.stringify(credential))});`,
    ].join('\n'),
  );
  return { script, runs: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).length };
}

describe('readCluster: credential plugins', () => {
  it('runs a plugin whose credential has no expiry once for the process, and again after the server refuses it', async () => {
    let refuseOnce = true;
    const server = await fake({
      objects: objects(),
      // A token revoked early: the next request after this one is refused once.
      intercept: (req) => {
        if (req.path === '/api/v1/configmaps' && refuseOnce) {
          refuseOnce = false;
          return { status: 401, body: { kind: 'Status', code: 401, reason: 'Unauthorized', message: 'Unauthorized' } };
        }
        return undefined;
      },
    });
    const p = plugin();
    const kubeconfig = writeKubeconfig([{ name: 'entra', server: server.server, ca: server.ca, execScript: p.script }], 'entra');
    const first = await readCluster({ kubeconfig, retryDelayMs: 1 });
    expect(first.errors).toEqual([]);
    // Once at the start, once after the 401.
    expect(p.runs()).toBe(2);
    const second = await readCluster({ kubeconfig, retryDelayMs: 1 });
    expect(second.errors).toEqual([]);
    expect(p.runs()).toBe(2);
  });

  it("passes the plugin's stderr (a device code prompt) through to ours", async () => {
    const server = await fake({ objects: objects() });
    const p = plugin({ prompt: 'To sign in, use a web browser to open https://microsoft.com/devicelogin and enter the code ABCD-EFGH\n' });
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const kubeconfig = writeKubeconfig([{ name: 'entra', server: server.server, ca: server.ca, execScript: p.script }], 'entra');
    const { errors } = await readCluster({ kubeconfig, retryDelayMs: 1, kinds: ['Namespace'] });
    expect(errors).toEqual([]);
    expect(written.join('')).toContain('enter the code ABCD-EFGH');
  });

  it('stops a plugin that runs past the time limit, with an error that says why', async () => {
    const server = await fake({ objects: objects() });
    const p = plugin({ prompt: 'waiting for you to sign in\n', hang: true });
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const kubeconfig = writeKubeconfig([{ name: 'entra', server: server.server, ca: server.ca, execScript: p.script }], 'entra');
    const { errors } = await readCluster({ kubeconfig, retryDelayMs: 1, execTimeoutMs: 1000 });
    expect(errors).toEqual([
      {
        source: 'cluster:entra',
        message: expect.stringMatching(/^the credential plugin .* of context entra failed: did not finish within 1 s \(it may be waiting for a sign-in that cannot be answered here/),
      },
    ]);
    expect(server.requests).toEqual([]);
  });
});

/** An HTTP CONNECT proxy that sends every tunnel to `target`, and records what it was asked for. */
async function connectProxy(target: URL): Promise<{ url: string; asked: string[] }> {
  const asked: string[] = [];
  const tunnels: Array<{ destroy(): void }> = [];
  const proxy: Server = createHttpServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, socket, head) => {
    asked.push(req.url ?? '');
    tunnels.push(socket);
    const upstream = connect(Number(target.port), target.hostname, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    tunnels.push(upstream);
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  // The client keeps its tunnels open for the next request: they end with the proxy.
  others.push(() => new Promise<void>((resolve) => {
    for (const t of tunnels) t.destroy();
    proxy.close(() => resolve());
  }));
  return { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, asked };
}

/** A kubeconfig for a server by a name that only the proxy resolves (TLS unverified: the name is not on the certificate). */
function namedServerKubeconfig(server: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-kc-'));
  const path = join(dir, 'config');
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user: { token: TOKEN } }],
      contexts: [{ name: 'proxied', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'proxied',
    }),
  );
  return path;
}

describe('readCluster: the proxy of the environment', () => {
  it('goes through HTTPS_PROXY when the kubeconfig names no proxy-url, and not for a host NO_PROXY names', async () => {
    const server = await fake({ objects: objects() });
    const proxy = await connectProxy(new URL(server.server));
    const kubeconfig = namedServerKubeconfig('https://kube.palisade.invalid:6443');
    vi.stubEnv('HTTPS_PROXY', proxy.url);
    vi.stubEnv('NO_PROXY', 'localhost,10.0.0.0/8');
    const { errors, resources } = await readCluster({ kubeconfig, retryDelayMs: 1, kinds: ['Namespace'] });
    expect(errors).toEqual([]);
    expect(resources.map((r) => r.name)).toEqual(['shop']);
    expect(proxy.asked[0]).toBe('kube.palisade.invalid:6443');
    vi.stubEnv('NO_PROXY', '.palisade.invalid');
    const asked = proxy.asked.length;
    const direct = await readCluster({ kubeconfig, retryDelayMs: 1, kinds: ['Namespace'] });
    expect(proxy.asked.length).toBe(asked);
    expect(direct.errors[0]?.message).toMatch(/cannot reach the API server https:\/\/kube\.palisade\.invalid:6443/);
  });

  it('follows Go’s rules for the variables', () => {
    const env = (e: Record<string, string>) => e as NodeJS.ProcessEnv;
    const aks = new URL('https://aks-shop-dns-1234.hcp.westeurope.azmk8s.io:443');
    expect(proxyFromEnvironment(aks, env({ HTTPS_PROXY: 'proxy.corp:3128' }))).toBe('http://proxy.corp:3128');
    expect(proxyFromEnvironment(aks, env({ https_proxy: 'http://proxy.corp:3128' }))).toBe('http://proxy.corp:3128');
    // HTTP_PROXY is for http servers only.
    expect(proxyFromEnvironment(aks, env({ HTTP_PROXY: 'http://proxy.corp:3128' }))).toBeUndefined();
    expect(proxyFromEnvironment(new URL('http://10.1.2.3:8080'), env({ HTTP_PROXY: 'http://proxy.corp:3128' }))).toBe('http://proxy.corp:3128');
    for (const noProxy of ['*', 'azmk8s.io', '.azmk8s.io', '*.azmk8s.io', 'aks-shop-dns-1234.hcp.westeurope.azmk8s.io:443', 'other.example, azmk8s.io'])
      expect(proxyFromEnvironment(aks, env({ HTTPS_PROXY: 'http://p:1', NO_PROXY: noProxy })), noProxy).toBeUndefined();
    for (const noProxy of ['example.com', 'azmk8s.io:6443', 'ks8.io'])
      expect(proxyFromEnvironment(aks, env({ HTTPS_PROXY: 'http://p:1', no_proxy: noProxy })), noProxy).toBe('http://p:1');
    // A CIDR or an address covers the servers given by address; loopback and localhost are never proxied.
    expect(proxyFromEnvironment(new URL('https://10.1.2.3'), env({ HTTPS_PROXY: 'http://p:1', NO_PROXY: '10.0.0.0/8' }))).toBeUndefined();
    expect(proxyFromEnvironment(new URL('https://10.1.2.3'), env({ HTTPS_PROXY: 'http://p:1', NO_PROXY: '10.1.2.3' }))).toBeUndefined();
    expect(proxyFromEnvironment(new URL('https://11.1.2.3'), env({ HTTPS_PROXY: 'http://p:1', NO_PROXY: '10.0.0.0/8' }))).toBe('http://p:1');
    expect(proxyFromEnvironment(new URL('https://127.0.0.1:6443'), env({ HTTPS_PROXY: 'http://p:1' }))).toBeUndefined();
    expect(proxyFromEnvironment(new URL('https://localhost:6443'), env({ HTTPS_PROXY: 'http://p:1' }))).toBeUndefined();
  });
});
