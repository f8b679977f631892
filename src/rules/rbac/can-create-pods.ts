import { ROLE_ASSIGNMENT_KIND } from '../../analyses/rbac/azure-access.js';
import { defineRule } from '../../core/rule.js';
import { grantsOf, reportGrants, type Permission } from './grants.js';

const PERMISSIONS: Permission[] = [
  { verb: "create", resource: "pods", apiGroup: "" },
  { verb: "create", resource: "deployments", apiGroup: "apps" },
  { verb: "create", resource: "daemonsets", apiGroup: "apps" },
  { verb: "create", resource: "statefulsets", apiGroup: "apps" },
  { verb: "create", resource: "replicasets", apiGroup: "apps" },
  { verb: "create", resource: "jobs", apiGroup: "batch" },
  { verb: "create", resource: "cronjobs", apiGroup: "batch" },
  { verb: "create", resource: "replicationcontrollers", apiGroup: "" },
];

/** The bootstrap policy's grants to control-plane identities (see isControlPlaneGrant) are not reported. */
export default defineRule({
  meta: {
    id: 'rbac/can-create-pods',
    title: "Subject can create pods or workloads",
    severity: 'high',
    pillar: 'access',
    frameworks: [{ framework: 'kubescape', id: 'C-0188' }, { framework: 'cis-aks', id: '4.1.4' }],
    description: "Whoever can create a pod, directly or through a workload controller, can run it as any service account of the namespace and use that account's rights, and mount any Secret or ConfigMap there.",
    remediation: "Grant create on pods and workloads only to deployment pipelines; enforce Pod Security admission in the namespace and keep powerful service accounts out of namespaces where people create pods.",
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/'],
  },
  // On AKS with Azure RBAC, a role assignment grants its role's data actions as these rules (see grants.ts).
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding', ROLE_ASSIGNMENT_KIND] },
  // Every part of cluster-admin: its finding on the same subject says it all.
  supersedes: ['rbac/cluster-admin-bound'],
  check(ctx) {
    reportGrants(ctx, grantsOf(ctx, PERMISSIONS, { skipSystem: true }), "create on pods and workload controllers only for deployment pipelines and controllers");
  },
});
