import { ROLE_ASSIGNMENT_KIND } from '../../analyses/rbac/azure-access.js';
import { defineRule } from '../../core/rule.js';
import { grantsOf, reportGrants, type Permission } from './grants.js';

const PERMISSIONS: Permission[] = [
  { verb: "create", resource: "validatingwebhookconfigurations", apiGroup: "admissionregistration.k8s.io" },
  { verb: "update", resource: "validatingwebhookconfigurations", apiGroup: "admissionregistration.k8s.io" },
  { verb: "patch", resource: "validatingwebhookconfigurations", apiGroup: "admissionregistration.k8s.io" },
  { verb: "delete", resource: "validatingwebhookconfigurations", apiGroup: "admissionregistration.k8s.io" },
  { verb: "create", resource: "mutatingwebhookconfigurations", apiGroup: "admissionregistration.k8s.io" },
  { verb: "update", resource: "mutatingwebhookconfigurations", apiGroup: "admissionregistration.k8s.io" },
  { verb: "patch", resource: "mutatingwebhookconfigurations", apiGroup: "admissionregistration.k8s.io" },
  { verb: "delete", resource: "mutatingwebhookconfigurations", apiGroup: "admissionregistration.k8s.io" },
];

/** The bootstrap policy's grants to control-plane identities (see isControlPlaneGrant) are not reported. */
export default defineRule({
  meta: {
    id: 'rbac/can-modify-admission-webhooks',
    title: "Subject can modify admission webhook configurations",
    severity: 'high',
    pillar: 'access',
    frameworks: [{ framework: 'cis-aks', id: '4.1.11' }],
    description: "Whoever writes ValidatingWebhookConfigurations or MutatingWebhookConfigurations can switch off admission policy or inject containers and credentials into every new pod.",
    remediation: "Remove write access to webhook configurations; let the operators that own them manage them through their own service accounts.",
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/'],
  },
  // On AKS with Azure RBAC, a role assignment grants its role's data actions as these rules (see grants.ts).
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding', ROLE_ASSIGNMENT_KIND] },
  // Every part of cluster-admin: its finding on the same subject says it all.
  supersedes: ['rbac/cluster-admin-bound'],
  check(ctx) {
    reportGrants(ctx, grantsOf(ctx, PERMISSIONS, { skipSystem: true }), "no write access to admission webhook configurations outside the controllers that own them");
  },
});
