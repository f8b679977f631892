/**
 * `audit detect` on 1M seeded audit events (JSON Lines) against `JSON.parse` of each line, in the same
 * run. Standalone: `node --import tsx bench/audit.ts [--events N] [--seed S] [--runs R]`.
 *
 * The parent writes the events once to `.bench-tmp/audit-<seed>-<n>.jsonl` (reused while the seed, the
 * size and the generator stay the same), then starts a fresh process per measurement, alternating the
 * two kinds so that drift on a shared machine hits both, and compares the medians:
 *
 *   parse   read the file in 1 MiB pieces, cut lines, JSON.parse each one
 *   detect  the engine as `palisade audit detect -f jsonl` runs it (decode, unwrap, de-duplicate, every
 *           built-in detector, alerts rendered as JSON lines and dropped)
 *
 * Each process samples its RSS as it goes; the detect samples show whether memory stays flat over the
 * stream. Prints events per second for both, the ratio (target ≥ 0.5), and RSS at every tenth of the
 * stream. Exit code 0 whatever the figures. `--json` adds the figures as one JSON line;
 * `auditBench()` returns them to a caller (bench/run.ts).
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import { AuditEngine } from '../src/audit/engine.js';
import { jsonlAlert } from '../src/audit/render.js';
import { readInput } from '../src/audit/stream.js';
import { mulberry32 } from './generate.js';

const GENERATOR_VERSION = 1;
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SELF = fileURLToPath(import.meta.url);

interface Measurement {
  mode: 'parse' | 'detect';
  ms: number;
  events: number;
  alerts?: number;
  duplicates?: number;
  /** RSS in MiB after each tenth of the input (by bytes read). */
  rss: number[];
  maxRssMiB: number;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) ? v : fallback;
}

// ---------------------------------------------------------------- generator

const NODES = Array.from({ length: 12 }, (_, i) => `aks-nodepool1-31415926-vmss0000${i.toString(36)}`);
const NAMESPACES = ['shop', 'payments', 'default', 'monitoring', 'kube-system'];
const USERS = ['alice@contoso.com', 'bob@contoso.com', 'carol@contoso.com', 'deploy-bot@contoso.com'];
const LEASES = ['kube-controller-manager', 'kube-scheduler', 'external-resizer-disk-csi-azure-com', 'external-snapshotter-leader-file-csi-azure-com', 'cluster-autoscaler'];

/** Writes `n` audit events shaped like an AKS cluster's kube-audit stream: mostly AKS housekeeping and controllers, some people, a few attacks, and duplicates as both audit categories produce them. */
async function generate(file: string, n: number, seed: number): Promise<void> {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const hex = (len: number) => Array.from({ length: len }, () => Math.floor(rnd() * 16).toString(16)).join('');
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  const out = createWriteStream(file);
  let t = Date.parse('2026-11-01T00:00:00Z');
  let batch = '';
  let previous = '';
  for (let i = 0; i < n; i++) {
    t += Math.floor(rnd() * 40);
    const ts = new Date(t).toISOString().replace('Z', '123Z');
    const r = rnd();
    // Both categories exported: an event AKS sends twice (same auditID and stage).
    if (r < 0.03 && previous) {
      batch += previous;
      continue;
    }
    const base = { kind: 'Event', apiVersion: 'audit.k8s.io/v1', auditID: uuid(), stage: 'ResponseComplete', requestReceivedTimestamp: ts, stageTimestamp: ts };
    let ev: Record<string, unknown>;
    if (r < 0.45) {
      const lease = pick(LEASES);
      ev = { ...base, level: 'Metadata', requestURI: `/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/${lease}?timeout=5s`, verb: 'update', user: { username: 'aksService', groups: ['system:masters', 'system:authenticated'] }, sourceIPs: [`172.31.${Math.floor(rnd() * 64)}.${Math.floor(rnd() * 250)}`], userAgent: 'kube-controller-manager/v1.31.2 (linux/amd64) kubernetes/5864a46/leader-election', objectRef: { resource: 'leases', namespace: 'kube-system', name: lease, uid: uuid(), apiGroup: 'coordination.k8s.io', apiVersion: 'v1', resourceVersion: String(Math.floor(rnd() * 1e7)) }, responseStatus: { metadata: {}, code: 200 }, annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' } };
    } else if (r < 0.6) {
      const node = pick(NODES);
      const ns = pick(NAMESPACES);
      ev = { ...base, level: 'Metadata', requestURI: `/api/v1/namespaces/${ns}/pods?fieldSelector=spec.nodeName%3D${node}&limit=500&resourceVersion=0`, verb: pick(['list', 'watch', 'get']), user: { username: `system:node:${node}`, groups: ['system:nodes', 'system:authenticated'] }, sourceIPs: [`10.224.0.${Math.floor(rnd() * 250)}`], userAgent: 'kubelet/v1.31.2 (linux/amd64) kubernetes/5864a46', objectRef: { resource: 'pods', namespace: ns, apiVersion: 'v1' }, responseStatus: { metadata: {}, code: 200 }, annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' } };
    } else if (r < 0.7) {
      const ready = rnd() < 0.5;
      ev = { ...base, level: 'Metadata', requestURI: ready ? '/readyz' : '/metrics', verb: 'get', user: { username: ready ? 'readinessChecker' : 'hcpService', groups: ['system:authenticated'] }, sourceIPs: ['10.200.0.38'], userAgent: ready ? 'kube-probe/1.31' : 'Prometheus/2.53.0', responseStatus: { metadata: {}, code: 200 }, annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"' } };
    } else if (r < 0.8) {
      const ns = pick(NAMESPACES);
      const res = pick(['pods', 'deployments', 'services', 'configmaps', 'events']);
      ev = { ...base, level: 'Metadata', requestURI: `/api/v1/namespaces/${ns}/${res}?limit=500`, verb: pick(['get', 'list']), user: { username: pick(USERS), groups: ['00000000-aaaa-bbbb-cccc-000000000000', 'system:authenticated'] }, sourceIPs: [`203.0.113.${Math.floor(rnd() * 250)}`], userAgent: 'kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46', objectRef: { resource: res, namespace: ns, apiVersion: 'v1' }, responseStatus: { metadata: {}, code: 200 }, annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed by RoleBinding "devs" of ClusterRole "view" to Group "00000000-aaaa-bbbb-cccc-000000000000"' } };
    } else if (r < 0.88) {
      const ns = pick(NAMESPACES);
      const name = `web-${hex(10)}-${hex(5)}`;
      const privileged = rnd() < 0.02;
      const spec = { containers: [{ name: 'app', image: `contoso.azurecr.io/shop/web:1.${Math.floor(rnd() * 40)}.0`, ports: [{ containerPort: 8080, protocol: 'TCP' }], env: [{ name: 'LOG_LEVEL', value: 'info' }, { name: 'REGION', value: 'westeurope' }], resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } }, securityContext: privileged ? { privileged: true } : { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true }, volumeMounts: [{ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }] }], serviceAccountName: 'web', nodeSelector: { 'kubernetes.io/os': 'linux' }, volumes: [{ name: 'kube-api-access', projected: { sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }] } }] };
      ev = { ...base, level: 'Request', requestURI: `/api/v1/namespaces/${ns}/pods`, verb: 'create', user: { username: 'system:serviceaccount:kube-system:replicaset-controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] }, sourceIPs: ['172.31.20.43'], userAgent: 'kube-controller-manager/v1.31.2 (linux/amd64) kubernetes/5864a46/system:serviceaccount:kube-system:replicaset-controller', objectRef: { resource: 'pods', namespace: ns, name, apiVersion: 'v1' }, responseStatus: { metadata: {}, code: 201 }, requestObject: { kind: 'Pod', apiVersion: 'v1', metadata: { generateName: name.slice(0, -5), namespace: ns, labels: { app: 'web', 'pod-template-hash': hex(10) }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: name.slice(0, -6), uid: uuid(), controller: true, blockOwnerDeletion: true }] }, spec }, annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed by ClusterRoleBinding "system:controller:replicaset-controller"', 'pod-security.kubernetes.io/enforce-policy': 'baseline:latest' } };
    } else if (r < 0.93) {
      const ns = pick(NAMESPACES);
      ev = { ...base, level: 'Request', requestURI: `/api/v1/namespaces/${ns}/configmaps/app-settings`, verb: 'update', user: { username: 'deploy-bot@contoso.com', groups: ['system:authenticated'] }, sourceIPs: ['198.51.100.10'], userAgent: 'helm/3.16', objectRef: { resource: 'configmaps', namespace: ns, name: 'app-settings', apiVersion: 'v1' }, responseStatus: { metadata: {}, code: 200 }, requestObject: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'app-settings', namespace: ns }, data: { 'app.properties': `feature.x=${rnd() < 0.5}\ncache.ttl=${Math.floor(rnd() * 600)}\n`, 'db.properties': rnd() < 0.01 ? 'password = hunter2\n' : 'pool.size=10\n' } }, annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' } };
    } else if (r < 0.95) {
      const ns = pick(NAMESPACES);
      const pod = `web-${hex(10)}-${hex(5)}`;
      ev = { ...base, stage: 'ResponseStarted', level: 'Metadata', requestURI: `/api/v1/namespaces/${ns}/pods/${pod}/exec?command=sh&container=app&stdin=true&stdout=true&tty=true`, verb: 'create', user: { username: pick(USERS), groups: ['system:authenticated'] }, sourceIPs: [`203.0.113.${Math.floor(rnd() * 250)}`], userAgent: 'kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46', objectRef: { resource: 'pods', namespace: ns, name: pod, apiVersion: 'v1', subresource: 'exec' }, responseStatus: { metadata: {}, code: 101 }, annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' } };
    } else if (r < 0.97) {
      const user = rnd() < 0.5 ? pick(USERS) : 'system:serviceaccount:kube-system:csi-azuredisk-controller-sa';
      ev = { ...base, level: 'Metadata', requestURI: '/api/v1/namespaces/kube-system/secrets/azure-storage-account', verb: 'get', user: { username: user, groups: ['system:authenticated'] }, sourceIPs: ['10.224.0.7'], userAgent: 'kubectl/v1.31.2', objectRef: { resource: 'secrets', namespace: 'kube-system', name: 'azure-storage-account', apiVersion: 'v1' }, responseStatus: { metadata: {}, code: rnd() < 0.5 ? 200 : 403 }, annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' } };
    } else {
      ev = { ...base, level: 'Metadata', requestURI: '/api/v1/namespaces/kube-system/secrets', verb: 'list', user: { username: 'system:anonymous', groups: ['system:unauthenticated'] }, sourceIPs: [`192.0.2.${Math.floor(rnd() * 8)}`], userAgent: 'python-requests/2.32.3', objectRef: { resource: 'secrets', namespace: 'kube-system', apiVersion: 'v1' }, responseStatus: { metadata: {}, status: 'Failure', reason: 'Forbidden', code: 403 }, annotations: { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': '' } };
    }
    previous = `${JSON.stringify(ev)}\n`;
    batch += previous;
    if (batch.length >= 1 << 20) {
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  out.write(batch);
  out.end();
  await once(out, 'finish');
}

// ---------------------------------------------------------------- measurements (child processes)

function rssMiB(): number {
  return Math.round(process.memoryUsage().rss / 1048576);
}

/** Samples RSS after each tenth of the file, by bytes read. */
function sampler(total: number): { chunk(bytes: number): void; samples: number[] } {
  const samples: number[] = [];
  let read = 0;
  let next = total / 10;
  return {
    samples,
    chunk(bytes) {
      read += bytes;
      while (read >= next && samples.length < 10) {
        samples.push(rssMiB());
        next += total / 10;
      }
    },
  };
}

async function* counted(file: string, onChunk: (bytes: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    onChunk(chunk.length);
    yield chunk;
  }
}

async function measureParse(file: string): Promise<Measurement> {
  const s = sampler(statSync(file).size);
  const start = performance.now();
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let events = 0;
  for await (const chunk of counted(file, s.chunk)) {
    const text = rest + decoder.write(chunk);
    let from = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      if (nl > from) {
        JSON.parse(text.slice(from, nl));
        events++;
      }
      from = nl + 1;
    }
    rest = text.slice(from);
  }
  const ms = performance.now() - start;
  return { mode: 'parse', ms, events, rss: s.samples, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) };
}

async function measureDetect(file: string): Promise<Measurement> {
  const s = sampler(statSync(file).size);
  let out = 0;
  const engine = new AuditEngine({ onAlert: (a) => (out += jsonlAlert(a).length) });
  const start = performance.now();
  await readInput(counted(file, s.chunk), file, 'auto', engine);
  const ms = performance.now() - start;
  return { mode: 'detect', ms, events: engine.stats.events + engine.stats.duplicates, alerts: engine.stats.alerts, duplicates: engine.stats.duplicates, rss: s.samples, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) };
}

// ---------------------------------------------------------------- parent

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function runChild(mode: 'parse' | 'detect', file: string): Measurement {
  const r = spawnSync(process.execPath, ['--import', 'tsx', SELF, '--child', mode, file], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${mode} run failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Measurement;
}

export interface AuditBenchResult {
  events: number;
  seed: number;
  runs: number;
  fileMiB: number;
  parseSeconds: number;
  detectSeconds: number;
  parseEventsPerSecond: number;
  detectEventsPerSecond: number;
  /** detect throughput / JSON.parse throughput; the budget is ≥ 0.5. */
  ratio: number;
  alerts: number;
  duplicates: number;
  /** RSS (MiB) of the median detect run after each tenth of the stream. */
  rssMiB: number[];
  peakRssMiB: number;
  /** Largest minus smallest RSS from 30% of the stream on: flat when small (≤ 64 MiB). */
  rssSpreadMiB: number;
}

/**
 * Generates (or reuses) the seeded input and measures both kinds `runs` times each, alternating, in
 * fresh processes. For bench/run.ts to call, or run from the command line.
 */
export async function auditBench(opts: { events?: number; seed?: number; runs?: number; log?: (line: string) => void } = {}): Promise<AuditBenchResult> {
  const events = opts.events ?? 1_000_000;
  const seed = opts.seed ?? 1;
  const runs = opts.runs ?? 3;
  const dir = join(ROOT, '.bench-tmp');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `audit-v${GENERATOR_VERSION}-${seed}-${events}.jsonl`);
  if (!existsSync(file)) {
    opts.log?.(`writing ${events} events to ${file}`);
    await generate(`${file}.tmp`, events, seed);
    renameSync(`${file}.tmp`, file);
  }
  const parse: Measurement[] = [];
  const detect: Measurement[] = [];
  for (let i = 0; i < runs; i++) {
    parse.push(runChild('parse', file));
    detect.push(runChild('detect', file));
  }
  const p = median(parse.map((m) => m.ms));
  const d = median(detect.map((m) => m.ms));
  const dm = detect.find((m) => m.ms === d) as Measurement;
  const lines = (parse[0] as Measurement).events;
  const steady = dm.rss.slice(2);
  return {
    events: lines,
    seed,
    runs,
    fileMiB: Math.round(statSync(file).size / 1048576),
    parseSeconds: p / 1000,
    detectSeconds: d / 1000,
    parseEventsPerSecond: Math.round(lines / (p / 1000)),
    detectEventsPerSecond: Math.round(lines / (d / 1000)),
    ratio: p / d,
    alerts: dm.alerts ?? 0,
    duplicates: dm.duplicates ?? 0,
    rssMiB: dm.rss,
    peakRssMiB: dm.maxRssMiB,
    rssSpreadMiB: Math.max(...steady) - Math.min(...steady),
  };
}

export function formatAuditBench(r: AuditBenchResult): string {
  return [
    `audit detect: ${r.events} lines (${r.fileMiB} MiB, seed ${r.seed}), median of ${r.runs} runs each`,
    `  JSON.parse each line   ${r.parseSeconds.toFixed(2)} s   ${r.parseEventsPerSecond.toLocaleString('en')} events/s`,
    `  audit detect           ${r.detectSeconds.toFixed(2)} s   ${r.detectEventsPerSecond.toLocaleString('en')} events/s   ${r.alerts} alerts, ${r.duplicates} duplicates dropped`,
    `  throughput ratio       ${r.ratio.toFixed(2)}× of JSON.parse (target ≥ 0.5×) ${r.ratio >= 0.5 ? 'PASS' : 'FAIL'}`,
    `  RSS (MiB) at each tenth of the stream: ${r.rssMiB.join(' ')}  (peak ${r.peakRssMiB})`,
    `  memory from 30% to the end varies by ${r.rssSpreadMiB} MiB: ${r.rssSpreadMiB <= 64 ? 'flat PASS' : 'growing FAIL'}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const childAt = process.argv.indexOf('--child');
  if (childAt >= 0) {
    const mode = process.argv[childAt + 1];
    const file = process.argv[childAt + 2] as string;
    const m = mode === 'parse' ? await measureParse(file) : await measureDetect(file);
    process.stdout.write(`${JSON.stringify(m)}\n`);
    return;
  }
  const r = await auditBench({ events: arg('events', 1_000_000), seed: arg('seed', 1), runs: arg('runs', 3), log: (l) => process.stderr.write(`${l}\n`) });
  console.log(formatAuditBench(r));
  if (process.argv.includes('--json')) console.log(JSON.stringify(r));
}

// Run when started as a script (and in the measurement children), not when imported.
if (process.argv[1] && resolve(process.argv[1]) === SELF) await main();
