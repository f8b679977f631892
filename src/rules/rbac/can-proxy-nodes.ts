import { ROLE_ASSIGNMENT_KIND } from '../../analyses/rbac/azure-access.js';
import { defineRule } from '../../core/rule.js';
import { grantsOf, reportGrants, type Permission } from './grants.js';

const PERMISSIONS: Permission[] = [
  { verb: "get", resource: "nodes", apiGroup: "", subresource: "proxy" },
  { verb: "create", resource: "nodes", apiGroup: "", subresource: "proxy" },
];

/** The bootstrap policy's grants to control-plane identities (see isControlPlaneGrant) are not reported. */
export default defineRule({
  meta: {
    id: 'rbac/can-proxy-nodes',
    title: "Subject can reach the kubelet API through nodes/proxy",
    severity: 'high',
    pillar: 'access',
    frameworks: [{ framework: 'cis-aks', id: '4.1.9' }],
    description: "nodes/proxy forwards requests to the kubelet API of any node: get alone allows running commands in every pod on the node through the kubelet exec endpoint, bypassing the audit of pods/exec.",
    remediation: "Remove nodes/proxy; scrape kubelet metrics through nodes/metrics or the metrics server instead.",
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/'],
  },
  // On AKS with Azure RBAC, a role assignment grants its role's data actions as these rules (see grants.ts).
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding', ROLE_ASSIGNMENT_KIND] },
  // Every part of cluster-admin: its finding on the same subject says it all.
  supersedes: ['rbac/cluster-admin-bound'],
  check(ctx) {
    reportGrants(ctx, grantsOf(ctx, PERMISSIONS, { skipSystem: true }), "no access to nodes/proxy outside monitoring agents that need kubelet metrics");
  },
});
