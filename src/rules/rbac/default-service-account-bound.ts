import { defineRule } from '../../core/rule.js';
import { bindingSubjects, bindingText, isControlPlaneGrant, roleText, kubectlBindingVerify } from './grants.js';

/**
 * Structural on purpose: the bound role may live outside the scanned manifests, and any right
 * given to `default` is given to every pod of the namespace that names no service account.
 * The `kubernetes.io/bootstrapping: rbac-defaults` label excuses nothing (whoever writes a binding
 * can write it, and no binding of the bootstrap policy names a default ServiceAccount): only the
 * bootstrap bindings themselves, by name, role and subjects, are left out (isControlPlaneGrant).
 * kubescape trusts the label, so its case of a labelled binding differs on purpose.
 */
export default defineRule({
  meta: {
    id: 'rbac/default-service-account-bound',
    title: 'The default ServiceAccount is bound to a role',
    severity: 'medium',
    pillar: 'access',
    frameworks: [{ framework: 'cis-aks', id: '4.1.5' }],
    description: 'Every pod that does not name a service account runs as its namespace\'s default ServiceAccount; a binding to it hands the role to all of them, including pods added later by anyone who can create pods there.',
    remediation: 'Bind the role to a dedicated ServiceAccount and set serviceAccountName on the workloads that need it; leave default without bindings and with automountServiceAccountToken: false.',
    references: ['https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/'],
  },
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding'] },
  check(ctx) {
    for (const { subject, index } of bindingSubjects(ctx)) {
      if (subject.kind !== 'ServiceAccount' || subject.name !== 'default' || isControlPlaneGrant(ctx, subject)) continue;
      ctx.report({
        message: `ServiceAccount ${subject.namespace ?? ''}/default is bound to ${roleText(ctx)} (${bindingText(ctx)})`,
        field: `subjects[${index}]`,
        evidence: { observed: `subjects[${index}]: ServiceAccount ${subject.namespace ?? ''}/default`, expected: 'no bindings to the default ServiceAccount' },
        verify: kubectlBindingVerify(ctx),
      });
    }
  },
});
