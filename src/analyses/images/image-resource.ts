/**
 * Images join the inventory as `ContainerImage` resources whose object is the image's ImageReport, so the
 * image rules run through the same engine, exceptions and reports as every other rule.
 */
import { VULNERABILITY_SEVERITIES, type ImageReport, type ImageVulnerability } from './types.js';
import { asObj, type Obj, type Resource } from '../../core/resource.js';

export const IMAGE_API_VERSION = 'palisade.io/v1';
export const IMAGE_KIND = 'ContainerImage';

/** `origin` names where the report came from in `location.file`: the image reference, or the imported report's file. */
export function imageResource(report: ImageReport, origin: string = report.ref): Resource {
  return {
    apiVersion: IMAGE_API_VERSION,
    kind: IMAGE_KIND,
    namespace: null,
    name: report.ref,
    // The report is plain JSON data: exactly what an object read from a file would be.
    object: report as unknown as Obj,
    source: { file: origin, line: 1 },
  };
}

/**
 * The report of a `ContainerImage` resource. Such an object may also come from a file someone wrote, so
 * its shape is checked: entries without an id or a package are left out rather than trusted.
 */
export function imageReportOf(resource: Resource): ImageReport | undefined {
  if (resource.kind !== IMAGE_KIND || resource.apiVersion !== IMAGE_API_VERSION) return undefined;
  const o = resource.object;
  if (!Array.isArray(o.vulnerabilities)) return undefined;
  const ref = typeof o.ref === 'string' ? o.ref : resource.name;
  const vulnerabilities = (o.vulnerabilities as unknown[]).filter(isVulnerability);
  const report: ImageReport = { ...(o as unknown as ImageReport), ref, vulnerabilities };
  // Other names decide which workloads are said to run the image: only strings count.
  if (o.refs !== undefined) {
    const refs = Array.isArray(o.refs) ? o.refs.filter((r): r is string => typeof r === 'string') : [];
    if (refs.length > 0) report.refs = refs;
    else delete report.refs;
  }
  if (o.digest !== undefined && typeof o.digest !== 'string') delete report.digest;
  if (o.rescan !== undefined && typeof o.rescan !== 'string') delete report.rescan;
  if (o.rescanOptions !== undefined && !(Array.isArray(o.rescanOptions) && o.rescanOptions.every((a) => typeof a === 'string'))) delete report.rescanOptions;
  return report;
}

const SEVERITIES: ReadonlySet<string> = new Set(VULNERABILITY_SEVERITIES);
const FIX_STATUSES: ReadonlySet<string> = new Set(['will-not-fix', 'fix-deferred', 'end-of-life']);

function isVulnerability(v: unknown): v is ImageVulnerability {
  const o = asObj(v);
  const pkg = asObj(o?.package);
  return (
    typeof o?.id === 'string' &&
    typeof pkg?.name === 'string' &&
    typeof pkg.version === 'string' &&
    SEVERITIES.has(String(o.severity)) &&
    Array.isArray(o.aliases) &&
    Array.isArray(o.fixedVersions) &&
    (o.fixStatus === undefined || FIX_STATUSES.has(String(o.fixStatus)))
  );
}
