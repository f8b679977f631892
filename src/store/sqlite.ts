import { closeSync, existsSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Report } from '../core/report.js';
import type { Pillar } from '../core/severity.js';
import type {
  AppliedMigration, FindingFilter, FindingPage, HistoryStore, Retention, ScanDiff, ScanRecord, StoreStatus, StoredScan, TargetInfo, TrendPoint,
} from './history-store.js';
import { FINDING_COLUMNS, MIGRATIONS, MIGRATIONS_TABLE, MIGRATIONS_TABLE_DDL, pendingMigrations, type Migration } from './migrations.js';
import {
  PILLAR_COLUMNS, SCAN_COLUMNS, checkPillar, checkScanId, checkTarget, FINDING_SELECT, findingsFromCells, findingQuery, findingValues, listLimit, pillarValues, storedScanFromRows,
  scanFromRow, scanValues, scansToPrune, sinceMs, trendFromRow, type Dialect, type RowOrigin,
} from './rows.js';

type Row = Record<string, unknown>;

/** Findings per INSERT statement (26 parameters each, far below SQLite's limit of 32766). */
const BATCH = 50;

const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

function sqliteDialect(params: unknown[]): Dialect {
  return {
    param(v) {
      params.push(v);
      return '?';
    },
    // One JSON parameter instead of one per value: no limit on the list's length.
    oneOf(column, values) {
      params.push(JSON.stringify(values));
      return `${column} IN (SELECT value FROM json_each(?))`;
    },
    contains(column, needle) {
      params.push(needle);
      return `instr(${column}, ?) > 0`;
    },
  };
}

/**
 * The history in one SQLite file, in WAL mode so the dashboard reads while a scan is saved.
 * better-sqlite3 is synchronous: calls finish before they return, the promises are for the shared interface.
 */
export class SqliteHistoryStore implements HistoryStore {
  readonly backend = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly origin: RowOrigin;

  constructor(
    file: string,
    private readonly migrations: readonly Migration[] = MIGRATIONS,
  ) {
    // The history maps the cluster's weak spots: a new file is the owner's alone (SQLite gives the WAL the same mode).
    if (file !== ':memory:' && !existsSync(file)) closeSync(openSync(file, 'a', 0o600));
    this.origin = { store: `sqlite ${file}` };
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    // Another process (a second `serve`, a CLI call) may hold the write lock for a moment.
    this.db.pragma('busy_timeout = 10000');
    this.db.pragma('foreign_keys = ON');
  }

  async migrate(): Promise<{ applied: number[]; version: number }> {
    const applied: number[] = [];
    this.db.exec(MIGRATIONS_TABLE_DDL.sqlite);
    for (;;) {
      // Re-read inside an IMMEDIATE transaction: another process may be migrating the same file.
      const done = this.db.transaction(() => {
        const have = new Set(this.appliedVersions());
        const next = pendingMigrations(this.migrations, have)[0];
        if (!next) return true;
        for (const sql of next.sqlite) this.db.exec(sql);
        this.db.prepare(`INSERT INTO ${MIGRATIONS_TABLE} (version, name, applied_at) VALUES (?, ?, ?)`).run(next.version, next.name, Date.now());
        applied.push(next.version);
        return false;
      }).immediate();
      if (done) break;
    }
    return { applied, version: Math.max(0, ...this.appliedVersions()) };
  }

  private appliedVersions(): number[] {
    return (this.db.prepare(`SELECT version FROM ${MIGRATIONS_TABLE} ORDER BY version`).all() as { version: number }[]).map((r) => r.version);
  }

  async saveScan(target: string, report: Report): Promise<number> {
    checkTarget(target);
    const insertScan = this.db.prepare(`INSERT INTO palisade_scans (${SCAN_COLUMNS.join(', ')}) VALUES (${placeholders(SCAN_COLUMNS.length)})`);
    const insertPillar = this.db.prepare(`INSERT INTO palisade_scan_pillars (scan_id, ${PILLAR_COLUMNS.join(', ')}) VALUES (?, ${placeholders(PILLAR_COLUMNS.length)})`);
    const insertFindings = (rows: number) =>
      this.db.prepare(`INSERT INTO palisade_findings (scan_id, ${FINDING_COLUMNS.join(', ')}) VALUES ${Array(rows).fill(`(?, ${placeholders(FINDING_COLUMNS.length)})`).join(', ')}`);
    const findings = report.findings;
    return this.db.transaction(() => {
      const id = Number(insertScan.run(...scanValues(target, report, Date.now())).lastInsertRowid);
      for (const p of pillarValues(report)) insertPillar.run(id, ...p);
      // Several rows per statement cut the per-call cost, which dominates here: 50 measured faster than 1 or 200.
      const batch = insertFindings(Math.min(BATCH, Math.max(findings.length, 1)));
      let seq = 0;
      for (; seq + BATCH <= findings.length; seq += BATCH) {
        const values: unknown[] = [];
        for (let i = seq; i < seq + BATCH; i++) values.push(id, ...findingValues(findings[i]!, i));
        batch.run(...values);
      }
      if (seq < findings.length) {
        const values: unknown[] = [];
        for (let i = seq; i < findings.length; i++) values.push(id, ...findingValues(findings[i]!, i));
        insertFindings(findings.length - seq).run(...values);
      }
      return id;
    }).immediate();
  }

  async listScans(target?: string, limit?: number): Promise<ScanRecord[]> {
    const n = listLimit(limit);
    const rows = (target === undefined
      ? this.db.prepare('SELECT * FROM palisade_scans ORDER BY scanned_at DESC, id DESC LIMIT ?').all(n)
      : this.db.prepare('SELECT * FROM palisade_scans WHERE target = ? ORDER BY scanned_at DESC, id DESC LIMIT ?').all(target, n)) as Row[];
    return rows.map((r) => scanFromRow(r, this.origin));
  }

  async latestScan(target: string): Promise<ScanRecord | undefined> {
    return (await this.listScans(target, 1))[0];
  }

  private scanRow(id: number): Row | undefined {
    return this.db.prepare('SELECT * FROM palisade_scans WHERE id = ?').get(id) as Row | undefined;
  }

  async getScan(id: number): Promise<StoredScan | undefined> {
    checkScanId(id);
    return this.db.transaction(() => {
      const scan = this.scanRow(id);
      if (!scan) return undefined;
      const rows = this.db.prepare(`SELECT ${FINDING_SELECT} FROM palisade_findings WHERE scan_id = ? ORDER BY seq`).raw().all(id) as unknown[][];
      return storedScanFromRows(scan, findingsFromCells(rows, id, this.origin), this.origin);
    })();
  }

  async findings(scanId: number, filter: FindingFilter = {}): Promise<FindingPage> {
    checkScanId(scanId);
    const params: unknown[] = [scanId];
    const q = findingQuery(filter, sqliteDialect(params));
    const from = `FROM palisade_findings WHERE scan_id = ?${q.where}`;
    return this.db.transaction(() => {
      const total = (this.db.prepare(`SELECT count(*) AS n ${from}`).get(...params) as { n: number }).n;
      const rows = this.db.prepare(`SELECT ${FINDING_SELECT} ${from} ORDER BY severity_rank, seq LIMIT ? OFFSET ?`).raw().all(...params, q.limit, q.offset) as unknown[][];
      return { total, findings: findingsFromCells(rows, scanId, this.origin) };
    })();
  }

  async diff(scanId: number, previousScanId?: number): Promise<ScanDiff | undefined> {
    checkScanId(scanId);
    if (previousScanId !== undefined) checkScanId(previousScanId);
    return this.db.transaction(() => {
      const scan = this.scanRow(scanId);
      if (!scan) return undefined;
      let previous: number | null;
      if (previousScanId === undefined) {
        const row = this.db
          .prepare('SELECT id FROM palisade_scans WHERE target = ? AND (scanned_at, id) < (?, ?) ORDER BY scanned_at DESC, id DESC LIMIT 1')
          .get(scan.target, scan.scanned_at, scan.id) as { id: number } | undefined;
        previous = row ? row.id : null;
      } else {
        if (!this.scanRow(previousScanId)) return undefined;
        previous = previousScanId;
      }
      const onlyIn = this.db.prepare(
        `SELECT DISTINCT finding_id AS id FROM palisade_findings a WHERE a.scan_id = ? AND a.suppressed IS NULL
           AND NOT EXISTS (SELECT 1 FROM palisade_findings b WHERE b.scan_id = ? AND b.finding_id = a.finding_id AND b.suppressed IS NULL)`,
      );
      const ids = (a: number, b: number | null): string[] => (onlyIn.all(a, b ?? -1) as { id: string }[]).map((r) => r.id).sort();
      const gone = ids(previous ?? -1, scanId);
      const stillThere = new Set((this.db.prepare('SELECT DISTINCT finding_id AS id FROM palisade_findings WHERE scan_id = ?').all(scanId) as { id: string }[]).map((r) => r.id));
      return {
        scanId,
        previousScanId: previous,
        new: ids(scanId, previous),
        fixed: previous === null ? [] : gone.filter((id) => !stillThere.has(id)),
        suppressed: previous === null ? [] : gone.filter((id) => stillThere.has(id)),
      };
    })();
  }

  async trend(target: string, pillar?: Pillar, since?: Date | string): Promise<TrendPoint[]> {
    checkPillar(pillar);
    const from = sinceMs(since) ?? Number.MIN_SAFE_INTEGER;
    const rows = (pillar === undefined
      ? this.db.prepare('SELECT * FROM palisade_scans WHERE target = ? AND scanned_at >= ? ORDER BY scanned_at, id').all(target, from)
      : this.db
          .prepare(
            `SELECT s.id, s.scanned_at, p.score, p.findings, p.critical, p.high, p.medium, p.low, p.info
               FROM palisade_scans s JOIN palisade_scan_pillars p ON p.scan_id = s.id AND p.pillar = ?
              WHERE s.target = ? AND s.scanned_at >= ? ORDER BY s.scanned_at, s.id`,
          )
          .all(pillar, target, from)) as Row[];
    return rows.map(trendFromRow);
  }

  async targets(): Promise<TargetInfo[]> {
    const rows = this.db
      .prepare(
        `SELECT s.*, c.n AS scan_count FROM palisade_scans s
           JOIN (SELECT target, count(*) AS n FROM palisade_scans GROUP BY target) c ON c.target = s.target
          WHERE s.id = (SELECT id FROM palisade_scans t WHERE t.target = s.target ORDER BY scanned_at DESC, id DESC LIMIT 1)
          ORDER BY s.target`,
      )
      .all() as Row[];
    return rows.map((r) => ({ target: String(r.target), scans: Number(r.scan_count), latest: scanFromRow(r, this.origin) }));
  }

  async prune(retention: Retention, now: Date = new Date()): Promise<number> {
    return this.db.transaction(() => {
      const scans = (this.db.prepare('SELECT id, target, scanned_at FROM palisade_scans ORDER BY target, scanned_at DESC, id DESC').all() as Row[]).map((r) => ({
        id: Number(r.id),
        target: String(r.target),
        scannedAt: Number(r.scanned_at),
      }));
      const drop = JSON.stringify(scansToPrune(scans, retention, now.getTime()));
      for (const table of ['palisade_findings', 'palisade_scan_pillars'])
        this.db.prepare(`DELETE FROM ${table} WHERE scan_id IN (SELECT value FROM json_each(?))`).run(drop);
      return this.db.prepare('DELETE FROM palisade_scans WHERE id IN (SELECT value FROM json_each(?))').run(drop).changes;
    }).immediate();
  }

  async status(): Promise<StoreStatus> {
    const migrations = (this.db.prepare(`SELECT version, name, applied_at FROM ${MIGRATIONS_TABLE} ORDER BY version`).all() as Row[]).map(
      (r): AppliedMigration => ({ version: Number(r.version), name: String(r.name), appliedAt: new Date(Number(r.applied_at)).toISOString() }),
    );
    const tables: Record<string, string[]> = {};
    const names = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'palisade\\_%' ESCAPE '\\' ORDER BY name").all() as { name: string }[];
    for (const { name } of names) tables[name] = (this.db.prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid').all(name) as { name: string }[]).map((c) => c.name);
    return { backend: 'sqlite', version: Math.max(0, ...migrations.map((m) => m.version)), migrations, tables };
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
