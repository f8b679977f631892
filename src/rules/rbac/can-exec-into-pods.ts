import { ROLE_ASSIGNMENT_KIND } from '../../analyses/rbac/azure-access.js';
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
  // kubectl debug adds an ephemeral container to a running pod: a shell there, able to mount the pod's volumes and token.
  { verb: "update", resource: "pods", apiGroup: "", subresource: "ephemeralcontainers" },
  { verb: "patch", resource: "pods", apiGroup: "", subresource: "ephemeralcontainers" },
];

/** The bootstrap policy's grants to control-plane identities (see isControlPlaneGrant) are not reported. */
export default defineRule({
  meta: {
    id: 'rbac/can-exec-into-pods',
    title: "Subject can exec, attach or debug into pods",
    severity: 'high',
    pillar: 'access',
    frameworks: [{ framework: 'kubescape', id: 'C-0002' }],
    description: "create on pods/exec or pods/attach runs commands in, or takes over the terminal of, any container in scope, with its service account token, mounted Secrets and network position. get is enough too: kubectl opens exec and attach as a WebSocket GET, which Kubernetes before 1.35 authorizes as get on the subresource, so a 'read-only' role with resources: [\"*\"] grants exec. update or patch on pods/ephemeralcontainers (kubectl debug) adds a container of the caller's choosing to a running pod, which can mount the pod's volumes and service account token.",
    remediation: "Remove pods/exec, pods/attach and pods/ephemeralcontainers from everyday roles; give debugging access through a separate, audited break-glass role.",
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/'],
  },
  // On AKS with Azure RBAC, a role assignment grants its role's data actions as these rules (see grants.ts).
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding', ROLE_ASSIGNMENT_KIND] },
  // Every part of cluster-admin: its finding on the same subject says it all.
  supersedes: ['rbac/cluster-admin-bound'],
  check(ctx) {
    reportGrants(ctx, grantsOf(ctx, PERMISSIONS, { skipSystem: true }), "no create or get on pods/exec or pods/attach, and no update or patch on pods/ephemeralcontainers, outside break-glass roles");
  },
});
