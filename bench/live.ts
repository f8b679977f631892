import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { LIVE_KINDS, type LiveKind } from '../src/ingest/kube-kinds.js';
import { testCertificate } from '../test/helpers/fake-arm.js';
import { compileCli, compileScript } from './compiled.js';
import { generateCluster } from './live-cluster.js';

/**
 * The live-cluster budget of issue 9: `palisade scan --cluster` over a 10k-pod / 50k-object cluster
 * with a peak RSS of at most 512 MiB. The cluster (`live-cluster.ts`, seeded) is served over HTTPS on
 * 127.0.0.1 as the API server serves it: list answers of 500 items with continue tokens, items without
 * apiVersion and kind, Secrets as PartialObjectMetadataList when the Accept header asks for it, gzip
 * (level 1) above 128 KiB when the client accepts it, a bearer token checked on every request. The
 * scan is the CLI users run: compiled with tsconfig.build.json into .bench-tmp/dist and started as
 * `node dist/cli/main.js scan --cluster -f json` in a fresh process with a kubeconfig pointing at the
 * server, so its peak RSS is its own; a preload (`live-rss.ts`) writes that figure as the process
 * exits. A `--version` run of the same command gives the start-up cost (node and the CLI's modules)
 * the scan's figures include. With `--sources` the CLI runs from the TypeScript sources instead
 * (`node --import tsx src/cli/main.ts`), which adds tsx's loader thread and its compiled modules.
 *
 * only: `node --import tsx bench/live.ts [--seed N] [--runs R] [--sources] [--heap-profile]`
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SELF = fileURLToPath(import.meta.url);
const MAIN = join(ROOT, 'src/cli/main.ts');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const RSS_HOOK = pathToFileURL(join(ROOT, 'bench/live-rss.ts')).href;
const BUILT = join(ROOT, '.bench-tmp', 'dist');

export const LIVE_TARGETS = { peakRssMiB: 512 };
const PAGE_LIMIT_MAX = 500;
const GZIP_THRESHOLD = 128 * 1024;
const TOKEN = 'bench-token';

type Json = Record<string, unknown>;

export interface LiveRun {
  ms: number;
  maxRssKiB: number;
  heapUsedMiB: number;
  exitCode: number | null;
  reportBytes: number;
  findings?: number;
  resources?: number;
}

export interface LiveBenchResult {
  benchmark: 'live cluster scan';
  seed: number;
  cluster: { objects: number; pods: number; servedMB: number; kinds: Record<string, number> };
  requests: number;
  runs: number;
  /** `sources`: src/cli/main.ts through tsx; `built`: the compiled CLI. */
  cli: 'sources' | 'built';
  startup: { ms: number; peakRssMiB: number };
  scan: { medianMs: number; runsMs: number[]; peakRssMiB: number; runsRssMiB: number[]; objectsPerSecond: number; findings?: number; scannedResources?: number; reportBytes: number };
  targets: typeof LIVE_TARGETS;
  pass: { peakRssMiB: boolean };
  heapProfile?: string;
}

// ---------------------------------------------------------------- the API server

interface Served {
  kind: LiveKind;
  /** Each item as JSON, as a list answer carries it. */
  full: string[];
  /** Secrets: each item as PartialObjectMetadata. */
  metadata?: string[];
  namespaces: Array<string | null>;
}

const gzipAsync = promisify(gzip);
const METADATA_LIST = /as=PartialObjectMetadataList;g=meta\.k8s\.io;v=v1/;

function statusBody(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

/** Serves the generated lists; the items are serialized once, pages are joined from them per request. */
export async function serveCluster(items: Map<string, Json[]>): Promise<{ url: string; ca: string; requests(): number; bytes(): number; close(): Promise<void> }> {
  const byPath = new Map<string, Served>();
  for (const k of LIVE_KINDS) {
    const list = items.get(k.kind) ?? [];
    const served: Served = {
      kind: k,
      full: list.map((o) => JSON.stringify(o)),
      namespaces: list.map((o) => ((o.metadata as Json).namespace as string | undefined) ?? null),
      ...(k.metadataOnly ? { metadata: list.map((o) => JSON.stringify({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata })) } : {}),
    };
    byPath.set(k.group === '' ? `/api/${k.version}/${k.resource}` : `/apis/${k.group}/${k.version}/${k.resource}`, served);
  }
  const resourceVersion = '987654';
  let requests = 0;
  let bytes = 0;

  const answer = (path: string, query: URLSearchParams, accept: string): { status: number; body: string } => {
    if (path === '/version') return { status: 200, body: JSON.stringify({ major: '1', minor: '34', gitVersion: 'v1.34.2', platform: 'linux/amd64' }) };
    // Lists across the cluster and in one namespace.
    const m = /^(\/apis?\/.+?)(?:\/namespaces\/([^/]+))?\/([^/]+)$/.exec(path);
    const served = m ? byPath.get(`${m[1]}/${m[3]}`) : undefined;
    if (!m || !served) return { status: 404, body: statusBody(404, 'NotFound', 'the server could not find the requested resource') };
    const namespace = m[2] !== undefined ? decodeURIComponent(m[2]) : undefined;
    const metadataOnly = served.metadata !== undefined && METADATA_LIST.test(accept);
    const source = metadataOnly ? served.metadata! : served.full;
    let indexes = source.map((_, i) => i);
    if (namespace !== undefined) indexes = indexes.filter((i) => served.namespaces[i] === namespace);
    const field = query.get('fieldSelector');
    if (field?.startsWith('metadata.name=')) {
      const name = field.slice('metadata.name='.length);
      indexes = indexes.filter((i) => source[i]!.includes(`"name":${JSON.stringify(name)}`));
    }
    const limitParam = Number(query.get('limit') ?? '0');
    const limit = limitParam > 0 ? Math.min(limitParam, PAGE_LIMIT_MAX) : indexes.length;
    let start = 0;
    const token = query.get('continue');
    if (token) {
      try {
        start = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { start: number }).start;
      } catch {
        return { status: 400, body: statusBody(400, 'BadRequest', 'continue key is not valid') };
      }
    }
    const end = Math.min(start + limit, indexes.length);
    const metadata: Json = { resourceVersion };
    if (end < indexes.length) {
      metadata.continue = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: Number(resourceVersion), start: end })).toString('base64url');
      metadata.remainingItemCount = indexes.length - end;
    }
    const k = served.kind;
    const head = metadataOnly
      ? { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1' }
      : { kind: `${k.kind}List`, apiVersion: k.group === '' ? k.version : `${k.group}/${k.version}` };
    const page = indexes.slice(start, end).map((i) => source[i]!);
    return { status: 200, body: `{"kind":${JSON.stringify(head.kind)},"apiVersion":${JSON.stringify(head.apiVersion)},"metadata":${JSON.stringify(metadata)},"items":[${page.join(',')}]}` };
  };

  const { key, cert } = testCertificate();
  const server: Server = createServer({ key, cert }, (req, res) => {
    requests++;
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(statusBody(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    const a = answer(url.pathname, url.searchParams, String(req.headers.accept ?? ''));
    const body = Buffer.from(a.body);
    bytes += body.length;
    if (body.length > GZIP_THRESHOLD && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      gzipAsync(body, { level: 1 }).then(
        (z) => res.writeHead(a.status, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': z.length }).end(z),
        () => res.destroy(),
      );
    } else res.writeHead(a.status, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ca: cert,
    requests: () => requests,
    bytes: () => bytes,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

// ---------------------------------------------------------------- the scan process

export function writeKubeconfig(dir: string, server: string, ca: string): string {
  const file = join(dir, 'kubeconfig');
  // JSON is YAML: the client reads it as any kubeconfig.
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'bench', cluster: { server, 'certificate-authority-data': Buffer.from(ca).toString('base64') } }],
    users: [{ name: 'bench', user: { token: TOKEN } }],
    contexts: [{ name: 'bench', context: { cluster: 'bench', user: 'bench' } }],
    'current-context': 'bench',
  };
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** Compiles the CLI into .bench-tmp/dist; the rss hook is compiled beside it. */
function buildCli(log: (line: string) => void): void {
  compileCli(BUILT, (line) => log(`live: ${line}`));
  compileScript(join(ROOT, 'bench', 'live-rss.ts'), BUILT);
}

/** Runs the CLI in a process of its own; resolves with its time, peak RSS and what it printed. */
function runCli(args: string[], dir: string, kubeconfig: string, cli: 'sources' | 'built', nodeFlags: string[] = []): Promise<LiveRun & { stdout: Buffer }> {
  const rssFile = join(dir, `rss-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const entry =
    cli === 'built' ? ['--import', pathToFileURL(join(BUILT, 'live-rss.mjs')).href, join(BUILT, 'cli', 'main.js')] : ['--import', TSX, '--import', RSS_HOOK, MAIN];
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...nodeFlags, ...entry, ...args], {
      cwd: dir,
      // HOME in the work folder: nothing of the machine's own ~/.kube is read.
      env: { ...process.env, KUBECONFIG: kubeconfig, HOME: dir, NO_COLOR: '1', BENCH_LIVE_RSS_FILE: rssFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      let usage: { maxRssKiB: number; heapUsedMiB: number };
      try {
        usage = JSON.parse(readFileSync(rssFile, 'utf8')) as typeof usage;
      } catch {
        fail(new Error(`the scan process wrote no figures (exit ${code}):\n${stderr}`));
        return;
      }
      // 0 (no finding at the threshold) and 1 (findings) are both a finished scan.
      if (code !== 0 && code !== 1) {
        fail(new Error(`the scan process failed (exit ${code}):\n${stderr}`));
        return;
      }
      const stdout = Buffer.concat(out);
      done({ ms, maxRssKiB: usage.maxRssKiB, heapUsedMiB: usage.heapUsedMiB, exitCode: code, reportBytes: stdout.length, stdout });
    });
  });
}

function reportFigures(stdout: Buffer): { findings?: number; resources?: number } {
  try {
    const report = JSON.parse(stdout.toString('utf8')) as { findings?: unknown[]; summary?: { resources?: number } };
    return { ...(Array.isArray(report.findings) ? { findings: report.findings.length } : {}), ...(typeof report.summary?.resources === 'number' ? { resources: report.summary.resources } : {}) };
  } catch {
    return {};
  }
}

/** `sources`: measure the CLI from the TypeScript sources through tsx rather than the compiled one users run. */
export async function runLiveBench(opts: { seed?: number; runs?: number; pods?: number; objects?: number; sources?: boolean; heapProfileDir?: string; log?: (line: string) => void } = {}): Promise<LiveBenchResult> {
  const seed = opts.seed ?? 42;
  const cli = opts.sources ? 'sources' : 'built';
  const runs = Math.max(1, opts.runs ?? 3);
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  if (cli === 'built') buildCli(opts.log ?? ((l: string) => process.stderr.write(`${l}\n`)));
  const generatedAt = performance.now();
  let cluster: ReturnType<typeof generateCluster> | undefined = generateCluster(seed, { pods: opts.pods ?? 10_000, objects: opts.objects ?? 50_000 });
  const { objects, pods, kinds } = cluster;
  const server = await serveCluster(cluster.items);
  cluster = undefined;
  log(`live: ${objects} objects (${pods} Pods) generated and served in ${Math.round(performance.now() - generatedAt)} ms at ${server.url}`);
  const dir = mkdtempSync(join(tmpdir(), 'palisade-bench-live-'));
  try {
    const kubeconfig = writeKubeconfig(dir, server.url, server.ca);
    const startup = await runCli(['--version'], dir, kubeconfig, cli);
    log(`live: start-up (--version) ${Math.round(startup.ms)} ms, ${mib(startup.maxRssKiB)} MiB`);
    const scans: LiveRun[] = [];
    let firstRequests = 0;
    let servedBytes = 0;
    for (let i = 1; i <= runs; i++) {
      const before = server.requests();
      const bytesBefore = server.bytes();
      const r = await runCli(['scan', '--cluster', '-f', 'json'], dir, kubeconfig, cli);
      if (i === 1) {
        firstRequests = server.requests() - before;
        servedBytes = server.bytes() - bytesBefore;
      }
      const { stdout, ...run } = r;
      scans.push({ ...run, ...reportFigures(stdout) });
      log(`live run ${i}/${runs}: ${Math.round(r.ms)} ms, peak RSS ${mib(r.maxRssKiB)} MiB, heap at exit ${r.heapUsedMiB} MiB, report ${(r.reportBytes / 1e6).toFixed(1)} MB`);
    }
    let heapProfile: string | undefined;
    if (opts.heapProfileDir) {
      rmSync(opts.heapProfileDir, { recursive: true, force: true });
      mkdirSync(opts.heapProfileDir, { recursive: true });
      await runCli(['scan', '--cluster', '-f', 'json'], dir, kubeconfig, cli, ['--heap-prof', `--heap-prof-dir=${opts.heapProfileDir}`]);
      heapProfile = readdirSync(opts.heapProfileDir).map((f) => join(opts.heapProfileDir!, f)).find((f) => f.endsWith('.heapprofile'));
    }
    const ms = scans.map((s) => s.ms);
    const medianMs = median(ms);
    const peakRssMiB = Math.max(...scans.map((s) => mib(s.maxRssKiB)));
    return {
      benchmark: 'live cluster scan',
      seed,
      cluster: { objects, pods, servedMB: round(servedBytes / 1e6), kinds },
      requests: firstRequests,
      runs,
      cli,
      startup: { ms: Math.round(startup.ms), peakRssMiB: mib(startup.maxRssKiB) },
      scan: {
        medianMs: Math.round(medianMs),
        runsMs: ms.map((x) => Math.round(x)),
        peakRssMiB,
        runsRssMiB: scans.map((s) => mib(s.maxRssKiB)),
        objectsPerSecond: Math.round(objects / (medianMs / 1000)),
        ...(scans[0]?.findings !== undefined ? { findings: scans[0].findings } : {}),
        ...(scans[0]?.resources !== undefined ? { scannedResources: scans[0].resources } : {}),
        reportBytes: scans[0]?.reportBytes ?? 0,
      },
      targets: LIVE_TARGETS,
      pass: { peakRssMiB: peakRssMiB <= LIVE_TARGETS.peakRssMiB },
      ...(heapProfile ? { heapProfile } : {}),
    };
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatLiveBench(r: LiveBenchResult): string {
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  return [
    `\nlive cluster scan: ${r.cluster.objects} objects (${r.cluster.pods} Pods), ${r.cluster.servedMB} MB of JSON in ${r.requests} requests; median of ${r.runs} runs, node ${process.version}, ${r.cli === 'built' ? 'the compiled CLI (node .bench-tmp/dist/cli/main.js)' : 'the CLI from the sources through tsx (--sources)'}`,
    `palisade scan --cluster   ${r.scan.medianMs} ms   ${r.scan.objectsPerSecond} objects/s   (start-up alone ${r.startup.ms} ms, ${r.startup.peakRssMiB} MiB)`,
    `peak RSS                  ${r.scan.peakRssMiB} MiB   target ≤ ${r.targets.peakRssMiB} MiB   ${verdict(r.pass.peakRssMiB)}   (the highest of the runs: ${r.scan.runsRssMiB.join(', ')} MiB)`,
    `${r.scan.scannedResources ?? '?'} resources checked after folding Pods into their controllers, ${r.scan.findings ?? '?'} findings, JSON report ${(r.scan.reportBytes / 1e6).toFixed(1)} MB`,
    ...(r.heapProfile ? [`heap profile: ${r.heapProfile}`] : []),
  ].join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
function mib(kib: number): number {
  return Math.round(kib / 1024);
}
function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function arg(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) ? v : undefined;
}

// Run when started as a script, not when imported by bench/run.ts.
if (process.argv[1] && resolve(process.argv[1]) === SELF) {
  const r = await runLiveBench({
    ...(arg('seed') !== undefined ? { seed: arg('seed') } : {}),
    ...(arg('runs') !== undefined ? { runs: arg('runs') } : {}),
    ...(process.argv.includes('--sources') ? { sources: true } : {}),
    ...(process.argv.includes('--heap-profile') ? { heapProfileDir: join(ROOT, '.bench-tmp', 'profiles-live') } : {}),
  });
  console.log(formatLiveBench(r));
}
