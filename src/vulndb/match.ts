import { existsSync } from 'node:fs';
import type { Package } from '../analyses/images/types.js';
import { severityRank, type Severity } from '../core/severity.js';
import { parseCvss, severityOfScore, severityOfText, type CvssScore } from './cvss.js';
import { normalisePackageName } from './names.js';
import { baseEcosystem, ecosystemCovers, type OsvAffected, type OsvRecord, type OsvSeverity } from './osv.js';
import { evaluateAffected } from './ranges.js';
import { VulnStore } from './store.js';
import { comparatorFor } from './versions/index.js';

/**
 * The matcher the image scanner calls: packages in, one finding per vulnerability per package out.
 * Records that name the same vulnerability (through `aliases` or `upstream`, transitively) are merged
 * into one match, e.g. PYSEC-2023-74 ≡ GHSA-j8r2-6x86-q33q ≡ CVE-2023-32681.
 */

export interface VulnMatch {
  /** The stable id shown for the vulnerability: the CVE when the group has one (the lowest, if several), else the lowest record id. */
  id: string;
  /** Every other id of the group (record ids, aliases, upstream), sorted. */
  aliases: string[];
  /** The records that matched, sorted. */
  records: string[];
  package: Package;
  /** What was looked up: ecosystem, name (source package for OS packages), version. */
  ecosystem: string;
  name: string;
  version: string;
  /** Versions that fix the range the installed version falls in, in the ecosystem's version order; empty when unfixed. */
  fixedVersions: string[];
  /**
   * Why there is no fixed version, when the data says: Debian rates the issue `unimportant` (no security
   * impact; the security team does not fix it) or the release is past its `end-of-life`.
   */
  fixStatus?: 'will-not-fix' | 'end-of-life';
  summary?: string;
  severity?: Severity;
  /** Where the severity came from: a computed CVSS score, or a rating written in the data. */
  severitySource?: 'cvss' | 'advisory';
  /** The CVSS vector the severity or display uses: the highest score of the newest scored version. */
  cvss?: CvssScore;
  published?: string;
  modified: string;
  references: string[];
}

export interface VulnDb {
  match(packages: readonly Package[]): VulnMatch[];
  close(): void;
}

/** Lookup key of a package: OS packages are keyed by their source package and its version. */
export function lookupOf(p: Package): { ecosystem: string; name: string; version: string } | undefined {
  if (!p.ecosystem) return undefined;
  return { ecosystem: p.ecosystem, name: p.sourceName ?? p.name, version: p.sourceVersion ?? p.version };
}

class UnionFind {
  private readonly parent = new Map<string, string>();
  find(x: string): string {
    let root = x;
    for (let p = this.parent.get(root); p !== undefined && p !== root; p = this.parent.get(root)) root = p;
    if (!this.parent.has(x)) this.parent.set(x, x);
    // Path compression keeps repeated lookups flat.
    for (let cur = x; cur !== root; ) {
      const next = this.parent.get(cur) as string;
      this.parent.set(cur, root);
      cur = next;
    }
    return root;
  }
  union(a: string, b: string): void {
    const x = this.find(a);
    const y = this.find(b);
    if (x !== y) this.parent.set(x < y ? y : x, x < y ? x : y);
  }
}

function idsOf(r: OsvRecord): string[] {
  return [r.id, ...(r.aliases ?? []), ...(r.upstream ?? [])];
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function primaryId(ids: readonly string[], recordIds: readonly string[]): string {
  const cves = ids.filter((i) => /^CVE-\d{4}-\d+$/.test(i)).sort(compareIds);
  return cves[0] ?? [...recordIds].sort(compareIds)[0] ?? (ids[0] as string);
}

interface Hit {
  record: OsvRecord;
  entries: OsvAffected[];
  fixed: string[];
}

function textualSeverities(hit: Hit): Severity[] {
  const out: Severity[] = [];
  const text = (v: unknown) => {
    if (typeof v !== 'string') return;
    const s = severityOfText(v);
    if (s) out.push(s);
  };
  text(hit.record.database_specific?.severity);
  for (const s of hit.record.severity ?? []) if (!s.type.startsWith('CVSS_')) text(s.score);
  for (const e of hit.entries) {
    text(e.database_specific?.severity);
    text(e.ecosystem_specific?.severity);
    text(e.ecosystem_specific?.urgency);
    for (const s of e.severity ?? []) if (!s.type.startsWith('CVSS_')) text(s.score);
  }
  return out;
}

function worst(severities: readonly Severity[]): Severity | undefined {
  return [...severities].sort((a, b) => severityRank(a) - severityRank(b))[0];
}

/**
 * Severity of a merged group: the highest CVSS v4.0 score, else the highest v3.x score, else the
 * highest rating the advisories give, else the highest CVSS v2 score.
 */
function rate(hits: readonly Hit[]): Pick<VulnMatch, 'severity' | 'severitySource' | 'cvss'> {
  const cvss: CvssScore[] = [];
  for (const h of hits) {
    const entries: OsvSeverity[] = [...(h.record.severity ?? []), ...h.entries.flatMap((e) => e.severity ?? [])];
    for (const s of entries) {
      const c = parseCvss(s.type, s.score);
      if (c) cvss.push(c);
    }
  }
  const best = (versions: string[]) =>
    cvss.filter((c) => versions.includes(c.version) && c.score !== undefined).sort((a, b) => (b.score as number) - (a.score as number))[0];
  for (const versions of [['4.0'], ['3.0', '3.1']]) {
    const top = best(versions);
    if (top) return { severity: severityOfScore(top.score as number), severitySource: 'cvss', cvss: top };
  }
  // A malformed v4 vector is still worth showing next to a rating from elsewhere.
  const unscored = cvss.find((c) => c.version === '4.0');
  const text = worst(hits.flatMap(textualSeverities));
  if (text) return { severity: text, severitySource: 'advisory', ...(unscored ? { cvss: unscored } : {}) };
  const v2 = best(['2.0']);
  if (v2) return { severity: severityOfScore(v2.score as number), severitySource: 'cvss', cvss: v2 };
  return unscored ? { cvss: unscored } : {};
}

/** The Debian security tracker's urgencies of the entries that matched (`unimportant`, `low`, `end-of-life`, ...). */
function debianUrgencies(hits: readonly Hit[]): string[] {
  return hits.flatMap((h) =>
    h.entries
      .filter((e) => e.package !== undefined && baseEcosystem(e.package.ecosystem) === 'Debian')
      .map((e) => e.ecosystem_specific?.urgency)
      .filter((u): u is string => typeof u === 'string')
      .map((u) => u.trim().toLowerCase()),
  );
}

/**
 * Debian's own verdict on its package, which outranks a generic CVSS score: `unimportant` means no
 * security impact on Debian (a rating below low, not fixed by the security team), `end-of-life` that the
 * release no longer gets security support for the package. Nothing when some matched entry says otherwise.
 */
function debianVerdict(hits: readonly Hit[], fixed: readonly string[]): Pick<VulnMatch, 'severity' | 'severitySource' | 'fixStatus'> | undefined {
  const urgencies = debianUrgencies(hits);
  if (urgencies.length === 0) return undefined;
  const noFix = fixed.length === 0;
  if (urgencies.every((u) => u === 'unimportant')) return { severity: 'info', severitySource: 'advisory', ...(noFix ? { fixStatus: 'will-not-fix' as const } : {}) };
  if (noFix && urgencies.every((u) => u === 'end-of-life')) return { fixStatus: 'end-of-life' };
  return undefined;
}

/** Fixed versions in the ecosystem's order (`9.0.1` before `10.0.0`), text order where it has no comparator. */
export function sortVersions(ecosystem: string, versions: Iterable<string>): string[] {
  const cmp = comparatorFor(ecosystem);
  return [...new Set(versions)].sort((a, b) => (cmp ? cmp.compare(a, b) : 0) || compareIds(a, b));
}

/** Matches packages against a store; records are parsed once per store and kept. */
export class VulnMatcher implements VulnDb {
  private readonly cache = new Map<string, OsvRecord | null>();

  constructor(private readonly store: VulnStore) {}

  private record(id: string): OsvRecord | undefined {
    let r = this.cache.get(id);
    if (r === undefined) {
      const stored = this.store.get(id);
      r = stored && !stored.withdrawn ? stored.record : null;
      this.cache.set(id, r);
    }
    return r ?? undefined;
  }

  matchOne(p: Package): VulnMatch[] {
    const key = lookupOf(p);
    if (!key) return [];
    const name = normalisePackageName(key.ecosystem, key.name);
    const hits: Hit[] = [];
    for (const id of this.store.recordIdsFor(key.ecosystem, name)) {
      const record = this.record(id);
      if (!record || record.withdrawn !== undefined) continue;
      const entries: OsvAffected[] = [];
      const fixed = new Set<string>();
      for (const a of record.affected ?? []) {
        if (!a.package || !ecosystemCovers(key.ecosystem, a.package.ecosystem) || normalisePackageName(a.package.ecosystem, a.package.name) !== name) continue;
        const verdict = evaluateAffected(a, key.ecosystem, key.version);
        if (!verdict.affected) continue;
        entries.push(a);
        for (const f of verdict.fixed) fixed.add(f);
      }
      if (entries.length > 0) hits.push({ record, entries, fixed: [...fixed] });
    }
    const groups = new UnionFind();
    for (const h of hits) for (const id of idsOf(h.record)) groups.union(h.record.id, id);
    const byRoot = new Map<string, Hit[]>();
    for (const h of hits) {
      const root = groups.find(h.record.id);
      byRoot.set(root, [...(byRoot.get(root) ?? []), h]);
    }
    const out: VulnMatch[] = [];
    for (const group of byRoot.values()) {
      const recordIds = group.map((h) => h.record.id).sort(compareIds);
      const ids = [...new Set(group.flatMap((h) => idsOf(h.record)))];
      const id = primaryId(ids, recordIds);
      // The record named by the primary id (or the first) speaks for the group's text.
      const lead = group.find((h) => h.record.id === id) ?? group.find((h) => h.record.summary) ?? (group[0] as Hit);
      const summary = lead.record.summary ?? group.find((h) => h.record.summary)?.record.summary;
      const published = group.map((h) => h.record.published).filter((d): d is string => d !== undefined).sort()[0];
      const fixedVersions = sortVersions(key.ecosystem, group.flatMap((h) => h.fixed));
      out.push({
        id,
        aliases: ids.filter((i) => i !== id).sort(compareIds),
        records: recordIds,
        package: p,
        ecosystem: key.ecosystem,
        name: key.name,
        version: key.version,
        fixedVersions,
        ...(summary !== undefined ? { summary } : {}),
        ...rate(group),
        ...debianVerdict(group, fixedVersions),
        ...(published !== undefined ? { published } : {}),
        modified: group.map((h) => h.record.modified).sort().at(-1) as string,
        references: [...new Set(group.flatMap((h) => (h.record.references ?? []).map((r) => r.url)))],
      });
    }
    return out.sort((a, b) => compareIds(a.id, b.id));
  }

  match(packages: readonly Package[]): VulnMatch[] {
    return packages.flatMap((p) => this.matchOne(p));
  }

  close(): void {
    this.store.close();
  }
}

/** Opens a database written by `palisade db import` / `db update` for matching (read-only). */
export function openVulnDb(file: string): VulnDb {
  if (!existsSync(file)) throw new Error(`no vulnerability database at ${file}; run palisade db update or palisade db import`);
  return new VulnMatcher(new VulnStore(file, { readonly: true }));
}
