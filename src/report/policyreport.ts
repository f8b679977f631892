import { dump } from 'js-yaml';
import { isActive, type Finding } from '../core/finding.js';
import type { Report } from '../core/report.js';
import type { Severity } from '../core/severity.js';
import { POD_BEARING_KINDS } from '../core/workload.js';
import type { RenderOptions } from './options.js';

/**
 * The Policy Report API of the Kubernetes Policy working group (`wgpolicyk8s.io/v1alpha2`), which
 * Policy Reporter, Kyverno and others read: one `PolicyReport` per namespace with findings and one
 * `ClusterPolicyReport` for the findings on cluster-scoped objects (and on objects outside the
 * cluster, such as the AKS cluster's own settings).
 */
export const POLICY_REPORT_API = 'wgpolicyk8s.io/v1alpha2';
/** The name of every report Palisade writes: one per namespace, so one name is enough and a rerun replaces it. */
export const POLICY_REPORT_NAME = 'palisade';
/**
 * The name of the report for namespaced objects written without a namespace (`helm template` output).
 * It is applied into some namespace too, often `default`, beside that namespace's own `palisade`
 * report: a name of its own keeps one from replacing the other.
 */
export const NO_NAMESPACE_REPORT_NAME = 'palisade-no-namespace';
/**
 * Results a namespace's PolicyReport holds at most (about 1 KB each): etcd refuses objects over 1.5 MiB,
 * so a namespace with more gets `palisade-2`, `palisade-3`, ... beside `palisade`.
 */
export const MAX_RESULTS_PER_REPORT = 1000;

/** `palisade`, then `palisade-2`, ...: the name of a namespace's n-th report (of `base`'s series). */
export function reportName(n: number, base: string = POLICY_REPORT_NAME): string {
  return n === 0 ? base : `${base}-${n + 1}`;
}

function isNameOf(base: string, name: string): boolean {
  return name === base || (name.startsWith(`${base}-`) && /^\d+$/.test(name.slice(base.length + 1)));
}

/** Whether a name is one `reportName` gives, for a namespace's reports or for those without a namespace. */
export function isReportName(name: string): boolean {
  return isNameOf(POLICY_REPORT_NAME, name) || isNameOf(NO_NAMESPACE_REPORT_NAME, name);
}

/** The label that marks reports as Palisade's, so that stale ones can be found and removed. */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'palisade' } as const;

export interface PolicyReportResult {
  policy: string;
  rule?: string;
  category: string;
  severity: Severity;
  result: 'fail' | 'warn';
  message: string;
  source: 'palisade';
  /** v1alpha2: `warn` is the result of a policy that is not scored, so only `fail` results are. */
  scored: boolean;
  timestamp: { seconds: number; nanos: number };
  resources: { apiVersion: string; kind: string; name: string; namespace?: string }[];
  /** String values only: the schema says map[string]string. */
  properties: Record<string, string>;
}

export interface PolicyReportObject {
  apiVersion: typeof POLICY_REPORT_API;
  kind: 'PolicyReport' | 'ClusterPolicyReport';
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
  summary: { pass: number; fail: number; warn: number; error: number; skip: number };
  results: PolicyReportResult[];
}

/**
 * Core kinds that always live in a namespace. One of them written without `metadata.namespace` (`helm
 * template`, kustomize output) lands in the namespace it is applied to, so its results go to a
 * PolicyReport without a namespace (named `palisade-no-namespace`), which lands the same way, not to
 * the ClusterPolicyReport. Other kinds without a namespace are taken as cluster-scoped.
 */
const NAMESPACED_KINDS: ReadonlySet<string> = new Set([
  ...POD_BEARING_KINDS,
  'Service', 'ConfigMap', 'Secret', 'ServiceAccount', 'Role', 'RoleBinding', 'Ingress', 'NetworkPolicy',
  'PersistentVolumeClaim', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'LimitRange', 'ResourceQuota', 'Endpoints',
]);

/**
 * Critical, high and medium findings fail; low and informational ones warn, as Policy Reporter shows
 * them apart. In v1alpha2 `warn` belongs to policies that are not scored, so warn results say `scored: false`.
 */
function resultOf(severity: Severity): 'fail' | 'warn' {
  return severity === 'low' || severity === 'info' ? 'warn' : 'fail';
}

function resultFor(f: Finding, seconds: number): PolicyReportResult {
  const r = f.resource;
  const result = resultOf(f.severity);
  const properties: Record<string, string> = { findingId: f.id };
  if (f.container !== undefined) properties.container = f.container;
  if (f.field !== undefined) properties.field = f.field;
  if (f.verify !== undefined) properties.verify = f.verify;
  if (f.remediation) properties.remediation = f.remediation;
  return {
    policy: f.rule,
    rule: f.title,
    category: f.pillar,
    severity: f.severity,
    result,
    message: f.message,
    source: 'palisade',
    scored: result === 'fail',
    timestamp: { seconds, nanos: 0 },
    resources: [{ apiVersion: r.apiVersion, kind: r.kind, name: r.name, ...(r.namespace !== null ? { namespace: r.namespace } : {}) }],
    properties,
  };
}

function summaryOf(results: readonly PolicyReportResult[]): PolicyReportObject['summary'] {
  const fail = results.filter((r) => r.result === 'fail').length;
  return { pass: 0, fail, warn: results.length - fail, error: 0, skip: 0 };
}

/**
 * The reports for a scan's active findings: the ClusterPolicyReport always (empty when nothing is
 * cluster-scoped, so a fixed finding disappears from it), a PolicyReport `palisade-no-namespace`
 * without a namespace for namespaced objects written without one, then one PolicyReport `palisade`
 * per namespace with findings, by name.
 */
export function policyReports(report: Report): PolicyReportObject[] {
  const parsed = Date.parse(report.generatedAt);
  const seconds = Number.isNaN(parsed) ? 0 : Math.floor(parsed / 1000);
  const cluster: PolicyReportResult[] = [];
  const unplaced: PolicyReportResult[] = [];
  const byNamespace = new Map<string, PolicyReportResult[]>();
  for (const f of report.findings) {
    if (!isActive(f)) continue;
    const ns = f.resource.namespace;
    const result = resultFor(f, seconds);
    if (ns === null || ns === '') (NAMESPACED_KINDS.has(f.resource.kind) ? unplaced : cluster).push(result);
    else {
      let list = byNamespace.get(ns);
      if (!list) byNamespace.set(ns, (list = []));
      list.push(result);
    }
  }
  const out: PolicyReportObject[] = [
    { apiVersion: POLICY_REPORT_API, kind: 'ClusterPolicyReport', metadata: { name: POLICY_REPORT_NAME, labels: { ...MANAGED_BY } }, summary: summaryOf(cluster), results: cluster },
  ];
  const namespaced = (results: PolicyReportResult[], ns: string | undefined) => {
    const base = ns === undefined ? NO_NAMESPACE_REPORT_NAME : POLICY_REPORT_NAME;
    for (let n = 0; n * MAX_RESULTS_PER_REPORT < results.length; n++) {
      const part = results.slice(n * MAX_RESULTS_PER_REPORT, (n + 1) * MAX_RESULTS_PER_REPORT);
      out.push({
        apiVersion: POLICY_REPORT_API,
        kind: 'PolicyReport',
        metadata: { name: reportName(n, base), ...(ns !== undefined ? { namespace: ns } : {}), labels: { ...MANAGED_BY } },
        summary: summaryOf(part),
        results: part,
      });
    }
  };
  if (unplaced.length > 0) namespaced(unplaced, undefined);
  for (const ns of [...byNamespace.keys()].sort()) namespaced(byNamespace.get(ns)!, ns);
  return out;
}

/** A YAML stream of the reports, for `kubectl apply -f -`. */
export function renderPolicyReport(report: Report, _options: RenderOptions): string {
  return policyReports(report)
    .map((o) => `---\n${dump(o, { lineWidth: -1, noRefs: true, sortKeys: false })}`)
    .join('');
}
