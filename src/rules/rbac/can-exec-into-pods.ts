import { defineRule } from '../../core/rule.js';
import { grantsOf, reportGrants, type Permission } from './grants.js';

const PERMISSIONS: Permission[] = [
  { verb: "create", resource: "pods", apiGroup: "", subresource: "exec" },
  { verb: "create", resource: "pods", apiGroup: "", subresource: "attach" },
];

/** Control-plane identities (names starting `system:`) hold these rights by design and are not reported. */
export default defineRule({
  meta: {
    id: 'rbac/can-exec-into-pods',
    title: "Subject can exec or attach into pods",
    severity: 'high',
    pillar: 'access',
    frameworks: [{ framework: 'kubescape', id: 'C-0002' }],
    description: "create on pods/exec or pods/attach runs commands in, or takes over the terminal of, any container in scope, with its service account token, mounted Secrets and network position.",
    remediation: "Remove pods/exec and pods/attach from everyday roles; give debugging access through a separate, audited break-glass role.",
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/'],
  },
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding'] },
  // Every part of cluster-admin: its finding on the same subject says it all.
  supersedes: ['rbac/cluster-admin-bound'],
  check(ctx) {
    reportGrants(ctx, grantsOf(ctx, PERMISSIONS, { skipSystem: true }), "no create on pods/exec or pods/attach outside break-glass roles");
  },
});
