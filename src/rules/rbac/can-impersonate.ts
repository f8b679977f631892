import { defineRule } from '../../core/rule.js';
import { grantsOnAnyOrNamed, namedPermissions, reportGrants, type Permission } from './grants.js';

const PERMISSIONS: Permission[] = [
  { verb: "impersonate", resource: "users", apiGroup: "" },
  { verb: "impersonate", resource: "groups", apiGroup: "" },
  { verb: "impersonate", resource: "serviceaccounts", apiGroup: "" },
  { verb: "impersonate", resource: "uids", apiGroup: "authentication.k8s.io" },
  { verb: "impersonate", resource: "userextras", apiGroup: "authentication.k8s.io" },
];

/**
 * The group whose members the API server treats as cluster-admin whatever RBAC says: impersonating it, even
 * through a grant restricted by resourceNames to it alone, is cluster-admin. Other restricted grants are
 * the remediation (a proxy limited to the identities it fronts) and are not reported.
 */
const NAMED = namedPermissions(PERMISSIONS.filter((p) => p.resource === 'groups'), ['system:masters']);

/** Control-plane identities (names starting `system:`) hold these rights by design and are not reported. */
export default defineRule({
  meta: {
    id: 'rbac/can-impersonate',
    title: "Subject can impersonate users, groups or service accounts",
    severity: 'critical',
    pillar: 'access',
    frameworks: [{ framework: 'kubescape', id: 'C-0065' }, { framework: 'cis-aks', id: '4.1.7' }],
    description: "The impersonate verb lets the caller act as another user, group or service account (`--as`), taking all of its rights: impersonating system:masters is cluster-admin. Impersonating only service accounts (what the built-in edit role grants in its namespace) is high, as minting their tokens is.",
    remediation: "Remove the impersonate verb; where a proxy needs it, restrict it with resourceNames to the exact identities it fronts.",
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/'],
  },
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding'] },
  // Every part of cluster-admin: its finding on the same subject says it all.
  supersedes: ['rbac/cluster-admin-bound'],
  check(ctx) {
    const expected = 'no impersonate verb outside identity-aware proxies, and never of system:masters';
    const grants = grantsOnAnyOrNamed(ctx, PERMISSIONS, NAMED, { skipSystem: true });
    // Acting as the service accounts of a namespace (what the built-in edit role grants there) is worth
    // what minting their tokens is: high. Users and groups reach system:masters and every person.
    const onlyServiceAccounts = (g: (typeof grants)[number]) => g.permissions.every((p) => p.resource === 'serviceaccounts');
    reportGrants(ctx, grants.filter((g) => !onlyServiceAccounts(g)), expected);
    reportGrants(ctx, grants.filter(onlyServiceAccounts), expected, 'high');
  },
});
