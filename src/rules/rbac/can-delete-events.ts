import { ROLE_ASSIGNMENT_KIND } from '../../analyses/rbac/azure-access.js';
import { defineRule } from '../../core/rule.js';
import { grantsOf, reportGrants, type Permission } from './grants.js';

const PERMISSIONS: Permission[] = [
  { verb: "delete", resource: "events", apiGroup: "" },
  { verb: "deletecollection", resource: "events", apiGroup: "" },
  { verb: "delete", resource: "events", apiGroup: "events.k8s.io" },
  { verb: "deletecollection", resource: "events", apiGroup: "events.k8s.io" },
];

/** The bootstrap policy's grants to control-plane identities (see isControlPlaneGrant) are not reported. */
export default defineRule({
  meta: {
    id: 'rbac/can-delete-events',
    title: "Subject can delete events",
    severity: 'low',
    pillar: 'access',
    frameworks: [],
    description: "Events record scheduling, image pulls and failures; deleting them hides an intruder's activity from operators who do not ship events elsewhere.",
    remediation: "Remove delete on events; ship events and audit logs to Azure Monitor so they survive in-cluster deletion.",
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/'],
  },
  // On AKS with Azure RBAC, a role assignment grants its role's data actions as these rules (see grants.ts).
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding', ROLE_ASSIGNMENT_KIND] },
  // Every part of cluster-admin: its finding on the same subject says it all.
  supersedes: ['rbac/cluster-admin-bound'],
  check(ctx) {
    reportGrants(ctx, grantsOf(ctx, PERMISSIONS, { skipSystem: true }), "no delete on events outside the control plane");
  },
});
