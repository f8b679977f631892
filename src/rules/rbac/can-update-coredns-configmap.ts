import { defineRule } from '../../core/rule.js';
import { bindingNamespace, grantsOf, reportGrants, type Permission } from './grants.js';

const PERMISSIONS: Permission[] = [
  { verb: 'update', resource: 'configmaps', apiGroup: '' },
  { verb: 'patch', resource: 'configmaps', apiGroup: '' },
];

/**
 * Only grants that reach kube-system matter: the CoreDNS ConfigMaps (coredns, coredns-custom on
 * AKS) live there. The question is asked without a resource name so that a rule restricted to
 * other ConfigMaps by resourceNames does not count. System subjects are skipped.
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
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding'] },
  // Every part of cluster-admin: its finding on the same subject says it all.
  supersedes: ['rbac/cluster-admin-bound'],
  check(ctx) {
    const ns = bindingNamespace(ctx);
    if (ns !== null && ns !== 'kube-system') return;
    const grants = grantsOf(ctx, PERMISSIONS, { skipSystem: true, namespace: 'kube-system' });
    reportGrants(ctx, grants, 'no update or patch on configmaps in kube-system outside the control plane');
  },
});
