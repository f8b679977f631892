import { describe, expect, it, vi } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { escapeLabel } from '../../src/server/metrics.js';
import type { ScanTarget } from '../../src/server/scheduler.js';
import { stagingReport, startTestServer } from './server-fixture.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * A strict reader of the Prometheus text format (0.0.4): every line is a HELP or TYPE comment or a
 * sample `name{label="value",...} number`; every sample belongs to a family declared by TYPE, once.
 */
function parseMetrics(text: string): { types: Map<string, string>; samples: Sample[] } {
  expect(text.endsWith('\n')).toBe(true);
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const name = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const sample = new RegExp(`^(${name})(?:\\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\["\\\\n])*",?)*)\\})? (-?[0-9.e+-]+|\\+Inf|-Inf|NaN)$`);
  for (const line of text.slice(0, -1).split('\n')) {
    const type = new RegExp(`^# TYPE (${name}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
    if (type) {
      expect(types.has(type[1]!)).toBe(false);
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith('# HELP ')) continue;
    const m = sample.exec(line);
    expect(m, line).not.toBeNull();
    const labels: Record<string, string> = {};
    for (const l of (m![2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    const family = m![1]!.replace(/_(bucket|sum|count)$/, '');
    expect(types.has(m![1]!) || types.get(family) === 'histogram', line).toBe(true);
    samples.push({ name: m![1]!, labels, value: Number(m![3]!.replace('+Inf', 'Infinity')) });
  }
  return { types, samples };
}

function value(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe('serve: scans, metrics and readiness', () => {
  it('is not ready until each new target is scanned, then counts scans, failures and requests in parseable metrics', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const odd = 'odd "name"\\with\nnewline';
    const targets: ScanTarget[] = [
      {
        name: 'edge',
        scan: async (): Promise<Report> => {
          await gate;
          return stagingReport();
        },
      },
      {
        name: odd,
        scan: async () => {
          throw new Error('connect ECONNREFUSED 127.0.0.1:6443');
        },
      },
    ];
    const t = await startTestServer({ targets });
    try {
      const waiting = await t.get('/readyz');
      expect(waiting.status).toBe(503);
      expect(waiting.body).toEqual({ status: 'not ready', waiting: ['edge'] });
      release();
      await t.server.scheduler.idle();
      expect((await t.get('/readyz')).status).toBe(200);
      expect(t.log).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^serving the dashboard on http:\/\/127\.0\.0\.1:\d+\//),
          `scan of ${odd} failed (retried at the next interval): connect ECONNREFUSED 127.0.0.1:6443`,
          expect.stringMatching(/^scan \d+ of edge: 1 findings, score \d+, 1 input errors/),
        ]),
      );
      await t.get('/api/targets');
      await t.get('/api/scans/999');
      const res = await t.get('/metrics');
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const { types, samples } = parseMetrics(res.text);
      expect(types.get('palisade_scans_total')).toBe('counter');
      expect(types.get('palisade_scan_duration_seconds')).toBe('histogram');
      expect(value(samples, 'palisade_scans_total', { target: 'edge', outcome: 'success' })).toBe(1);
      expect(value(samples, 'palisade_scans_total', { target: 'edge', outcome: 'failure' })).toBe(0);
      expect(value(samples, 'palisade_scans_total', { target: odd, outcome: 'failure' })).toBe(1);
      expect(value(samples, 'palisade_scan_duration_seconds_count', { target: 'edge' })).toBe(1);
      expect(value(samples, 'palisade_scan_duration_seconds_bucket', { target: 'edge', le: '+Inf' })).toBe(1);
      expect(value(samples, 'palisade_findings_by_severity', { target: 'prod', severity: 'critical' })).toBe(1);
      expect(value(samples, 'palisade_findings_by_severity', { target: 'edge', severity: 'high' })).toBe(1);
      expect(value(samples, 'palisade_findings_by_pillar', { target: 'prod', pillar: 'network' })).toBe(1);
      expect(value(samples, 'palisade_findings_by_pillar', { target: 'prod', pillar: 'images' })).toBe(0);
      expect(value(samples, 'palisade_stored_scans', { target: 'prod' })).toBe(2);
      expect(value(samples, 'palisade_http_requests_total', { route: '/api/targets', method: 'GET', code: '200' })).toBe(1);
      expect(value(samples, 'palisade_http_requests_total', { route: '/api/scans/:id', method: 'GET', code: '404' })).toBe(1);
      expect(value(samples, 'palisade_http_requests_total', { route: '/readyz', method: 'GET', code: '503' })).toBe(1);
      expect(res.text).toContain(`target="${escapeLabel(odd)}"`);
    } finally {
      await t.close();
    }
  });

  it('still answers /metrics with the series kept in the process when the history store is down', async () => {
    const t = await startTestServer({ targets: [{ name: 'edge', scan: async () => { throw new Error('connect ECONNREFUSED 127.0.0.1:6443'); } }] });
    try {
      await t.server.scheduler.idle();
      const up = parseMetrics((await t.get('/metrics')).text).samples;
      expect(value(up, 'palisade_store_up', {})).toBe(1);
      expect(value(up, 'palisade_score', { target: 'prod' })).toBeDefined();
      vi.spyOn(t.store, 'targets').mockRejectedValue(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
      const res = await t.get('/metrics');
      expect(res.status).toBe(200);
      const { samples } = parseMetrics(res.text);
      expect(value(samples, 'palisade_up', {})).toBe(1);
      expect(value(samples, 'palisade_store_up', {})).toBe(0);
      expect(value(samples, 'palisade_scans_total', { target: 'edge', outcome: 'failure' })).toBe(1);
      // What only the store knows is left out rather than shown stale or as zero.
      expect(samples.some((s) => s.name === 'palisade_score' || s.name === 'palisade_findings_by_severity')).toBe(false);
    } finally {
      await t.close();
    }
  });

  it('counts a scan the store could not save as the target\'s last scan failing', async () => {
    const t = await startTestServer({ targets: [{ name: 'edge', scan: async () => stagingReport() }], extra: { scan: false } });
    try {
      vi.spyOn(t.store, 'saveScan').mockRejectedValue(new Error('attempt to write a readonly database'));
      t.server.scheduler.start();
      await t.server.scheduler.idle();
      const targets = (await t.get('/api/targets')).body as { failing: { target: string; error: string }[] };
      expect(targets.failing).toEqual([{ target: 'edge', error: 'the scan could not be saved: attempt to write a readonly database' }]);
      expect(t.server.scheduler.stats('edge')).toMatchObject({ runs: 1, failures: 1 });
      expect(value(parseMetrics((await t.get('/metrics')).text).samples, 'palisade_scans_total', { target: 'edge', outcome: 'failure' })).toBe(1);
    } finally {
      await t.close();
    }
  });

  it('prunes the history after each saved scan as the retention says', async () => {
    const t = await startTestServer({ targets: [{ name: 'prod', scan: async () => stagingReport() }], extra: { retention: { maxScans: 1 } } });
    try {
      await t.server.scheduler.idle();
      const scans = (await t.get('/api/scans?target=prod')).body as { scans: unknown[] };
      expect(scans.scans).toHaveLength(1);
      expect(t.log).toContain('pruned 2 old scans');
    } finally {
      await t.close();
    }
  });
});
