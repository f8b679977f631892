import { Command } from 'commander';
import type { PalisadeConfig } from '../core/config.js';
import { UsageError, type InputError, type InputNote } from '../core/errors.js';
import type { Report } from '../core/report.js';
import type { Resource } from '../core/resource.js';
import type { Rule } from '../core/rule.js';
import { parseAksResourceId } from '../ingest/azure-live.js';
import { isPassingFailure, readCluster } from '../ingest/kube.js';
import { kubeconfigFiles, loadKubeconfig } from '../ingest/kubeconfig.js';
import { nothingChecked } from '../report/common.js';
import { RULES } from '../rules/index.js';
import { carryOver, undecidedByFiles, undecidedByKinds, unreadKinds } from '../server/carry-over.js';
import { startServer, type RunningServer } from '../server/serve.js';
import { writePolicyReports } from '../server/policy-report-writer.js';
import { MAX_INTERVAL_MS, type ScanTarget } from '../server/scheduler.js';
import { openStore, type HistoryStore, type StoredScan } from '../store/index.js';
import { aksInputs, azureSession, type AzureSession } from './inputs.js';
import { loadConfig } from './load-config.js';
import { runScan } from './run-scan.js';
import { selectRules } from './select-rules.js';

const collect = (value: string, previous: string[]) => [...previous, value];

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** A scan more often than this would only load the API server. */
const MIN_INTERVAL_MS = 1000;

/** `15m`, `1h30m`, `90s`, `500ms` → milliseconds. */
export function parseDuration(text: string, what = '--interval'): number {
  const parts = /^(?:\d+(?:ms|s|m|h|d))+$/.test(text.trim()) ? [...text.trim().matchAll(/(\d+)(ms|s|m|h|d)/g)] : [];
  if (parts.length === 0) throw new UsageError(`${what} must be a duration like 15m, 1h or 90s, not ${JSON.stringify(text)}`);
  return parts.reduce((ms, m) => ms + Number(m[1]) * UNITS[m[2]!]!, 0);
}

function whole(text: string, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min || Number(text) > max) throw new UsageError(`${what} must be a whole number from ${min} to ${max}, not ${JSON.stringify(text)}`);
  return Number(text);
}

interface ServeCliOptions {
  store: string;
  interval: string;
  context: string[];
  aks: string[];
  port: string;
  listen: string;
  retentionScans?: string;
  retentionDays?: string;
  policyReports?: boolean;
  config?: string;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('scan on an interval, keep the history, and serve a dashboard, a JSON API and Prometheus metrics')
    .argument('[paths...]', 'files or directories to scan instead of a cluster')
    .option('--store <spec>', 'history store: sqlite:FILE (or a path) or postgres://…', 'sqlite:palisade-history.db')
    .option('--interval <duration>', 'time between scans of each target (15m, 1h, 90s)', '15m')
    .option('--context <name>', 'scan this kubeconfig context (repeatable; default: the current context when no --aks or path is given)', collect, [])
    .option('--aks <resource-id>', 'scan this live AKS cluster through Azure Resource Manager (repeatable; read-only)', collect, [])
    .option('--port <port>', 'HTTP port (0 picks a free one)', '8080')
    .option('--listen <address>', 'address to listen on; 127.0.0.1 by default, pass 0.0.0.0 in a container (no authentication: see docs/serve.md)', '127.0.0.1')
    .option('--retention-scans <n>', 'keep at most this many scans per target')
    .option('--retention-days <n>', 'drop scans older than this many days (the latest scan of a target always stays)')
    .option('--policy-reports', 'after each cluster scan, write wgpolicyk8s.io/v1alpha2 PolicyReports and a ClusterPolicyReport to that cluster')
    .option('--config <file>', 'configuration file (default ./.palisade.yaml when present)')
    .action(async (paths: string[], opts: ServeCliOptions) => {
      const running = await serve(paths, opts);
      await untilSignal(running);
    });
}

/** The kubeconfig's current context, as `scan --cluster` would read it; `cluster` when there is none to name. */
async function currentContext(): Promise<string> {
  try {
    const { KubeConfig } = await import('@kubernetes/client-node');
    const kc = new KubeConfig();
    loadKubeconfig(kc, kubeconfigFiles());
    const name = kc.getCurrentContext();
    // With no kubeconfig and no service account the client library makes up a context; the scan then fails and says why.
    return name && name !== 'loaded-context' ? name : 'cluster';
  } catch {
    return 'cluster';
  }
}

/** Every --context must be in the kubeconfig: a typo stops the command rather than failing every interval. */
async function checkContexts(contexts: readonly string[]): Promise<void> {
  if (contexts.length === 0) return;
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  try {
    loadKubeconfig(kc, kubeconfigFiles());
  } catch (e) {
    throw new UsageError(`cannot read the kubeconfig: ${e instanceof Error ? e.message : String(e)}`);
  }
  const names = kc.getContexts().map((c) => c.name);
  for (const c of contexts) if (!names.includes(c)) throw new UsageError(`--context ${c}: no such context in the kubeconfig (${names.length ? `it has ${names.join(', ')}` : 'it has none'})`);
}

/**
 * A read that got nothing and met errors failed: storing it would show every finding as fixed. So did
 * one that missed a list by chance (a timeout, a 5xx): what that list holds would show as fixed, then
 * as new at the next read. A list the cluster refuses is missed the same way each time; what rests on
 * it is carried over from the last scan (see carryOver) rather than decided.
 */
function failedRead(resources: readonly unknown[], errors: readonly InputError[]): void {
  const passing = errors.filter(isPassingFailure);
  if (passing.length > 0) throw new Error(`incomplete read, not stored: ${passing.map((e) => e.message).join('; ')}`);
  if (resources.length === 0 && errors.length > 0) throw new Error(errors.map((e) => e.message).join('; '));
}

/** What the scans of every target share: the rules, the configuration, the store and the stop signal. */
export interface ScanDeps {
  rules: readonly Rule[];
  config: PalisadeConfig;
  configSource: string;
  /** The history store, once open: the last stored scan says what a read with gaps cannot decide. */
  store: () => HistoryStore | undefined;
  signal: AbortSignal;
}

async function lastStoredScan(deps: ScanDeps, target: string): Promise<StoredScan | undefined> {
  const store = deps.store();
  const latest = await store?.latestScan(target);
  return latest ? store?.getScan(latest.id) : undefined;
}

/** "Nothing was checked" as `palisade scan` says it: a failed scan, never a clean one (score 100, every finding fixed). */
function refuseNothingChecked(report: Report, what: string): void {
  if (nothingChecked(report)) throw new Error(`nothing was checked, not stored: no Kubernetes object or Azure setting was found in ${what}; no score`);
}

async function runTargetScan(deps: ScanDeps, scanPaths: readonly string[], read: { resources: Resource[]; errors: InputError[]; notes?: InputNote[] }): Promise<Report> {
  const outcome = await runScan({
    paths: scanPaths,
    rules: deps.rules,
    config: deps.config,
    configSource: deps.configSource,
    failOn: 'none',
    extraResources: read.resources,
    extraErrors: read.errors,
    extraNotes: read.notes ?? [],
    attackPaths: true,
  });
  return outcome.report;
}

/** A kube context read live, as `scan --cluster --context` reads it. */
export function clusterScanTarget(name: string, context: string | undefined, deps: ScanDeps): ScanTarget {
  return {
    name,
    cluster: context !== undefined ? { context } : {},
    scan: async () => {
      const read = await readCluster({ ...(context !== undefined ? { context } : {}), signal: deps.signal });
      failedRead(read.resources, read.errors);
      const unread = unreadKinds(read.errors);
      // An API server always has default and kube-system: a Namespace list read empty is no cluster's answer.
      if (!unread.has('Namespace') && !read.resources.some((r) => r.kind === 'Namespace'))
        throw new Error(`nothing was checked, not stored: the API server of ${name} listed no namespaces, where every cluster has default and kube-system`);
      const report = await runTargetScan(deps, [], read);
      refuseNothingChecked(report, `cluster ${name}`);
      if (unread.size === 0) return report;
      const previous = await lastStoredScan(deps, name);
      return carryOver(report, previous, undecidedByKinds(unread, unreadKinds(previous?.report.errors ?? [])), read.source).report;
    },
  };
}

/** Files and directories, scanned together as `scan PATH...` scans them. */
export function pathsScanTarget(paths: readonly string[], deps: ScanDeps): ScanTarget {
  const name = paths.join(',');
  return {
    name,
    scan: async () => {
      const report = await runTargetScan(deps, paths, { resources: [], errors: [] });
      // Files that could not be read at all: a checkout being updated, a volume being swapped.
      if (report.summary.resources === 0 && report.errors.length > 0) throw new Error(report.errors.map((e) => `${e.source}: ${e.message}`).join('; '));
      refuseNothingChecked(report, paths.join(', '));
      if (report.errors.length === 0) return report;
      return carryOver(report, await lastStoredScan(deps, name), undecidedByFiles(report.errors), name).report;
    },
  };
}

async function serve(paths: string[], opts: ServeCliOptions): Promise<RunningServer> {
  const intervalMs = parseDuration(opts.interval);
  if (intervalMs < MIN_INTERVAL_MS) throw new UsageError(`--interval must be at least 1s, not ${opts.interval}`);
  // A longer timer fires at once, and the schedule would scan without pause.
  if (intervalMs > MAX_INTERVAL_MS) throw new UsageError(`--interval must be at most 24d (the longest wait of a timer), not ${opts.interval}`);
  const port = whole(opts.port, '--port', 0, 65535);
  const retention = {
    ...(opts.retentionScans !== undefined ? { maxScans: whole(opts.retentionScans, '--retention-scans', 1) } : {}),
    ...(opts.retentionDays !== undefined ? { maxAgeDays: whole(opts.retentionDays, '--retention-days', 1) } : {}),
  };
  for (const id of opts.aks) parseAksResourceId(id);
  await checkContexts(opts.context);
  const { config, source } = loadConfig(opts.config);
  const rules = selectRules(RULES, { only: config.rules.only, skip: config.rules.skip });
  // On SIGTERM a live read under way is given up (not stored): the pod's grace period is shorter than a read's timeout.
  const stopping = new AbortController();
  // Opened once the flags are known good; the scans start after that.
  const opened: { store?: HistoryStore } = {};
  const deps: ScanDeps = { rules, config, configSource: source, store: () => opened.store, signal: stopping.signal };
  const targets: ScanTarget[] = [];
  for (const context of opts.context) targets.push(clusterScanTarget(context, context, deps));
  let session: AzureSession | undefined;
  for (const id of opts.aks) {
    targets.push({
      name: id,
      scan: async () => {
        session ??= azureSession();
        const read = await aksInputs([id], session);
        failedRead(read.resources, read.errors);
        const report = await runTargetScan(deps, [], read);
        refuseNothingChecked(report, id);
        return report;
      },
    });
  }
  if (paths.length) targets.push(pathsScanTarget(paths, deps));
  if (targets.length === 0) targets.push(clusterScanTarget(await currentContext(), undefined, deps));
  if (opts.policyReports && !targets.some((t) => t.cluster)) throw new UsageError('--policy-reports needs a cluster to write to (--context, or no paths and no --aks)');

  const store = await openStore(opts.store);
  opened.store = store;
  const log = (line: string) => process.stderr.write(`palisade: ${new Date().toISOString()} ${line}\n`);
  try {
    const running = await startServer({
      store,
      targets,
      intervalMs,
      port,
      host: opts.listen,
      retention,
      log,
      ...(opts.policyReports
        ? { writePolicyReports: (outcome) => writePolicyReports(outcome.report, outcome.target.cluster?.context !== undefined ? { context: outcome.target.cluster.context } : {}) }
        : {}),
    });
    return {
      ...running,
      close: async () => {
        stopping.abort(new Error('serve is stopping'));
        await running.close();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    const code = (e as { code?: unknown }).code;
    if (code === 'EADDRINUSE') throw new UsageError(`--port ${port}: the address ${opts.listen}:${port} is in use`);
    if (code === 'ENOTFOUND' || code === 'EADDRNOTAVAIL' || code === 'EAI_AGAIN')
      throw new UsageError(`--listen ${opts.listen}: not an address of this machine (${String(code)})`);
    throw e;
  }
}

/** Runs until SIGINT or SIGTERM, then lets the scans under way end and closes the store. */
function untilSignal(running: RunningServer): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void running.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
