/**
 * Versioned schema changes. Each migration carries the same logical change for both backends, side by
 * side, so they cannot drift apart; a released migration is never edited, a change is a new version.
 * Timestamps are epoch milliseconds and JSON is plain text in both backends: PostgreSQL's jsonb would
 * reorder keys and refuse `\u0000`, and the store promises evidence back exactly as saved.
 */
export interface Migration {
  version: number;
  name: string;
  sqlite: readonly string[];
  postgres: readonly string[];
}

export const MIGRATIONS_TABLE = 'palisade_migrations';

export const MIGRATIONS_TABLE_DDL = {
  sqlite: `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`,
  postgres: `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`,
};

const SEVERITY_COLUMNS = 'critical INTEGER NOT NULL, high INTEGER NOT NULL, medium INTEGER NOT NULL, low INTEGER NOT NULL, info INTEGER NOT NULL';

/** Columns of a finding row after `scan_id`, in insert order. */
export const FINDING_COLUMNS = [
  'seq', 'finding_id', 'rule', 'title', 'severity', 'severity_rank', 'pillar',
  'api_version', 'kind', 'namespace', 'name', 'container', 'field', 'message', 'remediation',
  'location_file', 'location_line', 'location_path', 'frameworks', 'evidence', 'verify',
  'suppressed', 'baseline', 'search_text',
] as const;

const FINDING_COLUMNS_DDL = `
  seq INTEGER NOT NULL,
  finding_id TEXT NOT NULL,
  rule TEXT NOT NULL,
  title TEXT NOT NULL,
  severity TEXT NOT NULL,
  severity_rank INTEGER NOT NULL,
  pillar TEXT NOT NULL,
  api_version TEXT NOT NULL,
  kind TEXT NOT NULL,
  namespace TEXT,
  name TEXT NOT NULL,
  container TEXT,
  field TEXT,
  message TEXT NOT NULL,
  remediation TEXT NOT NULL,
  location_file TEXT,
  location_line INTEGER,
  location_path TEXT,
  frameworks TEXT NOT NULL,
  evidence TEXT NOT NULL,
  verify TEXT,
  suppressed TEXT,
  baseline TEXT,
  search_text TEXT NOT NULL,
  PRIMARY KEY (scan_id, seq)`;

const SCAN_COLUMNS_DDL = `
  target TEXT NOT NULL,
  generated_at TEXT NOT NULL,
  scanned_at BIGINT NOT NULL,
  saved_at BIGINT NOT NULL,
  tool_version TEXT NOT NULL,
  resources INTEGER NOT NULL,
  findings INTEGER NOT NULL,
  suppressed INTEGER NOT NULL,
  score INTEGER NOT NULL,
  ${SEVERITY_COLUMNS},
  by_pillar TEXT NOT NULL,
  input_errors INTEGER NOT NULL,
  extra TEXT NOT NULL`;

const PILLAR_COLUMNS_DDL = `
  pillar TEXT NOT NULL,
  score INTEGER NOT NULL,
  findings INTEGER NOT NULL,
  ${SEVERITY_COLUMNS},
  PRIMARY KEY (scan_id, pillar)`;

const INDEXES = [
  'CREATE INDEX palisade_scans_target_time ON palisade_scans (target, scanned_at, id)',
  'CREATE INDEX palisade_findings_scan_rank ON palisade_findings (scan_id, severity_rank, seq)',
  'CREATE INDEX palisade_findings_scan_finding ON palisade_findings (scan_id, finding_id)',
];

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'scan history',
    sqlite: [
      `CREATE TABLE palisade_scans (id INTEGER PRIMARY KEY AUTOINCREMENT, ${SCAN_COLUMNS_DDL})`,
      `CREATE TABLE palisade_findings (scan_id INTEGER NOT NULL REFERENCES palisade_scans (id), ${FINDING_COLUMNS_DDL})`,
      `CREATE TABLE palisade_scan_pillars (scan_id INTEGER NOT NULL REFERENCES palisade_scans (id), ${PILLAR_COLUMNS_DDL})`,
      ...INDEXES,
    ],
    postgres: [
      `CREATE TABLE palisade_scans (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, ${SCAN_COLUMNS_DDL})`,
      `CREATE TABLE palisade_findings (scan_id BIGINT NOT NULL REFERENCES palisade_scans (id), ${FINDING_COLUMNS_DDL})`,
      `CREATE TABLE palisade_scan_pillars (scan_id BIGINT NOT NULL REFERENCES palisade_scans (id), ${PILLAR_COLUMNS_DDL})`,
      ...INDEXES,
    ],
  },
];

/** Throws when versions are not positive integers in strictly increasing order. */
export function checkMigrations(list: readonly Migration[]): void {
  let last = 0;
  for (const m of list) {
    if (!Number.isInteger(m.version) || m.version <= last)
      throw new Error(`migration versions must be increasing positive integers: ${m.version} after ${last}`);
    last = m.version;
  }
}

/** What to apply, given the versions already applied; refuses a database written by a newer Palisade. */
export function pendingMigrations(list: readonly Migration[], applied: ReadonlySet<number>): Migration[] {
  checkMigrations(list);
  const known = new Set(list.map((m) => m.version));
  const unknown = [...applied].filter((v) => !known.has(v)).sort((a, b) => a - b);
  if (unknown.length > 0)
    throw new Error(`the history database has schema migration ${unknown.join(', ')} that this Palisade does not know (it knows up to ${list.at(-1)?.version ?? 0}); use a newer Palisade`);
  const pending = list.filter((m) => !applied.has(m.version));
  const newest = Math.max(0, ...applied);
  const late = pending.find((m) => m.version < newest);
  // Applying an older migration after a newer one would run it against a schema it was not written for.
  if (late) throw new Error(`schema migration ${late.version} (${late.name}) is missing from a history database already at ${newest}`);
  return pending;
}
