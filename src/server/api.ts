import type { Finding } from '../core/finding.js';
import { isActive } from '../core/finding.js';
import { isPillar, isSeverity, PILLARS, SEVERITIES, type Pillar } from '../core/severity.js';
import type { FindingFilter, HistoryStore } from '../store/index.js';
import { HttpError, json, type Request, type Response, type Route } from './http.js';

/** Most new or fixed findings a diff answer carries in full; the id lists are always whole. */
export const DIFF_DETAIL_LIMIT = 200;
const MAX_TEXT = 200;

function positiveInt(value: string, what: string): number {
  if (!/^[0-9]{1,15}$/.test(value)) throw new HttpError(400, `${what} must be a whole number, not ${JSON.stringify(value.slice(0, MAX_TEXT))}`);
  return Number(value);
}

function scanId(req: Request): number {
  const id = positiveInt(req.params.id ?? '', 'scan id');
  if (id < 1) throw new HttpError(400, 'scan id must be 1 or more');
  return id;
}

/** The query may name only these parameters, each at most once: a typo should not silently widen a filter. */
function checkQuery(query: URLSearchParams, allowed: readonly string[]): void {
  const seen = new Set<string>();
  for (const [k, v] of query) {
    if (!allowed.includes(k)) throw new HttpError(400, `unknown parameter ${JSON.stringify(k.slice(0, MAX_TEXT))} (allowed: ${allowed.join(', ') || 'none'})`);
    if (seen.has(k)) throw new HttpError(400, `parameter ${k} given twice`);
    if (v.length > 1000) throw new HttpError(400, `parameter ${k} is longer than 1000 characters`);
    seen.add(k);
  }
}

function pillarParam(query: URLSearchParams): Pillar | undefined {
  const v = query.get('pillar');
  if (v === null || v === '') return undefined;
  if (!isPillar(v)) throw new HttpError(400, `unknown pillar ${JSON.stringify(v.slice(0, MAX_TEXT))} (expected ${PILLARS.join(', ')})`);
  return v;
}

async function knownTarget(store: HistoryStore, query: URLSearchParams, required: boolean): Promise<string | undefined> {
  const target = query.get('target');
  if (target === null || target === '') {
    if (required) throw new HttpError(400, 'parameter target is required');
    return undefined;
  }
  if (!(await store.latestScan(target))) throw new HttpError(404, `no scans of target ${JSON.stringify(target.slice(0, MAX_TEXT))}`);
  return target;
}

/** The filter of `/api/scans/:id/findings`, validated. `namespace=` (empty) selects objects without a namespace. */
export function findingFilter(query: URLSearchParams): FindingFilter {
  checkQuery(query, ['severity', 'pillar', 'rule', 'namespace', 'q', 'limit', 'offset', 'suppressed']);
  const filter: FindingFilter = { suppressed: false };
  const severity = query.get('severity');
  if (severity !== null && severity !== '') {
    if (!isSeverity(severity)) throw new HttpError(400, `unknown severity ${JSON.stringify(severity.slice(0, MAX_TEXT))} (expected ${SEVERITIES.join(', ')})`);
    filter.minSeverity = severity;
  }
  const pillar = pillarParam(query);
  if (pillar) filter.pillar = pillar;
  const rule = query.get('rule');
  if (rule !== null && rule !== '') filter.rule = rule;
  const namespace = query.get('namespace');
  if (namespace !== null) filter.namespace = namespace === '' ? null : namespace;
  const q = query.get('q');
  if (q !== null && q.trim() !== '') filter.search = q.trim();
  const limit = query.get('limit');
  if (limit !== null) {
    const n = positiveInt(limit, 'limit');
    if (n < 1 || n > 1000) throw new HttpError(400, 'limit must be between 1 and 1000');
    filter.limit = n;
  }
  const offset = query.get('offset');
  if (offset !== null) filter.offset = positiveInt(offset, 'offset');
  const suppressed = query.get('suppressed');
  if (suppressed !== null) {
    if (suppressed === 'true') filter.suppressed = true;
    else if (suppressed === 'all') delete filter.suppressed;
    else if (suppressed !== 'false') throw new HttpError(400, 'suppressed must be true, false or all');
  }
  return filter;
}

/** A target whose last scan failed: failed scans are not stored, so only the scheduler knows. */
export interface FailingTarget {
  target: string;
  error: string;
}

/** The JSON API over a history store: handlers are plain functions of the request. */
export function apiRoutes(store: HistoryStore, failing: () => FailingTarget[] = () => []): Route[] {
  /** Cheap for a scan with findings (one row read); a scan without any loads nothing else either. */
  const scanExists = async (id: number): Promise<boolean> =>
    (await store.findings(id, { limit: 1 })).total > 0 || (await store.getScan(id)) !== undefined;

  const targets = async (req: Request): Promise<Response> => {
    checkQuery(req.query, []);
    return json({ targets: await store.targets(), failing: failing() });
  };

  const scans = async (req: Request): Promise<Response> => {
    checkQuery(req.query, ['target', 'limit']);
    const target = await knownTarget(store, req.query, false);
    const limitText = req.query.get('limit');
    let limit = 50;
    if (limitText !== null) {
      limit = positiveInt(limitText, 'limit');
      if (limit < 1 || limit > 1000) throw new HttpError(400, 'limit must be between 1 and 1000');
    }
    return json({ scans: await store.listScans(target, limit) });
  };

  const scan = async (req: Request): Promise<Response> => {
    const id = scanId(req);
    checkQuery(req.query, []);
    const stored = await store.getScan(id);
    if (!stored) throw new HttpError(404, `no scan ${id}`);
    const { report } = stored;
    const rules = new Set<string>();
    const namespaces = new Set<string>();
    let clusterScoped = false;
    for (const f of report.findings) {
      if (!isActive(f)) continue;
      rules.add(f.rule);
      if (f.resource.namespace === null || f.resource.namespace === '') clusterScoped = true;
      else namespaces.add(f.resource.namespace);
    }
    // The findings themselves are paged through /findings: a scan can carry hundreds of thousands.
    return json({
      scan: stored.scan,
      summary: report.summary,
      errors: report.errors,
      notes: report.notes,
      paths: report.paths ?? null,
      facets: { rules: [...rules].sort(), namespaces: [...namespaces].sort(), clusterScoped },
    });
  };

  const findings = async (req: Request): Promise<Response> => {
    const id = scanId(req);
    const filter = findingFilter(req.query);
    const page = await store.findings(id, filter);
    if (page.total === 0 && !(await scanExists(id))) throw new HttpError(404, `no scan ${id}`);
    return json(page);
  };

  const diff = async (req: Request): Promise<Response> => {
    const id = scanId(req);
    checkQuery(req.query, ['against']);
    const againstText = req.query.get('against');
    const against = againstText === null ? undefined : positiveInt(againstText, 'against');
    const d = await store.diff(id, against);
    if (!d) throw new HttpError(404, against === undefined ? `no scan ${id}` : `no scan ${id} or ${against}`);
    const details = async (scan: number | null, ids: readonly string[]): Promise<Finding[]> =>
      scan === null || ids.length === 0 ? [] : (await store.findings(scan, { ids: ids.slice(0, DIFF_DETAIL_LIMIT), limit: DIFF_DETAIL_LIMIT })).findings;
    return json({
      ...d,
      newFindings: await details(d.scanId, d.new),
      fixedFindings: await details(d.previousScanId, d.fixed),
      suppressedFindings: await details(d.scanId, d.suppressed),
    });
  };

  const trend = async (req: Request): Promise<Response> => {
    checkQuery(req.query, ['target', 'pillar', 'since']);
    const target = (await knownTarget(store, req.query, true))!;
    const pillar = pillarParam(req.query);
    const since = req.query.get('since');
    // An ISO 8601 date or time only: Date.parse reads `1` as the year 2001.
    if (since !== null && (!/^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(since) || Number.isNaN(Date.parse(since))))
      throw new HttpError(400, `since must be a date (YYYY-MM-DD or an ISO 8601 time), not ${JSON.stringify(since.slice(0, MAX_TEXT))}`);
    return json({ target, pillar: pillar ?? null, points: await store.trend(target, pillar, since ?? undefined) });
  };

  return [
    { method: 'GET', pattern: '/api/targets', name: '/api/targets', handler: targets },
    { method: 'GET', pattern: '/api/scans', name: '/api/scans', handler: scans },
    { method: 'GET', pattern: '/api/scans/:id', name: '/api/scans/:id', handler: scan },
    { method: 'GET', pattern: '/api/scans/:id/findings', name: '/api/scans/:id/findings', handler: findings },
    { method: 'GET', pattern: '/api/scans/:id/diff', name: '/api/scans/:id/diff', handler: diff },
    { method: 'GET', pattern: '/api/trend', name: '/api/trend', handler: trend },
  ];
}
