import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import { openStore, MIGRATIONS, type HistoryStore, type Migration } from '../../src/store/index.js';
import { finding, manyFindings, report } from './fixtures.js';

/** Where a backend's databases come from: each call of `freshSpec` names a new, empty one. */
export interface StoreEnvironment {
  freshSpec(): Promise<string>;
  stop(): Promise<void>;
}

export interface StoreBackend {
  /** Why the backend cannot run here: the suite is skipped and the reason printed. */
  unavailable?: string;
  start(): Promise<StoreEnvironment>;
}

/** The columns every backend must have: one logical schema. */
const LOGICAL_SCHEMA: Record<string, string[]> = {
  palisade_migrations: ['version', 'name', 'applied_at'],
  palisade_scans: [
    'id', 'target', 'generated_at', 'scanned_at', 'saved_at', 'tool_version', 'resources', 'findings', 'suppressed', 'score',
    'critical', 'high', 'medium', 'low', 'info', 'by_pillar', 'input_errors', 'extra',
  ],
  palisade_findings: [
    'scan_id', 'seq', 'finding_id', 'rule', 'title', 'severity', 'severity_rank', 'pillar', 'api_version', 'kind', 'namespace', 'name',
    'container', 'field', 'message', 'remediation', 'location_file', 'location_line', 'location_path', 'frameworks', 'evidence', 'verify',
    'suppressed', 'baseline', 'search_text',
  ],
  palisade_scan_pillars: ['scan_id', 'pillar', 'score', 'findings', 'critical', 'high', 'medium', 'low', 'info'],
};

const DAY = 86_400_000;
const day = (n: number): string => new Date(Date.UTC(2026, 10, 1) + n * DAY).toISOString();

const EXTRA: Migration = {
  version: 2,
  name: 'extra table',
  sqlite: ['CREATE TABLE palisade_extra (x INTEGER)'],
  postgres: ['CREATE TABLE palisade_extra (x INTEGER)'],
};

export function historyStoreSuite(name: string, backend: StoreBackend): void {
  if (backend.unavailable) console.log(`skipping the ${name} history store tests: ${backend.unavailable}`);

  describe.skipIf(backend.unavailable !== undefined)(`${name} history store`, () => {
    let env: StoreEnvironment;
    const opened: HistoryStore[] = [];

    beforeAll(async () => {
      env = await backend.start();
    }, 60_000);
    afterAll(async () => {
      await env?.stop();
    }, 60_000);
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    async function open(spec?: string, migrations?: readonly Migration[]): Promise<HistoryStore> {
      const store = await openStore(spec ?? (await env.freshSpec()), migrations ? { migrations } : {});
      opened.push(store);
      return store;
    }

    describe('migrations', () => {
      it('creates the logical schema at version 1 and applies nothing the second time', async () => {
        const spec = await env.freshSpec();
        const store = await open(spec);
        const status = await store.status();
        expect(status.backend).toBe(name);
        expect(status.version).toBe(1);
        expect(status.migrations.map((m) => [m.version, m.name])).toEqual([[1, 'scan history']]);
        expect(status.tables).toEqual(LOGICAL_SCHEMA);
        expect(await store.migrate()).toEqual({ applied: [], version: 1 });
        const again = await open(spec);
        expect((await again.status()).migrations).toEqual(status.migrations);
      });

      it('applies only the migrations a database lacks, in order, and keeps the data', async () => {
        const spec = await env.freshSpec();
        const v1 = await open(spec);
        const id = await v1.saveScan('prod', report([finding('workload/a', 'web')]));
        const v2 = await open(spec, [...MIGRATIONS, EXTRA]);
        expect((await v2.status()).migrations.map((m) => m.version)).toEqual([1, 2]);
        expect((await v2.status()).tables.palisade_extra).toEqual(['x']);
        expect((await v2.getScan(id))?.report.findings).toHaveLength(1);
        expect(await v2.migrate()).toEqual({ applied: [], version: 2 });
      });

      it('rolls a failing migration back whole and records nothing', async () => {
        const spec = await env.freshSpec();
        const broken: Migration = {
          version: 2,
          name: 'broken',
          sqlite: ['CREATE TABLE palisade_half (x INTEGER)', 'CREATE TABLE palisade_half (x INTEGER)'],
          postgres: ['CREATE TABLE palisade_half (x INTEGER)', 'CREATE TABLE palisade_half (x INTEGER)'],
        };
        await expect(openStore(spec, { migrations: [...MIGRATIONS, broken] })).rejects.toThrow(/palisade_half/);
        const store = await open(spec);
        const status = await store.status();
        expect(status.version).toBe(1);
        expect(Object.keys(status.tables)).not.toContain('palisade_half');
      });

      it('refuses a database migrated by a newer version, and a gap in the order', async () => {
        const spec = await env.freshSpec();
        const v3: Migration = { ...EXTRA, version: 3, name: 'third' };
        await open(spec, [...MIGRATIONS, v3]);
        await expect(openStore(spec)).rejects.toThrow(/schema migration 3 that this Palisade does not know/);
        await expect(openStore(spec, { migrations: [...MIGRATIONS, { ...EXTRA, sqlite: [], postgres: [] }, v3] })).rejects.toThrow(
          /migration 2 \(extra table\) is missing from a history database already at 3/,
        );
      });
    });

    describe('scans', () => {
      it('gives back the saved report and its summary', async () => {
        const store = await open();
        const findings = [
          finding('workload/privileged-container', 'web', { severity: 'critical' }),
          finding('rbac/wildcard-verbs', 'admin', {
            pillar: 'access',
            resource: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', namespace: null, name: 'admin' },
            container: undefined,
            location: { file: 'rbac.yaml', line: 1, path: 'items[2]' },
            verify: undefined,
            suppressed: { kind: 'exception', reason: 'platform team', expires: '2027-01-01' },
          }),
          finding('workload/latest-tag', 'api', { severity: 'low', baseline: 'new', field: undefined, location: undefined, frameworks: [] }),
        ];
        // Optional fields set to undefined are absent in a JSON report too.
        const saved = report(JSON.parse(JSON.stringify(findings)) as Finding[], { generatedAt: day(3) });
        const id = await store.saveScan('aks-prod', saved);
        const got = await store.getScan(id);
        expect(got?.report).toEqual(saved);
        expect(got?.scan).toMatchObject({
          id,
          target: 'aks-prod',
          generatedAt: day(3),
          scannedAt: day(3),
          toolVersion: '0.1.0',
          resources: 40,
          findings: 2,
          suppressed: 1,
          score: saved.summary.score,
          bySeverity: { critical: 1, high: 0, medium: 0, low: 1, info: 0 },
          byPillar: { configuration: 2 },
          inputErrors: 1,
        });
        expect(await store.getScan(id + 1000)).toBeUndefined();
      });

      it('lists scans newest first per target, the latest one, and every target', async () => {
        const store = await open();
        const a1 = await store.saveScan('a', report([], { generatedAt: day(1) }));
        const b1 = await store.saveScan('b', report([finding('workload/x', 'w')], { generatedAt: day(2) }));
        const a3 = await store.saveScan('a', report([], { generatedAt: day(3) }));
        // Saved last but scanned earlier: order follows the scan time, not the save.
        const a2 = await store.saveScan('a', report([], { generatedAt: day(2) }));
        expect((await store.listScans('a')).map((s) => s.id)).toEqual([a3, a2, a1]);
        expect((await store.listScans('a', 2)).map((s) => s.id)).toEqual([a3, a2]);
        // a2 and b1 were scanned at the same time: the later save comes first.
        expect((await store.listScans()).map((s) => s.id)).toEqual([a3, a2, b1, a1]);
        expect((await store.latestScan('a'))?.id).toBe(a3);
        expect(await store.latestScan('nope')).toBeUndefined();
        const targets = await store.targets();
        expect(targets.map((t) => [t.target, t.scans, t.latest.id])).toEqual([
          ['a', 3, a3],
          ['b', 1, b1],
        ]);
        await expect(store.saveScan('', report([]))).rejects.toThrow(RangeError);
      });

      it('takes the time of saving when generatedAt is not a date, and keeps the text as given', async () => {
        const store = await open();
        const before = Date.now();
        const id = await store.saveScan('a', report([], { generatedAt: 'yesterday-ish' }));
        const scan = (await store.getScan(id))!.scan;
        expect(scan.generatedAt).toBe('yesterday-ish');
        expect(Date.parse(scan.scannedAt)).toBeGreaterThanOrEqual(before);
      });
    });

    describe('findings', () => {
      const fs = manyFindings(220);
      fs[7] = { ...fs[7]!, message: 'Container läuft als ROOT mit Ärger', suppressed: { kind: 'annotation', reason: 'known' } };
      let store: HistoryStore;
      let id: number;
      const severe = (f: Finding) => ['critical', 'high'].includes(f.severity);

      beforeAll(async () => {
        store = await openStore(await env.freshSpec());
        id = await store.saveScan('prod', report(fs));
      });
      afterAll(async () => {
        await store.close();
      });

      it('filters by severity at or above, pillar, rule and namespace', async () => {
        const high = await store.findings(id, { minSeverity: 'high', limit: 1000 });
        expect(high.total).toBe(fs.filter(severe).length);
        expect(high.findings.every(severe)).toBe(true);

        const net = await store.findings(id, { pillar: ['network', 'access'], limit: 1000 });
        expect(net.total).toBe(fs.filter((f) => f.pillar === 'network' || f.pillar === 'access').length);

        const rule = await store.findings(id, { rule: 'workload/rule-3', limit: 1000 });
        expect(rule.findings.map((f) => f.resource.name).sort()).toEqual(['pod-103', 'pod-203', 'pod-3']);

        const ns = await store.findings(id, { namespace: 'ns-4', minSeverity: 'medium', limit: 1000 });
        expect(ns.findings.map((f) => f.id).sort()).toEqual(
          fs.filter((f) => f.resource.namespace === 'ns-4' && ['critical', 'high', 'medium'].includes(f.severity)).map((f) => f.id).sort(),
        );
        const none = await store.findings(id, { namespace: null, limit: 1000 });
        expect(none.total).toBe(fs.filter((f) => f.resource.namespace === null).length);
        expect(none.total).toBeGreaterThan(0);
      });

      it('searches message, resource and rule without regard to case, unicode included', async () => {
        expect((await store.findings(id, { search: 'ärger' })).findings.map((f) => f.resource.name)).toEqual(['pod-7']);
        expect((await store.findings(id, { search: 'LÄUFT als root' })).total).toBe(1);
        expect((await store.findings(id, { search: 'Pod/ns-3/POD-14' })).findings.map((f) => f.resource.name)).toEqual(['pod-146', 'pod-14']);
        expect((await store.findings(id, { search: 'WORKLOAD/RULE-99' })).total).toBe(2);
        // LIKE wildcards are plain characters here.
        expect((await store.findings(id, { search: '%' })).total).toBe(0);
        expect((await store.findings(id, { search: '_' })).total).toBe(0);
      });

      it('selects by ids and by suppression', async () => {
        const ids = [fs[1]!.id, fs[7]!.id, 'not-there'];
        expect((await store.findings(id, { ids })).findings.map((f) => f.id).sort()).toEqual([fs[1]!.id, fs[7]!.id].sort());
        expect((await store.findings(id, { suppressed: true })).findings.map((f) => f.id)).toEqual([fs[7]!.id]);
        expect((await store.findings(id, { suppressed: false })).total).toBe(fs.length - 1);
      });

      it('pages through the most severe first, then report order, without gaps or repeats', async () => {
        const pages: Finding[] = [];
        for (let offset = 0; ; offset += 30) {
          const page = await store.findings(id, { limit: 30, offset });
          expect(page.total).toBe(fs.length);
          if (page.findings.length === 0) break;
          pages.push(...page.findings);
        }
        const rank = ['critical', 'high', 'medium', 'low', 'info'];
        const expected = fs.map((f, seq) => ({ f, seq })).sort((a, b) => rank.indexOf(a.f.severity) - rank.indexOf(b.f.severity) || a.seq - b.seq);
        expect(pages.map((f) => f.id)).toEqual(expected.map((e) => e.f.id));
        expect(pages[0]).toEqual(fs[0]);
        await expect(store.findings(id, { limit: 0 })).rejects.toThrow(RangeError);
        await expect(store.findings(id, { limit: 1001 })).rejects.toThrow(RangeError);
        await expect(store.findings(id, { offset: -1 })).rejects.toThrow(RangeError);
      });

      it('rejects an unknown severity or pillar and a scan id that is not an integer', async () => {
        await expect(store.findings(id, { minSeverity: 'severe' as never })).rejects.toThrow(/unknown severity/);
        await expect(store.findings(id, { pillar: 'physical' as never })).rejects.toThrow(/unknown pillar/);
        await expect(store.trend('prod', 'physical' as never)).rejects.toThrow(/unknown pillar/);
        // A scan id parsed from a bad query string.
        await expect(store.getScan(Number('x'))).rejects.toThrow(/not a scan id/);
        await expect(store.findings(1.5)).rejects.toThrow(/not a scan id/);
        await expect(store.diff(id, Number.NaN)).rejects.toThrow(/not a scan id/);
      });
    });

    describe('diff', () => {
      it('lists new and fixed ids against the previous scan of the same target', async () => {
        const store = await open();
        const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => finding(`workload/${n}`, n));
        const first = await store.saveScan('prod', report([a!, b!, c!], { generatedAt: day(1) }));
        await store.saveScan('staging', report([d!], { generatedAt: day(2) }));
        // c is still there but suppressed now: an accepted risk, not a fix.
        const second = await store.saveScan('prod', report([b!, { ...c!, suppressed: { kind: 'exception', reason: 'r' } }, d!], { generatedAt: day(3) }));
        const diff = await store.diff(second);
        expect(diff).toEqual({ scanId: second, previousScanId: first, new: [d!.id], fixed: [a!.id], suppressed: [c!.id] });
        expect(await store.diff(first)).toEqual({ scanId: first, previousScanId: null, new: [a!.id, b!.id, c!.id].sort(), fixed: [], suppressed: [] });
        expect(await store.diff(first, second)).toEqual({ scanId: first, previousScanId: second, new: [a!.id, c!.id].sort(), fixed: [d!.id], suppressed: [] });
        expect(await store.diff(second + 100)).toBeUndefined();
        expect(await store.diff(second, second + 100)).toBeUndefined();
      });
    });

    describe('trend', () => {
      it('gives the score and counts per scan, oldest first, overall or per pillar, from a date on', async () => {
        const store = await open();
        const net = (n: string, severity: Finding['severity']) => finding(`network/${n}`, n, { pillar: 'network', severity });
        const ids: number[] = [];
        ids[2] = await store.saveScan('prod', report([net('a', 'high'), finding('workload/x', 'x')], { generatedAt: day(2) }));
        ids[0] = await store.saveScan('prod', report([net('a', 'high'), net('b', 'critical'), finding('workload/x', 'x')], { generatedAt: day(0) }));
        ids[1] = await store.saveScan('prod', report([finding('workload/x', 'x')], { generatedAt: day(1) }));
        await store.saveScan('other', report([], { generatedAt: day(1) }));

        const all = await store.trend('prod');
        expect(all.map((p) => p.scanId)).toEqual(ids);
        expect(all.map((p) => p.scannedAt)).toEqual([day(0), day(1), day(2)]);
        expect(all[0]).toMatchObject({ findings: 3, bySeverity: { critical: 1, high: 2, medium: 0, low: 0, info: 0 } });
        expect(all.map((p) => p.score)).toEqual(
          [
            [net('a', 'high'), net('b', 'critical'), finding('workload/x', 'x')],
            [finding('workload/x', 'x')],
            [net('a', 'high'), finding('workload/x', 'x')],
          ].map((f) => report(f).summary.score),
        );

        const network = await store.trend('prod', 'network');
        expect(network.map((p) => [p.findings, p.bySeverity.critical, p.bySeverity.high])).toEqual([
          [2, 1, 1],
          [0, 0, 0],
          [1, 0, 1],
        ]);
        expect(network[1]!.score).toBe(100);
        expect(network[0]!.score).toBeLessThan(network[2]!.score);

        expect((await store.trend('prod', undefined, day(1))).map((p) => p.scanId)).toEqual([ids[1], ids[2]]);
        expect((await store.trend('prod', 'images', new Date(day(2)))).map((p) => [p.scanId, p.score])).toEqual([[ids[2], 100]]);
        expect(await store.trend('nobody')).toEqual([]);
      });
    });

    describe('retention', () => {
      it('keeps the newest scans per target and always the latest one', async () => {
        const store = await open();
        const prod: number[] = [];
        for (let i = 0; i < 5; i++) prod.push(await store.saveScan('prod', report([finding('workload/a', `w${i}`)], { generatedAt: day(i) })));
        const old = await store.saveScan('old', report([finding('workload/a', 'w')], { generatedAt: day(0) }));

        expect(await store.prune({ maxScans: 2 }, new Date(day(5)))).toBe(3);
        expect((await store.listScans('prod')).map((s) => s.id)).toEqual([prod[4], prod[3]]);
        expect(await store.getScan(prod[0]!)).toBeUndefined();
        expect((await store.findings(prod[0]!)).total).toBe(0);
        expect(await store.trend('prod')).toHaveLength(2);

        // Ten days later everything is too old, yet each target keeps its latest scan.
        expect(await store.prune({ maxAgeDays: 6 }, new Date(day(10)))).toBe(1);
        expect((await store.targets()).map((t) => [t.target, t.latest.id, t.scans])).toEqual([
          ['old', old, 1],
          ['prod', prod[4], 1],
        ]);
        expect((await store.getScan(prod[4]!))?.report.findings).toHaveLength(1);
        expect(await store.prune({ maxScans: 0, maxAgeDays: 0 }, new Date(day(30)))).toBe(0);
        await expect(store.prune({ maxScans: -1 })).rejects.toThrow(RangeError);
      });
    });

    describe('under load', () => {
      it('saves concurrently from two connections without losing or mixing findings', async () => {
        const spec = await env.freshSpec();
        const [one, two] = [await open(spec), await open(spec)];
        const saves = Array.from({ length: 12 }, (_, i) => (i % 2 ? one : two).saveScan(`t${i % 3}`, report(manyFindings(200 + i))));
        const ids = await Promise.all(saves);
        expect(new Set(ids).size).toBe(12);
        for (const [i, id] of ids.entries()) {
          const got = await one.getScan(id);
          expect(got?.scan.target).toBe(`t${i % 3}`);
          expect(got?.report.findings.map((f) => f.id)).toEqual(manyFindings(200 + i).map((f) => f.id));
        }
        expect((await two.targets()).map((t) => t.scans)).toEqual([4, 4, 4]);
      });

      it('saves a 50k-finding report and reads it back', async () => {
        const store = await open();
        const big = report(manyFindings(50_000));
        const started = performance.now();
        const id = await store.saveScan('big', big);
        const saveMs = performance.now() - started;
        const readStarted = performance.now();
        const got = await store.getScan(id);
        const readMs = performance.now() - readStarted;
        console.log(`${name}: saved 50000 findings in ${saveMs.toFixed(0)} ms, read them back in ${readMs.toFixed(0)} ms`);
        expect(got?.report.findings).toHaveLength(50_000);
        expect(got?.report.findings[49_999]).toEqual(big.findings[49_999]);
        expect((await store.findings(id, { minSeverity: 'critical', namespace: 'ns-2' })).total).toBe(big.findings.filter((f) => f.severity === 'critical' && f.resource.namespace === 'ns-2').length);
      }, 60_000);
    });

    describe('hostile text', () => {
      it('stores quotes, SQL, unicode and huge evidence verbatim', async () => {
        const store = await open();
        const nasty = `'; DROP TABLE palisade_scans; -- "quoted" \\back\\slash $1 ? %_ \u2028 \u202e RTL 🙈 e\u0301 ${'\u{10FFFF}'}`;
        const huge = 'x'.repeat(4 * 1024 * 1024);
        const f = finding('workload/a', nasty, {
          message: nasty,
          remediation: nasty,
          verify: nasty,
          resource: { apiVersion: 'v1', kind: 'Pod', namespace: nasty, name: nasty },
          location: { file: nasty, line: 7 },
          evidence: { observed: nasty, huge, nested: { deep: [[[[{ key: nasty }]]]] }, nul: 'a\u0000b', number: 1.5e300, bool: false, nil: null },
        });
        const target = `ctx "${nasty}"`;
        const saved = report([f]);
        const id = await store.saveScan(target, saved);
        const got = await store.getScan(id);
        expect(got?.report).toEqual(saved);
        expect(got?.scan.target).toBe(target);
        expect((await store.latestScan(target))?.id).toBe(id);
        expect((await store.findings(id, { namespace: nasty, search: '🙈 E\u0301' })).total).toBe(1);
        expect((await store.findings(id, { search: "'; drop table" })).total).toBe(1);
        expect((await store.listScans()).length).toBe(1);
      });

      it('stores U+0000 and lone surrogates in text fields as U+FFFD in both backends, and exactly in evidence', async () => {
        const store = await open();
        const evidence = { observed: 'a\u0000b \uD800 \uDC00x' };
        const id = await store.saveScan('t\u0000x', report([finding('workload/a', 'w', { message: 'a\u0000b \uD800 \uDC00x \u{1F648}', evidence })]));
        const got = await store.getScan(id);
        expect(got?.scan.target).toBe('t\uFFFDx');
        expect(got?.report.findings[0]?.message).toBe('a\uFFFDb \uFFFD \uFFFDx \u{1F648}');
        expect(got?.report.findings[0]?.evidence).toEqual(evidence);
        expect((await store.findings(id, { search: 'a\u0000b' })).total).toBe(1);
      });

      it('keeps a finding about a Secret as the report has it: the key named, no value added', async () => {
        const store = await open();
        const f = finding('workload/secret-in-env', 'web', {
          message: 'container app reads Secret db-credentials key password into env DB_PASSWORD',
          evidence: { observed: { secretKeyRef: { name: 'db-credentials', key: 'password' } }, expected: 'a mounted file' },
        });
        const saved = report([f]);
        const id = await store.saveScan('prod', saved);
        const stored = (await store.getScan(id))!.report;
        expect(stored.findings).toStrictEqual(saved.findings);
      });
    });
  });
}
