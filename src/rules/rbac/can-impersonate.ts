import { ROLE_ASSIGNMENT_KIND } from '../../analyses/rbac/azure-access.js';
import { grantedPart, type PolicyRule, type Subject } from '../../analyses/rbac/permission-index.js';
import { defineRule, type RuleContext } from '../../core/rule.js';
import { grantsOnAnyOrNamed, namedPermissions, permissionIndex, reportGrants, type Permission, type SubjectGrant } from './grants.js';

/**
 * Impersonate-User takes a user name, a service account's included; Impersonate-Group, -Uid and -Extra
 * are refused without it. UIDs and extra fields are left out: they add nothing RBAC decides on, and an
 * extra's key is the subresource (`userextras/scopes`), so no query without one could match.
 */
const PERMISSIONS: Permission[] = [
  { verb: "impersonate", resource: "users", apiGroup: "" },
  { verb: "impersonate", resource: "groups", apiGroup: "" },
  { verb: "impersonate", resource: "serviceaccounts", apiGroup: "" },
];

/**
 * The group whose members the API server treats as cluster-admin whatever RBAC says: impersonating it, even
 * through a grant restricted by resourceNames to it alone, is cluster-admin. Other restricted grants are
 * the remediation (a proxy limited to the identities it fronts) and are not reported.
 */
const NAMED = namedPermissions(PERMISSIONS.filter((p) => p.resource === 'groups'), ['system:masters']);

const any = (xs: readonly string[], v: string) => xs.includes('*') || xs.includes(v);

/** A rule that lets its holder send Impersonate-User for someone: a user or a service account, any or named. */
function impersonatesUser(r: PolicyRule): boolean {
  return any(r.verbs, 'impersonate') && any(r.apiGroups, '') && (any(r.resources, 'users') || any(r.resources, 'serviceaccounts'));
}

/** Whether the subject can impersonate some user through any binding: without one, a group alone is refused. */
function canImpersonateSomeUser(ctx: RuleContext, s: Subject): boolean {
  return permissionIndex(ctx.inventory).can(s).some((h) => {
    const granted = grantedPart(h);
    return granted !== undefined && impersonatesUser(granted);
  });
}

/** The grant cut to what the API server would act on: groups only beside a user to impersonate. */
function usable(ctx: RuleContext, g: SubjectGrant): SubjectGrant | undefined {
  if (canImpersonateSomeUser(ctx, g.subject)) return g;
  const permissions = g.permissions.filter((p) => p.resource !== 'groups');
  return permissions.length ? { ...g, permissions } : undefined;
}

/** The bootstrap policy's grants to control-plane identities (see isControlPlaneGrant) are not reported. */
export default defineRule({
  meta: {
    id: 'rbac/can-impersonate',
    title: "Subject can impersonate users, groups or service accounts",
    severity: 'critical',
    pillar: 'access',
    frameworks: [{ framework: 'kubescape', id: 'C-0065' }, { framework: 'cis-aks', id: '4.1.7' }],
    description: "The impersonate verb lets the caller act as another user, group or service account (`--as`), taking all of its rights: impersonating system:masters is cluster-admin, also through a grant limited to that group by resourceNames. Impersonating only service accounts (what the built-in edit role grants in its namespace) is high, as minting their tokens is. The API server refuses to impersonate groups, UIDs or extra fields without a user (or service account) to impersonate: a subject that cannot impersonate one is not reported for those.",
    remediation: "Remove the impersonate verb; where a proxy needs it, restrict it with resourceNames to the exact identities it fronts.",
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/'],
  },
  // On AKS with Azure RBAC, a role assignment grants its role's data actions as these rules (see grants.ts).
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding', ROLE_ASSIGNMENT_KIND] },
  // Every part of cluster-admin: its finding on the same subject says it all.
  supersedes: ['rbac/cluster-admin-bound'],
  check(ctx) {
    const expected = 'no impersonate verb outside identity-aware proxies, and never of system:masters';
    const grants = grantsOnAnyOrNamed(ctx, PERMISSIONS, NAMED, { skipSystem: true }).flatMap((g) => usable(ctx, g) ?? []);
    // Acting as the service accounts of a namespace (what the built-in edit role grants there) is worth
    // what minting their tokens is: high. Users and groups reach system:masters and every person.
    const onlyServiceAccounts = (g: (typeof grants)[number]) => g.permissions.every((p) => p.resource === 'serviceaccounts');
    reportGrants(ctx, grants.filter((g) => !onlyServiceAccounts(g)), expected);
    reportGrants(ctx, grants.filter(onlyServiceAccounts), expected, 'high');
  },
});
