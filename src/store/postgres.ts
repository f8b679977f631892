import pg from 'pg';
import type { Report } from '../core/report.js';
import type { Pillar } from '../core/severity.js';
import type {
  AppliedMigration, FindingFilter, FindingPage, HistoryStore, Retention, ScanDiff, ScanRecord, StoreStatus, StoredScan, TargetInfo, TrendPoint,
} from './history-store.js';
import { FINDING_COLUMNS, MIGRATIONS, MIGRATIONS_TABLE, MIGRATIONS_TABLE_DDL, pendingMigrations, type Migration } from './migrations.js';
import {
  PILLAR_COLUMNS, SCAN_COLUMNS, checkPillar, checkScanId, checkTarget, FINDING_SELECT, findingsFromCells, findingQuery, findingValues, listLimit, pillarValues, storedScanFromRows,
  scanFromRow, scanValues, scansToPrune, sinceMs, trendFromRow, type Cell, type Dialect, type RowOrigin,
} from './rows.js';

type Row = Record<string, unknown>;

/** Any 64-bit constant works; it only has to be the same for every Palisade migrating a database. */
const MIGRATION_LOCK = 72_657_301_455;

/** Rows per INSERT statement. */
const BATCH = 5000;

const INT_COLUMNS = new Set<string>(['seq', 'severity_rank', 'location_line']);

/**
 * A whole batch as one JSON parameter of row arrays: JSON.stringify is native, where pg's own array
 * encoding of 24 columns × 5000 rows cost several times more than the insert itself.
 */
const INSERT_FINDINGS = `INSERT INTO palisade_findings (scan_id, ${FINDING_COLUMNS.join(', ')}) SELECT $1, ${FINDING_COLUMNS.map(
  (c, i) => `(r->>${i})${INT_COLUMNS.has(c) ? '::int' : ''}`,
).join(', ')} FROM jsonb_array_elements($2::jsonb) AS r`;

const dollars = (from: number, n: number): string => Array.from({ length: n }, (_, i) => `$${from + i}`).join(', ');

function pgDialect(params: unknown[]): Dialect {
  const next = (v: unknown): string => {
    params.push(v);
    return `$${params.length}`;
  };
  return {
    param: next,
    oneOf: (column, values) => `${column} = ANY(${next(values)}::${typeof values[0] === 'number' ? 'int' : 'text'}[])`,
    contains: (column, needle) => `strpos(${column}, ${next(needle)}) > 0`,
  };
}

export interface PostgresStoreOptions {
  /** Pool size; 10 when absent. */
  max?: number;
  migrations?: readonly Migration[];
}

/** The database as log lines name it: host and database, never the user or password of the connection string. */
function postgresName(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `postgres ${url.host}${url.pathname}`;
  } catch {
    return 'postgres';
  }
}

/** The history in a PostgreSQL database, for a fleet of `serve` instances sharing one store. */
export class PostgresHistoryStore implements HistoryStore {
  readonly backend = 'postgres' as const;
  private readonly origin: RowOrigin;
  private readonly pool: pg.Pool;
  private readonly migrations: readonly Migration[];

  constructor(connectionString: string, options: PostgresStoreOptions = {}) {
    this.pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
    // An idle connection dropped by the server (restart, failover) must not crash the process: the
    // pool discards it and the next query opens a new one.
    this.pool.on('error', () => {});
    this.migrations = options.migrations ?? MIGRATIONS;
    this.origin = { store: postgresName(connectionString) };
  }

  /** `read`: one snapshot for every statement, so a page and its total (or a scan and its findings) agree. */
  private async inTransaction<T>(work: (c: pg.PoolClient) => Promise<T>, mode: 'write' | 'read' = 'write'): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query(mode === 'read' ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
      const out = await work(client);
      await client.query('COMMIT');
      return out;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }

  private async rows(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.pool.query(sql, params)).rows as Row[];
  }

  async migrate(): Promise<{ applied: number[]; version: number }> {
    const client = await this.pool.connect();
    const applied: number[] = [];
    try {
      // A session lock: several `serve` instances starting together migrate one after another.
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      try {
        await client.query(MIGRATIONS_TABLE_DDL.postgres);
        const versions = async (): Promise<number[]> =>
          (await client.query(`SELECT version FROM ${MIGRATIONS_TABLE} ORDER BY version`)).rows.map((r: Row) => Number(r.version));
        for (const m of pendingMigrations(this.migrations, new Set(await versions()))) {
          await client.query('BEGIN');
          try {
            for (const sql of m.postgres) await client.query(sql);
            await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (version, name, applied_at) VALUES ($1, $2, $3)`, [m.version, m.name, Date.now()]);
            await client.query('COMMIT');
          } catch (e) {
            await client.query('ROLLBACK').catch(() => {});
            throw e;
          }
          applied.push(m.version);
        }
        return { applied, version: Math.max(0, ...(await versions())) };
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
      }
    } finally {
      client.release();
    }
  }

  async saveScan(target: string, report: Report): Promise<number> {
    checkTarget(target);
    const scan = scanValues(target, report, Date.now());
    return this.inTransaction(async (c) => {
      const inserted = await c.query(`INSERT INTO palisade_scans (${SCAN_COLUMNS.join(', ')}) VALUES (${dollars(1, SCAN_COLUMNS.length)}) RETURNING id`, scan);
      const id = Number((inserted.rows[0] as Row).id);
      const pillars = pillarValues(report);
      const pillarColumns = PILLAR_COLUMNS.map((_, i) => pillars.map((p) => p[i] ?? null));
      await c.query(
        `INSERT INTO palisade_scan_pillars (scan_id, ${PILLAR_COLUMNS.join(', ')}) SELECT $1, * FROM unnest($2::text[], ${dollars(3, PILLAR_COLUMNS.length - 1)
          .split(', ')
          .map((d) => `${d}::int[]`)
          .join(', ')})`,
        [id, ...pillarColumns],
      );
      for (let start = 0; start < report.findings.length; start += BATCH) {
        const rows: Cell[][] = [];
        const end = Math.min(start + BATCH, report.findings.length);
        for (let seq = start; seq < end; seq++) rows.push(findingValues(report.findings[seq]!, seq));
        await c.query(INSERT_FINDINGS, [id, JSON.stringify(rows)]);
      }
      return id;
    });
  }

  async listScans(target?: string, limit?: number): Promise<ScanRecord[]> {
    const n = listLimit(limit);
    const rows =
      target === undefined
        ? await this.rows('SELECT * FROM palisade_scans ORDER BY scanned_at DESC, id DESC LIMIT $1', [n])
        : await this.rows('SELECT * FROM palisade_scans WHERE target = $1 ORDER BY scanned_at DESC, id DESC LIMIT $2', [target, n]);
    return rows.map((r) => scanFromRow(r, this.origin));
  }

  async latestScan(target: string): Promise<ScanRecord | undefined> {
    return (await this.listScans(target, 1))[0];
  }

  async getScan(id: number): Promise<StoredScan | undefined> {
    checkScanId(id);
    return this.inTransaction(async (c) => {
      const scan = (await c.query('SELECT * FROM palisade_scans WHERE id = $1', [id])).rows[0] as Row | undefined;
      if (!scan) return undefined;
      const rows = (await c.query({ text: `SELECT ${FINDING_SELECT} FROM palisade_findings WHERE scan_id = $1 ORDER BY seq`, values: [id], rowMode: 'array' })).rows as unknown[][];
      return storedScanFromRows(scan, findingsFromCells(rows, id, this.origin), this.origin);
    }, 'read');
  }

  async findings(scanId: number, filter: FindingFilter = {}): Promise<FindingPage> {
    checkScanId(scanId);
    const params: unknown[] = [scanId];
    const q = findingQuery(filter, pgDialect(params));
    const from = `FROM palisade_findings WHERE scan_id = $1${q.where}`;
    return this.inTransaction(async (c) => {
      const total = Number((await c.query(`SELECT count(*) AS n ${from}`, params)).rows[0].n);
      const page = params.length;
      const rows = (
        await c.query({ text: `SELECT ${FINDING_SELECT} ${from} ORDER BY severity_rank, seq LIMIT $${page + 1} OFFSET $${page + 2}`, values: [...params, q.limit, q.offset], rowMode: 'array' })
      ).rows as unknown[][];
      return { total, findings: findingsFromCells(rows, scanId, this.origin) };
    }, 'read');
  }

  async diff(scanId: number, previousScanId?: number): Promise<ScanDiff | undefined> {
    checkScanId(scanId);
    if (previousScanId !== undefined) checkScanId(previousScanId);
    return this.inTransaction(async (c) => {
      const scanRow = async (id: number): Promise<Row | undefined> => (await c.query('SELECT id, target, scanned_at FROM palisade_scans WHERE id = $1', [id])).rows[0] as Row | undefined;
      const scan = await scanRow(scanId);
      if (!scan) return undefined;
      let previous: number | null;
      if (previousScanId === undefined) {
        const row = (
          await c.query('SELECT id FROM palisade_scans WHERE target = $1 AND (scanned_at, id) < ($2::bigint, $3::bigint) ORDER BY scanned_at DESC, id DESC LIMIT 1', [scan.target, scan.scanned_at, scan.id])
        ).rows[0] as Row | undefined;
        previous = row ? Number(row.id) : null;
      } else {
        if (!(await scanRow(previousScanId))) return undefined;
        previous = previousScanId;
      }
      const ids = async (a: number, b: number | null): Promise<string[]> =>
        (
          await c.query(
            `SELECT DISTINCT finding_id AS id FROM palisade_findings a WHERE a.scan_id = $1 AND a.suppressed IS NULL
               AND NOT EXISTS (SELECT 1 FROM palisade_findings b WHERE b.scan_id = $2 AND b.finding_id = a.finding_id AND b.suppressed IS NULL)`,
            [a, b ?? -1],
          )
        ).rows.map((r: Row) => String(r.id)).sort();
      const gone = previous === null ? [] : await ids(previous, scanId);
      const stillThere = new Set((await c.query('SELECT DISTINCT finding_id AS id FROM palisade_findings WHERE scan_id = $1', [scanId])).rows.map((r: Row) => String(r.id)));
      return {
        scanId,
        previousScanId: previous,
        new: await ids(scanId, previous),
        fixed: gone.filter((id) => !stillThere.has(id)),
        suppressed: gone.filter((id) => stillThere.has(id)),
      };
    }, 'read');
  }

  async trend(target: string, pillar?: Pillar, since?: Date | string): Promise<TrendPoint[]> {
    checkPillar(pillar);
    const from = sinceMs(since) ?? Number.MIN_SAFE_INTEGER;
    const rows =
      pillar === undefined
        ? await this.rows('SELECT * FROM palisade_scans WHERE target = $1 AND scanned_at >= $2 ORDER BY scanned_at, id', [target, from])
        : await this.rows(
            `SELECT s.id, s.scanned_at, p.score, p.findings, p.critical, p.high, p.medium, p.low, p.info
               FROM palisade_scans s JOIN palisade_scan_pillars p ON p.scan_id = s.id AND p.pillar = $1
              WHERE s.target = $2 AND s.scanned_at >= $3 ORDER BY s.scanned_at, s.id`,
            [pillar, target, from],
          );
    return rows.map(trendFromRow);
  }

  async targets(): Promise<TargetInfo[]> {
    const rows = await this.rows(
      `SELECT s.*, c.n AS scan_count FROM palisade_scans s
         JOIN (SELECT target, count(*) AS n FROM palisade_scans GROUP BY target) c ON c.target = s.target
        WHERE s.id = (SELECT id FROM palisade_scans t WHERE t.target = s.target ORDER BY scanned_at DESC, id DESC LIMIT 1)
        ORDER BY s.target COLLATE "C"`,
    );
    return rows.map((r) => ({ target: String(r.target), scans: Number(r.scan_count), latest: scanFromRow(r, this.origin) }));
  }

  async prune(retention: Retention, now: Date = new Date()): Promise<number> {
    return this.inTransaction(async (c) => {
      const scans = (await c.query('SELECT id, target, scanned_at FROM palisade_scans ORDER BY target, scanned_at DESC, id DESC')).rows.map((r: Row) => ({
        id: Number(r.id),
        target: String(r.target),
        scannedAt: Number(r.scanned_at),
      }));
      const drop = scansToPrune(scans, retention, now.getTime());
      if (drop.length === 0) return 0;
      await c.query('DELETE FROM palisade_findings WHERE scan_id = ANY($1::bigint[])', [drop]);
      await c.query('DELETE FROM palisade_scan_pillars WHERE scan_id = ANY($1::bigint[])', [drop]);
      return (await c.query('DELETE FROM palisade_scans WHERE id = ANY($1::bigint[])', [drop])).rowCount ?? 0;
    });
  }

  async status(): Promise<StoreStatus> {
    const migrations = (await this.rows(`SELECT version, name, applied_at FROM ${MIGRATIONS_TABLE} ORDER BY version`)).map(
      (r): AppliedMigration => ({ version: Number(r.version), name: String(r.name), appliedAt: new Date(Number(r.applied_at)).toISOString() }),
    );
    const tables: Record<string, string[]> = {};
    const columns = await this.rows(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name LIKE 'palisade\\_%'
        ORDER BY table_name COLLATE "C", ordinal_position`,
    );
    for (const r of columns) (tables[String(r.table_name)] ??= []).push(String(r.column_name));
    return { backend: 'postgres', version: Math.max(0, ...migrations.map((m) => m.version)), migrations, tables };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
