import { looksLikeAuditEvent, TOO_BIG_MARKER } from '../event.js';
import type { EventSource } from '../engine.js';

/** The shapes audit events arrive in (see README.md): `auto` recognises each record by its fields. */
export const INPUT_KINDS = ['auto', 'k8s', 'aks-blob', 'eventhub', 'azurediagnostics', 'aksaudit'] as const;
export type InputKind = (typeof INPUT_KINDS)[number];

/** Where unwrapped records go: the engine. */
export interface RecordSink {
  event(raw: Record<string, unknown>, source: EventSource): void;
  skipped(): void;
  malformed(source: string, line: number | undefined, message: string): void;
  /** An input refused as a whole (UTF-16, binary data): reported once, not as malformed records. */
  unreadable(source: string, message: string): void;
  /** What a record's envelope says its input cannot hold (the sink tells the reader once). */
  limitation?(l: InputLimitation): void;
}

/**
 * What an envelope says about the events its input can hold: AKSAudit / AKSAuditAdmin rows have no
 * impersonation column, and kube-audit-admin (AKSAuditAdmin) leaves out get and list requests.
 */
export type InputLimitation = 'no-impersonation-column' | 'admin-category';

type Shape = 'event' | 'eventlist' | 'eventhub-body' | 'resource-log' | 'azurediagnostics' | 'aksaudit' | 'la-tables';

/** Which shapes each --input accepts (containers — JSON arrays — are always accepted). */
const ACCEPTS: Record<Exclude<InputKind, 'auto'>, readonly Shape[]> = {
  k8s: ['event', 'eventlist'],
  // Storage blobs before 2018-11-01 wrapped records in {"records": [...]} like Event Hubs bodies.
  'aks-blob': ['resource-log', 'eventhub-body'],
  eventhub: ['eventhub-body', 'resource-log'],
  azurediagnostics: ['azurediagnostics', 'la-tables'],
  aksaudit: ['aksaudit', 'la-tables'],
};

const ADMIN_CATEGORY = 'kube-audit-admin';
const AUDIT_CATEGORIES = new Set(['kube-audit', ADMIN_CATEGORY]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function shapeOf(v: Record<string, unknown>): Shape | undefined {
  // The common case first: a stream of bare events should not pay for the envelope probes.
  if (typeof v.verb === 'string' && looksLikeAuditEvent(v)) return 'event';
  if (Array.isArray(v.records)) return 'eventhub-body';
  if (Array.isArray(v.tables)) return 'la-tables';
  if (v.kind === 'EventList' && Array.isArray(v.items)) return 'eventlist';
  if (isRecord(v.properties) && ('log' in v.properties || 'category' in v)) return 'resource-log';
  if ('log_s' in v) return 'azurediagnostics';
  if ('AuditId' in v || ('Verb' in v && 'RequestUri' in v)) return 'aksaudit';
  if (looksLikeAuditEvent(v)) return 'event';
  return undefined;
}

/**
 * Takes one parsed JSON value (a line, a document, an array element or a CSV row) and hands the audit
 * events inside it to the sink: bare Events, EventLists, Event Hubs bodies, Storage / Event Hubs
 * resource-log records (`properties.log`), AzureDiagnostics rows (`log_s`), AKSAudit / AKSAuditAdmin rows
 * and Log Analytics query responses (`tables`). Records of other diagnostic categories are skipped;
 * anything unrecognisable is malformed. Never throws.
 */
export function unwrap(value: unknown, kind: InputKind, sink: RecordSink, file: string, line: number, depth = 0): void {
  if (Array.isArray(value)) {
    if (depth >= 2) return sink.malformed(file, line, 'nested arrays are not audit records');
    for (const item of value) unwrap(item, kind, sink, file, line, depth + 1);
    return;
  }
  if (!isRecord(value)) return sink.malformed(file, line, 'not an audit event or an AKS record (a JSON object was expected)');
  const shape = shapeOf(value);
  if (!shape) return sink.malformed(file, line, 'data not recognized as a Kubernetes audit event (nor an AKS envelope of one)');
  if (kind !== 'auto' && !ACCEPTS[kind].includes(shape)) return sink.malformed(file, line, `expected ${describe(kind)}, found ${describeShape(shape)}`);
  const source = { file, line };
  switch (shape) {
    case 'event':
      return sink.event(value, source);
    case 'eventlist':
      for (const item of value.items as unknown[]) {
        if (looksLikeAuditEvent(item)) sink.event(item, source);
        else sink.malformed(file, line, 'an EventList item is not an audit event');
      }
      return;
    case 'eventhub-body':
      for (const rec of value.records as unknown[]) {
        if (isRecord(rec) && shapeOf(rec) === 'resource-log') resourceLog(rec, sink, source);
        else if (isRecord(rec) && looksLikeAuditEvent(rec)) sink.event(rec, source);
        else sink.malformed(file, line, 'a records[] entry is not an AKS resource-log record');
      }
      return;
    case 'resource-log':
      return resourceLog(value, sink, source);
    case 'azurediagnostics':
      return azureDiagnosticsRow(value, sink, source);
    case 'aksaudit':
      return aksAuditRow(value, sink, source);
    case 'la-tables':
      return tables(value, kind, sink, source);
  }
}

function describe(kind: Exclude<InputKind, 'auto'>): string {
  return {
    k8s: 'audit.k8s.io Events',
    'aks-blob': 'AKS storage records (properties.log)',
    eventhub: 'Event Hubs bodies (records[])',
    azurediagnostics: 'AzureDiagnostics rows (log_s)',
    aksaudit: 'AKSAudit rows (AuditId, Verb, ...)',
  }[kind];
}

function describeShape(shape: Shape): string {
  return {
    event: 'an audit Event',
    eventlist: 'an EventList',
    'eventhub-body': 'an Event Hubs body',
    'resource-log': 'an AKS resource-log record',
    azurediagnostics: 'an AzureDiagnostics row',
    aksaudit: 'an AKSAudit row',
    'la-tables': 'a Log Analytics query response',
  }[shape];
}

/** A category other than kube-audit(-admin) is not an error: one hub or table carries every category. */
function otherCategory(category: unknown): boolean {
  return typeof category === 'string' && category !== '' && !AUDIT_CATEGORIES.has(category);
}

/** The Event inside a JSON string (`properties.log`, `log_s`); klog text of an unlabelled record is skipped. */
function innerEvent(log: unknown, labelledAudit: boolean, field: string, sink: RecordSink, source: EventSource): void {
  if (typeof log !== 'string') {
    if (labelledAudit) sink.malformed(source.file, source.line, `${field} is not a string`);
    else sink.skipped();
    return;
  }
  let inner: unknown;
  try {
    inner = JSON.parse(log);
  } catch {
    // Without a category, a non-JSON log is a control-plane component's text, as Falco's AKS plugin assumes.
    if (labelledAudit) sink.malformed(source.file, source.line, `${field} is not JSON`);
    else sink.skipped();
    return;
  }
  if (looksLikeAuditEvent(inner)) sink.event(inner, source);
  else if (labelledAudit) sink.malformed(source.file, source.line, `${field} does not hold an audit event`);
  else sink.skipped();
}

function resourceLog(rec: Record<string, unknown>, sink: RecordSink, source: EventSource): void {
  if (otherCategory(rec.category)) return sink.skipped();
  if (rec.category === ADMIN_CATEGORY) sink.limitation?.('admin-category');
  const props = isRecord(rec.properties) ? rec.properties : {};
  innerEvent(props.log, typeof rec.category === 'string', 'properties.log', sink, source);
}

function azureDiagnosticsRow(row: Record<string, unknown>, sink: RecordSink, source: EventSource): void {
  if (otherCategory(row.Category)) return sink.skipped();
  if (row.Category === ADMIN_CATEGORY) sink.limitation?.('admin-category');
  innerEvent(row.log_s, typeof row.Category === 'string' && row.Category !== '', 'log_s', sink, source);
}

/** A dynamic column: an object as the query API or a JSON export gives it, or its JSON text (CSV). */
function dynamic(v: unknown): unknown {
  // An empty dynamic column is null in a JSON export: absent, not an Event field of the wrong type.
  if (v === null) return undefined;
  if (typeof v !== 'string') return v;
  if (v === '') return undefined;
  if (v === TOO_BIG_MARKER) return v;
  const c = v.charCodeAt(0);
  if (c === 123 || c === 91) {
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  }
  return v;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Rebuilds the Event from the typed columns of AKSAudit / AKSAuditAdmin (AKS-FORMATS.md, shape 2). */
function aksAuditRow(row: Record<string, unknown>, sink: RecordSink, source: EventSource): void {
  if (typeof row.Type === 'string' && row.Type !== '' && !/^AKSAudit(Admin)?$/.test(row.Type)) return sink.skipped();
  if (row.Type === 'AKSAuditAdmin') sink.limitation?.('admin-category');
  // The documented AKSAudit / AKSAuditAdmin schema has no impersonation column; an export that adds one is still read.
  if (!('ImpersonatedUser' in row)) sink.limitation?.('no-impersonation-column');
  const event: Record<string, unknown> = { kind: 'Event', apiVersion: 'audit.k8s.io/v1' };
  const set = (key: string, v: unknown) => {
    if (v !== undefined) event[key] = v;
  };
  set('level', text(row.Level));
  set('auditID', text(row.AuditId));
  set('stage', text(row.Stage));
  set('requestURI', text(row.RequestUri));
  set('verb', text(row.Verb));
  set('user', dynamic(row.User));
  set('impersonatedUser', dynamic(row.ImpersonatedUser));
  set('sourceIPs', dynamic(row.SourceIps));
  set('userAgent', text(row.UserAgent));
  set('objectRef', dynamic(row.ObjectRef));
  set('responseStatus', dynamic(row.ResponseStatus));
  set('requestObject', dynamic(row.RequestObject));
  set('responseObject', dynamic(row.ResponseObject));
  set('requestReceivedTimestamp', text(row.RequestReceivedTime));
  set('stageTimestamp', text(row.StageReceivedTime) ?? text(row.TimeGenerated));
  set('annotations', dynamic(row.Annotations));
  if (looksLikeAuditEvent(event)) sink.event(event, source);
  else sink.malformed(source.file, source.line, 'an AKSAudit row without a Verb');
}

/** A Log Analytics query response: `{tables: [{columns: [{name}], rows: [[...]]}]}`. */
function tables(body: Record<string, unknown>, kind: InputKind, sink: RecordSink, source: EventSource): void {
  for (const t of body.tables as unknown[]) {
    if (!isRecord(t) || !Array.isArray(t.columns) || !Array.isArray(t.rows)) {
      sink.malformed(source.file, source.line, 'a table without columns and rows');
      continue;
    }
    const names = t.columns.map((c) => (isRecord(c) && typeof c.name === 'string' ? c.name : ''));
    for (const r of t.rows) {
      if (!Array.isArray(r)) {
        sink.malformed(source.file, source.line, 'a table row that is not an array');
        continue;
      }
      const row: Record<string, unknown> = {};
      names.forEach((n, i) => {
        if (n) row[n] = r[i];
      });
      unwrap(row, kind === 'auto' ? 'auto' : kind, sink, source.file, source.line, 1);
    }
  }
}

/**
 * A CSV header as Log Analytics exports it: `TimeGenerated [UTC]` → `TimeGenerated`. (The portal
 * appends the time zone to datetime columns.)
 */
export function csvColumnName(header: string): string {
  return header.replace(/^\uFEFF/, '').replace(/\s*\[[^\]]*\]\s*$/, '').trim();
}
