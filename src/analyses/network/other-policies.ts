import type { InputNote } from '../../core/errors.js';
import type { Inventory } from '../../core/inventory.js';
import { Memo } from '../../core/memo.js';
import type { Resource } from '../../core/resource.js';
import { otherPolicyApplies } from './other-policy-scope.js';
import type { Direction } from './policy.js';

/**
 * Policies that the cluster's network policy engine enforces beside Kubernetes NetworkPolicies, and that
 * the reachability model does not read: Calico's (AKS with Calico), Cilium's (Azure CNI powered by Cilium)
 * and the AdminNetworkPolicy API (v1alpha1 AdminNetworkPolicy and BaselineAdminNetworkPolicy, and their
 * v1alpha2 successor ClusterNetworkPolicy with its Admin and Baseline tiers). Their semantics differ (ordered tiers, explicit deny, L7 rules), so
 * reading them as NetworkPolicies would be worse than saying they are there.
 */
const ENGINES: ReadonlyArray<{ group: string; kinds: ReadonlySet<string>; clusterWide: ReadonlySet<string> }> = [
  {
    group: 'projectcalico.org',
    kinds: new Set(['NetworkPolicy', 'GlobalNetworkPolicy', 'StagedNetworkPolicy', 'StagedGlobalNetworkPolicy']),
    clusterWide: new Set(['GlobalNetworkPolicy', 'StagedGlobalNetworkPolicy']),
  },
  {
    group: 'crd.projectcalico.org',
    kinds: new Set(['NetworkPolicy', 'GlobalNetworkPolicy', 'StagedNetworkPolicy', 'StagedGlobalNetworkPolicy']),
    clusterWide: new Set(['GlobalNetworkPolicy', 'StagedGlobalNetworkPolicy']),
  },
  { group: 'cilium.io', kinds: new Set(['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy']), clusterWide: new Set(['CiliumClusterwideNetworkPolicy']) },
  {
    group: 'policy.networking.k8s.io',
    kinds: new Set(['AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'ClusterNetworkPolicy']),
    clusterWide: new Set(['AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'ClusterNetworkPolicy']),
  },
];

export interface OtherPolicy {
  resource: Resource;
  /** The API group the engine serves it under. */
  group: string;
  /** Applies across namespaces (GlobalNetworkPolicy, CiliumClusterwideNetworkPolicy, AdminNetworkPolicy, ...). */
  clusterWide: boolean;
}

/** A policy that can apply in a namespace; `decided` false when its selector is not read, so it only might. */
export interface OtherPolicyInNamespace extends OtherPolicy {
  decided: boolean;
}

const OTHER = new Memo<Inventory, readonly OtherPolicy[]>();

/** The policies of other engines in the input, in inventory order. */
export function otherPolicies(inventory: Inventory): readonly OtherPolicy[] {
  return OTHER.of(inventory, (inv) => {
    const out: OtherPolicy[] = [];
    for (const r of inv.resources) {
      const slash = r.apiVersion.indexOf('/');
      if (slash < 0) continue;
      const group = r.apiVersion.slice(0, slash);
      const engine = ENGINES.find((e) => e.group === group && e.kinds.has(r.kind));
      if (engine) out.push({ resource: r, group, clusterWide: engine.clusterWide.has(r.kind) });
    }
    return out;
  });
}

/**
 * The other engines' policies that can apply to the pods of a namespace in `direction`: its own and the
 * cluster-wide ones whose subject (namespaceSelector, subject.namespaces, endpointSelector, ...) can take
 * it in, with rules or types in that direction. One whose selector is not read counts, undecided.
 */
export function otherPoliciesIn(inventory: Inventory, namespace: string, direction: Direction): OtherPolicyInNamespace[] {
  const out: OtherPolicyInNamespace[] = [];
  for (const p of otherPolicies(inventory)) {
    // Calico's staged policies only preview what they would do: they enforce nothing.
    if (p.resource.kind.startsWith('Staged')) continue;
    if (!p.clusterWide && (p.resource.namespace ?? 'default') !== namespace) continue;
    const applies = otherPolicyApplies(inventory, p, namespace, direction);
    if (applies !== 'no') out.push({ ...p, decided: applies === 'yes' });
  }
  return out;
}

/** `CiliumNetworkPolicy shop/deny-all`, `GlobalNetworkPolicy default-deny`. */
export function otherPolicyLabel(p: OtherPolicy): string {
  const r = p.resource;
  return `${r.kind} ${p.clusterWide || r.namespace === null ? '' : `${r.namespace}/`}${r.name}`;
}

/** The warning netpol prints when the input holds such policies, at the first of them; undefined when it holds none. */
export function otherPoliciesWarning(inventory: Inventory): InputNote | undefined {
  const found = otherPolicies(inventory);
  const first = found[0]?.resource.source;
  if (!first) return undefined;
  const names = found.slice(0, 3).map(otherPolicyLabel).join(', ') + (found.length > 3 ? `, and ${found.length - 3} more` : '');
  const message = `${found.length === 1 ? 'a policy' : `${found.length} policies`} of the cluster's network policy engine (${names}) ${found.length === 1 ? 'is' : 'are'} not modelled: only Kubernetes NetworkPolicies are read, so what is shown as allowed may be denied by ${found.length === 1 ? 'it' : 'them'}`;
  return { source: first.file, line: first.line, message };
}
