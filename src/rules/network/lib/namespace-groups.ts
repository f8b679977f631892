import { Memo } from '../../../core/memo.js';
import { isNetworkPolicy, parseNetworkPolicy, selectsLabels, type NetworkPolicyModel } from '../../../analyses/network/policy.js';
import { controllerKeysSelected, runningLabelSets } from '../../../analyses/network/controller-labels.js';
import { usesHostNetwork } from '../../../analyses/network/workloads.js';
import type { Inventory } from '../../../core/inventory.js';
import { stringMap, type Resource } from '../../../core/resource.js';
import { podOf, type PodView } from '../../../core/workload.js';

/** The NetworkPolicies and pod-bearing objects of one namespace. */
export interface NamespaceGroup {
  /** The namespace; `''` for manifests that name none (they land wherever they are applied). */
  key: string;
  policies: NetworkPolicyModel[];
  /** Every pod and pod template, in inventory order. */
  pods: PodView[];
  /** The pods on the pod network (not hostNetwork), which NetworkPolicies can select. */
  podNetwork: PodView[];
  /** Every `key\0value` label pair of the pods, built on first use: a selector asking for a pair not here selects nothing. */
  labelPairs?: Set<string>;
  /** The controller-added label keys some selector of the scan reads (see `controllerKeysSelected`). */
  controllerKeys: ReadonlySet<string>;
}

/** Manifests without a namespace are grouped together: they are applied to one namespace chosen at apply time. */
export function namespaceKey(r: Resource): string {
  return r.kind === 'Namespace' ? r.name : (r.namespace ?? '');
}

// Every namespace rule asks for the same grouping; build it once per scan.
const GROUPS = new Memo<Inventory, ReadonlyMap<string, NamespaceGroup>>();

/**
 * The policies and pods of each namespace, every pod-bearing object on its own (a ReplicaSet beside its
 * Deployment too): the rules count and name the objects of the input, where the reachability model
 * folds them into workloads. Unlike the model, which places manifests without a namespace in
 * `default`, they form a group of their own (see `namespaceKey`).
 */
export function namespaceGroups(inventory: Inventory): ReadonlyMap<string, NamespaceGroup> {
  return GROUPS.of(inventory, buildNamespaceGroups);
}

function buildNamespaceGroups(inventory: Inventory): ReadonlyMap<string, NamespaceGroup> {
  const built = new Map<string, NamespaceGroup>();
  const controllerKeys = controllerKeysSelected(inventory);
  const group = (key: string): NamespaceGroup => {
    let g = built.get(key);
    if (!g) built.set(key, (g = { key, policies: [], pods: [], podNetwork: [], controllerKeys }));
    return g;
  };
  for (const r of inventory.resources) {
    if (r.kind === 'Namespace') continue;
    if (isNetworkPolicy(r)) group(namespaceKey(r)).policies.push(parseNetworkPolicy(r).policy);
    else {
      const pod = podOf(r);
      if (!pod) continue;
      const g = group(namespaceKey(r));
      g.pods.push(pod);
      if (!usesHostNetwork(pod.spec)) g.podNetwork.push(pod);
    }
  }
  return built;
}

// Policies are matched against the same pods over and over (every policy of a namespace, several rules).
const LABELS = new Memo<PodView, Array<Record<string, string>>>();

/** The label sets of the pods the object runs (one per StatefulSet replica when selectors tell them apart). */
function labelsOf(pod: PodView, group: NamespaceGroup): Array<Record<string, string>> {
  return LABELS.of(pod, (p) => runningLabelSets(p, group.controllerKeys));
}

/** Does the policy select one of the pods the object runs? */
export function selectsPod(policy: NetworkPolicyModel, pod: PodView, group: NamespaceGroup): boolean {
  return labelsOf(pod, group).some((labels) => selectsLabels(policy, labels));
}

/**
 * Why the object runs open pods: `unselected` when one of its pods is selected by none of `selecting`,
 * and the policies of `allowAll` that select one of them (they open it whatever the others say).
 */
export function openPodReasons(pod: PodView, group: NamespaceGroup, selecting: readonly NetworkPolicyModel[], allowAll: readonly NetworkPolicyModel[]): { unselected: boolean; openedBy: NetworkPolicyModel[] } {
  const sets = labelsOf(pod, group);
  return {
    unselected: sets.some((labels) => !selecting.some((p) => selectsLabels(p, labels))),
    openedBy: allowAll.filter((p) => sets.some((labels) => selectsLabels(p, labels))),
  };
}

/** Does the policy select a pod of its group? A label the namespace's pods never carry answers at once. */
export function selectsAnyPod(policy: NetworkPolicyModel, group: NamespaceGroup): boolean {
  const wanted = Object.entries(stringMap(policy.podSelector.matchLabels));
  if (wanted.length > 0) {
    if (!group.labelPairs) {
      group.labelPairs = new Set();
      for (const pod of group.pods) for (const labels of labelsOf(pod, group)) for (const [k, v] of Object.entries(labels)) group.labelPairs.add(`${k}\u0000${v}`);
    }
    const pairs = group.labelPairs;
    if (wanted.some(([k, v]) => !pairs.has(`${k}\u0000${v}`))) return false;
  }
  return group.pods.some((pod) => selectsPod(policy, pod, group));
}

/** `Deployment/cart`, `CronJob/sales-report`. */
export function workloadName(pod: PodView): string {
  return `${pod.resource.kind}/${pod.resource.name}`;
}
