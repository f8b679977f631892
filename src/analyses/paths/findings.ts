import type { Finding } from '../../core/finding.js';
import type { ResourceRef } from '../../core/resource.js';

/**
 * The rules whose findings the attack graph reads, as steps or as the evidence of a step: the CLI runs
 * them (or takes them from the scan) and hands their findings over; the graph never runs rules itself.
 */
export const PATH_RULE_IDS: readonly string[] = [
  'image/vulnerable-package',
  'workload/privileged-container',
  'workload/host-namespace',
  'workload/sensitive-host-path',
  'workload/writable-host-path',
  'workload/dangerous-capability-added',
  'workload/windows-host-process',
  'workload/automount-service-account-token',
  'workload/service-account-token-with-permissions',
  'network/load-balancer-without-source-ranges',
  'network/nodeport-service',
  'network/reachable-from-all-namespaces',
  'network/host-network-bypasses-policies',
  'network/namespace-without-default-deny-ingress',
  'aks/network-policies-not-enforced',
  'aks/api-server-publicly-reachable',
  'rbac/cluster-admin-bound',
  'rbac/wildcard-permission',
  'rbac/can-create-pods',
  'rbac/can-create-service-account-tokens',
  'rbac/can-impersonate',
  'rbac/can-escalate-or-bind',
  'rbac/can-read-secrets',
  'rbac/can-exec-into-pods',
  'rbac/escalation-path-to-cluster-admin',
];

function refKey(rule: string, r: Pick<ResourceRef, 'kind' | 'namespace' | 'name'>): string {
  return `${rule}\u0000${r.kind}\u0000${r.namespace ?? ''}\u0000${r.name}`;
}

const PATH_RULES = new Set(PATH_RULE_IDS);

/** A question about a rule the index does not hold would get no findings, silently: a mistake in the graph's code. */
function pathRule(rule: string): string {
  if (!PATH_RULES.has(rule)) throw new Error(`${rule} is not among PATH_RULE_IDS: the attack graph does not index its findings`);
  return rule;
}

/**
 * Findings of PATH_RULE_IDS by rule, and by rule and resource: how steps name the findings behind them.
 * A scan hands over all its findings; the others (most of them) are passed over, not indexed.
 */
export class FindingIndex {
  private readonly byRule = new Map<string, Finding[]>();
  private readonly byRef = new Map<string, Finding[]>();

  constructor(findings: readonly Finding[]) {
    for (const f of findings) {
      if (!PATH_RULES.has(f.rule)) continue;
      push(this.byRule, f.rule, f);
      push(this.byRef, refKey(f.rule, f.resource), f);
    }
  }

  ofRule(rule: string): readonly Finding[] {
    return this.byRule.get(pathRule(rule)) ?? [];
  }

  /** Ids of the findings of these rules on one resource (a namespace-less manifest matches any namespace it is asked for). */
  ids(rules: readonly string[], ref: Pick<ResourceRef, 'kind' | 'namespace' | 'name'>, keep: (f: Finding) => boolean = () => true): string[] {
    const out: string[] = [];
    for (const rule of rules) {
      const found = this.byRef.get(refKey(pathRule(rule), ref)) ?? (ref.namespace !== null ? this.byRef.get(refKey(rule, { ...ref, namespace: null })) : undefined) ?? [];
      for (const f of found) if (keep(f) && !out.includes(f.id)) out.push(f.id);
    }
    return out;
  }
}

function push<V>(m: Map<string, V[]>, k: string, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
