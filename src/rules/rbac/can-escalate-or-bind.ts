import { ROLE_ASSIGNMENT_KIND } from '../../analyses/rbac/azure-access.js';
import { allowsOnRbac, heldBy, reachesServiceAccounts } from '../../analyses/rbac/escalation.js';
import type { PermissionIndex, PolicyRule, Subject } from '../../analyses/rbac/permission-index.js';
import { defineRule, type RuleContext } from '../../core/rule.js';
import { grantNamespace, grantsOnAnyOrNamed, heldRules, permissionIndex, reportGrants, type Permission, type SubjectGrant } from './grants.js';

const RBAC = 'rbac.authorization.k8s.io';
const PERMISSIONS: Permission[] = [
  { verb: 'escalate', resource: 'roles', apiGroup: RBAC },
  { verb: 'escalate', resource: 'clusterroles', apiGroup: RBAC },
  { verb: 'bind', resource: 'roles', apiGroup: RBAC },
  { verb: 'bind', resource: 'clusterroles', apiGroup: RBAC },
];
/** The built-in roles that hold Secrets and more: whatever the input holds of them, a cluster's are these. */
const POWERFUL_DEFAULT_ROLES: ReadonlySet<string> = new Set(['cluster-admin', 'admin', 'edit']);
const EXPECTED = 'no escalate or bind verbs outside the controllers that manage RBAC, and no bind of a role that holds Secrets or more (cluster-admin, admin, edit)';

/**
 * The permissions on named roles that the binding's rules grant and that matter. bind restricted by
 * resourceNames is the remediation, unless a name is a role that holds Secrets and more (edit and above:
 * the built-in cluster-admin, admin and edit, or a role of the input whose rules do as much), as the API
 * server checks bind with the name of the role being bound. escalate restricted by resourceNames lets its
 * holder write any rule into the roles it names, which counts where it may also update them (`writesRole`).
 */
function namedRolePermissions(index: PermissionIndex, rules: readonly PolicyRule[]): Permission[] {
  const out: Permission[] = [];
  const add = (p: Permission) => {
    if (!out.some((o) => o.verb === p.verb && o.resource === p.resource && o.name === p.name)) out.push(p);
  };
  for (const r of rules) {
    for (const name of r.resourceNames) {
      if (allowsOnRbac(r, 'bind', 'clusterroles') && (POWERFUL_DEFAULT_ROLES.has(name) || reachesServiceAccounts(index.clusterRoleRules(name) ?? []))) add({ verb: 'bind', resource: 'clusterroles', apiGroup: RBAC, name });
      for (const resource of ['clusterroles', 'roles']) if (allowsOnRbac(r, 'escalate', resource)) add({ verb: 'escalate', resource, apiGroup: RBAC, name });
    }
  }
  return out;
}

/** Whether the subject may update or patch the role `p` names, where `p` is held: writing a role is a permission of its own. */
function writesRole(ctx: RuleContext, subject: Subject, p: Permission): boolean {
  const index = permissionIndex(ctx.inventory);
  const ns = p.resource === 'roles' ? grantNamespace(ctx) : null;
  const named = { ...(p.name !== undefined ? { name: p.name } : {}), ...(ns !== null ? { namespace: ns } : {}) };
  return ['update', 'patch'].some((verb) => index.whoCan({ verb, resource: p.resource, apiGroup: RBAC, ...named }).some((g) => heldBy(subject, g.subject)));
}

/** The grants without escalate on named roles the subject cannot write: alone it changes nothing. */
function withoutIdleEscalate(ctx: RuleContext, grants: readonly SubjectGrant[]): SubjectGrant[] {
  return grants.flatMap((g) => {
    const permissions = g.permissions.filter((p) => p.verb !== 'escalate' || p.name === undefined || writesRole(ctx, g.subject, p));
    return permissions.length === 0 ? [] : [{ ...g, permissions }];
  });
}

/**
 * `bind` on clusterroles held through a RoleBinding is checked by the API server in the namespace
 * of the RoleBinding being created, so it lets the subject bind any ClusterRole (cluster-admin
 * included) inside that namespace: the permission index answers it so for a query in that namespace.
 * `escalate` on clusterroles through a RoleBinding grants nothing.
 * System subjects are skipped.
 */
export default defineRule({
  meta: {
    id: 'rbac/can-escalate-or-bind',
    title: 'Subject can escalate roles or bind any role',
    severity: 'critical',
    pillar: 'access',
    frameworks: [{ framework: 'cis-aks', id: '4.1.7' }],
    description:
      'The escalate verb lets the subject write rules into a Role or ClusterRole that it does not hold itself; bind lets it ' +
      'create bindings to roles it does not hold. Held cluster-wide, either is a direct path to cluster-admin (critical); ' +
      'held through a RoleBinding, to every right in that namespace, since the roles and bindings it can write are ' +
      'the namespace\'s own (high).',
    remediation: 'Remove escalate and bind; where a controller must create bindings, restrict bind with resourceNames to the roles it hands out.',
    references: ['https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping'],
  },
  // On AKS with Azure RBAC, a role assignment grants its role's data actions as these rules (see grants.ts).
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding', ROLE_ASSIGNMENT_KIND] },
  // Every part of cluster-admin: its finding on the same subject says it all.
  supersedes: ['rbac/cluster-admin-bound'],
  check(ctx) {
    const named = namedRolePermissions(permissionIndex(ctx.inventory), heldRules(ctx));
    const grants = withoutIdleEscalate(ctx, grantsOnAnyOrNamed(ctx, PERMISSIONS, named, { skipSystem: true }));
    reportGrants(ctx, grants, EXPECTED, grantNamespace(ctx) === null ? undefined : 'high');
  },
});
