import type { Finding } from '../core/finding.js';
import type { Report } from '../core/report.js';
import type { Pillar, Severity } from '../core/severity.js';

/** One stored scan without its findings: what lists, overviews and trends show. */
export interface ScanRecord {
  id: number;
  /** What was scanned: a kube context name or an AKS resource id. */
  target: string;
  /** The report's `generatedAt`, as the report wrote it. */
  generatedAt: string;
  /** `generatedAt` as ISO 8601 UTC (the time the save happened when `generatedAt` is not a date); scans are ordered by it. */
  scannedAt: string;
  savedAt: string;
  toolVersion: string;
  resources: number;
  /** Active (not suppressed) findings. */
  findings: number;
  suppressed: number;
  score: number;
  bySeverity: Record<Severity, number>;
  byPillar: Partial<Record<Pillar, number>>;
  /** How many inputs could not be read (`report.errors.length`). */
  inputErrors: number;
}

export interface StoredScan {
  scan: ScanRecord;
  /** The report as saved, findings in their original order. */
  report: Report;
}

export interface FindingFilter {
  /** Only findings at least this severe. */
  minSeverity?: Severity;
  pillar?: Pillar | readonly Pillar[];
  /** Exact rule ids. */
  rule?: string | readonly string[];
  /** Exact namespace; `null` selects findings on objects without one (cluster-scoped, or none in the manifest). */
  namespace?: string | null;
  /** Case-insensitive substring of the message, the resource (`Kind/namespace/name`) or the rule id. */
  search?: string;
  /** Exact finding ids, e.g. the `new` or `fixed` ids of a diff. */
  ids?: readonly string[];
  /** `false`: active findings only; `true`: suppressed ones only; absent: both. */
  suppressed?: boolean;
  /** Page size, 1..1000; 100 when absent. */
  limit?: number;
  offset?: number;
}

export interface FindingPage {
  /** Matches before paging. */
  total: number;
  /** Most severe first, then in report order. */
  findings: Finding[];
}

export interface ScanDiff {
  scanId: number;
  /** The scan compared against; `null` when the target has no earlier scan (then every active finding is new). */
  previousScanId: number | null;
  /** Ids of active findings in this scan and not active in the previous one, sorted. */
  new: string[];
  /** Ids of active findings in the previous scan and not in this one at all, sorted. */
  fixed: string[];
  /**
   * Ids of active findings in the previous scan that this one still has, suppressed (an exception, an
   * annotation, the aks-managed profile), sorted: an accepted risk, not a fix.
   */
  suppressed: string[];
}

export interface TrendPoint {
  scanId: number;
  scannedAt: string;
  /** The scan's score, or the pillar's own score (same formula, the pillar's findings only) when a pillar was asked for. */
  score: number;
  findings: number;
  bySeverity: Record<Severity, number>;
}

export interface TargetInfo {
  target: string;
  scans: number;
  latest: ScanRecord;
}

export interface Retention {
  /** Keep at most this many scans per target (at least 1). */
  maxScans?: number;
  /** Drop scans older than this many days. */
  maxAgeDays?: number;
}

export interface AppliedMigration {
  version: number;
  name: string;
  appliedAt: string;
}

export interface StoreStatus {
  backend: 'sqlite' | 'postgres';
  /** The highest applied migration, 0 for an empty database. */
  version: number;
  migrations: AppliedMigration[];
  /** Palisade's tables and their columns, in column order. */
  tables: Record<string, string[]>;
}

/**
 * Scan history. Both backends keep the same logical schema and answer every call alike. Text is
 * stored as given except U+0000 and lone surrogates, which PostgreSQL text cannot hold: both backends
 * store them as U+FFFD in text fields (evidence and other JSON keep them exactly, escaped).
 */
export interface HistoryStore {
  readonly backend: 'sqlite' | 'postgres';
  /** Applies pending migrations, each once, in version order, each in its own transaction. Runs on open. */
  migrate(): Promise<{ applied: number[]; version: number }>;
  /** Stores the report's summary and every finding (suppressed ones too) in one transaction; returns the scan id. */
  saveScan(target: string, report: Report): Promise<number>;
  /** Newest first; every target when `target` is absent; 50 when `limit` is absent. */
  listScans(target?: string, limit?: number): Promise<ScanRecord[]>;
  latestScan(target: string): Promise<ScanRecord | undefined>;
  getScan(id: number): Promise<StoredScan | undefined>;
  findings(scanId: number, filter?: FindingFilter): Promise<FindingPage>;
  /**
   * New and fixed finding ids against `previousScanId`, or against the previous scan of the same
   * target when it is absent. `undefined` when a scan id is unknown.
   */
  diff(scanId: number, previousScanId?: number): Promise<ScanDiff | undefined>;
  /** One point per scan of the target, oldest first, from `since` (inclusive) on. */
  trend(target: string, pillar?: Pillar, since?: Date | string): Promise<TrendPoint[]>;
  /** Every target with its scan count and latest scan, by target name. */
  targets(): Promise<TargetInfo[]>;
  /** Deletes scans beyond the retention; the latest scan of every target always stays. Returns how many scans went. */
  prune(retention: Retention, now?: Date): Promise<number>;
  status(): Promise<StoreStatus>;
  close(): Promise<void>;
}
