import { defineRule } from '../../core/rule.js';
import { grantsOf, reportGrants, type Permission } from './grants.js';

const PERMISSIONS: Permission[] = [
  { verb: "delete", resource: "events", apiGroup: "" },
  { verb: "deletecollection", resource: "events", apiGroup: "" },
  { verb: "delete", resource: "events", apiGroup: "events.k8s.io" },
  { verb: "deletecollection", resource: "events", apiGroup: "events.k8s.io" },
];

/** Control-plane identities (names starting `system:`) hold these rights by design and are not reported. */
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
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding'] },
  // Every part of cluster-admin: its finding on the same subject says it all.
  supersedes: ['rbac/cluster-admin-bound'],
  check(ctx) {
    reportGrants(ctx, grantsOf(ctx, PERMISSIONS, { skipSystem: true }), "no delete on events outside the control plane");
  },
});
