import type { ReviewPolicy } from '../src/admission/review.js';
import { DEFAULT_CONFIG } from '../src/core/config.js';
import { DEFAULT_SETTINGS } from '../src/core/settings.js';
import { RULES } from '../src/rules/index.js';
import { webhookRules } from '../src/cli/webhook.js';
import { mulberry32 } from './generate.js';

/**
 * Seeded AdmissionReview v1 bodies for the webhook benchmarks, shaped as the API server sends them:
 * the request envelope (kind, resource, userInfo with groups, options) around a Deployment or a Pod
 * as it stands at admission, metadata.managedFields included. Workloads range from hardened to
 * careless, so some are admitted and some refused; a few are kinds the workload rules do not read.
 */

type Obj = Record<string, unknown>;

/** The policy `palisade webhook serve` runs with no config file and no rule options (see cli/webhook.ts). */
export function defaultServePolicy(): ReviewPolicy {
  return {
    // The rules `webhook serve` runs with no config file, chosen by the same function.
    rules: webhookRules(RULES, [], []),
    settings: DEFAULT_SETTINGS,
    exceptions: DEFAULT_CONFIG.exceptions,
    allowIgnoreAnnotation: DEFAULT_CONFIG.annotations.allowIgnore,
    aksManaged: DEFAULT_CONFIG.profiles.aksManaged,
    mode: 'enforce',
    failOn: 'high',
    exemptNamespaces: [...DEFAULT_CONFIG.webhook.exemptNamespaces],
    exemptUsers: [...DEFAULT_CONFIG.webhook.exemptUsers],
  };
}

const APPS = ['orders', 'billing', 'search', 'profile', 'catalog', 'cart', 'checkout', 'shipping', 'notify', 'auth', 'gateway', 'pricing', 'ledger', 'worker', 'indexer'];
const NAMESPACES = ['shop', 'payments', 'identity', 'data', 'platform', 'growth'];
const USERS = [
  { username: 'system:serviceaccount:kube-system:replicaset-controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] },
  { username: 'system:serviceaccount:argocd:argocd-application-controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:argocd', 'system:authenticated'] },
  { username: 'alice@contoso.com', groups: ['00000000-1111-2222-3333-444444444444', 'system:authenticated'] },
];
const PUBLIC_IMAGES = ['nginx:1.27.2', 'redis:7.2.5', 'busybox:1.36', 'nginx:latest', 'python:3.12-slim', 'quay.io/prometheus/node-exporter:v1.8.2'];

type Level = 'hardened' | 'partial' | 'careless';

export interface GeneratedReview {
  body: string;
  uid: string;
  kind: string;
  level: Level | 'other';
}

class Random {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)] as T;
  }
  hex(n: number): string {
    let s = '';
    while (s.length < n) s += Math.floor(this.next() * 0x100000000).toString(16).padStart(8, '0');
    return s.slice(0, n);
  }
  uid(): string {
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-a${this.hex(3)}-${this.hex(12)}`;
  }
}

function image(rnd: Random, app: string, level: Level): string {
  const version = `${rnd.int(0, 9)}.${rnd.int(0, 40)}.${rnd.int(0, 20)}`;
  const acr = `contoso.azurecr.io/${app}`;
  if (level === 'hardened') return rnd.chance(0.7) ? `${acr}:${version}@sha256:${rnd.hex(64)}` : `${acr}:${version}`;
  if (level === 'partial') return rnd.chance(0.8) ? `${acr}:${version}` : rnd.pick(PUBLIC_IMAGES);
  return rnd.chance(0.5) ? rnd.pick(PUBLIC_IMAGES) : `${acr}:latest`;
}

function container(rnd: Random, name: string, app: string, level: Level): Obj {
  const c: Obj = { name, image: image(rnd, app, level), imagePullPolicy: rnd.pick(['IfNotPresent', 'Always']) };
  c.ports = [{ name: 'http', containerPort: 8080, protocol: 'TCP' }];
  c.env = Array.from({ length: rnd.int(1, 6) }, (_, i) =>
    rnd.chance(0.7)
      ? { name: `${app.toUpperCase()}_SETTING_${i}`, value: rnd.pick(['true', '30', 'info', `http://${rnd.pick(APPS)}.svc.cluster.local:8080`]) }
      : { name: `API_TOKEN_${i}`, valueFrom: { secretKeyRef: { name: `${app}-secrets`, key: `token-${i}` } } },
  );
  if (level !== 'careless' || rnd.chance(0.5)) {
    c.livenessProbe = { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 };
    c.readinessProbe = { httpGet: { path: '/ready', port: 'http', scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 };
  }
  if (level === 'hardened') c.resources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } };
  else if (level === 'partial') c.resources = { requests: { cpu: '100m', memory: '128Mi' }, ...(rnd.chance(0.5) ? { limits: { memory: '256Mi' } } : {}) };
  if (level === 'hardened') c.securityContext = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } };
  else if (level === 'partial') c.securityContext = { allowPrivilegeEscalation: rnd.chance(0.2), ...(rnd.chance(0.5) ? { readOnlyRootFilesystem: true } : {}) };
  else if (rnd.chance(0.15)) c.securityContext = rnd.chance(0.5) ? { privileged: true } : { capabilities: { add: [rnd.pick(['NET_ADMIN', 'SYS_ADMIN', 'NET_RAW'])] } };
  c.volumeMounts = [{ name: 'tmp', mountPath: '/tmp' }];
  c.terminationMessagePath = '/dev/termination-log';
  c.terminationMessagePolicy = 'File';
  return c;
}

function podSpec(rnd: Random, app: string, level: Level): Obj {
  const spec: Obj = {};
  spec.serviceAccountName = app;
  if (level === 'hardened') {
    spec.automountServiceAccountToken = false;
    spec.securityContext = { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } };
  } else if (level === 'partial') spec.securityContext = { runAsUser: rnd.pick([0, 1000, 10001]) };
  else {
    if (rnd.chance(0.1)) spec.hostNetwork = true;
    if (rnd.chance(0.05)) spec.hostPID = true;
    spec.securityContext = {};
  }
  const containers = [container(rnd, app, app, level)];
  if (rnd.chance(0.2)) containers.push(container(rnd, 'envoy', `${app}-proxy`, level));
  spec.containers = containers;
  const volumes: Obj[] = [{ name: 'tmp', emptyDir: {} }];
  if (level === 'careless' && rnd.chance(0.1)) volumes.push({ name: 'docker-sock', hostPath: { path: '/var/run/docker.sock', type: 'Socket' } });
  spec.volumes = volumes;
  spec.restartPolicy = 'Always';
  spec.terminationGracePeriodSeconds = 30;
  spec.dnsPolicy = 'ClusterFirst';
  spec.schedulerName = 'default-scheduler';
  return spec;
}

function metadata(rnd: Random, name: string, namespace: string, app: string, manager: string): Obj {
  const labels = { 'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': namespace, 'app.kubernetes.io/version': `${rnd.int(1, 9)}.${rnd.int(0, 30)}` };
  return {
    name,
    namespace,
    uid: rnd.uid(),
    creationTimestamp: '2026-11-26T10:00:00Z',
    labels,
    ...(rnd.chance(0.2) ? { annotations: { 'kubernetes.io/change-cause': `release ${rnd.hex(7)}` } } : {}),
    // What server-side apply records: every request the API server sends carries these.
    managedFields: [{ manager, operation: 'Update', apiVersion: 'apps/v1', time: '2026-11-26T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': Object.fromEntries(Object.keys(labels).map((k) => [`f:${k}`, {}])) }, 'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': {} } } } } }],
  };
}

/** `n` AdmissionReview bodies from `seed`: 60% Deployments, 30% Pods, 10% ConfigMaps and Services; CREATE and UPDATE. */
export function generateReviews(seed: number, n: number): GeneratedReview[] {
  const rnd = new Random(seed);
  const out: GeneratedReview[] = [];
  for (let i = 0; i < n; i++) {
    const app = `${rnd.pick(APPS)}-${i.toString(36)}`;
    const namespace = rnd.pick(NAMESPACES);
    const r = rnd.float();
    const level: Level = r < 0.4 ? 'hardened' : r < 0.75 ? 'partial' : 'careless';
    const user = rnd.pick(USERS);
    const which = rnd.float();
    let object: Obj;
    let resource: Obj;
    let gvk: Obj;
    if (which < 0.6) {
      gvk = { group: 'apps', version: 'v1', kind: 'Deployment' };
      resource = { group: 'apps', version: 'v1', resource: 'deployments' };
      object = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: metadata(rnd, app, namespace, app, 'kubectl-client-side-apply'),
        spec: {
          replicas: rnd.int(1, 6),
          selector: { matchLabels: { 'app.kubernetes.io/name': app } },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
          revisionHistoryLimit: 10,
          progressDeadlineSeconds: 600,
          template: { metadata: { labels: { 'app.kubernetes.io/name': app } }, spec: podSpec(rnd, app, level) },
        },
        status: {},
      };
    } else if (which < 0.9) {
      const name = `${app}-${rnd.hex(10)}-${rnd.hex(5)}`;
      gvk = { group: '', version: 'v1', kind: 'Pod' };
      resource = { group: '', version: 'v1', resource: 'pods' };
      const meta = metadata(rnd, name, namespace, app, 'kube-controller-manager');
      meta.generateName = `${app}-${rnd.hex(10)}-`;
      meta.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-${rnd.hex(10)}`, uid: rnd.uid(), controller: true, blockOwnerDeletion: true }];
      object = { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec: podSpec(rnd, app, level), status: { phase: 'Pending', qosClass: 'Burstable' } };
    } else if (which < 0.95) {
      gvk = { group: '', version: 'v1', kind: 'ConfigMap' };
      resource = { group: '', version: 'v1', resource: 'configmaps' };
      object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(rnd, `${app}-config`, namespace, app, 'helm'), data: Object.fromEntries(Array.from({ length: rnd.int(2, 8) }, (_, k) => [`key-${k}`, rnd.hex(16)])) };
    } else {
      gvk = { group: '', version: 'v1', kind: 'Service' };
      resource = { group: '', version: 'v1', resource: 'services' };
      object = { apiVersion: 'v1', kind: 'Service', metadata: metadata(rnd, app, namespace, app, 'helm'), spec: { type: 'ClusterIP', selector: { 'app.kubernetes.io/name': app }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] } };
    }
    const operation = rnd.chance(0.8) ? 'CREATE' : 'UPDATE';
    const uid = rnd.uid();
    const name = (object.metadata as Obj).name as string;
    const review = {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid,
        kind: gvk,
        resource,
        requestKind: gvk,
        requestResource: resource,
        name,
        namespace,
        operation,
        userInfo: user,
        object,
        oldObject: operation === 'UPDATE' ? object : null,
        dryRun: rnd.chance(0.02),
        options: { apiVersion: 'meta.k8s.io/v1', kind: operation === 'CREATE' ? 'CreateOptions' : 'UpdateOptions', fieldManager: 'kubectl-client-side-apply' },
      },
    };
    out.push({ body: JSON.stringify(review), uid, kind: object.kind as string, level: which < 0.9 ? level : 'other' });
  }
  return out;
}

/** A request the webhook must refuse with 400 (or, for an aborted upload, survive), for the soak. */
export interface BadRequest {
  what: 'malformed-json' | 'wrong-kind' | 'truncated' | 'oversized' | 'aborted';
  body: Buffer;
  /** For `aborted`: the length announced before the client gives up half-way. */
  declaredLength?: number;
}

/** Bad requests made from the valid bodies, in the proportions the soak mixes them in. */
export function badRequests(seed: number, valid: readonly GeneratedReview[], n: number): BadRequest[] {
  const rnd = new Random(seed ^ 0x5bd1e995);
  // One buffer shared by every oversized request: the soak measures the server's memory, not ours.
  const oversized = Buffer.from(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"x","object":{"data":"${'a'.repeat(3 * 1024 * 1024 + 4096)}"}}}`);
  // Each of these breaks the JSON wherever it lands (a random changed character might fall inside a string).
  const breakers: ReadonlyArray<(s: string) => string> = [
    (s) => `${s}}`,
    (s) => s.replace('"request":{', '"request":{,'),
    (s) => s.replace('"uid":"', '"uid":'),
    (s) => s.replace(/:true|:false/, ':tru'),
  ];
  const out: BadRequest[] = [];
  for (let i = 0; i < n; i++) {
    const source = rnd.pick(valid).body;
    const what = rnd.pick(['malformed-json', 'wrong-kind', 'wrong-kind', 'truncated', 'oversized', 'aborted'] as const);
    switch (what) {
      case 'malformed-json':
        out.push({ what, body: Buffer.from(rnd.pick(breakers)(source)) });
        break;
      case 'wrong-kind':
        out.push({
          what,
          body: Buffer.from(
            rnd.chance(0.5)
              ? source.replace('"kind":"AdmissionReview"', '"kind":"Pod"')
              : source.replace('"apiVersion":"admission.k8s.io/v1"', '"apiVersion":"admission.k8s.io/v1beta1"'),
          ),
        });
        break;
      case 'truncated':
        out.push({ what, body: Buffer.from(source.slice(0, rnd.int(1, source.length - 1))) });
        break;
      case 'oversized':
        out.push({ what, body: oversized });
        break;
      case 'aborted':
        out.push({ what, body: Buffer.from(source.slice(0, Math.floor(source.length / 2))), declaredLength: Buffer.byteLength(source) });
        break;
    }
  }
  return out;
}
