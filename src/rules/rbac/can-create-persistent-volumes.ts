import { ROLE_ASSIGNMENT_KIND } from '../../analyses/rbac/azure-access.js';
import { defineRule } from '../../core/rule.js';
import { grantsOf, reportGrants, type Permission } from './grants.js';

const PERMISSIONS: Permission[] = [
  { verb: "create", resource: "persistentvolumes", apiGroup: "" },
];

/** The bootstrap policy's grants to control-plane identities (see isControlPlaneGrant) are not reported. */
export default defineRule({
  meta: {
    id: 'rbac/can-create-persistent-volumes',
    title: "Subject can create PersistentVolumes",
    severity: 'high',
    pillar: 'access',
    frameworks: [{ framework: 'cis-aks', id: '4.1.8' }],
    description: "A PersistentVolume can point at a hostPath, so creating one and claiming it mounts the node filesystem into a pod despite Pod Security admission.",
    remediation: "Remove create on persistentvolumes; provision storage dynamically through StorageClasses and PersistentVolumeClaims.",
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/'],
  },
  // On AKS with Azure RBAC, a role assignment grants its role's data actions as these rules (see grants.ts).
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding', ROLE_ASSIGNMENT_KIND] },
  // Every part of cluster-admin: its finding on the same subject says it all.
  supersedes: ['rbac/cluster-admin-bound'],
  check(ctx) {
    reportGrants(ctx, grantsOf(ctx, PERMISSIONS, { skipSystem: true }), "no create on persistentvolumes outside storage provisioners");
  },
});
