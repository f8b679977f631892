import { selectorMatches, type Inventory } from '../../../core/inventory.js';
import { asArray, asObj, isObj, type Obj, type Resource } from '../../../core/resource.js';
import { podLabels, podOf, type PodView } from '../../../core/workload.js';

/** A policy type, as `spec.policyTypes` spells it. */
export type Direction = 'Ingress' | 'Egress';

/** `networking.k8s.io` NetworkPolicies; other products' `NetworkPolicy` kinds (Calico's) have other semantics. */
export function isNetworkPolicy(r: Resource): boolean {
  return r.kind === 'NetworkPolicy' && r.apiVersion.startsWith('networking.k8s.io/');
}

function specOf(policy: Resource): Obj {
  return asObj(policy.object.spec) ?? {};
}

/**
 * The policy types in force, defaulted as the API server does: without `policyTypes` a policy is an
 * Ingress policy, and an Egress one too when it has egress rules.
 */
export function policyTypes(policy: Resource): ReadonlySet<Direction> {
  const spec = specOf(policy);
  const written = asArray(spec.policyTypes);
  if (written.length > 0) return new Set(written.filter((t): t is Direction => t === 'Ingress' || t === 'Egress'));
  const types = new Set<Direction>(['Ingress']);
  if (asArray(spec.egress).length > 0) types.add('Egress');
  return types;
}

/** The pod selector; an absent one selects every pod of the namespace, as `{}` does. */
export function podSelectorOf(policy: Resource): unknown {
  const sel = specOf(policy).podSelector;
  return sel === undefined || sel === null ? {} : sel;
}

/** `podSelector: {}` (or absent): the policy applies to every pod of its namespace. */
export function selectsEveryPod(policy: Resource): boolean {
  const sel = podSelectorOf(policy);
  if (!isObj(sel)) return false;
  const labels = asObj(sel.matchLabels);
  return (labels === undefined || Object.keys(labels).length === 0) && asArray(sel.matchExpressions).length === 0;
}

/** The `ingress` or `egress` rules of a policy. */
export function rulesOf(policy: Resource, direction: Direction): unknown[] {
  return asArray(specOf(policy)[direction === 'Ingress' ? 'ingress' : 'egress']);
}

/**
 * A policy that isolates every pod of its namespace in one direction and allows nothing there: the
 * default deny. Kubernetes has no rule that allows nothing other than none at all: a rule without
 * `from`/`to` allows every peer, and a peer must name pods, namespaces or addresses.
 */
export function isDefaultDeny(policy: Resource, direction: Direction): boolean {
  return policyTypes(policy).has(direction) && selectsEveryPod(policy) && rulesOf(policy, direction).length === 0;
}

// Policies are matched against the same pods over and over (every policy of a namespace, several rules).
const LABELS = new WeakMap<PodView, Record<string, string>>();

function labelsOf(pod: PodView): Record<string, string> {
  let labels = LABELS.get(pod);
  if (!labels) LABELS.set(pod, (labels = podLabels(pod)));
  return labels;
}

/**
 * A rule without peers and without ports allows every source (or destination) on every port: the pods
 * the policy selects are as open in that direction as if no policy selected them (`ingress: [{}]`).
 */
export function allowsEverything(policy: Resource, direction: Direction): boolean {
  return rulesOf(policy, direction).some((rule) => {
    const r = asObj(rule);
    return r !== undefined && asArray(r[direction === 'Ingress' ? 'from' : 'to']).length === 0 && asArray(r.ports).length === 0;
  });
}

export function selectsPod(policy: Resource, pod: PodView): boolean {
  return selectorMatches(podSelectorOf(policy), labelsOf(pod));
}

/** Does the policy select a pod of its group? A label the namespace's pods never carry answers at once. */
export function selectsAnyPod(policy: Resource, group: NamespaceGroup): boolean {
  const sel = asObj(podSelectorOf(policy));
  const wanted = Object.entries(asObj(sel?.matchLabels) ?? {});
  if (wanted.length > 0) {
    if (!group.labelPairs) {
      group.labelPairs = new Set();
      for (const pod of group.pods) for (const [k, v] of Object.entries(labelsOf(pod))) group.labelPairs.add(`${k}\u0000${v}`);
    }
    const pairs = group.labelPairs;
    if (wanted.some(([k, v]) => typeof v !== 'string' || !pairs.has(`${k}\u0000${v}`))) return false;
  }
  return group.pods.some((pod) => selectsPod(policy, pod));
}

/** `hostNetwork: true`: the pod uses the node's network stack, where NetworkPolicies do not apply. */
export function usesHostNetwork(pod: PodView): boolean {
  return pod.spec.hostNetwork === true;
}

/** The NetworkPolicies and pod-bearing objects of one namespace. */
export interface NamespaceGroup {
  /** The namespace; `''` for manifests that name none (they land wherever they are applied). */
  key: string;
  policies: Resource[];
  /** Every pod and pod template, in inventory order. */
  pods: PodView[];
  /** The pods on the pod network (not hostNetwork), which NetworkPolicies can select. */
  podNetwork: PodView[];
  /** Every `key\0value` label pair of the pods, built on first use: a selector asking for a pair not here selects nothing. */
  labelPairs?: Set<string>;
}

/** Manifests without a namespace are grouped together: they are applied to one namespace chosen at apply time. */
export function namespaceKey(r: Resource): string {
  return r.kind === 'Namespace' ? r.name : (r.namespace ?? '');
}

// Every namespace rule asks for the same grouping; build it once per scan.
const GROUPS = new WeakMap<Inventory, ReadonlyMap<string, NamespaceGroup>>();

export function namespaceGroups(inventory: Inventory): ReadonlyMap<string, NamespaceGroup> {
  let groups = GROUPS.get(inventory);
  if (groups) return groups;
  const built = new Map<string, NamespaceGroup>();
  const group = (key: string): NamespaceGroup => {
    let g = built.get(key);
    if (!g) built.set(key, (g = { key, policies: [], pods: [], podNetwork: [] }));
    return g;
  };
  for (const r of inventory.resources) {
    if (r.kind === 'Namespace') continue;
    if (isNetworkPolicy(r)) group(namespaceKey(r)).policies.push(r);
    else {
      const pod = podOf(r);
      if (!pod) continue;
      const g = group(namespaceKey(r));
      g.pods.push(pod);
      if (!usesHostNetwork(pod)) g.podNetwork.push(pod);
    }
  }
  groups = built;
  GROUPS.set(inventory, groups);
  return groups;
}

/** `Deployment/cart`, `CronJob/sales-report`. */
export function workloadName(pod: PodView): string {
  return `${pod.resource.kind}/${pod.resource.name}`;
}

/** `a, b, c and 4 more`. */
export function listSome(names: readonly string[], max = 5): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
