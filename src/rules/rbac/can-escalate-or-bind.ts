import type { PolicyRule } from '../../analyses/rbac/permission-index.js';
import { defineRule } from '../../core/rule.js';
import { bindingNamespace, bindingSubjects, bindingText, canIVerify, grantsOf, heldRules, isSystemSubject, reportGrants, roleText, ruleText, subjectText, type Permission } from './grants.js';

const RBAC = 'rbac.authorization.k8s.io';
const PERMISSIONS: Permission[] = [
  { verb: 'escalate', resource: 'roles', apiGroup: RBAC },
  { verb: 'escalate', resource: 'clusterroles', apiGroup: RBAC },
  { verb: 'bind', resource: 'roles', apiGroup: RBAC },
  { verb: 'bind', resource: 'clusterroles', apiGroup: RBAC },
];
const BIND_CLUSTERROLES = PERMISSIONS[3]!;
const EXPECTED = 'no escalate or bind verbs outside the controllers that manage RBAC';

function grantsBindOnClusterRoles(r: PolicyRule): boolean {
  const any = (xs: string[], v: string) => xs.includes('*') || xs.includes(v);
  return any(r.verbs, 'bind') && any(r.apiGroups, RBAC) && any(r.resources, 'clusterroles');
}

/**
 * `bind` on clusterroles held through a RoleBinding is checked by the API server in the namespace
 * of the RoleBinding being created, so it lets the subject bind any ClusterRole (cluster-admin
 * included) inside that namespace; the who-can index files clusterroles as cluster-scoped only,
 * hence the rule-level check. `escalate` on clusterroles through a RoleBinding grants nothing.
 * System subjects are skipped.
 */
export default defineRule({
  meta: {
    id: 'rbac/can-escalate-or-bind',
    title: 'Subject can escalate roles or bind any role',
    severity: 'critical',
    pillar: 'access',
    frameworks: [{ framework: 'cis-aks', id: '4.1.7' }],
    description: 'The escalate verb lets the subject write rules into a Role or ClusterRole that it does not hold itself; bind lets it create bindings to roles it does not hold. Either is a direct path to cluster-admin.',
    remediation: 'Remove escalate and bind; where a controller must create bindings, restrict bind with resourceNames to the roles it hands out.',
    references: ['https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping'],
  },
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding'] },
  check(ctx) {
    const grants = grantsOf(ctx, PERMISSIONS, { skipSystem: true });
    const ns = bindingNamespace(ctx);
    if (ns !== null) {
      const rules = heldRules(ctx).filter(grantsBindOnClusterRoles);
      for (const { subject, index } of rules.length ? bindingSubjects(ctx) : []) {
        if (isSystemSubject(subject)) continue;
        const g = grants.find((x) => x.index === index);
        if (g) {
          g.permissions.push(BIND_CLUSTERROLES);
          g.rules.push(...rules.filter((r) => !g.rules.includes(r)));
          continue;
        }
        ctx.report({
          message: `${subjectText(subject)} can bind clusterroles.${RBAC} in namespace ${ns} (and so grant itself any ClusterRole there) through ${roleText(ctx)} (${bindingText(ctx)})`,
          field: `subjects[${index}]`,
          evidence: { observed: rules.map(ruleText).join('; '), expected: EXPECTED },
          verify: canIVerify(ctx, subject, BIND_CLUSTERROLES),
        });
      }
    }
    reportGrants(ctx, grants, EXPECTED);
  },
});
