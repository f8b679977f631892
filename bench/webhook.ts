/**
 * The webhook budget of issue 7, on loopback, against one `palisade webhook serve` process with the
 * full catalog (every workload and Pod Security rule, the defaults of a run without a config file).
 *
 * Latency (`webhookBench`): autocannon sends seeded AdmissionReview bodies (Deployments and Pods from
 * hardened to careless, some ConfigMaps and Services; see webhook-reviews.ts) at a fixed overall rate
 * for a fixed time. The baseline is an allow-all HTTPS handler (webhook-baseline.ts) in the same kind
 * of process, with the same certificate and TLS options, that reads the body, parses it and answers.
 * Both processes start once and are warmed up; then the two are measured in turn, several runs each,
 * and the medians of their p50 and p99 are compared. Latencies are kept to the microsecond from
 * autocannon's own per-response times (its histogram rounds to whole milliseconds).
 *
 * autocannon paces a fixed rate per connection and per second: each connection sends its share back
 * to back from the start of the second, one request in flight at a time, then waits for the next
 * second. With N connections the server holds N requests at once for the whole burst, so each waits
 * for N - 1 others: the p99 then measures the queue the load generator builds, about N times the
 * cost of one request, not what the API server sees when its calls spread over the second. The
 * default is therefore one connection (`--connections` changes it): each request is timed alone,
 * 1,000 of them a second.
 *
 * Soak (`webhookSoak`): valid reviews with malformed JSON, wrong envelope kinds, truncated bodies,
 * uploads abandoned half-way and bodies over 3 MiB mixed in, for a fixed time, from a few concurrent
 * clients. Every valid answer is compared with the decision `reviewRequest` makes in this process on
 * the same body; every bad one must be a 400. The server's RSS is read from /proc every second.
 *
 * `npm run bench -- --only webhook|webhook-soak` runs them and records the figures in
 * bench/results.json (`webhook`, `webhookSoak`) beside the other benchmarks'. Standalone, printing
 * only: `node --import tsx bench/webhook.ts [--soak] [--seconds S] [--runs R] [--seed N]
 * [--connections C] [--profile] [--sources]`.
 *
 * Both processes are compiled JavaScript by default, as a user's webhook runs (bench/compiled.ts);
 * `--sources` starts both from the TypeScript through tsx instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import { generateCertificates, serviceDnsNames } from '../src/admission/manifests.js';
import { ObjectEvaluator } from '../src/admission/object-evaluator.js';
import { parseAdmissionReview, reviewRequest } from '../src/admission/review.js';
import { compileCli, compileScript } from './compiled.js';
import { summarizeProfile, type ProfileSummary } from './cpu-profile.js';
import { badRequests, defaultServePolicy, generateReviews, type BadRequest, type GeneratedReview } from './webhook-reviews.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SELF = fileURLToPath(import.meta.url);
const NAMESPACE = 'palisade-system';

export const WEBHOOK_TARGETS = { p99Ms: 5, ratio: 1.5, rate: 1000 };

// ---------------------------------------------------------------- processes

interface Served {
  kind: 'webhook' | 'baseline';
  child: ChildProcess;
  port: number;
  /** Everything the process wrote to stderr after it started listening. */
  stderr: () => string;
  stop(): Promise<void>;
}

interface Tls {
  dir: string;
  cert: string;
  key: string;
  ca: string;
}

function makeTls(): Tls {
  // The certificates `palisade webhook manifests --generate-certs` makes: EC P-256, signed by a CA.
  const certs = generateCertificates(NAMESPACE);
  const dir = mkdtempSync(join(tmpdir(), 'palisade-bench-tls-'));
  writeFileSync(join(dir, 'tls.crt'), certs.cert);
  writeFileSync(join(dir, 'tls.key'), certs.key);
  return { dir, cert: join(dir, 'tls.crt'), key: join(dir, 'tls.key'), ca: certs.caCert };
}

/**
 * How the two processes start: by default the compiled CLI and the baseline compiled beside it, plain
 * node processes as a user's webhook runs (bench/compiled.ts); with `sources`, both from the TypeScript
 * through tsx.
 */
interface Entries {
  cli: 'built' | 'sources';
  webhook: string[];
  baseline: string[];
}

function entries(sources: boolean, log: (line: string) => void): Entries {
  if (sources) {
    // tsx by location: the processes run in a folder of their own, where `--import tsx` would not resolve.
    const tsx = import.meta.resolve('tsx');
    return { cli: 'sources', webhook: ['--import', tsx, join(ROOT, 'src', 'cli', 'main.ts')], baseline: ['--import', tsx, join(ROOT, 'bench', 'webhook-baseline.ts')] };
  }
  const out = join(ROOT, '.bench-tmp', 'dist-webhook');
  const main = compileCli(out, (line) => log(`webhook: ${line}`));
  return { cli: 'built', webhook: [main], baseline: [compileScript(join(ROOT, 'bench', 'webhook-baseline.ts'), out)] };
}

/** Starts the webhook (`palisade webhook serve`) or the baseline, and waits until it listens. */
async function serve(kind: Served['kind'], entry: Entries, tls: Tls, cwd: string, nodeFlags: readonly string[] = []): Promise<Served> {
  const args =
    kind === 'webhook'
      ? [...entry.webhook, 'webhook', 'serve', '--tls-cert', tls.cert, '--tls-key', tls.key, '--host', '127.0.0.1', '--port', '0', '--shutdown-delay', '0']
      : [...entry.baseline, tls.cert, tls.key];
  // The webhook reads ./.palisade.yaml when present: run it where there is none, for the defaults.
  const child = spawn(process.execPath, [...nodeFlags, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.setEncoding('utf8');
  const port = await new Promise<number>((resolvePort, reject) => {
    const onData = (chunk: string) => {
      err += chunk;
      const m = /listening on https:\/\/127\.0\.0\.1:(\d+)\//.exec(err);
      if (m) {
        err = '';
        resolvePort(Number(m[1]));
      }
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`the ${kind} process exited before listening (${code ?? signal}): ${err}`)));
  });
  return {
    kind,
    child,
    port,
    stderr: () => err,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      // A process that does not stop in time is killed: the benchmark must end either way.
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      await once(child, 'exit');
      clearTimeout(kill);
    },
  };
}

/** Resident set size of a process in MiB, from /proc (Linux). */
function rssMiB(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- latency

export interface LatencyRun {
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Answers other than 200, and connection errors or timeouts: both must be 0 for a run to count. */
  non200: number;
  errors: number;
  /** Requests answered per second: below the rate when the server (or the machine) could not keep up. */
  achievedRate: number;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** One autocannon run at a fixed overall rate; latencies from each response, in milliseconds. */
async function load(port: number, ca: string, bodies: readonly string[], opts: { rate: number; seconds: number; connections: number }): Promise<LatencyRun> {
  const latencies: number[] = [];
  let non200 = 0;
  let finished: (r: autocannon.Result) => void = () => undefined;
  let failed: (e: unknown) => void = () => undefined;
  const done = new Promise<autocannon.Result>((ok, ko) => {
    finished = ok;
    failed = ko;
  });
  const instance = autocannon(
    {
    url: `https://127.0.0.1:${port}`,
    connections: opts.connections,
    overallRate: opts.rate,
    duration: opts.seconds,
    servername: serviceDnsNames(NAMESPACE)[2],
    tlsOptions: { ca },
    requests: bodies.map((body) => ({ method: 'POST' as const, path: '/validate', headers: { 'content-type': 'application/json' }, body })),
    },
    (err, result) => (err ? failed(err) : finished(result)),
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode === 200) latencies.push(responseTime);
    else non200++;
  });
  const result = await done;
  latencies.sort((a, b) => a - b);
  const requests = latencies.length + non200;
  return { p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99), requests, non200, errors: result.errors + result.timeouts, achievedRate: Math.round(requests / opts.seconds) };
}

export interface WebhookBenchResult {
  /** `built`: the compiled CLI and baseline, as users run them; `sources`: both through tsx. */
  cli: Entries['cli'];
  seed: number;
  rate: number;
  seconds: number;
  connections: number;
  runs: number;
  rules: number;
  /** Of `rules`, those the webhook runs: the others cannot report at or above its fail-on severity. */
  rulesRun: number;
  failOn: string;
  bodies: number;
  meanBodyBytes: number;
  webhook: { p50Ms: number; p99Ms: number; runs: LatencyRun[] };
  baseline: { p50Ms: number; p99Ms: number; runs: LatencyRun[] };
  /** Median p99 of the webhook over median p99 of the baseline. */
  ratio: number;
  targets: typeof WEBHOOK_TARGETS;
  pass: { p99: boolean; ratio: boolean; answered: boolean; rateHeld: boolean };
  /**
   * The webhook's own latency histogram (its /metrics) over the whole bench, warm-up included: the time
   * from the request to the end of the answer inside the process, without the client and the network.
   */
  serverSide: { requests: number; under: Array<{ ms: number; share: number }> };
  /** Self time of the webhook process over the whole bench (start-up, warm-up and idle included). */
  profile?: ProfileSummary & { file: string };
}

export async function webhookBench(
  opts: {
    seed?: number;
    runs?: number;
    seconds?: number;
    warmupSeconds?: number;
    connections?: number;
    rate?: number;
    /** Run the webhook under --cpu-prof, writing here, and summarise where its time went. */
    profileDir?: string;
    /** Both processes from the TypeScript sources through tsx instead of compiled. */
    sources?: boolean;
    log?: (line: string) => void;
  } = {},
): Promise<WebhookBenchResult> {
  const seed = opts.seed ?? 42;
  const runs = opts.runs ?? 3;
  const seconds = opts.seconds ?? 10;
  const rate = opts.rate ?? WEBHOOK_TARGETS.rate;
  const connections = opts.connections ?? 1;
  const log = opts.log ?? (() => undefined);
  const reviews = generateReviews(seed, 500);
  const bodies = reviews.map((r) => r.body);
  const entry = entries(opts.sources ?? false, log);
  const tls = makeTls();
  const cwd = mkdtempSync(join(tmpdir(), 'palisade-bench-cwd-'));
  const servers: Served[] = [];
  try {
    if (opts.profileDir) {
      rmSync(opts.profileDir, { recursive: true, force: true });
      mkdirSync(opts.profileDir, { recursive: true });
    }
    const webhook = await serve('webhook', entry, tls, cwd, opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`] : []);
    servers.push(webhook);
    const baseline = await serve('baseline', entry, tls, cwd);
    servers.push(baseline);
    const shape = { rate, connections };
    // Warm-up: the JIT compiles the hot paths and the heaps grow to their working size.
    for (const s of [baseline, webhook]) await load(s.port, tls.ca, bodies, { ...shape, seconds: opts.warmupSeconds ?? 3 });
    const w: LatencyRun[] = [];
    const b: LatencyRun[] = [];
    for (let i = 1; i <= runs; i++) {
      // Alternate which goes first, so a slow stretch of the machine does not always hit the same one.
      const order = i % 2 ? ([baseline, webhook] as const) : ([webhook, baseline] as const);
      for (const s of order) (s.kind === 'webhook' ? w : b).push(await load(s.port, tls.ca, bodies, { ...shape, seconds }));
      const [lw, lb] = [w[w.length - 1] as LatencyRun, b[b.length - 1] as LatencyRun];
      log(`run ${i}/${runs}: webhook p50 ${lw.p50Ms.toFixed(2)} ms p99 ${lw.p99Ms.toFixed(2)} ms (${lw.requests} requests) · baseline p50 ${lb.p50Ms.toFixed(2)} ms p99 ${lb.p99Ms.toFixed(2)} ms (${lb.requests})`);
    }
    const serverSide = histogram(await get(webhook.port, tls.ca, '/metrics'));
    let profile: WebhookBenchResult['profile'];
    if (opts.profileDir) {
      // The profile is written when the process exits; thread 0 is the main one (the tsx loader has its own).
      await webhook.stop();
      const file = readdirSync(opts.profileDir).find((f) => f.endsWith('.cpuprofile') && f.split('.')[4] === '0');
      if (file) profile = { file: join(opts.profileDir, file), ...summarizeProfile(join(opts.profileDir, file), ROOT) };
    }
    const policy = defaultServePolicy();
    const webhookP99 = median(w.map((r) => r.p99Ms));
    const baselineP99 = median(b.map((r) => r.p99Ms));
    const ratio = webhookP99 / baselineP99;
    return {
      cli: entry.cli,
      seed,
      rate,
      seconds,
      connections,
      runs,
      rules: policy.rules.length,
      rulesRun: new ObjectEvaluator(policy.rules, policy.failOn).rulesRun().length,
      failOn: policy.failOn,
      bodies: bodies.length,
      meanBodyBytes: Math.round(bodies.reduce((s, x) => s + Buffer.byteLength(x), 0) / bodies.length),
      webhook: { p50Ms: median(w.map((r) => r.p50Ms)), p99Ms: webhookP99, runs: w },
      baseline: { p50Ms: median(b.map((r) => r.p50Ms)), p99Ms: baselineP99, runs: b },
      ratio,
      targets: WEBHOOK_TARGETS,
      serverSide,
      ...(profile ? { profile } : {}),
      pass: {
        p99: webhookP99 < WEBHOOK_TARGETS.p99Ms,
        ratio: ratio <= WEBHOOK_TARGETS.ratio,
        // Every request of every run answered 200, none lost: the run measured what it claims.
        answered: [...w, ...b].every((r) => r.non200 === 0 && r.errors === 0),
        // A run that fell short of the rate measured a slower load than the one asked for.
        rateHeld: [...w, ...b].every((r) => r.achievedRate >= rate * 0.95),
      },
    };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(tls.dir, { recursive: true, force: true });
    rmSync(cwd, { recursive: true, force: true });
  }
}

export function formatWebhookBench(r: WebhookBenchResult): string {
  const v = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  const ms = (x: number) => `${x.toFixed(2)} ms`;
  const lines = [
    `webhook: ${r.rules} rules (${r.rulesRun} run: the others cannot report at fail-on ${r.failOn} or above), ${r.rate} requests/s for ${r.seconds} s over ${r.connections} connections, ${r.bodies} seeded reviews (${r.meanBodyBytes} bytes on average), median of ${r.runs} runs each; ${r.cli === 'built' ? 'compiled processes' : 'both from the sources through tsx'}`,
    `  allow-all HTTPS handler   p50 ${ms(r.baseline.p50Ms)}   p99 ${ms(r.baseline.p99Ms)}`,
    `  palisade webhook serve    p50 ${ms(r.webhook.p50Ms)}   p99 ${ms(r.webhook.p99Ms)}   (target p99 < ${r.targets.p99Ms} ms) ${v(r.pass.p99)}`,
    `  ratio of the p99s         ${r.ratio.toFixed(2)}×   (target ≤ ${r.targets.ratio}×) ${v(r.pass.ratio)}`,
  ];
  const under = r.serverSide.under.map((u) => `${(u.share * 100).toFixed(2)}% ≤ ${u.ms} ms`).join(', ');
  lines.push(`  inside the webhook (its /metrics, warm-up included): ${r.serverSide.requests} requests, ${under}`);
  if (!r.pass.rateHeld) {
    const short = [...r.webhook.runs.map((x) => ['webhook', x] as const), ...r.baseline.runs.map((x) => ['baseline', x] as const)]
      .filter(([, x]) => x.achievedRate < r.rate * 0.95)
      .map(([who, x]) => `${who} ${x.achievedRate}/s`)
      .join(', ');
    lines.push(`  note: some runs fell short of ${r.rate} requests/s (${short}): the machine or the server could not keep up, and their latencies include that`);
  }
  if (r.profile) {
    lines.push(`  where the webhook's time went (self time, ${r.profile.totalMs} ms sampled incl. start-up and idle): ${r.profile.file}`);
    for (const a of r.profile.areas) lines.push(`    ${(a.share * 100).toFixed(1).padStart(5)}%  ${String(a.ms).padStart(6)} ms  ${a.name}`);
    lines.push('    top functions:');
    for (const f of r.profile.functions) lines.push(`    ${(f.share * 100).toFixed(1).padStart(5)}%  ${String(f.ms).padStart(6)} ms  ${f.name}`);
  }
  if (!r.pass.answered) {
    const bad = [...r.webhook.runs, ...r.baseline.runs].reduce((s, x) => s + x.non200 + x.errors, 0);
    lines.push(`  ${bad} requests were not answered 200: the figures above leave them out. FAIL`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------- soak

export interface SoakResult {
  cli: Entries['cli'];
  seconds: number;
  concurrency: number;
  sent: number;
  valid: { sent: number; answered200: number; correct: number; wrong: number; failed: number };
  bad: Record<BadRequest['what'], { sent: number; answered400: number; other: number }>;
  /** Server RSS in MiB, sampled once a second. */
  rssMiB: { min: number; max: number; final: number; samples: number[] };
  /** Largest minus smallest RSS after the first tenth of the soak, for information: V8 grows its heap between full collections. */
  rssSpreadMiB: number;
  rssLimitMiB: number;
  alive: boolean;
  healthz: boolean;
  internalErrors: number;
  pass: { noCrash: boolean; validAnswered: boolean; badRefused: boolean; rssBounded: boolean };
}

/**
 * The memory limit `webhook manifests` gives the container (src/admission/manifests.ts): past it the
 * kubelet kills the pod, so that is the bound that matters. The process here runs from the TypeScript
 * sources through tsx, which holds more than the built JavaScript of the image.
 */
const RSS_LIMIT_MIB = 256;

interface Reply {
  status: number;
  body: string;
}

function post(agent: Agent, port: number, ca: string, body: Buffer, declaredLength?: number): Promise<Reply | 'aborted' | 'reset'> {
  return new Promise((done) => {
    let settled = false;
    const finish = (r: Reply | 'aborted' | 'reset') => {
      if (!settled) {
        settled = true;
        done(r);
      }
    };
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/validate',
        agent,
        ca,
        servername: serviceDnsNames(NAMESPACE)[2],
        headers: { 'content-type': 'application/json', 'content-length': declaredLength ?? body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => finish({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', () => finish('reset'));
      },
    );
    req.on('error', () => finish(declaredLength !== undefined ? 'aborted' : 'reset'));
    if (declaredLength !== undefined) {
      // An upload that stops half-way: the client goes away with the server still reading.
      req.write(body);
      setTimeout(() => {
        req.destroy();
        finish('aborted');
      }, 20);
      return;
    }
    req.end(body);
  });
}

export async function webhookSoak(opts: { seed?: number; seconds?: number; concurrency?: number; sources?: boolean; log?: (line: string) => void } = {}): Promise<SoakResult> {
  const seed = opts.seed ?? 42;
  const seconds = opts.seconds ?? 60;
  const concurrency = opts.concurrency ?? 4;
  const log = opts.log ?? (() => undefined);
  const valid: GeneratedReview[] = generateReviews(seed + 1, 400);
  const bad = badRequests(seed, valid, 200);
  // What each valid body must get back: the decision this process makes on it with the same policy.
  const policy = defaultServePolicy();
  const expected = valid.map((r) => {
    const parsed = parseAdmissionReview(JSON.parse(r.body));
    if ('error' in parsed) throw new Error(`generated review ${r.uid} is not valid: ${parsed.error}`);
    return reviewRequest(parsed.request, policy).response;
  });
  const entry = entries(opts.sources ?? false, log);
  const tls = makeTls();
  const cwd = mkdtempSync(join(tmpdir(), 'palisade-bench-cwd-'));
  const server = await serve('webhook', entry, tls, cwd);
  // Keep-alive like the API server; a connection the server closes (oversized bodies) is replaced.
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const result: SoakResult = {
    cli: entry.cli,
    seconds,
    concurrency,
    sent: 0,
    valid: { sent: 0, answered200: 0, correct: 0, wrong: 0, failed: 0 },
    bad: Object.fromEntries((['malformed-json', 'wrong-kind', 'truncated', 'oversized', 'aborted'] as const).map((k) => [k, { sent: 0, answered400: 0, other: 0 }])) as SoakResult['bad'],
    rssMiB: { min: 0, max: 0, final: 0, samples: [] },
    rssSpreadMiB: 0,
    rssLimitMiB: RSS_LIMIT_MIB,
    alive: false,
    healthz: false,
    internalErrors: 0,
    pass: { noCrash: false, validAnswered: false, badRefused: false, rssBounded: false },
  };
  const samples: number[] = [];
  const sampler = setInterval(() => {
    const rss = server.child.pid !== undefined ? rssMiB(server.child.pid) : undefined;
    if (rss !== undefined) samples.push(rss);
    if (samples.length % 10 === 0 && samples.length > 0) log(`soak ${samples.length} s: ${result.sent} requests, RSS ${rss ?? '?'} MiB`);
  }, 1000);
  const end = Date.now() + seconds * 1000;
  let nextValid = 0;
  let nextBad = 0;
  const worker = async (w: number) => {
    let n = w;
    while (Date.now() < end) {
      n++;
      result.sent++;
      // One request in ten is bad, in a fixed pattern so every run mixes the same way.
      if (n % 10 === 0) {
        const b = bad[nextBad++ % bad.length] as BadRequest;
        const tally = result.bad[b.what];
        tally.sent++;
        const reply = await post(agent, server.port, tls.ca, b.body, b.declaredLength);
        if (b.what === 'aborted') {
          // Nothing to answer to: the point is that the server carries on.
          if (reply === 'aborted' || (typeof reply === 'object' && reply.status === 400)) tally.answered400++;
          else tally.other++;
        } else if (typeof reply === 'object' && reply.status === 400) tally.answered400++;
        else tally.other++;
        continue;
      }
      const i = nextValid++ % valid.length;
      result.valid.sent++;
      const reply = await post(agent, server.port, tls.ca, Buffer.from((valid[i] as GeneratedReview).body));
      if (typeof reply !== 'object' || reply.status !== 200) {
        result.valid.failed++;
        continue;
      }
      result.valid.answered200++;
      const got = (JSON.parse(reply.body) as { response?: unknown }).response;
      if (isDeepStrictEqual(got, expected[i])) result.valid.correct++;
      else result.valid.wrong++;
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
    clearInterval(sampler);
    const last = server.child.pid !== undefined ? rssMiB(server.child.pid) : undefined;
    if (last !== undefined) samples.push(last);
    result.alive = server.child.exitCode === null && server.child.signalCode === null;
    const health = result.alive ? await get(server.port, tls.ca, '/healthz') : undefined;
    result.healthz = health?.status === 200 && health.body === 'ok\n';
    result.internalErrors = (server.stderr().match(/internal error/g) ?? []).length;
    const steady = samples.slice(Math.max(1, Math.floor(samples.length / 10)));
    result.rssMiB = { min: Math.min(...samples), max: Math.max(...samples), final: samples[samples.length - 1] ?? 0, samples };
    result.rssSpreadMiB = steady.length ? Math.max(...steady) - Math.min(...steady) : 0;
    const bads = Object.values(result.bad);
    result.pass = {
      noCrash: result.alive && result.healthz && result.internalErrors === 0,
      validAnswered: result.valid.sent > 0 && result.valid.correct === result.valid.sent,
      badRefused: bads.every((b) => b.other === 0),
      rssBounded: samples.length > 0 && result.rssMiB.max <= RSS_LIMIT_MIB,
    };
    return result;
  } finally {
    clearInterval(sampler);
    agent.destroy();
    await server.stop();
    rmSync(tls.dir, { recursive: true, force: true });
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** The share of requests at or under each bucket of the webhook's latency histogram (Prometheus text). */
function histogram(reply: Reply | undefined): WebhookBenchResult['serverSide'] {
  const buckets = new Map<string, number>();
  for (const m of (reply?.body ?? '').matchAll(/^palisade_webhook_request_duration_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)) buckets.set(m[1] as string, Number(m[2]));
  const total = buckets.get('+Inf') ?? 0;
  const under = ['0.001', '0.0025', '0.005', '0.01'].filter((le) => buckets.has(le) && total > 0).map((le) => ({ ms: Number(le) * 1000, share: (buckets.get(le) ?? 0) / total }));
  return { requests: total, under };
}

function get(port: number, ca: string, path: string): Promise<Reply | undefined> {
  return new Promise((done) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path, ca, servername: serviceDnsNames(NAMESPACE)[2], agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', () => done(undefined));
    req.end();
  });
}

export function formatWebhookSoak(r: SoakResult): string {
  const v = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  const badLines = Object.entries(r.bad).map(([what, t]) => `${what} ${t.sent}${t.other ? ` (${t.other} not refused)` : ''}`);
  return [
    `webhook soak: ${r.seconds} s, ${r.concurrency} concurrent clients, ${r.sent} requests (${r.valid.sent} valid, ${r.sent - r.valid.sent} bad); ${r.cli === 'built' ? 'the compiled CLI' : 'the CLI from the sources through tsx'}`,
    `  process still up, /healthz ok, no internal error   ${r.alive ? 'up' : 'DOWN'}, ${r.healthz ? 'ok' : 'not ok'}, ${r.internalErrors}   ${v(r.pass.noCrash)}`,
    `  valid reviews answered 200 with the right verdict  ${r.valid.correct} of ${r.valid.sent}${r.valid.wrong ? `, ${r.valid.wrong} wrong` : ''}${r.valid.failed ? `, ${r.valid.failed} not answered 200` : ''}   ${v(r.pass.validAnswered)}`,
    `  bad requests answered 400 (aborted uploads: server carried on)   ${badLines.join(', ')}   ${v(r.pass.badRefused)}`,
    `  server RSS min ${r.rssMiB.min} MiB, max ${r.rssMiB.max} MiB, final ${r.rssMiB.final} MiB (after the first tenth it varies by ${r.rssSpreadMiB} MiB); the Deployment's limit is ${r.rssLimitMiB} MiB   ${v(r.pass.rssBounded)}`,
  ].join('\n');
}

// ---------------------------------------------------------------- results

/** Sets these keys of the results file, keeping what the other benchmarks wrote there. */
export function recordResults(file: string, entries: Record<string, unknown>): void {
  let current: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) current = parsed as Record<string, unknown>;
  } catch {
    // No file yet, or not JSON: start a new one.
  }
  const meta = { date: new Date().toISOString(), node: process.version, platform: `${process.platform} ${process.arch}`, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length };
  for (const [key, value] of Object.entries(entries)) current[key] = { ...meta, ...(value as object) };
  writeFileSync(file, `${JSON.stringify(current, null, 2)}\n`);
}

// ---------------------------------------------------------------- command line

function arg(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) ? v : undefined;
}

// Run when started as a script, not when imported by bench/run.ts.
if (process.argv[1] && resolve(process.argv[1]) === SELF) {
  const log = (l: string) => process.stderr.write(`${l}\n`);
  const sources = process.argv.includes('--sources');
  if (process.argv.includes('--soak')) console.log(formatWebhookSoak(await webhookSoak({ seed: arg('seed'), seconds: arg('seconds'), sources, log })));
  else {
    const profileDir = process.argv.includes('--profile') ? join(ROOT, '.bench-tmp', 'profiles-webhook') : undefined;
    console.log(formatWebhookBench(await webhookBench({ seed: arg('seed'), runs: arg('runs'), seconds: arg('seconds'), connections: arg('connections'), profileDir, sources, log })));
  }
}
