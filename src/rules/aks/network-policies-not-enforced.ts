import { Memo } from '../../core/memo.js';
import { aksVerify, CLUSTER_KINDS } from '../../analyses/aks/index.js';
import { isNetworkPolicy } from '../../analyses/network/policy.js';
import type { Inventory } from '../../core/inventory.js';
import type { Resource } from '../../core/resource.js';
import { defineRule } from '../../core/rule.js';
import { clusterOf, observed } from './lib/cluster-settings.js';
import { describeNone, ENGINES, kubenetNote, networkPolicyEngine } from './lib/network-policy-engine.js';

const POLICIES = new Memo<Inventory, Resource[]>();

function networkPolicies(inventory: Inventory): Resource[] {
  return POLICIES.of(inventory, (inv) => inv.byKind('NetworkPolicy').filter(isNetworkPolicy));
}

export default defineRule({
  meta: {
    id: 'aks/network-policies-not-enforced',
    title: 'NetworkPolicies are written but the cluster enforces none of them',
    severity: 'critical',
    pillar: 'network',
    frameworks: [
      { framework: 'cis-aks', id: '5.4.4' },
      { framework: 'checkov', id: 'CKV_AZURE_7' },
      { framework: 'trivy', id: 'AVD-AZU-0043' },
    ],
    description:
      'AKS accepts NetworkPolicy objects on a cluster without a network policy engine and silently ignores them: ' +
      'the default denies and allow-lists the scan holds look like isolation, and the cluster gives none. Every ' +
      'pod can reach every other pod, and reviews and scans that read the policies draw the wrong conclusion. ' +
      'One finding on the cluster names how many policies are ignored (one per policy would be one problem ' +
      'many times). It stands in for aks/no-network-policy-engine, which reports the same setting when the scan ' +
      'holds no policies; as a rule of its own, a baseline or exception accepted for a cluster without policies ' +
      'does not hide it once policies are written.',
    remediation:
      'Enable an engine: az aks update --network-policy azure|calico (networkProfile.networkPolicy in ' +
      'templates; network_profile { network_policy } in Terraform), or move to the Cilium dataplane, which ' +
      'enforces policies with Cilium (az aks update --network-dataplane cilium, on Azure CNI Overlay or with a pod ' +
      'subnet; networkDataplane: cilium; network_data_plane = "cilium" in Terraform). The cilium engine comes only ' +
      'with that dataplane: --network-policy cilium alone is refused. Azure Network Policy Manager needs Azure ' +
      'CNI: on kubenet (which AKS is retiring, on 31 March 2028) only calico is offered, and Cilium needs the ' +
      'cluster moved to Azure CNI Overlay first. Test the policies before: they start to apply at once.',
    references: [
      'https://learn.microsoft.com/azure/aks/use-network-policies',
      'https://kubernetes.io/docs/concepts/services-networking/network-policies/#prerequisites',
    ],
  },
  target: { kinds: [...CLUSTER_KINDS] },
  check(ctx) {
    const cluster = clusterOf(ctx);
    if (!cluster) return;
    const verdict = networkPolicyEngine(cluster);
    if (verdict.kind !== 'none') return;
    const policies = networkPolicies(ctx.inventory);
    if (policies.length === 0) return;
    const namespaces = [...new Set(policies.map((p) => p.namespace ?? '(no namespace)'))].sort();
    const n = policies.length;
    ctx.report({
      field: verdict.policy.field,
      message:
        `cluster ${cluster.name} has no network policy engine (${describeNone(verdict.policy)}), so the ${n} NetworkPolicy ` +
        `${n === 1 ? 'object' : 'objects'} in the scan (${namespaces.length === 1 ? 'namespace' : 'namespaces'} ${namespaces.join(', ')}) ` +
        `${n === 1 ? 'has' : 'have'} no effect there: every pod can reach every other pod${kubenetNote(cluster)}`,
      evidence: { observed: observed(verdict.policy, 'none'), expected: ENGINES, networkPolicies: n, namespaces },
      verify: aksVerify(cluster, 'networkProfile.networkPolicy'),
    });
  },
});
