import { ROLE_ASSIGNMENT_KIND } from '../../analyses/rbac/azure-access.js';
import { defineRule } from '../../core/rule.js';
import { grantsOf, reportGrants, type Permission } from './grants.js';

const PERMISSIONS: Permission[] = [
  { verb: "create", resource: "serviceaccounts", apiGroup: "", subresource: "token" },
];

/** The bootstrap policy's grants to control-plane identities (see isControlPlaneGrant) are not reported. */
export default defineRule({
  meta: {
    id: 'rbac/can-create-service-account-tokens',
    title: "Subject can mint service account tokens",
    severity: 'high',
    pillar: 'access',
    frameworks: [{ framework: 'cis-aks', id: '4.1.12' }],
    description: "create on serviceaccounts/token (TokenRequest) mints a token for any service account in scope, and so takes all of that account's rights.",
    remediation: "Remove create on serviceaccounts/token; let the kubelet request projected tokens for pods.",
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/'],
  },
  // On AKS with Azure RBAC, a role assignment grants its role's data actions as these rules (see grants.ts).
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding', ROLE_ASSIGNMENT_KIND] },
  // Every part of cluster-admin: its finding on the same subject says it all.
  supersedes: ['rbac/cluster-admin-bound'],
  check(ctx) {
    reportGrants(ctx, grantsOf(ctx, PERMISSIONS, { skipSystem: true }), "no create on serviceaccounts/token outside the control plane");
  },
});
