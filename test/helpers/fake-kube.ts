import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { stringify } from 'yaml';
import { testCertificate } from './fake-arm.js';

/**
 * A Kubernetes API server stand-in for tests: HTTPS on 127.0.0.1 with a certificate made for the run,
 * answering list requests with the API server's own shapes — `PodList` bodies whose items lack
 * apiVersion and kind, `metadata.continue` tokens for `limit`ed pages, `Status` objects for errors,
 * a plain `404 page not found` for an API group it does not serve, PartialObjectMetadataList when the
 * Accept header asks for it, gzip when the client accepts it.
 */

type Json = Record<string, unknown>;

export interface FakeKubeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The request body as text ('' for reads). */
  body?: string;
}

export interface FakeKubeResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  raw?: string;
}

/** What a list request asks for. */
export interface ListTarget {
  group: string;
  version: string;
  resource: string;
  namespace?: string;
  /** `get` for a request of one object (a Namespace); lists leave it out. */
  verb?: 'get';
}

export interface FakeKubeOptions {
  /** Whole objects, as `kubectl get -o json` shows them (apiVersion, kind, metadata with name and namespace). */
  objects?: Json[];
  /** The bearer token the server accepts; any other answer is 401. */
  token?: string;
  /** Lists the caller may not read: answered 403 Forbidden as the RBAC authorizer words it. */
  forbid?: (target: ListTarget) => boolean;
  /** API groups the server does not serve (`policy`, `autoscaling`): their paths answer 404. */
  missingGroups?: string[];
  /** Answer Secrets in full even when the Accept header asks for metadata only (an old or odd server). */
  ignoreMetadataAccept?: boolean;
  /** Delay before each answer, to let requests overlap. */
  delayMs?: number;
  /** Requests never answered (a list the server is stuck on). */
  hang?: (req: FakeKubeRequest) => boolean;
  /** Answers before the routes: return a response to inject a fault. `count` is how many requests this path has had, this one included. */
  intercept?: (req: FakeKubeRequest, count: number) => FakeKubeResponse | undefined;
}

export interface FakeKube {
  /** `https://127.0.0.1:<port>`. */
  server: string;
  /** The PEM certificate of the server, for the kubeconfig's certificate-authority-data. */
  ca: string;
  requests: FakeKubeRequest[];
  /** The most list requests that were open at the same time. */
  maxInFlight(): number;
  close(): Promise<void>;
}

/** The kinds the fake serves: group/version, plural, scope. Written out here so that the reader's own table is tested against it. */
const SERVED: Record<string, { resource: string; namespaced: boolean }> = {
  Namespace: { resource: 'namespaces', namespaced: false },
  Pod: { resource: 'pods', namespaced: true },
  ReplicationController: { resource: 'replicationcontrollers', namespaced: true },
  Service: { resource: 'services', namespaced: true },
  ServiceAccount: { resource: 'serviceaccounts', namespaced: true },
  ConfigMap: { resource: 'configmaps', namespaced: true },
  Secret: { resource: 'secrets', namespaced: true },
  PersistentVolume: { resource: 'persistentvolumes', namespaced: false },
  LimitRange: { resource: 'limitranges', namespaced: true },
  Node: { resource: 'nodes', namespaced: false },
  Deployment: { resource: 'deployments', namespaced: true },
  ReplicaSet: { resource: 'replicasets', namespaced: true },
  StatefulSet: { resource: 'statefulsets', namespaced: true },
  DaemonSet: { resource: 'daemonsets', namespaced: true },
  Job: { resource: 'jobs', namespaced: true },
  CronJob: { resource: 'cronjobs', namespaced: true },
  Ingress: { resource: 'ingresses', namespaced: true },
  NetworkPolicy: { resource: 'networkpolicies', namespaced: true },
  Role: { resource: 'roles', namespaced: true },
  ClusterRole: { resource: 'clusterroles', namespaced: false },
  RoleBinding: { resource: 'rolebindings', namespaced: true },
  ClusterRoleBinding: { resource: 'clusterrolebindings', namespaced: false },
  CustomResourceDefinition: { resource: 'customresourcedefinitions', namespaced: false },
  PodDisruptionBudget: { resource: 'poddisruptionbudgets', namespaced: true },
  HorizontalPodAutoscaler: { resource: 'horizontalpodautoscalers', namespaced: true },
  ValidatingWebhookConfiguration: { resource: 'validatingwebhookconfigurations', namespaced: false },
  MutatingWebhookConfiguration: { resource: 'mutatingwebhookconfigurations', namespaced: false },
  Rollout: { resource: 'rollouts', namespaced: true },
  ScaledJob: { resource: 'scaledjobs', namespaced: true },
  AutoscalingRunnerSet: { resource: 'autoscalingrunnersets', namespaced: true },
  Gateway: { resource: 'gateways', namespaced: true },
  HTTPRoute: { resource: 'httproutes', namespaced: true },
  GRPCRoute: { resource: 'grpcroutes', namespaced: true },
  ReferenceGrant: { resource: 'referencegrants', namespaced: true },
  TLSRoute: { resource: 'tlsroutes', namespaced: true },
  TCPRoute: { resource: 'tcproutes', namespaced: true },
  UDPRoute: { resource: 'udproutes', namespaced: true },
  IngressClass: { resource: 'ingressclasses', namespaced: false },
  NginxIngressController: { resource: 'nginxingresscontrollers', namespaced: false },
};

const GROUPS: Record<string, string[]> = {
  '': ['v1'],
  apps: ['v1'],
  batch: ['v1'],
  'networking.k8s.io': ['v1'],
  'rbac.authorization.k8s.io': ['v1'],
  'apiextensions.k8s.io': ['v1'],
  policy: ['v1'],
  autoscaling: ['v1', 'v2'],
  'admissionregistration.k8s.io': ['v1'],
  // Served where Argo Rollouts and KEDA are installed; `missingGroups` takes them away.
  'argoproj.io': ['v1alpha1'],
  'keda.sh': ['v1alpha1'],
  'actions.github.com': ['v1alpha1'],
  'gateway.networking.k8s.io': ['v1', 'v1beta1', 'v1alpha2'],
  'approuting.kubernetes.azure.com': ['v1alpha1'],
};

const METADATA_LIST = /as=PartialObjectMetadataList;g=meta\.k8s\.io;v=v1/;

function status(code: number, reason: string, message: string, details: Json = {}): FakeKubeResponse {
  return { status: code, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code } };
}

/** `/api/v1/namespaces/x/pods`, `/apis/apps/v1/deployments` → what is listed; undefined for any other path. */
function parseListPath(path: string): ListTarget | undefined {
  const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)\/?$/.exec(path);
  if (!m) return undefined;
  const [, coreVersion, group, version, namespace, resource = ''] = m;
  return {
    group: coreVersion ? '' : (group ?? ''),
    version: coreVersion ?? version ?? '',
    resource,
    ...(namespace !== undefined ? { namespace: decodeURIComponent(namespace) } : {}),
  };
}

function groupOf(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The field selectors list requests use (`metadata.name=x`, `metadata.namespace=y`). */
function fieldMatches(selector: string | null, obj: Json): boolean {
  if (!selector) return true;
  const meta = (obj.metadata ?? {}) as Json;
  return selector.split(',').every((term) => {
    const [field, value] = term.split('=');
    if (field === 'metadata.name') return meta.name === value;
    if (field === 'metadata.namespace') return meta.namespace === value;
    return false;
  });
}

export async function startFakeKube(options: FakeKubeOptions = {}): Promise<FakeKube> {
  let uid = 0;
  let resourceVersion = 1000;
  // As the server stores them: uid, resourceVersion and the managedFields every write leaves.
  const stored: Json[] = (options.objects ?? []).map((o) => {
    const meta = { ...((o.metadata ?? {}) as Json) };
    meta.uid ??= `00000000-0000-4000-8000-${String(++uid).padStart(12, '0')}`;
    meta.resourceVersion ??= String(++resourceVersion);
    meta.creationTimestamp ??= '2026-11-01T10:00:00Z';
    meta.managedFields ??= [{ manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: o.apiVersion, time: '2026-11-01T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': {} } }];
    return { ...o, metadata: meta };
  });
  const missing = new Set(options.missingGroups ?? []);
  const requests: FakeKubeRequest[] = [];
  const counts = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;

  const list = (req: FakeKubeRequest, target: ListTarget): FakeKubeResponse => {
    const kind = Object.entries(SERVED).find(([, s]) => s.resource === target.resource)?.[0];
    const versions = GROUPS[target.group];
    if (missing.has(target.group) || !versions) return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, raw: '404 page not found\n' };
    if (!kind || !versions.includes(target.version)) return status(404, 'NotFound', 'the server could not find the requested resource');
    const served = SERVED[kind]!;
    if (target.namespace !== undefined && !served.namespaced) return status(404, 'NotFound', 'the server could not find the requested resource');
    if (options.forbid?.(target)) {
      const scope = target.namespace !== undefined ? ` in the namespace "${target.namespace}"` : ' at the cluster scope';
      return status(403, 'Forbidden', `${target.resource}${target.group ? `.${target.group}` : ''} is forbidden: User "palisade-test" cannot list resource "${target.resource}" in API group "${target.group}"${scope}`, {
        kind: target.resource,
        ...(target.group ? { group: target.group } : {}),
      });
    }
    const apiVersion = target.group ? `${target.group}/${target.version}` : target.version;
    const all = stored.filter((o) => {
      if (o.kind !== kind) return false;
      const { group } = groupOf(String(o.apiVersion));
      if (group !== target.group) return false;
      if (target.namespace !== undefined && (o.metadata as Json).namespace !== target.namespace) return false;
      return fieldMatches(req.query.get('fieldSelector'), o);
    });
    const limit = Number(req.query.get('limit') ?? '0');
    const token = req.query.get('continue');
    let offset = 0;
    if (token) {
      try {
        offset = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { start: number }).start;
      } catch {
        return status(400, 'BadRequest', 'continue key is not valid: illegal base64 data');
      }
    }
    const end = limit > 0 ? offset + limit : all.length;
    const page = all.slice(offset, end);
    const more = end < all.length;
    const metadata: Json = { resourceVersion: String(resourceVersion) };
    if (more) {
      metadata.continue = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: resourceVersion, start: end })).toString('base64url');
      metadata.remainingItemCount = all.length - end;
    }
    const metadataOnly = kind === 'Secret' && METADATA_LIST.test(String(req.headers.accept ?? '')) && !options.ignoreMetadataAccept;
    if (metadataOnly)
      return {
        status: 200,
        body: {
          kind: 'PartialObjectMetadataList',
          apiVersion: 'meta.k8s.io/v1',
          metadata,
          items: page.map((o) => ({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata })),
        },
      };
    // List items carry neither apiVersion nor kind: the list says them once.
    const items = page.map(({ apiVersion: _v, kind: _k, ...rest }) => rest);
    return { status: 200, body: { kind: `${kind}List`, apiVersion, metadata, items } };
  };

  const route = (req: FakeKubeRequest): FakeKubeResponse => {
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) return status(401, 'Unauthorized', 'Unauthorized');
    if (req.method !== 'GET') return status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    if (req.path === '/version')
      return { status: 200, body: { major: '1', minor: '34', gitVersion: 'v1.34.2', gitCommit: '0000000', gitTreeState: 'clean', buildDate: '2026-10-01T00:00:00Z', goVersion: 'go1.24.9', compiler: 'gc', platform: 'linux/amd64' } };
    // GET of one Namespace: authorized in that namespace, as the API server files the request.
    const one = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(req.path);
    if (one) {
      const name = decodeURIComponent(one[1] ?? '');
      if (options.forbid?.({ group: '', version: 'v1', resource: 'namespaces', namespace: name, verb: 'get' }))
        return status(403, 'Forbidden', `namespaces "${name}" is forbidden: User "palisade-test" cannot get resource "namespaces" in API group "" in the namespace "${name}"`);
      const found = stored.find((o) => o.kind === 'Namespace' && (o.metadata as Json).name === name);
      return found ? { status: 200, body: found } : status(404, 'NotFound', `namespaces "${name}" not found`);
    }
    const target = parseListPath(req.path);
    if (!target) return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, raw: '404 page not found\n' };
    return list(req, target);
  };

  const { key, cert } = testCertificate();
  const handle = (incoming: IncomingMessage, outgoing: ServerResponse, body: string): void => {
    const url = new URL(incoming.url ?? '/', 'https://127.0.0.1');
    const req: FakeKubeRequest = { method: incoming.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: incoming.headers, body };
    requests.push(req);
    const count = (counts.get(req.path) ?? 0) + 1;
    counts.set(req.path, count);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const answer = () => {
      inFlight--;
      const res = options.intercept?.(req, count) ?? route(req);
      let body: Buffer = Buffer.from(res.raw ?? JSON.stringify(res.body ?? {}));
      const headers: Record<string, string | number> = { 'content-type': 'application/json', ...res.headers };
      // The API server compresses large answers for clients that accept gzip.
      if (body.length > 1024 && /\bgzip\b/.test(String(incoming.headers['accept-encoding'] ?? ''))) {
        body = gzipSync(body);
        headers['content-encoding'] = 'gzip';
      }
      outgoing.writeHead(res.status, { ...headers, 'content-length': body.length });
      outgoing.end(body);
    };
    if (options.hang?.(req)) return;
    if (options.delayMs) setTimeout(answer, options.delayMs);
    else answer();
  };
  const server: Server = createServer({ key, cert }, (incoming, outgoing) => {
    // Write requests carry a body (an intercept may serve them): read it whole before answering.
    const chunks: Buffer[] = [];
    incoming.on('data', (c: Buffer) => chunks.push(c));
    incoming.on('end', () => handle(incoming, outgoing, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ca: cert,
    requests,
    maxInFlight: () => maxInFlight,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

export interface KubeconfigContext {
  name: string;
  server: string;
  ca?: string;
  /** A static bearer token. */
  token?: string;
  /** A credential plugin script run by node (as kubelogin is run): it prints an ExecCredential. */
  execScript?: string;
  /** A credential plugin command of its own (kubelogin with its arguments), instead of execScript. */
  exec?: { command: string; args: string[] };
  namespace?: string;
}

/** Writes a kubeconfig with one cluster and user per context; returns its path. */
export function writeKubeconfig(contexts: KubeconfigContext[], current: string | undefined, dir = mkdtempSync(join(tmpdir(), 'palisade-kubeconfig-'))): string {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: contexts.map((c) => ({
      name: `${c.name}-cluster`,
      cluster: { server: c.server, ...(c.ca ? { 'certificate-authority-data': Buffer.from(c.ca).toString('base64') } : {}) },
    })),
    users: contexts.map((c) => ({
      name: `${c.name}-user`,
      user: c.execScript || c.exec
        ? { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', ...(c.exec ?? { command: process.execPath, args: [c.execScript] }), interactiveMode: 'Never', provideClusterInfo: false } }
        : c.token
          ? { token: c.token }
          : {},
    })),
    contexts: contexts.map((c) => ({ name: c.name, context: { cluster: `${c.name}-cluster`, user: `${c.name}-user`, ...(c.namespace ? { namespace: c.namespace } : {}) } })),
    ...(current !== undefined ? { 'current-context': current } : {}),
    preferences: {},
  };
  const path = join(dir, 'config');
  writeFileSync(path, stringify(config));
  return path;
}

/**
 * A credential plugin (what kubelogin is to AKS with Entra ID): prints an ExecCredential with `token`
 * and appends a line to `log` on every run, so that a test can count the sign-ins.
 */
export function writeExecPlugin(token: string, dir = mkdtempSync(join(tmpdir(), 'palisade-exec-'))): { script: string; log: string } {
  const script = join(dir, 'plugin.mjs');
  const log = join(dir, 'runs.log');
  const credential = {
    apiVersion: 'client.authentication.k8s.io/v1beta1',
    kind: 'ExecCredential',
    status: { token, expirationTimestamp: '2999-01-01T00:00:00Z' },
  };
  writeFileSync(
    script,
    `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(log)}, 'run\\n');\nprocess.stdout.write(${JSON.stringify(JSON.stringify(credential))});\n`,
  );
  return { script, log };
}

// ---------------------------------------------------------------------------------------------------
// Objects as the API server returns them.

export function namespace(name: string, labels: Record<string, string> = {}): Json {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
}

export function container(name: string, extra: Json = {}): Json {
  return {
    name,
    image: `registry.example.com/${name}@sha256:${'a'.repeat(64)}`,
    imagePullPolicy: 'Always',
    resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001 },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    ...extra,
  };
}

export function pod(ns: string, name: string, opts: { containers?: Json[]; owner?: Json; serviceAccountName?: string } = {}): Json {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: { app: name }, ...(opts.owner ? { ownerReferences: [opts.owner] } : {}) },
    spec: {
      containers: opts.containers ?? [container('app')],
      serviceAccountName: opts.serviceAccountName ?? 'default',
      automountServiceAccountToken: false,
      securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
    },
    status: { phase: 'Running' },
  };
}

export function deployment(ns: string, name: string, containers: Json[] = [container('app')]): Json {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, uid: `dep-${ns}-${name}`, annotations: { 'deployment.kubernetes.io/revision': '1' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers, automountServiceAccountToken: false, securityContext: { seccompProfile: { type: 'RuntimeDefault' } } },
      },
    },
    status: { replicas: 2, readyReplicas: 2 },
  };
}

/** A ReplicaSet; with `deployment`, controlled by that Deployment as the deployment controller makes it. */
export function replicaSet(ns: string, name: string, deployment?: string, containers: Json[] = [container('app')]): Json {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: ns,
      uid: `rs-${ns}-${name}`,
      ...(deployment
        ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment, uid: `dep-${ns}-${deployment}`, controller: true, blockOwnerDeletion: true }] }
        : {}),
    },
    // A Deployment's ReplicaSet runs its template, with the pod-template-hash label the controller adds.
    spec: deployment
      ? {
          replicas: 1,
          selector: { matchLabels: { app: deployment, 'pod-template-hash': name.slice(deployment.length + 1) } },
          template: {
            metadata: { labels: { app: deployment, 'pod-template-hash': name.slice(deployment.length + 1) } },
            spec: { containers, automountServiceAccountToken: false, securityContext: { seccompProfile: { type: 'RuntimeDefault' } } },
          },
        }
      : {
          replicas: 1,
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels: { app: name } }, spec: { containers, automountServiceAccountToken: false } },
        },
  };
}

/** A controller of pods (StatefulSet, DaemonSet, ReplicationController, Job) with a uid a reference can name. */
export function podController(kind: 'StatefulSet' | 'DaemonSet' | 'ReplicationController' | 'Job', ns: string, name: string, opts: { containers?: Json[]; owner?: Json } = {}): Json {
  const apiVersion = kind === 'ReplicationController' ? 'v1' : kind === 'Job' ? 'batch/v1' : 'apps/v1';
  return {
    apiVersion,
    kind,
    metadata: { name, namespace: ns, uid: `${kind.toLowerCase()}-${ns}-${name}`, ...(opts.owner ? { ownerReferences: [opts.owner] } : {}) },
    spec: {
      ...(kind === 'Job' ? {} : { selector: kind === 'ReplicationController' ? { app: name } : { matchLabels: { app: name } } }),
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: opts.containers ?? [container('app')], automountServiceAccountToken: false, restartPolicy: kind === 'Job' ? 'Never' : 'Always' },
      },
    },
  };
}

export function cronJob(ns: string, name: string, containers: Json[] = [container('app')]): Json {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: ns, uid: `cronjob-${ns}-${name}` },
    spec: {
      schedule: '0 * * * *',
      jobTemplate: { spec: { template: { metadata: { labels: { app: name } }, spec: { containers, automountServiceAccountToken: false, restartPolicy: 'Never' } } } },
    },
  };
}

/** The `ownerReferences` entry a controller writes on what it creates: `controller: true`, its uid (leave it out with `uid: false`). */
export function controllerRef(owner: Json, opts: { uid?: boolean } = {}): Json {
  const meta = owner.metadata as Json;
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: meta.name,
    ...(opts.uid === false ? {} : { uid: meta.uid }),
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The running pods of a controller: its pod template's containers, owned by it, named `<owner>-<i>`. */
export function podsOf(owner: Json, count: number): Json[] {
  const meta = owner.metadata as Json;
  const template = (owner.spec as Json).template as Json | undefined;
  const containers = ((template?.spec as Json | undefined)?.containers as Json[] | undefined) ?? [container('app')];
  return Array.from({ length: count }, (_, i) => pod(String(meta.namespace), `${String(meta.name)}-${i}`, { containers, owner: controllerRef(owner) }));
}

export function secret(ns: string, name: string, data: Record<string, string>, opts: { lastApplied?: boolean } = {}): Json {
  const encoded = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  const applied = { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, data: encoded, type: 'Opaque' };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace: ns,
      labels: { app: name },
      ...(opts.lastApplied ? { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': `${JSON.stringify(applied)}\n`, team: 'shop' } } : {}),
    },
    data: encoded,
    type: 'Opaque',
  };
}

export function clusterRole(name: string, rules: Json[]): Json {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules };
}

export function clusterRoleBinding(name: string, role: string, subjects: Json[]): Json {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects };
}

export function role(ns: string, name: string, rules: Json[]): Json {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace: ns }, rules };
}

export function roleBinding(ns: string, name: string, roleRef: { kind: 'Role' | 'ClusterRole'; name: string }, subjects: Json[]): Json {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name, namespace: ns }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef }, subjects };
}

export function serviceAccount(ns: string, name: string): Json {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns } };
}

export function configMap(ns: string, name: string, data: Record<string, string>): Json {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data };
}

export function pdb(ns: string, name: string): Json {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: ns }, spec: { minAvailable: 1, selector: { matchLabels: { app: name } } } };
}

export function hpa(ns: string, name: string): Json {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace: ns },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, minReplicas: 2, maxReplicas: 5 },
  };
}
