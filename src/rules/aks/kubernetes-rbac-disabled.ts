import { aksVerify, CLUSTER_KINDS } from '../../analyses/aks/index.js';
import { defineRule } from '../../core/rule.js';
import { clusterOf, flag, observed, reportUnknown } from './lib/cluster-settings.js';

/**
 * API versions before 2018-03-31 have no enableRBAC: clusters created through them run without RBAC.
 * Later versions, the CLI and Terraform turn it on unless told otherwise.
 */
function serviceDefault(apiVersion: string): boolean {
  return !(/^\d{4}-\d{2}-\d{2}/.test(apiVersion) && apiVersion.slice(0, 10) < '2018-03-31');
}

export default defineRule({
  meta: {
    id: 'aks/kubernetes-rbac-disabled',
    title: 'Kubernetes RBAC is disabled on the cluster',
    severity: 'critical',
    pillar: 'access',
    frameworks: [
      { framework: 'checkov', id: 'CKV_AZURE_5' },
      { framework: 'trivy', id: 'AVD-AZU-0042' },
      { framework: 'azure-policy', id: 'ac4a19c2-fa67-49b4-8ae5-0b2e78c49457' },
    ],
    description:
      'Without Kubernetes RBAC the API server authorizes every authenticated request: each user, and each pod ' +
      'through its service-account token, can read every Secret and change every workload. Roles, bindings and ' +
      'Entra ID group mappings have no effect. enableRBAC is true unless a template sets it to false (or uses an ' +
      'API version older than 2018-03-31, which had no RBAC).',
    remediation:
      'RBAC cannot be turned on for an existing cluster: create a new cluster with enableRBAC: true (the default of ' +
      'az aks create; role_based_access_control_enabled = true in Terraform) and move the workloads.',
    references: ['https://learn.microsoft.com/azure/aks/concepts-identity#kubernetes-rbac'],
  },
  target: { kinds: [...CLUSTER_KINDS] },
  check(ctx) {
    const cluster = clusterOf(ctx);
    if (!cluster) return;
    const s = cluster.get('enableRBAC');
    const verify = aksVerify(cluster, 'enableRbac');
    if (!s.known) return reportUnknown(ctx, `cluster ${cluster.name}`, s, true, verify);
    const byDefault = serviceDefault(ctx.resource.apiVersion);
    const on = s.absent ? byDefault : flag(s);
    // A value that is neither true nor false is rejected by ARM: nothing to judge.
    if (on !== false) return;
    ctx.report({
      field: s.field,
      message: `cluster ${cluster.name} runs without Kubernetes RBAC (enableRBAC ${s.absent ? `not set, and API version ${ctx.resource.apiVersion} has no RBAC` : `is ${JSON.stringify(s.value)}`}): every authenticated identity is cluster-admin`,
      evidence: { observed: observed(s, byDefault), expected: true },
      verify,
    });
  },
});
