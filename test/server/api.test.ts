import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import { findingFilter } from '../../src/server/api.js';
import { HttpError } from '../../src/server/http.js';
import { HOSTILE, startTestServer, type TestServer } from './server-fixture.js';

describe('JSON API', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists the targets with their scan counts and latest scans', async () => {
    const { status, headers, body } = await t.get('/api/targets');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    const targets = (body as { targets: { target: string; scans: number; latest: { id: number; findings: number } }[] }).targets;
    expect(targets.map((x) => [x.target, x.scans, x.latest.id, x.latest.findings])).toEqual([
      ['prod', 2, t.ids.prod2, 4],
      ['staging', 1, t.ids.staging, 1],
    ]);
  });

  it('lists scans, newest first, of one target or of all', async () => {
    const prod = (await t.get('/api/scans?target=prod')).body as { scans: { id: number }[] };
    expect(prod.scans.map((s) => s.id)).toEqual([t.ids.prod2, t.ids.prod1]);
    const all = (await t.get('/api/scans?limit=2')).body as { scans: { id: number; target: string }[] };
    expect(all.scans.map((s) => s.target)).toEqual(['prod', 'staging']);
    expect((await t.get('/api/scans?target=nowhere')).status).toBe(404);
    expect(await t.get('/api/scans?limit=0')).toMatchObject({ status: 400, body: { error: 'limit must be between 1 and 1000' } });
  });

  it('shows one scan with its summary, attack paths and the values the filters offer, without the findings', async () => {
    const { status, body } = await t.get(`/api/scans/${t.ids.prod2}`);
    expect(status).toBe(200);
    const scan = body as { scan: { id: number; target: string }; summary: { findings: number }; paths: { id: string }[]; facets: unknown; findings?: unknown };
    expect(scan.scan).toMatchObject({ id: t.ids.prod2, target: 'prod' });
    expect(scan.summary.findings).toBe(4);
    expect(scan.paths.map((p) => p.id)).toEqual(['path-1']);
    expect(scan.facets).toEqual({
      rules: ['network/exposed-service', 'rbac/cluster-admin-binding', 'workload/missing-limits', 'workload/privileged-container'],
      namespaces: ['payments', 'shop'],
      clusterScoped: true,
    });
    expect(scan.findings).toBeUndefined();
    expect(((await t.get(`/api/scans/${t.ids.prod1}`)).body as { paths: unknown }).paths).toBeNull();
  });

  it('filters, searches and pages the findings of a scan', async () => {
    const page = async (query: string) => (await t.get(`/api/scans/${t.ids.prod2}/findings${query}`)).body as { total: number; findings: Finding[] };
    expect((await page('')).total).toBe(4);
    expect((await page('?severity=high')).findings.map((f) => f.severity)).toEqual(['critical', 'high']);
    expect((await page('?pillar=access')).findings.map((f) => f.rule)).toEqual(['rbac/cluster-admin-binding']);
    expect((await page('?rule=workload/missing-limits')).findings.map((f) => f.resource.name)).toEqual(['cache']);
    expect((await page('?namespace=payments')).findings.map((f) => f.rule)).toEqual(['network/exposed-service']);
    expect((await page('?namespace=')).findings.map((f) => f.resource.kind)).toEqual(['ClusterRoleBinding']);
    expect((await page(`?q=${encodeURIComponent('onerror')}`)).findings.map((f) => f.message)).toEqual([expect.stringContaining(HOSTILE)]);
    const first = await page('?limit=1');
    const second = await page('?limit=1&offset=1');
    expect([first.total, first.findings.length, second.findings.length]).toEqual([4, 1, 1]);
    expect(second.findings[0]!.id).not.toBe(first.findings[0]!.id);
    expect((await page('?offset=10')).findings).toEqual([]);
  });

  it('answers 400 with the reason for bad parameters', async () => {
    const cases: [string, RegExp][] = [
      [`/api/scans/${t.ids.prod2}/findings?severity=urgent`, /unknown severity "urgent"/],
      [`/api/scans/${t.ids.prod2}/findings?pillar=space`, /unknown pillar "space"/],
      [`/api/scans/${t.ids.prod2}/findings?limit=5000`, /limit must be between 1 and 1000/],
      [`/api/scans/${t.ids.prod2}/findings?limit=ten`, /limit must be a whole number/],
      [`/api/scans/${t.ids.prod2}/findings?offset=-1`, /offset must be a whole number/],
      [`/api/scans/${t.ids.prod2}/findings?sevrity=high`, /unknown parameter "sevrity"/],
      [`/api/scans/${t.ids.prod2}/findings?severity=high&severity=low`, /given twice/],
      ['/api/scans/abc', /scan id must be a whole number/],
      ['/api/scans/0/diff', /scan id must be 1 or more/],
      ['/api/trend', /parameter target is required/],
      ['/api/trend?target=prod&pillar=nope', /unknown pillar/],
      ['/api/trend?target=prod&since=yesterday', /since must be a date/],
      // Date.parse would read these as 2001-01-01 and 2026-01-01.
      ['/api/trend?target=prod&since=1', /since must be a date/],
      ['/api/trend?target=prod&since=2026', /since must be a date/],
      ['/api/targets?x=1', /unknown parameter "x"/],
    ];
    for (const [path, error] of cases) {
      const res = await t.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expect((res.body as { error: string }).error).toMatch(error);
    }
  });

  it('answers 404 for unknown scans, targets and paths', async () => {
    for (const path of ['/api/scans/999', '/api/scans/999/findings', '/api/scans/999/findings?severity=critical', '/api/scans/999/diff', '/api/trend?target=nowhere', '/api/nothing', '/favicon.ico']) {
      const res = await t.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(typeof (res.body as { error: unknown }).error).toBe('string');
    }
    expect((await t.get('/api/scans/999')).body).toEqual({ error: 'no scan 999' });
    // A filter that matches nothing in a scan that exists is an empty page, not a 404.
    expect((await t.get(`/api/scans/${t.ids.staging}/findings?severity=critical`)).body).toEqual({ total: 0, findings: [] });
  });

  it('refuses writes with 405 and answers HEAD without a body', async () => {
    const post = await fetch(`${t.server.url}/api/targets`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(await post.json()).toEqual({ error: 'POST is not allowed here' });
    const head = await fetch(`${t.server.url}/api/targets`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('answers only requests sent to a loopback name when it listens on loopback (DNS rebinding), and reads //x as a path', async () => {
    const ask = (path: string, host: string) =>
      new Promise<number>((resolve, reject) => {
        const url = new URL(t.server.url);
        const req = httpRequest({ host: '127.0.0.1', port: Number(url.port), path, headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    const port = new URL(t.server.url).port;
    expect(await ask('/api/targets', 'attacker.example')).toBe(421);
    expect(await ask('/api/targets', `attacker.example:${port}`)).toBe(421);
    expect(await ask('/api/targets', `127.0.0.1:${port}`)).toBe(200);
    expect(await ask('/api/targets', `localhost:${port}`)).toBe(200);
    expect(await ask('//metrics', `localhost:${port}`)).toBe(404);
    expect(await ask('//x/api/targets', `localhost:${port}`)).toBe(404);
  });

  it('gives new and fixed findings since the previous scan, in full', async () => {
    const { body } = await t.get(`/api/scans/${t.ids.prod2}/diff`);
    const d = body as { previousScanId: number; new: string[]; fixed: string[]; suppressed: string[]; newFindings: Finding[]; fixedFindings: Finding[]; suppressedFindings: Finding[] };
    expect(d.previousScanId).toBe(t.ids.prod1);
    expect([d.suppressed, d.suppressedFindings]).toEqual([[], []]);
    expect(d.newFindings.map((f) => f.rule)).toEqual(['network/exposed-service']);
    expect(d.fixedFindings.map((f) => f.rule)).toEqual(['workload/host-path-volume']);
    expect([d.new.length, d.fixed.length]).toEqual([1, 1]);
    const first = (await t.get(`/api/scans/${t.ids.prod1}/diff`)).body as { previousScanId: null; new: string[] };
    expect([first.previousScanId, first.new.length]).toEqual([null, 4]);
    const against = (await t.get(`/api/scans/${t.ids.prod2}/diff?against=${t.ids.staging}`)).body as { previousScanId: number };
    expect(against.previousScanId).toBe(t.ids.staging);
  });

  it('gives the score trend of a target, overall and per pillar', async () => {
    const all = (await t.get('/api/trend?target=prod')).body as { pillar: null; points: { scanId: number; score: number }[] };
    expect(all.points.map((p) => p.scanId)).toEqual([t.ids.prod1, t.ids.prod2]);
    const access = (await t.get('/api/trend?target=prod&pillar=access')).body as { pillar: string; points: { score: number; findings: number }[] };
    expect(access.pillar).toBe('access');
    expect(access.points.map((p) => p.findings)).toEqual([1, 1]);
    expect(access.points[0]!.score).toBeGreaterThan(all.points[0]!.score);
    const since = (await t.get('/api/trend?target=prod&since=2026-11-26T00:00:00Z')).body as { points: unknown[] };
    expect(since.points).toHaveLength(1);
  });

  it('serves the dashboard with a policy that lets it call only this server', async () => {
    const res = await t.get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'; connect-src 'self'");
    expect(res.text).toMatch(/^<!DOCTYPE html>/);
    // Nothing is loaded from anywhere: the only address on the page is the SVG namespace name.
    expect(res.text.replace('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:\/\//);
  });

  it('answers health and readiness', async () => {
    expect(await t.get('/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await t.get('/readyz')).toMatchObject({ status: 200, body: { status: 'ready' } });
  });
});

describe('finding filter parsing', () => {
  it('turns the query into a store filter of active findings', () => {
    expect(findingFilter(new URLSearchParams('severity=medium&pillar=network&rule=r&namespace=ns&q=%20web%20&limit=5&offset=10'))).toEqual({
      suppressed: false,
      minSeverity: 'medium',
      pillar: 'network',
      rule: 'r',
      namespace: 'ns',
      search: 'web',
      limit: 5,
      offset: 10,
    });
    expect(findingFilter(new URLSearchParams('suppressed=all'))).toEqual({});
    expect(() => findingFilter(new URLSearchParams(`q=${'x'.repeat(1001)}`))).toThrow(HttpError);
  });
});
