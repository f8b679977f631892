import { asObj, asString } from '../../core/resource.js';
import { defineRule } from '../../core/rule.js';
import { bindingSubjects, grantsOf, permissionIndex, reportGrants, roleText, subjectText, bindingText, isSystemSubject, canIVerify, type Permission } from './grants.js';

const EVERYTHING: Permission = { verb: '*', resource: '*', apiGroup: '*' };

/**
 * Only ClusterRoleBindings: a full wildcard bound by a RoleBinding is namespace admin, which
 * rbac/wildcard-permission reports with its scope. System subjects (system:masters and the other
 * control-plane identities) are cluster-admin by design and skipped.
 */
export default defineRule({
  meta: {
    id: 'rbac/cluster-admin-bound',
    title: 'Subject is bound to cluster-admin or an equivalent role',
    severity: 'critical',
    pillar: 'access',
    frameworks: [
      { framework: 'kubescape', id: 'C-0035' },
      { framework: 'cis-aks', id: '4.1.1' },
    ],
    description: 'A ClusterRoleBinding to cluster-admin, or to any ClusterRole that grants every verb on every resource of every API group, gives its subjects full control of the cluster: every Secret, every node through privileged pods, and the RBAC policy itself.',
    remediation: 'Bind people to narrower roles (admin, edit or view per namespace); on AKS use Entra ID groups with Azure RBAC and just-in-time access for the rare cluster-admin task.',
    references: ['https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles', 'https://learn.microsoft.com/azure/aks/azure-ad-rbac'],
  },
  target: { kinds: ['ClusterRoleBinding'] },
  check(ctx) {
    const ref = asObj(ctx.resource.object.roleRef);
    const builtinMissing =
      asString(ref?.kind) === 'ClusterRole' &&
      asString(ref?.name) === 'cluster-admin' &&
      permissionIndex(ctx.inventory).missingRoles.some((m) => m.binding.kind === 'ClusterRoleBinding' && m.binding.name === ctx.resource.name);
    if (!builtinMissing) {
      reportGrants(ctx, grantsOf(ctx, [EVERYTHING], { skipSystem: true }), 'cluster-admin only for break-glass identities, not bound permanently');
      return;
    }
    // The built-in cluster-admin role is rarely part of the scanned manifests; its rules are known.
    const subjects = bindingSubjects(ctx);
    for (const { subject, index } of subjects) {
      if (isSystemSubject(subject)) continue;
      ctx.report({
        message: `${subjectText(subject)} is cluster-admin through ${roleText(ctx)} (${bindingText(ctx)})`,
        field: `subjects[${index}]`,
        evidence: { observed: 'built-in ClusterRole cluster-admin: {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}', expected: 'cluster-admin only for break-glass identities, not bound permanently' },
        verify: canIVerify(ctx, subject, EVERYTHING),
      });
    }
  },
});
