import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { PermissionIndex } from '../../src/analyses/rbac/permission-index.js';
import { UsageError } from '../../src/core/errors.js';
import { Inventory } from '../../src/core/inventory.js';
import { toResource } from '../../src/core/resource.js';
import { isPassingFailure, readCluster, type ClusterReadOptions } from '../../src/ingest/kube.js';
import { LIVE_KINDS } from '../../src/ingest/kube-kinds.js';
import { scannerClusterRole, scannerClusterRoleBinding } from '../../src/ingest/kube-rbac.js';
import { tempTree } from '../helpers/cli.js';
import {
  clusterRole,
  clusterRoleBinding,
  configMap,
  container,
  controllerRef,
  cronJob,
  deployment,
  hpa,
  namespace,
  pdb,
  pod,
  podController,
  podsOf,
  replicaSet,
  role,
  roleBinding,
  secret,
  serviceAccount,
  startFakeKube,
  writeExecPlugin,
  writeKubeconfig,
  type FakeKube,
  type FakeKubeOptions,
  type ListTarget,
} from '../helpers/fake-kube.js';

const TOKEN = 'test-token';
const servers: FakeKube[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function fake(options: FakeKubeOptions): Promise<FakeKube> {
  const server = await startFakeKube({ token: TOKEN, ...options });
  servers.push(server);
  return server;
}

function kubeconfigFor(server: FakeKube, name = 'aks-shop'): string {
  return writeKubeconfig([{ name, server: server.server, ca: server.ca, token: TOKEN }], name);
}

async function read(server: FakeKube, options: Partial<ClusterReadOptions> = {}) {
  return readCluster({ kubeconfig: kubeconfigFor(server), retryDelayMs: 1, ...options });
}

/** One object of every kind the reader lists, in two namespaces. */
function estate() {
  return [
    namespace('shop', { 'pod-security.kubernetes.io/enforce': 'restricted' }),
    namespace('ops'),
    pod('shop', 'web-7d9f-abcde', { owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9f', uid: 'rs-1', controller: true } }),
    pod('ops', 'debug'),
    { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'legacy', namespace: 'ops' }, spec: { replicas: 1, template: { spec: { containers: [{ name: 'c', image: 'nginx' }] } } } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { type: 'LoadBalancer', ports: [{ port: 443 }] } },
    serviceAccount('shop', 'web'),
    configMap('shop', 'web-config', { 'app.properties': 'mode=prod' }),
    secret('shop', 'db', { password: 'hunter2-value' }),
    { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-1' }, spec: { capacity: { storage: '1Gi' }, hostPath: { path: '/data' } } },
    { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'defaults', namespace: 'shop' }, spec: { limits: [{ type: 'Container', default: { cpu: '500m', memory: '256Mi' } }] } },
    deployment('shop', 'web'),
    replicaSet('shop', 'web-7d9f', 'web'),
    replicaSet('ops', 'standalone'),
    { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'shop' }, spec: { template: { spec: { containers: [{ name: 'db', image: 'postgres' }] } } } },
    { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'node-exporter', namespace: 'ops' }, spec: { template: { spec: { containers: [{ name: 'exporter', image: 'node-exporter' }] } } } },
    { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'shop' }, spec: { template: { spec: { containers: [{ name: 'm', image: 'migrate' }] } } } },
    { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'report', namespace: 'shop' }, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'r', image: 'report' }] } } } } } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'shop' }, spec: { rules: [{ host: 'shop.example.com' }] } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } },
    role('shop', 'reader', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]),
    clusterRole('secret-reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }]),
    roleBinding('shop', 'reader', { kind: 'Role', name: 'reader' }, [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }]),
    clusterRoleBinding('secret-reader', 'secret-reader', [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'ops-team' }]),
    { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' }, spec: { group: 'example.com', names: { plural: 'widgets', kind: 'Widget' }, scope: 'Namespaced' } },
    pdb('shop', 'web'),
    hpa('shop', 'web'),
    { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'policy' }, webhooks: [] },
    { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'inject' }, webhooks: [] },
    { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'checkout', namespace: 'shop' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'checkout' }] } } } },
    { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledJob', metadata: { name: 'drain', namespace: 'shop' }, spec: { jobTargetRef: { template: { spec: { containers: [{ name: 'w', image: 'worker' }] } } } } },
    { apiVersion: 'actions.github.com/v1alpha1', kind: 'AutoscalingRunnerSet', metadata: { name: 'runners', namespace: 'ci' }, spec: { template: { spec: { containers: [{ name: 'runner', image: 'ghcr.io/actions/actions-runner:2.320.0' }] } } } },
    { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'public', namespace: 'shop' }, spec: { gatewayClassName: 'approuting-istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] } },
    { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'web', namespace: 'shop' }, spec: { parentRefs: [{ name: 'public' }], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] } },
    { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GRPCRoute', metadata: { name: 'api', namespace: 'shop' }, spec: { parentRefs: [{ name: 'public' }], rules: [{ backendRefs: [{ name: 'api', port: 9090 }] }] } },
    { apiVersion: 'gateway.networking.k8s.io/v1alpha2', kind: 'TLSRoute', metadata: { name: 'tls', namespace: 'shop' }, spec: { parentRefs: [{ name: 'public' }], rules: [{ backendRefs: [{ name: 'web', port: 443 }] }] } },
    { apiVersion: 'gateway.networking.k8s.io/v1alpha2', kind: 'TCPRoute', metadata: { name: 'db', namespace: 'shop' }, spec: { parentRefs: [{ name: 'public' }], rules: [{ backendRefs: [{ name: 'db', port: 5432 }] }] } },
    { apiVersion: 'gateway.networking.k8s.io/v1alpha2', kind: 'UDPRoute', metadata: { name: 'dns', namespace: 'shop' }, spec: { parentRefs: [{ name: 'public' }], rules: [{ backendRefs: [{ name: 'dns', port: 53 }] }] } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } },
    { apiVersion: 'approuting.kubernetes.azure.com/v1alpha1', kind: 'NginxIngressController', metadata: { name: 'default' }, spec: { ingressClassName: 'webapprouting.kubernetes.azure.com', controllerNamePrefix: 'nginx' } },
    { apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'ReferenceGrant', metadata: { name: 'from-edge', namespace: 'shop' }, spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'edge' }], to: [{ group: '', kind: 'Service' }] } },
  ];
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

// The probe and discovery (`/api`, `/apis`, `/apis/GROUP/VERSION`) are not lists.
const listRequests = (server: FakeKube) => server.requests.filter((r) => r.path !== '/version' && !/^\/(api|apis(\/[^/]+\/[^/]+)?)$/.test(r.path));

describe('readCluster', () => {
  it('reads every kind of the table as Resources with apiVersion, kind and the cluster as provenance', async () => {
    const server = await fake({ objects: estate() });
    const { resources, errors, source } = await read(server);
    expect(errors).toEqual([]);
    expect(source).toBe('cluster:aks-shop');
    expect(new Set(resources.map((r) => r.kind))).toEqual(new Set(LIVE_KINDS.map((k) => k.kind)));
    // One list per kind, each across the cluster, each paged.
    expect(listRequests(server)).toHaveLength(LIVE_KINDS.length);
    for (const req of listRequests(server)) {
      expect(req.path).not.toContain('/namespaces/');
      expect(req.query.get('limit')).toBe('500');
      expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    }
    const hpaRes = resources.find((r) => r.kind === 'HorizontalPodAutoscaler');
    expect(hpaRes).toMatchObject({ apiVersion: 'autoscaling/v2', namespace: 'shop', name: 'web', object: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' } });
    expect(hpaRes?.source).toEqual({ file: 'cluster:aks-shop', line: 0, path: 'HorizontalPodAutoscaler/shop/web' });
    const pv = resources.find((r) => r.kind === 'PersistentVolume');
    expect(pv).toMatchObject({ apiVersion: 'v1', namespace: null, name: 'pv-1', source: { path: 'PersistentVolume/pv-1' } });
    // The server keeps managedFields on every object; none reaches the inventory.
    for (const r of resources) expect(r.object.metadata).not.toHaveProperty('managedFields');
    // Everything else the server sent stays: status, uid, resourceVersion.
    expect(resources.find((r) => r.kind === 'Namespace' && r.name === 'shop')?.object).toMatchObject({ status: { phase: 'Active' }, metadata: { resourceVersion: expect.any(String) } });
  });

  it('keeps stand-alone ReplicaSets and leaves out those a listed Deployment controls', async () => {
    const server = await fake({ objects: estate() });
    const { resources } = await read(server);
    expect(resources.filter((r) => r.kind === 'ReplicaSet').map((r) => `${r.namespace}/${r.name}`)).toEqual(['ops/standalone']);
    // With the Deployments unreadable, the ReplicaSet is the only view of its template and stays.
    const refused = await fake({ objects: estate(), forbid: (t) => t.resource === 'deployments' });
    const partial = await read(refused);
    expect(partial.resources.filter((r) => r.kind === 'ReplicaSet').map((r) => r.name).sort()).toEqual(['standalone', 'web-7d9f']);
  });

  it('follows continue tokens through every page, sending limit on each', async () => {
    const pods = Array.from({ length: 1203 }, (_, i) => pod(`ns-${i % 3}`, `pod-${String(i).padStart(4, '0')}`));
    const server = await fake({ objects: pods });
    const { resources, errors } = await read(server);
    expect(errors).toEqual([]);
    const podRequests = server.requests.filter((r) => r.path === '/api/v1/pods');
    expect(podRequests.map((r) => r.query.get('limit'))).toEqual(['500', '500', '500']);
    expect(podRequests[0]?.query.has('continue')).toBe(false);
    expect(podRequests[1]?.query.get('continue')).toEqual(expect.any(String));
    expect(podRequests[2]?.query.get('continue')).not.toBe(podRequests[1]?.query.get('continue'));
    const names = resources.filter((r) => r.kind === 'Pod').map((r) => r.name);
    expect(names).toHaveLength(1203);
    expect(new Set(names).size).toBe(1203);
  });

  it('honours a smaller page size', async () => {
    const server = await fake({ objects: Array.from({ length: 5 }, (_, i) => configMap('shop', `cm-${i}`, { k: 'v' })) });
    const { resources } = await read(server, { pageSize: 2, kinds: ['ConfigMap'] });
    expect(resources.map((r) => r.name)).toEqual(['cm-0', 'cm-1', 'cm-2', 'cm-3', 'cm-4']);
    expect(server.requests.filter((r) => r.path === '/api/v1/configmaps').map((r) => r.query.get('limit'))).toEqual(['2', '2', '2']);
  });

  it('reads the list again when its continue token expires (410 Gone)', async () => {
    let expired = false;
    const server = await fake({
      objects: Array.from({ length: 5 }, (_, i) => configMap('shop', `cm-${i}`, { k: 'v' })),
      intercept: (req) => {
        if (req.path !== '/api/v1/configmaps' || !req.query.has('continue') || expired) return undefined;
        expired = true;
        return { status: 410, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'The provided continue parameter is too old to display a consistent list result.', reason: 'Expired', code: 410 } };
      },
    });
    const { resources, errors } = await read(server, { pageSize: 2, kinds: ['ConfigMap'] });
    expect(errors).toEqual([]);
    expect(resources.map((r) => r.name)).toEqual(['cm-0', 'cm-1', 'cm-2', 'cm-3', 'cm-4']);
  });

  it('reports a forbidden list with the permission it needs and reads the rest', async () => {
    const server = await fake({ objects: estate(), forbid: (t: ListTarget) => t.resource === 'secrets' || t.resource === 'deployments' });
    const { resources, errors } = await read(server);
    expect(errors).toEqual([
      { source: 'cluster:aks-shop', message: 'cannot list secrets in all namespaces: forbidden (needs list on secrets across the cluster (a ClusterRole bound by a ClusterRoleBinding))' },
      { source: 'cluster:aks-shop', message: 'cannot list deployments.apps in all namespaces: forbidden (needs list on deployments.apps across the cluster (a ClusterRole bound by a ClusterRoleBinding))' },
    ]);
    const kinds = new Set(resources.map((r) => r.kind));
    expect(kinds.has('Secret')).toBe(false);
    expect(kinds.has('Deployment')).toBe(false);
    expect(kinds.size).toBe(LIVE_KINDS.length - 2);
  });

  it('names the namespace of a forbidden list with --namespace', async () => {
    const server = await fake({ objects: estate(), forbid: (t) => t.resource === 'secrets' && t.namespace === 'shop' });
    const { errors } = await read(server, { namespace: 'shop' });
    expect(errors).toEqual([{ source: 'cluster:aks-shop', message: 'cannot list secrets in namespace shop: forbidden (needs list on secrets)' }]);
  });

  it('asks for Secrets as metadata only and keeps no value, nor the last-applied copy of them', async () => {
    const server = await fake({ objects: [secret('shop', 'db', { password: 'hunter2-value' }, { lastApplied: true })] });
    const { resources } = await read(server, { kinds: ['Secret'] });
    const req = server.requests.find((r) => r.path === '/api/v1/secrets');
    expect(req?.headers.accept).toBe('application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1');
    expect(resources).toHaveLength(1);
    const s = resources[0]!;
    expect(s).toMatchObject({ apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'db' });
    expect(Object.keys(s.object).sort()).toEqual(['apiVersion', 'kind', 'metadata']);
    expect(s.object.metadata).toMatchObject({ labels: { app: 'db' }, annotations: { team: 'shop' } });
    const text = JSON.stringify(resources);
    expect(text).not.toContain('hunter2-value');
    expect(text).not.toContain(Buffer.from('hunter2-value').toString('base64'));
    expect(text).not.toContain('last-applied-configuration');
  });

  it('keeps no Secret value when the server ignores the Accept header and sends whole Secrets', async () => {
    const server = await fake({ objects: [secret('shop', 'db', { password: 'hunter2-value' }, { lastApplied: true })], ignoreMetadataAccept: true });
    const { resources, errors } = await read(server, { kinds: ['Secret'] });
    expect(errors).toEqual([]);
    expect(resources).toHaveLength(1);
    expect(resources[0]!.object).not.toHaveProperty('data');
    expect(resources[0]!.object).not.toHaveProperty('stringData');
    const text = JSON.stringify(resources);
    expect(text).not.toContain('hunter2-value');
    expect(text).not.toContain(Buffer.from('hunter2-value').toString('base64'));
  });

  it('limits namespaced lists to --namespace and still reads cluster-scoped kinds', async () => {
    const server = await fake({ objects: estate() });
    const { resources, errors } = await read(server, { namespace: 'shop' });
    expect(errors).toEqual([]);
    for (const k of LIVE_KINDS.filter((k) => k.namespaced)) {
      const req = server.requests.find((r) => r.path.endsWith(`/${k.resource}`));
      expect(req?.path).toContain('/namespaces/shop/');
    }
    // The one Namespace is a get of it (authorized in that namespace), not a list of all of them.
    expect(server.requests.some((r) => r.path === '/api/v1/namespaces')).toBe(false);
    expect(server.requests.some((r) => r.path === '/api/v1/namespaces/shop')).toBe(true);
    expect(resources.filter((r) => r.kind === 'Namespace').map((r) => r.name)).toEqual(['shop']);
    expect(resources.filter((r) => r.namespace !== null).every((r) => r.namespace === 'shop')).toBe(true);
    expect(resources.some((r) => r.kind === 'ClusterRole')).toBe(true);
    expect(resources.some((r) => r.kind === 'PersistentVolume')).toBe(true);
  });

  it('skips a kind whose API group the server does not serve, without an error', async () => {
    const server = await fake({ objects: estate(), missingGroups: ['policy', 'autoscaling'] });
    const { resources, errors } = await read(server);
    expect(errors).toEqual([]);
    const kinds = new Set(resources.map((r) => r.kind));
    expect(kinds.has('PodDisruptionBudget')).toBe(false);
    expect(kinds.has('HorizontalPodAutoscaler')).toBe(false);
    expect(kinds.has('Pod')).toBe(true);
  });

  it('reads at most four lists at a time, and more than one', async () => {
    const server = await fake({ objects: estate(), delayMs: 40 });
    const { errors } = await read(server);
    expect(errors).toEqual([]);
    expect(server.maxInFlight()).toBeLessThanOrEqual(4);
    expect(server.maxInFlight()).toBeGreaterThan(1);
  });

  it('retries a 429 answer as Retry-After asks', async () => {
    const server = await fake({
      objects: [configMap('shop', 'a', { k: 'v' })],
      intercept: (req, count) => (req.path === '/api/v1/configmaps' && count === 1 ? { status: 429, headers: { 'retry-after': '0' }, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'Too many requests, please try again later.', reason: 'TooManyRequests', code: 429 } } : undefined),
    });
    const { resources, errors } = await read(server, { kinds: ['ConfigMap'] });
    expect(errors).toEqual([]);
    expect(resources.map((r) => r.name)).toEqual(['a']);
  });

  it('reports a server error with its Status and an answer that is not JSON, and goes on', async () => {
    const server = await fake({
      objects: estate(),
      intercept: (req) => {
        if (req.path === '/api/v1/configmaps') return { status: 500, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'etcdserver: request timed out', reason: 'InternalError', code: 500 } };
        if (req.path === '/api/v1/services') return { status: 200, headers: { 'content-type': 'text/html' }, raw: '<html>proxy login</html>' };
        return undefined;
      },
    });
    const { resources, errors } = await read(server);
    // In the order of the table, whichever list ended first.
    expect(errors.map((e) => e.message)).toEqual([
      'cannot list services in all namespaces: the answer to GET /api/v1/services is not JSON',
      'cannot list configmaps in all namespaces: 500 InternalError: etcdserver: request timed out',
    ]);
    expect(resources.some((r) => r.kind === 'Pod')).toBe(true);
    // 500 is retried before it is reported.
    expect(server.requests.filter((r) => r.path === '/api/v1/configmaps')).toHaveLength(3);
    // Both may not recur: a read with them is incomplete by chance.
    expect(errors.map(isPassingFailure)).toEqual([true, true]);
  });

  it('tells a refusal, which recurs, from a failure that may not', async () => {
    const server = await fake({ objects: estate(), forbid: (t) => t.resource === 'secrets' });
    const { errors } = await read(server, { kinds: ['Secret', 'Pod'] });
    expect(errors.map((e) => [e.message.split(':')[0], isPassingFailure(e)])).toEqual([['cannot list secrets in all namespaces', false]]);
  });

  it('fails a list the server is stuck on by name, and reads the others, the ones waiting for it included', async () => {
    const server = await fake({ objects: estate(), hang: (req) => req.path === '/api/v1/replicationcontrollers' });
    const { resources, errors } = await read(server, { kinds: ['ReplicationController', 'Pod', 'Namespace'], timeoutMs: 300 });
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/^cannot list replicationcontrollers in all namespaces: the API server .* did not answer within 300 ms$/)]);
    expect(errors.map(isPassingFailure)).toEqual([true]);
    // Pods wait for the ReplicationControllers they may be left to: they are read all the same.
    expect(resources.some((r) => r.kind === 'Pod')).toBe(true);
  });

  it('refuses a page larger than the bound', async () => {
    const server = await fake({ objects: [configMap('shop', 'big', { blob: 'x'.repeat(20_000) }), pod('shop', 'p')] });
    const { resources, errors } = await read(server, { kinds: ['ConfigMap', 'Pod'], maxPageBytes: 10_000 });
    expect(errors).toEqual([{ source: 'cluster:aks-shop', message: 'cannot list configmaps in all namespaces: the answer is larger than 10 KiB' }]);
    expect(resources.map((r) => r.kind)).toEqual(['Pod']);
  });

  it('stops with one error when the server is out of reach', async () => {
    const port = await closedPort();
    const kubeconfig = writeKubeconfig([{ name: 'gone', server: `https://127.0.0.1:${port}`, token: TOKEN }], 'gone');
    const { resources, errors } = await readCluster({ kubeconfig, retryDelayMs: 1 });
    expect(resources).toEqual([]);
    expect(errors).toEqual([
      {
        source: 'cluster:gone',
        message: `cannot reach the API server https://127.0.0.1:${port} of context gone (ECONNREFUSED): is the cluster running, and its address reachable from here (private cluster, VPN, authorized IP ranges)?`,
      },
    ]);
  });

  it('stops with one error when the server refuses the credentials', async () => {
    const server = await fake({ objects: estate() });
    const kubeconfig = writeKubeconfig([{ name: 'stale', server: server.server, ca: server.ca, token: 'expired' }], 'stale');
    const { resources, errors } = await readCluster({ kubeconfig });
    expect(resources).toEqual([]);
    expect(errors).toEqual([{ source: 'cluster:stale', message: 'the API server did not accept the credentials of context stale (401 Unauthorized): sign in again (for Entra ID, kubelogin)' }]);
    expect(listRequests(server)).toEqual([]);
  });

  it('stops with one error when the server is not a Kubernetes API server, rather than reading an empty cluster', async () => {
    const server = await fake({ objects: estate(), intercept: () => ({ status: 404, headers: { 'content-type': 'text/html' }, raw: '<html>Not Found</html>' }) });
    const { resources, errors } = await read(server);
    expect(resources).toEqual([]);
    expect(errors).toEqual([{ source: 'cluster:aks-shop', message: `the server ${server.server} of context aks-shop does not answer as a Kubernetes API server (GET /version: 404)` }]);
  });

  it('says when the certificate of the server is not trusted', async () => {
    const server = await fake({ objects: [] });
    const kubeconfig = writeKubeconfig([{ name: 'aks', server: server.server, token: TOKEN }], 'aks');
    const { errors } = await readCluster({ kubeconfig, retryDelayMs: 1 });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/^the TLS certificate of the API server https:\/\/127\.0\.0\.1:\d+ is not trusted \([A-Z_]+\): check certificate-authority-data/);
  });

  it('gets its token from an exec credential plugin, run once for all the lists', async () => {
    const plugin = writeExecPlugin(TOKEN);
    const server = await fake({ objects: estate() });
    const kubeconfig = writeKubeconfig([{ name: 'entra', server: server.server, ca: server.ca, execScript: plugin.script }], 'entra');
    const { resources, errors } = await readCluster({ kubeconfig });
    expect(errors).toEqual([]);
    expect(resources.length).toBeGreaterThan(0);
    expect(server.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(readFileSync(plugin.log, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('names the credential plugin that failed', async () => {
    const dir = tempTree({ 'plugin.mjs': "process.stderr.write('AADSTS700082: The refresh token has expired\\n'); process.exit(1);\n" });
    const server = await fake({ objects: [] });
    const kubeconfig = writeKubeconfig([{ name: 'entra', server: server.server, ca: server.ca, execScript: `${dir}/plugin.mjs` }], 'entra');
    const { errors } = await readCluster({ kubeconfig });
    expect(errors).toEqual([{ source: 'cluster:entra', message: `the credential plugin ${process.execPath} of context entra failed: AADSTS700082: The refresh token has expired` }]);
  });

  it('says when the credential plugin is not installed', async () => {
    const server = await fake({ objects: [] });
    const exec = { command: 'kubelogin-not-installed', args: ['get-token', '--login', 'azurecli', '--server-id', '6dae42f8-4368-4678-94ff-3960e28e3630'] };
    const kubeconfig = writeKubeconfig([{ name: 'entra', server: server.server, ca: server.ca, exec }], 'entra');
    const { errors } = await readCluster({ kubeconfig });
    expect(errors).toEqual([{ source: 'cluster:entra', message: 'the credential plugin kubelogin-not-installed of context entra is not installed or not on PATH (install kubelogin: az aks install-cli)' }]);
    expect(server.requests).toEqual([]);
  });

  it('uses --context over the current context, and refuses a context the kubeconfig lacks', async () => {
    const a = await fake({ objects: [pod('shop', 'from-a')] });
    const b = await fake({ objects: [pod('shop', 'from-b')] });
    const kubeconfig = writeKubeconfig(
      [
        { name: 'a', server: a.server, ca: a.ca, token: TOKEN },
        { name: 'b', server: b.server, ca: b.ca, token: TOKEN },
      ],
      'a',
    );
    const picked = await readCluster({ kubeconfig, context: 'b', kinds: ['Pod'] });
    expect(picked.source).toBe('cluster:b');
    expect(picked.resources.map((r) => r.name)).toEqual(['from-b']);
    const current = await readCluster({ kubeconfig, kinds: ['Pod'] });
    expect(current.resources.map((r) => r.name)).toEqual(['from-a']);
    await expect(readCluster({ kubeconfig, context: 'c' })).rejects.toThrow(new UsageError('--context c: no such context in the kubeconfig (it has a, b)'));
  });

  it('finds the kubeconfig through KUBECONFIG, and says so when there is none', async () => {
    const server = await fake({ objects: [pod('shop', 'p')] });
    vi.stubEnv('KUBECONFIG', kubeconfigFor(server, 'env'));
    const found = await readCluster({ kinds: ['Pod'] });
    expect(found.source).toBe('cluster:env');
    expect(found.resources.map((r) => r.name)).toEqual(['p']);
    vi.stubEnv('KUBECONFIG', '');
    vi.stubEnv('HOME', tempTree({}));
    const none = await readCluster({ kinds: ['Pod'] });
    expect(none.resources).toEqual([]);
    expect(none.errors).toEqual([
      { source: 'cluster:kubeconfig', message: 'no kubeconfig: KUBECONFIG is not set and ~/.kube/config does not exist (az aks get-credentials -g <group> -n <cluster> writes one)' },
    ]);
  });

  it('asks only for what the scanner ClusterRole grants', async () => {
    // The cluster enforces the role `manifests scanner-rbac` prints: not one list is refused.
    const index = new PermissionIndex(
      new Inventory(
        [scannerClusterRole(), scannerClusterRoleBinding()].map((o, i) => toResource(o, { file: 'scanner-rbac.yaml', line: i + 1 })!),
      ),
    );
    const allowed = (t: ListTarget) =>
      index
        .whoCan({ verb: 'list', resource: t.resource, apiGroup: t.group, ...(t.namespace !== undefined ? { namespace: t.namespace } : {}) })
        .some((g) => g.subject.kind === 'ServiceAccount' && g.subject.name === 'palisade' && g.scope === 'cluster');
    const server = await fake({ objects: estate(), forbid: (t) => !allowed(t) });
    const { resources, errors } = await read(server);
    expect(errors).toEqual([]);
    expect(new Set(resources.map((r) => r.kind)).size).toBe(LIVE_KINDS.length);
  });
});

describe('readCluster: objects a controller that was read manages', () => {
  const places = (rs: readonly { kind: string; namespace: string | null; name: string }[]) => rs.map((r) => `${r.kind}/${r.namespace}/${r.name}`);

  it('checks the Pods of a Deployment through it, past the ReplicaSet between them', async () => {
    const rs = replicaSet('shop', 'web-7d9f', 'web');
    const server = await fake({ objects: [deployment('shop', 'web'), rs, ...podsOf(rs, 3)] });
    const { resources, errors, notes } = await read(server, { kinds: ['Pod', 'Deployment', 'ReplicaSet'] });
    expect(errors).toEqual([]);
    expect(places(resources)).toEqual(['Deployment/shop/web']);
    expect(notes).toEqual([{ source: 'cluster:aks-shop', message: '3 Pods are checked through their controllers' }]);
  });

  it('keeps a managed Pod that has ephemeral containers, which only the Pod holds', async () => {
    const rs = replicaSet('shop', 'web-7d9f', 'web');
    const [debugged, ...rest] = podsOf(rs, 3);
    (debugged!.spec as Record<string, unknown>).ephemeralContainers = [{ name: 'debugger-x1', image: 'busybox' }];
    const server = await fake({ objects: [deployment('shop', 'web'), rs, debugged!, ...rest] });
    const { resources } = await read(server, { kinds: ['Pod', 'Deployment', 'ReplicaSet'] });
    expect(places(resources)).toEqual(['Pod/shop/web-7d9f-0', 'Deployment/shop/web']);
  });

  it('keeps an old ReplicaSet that still runs pods of a template its Deployment no longer has, and folds it once scaled to zero', async () => {
    const PRIVILEGED = [container('app', { securityContext: { privileged: true } })];
    const current = replicaSet('shop', 'web-7d9f', 'web');
    const stuck = replicaSet('shop', 'web-5c4b', 'web', PRIVILEGED);
    const server = await fake({ objects: [deployment('shop', 'web'), current, stuck, ...podsOf(current, 2), ...podsOf(stuck, 1)] });
    const { resources, notes } = await read(server, { kinds: ['Pod', 'Deployment', 'ReplicaSet'] });
    // The Deployment's template is fixed; the old revision still runs a privileged pod, checked through its ReplicaSet.
    expect(places(resources).sort()).toEqual(['Deployment/shop/web', 'ReplicaSet/shop/web-5c4b']);
    expect(notes).toEqual([{ source: 'cluster:aks-shop', message: '3 Pods are checked through their controllers' }]);

    const scaledDown = { ...stuck, spec: { ...(stuck.spec as Record<string, unknown>), replicas: 0 } };
    const done = await fake({ objects: [deployment('shop', 'web'), current, scaledDown] });
    expect(places((await read(done, { kinds: ['Pod', 'Deployment', 'ReplicaSet'] })).resources)).toEqual(['Deployment/shop/web']);
  });

  it("checks an Argo Rollout's ReplicaSets and their Pods through the Rollout", async () => {
    const rollout = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'checkout', namespace: 'shop', uid: 'ro-1' }, spec: { template: { spec: { containers: [container('app')] } } } };
    const rs = {
      ...replicaSet('shop', 'checkout-6d4f'),
      metadata: { name: 'checkout-6d4f', namespace: 'shop', uid: 'rs-ro', ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'checkout', uid: 'ro-1', controller: true }] },
      spec: { replicas: 2, template: { metadata: { labels: { 'rollouts-pod-template-hash': '6d4f' } }, spec: { containers: [container('app')] } } },
    };
    const server = await fake({ objects: [rollout, rs, ...podsOf(rs, 2)] });
    const { resources, notes } = await read(server, { kinds: ['Pod', 'ReplicaSet', 'Rollout'] });
    expect(places(resources)).toEqual(['Rollout/shop/checkout']);
    expect(notes).toEqual([{ source: 'cluster:aks-shop', message: '2 Pods are checked through their controllers' }]);
  });

  it('checks the Pods of a StatefulSet, a DaemonSet and a ReplicationController through them', async () => {
    const db = podController('StatefulSet', 'shop', 'db');
    const exporter = podController('DaemonSet', 'ops', 'node-exporter');
    const legacy = podController('ReplicationController', 'ops', 'legacy');
    const server = await fake({ objects: [db, exporter, legacy, ...podsOf(db, 2), ...podsOf(exporter, 3), ...podsOf(legacy, 1)] });
    const { resources, notes } = await read(server, { kinds: ['Pod', 'ReplicationController', 'StatefulSet', 'DaemonSet'] });
    expect(places(resources)).toEqual(['ReplicationController/ops/legacy', 'StatefulSet/shop/db', 'DaemonSet/ops/node-exporter']);
    expect(notes.map((n) => n.message)).toEqual(['6 Pods are checked through their controllers']);
  });

  it('checks the Job of a CronJob and its Pod through the CronJob', async () => {
    const cron = cronJob('shop', 'report');
    const run = podController('Job', 'shop', 'report-29391600', { owner: controllerRef(cron) });
    const server = await fake({ objects: [cron, run, ...podsOf(run, 1)] });
    const { resources, notes } = await read(server, { kinds: ['Pod', 'Job', 'CronJob'] });
    expect(places(resources)).toEqual(['CronJob/shop/report']);
    expect(notes).toEqual([{ source: 'cluster:aks-shop', message: '1 Pod and 1 Job are checked through their controllers' }]);
  });

  it('keeps the Pods of a ReplicaSet it could not list, and says nothing was left out', async () => {
    const rs = replicaSet('shop', 'web-7d9f', 'web');
    const server = await fake({ objects: [deployment('shop', 'web'), rs, ...podsOf(rs, 2)], forbid: (t) => t.resource === 'replicasets' });
    const { resources, errors, notes } = await read(server, { kinds: ['Pod', 'Deployment', 'ReplicaSet'] });
    expect(errors.map((e) => e.message)).toEqual(['cannot list replicasets.apps in all namespaces: forbidden (needs list on replicasets.apps across the cluster (a ClusterRole bound by a ClusterRoleBinding))']);
    expect(places(resources)).toEqual(['Pod/shop/web-7d9f-0', 'Pod/shop/web-7d9f-1', 'Deployment/shop/web']);
    expect(notes).toEqual([]);
  });

  it('keeps a Pod whose controller is a custom resource, and a Pod with no owner', async () => {
    const workflow = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { name: 'nightly', namespace: 'ci', uid: 'workflow-ci-nightly' } };
    const server = await fake({ objects: [pod('ci', 'nightly-step-1', { owner: controllerRef(workflow) }), pod('ops', 'debug-shell')] });
    const { resources, notes } = await read(server, { kinds: ['Pod'] });
    expect(places(resources)).toEqual(['Pod/ci/nightly-step-1', 'Pod/ops/debug-shell']);
    expect(notes).toEqual([]);
  });

  it('finds an owner by kind and name when the reference has no uid, but not by a uid or an API group that differ', async () => {
    const job = podController('Job', 'batch', 'train');
    const [byName] = podsOf(job, 1).map((p) => ({ ...p, metadata: { ...(p.metadata as object), name: 'by-name', ownerReferences: [controllerRef(job, { uid: false })] } }));
    const stale = pod('batch', 'stale-uid', { owner: { ...controllerRef(job), uid: 'job-batch-train-before-it-was-recreated' } });
    // Volcano's Job is another kind of the same name, in another API group.
    const volcano = pod('batch', 'volcano', { owner: { apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job', name: 'train', controller: true } });
    const notController = pod('batch', 'not-controller', { owner: { ...controllerRef(job), controller: false } });
    const server = await fake({ objects: [job, byName!, stale, volcano, notController] });
    const { resources, notes } = await read(server, { kinds: ['Pod', 'Job'] });
    expect(places(resources)).toEqual(['Pod/batch/stale-uid', 'Pod/batch/volcano', 'Pod/batch/not-controller', 'Job/batch/train']);
    expect(notes.map((n) => n.message)).toEqual(['1 Pod is checked through its controller']);
  });

  it('keeps a Pod whose controller of the same name is in another namespace', async () => {
    const rs = replicaSet('shop', 'web-7d9f');
    const elsewhere = pod('staging', 'web-7d9f-0', { owner: controllerRef(rs, { uid: false }) });
    const server = await fake({ objects: [rs, elsewhere] });
    const { resources } = await read(server, { kinds: ['Pod', 'ReplicaSet'] });
    expect(places(resources)).toEqual(['Pod/staging/web-7d9f-0', 'ReplicaSet/shop/web-7d9f']);
  });

  it('checks the Pods of one namespace read with --namespace through their controllers, counting only those', async () => {
    const rs = replicaSet('shop', 'web-7d9f', 'web');
    const other = replicaSet('ops', 'tools-5c8b', 'tools');
    const server = await fake({ objects: [deployment('shop', 'web'), rs, ...podsOf(rs, 2), deployment('ops', 'tools'), other, ...podsOf(other, 4)] });
    const { resources, notes } = await read(server, { kinds: ['Pod', 'Deployment', 'ReplicaSet'], namespace: 'shop' });
    expect(places(resources)).toEqual(['Deployment/shop/web']);
    expect(notes.map((n) => n.message)).toEqual(['2 Pods are checked through their controllers']);
  });
});
