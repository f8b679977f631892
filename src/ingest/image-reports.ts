/**
 * Other scanners' image reports (Trivy JSON, Grype JSON) read into Palisade's ImageReport, so teams that
 * already run those scanners get their results into Palisade's reports and attack paths.
 */
import { readFileSync } from 'node:fs';
import { registryReferenceOf } from '../analyses/images/image-input.js';
import type { ImageReport, ImageVulnerability, VulnerabilitySeverity } from '../analyses/images/types.js';
import { canonicalImageRef, parseImageReference } from '../core/image-reference.js';
import { asArray, asObj, asString, type Obj } from '../core/resource.js';
import { describeFsError } from '../core/errors.js';
import { jsonSyntaxText } from '../core/json-error.js';

export interface ImageReportsRead {
  reports: ImageReport[];
  errors: Array<{ source: string; message: string }>;
}

/** Reads each file as a Trivy or Grype JSON report; a file that is neither is an error naming it. */
export function readImageReports(files: readonly string[], read: (file: string) => string = (f) => readFileSync(f, 'utf8')): ImageReportsRead {
  const out: ImageReportsRead = { reports: [], errors: [] };
  for (const file of files) {
    let doc: unknown;
    let text: string;
    try {
      text = read(file);
    } catch (e) {
      out.errors.push({ source: file, message: `cannot read: ${describeFsError(e)}` });
      continue;
    }
    try {
      doc = JSON.parse(text);
    } catch {
      out.errors.push({ source: file, message: `not a JSON image report: invalid JSON at ${jsonSyntaxText(text)}` });
      continue;
    }
    const obj = asObj(doc);
    if (obj !== undefined && (Array.isArray(obj.matches) || asObj(obj.descriptor)?.name === 'grype')) out.reports.push(...fromGrype(obj, file));
    else if (obj !== undefined && ('SchemaVersion' in obj || 'Results' in obj || 'Resources' in obj || 'ArtifactName' in obj)) out.reports.push(...fromTrivy(obj, file));
    else out.errors.push({ source: file, message: 'neither a Trivy JSON report (SchemaVersion, Results) nor a Grype JSON report (matches, descriptor)' });
  }
  return out;
}

const SEVERITIES: Record<string, VulnerabilitySeverity> = {
  critical: 'critical',
  high: 'high',
  medium: 'medium',
  moderate: 'medium',
  low: 'low',
  negligible: 'negligible',
};

function severityOf(text: unknown): VulnerabilitySeverity {
  const key = String(text ?? '').toLowerCase();
  // A report is input: "constructor" must not find Object.prototype's.
  return Object.hasOwn(SEVERITIES, key) ? (SEVERITIES[key] ?? 'unknown') : 'unknown';
}

function strings(v: unknown): string[] {
  return asArray(v).filter((x): x is string => typeof x === 'string' && x !== '');
}

// ---------------------------------------------------------------- image names

/** How an imported report names its image: the reference to report it under, the others it is known by, its digest. */
interface ImageNames {
  ref: string;
  refs: string[];
  digest?: string;
}

/**
 * The names of an image from what the scanner was given and what the image says of itself (RepoTags and
 * RepoDigests, `repo@sha256:...`): a tar path is no name a workload can use, so its first tag stands in.
 */
function imageNames(input: string | undefined, tags: readonly string[], repoDigests: readonly string[], manifestDigest: string | undefined, fallback: string): ImageNames {
  const ref = registryReferenceOf(input) ?? tags[0] ?? repoDigests[0] ?? input ?? fallback;
  const refs = [...new Set([...tags, ...repoDigests])].filter((r) => r !== ref);
  const digest = manifestDigest ?? repoDigests.map((d) => parseImageReference(d)?.digest).find((d) => d !== undefined);
  return { ref, refs, ...(digest !== undefined ? { digest } : {}) };
}

function reportFor(names: ImageNames, source: string, file: string): ImageReport {
  return { ref: names.ref, ...(names.refs.length > 0 ? { refs: names.refs } : {}), ...(names.digest !== undefined ? { digest: names.digest } : {}), vulnerabilities: [], source, file };
}

function osOf(id: string | undefined, versionId: string | undefined): ImageReport['os'] {
  return id === undefined ? undefined : { id, ...(versionId !== undefined ? { versionId } : {}) };
}

// ---------------------------------------------------------------- Trivy

/**
 * Trivy writes one report per image (`trivy image -f json`: ArtifactName + Results) or, for a cluster,
 * one entry per workload with the images' results inside (`trivy k8s -f json`: Resources[]).
 */
function fromTrivy(doc: Obj, file: string): ImageReport[] {
  const resources = asArray(doc.Resources);
  if (resources.length > 0) return fromTrivyCluster(resources, file);
  const meta = asObj(doc.Metadata);
  const os = asObj(meta?.OS);
  const report = reportFor(imageNames(asString(doc.ArtifactName), strings(meta?.RepoTags), strings(meta?.RepoDigests), undefined, file), 'trivy', file);
  const osInfo = osOf(asString(os?.Family), asString(os?.Name));
  if (osInfo !== undefined) report.os = osInfo;
  for (const result of asArray(doc.Results).map(asObj)) if (result !== undefined) for (const v of trivyVulns(result)) report.vulnerabilities.push(v);
  return [dedupe(report)];
}

/**
 * A workload of several images has one Metadata entry per image and their results one after another: an
 * OS result's Target names its image (`REF (debian 12.5)`), and the language results that follow it (their
 * Targets are paths inside the image) belong to the same image.
 */
function fromTrivyCluster(resources: readonly unknown[], file: string): ImageReport[] {
  const byRef = new Map<string, ImageReport>();
  for (const r of resources.map(asObj)) {
    if (r === undefined) continue;
    const metas = asArray(r.Metadata)
      .map(asObj)
      .filter((m): m is Obj => m !== undefined);
    let current: { names: ImageNames; meta: Obj | undefined } | undefined;
    for (const result of asArray(r.Results).map(asObj)) {
      if (result === undefined) continue;
      const named = imageNamedByTarget(result);
      if (named !== undefined || current === undefined) current = trivyClusterImage(named, metas, asString(r.Name) ?? file);
      if (asArray(result.Vulnerabilities).length === 0) continue;
      const { names, meta } = current;
      const report = byRef.get(names.ref) ?? reportFor(names, 'trivy', file);
      mergeNames(report, names);
      const os = osOf(asString(asObj(meta?.OS)?.Family), asString(asObj(meta?.OS)?.Name));
      if (os !== undefined) report.os ??= os;
      for (const v of trivyVulns(result)) report.vulnerabilities.push(v);
      byRef.set(names.ref, report);
    }
  }
  return [...byRef.values()].map(dedupe);
}

/** The image an OS-packages result names in its Target (`REF (debian 12.5)`); language results name files. */
function imageNamedByTarget(result: Obj): string | undefined {
  const target = asString(result.Target);
  if (target === undefined) return undefined;
  const suffixed = /^(\S+)\s+\(.*\)$/.exec(target);
  if (asString(result.Class) !== 'os-pkgs' && suffixed === null) return undefined;
  return suffixed?.[1] ?? target;
}

/** The names of one image of a cluster workload: its Metadata entry is the one whose tags or digests the Target names. */
function trivyClusterImage(named: string | undefined, metas: readonly Obj[], fallback: string): { names: ImageNames; meta: Obj | undefined } {
  const wanted = named === undefined ? undefined : (canonicalImageRef(named) ?? named);
  const meta =
    wanted === undefined || metas.length === 1
      ? metas[0]
      : metas.find((m) => [...strings(m.RepoTags), ...strings(m.RepoDigests)].some((t) => (canonicalImageRef(t) ?? t) === wanted));
  const tags = strings(meta?.RepoTags);
  const repoDigests = strings(meta?.RepoDigests);
  return { names: imageNames(named ?? tags[0], tags, repoDigests, undefined, fallback), meta };
}

/** Adds the names and digest one workload's entry knows to the report of the same image from another workload. */
function mergeNames(report: ImageReport, names: ImageNames): void {
  const refs = [...new Set([...(report.refs ?? []), ...names.refs])].filter((r) => r !== report.ref);
  if (refs.length > 0) report.refs = refs;
  if (names.digest !== undefined) report.digest ??= names.digest;
}

/** Trivy's `Status` values that say why there is no fixed version (its `affected` says only that none is out yet). */
// A Map, not an object: a Status of `constructor` must not find Object's constructor.
const TRIVY_NO_FIX = new Map<string, NonNullable<ImageVulnerability['fixStatus']>>([
  ['will_not_fix', 'will-not-fix'],
  ['fix_deferred', 'fix-deferred'],
  ['end_of_life', 'end-of-life'],
]);

function trivyVulns(result: Obj): ImageVulnerability[] {
  const type = asString(result.Type);
  const out: ImageVulnerability[] = [];
  for (const v of asArray(result.Vulnerabilities).map(asObj)) {
    const id = asString(v?.VulnerabilityID);
    const name = asString(v?.PkgName);
    if (v === undefined || id === undefined || name === undefined) continue;
    const purl = asString(asObj(v.PkgIdentifier)?.PURL);
    const fixed = asString(v.FixedVersion);
    const vuln: ImageVulnerability = {
      id,
      aliases: strings(v.VendorIDs).filter((a) => a !== id),
      package: { name, version: asString(v.InstalledVersion) ?? '', ...(type !== undefined ? { type } : {}), ...(purl !== undefined ? { purl } : {}) },
      // Trivy joins several fixed versions with ", ".
      fixedVersions: fixed === undefined || fixed === '' ? [] : fixed.split(/,\s*/),
      severity: severityOf(v.Severity),
    };
    const status = TRIVY_NO_FIX.get(asString(v.Status) ?? '');
    if (status !== undefined && vuln.fixedVersions.length === 0) vuln.fixStatus = status;
    const cvss = trivyCvss(asObj(v.CVSS), asString(v.SeveritySource));
    if (cvss !== undefined) vuln.cvss = cvss;
    const summary = asString(v.Title) ?? asString(v.Description);
    if (summary !== undefined) vuln.summary = summary;
    out.push(vuln);
  }
  return out;
}

/** The CVSS of the source Trivy took the severity from, else NVD's, else any; v3 before v2. */
function trivyCvss(cvss: Obj | undefined, preferred: string | undefined): ImageVulnerability['cvss'] {
  if (cvss === undefined) return undefined;
  const sources = [preferred, 'nvd', ...Object.keys(cvss)].filter((s): s is string => s !== undefined);
  for (const s of sources) {
    const c = asObj(cvss[s]);
    const v40 = asString(c?.V40Vector);
    if (v40 !== undefined) return { version: '4.0', vector: v40, ...(typeof c?.V40Score === 'number' ? { score: c.V40Score } : {}) };
    const v3 = asString(c?.V3Vector);
    if (v3 !== undefined) return { version: v3.startsWith('CVSS:3.0') ? '3.0' : '3.1', vector: v3, ...(typeof c?.V3Score === 'number' ? { score: c.V3Score } : {}) };
  }
  for (const s of sources) {
    const c = asObj(cvss[s]);
    const v2 = asString(c?.V2Vector);
    if (v2 !== undefined) return { version: '2.0', vector: v2, ...(typeof c?.V2Score === 'number' ? { score: c.V2Score } : {}) };
  }
  return undefined;
}

// ---------------------------------------------------------------- Grype

/** Grype writes one report per scanned source: `matches[]` of (vulnerability, artifact), `source.target` the image. */
function fromGrype(doc: Obj, file: string): ImageReport[] {
  const target = asObj(asObj(doc.source)?.target);
  const input = asString(target?.userInput) ?? asString(asObj(doc.source)?.target);
  const report = reportFor(imageNames(input, strings(target?.tags), strings(target?.repoDigests), asString(target?.manifestDigest), file), 'grype', file);
  const distro = asObj(doc.distro);
  const os = osOf(asString(distro?.name), asString(distro?.version));
  if (os !== undefined) report.os = os;
  for (const m of asArray(doc.matches).map(asObj)) {
    const v = asObj(m?.vulnerability);
    const a = asObj(m?.artifact);
    const id = asString(v?.id);
    const name = asString(a?.name);
    if (v === undefined || a === undefined || id === undefined || name === undefined) continue;
    const related = asArray(m?.relatedVulnerabilities).map(asObj);
    const type = asString(a.type);
    const purl = asString(a.purl);
    const fix = asObj(v.fix);
    const vuln: ImageVulnerability = {
      id,
      aliases: related.map((r) => asString(r?.id)).filter((x): x is string => x !== undefined && x !== id),
      package: { name, version: asString(a.version) ?? '', ...(type !== undefined ? { type } : {}), ...(purl !== undefined ? { purl } : {}) },
      fixedVersions: asString(fix?.state) === 'fixed' ? strings(fix?.versions) : [],
      severity: severityOf(v.severity),
    };
    if (asString(fix?.state) === 'wont-fix') vuln.fixStatus = 'will-not-fix';
    // Grype puts NVD's CVSS on the related CVE when the match is an OS advisory.
    const cvss = [v, ...related].flatMap((x) => asArray(x?.cvss).map(asObj)).find((c) => asString(c?.vector) !== undefined);
    if (cvss !== undefined) {
      const score = asObj(cvss.metrics)?.baseScore;
      vuln.cvss = { version: asString(cvss.version) ?? '', vector: asString(cvss.vector) ?? '', ...(typeof score === 'number' ? { score } : {}) };
    }
    const summary = asString(v.description) ?? related.map((r) => asString(r?.description)).find((d) => d !== undefined);
    if (summary !== undefined) vuln.summary = summary;
    report.vulnerabilities.push(vuln);
  }
  return [dedupe(report)];
}

// ---------------------------------------------------------------- one finding per vulnerability

/**
 * Scanners list a vulnerability once per advisory that names it (a DSA and its CVE; a GHSA and its CVE)
 * and once per file a package was found in: merge entries of the same package and version whose ids or
 * aliases meet, keeping a CVE as the primary id.
 */
function dedupe(report: ImageReport): ImageReport {
  const groups: ImageVulnerability[] = [];
  const byKey = new Map<string, ImageVulnerability>();
  for (const v of report.vulnerabilities) {
    const pkg = `${v.package.name}\u0000${v.package.version}`;
    const ids = [v.id, ...v.aliases];
    const found = ids.map((id) => byKey.get(`${pkg}\u0000${id}`)).find((g) => g !== undefined);
    const group = found ?? v;
    if (found !== undefined) merge(found, v);
    else groups.push(v);
    for (const id of [group.id, ...group.aliases]) byKey.set(`${pkg}\u0000${id}`, group);
  }
  for (const g of groups) {
    const all = [...new Set([g.id, ...g.aliases])];
    g.id = all.find((id) => id.startsWith('CVE-')) ?? g.id;
    g.aliases = all.filter((id) => id !== g.id).sort();
    g.fixedVersions = [...new Set(g.fixedVersions)];
  }
  return { ...report, vulnerabilities: groups };
}

const RANK: Record<VulnerabilitySeverity, number> = { critical: 5, high: 4, medium: 3, low: 2, negligible: 1, unknown: 0 };

function merge(into: ImageVulnerability, v: ImageVulnerability): void {
  into.aliases.push(v.id, ...v.aliases);
  into.fixedVersions.push(...v.fixedVersions);
  if (RANK[v.severity] > RANK[into.severity]) into.severity = v.severity;
  into.cvss ??= v.cvss;
  into.summary ??= v.summary;
}
