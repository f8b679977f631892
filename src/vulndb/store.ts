import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { normalisePackageName } from './names.js';
import { baseEcosystem, scopedEcosystemRange, type OsvRecord } from './osv.js';

/**
 * The OSV store: one SQLite file. `records` keeps each record's JSON; `affected` indexes it by
 * (ecosystem, normalised package name) for lookups; `aliases` keeps aliases and upstream ids for
 * de-duplication; `imports` and `import_counts` say where the data came from and when;
 * `downloads` remembers the validators (ETag, Last-Modified) of downloaded exports.
 */

/** Migrations, in order; the database's `user_version` is the number applied. Append only. */
const MIGRATIONS: string[] = [
  `CREATE TABLE records (
     id TEXT PRIMARY KEY,
     modified TEXT NOT NULL,
     withdrawn TEXT,
     source TEXT NOT NULL,
     json TEXT NOT NULL
   );
   CREATE TABLE affected (
     record_id TEXT NOT NULL REFERENCES records(id) ON DELETE CASCADE,
     ecosystem TEXT NOT NULL,
     base_ecosystem TEXT NOT NULL,
     name TEXT NOT NULL
   );
   CREATE INDEX affected_by_package ON affected(ecosystem, name);
   CREATE INDEX affected_by_record ON affected(record_id);
   CREATE TABLE aliases (
     record_id TEXT NOT NULL REFERENCES records(id) ON DELETE CASCADE,
     alias TEXT NOT NULL,
     kind TEXT NOT NULL CHECK (kind IN ('alias', 'upstream'))
   );
   CREATE INDEX aliases_by_record ON aliases(record_id);
   CREATE INDEX aliases_by_alias ON aliases(alias);
   CREATE TABLE imports (
     id INTEGER PRIMARY KEY,
     source TEXT NOT NULL,
     finished_at TEXT NOT NULL,
     stored INTEGER NOT NULL,
     unchanged INTEGER NOT NULL,
     withdrawn INTEGER NOT NULL,
     malformed INTEGER NOT NULL
   );
   CREATE TABLE import_counts (
     import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
     ecosystem TEXT NOT NULL,
     records INTEGER NOT NULL
   );
   CREATE TABLE downloads (
     url TEXT PRIMARY KEY,
     etag TEXT,
     last_modified TEXT,
     checked_at TEXT NOT NULL
   );`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export type PutOutcome = 'stored' | 'unchanged' | 'withdrawn';

export interface ImportCounts {
  stored: number;
  unchanged: number;
  withdrawn: number;
  malformed: number;
  /** Base ecosystem → records stored or withdrawn in this import. */
  byEcosystem: Record<string, number>;
}

export interface EcosystemStatus {
  ecosystem: string;
  /** Live records with an affected entry in the ecosystem (a record affecting several is counted in each). */
  records: number;
  lastImport?: string;
}

export interface StoreStatus {
  file: string;
  schemaVersion: number;
  /** Every record held: `live + withdrawn`. */
  records: number;
  /** Records that can match (not withdrawn). */
  live: number;
  withdrawn: number;
  ecosystems: EcosystemStatus[];
  lastImport?: string;
  imports: Array<{ source: string; finishedAt: string; stored: number; unchanged: number; withdrawn: number; malformed: number }>;
}

export interface StoredRecord {
  record: OsvRecord;
  withdrawn: boolean;
}

export class VulnStore {
  readonly db: Database.Database;
  private readonly stmts;

  constructor(
    readonly file: string,
    opts: { readonly?: boolean } = {},
  ) {
    if (!opts.readonly && file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file, { readonly: opts.readonly === true, fileMustExist: opts.readonly === true });
    if (!opts.readonly) {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
    }
    this.db.pragma('foreign_keys = ON');
    this.migrate(opts.readonly === true);
    this.stmts = {
      modified: this.db.prepare<[string], { modified: string; withdrawn: string | null }>('SELECT modified, withdrawn FROM records WHERE id = ?'),
      deleteRecord: this.db.prepare<[string]>('DELETE FROM records WHERE id = ?'),
      insertRecord: this.db.prepare<[string, string, string | null, string, string]>('INSERT INTO records (id, modified, withdrawn, source, json) VALUES (?, ?, ?, ?, ?)'),
      insertAffected: this.db.prepare<[string, string, string, string]>('INSERT INTO affected (record_id, ecosystem, base_ecosystem, name) VALUES (?, ?, ?, ?)'),
      insertAlias: this.db.prepare<[string, string, string]>('INSERT INTO aliases (record_id, alias, kind) VALUES (?, ?, ?)'),
      byPackage: this.db.prepare<[string, string], { record_id: string }>('SELECT DISTINCT record_id FROM affected WHERE ecosystem = ? AND name = ?'),
      byPackageScoped: this.db.prepare<[string, string, string, string], { record_id: string }>(
        'SELECT DISTINCT record_id FROM affected WHERE name = ? AND (ecosystem = ? OR (ecosystem >= ? AND ecosystem < ?))',
      ),
      record: this.db.prepare<[string], { json: string; withdrawn: string | null }>('SELECT json, withdrawn FROM records WHERE id = ?'),
      getDownload: this.db.prepare<[string], { etag: string | null; last_modified: string | null }>('SELECT etag, last_modified FROM downloads WHERE url = ?'),
      putDownload: this.db.prepare<[string, string | null, string | null, string]>(
        'INSERT INTO downloads (url, etag, last_modified, checked_at) VALUES (?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, checked_at = excluded.checked_at',
      ),
    };
  }

  private migrate(readonly: boolean): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new Error(`${this.file}: database schema ${version} is newer than this version of palisade understands (${SCHEMA_VERSION})`);
    if (version === SCHEMA_VERSION) return;
    if (readonly) throw new Error(`${this.file}: database schema ${version} needs migrating to ${SCHEMA_VERSION}; run palisade db import or db update`);
    this.db.transaction(() => {
      for (let v = version; v < SCHEMA_VERSION; v++) this.db.exec(MIGRATIONS[v] as string);
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  /**
   * Stores one record unless the store already has the same or a newer `modified` of it. On equal
   * times a withdrawal wins over the live record (retraction is final). Withdrawn records keep their
   * JSON but get no `affected` rows, so they can never match.
   */
  put(record: OsvRecord, source: string): PutOutcome {
    const old = this.stmts.modified.get(record.id);
    if (old) {
      const cmp = Date.parse(record.modified) - Date.parse(old.modified);
      const newlyWithdrawn = cmp === 0 && record.withdrawn !== undefined && old.withdrawn === null;
      if (cmp < 0 || (cmp === 0 && !newlyWithdrawn)) return 'unchanged';
      this.stmts.deleteRecord.run(record.id);
    }
    this.stmts.insertRecord.run(record.id, record.modified, record.withdrawn ?? null, source, JSON.stringify(record));
    if (record.withdrawn !== undefined) return 'withdrawn';
    const seen = new Set<string>();
    for (const a of record.affected ?? []) {
      if (!a.package) continue;
      const name = normalisePackageName(a.package.ecosystem, a.package.name);
      const key = `${a.package.ecosystem}\0${name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      this.stmts.insertAffected.run(record.id, a.package.ecosystem, baseEcosystem(a.package.ecosystem), name);
    }
    for (const alias of new Set(record.aliases ?? [])) if (alias !== record.id) this.stmts.insertAlias.run(record.id, alias, 'alias');
    for (const up of new Set(record.upstream ?? [])) if (up !== record.id) this.stmts.insertAlias.run(record.id, up, 'upstream');
    return 'stored';
  }

  /** Runs `fn` in one transaction (a batch of puts). */
  batch<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  recordImport(source: string, counts: ImportCounts, finishedAt: Date = new Date()): void {
    this.batch(() => {
      const info = this.db
        .prepare('INSERT INTO imports (source, finished_at, stored, unchanged, withdrawn, malformed) VALUES (?, ?, ?, ?, ?, ?)')
        .run(source, finishedAt.toISOString(), counts.stored, counts.unchanged, counts.withdrawn, counts.malformed);
      const ins = this.db.prepare('INSERT INTO import_counts (import_id, ecosystem, records) VALUES (?, ?, ?)');
      for (const [eco, n] of Object.entries(counts.byEcosystem)) ins.run(info.lastInsertRowid, eco, n);
    });
  }

  /**
   * Ids of live records with an affected entry for this package (name already normalised), in the
   * ecosystem or one of the scopes it covers (see ecosystemCovers).
   */
  recordIdsFor(ecosystem: string, normalisedName: string): string[] {
    const scoped = scopedEcosystemRange(ecosystem);
    const rows = scoped === undefined ? this.stmts.byPackage.all(ecosystem, normalisedName) : this.stmts.byPackageScoped.all(normalisedName, ecosystem, ...scoped);
    return rows.map((r) => r.record_id);
  }

  get(id: string): StoredRecord | undefined {
    const row = this.stmts.record.get(id);
    return row ? { record: JSON.parse(row.json) as OsvRecord, withdrawn: row.withdrawn !== null } : undefined;
  }

  download(url: string): { etag?: string; lastModified?: string } | undefined {
    const row = this.stmts.getDownload.get(url);
    return row ? { etag: row.etag ?? undefined, lastModified: row.last_modified ?? undefined } : undefined;
  }

  saveDownload(url: string, etag: string | undefined, lastModified: string | undefined, at: Date = new Date()): void {
    this.stmts.putDownload.run(url, etag ?? null, lastModified ?? null, at.toISOString());
  }

  status(): StoreStatus {
    const counts = this.db
      .prepare<[], { base_ecosystem: string; n: number }>('SELECT base_ecosystem, COUNT(DISTINCT record_id) AS n FROM affected GROUP BY base_ecosystem ORDER BY base_ecosystem')
      .all();
    const lastByEco = new Map(
      this.db
        .prepare<[], { ecosystem: string; at: string }>('SELECT c.ecosystem AS ecosystem, MAX(i.finished_at) AS at FROM import_counts c JOIN imports i ON i.id = c.import_id GROUP BY c.ecosystem')
        .all()
        .map((r) => [r.ecosystem, r.at]),
    );
    const totals = this.db.prepare<[], { live: number; withdrawn: number }>('SELECT COUNT(*) - COUNT(withdrawn) AS live, COUNT(withdrawn) AS withdrawn FROM records').get();
    const last = this.db.prepare<[], { at: string | null }>('SELECT MAX(finished_at) AS at FROM imports').get();
    const imports = this.db
      .prepare<[], { source: string; finished_at: string; stored: number; unchanged: number; withdrawn: number; malformed: number }>(
        'SELECT source, finished_at, stored, unchanged, withdrawn, malformed FROM imports ORDER BY id DESC LIMIT 20',
      )
      .all()
      .map((r) => ({ source: r.source, finishedAt: r.finished_at, stored: r.stored, unchanged: r.unchanged, withdrawn: r.withdrawn, malformed: r.malformed }));
    return {
      file: this.file,
      schemaVersion: this.schemaVersion,
      records: (totals?.live ?? 0) + (totals?.withdrawn ?? 0),
      live: totals?.live ?? 0,
      withdrawn: totals?.withdrawn ?? 0,
      ecosystems: counts.map((c) => {
        const at = lastByEco.get(c.base_ecosystem);
        return at === undefined ? { ecosystem: c.base_ecosystem, records: c.n } : { ecosystem: c.base_ecosystem, records: c.n, lastImport: at };
      }),
      ...(last?.at ? { lastImport: last.at } : {}),
      imports,
    };
  }

  close(): void {
    this.db.close();
  }
}
