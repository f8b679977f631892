import { aksVerify, CLUSTER_KINDS } from '../../analyses/aks/index.js';
import { defineRule } from '../../core/rule.js';
import { clusterOf, flag, observed } from './lib/cluster-settings.js';

export default defineRule({
  meta: {
    id: 'aks/azure-rbac-disabled',
    title: 'Azure RBAC for Kubernetes authorization is off',
    severity: 'low',
    pillar: 'access',
    frameworks: [{ framework: 'cis-aks', id: '5.5.2' }],
    description:
      'With Azure RBAC for Kubernetes authorization, access to the cluster is granted by Azure role assignments ' +
      '(at subscription, resource group, cluster or namespace scope): one place to review, with Privileged ' +
      'Identity Management and access reviews. Without it, Kubernetes RoleBindings to Entra ID users and groups ' +
      'are the only grants, managed separately in each cluster. aadProfile.enableAzureRBAC is false unless set, ' +
      'and requires AKS-managed Entra ID.',
    remediation:
      'Enable it: az aks update --enable-azure-rbac (aadProfile.enableAzureRBAC: true in templates; ' +
      'azure_active_directory_role_based_access_control { azure_rbac_enabled = true } in Terraform), then grant ' +
      'the built-in "Azure Kubernetes Service RBAC" roles.',
    references: ['https://learn.microsoft.com/azure/aks/manage-azure-rbac'],
  },
  target: { kinds: [...CLUSTER_KINDS] },
  check(ctx) {
    const cluster = clusterOf(ctx);
    if (!cluster) return;
    const s = cluster.get('aadProfile.enableAzureRBAC');
    // A low-severity recommendation: an undecidable value is not worth a finding.
    if (!s.known || flag(s) === true) return;
    ctx.report({
      field: s.field,
      message: `cluster ${cluster.name} does not use Azure RBAC for Kubernetes authorization (aadProfile.enableAzureRBAC ${s.absent ? 'not set, default false' : `is ${JSON.stringify(s.value)}`})`,
      evidence: { observed: observed(s, false), expected: true },
      verify: aksVerify(cluster, 'aadProfile.enableAzureRbac'),
    });
  },
});
