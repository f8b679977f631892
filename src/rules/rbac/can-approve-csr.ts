import { defineRule } from '../../core/rule.js';
import { grantsOf, reportGrants, type Permission } from './grants.js';

const PERMISSIONS: Permission[] = [
  { verb: "update", resource: "certificatesigningrequests", apiGroup: "certificates.k8s.io", subresource: "approval" },
  { verb: "patch", resource: "certificatesigningrequests", apiGroup: "certificates.k8s.io", subresource: "approval" },
];

/** Control-plane identities (names starting `system:`) hold these rights by design and are not reported. */
export default defineRule({
  meta: {
    id: 'rbac/can-approve-csr',
    title: "Subject can approve certificate signing requests",
    severity: 'high',
    pillar: 'access',
    frameworks: [{ framework: 'cis-aks', id: '4.1.10' }],
    description: "Approving CertificateSigningRequests issues client certificates the API server trusts, for any user name and group (system:masters included) a signer allows.",
    remediation: "Remove access to certificatesigningrequests/approval; leave approval to kube-controller-manager and the AKS control plane.",
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/'],
  },
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding'] },
  // Every part of cluster-admin: its finding on the same subject says it all.
  supersedes: ['rbac/cluster-admin-bound'],
  check(ctx) {
    reportGrants(ctx, grantsOf(ctx, PERMISSIONS, { skipSystem: true }), "no update on certificatesigningrequests/approval outside the control plane");
  },
});
