import { defineRule } from '../../core/rule.js';
import { grantsOf, reportGrants, type Permission } from './grants.js';

// kubectl opens exec and attach as a WebSocket GET, which the API server authorizes as `get` on the
// subresource unless AuthorizePodWebsocketUpgradeCreatePermission (beta in 1.35) also asks for `create`:
// on the AKS versions before it, `get` alone is enough, and `resources: ["*"], verbs: [get]` grants it.
const PERMISSIONS: Permission[] = [
  { verb: "create", resource: "pods", apiGroup: "", subresource: "exec" },
  { verb: "create", resource: "pods", apiGroup: "", subresource: "attach" },
  { verb: "get", resource: "pods", apiGroup: "", subresource: "exec" },
  { verb: "get", resource: "pods", apiGroup: "", subresource: "attach" },
];

/** Control-plane identities (names starting `system:`) hold these rights by design and are not reported. */
export default defineRule({
  meta: {
    id: 'rbac/can-exec-into-pods',
    title: "Subject can exec or attach into pods",
    severity: 'high',
    pillar: 'access',
    frameworks: [{ framework: 'kubescape', id: 'C-0002' }],
    description: "create on pods/exec or pods/attach runs commands in, or takes over the terminal of, any container in scope, with its service account token, mounted Secrets and network position. get is enough too: kubectl opens exec and attach as a WebSocket GET, which Kubernetes before 1.35 authorizes as get on the subresource, so a 'read-only' role with resources: [\"*\"] grants exec.",
    remediation: "Remove pods/exec and pods/attach from everyday roles; give debugging access through a separate, audited break-glass role.",
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/'],
  },
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding'] },
  // Every part of cluster-admin: its finding on the same subject says it all.
  supersedes: ['rbac/cluster-admin-bound'],
  check(ctx) {
    reportGrants(ctx, grantsOf(ctx, PERMISSIONS, { skipSystem: true }), "no create or get on pods/exec or pods/attach outside break-glass roles");
  },
});
