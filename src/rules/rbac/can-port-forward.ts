import { defineRule } from '../../core/rule.js';
import { grantsOf, reportGrants, type Permission } from './grants.js';

// A WebSocket GET, authorized as `get` before Kubernetes 1.35 (see can-exec-into-pods).
const PERMISSIONS: Permission[] = [
  { verb: "create", resource: "pods", apiGroup: "", subresource: "portforward" },
  { verb: "get", resource: "pods", apiGroup: "", subresource: "portforward" },
];

/** Control-plane identities (names starting `system:`) hold these rights by design and are not reported. */
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
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding'] },
  // Every part of cluster-admin: its finding on the same subject says it all.
  supersedes: ['rbac/cluster-admin-bound'],
  check(ctx) {
    reportGrants(ctx, grantsOf(ctx, PERMISSIONS, { skipSystem: true }), "no create or get on pods/portforward outside debugging roles");
  },
});
