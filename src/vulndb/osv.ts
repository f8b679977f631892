/**
 * The OSV record shape (https://ossf.github.io/osv-schema/) as far as matching and reporting need it,
 * and a validator that turns untrusted JSON into a record or a reason it was refused.
 */

export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvRange {
  type: string;
  repo?: string;
  events: OsvEvent[];
}

export interface OsvSeverity {
  type: string;
  score: string;
}

export interface OsvAffected {
  package?: { ecosystem: string; name: string; purl?: string };
  ranges?: OsvRange[];
  versions?: string[];
  severity?: OsvSeverity[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

export interface OsvRecord {
  schema_version?: string;
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  upstream?: string[];
  related?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[];
  affected?: OsvAffected[];
  references?: Array<{ type: string; url: string }>;
  database_specific?: Record<string, unknown>;
}

export type Parsed = { ok: true; record: OsvRecord } | { ok: false; reason: string };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringList(v: unknown, what: string): string | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) return `${what} must be a list of strings`;
  return undefined;
}

function checkSeverity(v: unknown, what: string): string | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) return `${what} must be a list`;
  for (const s of v) if (!isObject(s) || typeof s.type !== 'string' || typeof s.score !== 'string') return `${what} entries need string type and score`;
  return undefined;
}

const EVENT_KEYS = new Set(['introduced', 'fixed', 'last_affected', 'limit']);

function checkAffected(a: unknown, i: number): string | undefined {
  const at = `affected[${i}]`;
  if (!isObject(a)) return `${at} is not an object`;
  if (a.package !== undefined) {
    const p = a.package;
    if (!isObject(p) || typeof p.ecosystem !== 'string' || typeof p.name !== 'string' || p.name === '') return `${at}.package needs string ecosystem and name`;
  }
  if (a.ranges !== undefined) {
    if (!Array.isArray(a.ranges)) return `${at}.ranges must be a list`;
    for (const [j, r] of a.ranges.entries()) {
      if (!isObject(r) || typeof r.type !== 'string' || !Array.isArray(r.events)) return `${at}.ranges[${j}] needs a type and events`;
      for (const e of r.events) {
        const keys = isObject(e) ? Object.keys(e) : [];
        // The schema requires exactly one key per event; anything else would be a guess at the author's intent.
        if (keys.length !== 1 || !EVENT_KEYS.has(keys[0] as string) || typeof (e as Record<string, unknown>)[keys[0] as string] !== 'string')
          return `${at}.ranges[${j}] has an event that is not one of introduced/fixed/last_affected/limit with a string version`;
      }
    }
  }
  return stringList(a.versions, `${at}.versions`) ?? checkSeverity(a.severity, `${at}.severity`);
}

/** Validates untrusted JSON as an OSV record. Unknown fields are kept; wrong types of the fields matching reads are refused. */
export function parseOsvRecord(json: unknown): Parsed {
  if (!isObject(json)) return { ok: false, reason: 'not a JSON object' };
  if (typeof json.id !== 'string' || json.id === '') return { ok: false, reason: 'missing id' };
  if (typeof json.modified !== 'string' || Number.isNaN(Date.parse(json.modified))) return { ok: false, reason: `${json.id}: missing or invalid modified time` };
  if (json.withdrawn !== undefined && typeof json.withdrawn !== 'string') return { ok: false, reason: `${json.id}: withdrawn must be a timestamp` };
  for (const k of ['summary', 'details', 'published', 'schema_version'] as const)
    if (json[k] !== undefined && typeof json[k] !== 'string') return { ok: false, reason: `${json.id}: ${k} must be a string` };
  const problem =
    stringList(json.aliases, 'aliases') ??
    stringList(json.upstream, 'upstream') ??
    stringList(json.related, 'related') ??
    checkSeverity(json.severity, 'severity') ??
    (json.affected !== undefined && !Array.isArray(json.affected) ? 'affected must be a list' : undefined) ??
    (Array.isArray(json.affected) ? json.affected.map(checkAffected).find((p) => p !== undefined) : undefined);
  if (problem) return { ok: false, reason: `${json.id}: ${problem}` };
  return { ok: true, record: json as unknown as OsvRecord };
}

/**
 * Ecosystems whose records are scoped below the release an image can name. Red Hat records carry the
 * product CPE with its repository (`Red Hat:enterprise_linux:9::baseos`, `...::appstream`), which nothing
 * in the image says: `Red Hat:enterprise_linux:9` covers them all. Every other ecosystem is compared
 * exactly, as osv.dev does (`Debian:12` is not `Debian:12.1`, `Alpine:v3.18` is not `Alpine:v3.19`).
 */
const SCOPED_BELOW_RELEASE: ReadonlySet<string> = new Set(['Red Hat']);

/** Whether an image's ecosystem covers a record's: the same, or one of its scopes (`Red Hat:enterprise_linux:9` ⊃ `...:9::appstream`). */
export function ecosystemCovers(imageEcosystem: string, recordEcosystem: string): boolean {
  if (recordEcosystem === imageEcosystem) return true;
  return SCOPED_BELOW_RELEASE.has(baseEcosystem(imageEcosystem)) && recordEcosystem.startsWith(`${imageEcosystem}:`);
}

/**
 * The record ecosystems an image's ecosystem covers besides itself, as a half-open string range
 * (`X:` ≤ e < `X;`, `;` following `:`) a database index can answer; undefined when it covers only itself.
 */
export function scopedEcosystemRange(imageEcosystem: string): [from: string, to: string] | undefined {
  return SCOPED_BELOW_RELEASE.has(baseEcosystem(imageEcosystem)) ? [`${imageEcosystem}:`, `${imageEcosystem};`] : undefined;
}

/** `Debian:12` → `Debian`: the part that names the ecosystem, without the release. */
export function baseEcosystem(ecosystem: string): string {
  const i = ecosystem.indexOf(':');
  return i < 0 ? ecosystem : ecosystem.slice(0, i);
}
