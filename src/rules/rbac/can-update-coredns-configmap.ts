import { ROLE_ASSIGNMENT_KIND } from '../../analyses/rbac/azure-access.js';
import { defineRule } from '../../core/rule.js';
import { grantNamespace, grantsOnAnyOrNamed, namedPermissions, reportGrants, type Permission } from './grants.js';

const PERMISSIONS: Permission[] = [
  { verb: 'update', resource: 'configmaps', apiGroup: '' },
  { verb: 'patch', resource: 'configmaps', apiGroup: '' },
];
/** The CoreDNS ConfigMaps by name: a grant restricted to one of them is exactly the risk. */
const NAMED = namedPermissions(PERMISSIONS, ['coredns', 'coredns-custom']);

/**
 * Only grants that reach kube-system matter: the CoreDNS ConfigMaps (coredns, coredns-custom on
 * AKS) live there. A grant on every ConfigMap there is named as such; one restricted by resourceNames
 * counts when it names a CoreDNS ConfigMap, and not when it names others. System subjects are skipped.
 */
export default defineRule({
  meta: {
    id: 'rbac/can-update-coredns-configmap',
    title: 'Subject can modify the CoreDNS configuration in kube-system',
    severity: 'high',
    pillar: 'access',
    frameworks: [{ framework: 'kubescape', id: 'C-0037' }],
    description: 'update or patch on ConfigMaps in kube-system lets the subject rewrite the CoreDNS configuration (coredns, and coredns-custom on AKS) and redirect the cluster\'s name resolution to addresses it controls.',
    remediation: 'Remove write access to ConfigMaps in kube-system; manage coredns-custom through the cluster\'s deployment pipeline only.',
    references: ['https://learn.microsoft.com/azure/aks/coredns-custom'],
  },
  // On AKS with Azure RBAC, a role assignment grants its role's data actions as these rules (see grants.ts).
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding', ROLE_ASSIGNMENT_KIND] },
  // Every part of cluster-admin: its finding on the same subject says it all.
  supersedes: ['rbac/cluster-admin-bound'],
  check(ctx) {
    const ns = grantNamespace(ctx);
    if (ns !== null && ns !== 'kube-system') return;
    const grants = grantsOnAnyOrNamed(ctx, PERMISSIONS, NAMED, { skipSystem: true, namespace: 'kube-system' });
    reportGrants(ctx, grants, 'no update or patch on configmaps in kube-system outside the control plane');
  },
});
