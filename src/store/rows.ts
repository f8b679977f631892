import { isActive, type Finding } from '../core/finding.js';
import { score, type Report } from '../core/report.js';
import { PILLARS, SEVERITIES, isPillar, isSeverity, severityRank, type Pillar, type Severity } from '../core/severity.js';
import type { FindingFilter, Retention, ScanRecord, TrendPoint } from './history-store.js';
import { FINDING_COLUMNS } from './migrations.js';

/**
 * Conversions between reports and table rows, and the SQL pieces both backends share, so that the
 * two answer alike by construction rather than by parallel code.
 */

// U+0000 is precisely what these match.
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /[\u0000\uD800-\uDFFF]/;
// eslint-disable-next-line no-control-regex
const UNSTORABLE_ALL = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * PostgreSQL text cannot hold U+0000, and a lone surrogate is not UTF-8 at all: both become U+FFFD, in
 * both backends, so they agree. JSON columns keep them exactly, escaped.
 */
export function text(s: string): string {
  return UNSTORABLE.test(s) ? s.replace(UNSTORABLE_ALL, '\uFFFD') : s;
}

function textOrNull(s: string | undefined | null): string | null {
  return s === undefined || s === null ? null : text(String(s));
}

/** What free-text search looks in; lower-cased here so both backends compare the same strings. */
export function searchText(f: Finding): string {
  return text(`${f.rule}\n${f.resource.kind}/${f.resource.namespace ?? ''}/${f.resource.name}\n${f.message}`).toLowerCase();
}

export type Cell = string | number | null;

/** One finding as the values of `FINDING_COLUMNS`, in order. */
export function findingValues(f: Finding, seq: number): Cell[] {
  return [
    seq,
    text(f.id),
    text(f.rule),
    text(f.title),
    f.severity,
    severityRank(f.severity),
    f.pillar,
    text(f.resource.apiVersion),
    text(f.resource.kind),
    textOrNull(f.resource.namespace),
    text(f.resource.name),
    textOrNull(f.container),
    textOrNull(f.field),
    text(f.message),
    text(f.remediation),
    textOrNull(f.location?.file),
    f.location ? f.location.line : null,
    textOrNull(f.location?.path),
    JSON.stringify(f.frameworks ?? []),
    JSON.stringify(f.evidence ?? {}),
    textOrNull(f.verify),
    f.suppressed === undefined ? null : JSON.stringify(f.suppressed),
    textOrNull(f.baseline),
    searchText(f),
  ];
}

type Row = Record<string, unknown>;

function str(v: unknown): string {
  return typeof v === 'string' ? v : String(v);
}

/**
 * Which store a row was read from, for the line that reports a row it could not read. A row damaged in
 * the database (edited by hand, a disk fault) is left out or read without its bad column, with a log line:
 * one such row must not stop every later scan of its target or every page that lists it.
 */
export interface RowOrigin {
  /** The store as the log names it (`sqlite FILE`, `postgres`): never a connection string with its password. */
  store: string;
}

function logUnreadable(origin: RowOrigin, scanId: unknown, column: string, what: string): void {
  process.stderr.write(`palisade: ${new Date().toISOString()} store ${origin.store}: scan ${str(scanId)}: column ${column}: ${what}\n`);
}

/** A JSON column's value when it parses and passes `valid`; undefined otherwise. */
function jsonCell(value: unknown, valid: (v: unknown) => boolean): { value: unknown } | undefined {
  try {
    const parsed = JSON.parse(str(value)) as unknown;
    return valid(parsed) ? { value: parsed } : undefined;
  } catch {
    return undefined;
  }
}

const isPlainObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The columns reads select, in the order `findingFromCells` expects. */
export const FINDING_SELECT = FINDING_COLUMNS.join(', ');

/**
 * A finding from a row read as an array in `FINDING_COLUMNS` order: arrays, not keyed objects, because
 * both drivers build a 50k-row page about three times faster that way. A row that cannot be read gives
 * the name of its first bad column instead.
 */
function findingFromCells(c: readonly unknown[]): Finding | { unreadable: string } {
  const [, id, rule, title, severity, , pillar, apiVersion, kind, namespace, name, container, field, message, remediation, file, line, path, frameworks, evidence, verify, suppressed, baseline] = c;
  const sev = str(severity);
  if (!isSeverity(sev)) return { unreadable: 'severity' };
  const pil = str(pillar);
  if (!isPillar(pil)) return { unreadable: 'pillar' };
  const refs = jsonCell(frameworks, Array.isArray);
  if (!refs) return { unreadable: 'frameworks' };
  const ev = jsonCell(evidence, isPlainObject);
  if (!ev) return { unreadable: 'evidence' };
  const suppression = suppressed === null ? undefined : jsonCell(suppressed, isPlainObject);
  if (suppressed !== null && !suppression) return { unreadable: 'suppressed' };
  const f: Finding = {
    id: str(id),
    rule: str(rule),
    title: str(title),
    severity: sev,
    pillar: pil,
    resource: { apiVersion: str(apiVersion), kind: str(kind), namespace: namespace === null ? null : str(namespace), name: str(name) },
    message: str(message),
    remediation: str(remediation),
    frameworks: refs.value as Finding['frameworks'],
    evidence: ev.value as Finding['evidence'],
  };
  if (container !== null) f.container = str(container);
  if (field !== null) f.field = str(field);
  if (file !== null) {
    f.location = { file: str(file), line: Number(line) };
    if (path !== null) f.location.path = str(path);
  }
  if (verify !== null) f.verify = str(verify);
  if (suppression) f.suppressed = suppression.value as Finding['suppressed'];
  if (baseline !== null) f.baseline = str(baseline) as Finding['baseline'];
  return f;
}

/** The findings of rows of one scan; a row that cannot be read is left out with a log line naming its column. */
export function findingsFromCells(rows: readonly (readonly unknown[])[], scanId: number, origin: RowOrigin): Finding[] {
  const out: Finding[] = [];
  for (const c of rows) {
    const read = findingFromCells(c);
    if (!('unreadable' in read)) out.push(read);
    else logUnreadable(origin, scanId, read.unreadable, `finding ${str(c[FINDING_COLUMNS.indexOf('finding_id')])} (seq ${str(c[0])}) is not readable and was left out`);
  }
  return out;
}

/** When the scan happened: the report's own time when it is a date, else the time of saving. */
function scanTime(generatedAt: string, now: number): number {
  const t = Date.parse(generatedAt);
  return Number.isFinite(t) ? t : now;
}

export const SCAN_COLUMNS = [
  'target', 'generated_at', 'scanned_at', 'saved_at', 'tool_version', 'resources', 'findings', 'suppressed', 'score',
  'critical', 'high', 'medium', 'low', 'info', 'by_pillar', 'input_errors', 'extra',
] as const;

export function scanValues(target: string, report: Report, now: number): Cell[] {
  const s = report.summary;
  const extra: Record<string, unknown> = { errors: report.errors ?? [], notes: report.notes ?? [] };
  if (report.baseline !== undefined) extra.baseline = report.baseline;
  // Attack paths travel with the scan's other report-level data: the dashboard shows them.
  if (report.paths !== undefined) extra.paths = report.paths;
  return [
    text(target),
    text(report.generatedAt),
    scanTime(report.generatedAt, now),
    now,
    text(report.tool.version),
    s.resources,
    s.findings,
    s.suppressed,
    s.score,
    ...SEVERITIES.map((sev) => s.bySeverity[sev] ?? 0),
    JSON.stringify(s.byPillar ?? {}),
    (report.errors ?? []).length,
    JSON.stringify(extra),
  ];
}

export const PILLAR_COLUMNS = ['pillar', 'score', 'findings', 'critical', 'high', 'medium', 'low', 'info'] as const;

/** Score and active-finding counts of every pillar (all six, so a trend has a point even for a clean pillar). */
export function pillarValues(report: Report): Cell[][] {
  const byPillar = new Map<Pillar, Finding[]>(PILLARS.map((p) => [p, []]));
  for (const f of report.findings) if (isActive(f)) byPillar.get(f.pillar)?.push(f);
  return PILLARS.map((p) => {
    const fs = byPillar.get(p) ?? [];
    const counts = SEVERITIES.map((sev) => fs.filter((f) => f.severity === sev).length);
    return [p, score(fs, report.summary.resources), fs.length, ...counts];
  });
}

function iso(ms: unknown): string {
  return new Date(Number(ms)).toISOString();
}

function severityCounts(r: Row): Record<Severity, number> {
  return Object.fromEntries(SEVERITIES.map((s) => [s, Number(r[s])])) as Record<Severity, number>;
}

/** A scan's byPillar counts; an unreadable value is read as none, with a log line. */
function byPillarOf(r: Row, origin: RowOrigin): ScanRecord['byPillar'] {
  const cell = jsonCell(r.by_pillar, isPlainObject);
  if (cell) return cell.value as ScanRecord['byPillar'];
  logUnreadable(origin, r.id, 'by_pillar', 'not a JSON object; read as no counts by pillar');
  return {};
}

export function scanFromRow(r: Row, origin: RowOrigin): ScanRecord {
  return {
    id: Number(r.id),
    target: str(r.target),
    generatedAt: str(r.generated_at),
    scannedAt: iso(r.scanned_at),
    savedAt: iso(r.saved_at),
    toolVersion: str(r.tool_version),
    resources: Number(r.resources),
    findings: Number(r.findings),
    suppressed: Number(r.suppressed),
    score: Number(r.score),
    bySeverity: severityCounts(r),
    byPillar: byPillarOf(r, origin),
    inputErrors: Number(r.input_errors),
  };
}

type ReportExtra = Pick<Report, 'errors' | 'notes' | 'baseline' | 'paths'>;

/** The report-level data kept beside a scan; an unreadable value is read as no errors and no notes, with a log line. */
function extraOf(scan: Row, origin: RowOrigin): ReportExtra {
  const cell = jsonCell(scan.extra, (v) => isPlainObject(v) && Array.isArray((v as Row).errors) && Array.isArray((v as Row).notes));
  if (cell) return cell.value as ReportExtra;
  logUnreadable(origin, scan.id, 'extra', 'not the expected JSON object; read as no input errors and no notes');
  return { errors: [], notes: [] };
}

/** A stored scan and its report from its rows; the scan row is read once, so a damaged cell is logged once. */
export function storedScanFromRows(scan: Row, findings: Finding[], origin: RowOrigin): { scan: ScanRecord; report: Report } {
  const rec = scanFromRow(scan, origin);
  const extra = extraOf(scan, origin);
  const report: Report = {
    schema: 'palisade.report/v1',
    tool: { name: 'palisade', version: rec.toolVersion },
    generatedAt: rec.generatedAt,
    summary: { resources: rec.resources, findings: rec.findings, bySeverity: rec.bySeverity, byPillar: rec.byPillar, score: rec.score, suppressed: rec.suppressed },
    findings,
    errors: extra.errors,
    notes: extra.notes,
  };
  if (extra.baseline !== undefined) report.baseline = extra.baseline;
  if (extra.paths !== undefined) report.paths = extra.paths;
  return { scan: rec, report };
}

export function trendFromRow(r: Row): TrendPoint {
  return { scanId: Number(r.id), scannedAt: iso(r.scanned_at), score: Number(r.score), findings: Number(r.findings), bySeverity: severityCounts(r) };
}

/** The parts of SQL that differ between the backends. */
export interface Dialect {
  /** Adds a parameter and returns its placeholder. */
  param(value: unknown): string;
  /** `column` is one of the values. */
  oneOf(column: string, values: readonly (string | number)[]): string;
  /** `needle` occurs in `column`. */
  contains(column: string, needle: string): string;
}

export const MAX_PAGE = 1000;
export const DEFAULT_PAGE = 100;

function list<T>(v: T | readonly T[] | undefined): readonly T[] | undefined {
  return v === undefined ? undefined : Array.isArray(v) ? (v as readonly T[]) : [v as T];
}

function count(name: string, v: number | undefined, fallback: number, min: number, max: number): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${v}`);
  return v;
}

export interface FindingQuery {
  where: string;
  limit: number;
  offset: number;
}

/** The WHERE clause (after `scan_id = ?`) and the page of a finding filter; throws RangeError on bad values. */
export function findingQuery(filter: FindingFilter, d: Dialect): FindingQuery {
  const parts: string[] = [];
  if (filter.minSeverity !== undefined) {
    if (!isSeverity(filter.minSeverity)) throw new RangeError(`unknown severity: ${String(filter.minSeverity)}`);
    parts.push(`severity_rank <= ${d.param(severityRank(filter.minSeverity))}`);
  }
  const pillars = list(filter.pillar);
  if (pillars) {
    const bad = pillars.find((p) => !isPillar(p));
    if (bad !== undefined) throw new RangeError(`unknown pillar: ${String(bad)}`);
    parts.push(d.oneOf('pillar', pillars));
  }
  const rules = list(filter.rule);
  if (rules) parts.push(d.oneOf('rule', rules.map(text)));
  if (filter.namespace === null) parts.push('namespace IS NULL');
  else if (filter.namespace !== undefined) parts.push(`namespace = ${d.param(text(filter.namespace))}`);
  if (filter.search !== undefined && filter.search !== '') parts.push(d.contains('search_text', text(filter.search).toLowerCase()));
  if (filter.ids) parts.push(d.oneOf('finding_id', filter.ids.map(text)));
  if (filter.suppressed === true) parts.push('suppressed IS NOT NULL');
  else if (filter.suppressed === false) parts.push('suppressed IS NULL');
  return {
    where: parts.map((p) => ` AND ${p}`).join(''),
    limit: count('limit', filter.limit, DEFAULT_PAGE, 1, MAX_PAGE),
    offset: count('offset', filter.offset, 0, 0, Number.MAX_SAFE_INTEGER),
  };
}

export function listLimit(limit: number | undefined): number {
  return count('limit', limit, 50, 1, 100_000);
}

/** The scan ids a retention drops, given every scan newest first per target. */
export function scansToPrune(scans: readonly { id: number; target: string; scannedAt: number }[], retention: Retention, now: number): number[] {
  const { maxScans, maxAgeDays } = retention;
  if (maxScans !== undefined && !(Number.isFinite(maxScans) && maxScans >= 0)) throw new RangeError(`maxScans must be a number ≥ 0, got ${maxScans}`);
  if (maxAgeDays !== undefined && !(Number.isFinite(maxAgeDays) && maxAgeDays >= 0)) throw new RangeError(`maxAgeDays must be a number ≥ 0, got ${maxAgeDays}`);
  const keep = Math.max(1, Math.floor(maxScans ?? Infinity));
  const cutoff = maxAgeDays === undefined ? -Infinity : now - maxAgeDays * 86_400_000;
  const seen = new Map<string, number>();
  const drop: number[] = [];
  for (const s of scans) {
    const rank = (seen.get(s.target) ?? 0) + 1;
    seen.set(s.target, rank);
    if (rank > 1 && (rank > keep || s.scannedAt < cutoff)) drop.push(s.id);
  }
  return drop;
}

export function sinceMs(since: Date | string | undefined): number | undefined {
  if (since === undefined) return undefined;
  const t = since instanceof Date ? since.getTime() : Date.parse(since);
  if (!Number.isFinite(t)) throw new RangeError(`not a date: ${String(since)}`);
  return t;
}

export function checkPillar(pillar: Pillar | undefined): void {
  if (pillar !== undefined && !isPillar(pillar)) throw new RangeError(`unknown pillar: ${String(pillar)}`);
}

/** Scan ids are positive integers; anything else (a NaN from a bad query string) is refused alike by both backends. */
export function checkScanId(id: number): void {
  if (!Number.isSafeInteger(id)) throw new RangeError(`not a scan id: ${String(id)}`);
}

export function checkTarget(target: string): void {
  if (typeof target !== 'string' || target === '') throw new RangeError('a scan target must be a non-empty string');
}
