import { aksVerify, CLUSTER_KINDS } from '../../analyses/aks/index.js';
import { defineRule } from '../../core/rule.js';
import { clusterOf, observed, reportUnknown } from './lib/cluster-settings.js';
import { describeNone, ENGINES, kubenetNote, networkPolicyEngine } from './lib/network-policy-engine.js';

export default defineRule({
  meta: {
    id: 'aks/no-network-policy-engine',
    title: 'No network policy engine: NetworkPolicy objects are not enforced',
    severity: 'medium',
    pillar: 'network',
    frameworks: [
      { framework: 'cis-aks', id: '5.4.4' },
      { framework: 'checkov', id: 'CKV_AZURE_7' },
      { framework: 'trivy', id: 'AVD-AZU-0043' },
    ],
    description:
      'Kubernetes NetworkPolicy objects are only data until a policy engine enforces them. Without one (network ' +
      'policy none, the default), every pod can reach every other pod and namespace, and a compromised pod can ' +
      'reach the whole cluster however many policies are applied. The engines AKS offers are Azure Network ' +
      'Policy Manager, Calico and Cilium; a Cilium dataplane always enforces policy. When the scan also holds ' +
      'NetworkPolicy objects, aks/network-policies-not-enforced reports the cluster as critical instead.',
    remediation:
      'Choose an engine: az aks update --network-policy azure|calico (networkProfile.networkPolicy in ' +
      'templates; network_profile { network_policy } in Terraform), or move to the Cilium dataplane, which ' +
      'enforces policies with Cilium (az aks update --network-dataplane cilium, on Azure CNI Overlay or with a pod ' +
      'subnet; networkDataplane: cilium; network_data_plane = "cilium" in Terraform). The cilium engine comes only ' +
      'with that dataplane: --network-policy cilium alone is refused. Azure Network Policy Manager needs Azure ' +
      'CNI: on kubenet (which AKS is retiring, on 31 March 2028) only calico is offered, and Cilium needs the ' +
      'cluster moved to Azure CNI Overlay first (az aks update --network-plugin azure --network-plugin-mode ' +
      'overlay). Then add a default-deny policy per namespace.',
    references: [
      'https://learn.microsoft.com/azure/aks/use-network-policies',
      'https://kubernetes.io/docs/concepts/services-networking/network-policies/',
    ],
  },
  target: { kinds: [...CLUSTER_KINDS] },
  // With NetworkPolicies in the scan the same setting is critical: that rule's finding stands for both.
  supersedes: ['aks/network-policies-not-enforced'],
  check(ctx) {
    const cluster = clusterOf(ctx);
    if (!cluster) return;
    const subject = `cluster ${cluster.name}`;
    const verify = aksVerify(cluster, 'networkProfile.networkPolicy');
    const verdict = networkPolicyEngine(cluster);
    if (verdict.kind === 'enforced') return;
    if (verdict.kind === 'undecided') return reportUnknown(ctx, subject, verdict.setting, verdict.expected, verify);
    ctx.report({
      field: verdict.policy.field,
      message: `${subject} has no network policy engine (${describeNone(verdict.policy)}): NetworkPolicy objects are not enforced${kubenetNote(cluster)}`,
      evidence: { observed: observed(verdict.policy, 'none'), expected: ENGINES },
      verify,
    });
  },
});
