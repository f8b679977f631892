import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import semver from 'semver';
import type { Package } from '../src/analyses/images/types.js';
import { importPaths } from '../src/vulndb/import.js';
import { VulnMatcher } from '../src/vulndb/match.js';
import { normalisePackageName } from '../src/vulndb/names.js';
import type { OsvAffected, OsvRecord } from '../src/vulndb/osv.js';
import { VulnStore } from '../src/vulndb/store.js';
import { comparatorFor, type VersionComparator } from '../src/vulndb/versions/index.js';
import { CORPUS_DIR, type SuiteResult } from './corpus.js';

/**
 * Real OSV records (osv/records): each is imported, then probed with the versions it names — listed
 * versions, range endpoints, the versions just below and above each — and the matcher must say
 * affected exactly where the record's semantics say so. The expectation is built here, apart from the
 * matcher: intervals are paired from the sorted events (introduced up to the next fixed, exclusive, or
 * last_affected, inclusive), SEMVER bounds are ordered with node-semver, ECOSYSTEM ones with the
 * ecosystem's comparator, GIT ranges and withdrawn records affect nothing.
 */

export const OSV_RECORDS_CORPUS = 'osv/records';

/** The records folder has a README but no index.json: its files are the index. */
export function osvRecordsAvailable(): boolean {
  return existsSync(join(CORPUS_DIR, OSV_RECORDS_CORPUS));
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? jsonFiles(join(dir, e.name)) : e.name.endsWith('.json') ? [join(dir, e.name)] : []))
    .sort();
}

/** SemVer precedence from node-semver; short versions (`0.1`) coerced, as OSV SEMVER bounds can be. */
const nodeSemver: VersionComparator = {
  compare(a, b) {
    const x = semver.parse(a, { loose: true }) ?? semver.coerce(a);
    const y = semver.parse(b, { loose: true }) ?? semver.coerce(b);
    return x && y ? semver.compare(x, y) : 0;
  },
  isValid: (v) => (semver.parse(v, { loose: true }) ?? semver.coerce(v)) !== null,
};

interface Interval {
  from?: string;
  to?: string;
  toInclusive: boolean;
}

function eventPairs(events: Array<Record<string, string>>, order: VersionComparator): Interval[] {
  const flat = events.flatMap((e) => Object.entries(e).map(([kind, version]) => ({ kind, version })));
  const key = (e: { kind: string; version: string }) => (e.kind === 'introduced' && e.version === '0' ? -Infinity : e.kind === 'limit' && e.version === '*' ? Infinity : 0);
  flat.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== 0 || kb !== 0) return ka === kb ? 0 : ka < kb ? -1 : 1;
    return order.compare(a.version, b.version);
  });
  const out: Interval[] = [];
  let open: string | undefined | null = null;
  for (const e of flat) {
    if (e.kind === 'introduced' && open === null) open = e.version === '0' ? undefined : e.version;
    else if ((e.kind === 'fixed' || e.kind === 'last_affected') && open !== null) {
      out.push({ ...(open !== undefined ? { from: open } : {}), to: e.version, toInclusive: e.kind === 'last_affected' });
      open = null;
    }
  }
  if (open !== null) out.push({ ...(open !== undefined ? { from: open } : {}), toInclusive: false });
  const limit = flat.find((e) => e.kind === 'limit' && e.version !== '*');
  // A limit caps every interval of its range.
  return limit ? out.map((i) => (i.to === undefined ? { ...i, to: limit.version, toInclusive: false } : i)) : out;
}

function inside(i: Interval, v: string, order: VersionComparator): boolean {
  if (i.from !== undefined && order.compare(v, i.from) < 0) return false;
  if (i.to === undefined) return true;
  const c = order.compare(v, i.to);
  return i.toInclusive ? c <= 0 : c < 0;
}

/** The last numeric run of a version moved by ±1 (falling back to an earlier run when it is 0). */
function neighbour(v: string, step: 1 | -1): string | undefined {
  const runs = [...v.matchAll(/\d+/g)];
  for (let i = runs.length - 1; i >= 0; i--) {
    const m = runs[i] as RegExpMatchArray;
    const n = BigInt(m[0]) + BigInt(step);
    if (n < 0n) continue;
    const at = m.index ?? 0;
    return `${v.slice(0, at)}${n}${v.slice(at + m[0].length)}`;
  }
  return undefined;
}

interface Probe {
  version: string;
  expected: boolean;
  why: string;
}

function probesFor(record: OsvRecord, entries: OsvAffected[], ecosystem: string): { probes: Probe[]; unordered: number } {
  const eco = comparatorFor(ecosystem);
  const candidates = new Map<string, string>();
  let unordered = 0;
  const around = (v: string, what: string, order: VersionComparator) => {
    for (const step of [-1, 1] as const) {
      const n = neighbour(v, step);
      if (n !== undefined && order.isValid(n) && Math.sign(order.compare(n, v)) === step && !candidates.has(n)) candidates.set(n, `just ${step < 0 ? 'below' : 'above'} ${what} ${v}`);
    }
  };
  for (const a of entries) {
    for (const v of a.versions ?? []) {
      candidates.set(v, 'listed');
      if (eco && eco.isValid(v)) around(v, 'listed', eco);
    }
    for (const r of a.ranges ?? []) {
      const order = r.type === 'SEMVER' ? nodeSemver : eco;
      for (const e of r.events) {
        for (const [kind, v] of Object.entries(e)) {
          if (v === '0' || v === '*') continue;
          if (!candidates.has(v)) candidates.set(v, `${r.type} ${kind}`);
          if (r.type === 'GIT') continue;
          if (!order) {
            unordered++;
            continue;
          }
          around(v, kind, order);
          // A short SEMVER bound (`0.1`) is probed in the full form installed versions have (`0.1.0`).
          const full = r.type === 'SEMVER' ? semver.coerce(v)?.version : undefined;
          if (full !== undefined && full !== v && semver.parse(v, { loose: true }) === null && eco?.isValid(full) !== false) {
            if (!candidates.has(full)) candidates.set(full, `${kind} ${v} written in full`);
            around(full, kind, order);
          }
        }
      }
    }
  }
  const probes: Probe[] = [];
  for (const [version, why] of candidates) {
    let expected = false;
    if (record.withdrawn === undefined) {
      for (const a of entries) {
        const valid = eco ? eco.isValid(version) : true;
        if (valid && (a.versions ?? []).some((l) => l === version || (eco !== undefined && eco.isValid(l) && eco.compare(l, version) === 0))) expected = true;
        for (const r of a.ranges ?? []) {
          const order = r.type === 'SEMVER' ? nodeSemver : r.type === 'ECOSYSTEM' ? eco : undefined;
          if (!order || !order.isValid(version) || !valid) continue;
          if (eventPairs(r.events as Array<Record<string, string>>, order).some((i) => inside(i, version, order))) expected = true;
        }
      }
    }
    probes.push({ version, expected, why });
  }
  return { probes, unordered };
}

function packageOf(ecosystem: string, name: string, version: string): Package {
  return { type: 'npm', name, version, ecosystem, purl: '', location: 'corpus' };
}

export function runOsvRecords(): SuiteResult {
  const dir = join(CORPUS_DIR, OSV_RECORDS_CORPUS);
  const files = jsonFiles(dir);
  const result: SuiteResult = { suite: 'osv-records', total: 0, agreed: 0, misses: [], notes: [] };

  // All records in one store: every file must import, and twins must merge into one finding.
  const all = new VulnStore(':memory:');
  const imported = importPaths(all, [dir]);
  result.notes.push(`import of ${files.length} files: ${imported.counts.stored} stored, ${imported.counts.withdrawn} withdrawn, ${imported.counts.unchanged} unchanged, ${imported.counts.malformed} malformed`);
  const malformed = new Set(imported.errors.map((e) => e.source));
  const merged = new VulnMatcher(all).match([packageOf('PyPI', 'requests', '2.30.0')]);
  all.close();

  let probeTotal = 0;
  let probeAgreed = 0;
  let unorderedTotal = 0;
  for (const file of files) {
    const label = relative(dir, file);
    result.total++;
    const misses: string[] = [];
    if (malformed.has(file)) misses.push('not imported');
    const record = JSON.parse(readFileSync(file, 'utf8')) as OsvRecord;
    // Each record alone, so that two files of one advisory (live and withdrawn) are each judged on their own.
    const store = new VulnStore(':memory:');
    importPaths(store, [file]);
    const matcher = new VulnMatcher(store);
    const groups = new Map<string, { ecosystem: string; name: string; entries: OsvAffected[] }>();
    for (const a of record.affected ?? []) {
      if (!a.package) continue;
      const key = `${a.package.ecosystem}\0${normalisePackageName(a.package.ecosystem, a.package.name)}`;
      const g = groups.get(key) ?? { ecosystem: a.package.ecosystem, name: a.package.name, entries: [] };
      g.entries.push(a);
      groups.set(key, g);
    }
    for (const g of groups.values()) {
      // PyPI names are probed in their normalised spelling to exercise PEP 503 matching.
      const name = g.ecosystem === 'PyPI' ? normalisePackageName('PyPI', g.name) : g.name;
      const { probes, unordered } = probesFor(record, g.entries, g.ecosystem);
      unorderedTotal += unordered;
      for (const p of probes) {
        probeTotal++;
        const got = matcher.match([packageOf(g.ecosystem, name, p.version)]).some((m) => m.records.includes(record.id));
        if (got === p.expected) probeAgreed++;
        else misses.push(`${g.ecosystem} ${name} ${p.version} (${p.why}): expected ${p.expected ? 'affected' : 'not affected'}`);
      }
    }
    store.close();
    if (record.id === 'PYSEC-2023-74' || record.id === 'GHSA-j8r2-6x86-q33q') {
      const ok = merged.length === 1 && merged[0]?.id === 'CVE-2023-32681' && merged[0].records.includes(record.id);
      if (!ok) misses.push(`requests 2.30.0 with all records: expected one finding CVE-2023-32681, got ${merged.map((m) => `${m.id}[${m.records.join(',')}]`).join(' ') || 'none'}`);
    }
    if (misses.length === 0) result.agreed++;
    else result.misses.push(...misses.map((m) => `${label}: ${m}`));
  }
  result.notes.push(`version probes: ${probeAgreed}/${probeTotal} agree`);
  if (unorderedTotal > 0) result.notes.push(`${unorderedTotal} range bounds had no comparator for their ecosystem (neighbours not probed)`);
  return result;
}
