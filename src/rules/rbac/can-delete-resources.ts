import { ROLE_ASSIGNMENT_KIND } from '../../analyses/rbac/azure-access.js';
import { defineRule } from '../../core/rule.js';
import { grantsOf, reportGrants, type Permission } from './grants.js';

const PERMISSIONS: Permission[] = [
  { verb: "delete", resource: "secrets", apiGroup: "" },
  { verb: "delete", resource: "pods", apiGroup: "" },
  { verb: "delete", resource: "services", apiGroup: "" },
  { verb: "delete", resource: "configmaps", apiGroup: "" },
  { verb: "delete", resource: "persistentvolumeclaims", apiGroup: "" },
  { verb: "delete", resource: "deployments", apiGroup: "apps" },
  { verb: "delete", resource: "statefulsets", apiGroup: "apps" },
  { verb: "delete", resource: "daemonsets", apiGroup: "apps" },
  { verb: "delete", resource: "replicasets", apiGroup: "apps" },
  { verb: "delete", resource: "jobs", apiGroup: "batch" },
  { verb: "delete", resource: "cronjobs", apiGroup: "batch" },
  { verb: "deletecollection", resource: "secrets", apiGroup: "" },
  { verb: "deletecollection", resource: "pods", apiGroup: "" },
];

/** The bootstrap policy's grants to control-plane identities (see isControlPlaneGrant) are not reported. */
export default defineRule({
  meta: {
    id: 'rbac/can-delete-resources',
    title: "Subject can delete important resources",
    severity: 'medium',
    pillar: 'access',
    frameworks: [{ framework: 'kubescape', id: 'C-0007' }],
    description: "delete on workloads, Services, Secrets, ConfigMaps or volume claims lets the subject take applications down or destroy their data.",
    remediation: "Grant delete only to the pipelines that manage these objects; people get read access and break-glass roles.",
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/'],
  },
  // On AKS with Azure RBAC, a role assignment grants its role's data actions as these rules (see grants.ts).
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding', ROLE_ASSIGNMENT_KIND] },
  // Every part of cluster-admin: its finding on the same subject says it all.
  supersedes: ['rbac/cluster-admin-bound'],
  check(ctx) {
    reportGrants(ctx, grantsOf(ctx, PERMISSIONS, { skipSystem: true }), "delete on workloads, Secrets and Services only for deployment pipelines");
  },
});
