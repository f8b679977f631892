import { aksVerify, CLUSTER_KINDS } from '../../analyses/aks/index.js';
import { defineRule } from '../../core/rule.js';
import { clusterOf, flag, observed, queryPathOf, reportUnknown } from './lib/cluster-settings.js';

const ENABLED = 'addonProfiles.azurepolicy.enabled';

export default defineRule({
  meta: {
    id: 'aks/azure-policy-addon-disabled',
    title: 'Azure Policy add-on is not enabled',
    severity: 'medium',
    pillar: 'addons',
    frameworks: [
      { framework: 'cis-aks', id: '4.3' },
      { framework: 'checkov', id: 'CKV_AZURE_116' },
      { framework: 'trivy', id: 'AVD-AZU-0066' },
      { framework: 'azure-policy', id: '0a15ec92-a229-4763-bb14-0ea34a568f8d' },
    ],
    description:
      'The Azure Policy add-on runs Gatekeeper in the cluster and enforces the Kubernetes policy definitions and ' +
      'initiatives assigned in Azure (pod security baseline and restricted, allowed registries, no privileged ' +
      'containers) at admission, and reports compliance of existing objects. Without it, those assignments have ' +
      'no effect inside the cluster. It is off unless enabled.',
    remediation:
      'Enable it: az aks enable-addons --addons azure-policy (addonProfiles.azurepolicy.enabled: true in templates; ' +
      'azure_policy_enabled = true in Terraform), then assign a Kubernetes initiative such as the pod security ' +
      'baseline to the cluster scope.',
    references: ['https://learn.microsoft.com/azure/aks/use-azure-policy', 'https://learn.microsoft.com/azure/governance/policy/concepts/policy-for-kubernetes'],
  },
  target: { kinds: [...CLUSTER_KINDS] },
  check(ctx) {
    const cluster = clusterOf(ctx);
    if (!cluster) return;
    const s = cluster.get(ENABLED);
    const verify = aksVerify(cluster, queryPathOf(cluster, s, ENABLED));
    if (!s.known) return reportUnknown(ctx, `cluster ${cluster.name}`, s, true, verify);
    if (flag(s) === true) return;
    ctx.report({
      field: s.field,
      message: `cluster ${cluster.name} does not run the Azure Policy add-on (addonProfiles.azurepolicy.enabled ${s.absent ? 'not set, default false' : `is ${JSON.stringify(s.value)}`})`,
      evidence: { observed: observed(s, false), expected: true },
      verify,
    });
  },
});
