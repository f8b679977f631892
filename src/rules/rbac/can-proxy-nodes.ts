import { defineRule } from '../../core/rule.js';
import { grantsOf, reportGrants, type Permission } from './grants.js';

const PERMISSIONS: Permission[] = [
  { verb: "get", resource: "nodes", apiGroup: "", subresource: "proxy" },
  { verb: "create", resource: "nodes", apiGroup: "", subresource: "proxy" },
];

/** Control-plane identities (names starting `system:`) hold these rights by design and are not reported. */
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
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding'] },
  // Every part of cluster-admin: its finding on the same subject says it all.
  supersedes: ['rbac/cluster-admin-bound'],
  check(ctx) {
    reportGrants(ctx, grantsOf(ctx, PERMISSIONS, { skipSystem: true }), "no access to nodes/proxy outside monitoring agents that need kubelet metrics");
  },
});
