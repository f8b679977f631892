import { aksVerify, CLUSTER_KINDS } from '../../analyses/aks/index.js';
import { defineRule } from '../../core/rule.js';
import { clusterOf, observed, reportUnknown, text } from './lib/cluster-settings.js';

const ENGINES = ['azure', 'calico', 'cilium'];

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
      'Policy Manager, Calico and Cilium; a Cilium dataplane always enforces policy.',
    remediation:
      'Choose an engine: az aks update --network-policy azure|calico|cilium (networkProfile.networkPolicy in ' +
      'templates; network_profile { network_policy } in Terraform), or use the Cilium dataplane ' +
      '(networkDataplane: cilium). Then add a default-deny policy per namespace.',
    references: [
      'https://learn.microsoft.com/azure/aks/use-network-policies',
      'https://kubernetes.io/docs/concepts/services-networking/network-policies/',
    ],
  },
  target: { kinds: [...CLUSTER_KINDS] },
  check(ctx) {
    const cluster = clusterOf(ctx);
    if (!cluster) return;
    const subject = `cluster ${cluster.name}`;
    const verify = aksVerify(cluster, 'networkProfile.networkPolicy');
    const policy = cluster.get('networkProfile.networkPolicy');
    const policyName = text(policy)?.trim().toLowerCase();
    if (policy.known && policyName !== undefined && ENGINES.includes(policyName)) return;
    const dataplane = cluster.get('networkProfile.networkDataplane');
    if (dataplane.known && text(dataplane)?.trim().toLowerCase() === 'cilium') return;
    if (!policy.known) return reportUnknown(ctx, subject, policy, ENGINES, verify);
    if (!dataplane.known) return reportUnknown(ctx, subject, dataplane, 'cilium, or a network policy engine', verify);
    const plugin = cluster.get('networkProfile.networkPlugin');
    // Bring-your-own CNI: whatever enforces policy is installed in the cluster, outside AKS's settings.
    if (plugin.known && text(plugin)?.trim().toLowerCase() === 'none')
      return reportUnknown(
        ctx,
        subject,
        { ...policy, known: false, reason: 'network plugin none (bring your own CNI): policy enforcement depends on the CNI installed in the cluster' },
        ENGINES,
        verify,
      );
    ctx.report({
      field: policy.field,
      message: `${subject} has no network policy engine (networkProfile.networkPolicy ${policy.absent ? 'not set, default none' : `is ${JSON.stringify(policy.value)}`}): NetworkPolicy objects are not enforced`,
      evidence: { observed: observed(policy, 'none'), expected: ENGINES },
      verify,
    });
  },
});
