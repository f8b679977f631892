import type { AksCluster, Setting } from '../../../analyses/aks/index.js';
import { text } from './cluster-settings.js';

/** The engines AKS offers for Kubernetes NetworkPolicy. */
export const ENGINES: readonly string[] = ['azure', 'calico', 'cilium'];

/**
 * Whether a cluster enforces NetworkPolicies: `enforced`; `none` (the setting that says so); or
 * `undecided`, with the setting that cannot be decided offline and why.
 */
export type EngineVerdict =
  | { kind: 'enforced' }
  | { kind: 'none'; policy: Setting }
  | { kind: 'undecided'; setting: Setting; expected: unknown };

export function networkPolicyEngine(cluster: AksCluster): EngineVerdict {
  const policy = cluster.get('networkProfile.networkPolicy');
  const policyName = text(policy)?.trim().toLowerCase();
  if (policy.known && policyName !== undefined && ENGINES.includes(policyName)) return { kind: 'enforced' };
  const dataplane = cluster.get('networkProfile.networkDataplane');
  // A Cilium dataplane always enforces policy, whatever networkPolicy says.
  if (dataplane.known && text(dataplane)?.trim().toLowerCase() === 'cilium') return { kind: 'enforced' };
  if (!policy.known) return { kind: 'undecided', setting: policy, expected: ENGINES };
  if (!dataplane.known) return { kind: 'undecided', setting: dataplane, expected: 'cilium, or a network policy engine' };
  const plugin = cluster.get('networkProfile.networkPlugin');
  // Bring-your-own CNI: whatever enforces policy is installed in the cluster, outside AKS's settings.
  if (plugin.known && text(plugin)?.trim().toLowerCase() === 'none')
    return {
      kind: 'undecided',
      setting: { ...policy, known: false, reason: 'network plugin none (bring your own CNI): policy enforcement depends on the CNI installed in the cluster' },
      expected: ENGINES,
    };
  return { kind: 'none', policy };
}

/** `networkProfile.networkPolicy not set, default none` / `... is "none"`. */
export function describeNone(policy: Setting): string {
  return `networkProfile.networkPolicy ${policy.absent ? 'not set, default none' : `is ${JSON.stringify(policy.value)}`}`;
}

/** What a kubenet cluster can do: one engine only, and the network plugin change kubenet itself needs. */
const KUBENET_NOTE =
  'on kubenet only calico is available (az aks update --network-policy calico): Azure Network Policy Manager needs ' +
  'Azure CNI, and Cilium needs the cluster moved to Azure CNI Overlay first (kubenet retires on 31 March 2028, so it has to move anyway)';

/**
 * `; on kubenet only calico ...` for a kubenet cluster, '' otherwise: Azure Network Policy Manager needs Azure CNI
 * and Cilium runs only on Azure CNI, so the engine advice that fits other clusters does not fit there.
 */
export function kubenetNote(cluster: AksCluster): string {
  const plugin = cluster.get('networkProfile.networkPlugin');
  return plugin.known && text(plugin)?.trim().toLowerCase() === 'kubenet' ? `; ${KUBENET_NOTE}` : '';
}
