import type { Server } from 'node:http';
import { errorMessage } from '../core/errors.js';
import { PILLARS, SEVERITIES } from '../core/severity.js';
import { VERSION } from '../core/version.js';
import type { HistoryStore, Retention, TargetInfo } from '../store/index.js';
import { apiRoutes } from './api.js';
import { DASHBOARD_CSP, dashboardHtml } from './dashboard.js';
import { closeServer, createHttpServer, json, listen, loopbackHosts, type Route } from './http.js';
import { Counter, family, Histogram } from './metrics.js';
import type { PolicyReportWriteResult } from './policy-report-writer.js';
import { Scheduler, type ScanOutcome, type ScanTarget } from './scheduler.js';

export interface ServeOptions {
  store: HistoryStore;
  targets: readonly ScanTarget[];
  intervalMs: number;
  port: number;
  host: string;
  retention?: Retention;
  /** Writes PolicyReports after each successful scan of a cluster target (`--policy-reports`). */
  writePolicyReports?: (outcome: Extract<ScanOutcome, { ok: true }>) => Promise<PolicyReportWriteResult>;
  /** Progress and problems, one line each (stderr in the CLI). */
  log?: (line: string) => void;
  /** Start the scans (default true); tests of the HTTP side alone leave them off. */
  scan?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  scheduler: Scheduler;
  server: Server;
  close(): Promise<void>;
}

const STORE_UP_HELP = 'Whether the history store answered this scrape (1) or not (0, and the series of stored scans are left out).';

/** Seconds: from well under a second (a few files) to minutes (a large cluster). */
const DURATION_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/**
 * `palisade serve`: the scan schedule, the history store behind it, and one HTTP server for the
 * dashboard, the JSON API, `/metrics` and the health checks.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const log = options.log ?? (() => {});
  const { store } = options;
  const scans = new Counter('palisade_scans_total', 'Scans finished, by target and outcome (success or failure).');
  const duration = new Histogram('palisade_scan_duration_seconds', 'How long each scan took, by target.', DURATION_BUCKETS);
  const requests = new Counter('palisade_http_requests_total', 'HTTP requests answered, by route, method and status code.');
  const policyWrites = new Counter('palisade_policy_report_writes_total', 'PolicyReport writes after scans, by target and outcome.');
  for (const t of options.targets) for (const outcome of ['success', 'failure']) scans.inc({ target: t.name, outcome }, 0);

  const onScan = async (outcome: ScanOutcome): Promise<string | undefined> => {
    const target = outcome.target.name;
    duration.observe({ target }, outcome.seconds);
    if (!outcome.ok) {
      scans.inc({ target, outcome: 'failure' });
      log(`scan of ${target} failed (retried at the next interval): ${outcome.error}`);
      return undefined;
    }
    let id: number;
    try {
      id = await store.saveScan(target, outcome.report);
    } catch (e) {
      scans.inc({ target, outcome: 'failure' });
      log(`scan of ${target} could not be saved (retried at the next interval): ${errorMessage(e)}`);
      // A scan nobody can see later failed as surely as one that could not be read.
      return `the scan could not be saved: ${errorMessage(e)}`;
    }
    scans.inc({ target, outcome: 'success' });
    const s = outcome.report.summary;
    log(`scan ${id} of ${target}: ${s.findings} findings, score ${s.score}, ${outcome.report.errors.length} input errors, ${outcome.seconds.toFixed(1)} s`);
    if (options.retention && (options.retention.maxScans !== undefined || options.retention.maxAgeDays !== undefined)) {
      try {
        const pruned = await store.prune(options.retention);
        if (pruned) log(`pruned ${pruned} old scans`);
      } catch (e) {
        log(`pruning the history failed: ${errorMessage(e)}`);
      }
    }
    if (options.writePolicyReports && outcome.target.cluster) {
      try {
        const written = await options.writePolicyReports(outcome);
        for (const e of written.errors) log(`${target}: ${e}`);
        policyWrites.inc({ target, outcome: written.errors.length ? 'failure' : 'success' });
        log(`${target}: PolicyReports ${written.created.length} created, ${written.replaced.length} replaced, ${written.deleted.length} deleted`);
      } catch (e) {
        policyWrites.inc({ target, outcome: 'failure' });
        log(`${target}: writing PolicyReports failed: ${errorMessage(e)}`);
      }
    }
    return undefined;
  };

  const scheduler = new Scheduler({ targets: options.targets, intervalMs: options.intervalMs, onScan, log });

  const storeAnswers = async (): Promise<boolean> => {
    try {
      await store.status();
      return true;
    } catch {
      return false;
    }
  };

  /**
   * The series of the latest stored scans, or none when the store does not answer: the counters kept
   * in this process still render, so `palisade_up` and the failures stay readable exactly then.
   */
  const storedSeries = async (): Promise<string[]> => {
    let latest: TargetInfo[];
    try {
      latest = await store.targets();
    } catch (e) {
      log(`metrics: the history store does not answer: ${errorMessage(e)}`);
      return [family('palisade_store_up', 'gauge', STORE_UP_HELP, [{ labels: {}, value: 0 }])];
    }
    const bySeverity = latest.flatMap((t) => SEVERITIES.map((severity) => ({ labels: { target: t.target, severity }, value: t.latest.bySeverity[severity] })));
    const byPillar = latest.flatMap((t) => PILLARS.map((pillar) => ({ labels: { target: t.target, pillar }, value: t.latest.byPillar[pillar] ?? 0 })));
    return [
      family('palisade_store_up', 'gauge', STORE_UP_HELP, [{ labels: {}, value: 1 }]),
      family('palisade_findings_by_severity', 'gauge', 'Active findings of the latest scan of each target, by severity.', bySeverity),
      family('palisade_findings_by_pillar', 'gauge', 'Active findings of the latest scan of each target, by pillar.', byPillar),
      family('palisade_score', 'gauge', 'Posture score (0-100) of the latest scan of each target.', latest.map((t) => ({ labels: { target: t.target }, value: t.latest.score }))),
      family('palisade_last_scan_timestamp_seconds', 'gauge', 'When the latest stored scan of each target ran (Unix time).', latest.map((t) => ({ labels: { target: t.target }, value: Math.floor(Date.parse(t.latest.scannedAt) / 1000) }))),
      family('palisade_stored_scans', 'gauge', 'Scans kept in the history store, by target.', latest.map((t) => ({ labels: { target: t.target }, value: t.scans }))),
    ];
  };

  const metrics = async (): Promise<string> =>
    [
      family('palisade_up', 'gauge', 'Always 1: the server answers.', [{ labels: { version: VERSION }, value: 1 }]),
      scans.render(),
      duration.render(),
      ...(await storedSeries()),
      policyWrites.render(),
      requests.render(),
    ].join('');

  const routes: Route[] = [
    {
      method: 'GET',
      pattern: '/',
      name: '/',
      handler: () => ({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': DASHBOARD_CSP, 'x-frame-options': 'DENY' }, text: dashboardHtml(VERSION) }),
    },
    ...apiRoutes(store, () =>
      options.targets.flatMap((t) => {
        const error = scheduler.stats(t.name)?.lastError;
        return error === undefined ? [] : [{ target: t.name, error }];
      }),
    ),
    { method: 'GET', pattern: '/metrics', name: '/metrics', handler: async () => ({ status: 200, headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }, text: await metrics() }) },
    { method: 'GET', pattern: '/healthz', name: '/healthz', handler: () => json({ status: 'ok' }) },
    {
      method: 'GET',
      pattern: '/readyz',
      name: '/readyz',
      handler: async () => {
        if (!(await storeAnswers())) return json({ status: 'not ready', reason: 'the history store does not answer' }, 503);
        // Ready once every target has been scanned at least once, now or by an earlier run whose scans the store keeps.
        const stored = new Set((await store.targets()).map((t) => t.target));
        const waiting = options.targets.filter((t) => !stored.has(t.name) && (scheduler.stats(t.name)?.runs ?? 0) === 0).map((t) => t.name);
        return waiting.length ? json({ status: 'not ready', waiting }, 503) : json({ status: 'ready' });
      },
    },
  ];

  const allowedHost = loopbackHosts(options.host);
  const server = createHttpServer({
    routes,
    onRequest: (route, method, status) => requests.inc({ route, method, code: String(status) }),
    onError: (message) => log(`http: ${message}`),
    ...(allowedHost ? { allowedHost } : {}),
  });
  const bound = await listen(server, options.port, options.host);
  log(`serving the dashboard on ${bound.url}/ (API /api, metrics /metrics)`);
  if (options.scan !== false) scheduler.start();
  return {
    ...bound,
    scheduler,
    server,
    close: async () => {
      await scheduler.stop();
      await closeServer(server);
    },
  };
}
