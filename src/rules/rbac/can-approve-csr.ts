import { ROLE_ASSIGNMENT_KIND } from '../../analyses/rbac/azure-access.js';
import { defineRule } from '../../core/rule.js';
import { grantKey, grantsOf, grantsOnAnyOrNamed, namedPermissions, reportGrants, type Permission, type SubjectGrant } from './grants.js';

const PERMISSIONS: Permission[] = [
  { verb: "update", resource: "certificatesigningrequests", apiGroup: "certificates.k8s.io", subresource: "approval" },
  { verb: "patch", resource: "certificatesigningrequests", apiGroup: "certificates.k8s.io", subresource: "approval" },
];

/**
 * The CertificateSigning admission plugin lets an approval through only when the approver may also
 * `approve` the request's signer (`signers`, by the signer's name or its `domain/*`). The signers whose
 * certificates the API server trusts for authentication: any user, any group, system:masters included.
 */
const SIGNER = { verb: 'approve', resource: 'signers', apiGroup: 'certificates.k8s.io' };
const CLIENT_SIGNERS = namedPermissions([SIGNER], ['kubernetes.io/kube-apiserver-client', 'kubernetes.io/kube-apiserver-client-kubelet', 'kubernetes.io/*']);

/** Each subject that holds both halves, with the permissions of both. */
function both(approval: readonly SubjectGrant[], signers: readonly SubjectGrant[]): SubjectGrant[] {
  const bySubject = new Map(signers.map((g) => [grantKey(g), g]));
  const out: SubjectGrant[] = [];
  for (const a of approval) {
    const s = bySubject.get(grantKey(a));
    if (s) out.push({ ...a, permissions: [...a.permissions, ...s.permissions], rules: [...new Set([...a.rules, ...s.rules])] });
  }
  return out;
}

/** The bootstrap policy's grants to control-plane identities (see isControlPlaneGrant) are not reported. */
export default defineRule({
  meta: {
    id: 'rbac/can-approve-csr',
    title: "Subject can approve certificate signing requests",
    severity: 'high',
    pillar: 'access',
    frameworks: [{ framework: 'cis-aks', id: '4.1.10' }],
    description: "Approving CertificateSigningRequests issues client certificates the API server trusts, for any user name and group (system:masters included) a signer allows. It takes update (or patch) on certificatesigningrequests/approval and approve on the signer (signers, named kubernetes.io/kube-apiserver-client, -client-kubelet or kubernetes.io/*, or any): only a subject holding both is reported.",
    remediation: "Remove access to certificatesigningrequests/approval and approve on signers; leave approval to kube-controller-manager and the AKS control plane.",
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/'],
  },
  // On AKS with Azure RBAC, a role assignment grants its role's data actions as these rules (see grants.ts).
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding', ROLE_ASSIGNMENT_KIND] },
  // Every part of cluster-admin: its finding on the same subject says it all.
  supersedes: ['rbac/cluster-admin-bound'],
  check(ctx) {
    const approval = grantsOf(ctx, PERMISSIONS, { skipSystem: true });
    if (approval.length === 0) return;
    const signers = grantsOnAnyOrNamed(ctx, [SIGNER], CLIENT_SIGNERS, { skipSystem: true });
    reportGrants(ctx, both(approval, signers), "no update on certificatesigningrequests/approval with approve on signers outside the control plane");
  },
});
