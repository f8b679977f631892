import type { KubeConfig } from '@kubernetes/client-node';
import { errorMessage } from '../core/errors.js';
import type { Report } from '../core/report.js';
import { isReportName, MANAGED_BY, policyReports, type PolicyReportObject } from '../report/policyreport.js';

const GROUP = 'wgpolicyk8s.io';
const VERSION = 'v1alpha2';
const LABEL_SELECTOR = Object.entries(MANAGED_BY)
  .map(([k, v]) => `${k}=${v}`)
  .join(',');

export interface PolicyReportWriteOptions {
  /** The kubeconfig file; default KUBECONFIG, then ~/.kube/config, then the in-cluster service account. */
  kubeconfig?: string;
  /** The context to write to; default the kubeconfig's current context. */
  context?: string;
}

export interface PolicyReportWriteResult {
  created: string[];
  replaced: string[];
  /** Palisade's reports of namespaces that have no findings any more. */
  deleted: string[];
  /** One line per report that could not be written; the others still are. */
  errors: string[];
}

async function kubeConfig(options: PolicyReportWriteOptions): Promise<KubeConfig> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  if (options.kubeconfig !== undefined) kc.loadFromFile(options.kubeconfig);
  else kc.loadFromDefault();
  if (options.context !== undefined) {
    if (!kc.getContextObject(options.context)) throw new Error(`no context ${options.context} in the kubeconfig`);
    kc.setCurrentContext(options.context);
  }
  return kc;
}

function codeOf(e: unknown): number | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** The API server's own words (a Status message) when it gave some, else the client's. */
function reason(e: unknown): string {
  const body = (e as { body?: unknown } | null)?.body;
  if (typeof body === 'string') {
    try {
      const status = JSON.parse(body) as { message?: unknown };
      if (typeof status.message === 'string') return `${codeOf(e) ?? ''} ${status.message}`.trim();
    } catch {
      // not JSON: fall through to the client's message
    }
  }
  return errorMessage(e).split('\n')[0] ?? 'unknown error';
}

function label(o: PolicyReportObject): string {
  return o.metadata.namespace !== undefined ? `PolicyReport ${o.metadata.namespace}/${o.metadata.name}` : `ClusterPolicyReport ${o.metadata.name}`;
}

/**
 * Writes the scan's PolicyReports and ClusterPolicyReport to the cluster (create, or replace when one
 * exists), then deletes Palisade's PolicyReports of namespaces without findings now, so that Policy
 * Reporter shows fixed findings as gone. Needs create, get, update, list and delete on
 * `policyreports` and `clusterpolicyreports` of `wgpolicyk8s.io` (see deploy/).
 */
export async function writePolicyReports(report: Report, options: PolicyReportWriteOptions = {}): Promise<PolicyReportWriteResult> {
  const { CustomObjectsApi } = await import('@kubernetes/client-node');
  const api = (await kubeConfig(options)).makeApiClient(CustomObjectsApi);
  const result: PolicyReportWriteResult = { created: [], replaced: [], deleted: [], errors: [] };
  // A namespaced object read without a namespace lands in `default` when applied without one.
  const objects = policyReports(report).map((o) => (o.kind === 'PolicyReport' && o.metadata.namespace === undefined ? { ...o, metadata: { ...o.metadata, namespace: 'default' } } : o));
  for (const o of objects) {
    const ns = o.metadata.namespace;
    const plural = ns === undefined ? 'clusterpolicyreports' : 'policyreports';
    try {
      try {
        if (ns === undefined) await api.createClusterCustomObject({ group: GROUP, version: VERSION, plural, body: o });
        else await api.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural, body: o });
        result.created.push(label(o));
      } catch (e) {
        if (codeOf(e) !== 409) throw e;
        // It exists: replace it, naming the version read so that a concurrent writer is not overwritten blindly.
        const current = (ns === undefined
          ? await api.getClusterCustomObject({ group: GROUP, version: VERSION, plural, name: o.metadata.name })
          : await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural, name: o.metadata.name })) as { metadata?: { resourceVersion?: string } };
        const body = { ...o, metadata: { ...o.metadata, ...(current.metadata?.resourceVersion ? { resourceVersion: current.metadata.resourceVersion } : {}) } };
        if (ns === undefined) await api.replaceClusterCustomObject({ group: GROUP, version: VERSION, plural, name: o.metadata.name, body });
        else await api.replaceNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural, name: o.metadata.name, body });
        result.replaced.push(label(o));
      }
    } catch (e) {
      result.errors.push(`${label(o)}: ${reason(e)}`);
    }
  }
  const written = new Set(objects.flatMap((o) => (o.metadata.namespace !== undefined ? [`${o.metadata.namespace}/${o.metadata.name}`] : [])));
  try {
    const list = (await api.listCustomObjectForAllNamespaces({ group: GROUP, version: VERSION, plural: 'policyreports', labelSelector: LABEL_SELECTOR })) as {
      items?: { metadata?: { name?: string; namespace?: string } }[];
    };
    for (const item of list.items ?? []) {
      const ns = item.metadata?.namespace;
      const name = item.metadata?.name;
      // A namespace that became clean, or that needs fewer reports than it had.
      if (ns === undefined || name === undefined || !isReportName(name) || written.has(`${ns}/${name}`)) continue;
      try {
        await api.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: 'policyreports', name });
        result.deleted.push(`PolicyReport ${ns}/${name}`);
      } catch (e) {
        if (codeOf(e) !== 404) result.errors.push(`PolicyReport ${ns}/${name}: ${reason(e)}`);
      }
    }
  } catch (e) {
    result.errors.push(`listing Palisade's PolicyReports: ${reason(e)}`);
  }
  return result;
}
