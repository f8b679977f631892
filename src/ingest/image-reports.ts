/**
 * Other scanners' image reports (Trivy JSON, Grype JSON) read into Palisade's ImageReport, so teams that
 * already run those scanners get their results into Palisade's reports and attack paths.
 */
import { readFileSync } from 'node:fs';
import type { ImageReport, ImageVulnerability, VulnerabilitySeverity } from '../analyses/images/types.js';
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
  return SEVERITIES[String(text ?? '').toLowerCase()] ?? 'unknown';
}

function strings(v: unknown): string[] {
  return asArray(v).filter((x): x is string => typeof x === 'string' && x !== '');
}

// ---------------------------------------------------------------- Trivy

/**
 * Trivy writes one report per image (`trivy image -f json`: ArtifactName + Results) or, for a cluster,
 * one entry per workload with the images' results inside (`trivy k8s -f json`: Resources[]).
 */
function fromTrivy(doc: Obj, file: string): ImageReport[] {
  const resources = asArray(doc.Resources);
  if (resources.length > 0) {
    const byRef = new Map<string, ImageReport>();
    for (const r of resources.map(asObj)) {
      if (r === undefined) continue;
      for (const result of asArray(r.Results).map(asObj)) {
        if (result === undefined || asArray(result.Vulnerabilities).length === 0) continue;
        // `Target` is "REF (debian 12.5)" for OS packages, a file path inside the image for language packages.
        const meta = asObj(asArray(r.Metadata)[0]);
        const ref = strings(meta?.RepoTags)[0] ?? asString(result.Target)?.replace(/\s+\(.*\)$/, '') ?? asString(r.Name) ?? 'unknown';
        const report = byRef.get(ref) ?? { ref, vulnerabilities: [], source: 'trivy', file };
        const digest = strings(meta?.RepoDigests)[0]?.split('@')[1];
        if (digest !== undefined) report.digest = digest;
        for (const v of trivyVulns(result)) report.vulnerabilities.push(v);
        byRef.set(ref, report);
      }
    }
    return [...byRef.values()].map(dedupe);
  }
  const meta = asObj(doc.Metadata);
  const os = asObj(meta?.OS);
  const report: ImageReport = { ref: asString(doc.ArtifactName) ?? file, vulnerabilities: [], source: 'trivy', file };
  const digest = strings(meta?.RepoDigests)[0]?.split('@')[1];
  if (digest !== undefined) report.digest = digest;
  const family = asString(os?.Family);
  if (family !== undefined) report.os = { id: family, ...(asString(os?.Name) !== undefined ? { versionId: asString(os?.Name) } : {}) };
  for (const result of asArray(doc.Results).map(asObj)) if (result !== undefined) for (const v of trivyVulns(result)) report.vulnerabilities.push(v);
  return [dedupe(report)];
}

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
  const ref = asString(target?.userInput) ?? strings(target?.tags)[0] ?? asString(asObj(doc.source)?.target) ?? file;
  const report: ImageReport = { ref, vulnerabilities: [], source: 'grype', file };
  const digest = asString(target?.manifestDigest);
  if (digest !== undefined) report.digest = digest;
  const distro = asObj(doc.distro);
  const distroName = asString(distro?.name);
  if (distroName !== undefined) report.os = { id: distroName, ...(asString(distro?.version) !== undefined ? { versionId: asString(distro?.version) } : {}) };
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
