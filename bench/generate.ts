import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dump } from 'js-yaml';

/** Bump when the output changes, so estates written by an older generator are not reused. */
const GENERATOR_VERSION = 1;
const MARKER = '.estate.json';

export interface EstateOptions {
  seed: number;
  resources: number;
  files: number;
  /** Folder that holds estates (`.bench-tmp`). */
  root: string;
}

export interface Estate {
  dir: string;
  files: number;
  resources: number;
  bytes: number;
  /** Resources per kind, as written. */
  kinds: Record<string, number>;
  reused: boolean;
}

/** mulberry32: small, fast, and the same sequence on every platform for a given seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  constructor(private readonly next: () => number) {}
  float(): number {
    return this.next();
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  weighted<T>(table: ReadonlyArray<readonly [T, number]>): T {
    const total = table.reduce((s, [, w]) => s + w, 0);
    let x = this.next() * total;
    for (const [v, w] of table) {
      x -= w;
      if (x < 0) return v;
    }
    return (table[table.length - 1] as readonly [T, number])[0];
  }
  hex(n: number): string {
    let s = '';
    while (s.length < n) s += Math.floor(this.next() * 0x100000000).toString(16).padStart(8, '0');
    return s.slice(0, n);
  }
}

type Obj = Record<string, unknown>;

// Shares of the estate by kind, close to what a mid-sized AKS estate holds.
const KIND_MIX: ReadonlyArray<readonly [string, number]> = [
  ['Deployment', 30],
  ['Service', 17],
  ['ConfigMap', 12],
  ['ServiceAccount', 9],
  ['Secret', 3],
  ['StatefulSet', 4],
  ['DaemonSet', 2],
  ['CronJob', 4],
  ['Job', 3],
  ['Pod', 2],
  ['Role', 3],
  ['RoleBinding', 3],
  ['Ingress', 2],
  ['NetworkPolicy', 2],
  ['HorizontalPodAutoscaler', 2],
  ['PodDisruptionBudget', 2],
];

const WORDS = [
  'orders', 'billing', 'search', 'profile', 'inventory', 'catalog', 'cart', 'checkout', 'shipping', 'invoice',
  'notify', 'mailer', 'auth', 'session', 'gateway', 'pricing', 'reviews', 'recommend', 'media', 'thumbnail',
  'ledger', 'audit', 'export', 'import', 'report', 'scheduler', 'worker', 'indexer', 'crawler', 'feeds',
];
const TEAMS = ['retail', 'fulfil', 'identity', 'data', 'platform', 'growth', 'finance', 'support', 'mobile', 'partner'];
const ENVS = ['prod', 'staging', 'dev', 'qa'];

const DOCKER_HUB = ['nginx:1.27.2', 'redis:7.2.5', 'postgres:16.4', 'busybox:1.36', 'rabbitmq:3.13-management', 'memcached:1.6.29', 'bitnami/kafka:3.8.0', 'nginx:latest', 'node:20-alpine', 'python:3.12-slim'];
const OTHER_REGISTRIES = ['quay.io/prometheus/node-exporter:v1.8.2', 'ghcr.io/example-org/sidecar:0.9.1', 'registry.k8s.io/ingress-nginx/controller:v1.11.2', 'docker.io/library/alpine:3.20'];
const SIDECARS = ['envoy', 'log-shipper', 'otel-agent', 'vault-agent', 'oauth2-proxy'];

/** One namespace's worth of names and defaults, so objects in a file reference each other. */
interface Namespace {
  name: string;
  team: string;
  hardening: number; // 0..1: how likely a workload here is hardened
  apps: string[];
}

function imageFor(rnd: Random, app: string, ns: Namespace): string {
  const kind = rnd.weighted<string>([
    ['acr-digest', 25],
    ['acr-tag', 45],
    ['hub', 18],
    ['other', 7],
    ['acr-latest', 5],
  ]);
  const acr = `${ns.team}acr.azurecr.io`;
  const version = `${rnd.int(0, 9)}.${rnd.int(0, 40)}.${rnd.int(0, 20)}`;
  switch (kind) {
    case 'acr-digest':
      return `${acr}/${ns.team}/${app}:${version}@sha256:${rnd.hex(64)}`;
    case 'acr-tag':
      return `${acr}/${ns.team}/${app}:${version}`;
    case 'hub':
      return rnd.pick(DOCKER_HUB);
    case 'other':
      return rnd.pick(OTHER_REGISTRIES);
    default:
      return `${acr}/${ns.team}/${app}:latest`;
  }
}

function env(rnd: Random, app: string, ns: Namespace): Obj[] {
  const out: Obj[] = [];
  const n = rnd.int(1, 6);
  for (let i = 0; i < n; i++) {
    const r = rnd.float();
    if (r < 0.6) out.push({ name: `${app.toUpperCase().replace(/-/g, '_')}_SETTING_${i}`, value: rnd.pick(['true', 'false', '30', 'info', `http://${rnd.pick(ns.apps)}.${ns.name}.svc.cluster.local:8080`, 'eu-west', 'utf-8']) });
    else if (r < 0.72) out.push({ name: `CONFIG_${i}`, valueFrom: { configMapKeyRef: { name: `${app}-config`, key: `key-${i}` } } });
    else if (r < 0.86) out.push({ name: rnd.pick(['DB_PASSWORD', 'API_TOKEN', 'CLIENT_SECRET', 'REDIS_PASSWORD']) + `_${i}`, valueFrom: { secretKeyRef: { name: `${app}-secrets`, key: `secret-${i}` } } });
    else if (r < 0.97) out.push({ name: `POD_${['NAME', 'NAMESPACE', 'IP'][i % 3]}`, valueFrom: { fieldRef: { fieldPath: ['metadata.name', 'metadata.namespace', 'status.podIP'][i % 3] } } });
    // A literal credential, as found in real estates; the value is an obvious placeholder.
    else out.push({ name: `DB_PASSWORD_${i}`, value: 'example-not-a-real-password' });
  }
  return out;
}

function securityContext(rnd: Random, level: 'hardened' | 'partial' | 'none'): Obj | undefined {
  if (level === 'none') return rnd.chance(0.02) ? { privileged: true } : undefined;
  if (level === 'partial') {
    const sc: Obj = { allowPrivilegeEscalation: rnd.chance(0.8) ? false : true };
    if (rnd.chance(0.5)) sc.readOnlyRootFilesystem = true;
    if (rnd.chance(0.3)) sc.runAsNonRoot = true;
    if (rnd.chance(0.05)) sc.capabilities = { add: [rnd.pick(['NET_ADMIN', 'SYS_PTRACE', 'NET_RAW'])] };
    return sc;
  }
  return { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } };
}

function container(rnd: Random, name: string, app: string, ns: Namespace, level: 'hardened' | 'partial' | 'none'): Obj {
  const c: Obj = { name, image: imageFor(rnd, app, ns) };
  if (rnd.chance(0.3)) c.imagePullPolicy = rnd.pick(['IfNotPresent', 'Always']);
  if (rnd.chance(0.15)) c.args = ['--port=8080', `--log-level=${rnd.pick(['info', 'debug', 'warn'])}`, '--metrics'];
  c.ports = [{ name: 'http', containerPort: 8080, protocol: 'TCP' }];
  if (rnd.chance(0.25)) (c.ports as Obj[]).push({ name: 'metrics', containerPort: 9090, protocol: 'TCP' });
  c.env = env(rnd, app, ns);
  if (rnd.chance(0.3)) c.envFrom = [{ configMapRef: { name: `${app}-config` } }];
  if (level !== 'none' || rnd.chance(0.5)) {
    c.livenessProbe = { httpGet: { path: '/healthz', port: 'http' } };
    if (rnd.chance(0.7)) c.readinessProbe = { httpGet: { path: '/ready', port: 'http' } };
  }
  const cpu = `${rnd.pick([50, 100, 200, 250, 500])}m`;
  const mem = `${rnd.pick([64, 128, 256, 512, 1024])}Mi`;
  const resources = rnd.weighted<string>([
    ['full', level === 'hardened' ? 80 : 35],
    ['no-cpu-limit', 30],
    ['requests', 20],
    ['none', level === 'none' ? 40 : 10],
  ]);
  if (resources === 'full') c.resources = { requests: { cpu, memory: mem }, limits: { cpu: '1', memory: '1Gi' } };
  else if (resources === 'no-cpu-limit') c.resources = { requests: { cpu, memory: mem }, limits: { memory: '1Gi' } };
  else if (resources === 'requests') c.resources = { requests: { cpu, memory: mem } };
  const sc = securityContext(rnd, level);
  if (sc) c.securityContext = sc;
  const mounts: Obj[] = [];
  if (rnd.chance(0.5)) mounts.push({ name: 'tmp', mountPath: '/tmp' });
  if (rnd.chance(0.3)) mounts.push({ name: 'config', mountPath: '/etc/app', readOnly: true });
  if (mounts.length) c.volumeMounts = mounts;
  return c;
}

function podSpec(rnd: Random, app: string, ns: Namespace, opts: { hostAccess?: boolean; restartPolicy?: string } = {}): Obj {
  const level = rnd.float() < ns.hardening ? 'hardened' : rnd.chance(0.55) ? 'partial' : 'none';
  const spec: Obj = {};
  if (rnd.chance(0.7)) spec.serviceAccountName = app;
  if (level === 'hardened' || rnd.chance(0.2)) spec.automountServiceAccountToken = false;
  if (opts.restartPolicy) spec.restartPolicy = opts.restartPolicy;
  if (level === 'hardened') spec.securityContext = { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } };
  else if (level === 'partial' && rnd.chance(0.5)) spec.securityContext = { runAsUser: rnd.pick([0, 1000, 10001]), fsGroup: 2000 };
  if (opts.hostAccess) {
    if (rnd.chance(0.5)) spec.hostNetwork = true;
    if (rnd.chance(0.3)) spec.hostPID = true;
    spec.tolerations = [{ operator: 'Exists' }];
  }
  if (rnd.chance(0.2)) spec.nodeSelector = { 'kubernetes.io/os': 'linux', 'kubernetes.azure.com/mode': 'user' };
  if (rnd.chance(0.1)) {
    spec.initContainers = [{ name: 'init', image: rnd.pick(['busybox:1.36', `${ns.team}acr.azurecr.io/tools/wait-for:1.2.0`]), command: ['sh', '-c', 'until nc -z db 5432; do sleep 2; done'] }];
  }
  const containers = [container(rnd, app, app, ns, level)];
  const sidecars = rnd.weighted<number>([[0, 80], [1, 17], [2, 3]]);
  for (let i = 0; i < sidecars; i++) containers.push(container(rnd, SIDECARS[i % SIDECARS.length] as string, `${app}-${SIDECARS[i % SIDECARS.length]}`, ns, level));
  spec.containers = containers;
  const volumes: Obj[] = [{ name: 'tmp', emptyDir: {} }];
  const mountsConfig = containers.some((c) => Array.isArray(c.volumeMounts) && c.volumeMounts.some((v: Obj) => v.name === 'config'));
  if (mountsConfig) volumes.push({ name: 'config', configMap: { name: `${app}-config` } });
  if (rnd.chance(0.2)) volumes.push({ name: 'secrets', secret: { secretName: `${app}-secrets` } });
  if (opts.hostAccess) {
    volumes.push({ name: 'varlog', hostPath: { path: '/var/log' } });
    if (rnd.chance(0.3)) volumes.push({ name: 'docker-sock', hostPath: { path: '/var/run/docker.sock', type: 'Socket' } });
  }
  spec.volumes = volumes;
  return spec;
}

function meta(name: string, ns: Namespace | undefined, app: string, rnd: Random): Obj {
  const m: Obj = { name };
  if (ns) m.namespace = ns.name;
  const labels: Obj = { 'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': ns?.team ?? 'platform' };
  if (rnd.chance(0.4)) {
    labels['app.kubernetes.io/managed-by'] = 'Helm';
    labels['helm.sh/chart'] = `${app}-${rnd.int(0, 5)}.${rnd.int(0, 20)}.${rnd.int(0, 9)}`;
  }
  m.labels = labels;
  if (rnd.chance(0.1)) m.annotations = { 'kubernetes.io/change-cause': `release ${rnd.hex(7)}` };
  return m;
}

function workloadTemplate(rnd: Random, app: string, ns: Namespace, opts: { hostAccess?: boolean; restartPolicy?: string } = {}): Obj {
  return { metadata: { labels: { 'app.kubernetes.io/name': app } }, spec: podSpec(rnd, app, ns, opts) };
}

function makeResource(kind: string, rnd: Random, ns: Namespace, serial: number): Obj {
  const app = `${rnd.pick(ns.apps)}-${serial.toString(36)}`;
  const m = meta(app, ns, app, rnd);
  const selector = { matchLabels: { 'app.kubernetes.io/name': app } };
  switch (kind) {
    case 'Deployment':
      return { apiVersion: 'apps/v1', kind, metadata: m, spec: { replicas: rnd.int(1, 6), selector, template: workloadTemplate(rnd, app, ns) } };
    case 'StatefulSet':
      return {
        apiVersion: 'apps/v1', kind, metadata: m,
        spec: {
          serviceName: app, replicas: rnd.int(1, 3), selector, template: workloadTemplate(rnd, app, ns),
          volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'managed-csi', resources: { requests: { storage: `${rnd.pick([8, 32, 128])}Gi` } } } }],
        },
      };
    case 'DaemonSet':
      return { apiVersion: 'apps/v1', kind, metadata: m, spec: { selector, template: workloadTemplate(rnd, app, ns, { hostAccess: rnd.chance(0.6) }) } };
    case 'Job':
      return { apiVersion: 'batch/v1', kind, metadata: m, spec: { backoffLimit: rnd.int(0, 4), template: workloadTemplate(rnd, app, ns, { restartPolicy: 'Never' }) } };
    case 'CronJob':
      return {
        apiVersion: 'batch/v1', kind, metadata: m,
        spec: { schedule: `${rnd.int(0, 59)} ${rnd.int(0, 23)} * * *`, concurrencyPolicy: 'Forbid', jobTemplate: { spec: { template: workloadTemplate(rnd, app, ns, { restartPolicy: 'OnFailure' }) } } },
      };
    case 'Pod':
      return { apiVersion: 'v1', kind, metadata: m, spec: podSpec(rnd, app, ns, { restartPolicy: 'Always' }) };
    case 'Service': {
      const type = rnd.weighted<string>([['ClusterIP', 85], ['LoadBalancer', 8], ['NodePort', 7]]);
      const spec: Obj = { type, selector: { 'app.kubernetes.io/name': app }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] };
      if (type === 'LoadBalancer' && rnd.chance(0.5)) m.annotations = { 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true' };
      return { apiVersion: 'v1', kind, metadata: m, spec };
    }
    case 'ConfigMap': {
      const data: Obj = {};
      for (let i = 0, n = rnd.int(2, 10); i < n; i++) data[`key-${i}`] = rnd.pick(['true', '30s', 'eu-west', `https://${app}.example.com/api`, 'feature-a,feature-b']);
      if (rnd.chance(0.3)) data['app.properties'] = Array.from({ length: rnd.int(3, 15) }, (_, i) => `setting.${i}=${rnd.hex(8)}`).join('\n') + '\n';
      return { apiVersion: 'v1', kind, metadata: m, data };
    }
    case 'Secret': {
      const data: Obj = {};
      for (let i = 0, n = rnd.int(1, 4); i < n; i++) data[`secret-${i}`] = Buffer.from(`example-placeholder-${i}`).toString('base64');
      return { apiVersion: 'v1', kind, metadata: m, type: 'Opaque', data };
    }
    case 'ServiceAccount': {
      const sa: Obj = { apiVersion: 'v1', kind, metadata: m };
      if (rnd.chance(0.4)) sa.automountServiceAccountToken = false;
      return sa;
    }
    case 'Role': {
      const wide = rnd.chance(0.1);
      return {
        apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: m,
        rules: wide
          ? [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]
          : [
              { apiGroups: [''], resources: rnd.chance(0.3) ? ['configmaps', 'secrets'] : ['configmaps'], verbs: ['get', 'list', 'watch'] },
              { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
            ],
      };
    }
    case 'RoleBinding':
      return {
        apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: m,
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: rnd.chance(0.2) ? 'ClusterRole' : 'Role', name: rnd.chance(0.2) ? 'edit' : app },
        subjects: [{ kind: 'ServiceAccount', name: app, namespace: ns.name }],
      };
    case 'Ingress':
      return {
        apiVersion: 'networking.k8s.io/v1', kind, metadata: m,
        spec: {
          ingressClassName: 'webapprouting.kubernetes.azure.com',
          ...(rnd.chance(0.7) ? { tls: [{ hosts: [`${app}.example.com`], secretName: `${app}-tls` }] } : {}),
          rules: [{ host: `${app}.example.com`, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: app, port: { number: 80 } } } }] } }],
        },
      };
    case 'NetworkPolicy':
      return rnd.chance(0.3)
        ? { apiVersion: 'networking.k8s.io/v1', kind, metadata: { ...m, name: `default-deny-${serial.toString(36)}` }, spec: { podSelector: {}, policyTypes: ['Ingress'] } }
        : {
            apiVersion: 'networking.k8s.io/v1', kind, metadata: m,
            spec: { podSelector: selector, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': rnd.pick(ns.apps) } } }], ports: [{ protocol: 'TCP', port: 8080 }] }] },
          };
    case 'HorizontalPodAutoscaler':
      return {
        apiVersion: 'autoscaling/v2', kind, metadata: m,
        spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: app }, minReplicas: 2, maxReplicas: rnd.int(4, 20), metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] },
      };
    case 'PodDisruptionBudget':
      return { apiVersion: 'policy/v1', kind, metadata: m, spec: { maxUnavailable: 1, selector } };
    default:
      throw new Error(`no generator for ${kind}`);
  }
}

function namespaceObject(ns: Namespace, rnd: Random): Obj {
  const labels: Obj = { 'app.kubernetes.io/part-of': ns.team };
  const level = rnd.weighted<string | undefined>([['restricted', 25], ['baseline', 35], [undefined, 40]]);
  if (level) labels['pod-security.kubernetes.io/enforce'] = level;
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.name, labels } };
}

function estateDir(opts: EstateOptions): string {
  return resolve(opts.root, `estate-${opts.seed}-${opts.resources}`);
}

function readMarker(dir: string, opts: EstateOptions): Estate | undefined {
  try {
    const m = JSON.parse(readFileSync(join(dir, MARKER), 'utf8')) as Estate & { generator?: number; seed?: number };
    const same = m.generator === GENERATOR_VERSION && m.seed === opts.seed && m.resources === opts.resources && m.files === opts.files;
    return same ? { ...m, dir, reused: true } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes `files` multi-document YAML files holding `resources` objects in total, or reuses the
 * estate already written for the same seed and size. The marker file is written last, so an
 * interrupted run is regenerated rather than measured half-written.
 */
export function generateEstate(opts: EstateOptions): Estate {
  const dir = estateDir(opts);
  const existing = existsSync(dir) ? readMarker(dir, opts) : undefined;
  if (existing) return existing;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  const rnd = new Random(mulberry32(opts.seed));
  const namespaceCount = Math.max(1, Math.round(opts.files / 2.5));
  const namespaces: Namespace[] = Array.from({ length: namespaceCount }, (_, i) => {
    const team = TEAMS[i % TEAMS.length] as string;
    return {
      name: `${team}-${rnd.pick(ENVS)}-${i.toString().padStart(3, '0')}`,
      team,
      hardening: rnd.pick([0.1, 0.3, 0.5, 0.8]),
      apps: Array.from({ length: 6 }, () => rnd.pick(WORDS)),
    };
  });

  const kinds: Record<string, number> = {};
  let written = 0;
  let bytes = 0;
  let serial = 0;
  const seenNamespace = new Set<string>();
  for (let f = 0; f < opts.files; f++) {
    const ns = namespaces[Math.floor((f * namespaceCount) / opts.files)] as Namespace;
    const quota = Math.round(((f + 1) * opts.resources) / opts.files) - written;
    const helm = rnd.chance(0.3);
    const docs: string[] = [];
    for (let i = 0; i < quota; i++) {
      let obj: Obj;
      if (!seenNamespace.has(ns.name)) {
        seenNamespace.add(ns.name);
        obj = namespaceObject(ns, rnd);
      } else obj = makeResource(rnd.weighted(KIND_MIX), rnd, ns, serial++);
      const kind = obj.kind as string;
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      const body = dump(obj, { lineWidth: -1, noRefs: true });
      docs.push(helm ? `# Source: ${ns.team}/templates/${kind.toLowerCase()}-${i}.yaml\n${body}` : body);
    }
    written += quota;
    const text = (helm ? '---\n' : '') + docs.join('---\n');
    const file = join(dir, `${String(f).padStart(3, '0')}-${ns.name}.yaml`);
    writeFileSync(file, text);
    bytes += Buffer.byteLength(text);
  }
  const estate: Estate = { dir, files: opts.files, resources: written, bytes, kinds, reused: false };
  const { dir: _dir, reused: _reused, ...recorded } = estate;
  writeFileSync(join(dir, MARKER), JSON.stringify({ generator: GENERATOR_VERSION, seed: opts.seed, ...recorded }, null, 2));
  return estate;
}

// `node --import tsx bench/generate.ts [seed] [resources] [files]` writes an estate without measuring.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [seed = '42', resources = '50000', files = '250'] = process.argv.slice(2);
  const estate = generateEstate({ seed: Number(seed), resources: Number(resources), files: Number(files), root: '.bench-tmp' });
  console.log(JSON.stringify(estate, null, 2));
}
