import { ROLE_ASSIGNMENT_KIND } from '../../analyses/rbac/azure-access.js';
import { defineRule } from '../../core/rule.js';
import { grantNamespace, grantsOnAnyOrNamed, namedPermissions, reportGrants, type Permission } from './grants.js';

const RBAC = 'rbac.authorization.k8s.io';
const PERMISSIONS: Permission[] = [
  { verb: 'escalate', resource: 'roles', apiGroup: RBAC },
  { verb: 'escalate', resource: 'clusterroles', apiGroup: RBAC },
  { verb: 'bind', resource: 'roles', apiGroup: RBAC },
  { verb: 'bind', resource: 'clusterroles', apiGroup: RBAC },
];
/**
 * bind restricted by resourceNames is the remediation, unless a name is one of the built-in roles that hold
 * secrets and more (edit and above): binding one of those hands it out.
 */
const NAMED = namedPermissions(PERMISSIONS.filter((p) => p.verb === 'bind' && p.resource === 'clusterroles'), ['cluster-admin', 'admin', 'edit']);
const EXPECTED = 'no escalate or bind verbs outside the controllers that manage RBAC, and no bind of cluster-admin, admin or edit';

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
    reportGrants(ctx, grantsOnAnyOrNamed(ctx, PERMISSIONS, NAMED, { skipSystem: true }), EXPECTED, grantNamespace(ctx) === null ? undefined : 'high');
  },
});
