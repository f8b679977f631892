import { ROLE_ASSIGNMENT_KIND } from '../../analyses/rbac/azure-access.js';
import { defineRule } from '../../core/rule.js';
import { grantsOf, reportGrants, type Permission } from './grants.js';

// A WebSocket GET, authorized as `get` before Kubernetes 1.35 (see can-exec-into-pods).
const PERMISSIONS: Permission[] = [
  { verb: "create", resource: "pods", apiGroup: "", subresource: "portforward" },
  { verb: "get", resource: "pods", apiGroup: "", subresource: "portforward" },
];

/** The bootstrap policy's grants to control-plane identities (see isControlPlaneGrant) are not reported. */
export default defineRule({
  meta: {
    id: 'rbac/can-port-forward',
    title: "Subject can port-forward to pods",
    severity: 'medium',
    pillar: 'access',
    frameworks: [{ framework: 'kubescape', id: 'C-0063' }],
    description: "create on pods/portforward opens a tunnel from the caller to any pod port in scope, bypassing NetworkPolicies and ingress controls. get is enough too before Kubernetes 1.35: kubectl opens the tunnel as a WebSocket GET.",
    remediation: "Remove pods/portforward from everyday roles; grant it only in a debugging role bound for a limited time.",
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/'],
  },
  // On AKS with Azure RBAC, a role assignment grants its role's data actions as these rules (see grants.ts).
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding', ROLE_ASSIGNMENT_KIND] },
  // Every part of cluster-admin: its finding on the same subject says it all.
  supersedes: ['rbac/cluster-admin-bound'],
  check(ctx) {
    reportGrants(ctx, grantsOf(ctx, PERMISSIONS, { skipSystem: true }), "no create or get on pods/portforward outside debugging roles");
  },
});
