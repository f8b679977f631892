import { ROLE_ASSIGNMENT_KIND } from '../../analyses/rbac/azure-access.js';
import { defineRule } from '../../core/rule.js';
import { grantsOf, reportGrants, type Permission } from './grants.js';

const PERMISSIONS: Permission[] = [
  { verb: "get", resource: "secrets", apiGroup: "" },
  { verb: "list", resource: "secrets", apiGroup: "" },
  { verb: "watch", resource: "secrets", apiGroup: "" },
];

/** The bootstrap policy's grants to control-plane identities (see isControlPlaneGrant) are not reported. */
export default defineRule({
  meta: {
    id: 'rbac/can-read-secrets',
    title: "Subject can read Secrets",
    severity: 'high',
    pillar: 'access',
    frameworks: [{ framework: 'kubescape', id: 'C-0015' }, { framework: 'cis-aks', id: '4.1.2' }],
    description: "get, list or watch on Secrets returns their decoded-in-transit values, including service account tokens and cloud credentials; list and watch return every Secret in scope at once.",
    remediation: "Grant get on the named Secrets a workload needs (resourceNames), mount Secrets as volumes instead of reading them through the API, or use the Secrets Store CSI driver with Azure Key Vault.",
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/'],
  },
  // On AKS with Azure RBAC, a role assignment grants its role's data actions as these rules (see grants.ts).
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding', ROLE_ASSIGNMENT_KIND] },
  // Every part of cluster-admin: its finding on the same subject says it all.
  supersedes: ['rbac/cluster-admin-bound'],
  check(ctx) {
    reportGrants(ctx, grantsOf(ctx, PERMISSIONS, { skipSystem: true }), "no get, list or watch on secrets outside the workloads that need one named Secret");
  },
});
