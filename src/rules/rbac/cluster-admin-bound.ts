import { ROLE_ASSIGNMENT_KIND } from '../../analyses/rbac/azure-access.js';
import { asObj, asString } from '../../core/resource.js';
import { defineRule, type RuleContext } from '../../core/rule.js';
import { bindingText, canIVerify, grantsOf, permissionIndex, reportGrants, roleAssignmentVerify, roleText, ruleText, subjectText, type Permission } from './grants.js';
import { azureScopeText } from '../../analyses/rbac/azure-scope.js';

const EVERYTHING: Permission = { verb: '*', resource: '*', apiGroup: '*' };
const EXPECTED = 'cluster-admin only for break-glass identities, not bound permanently';

/**
 * Only ClusterRoleBindings: a full wildcard bound by a RoleBinding is namespace admin, which
 * rbac/wildcard-permission reports with its scope. system:masters and the bootstrap policy's own
 * bindings are skipped (see isControlPlaneGrant); a binding someone adds for a `system:` user or group
 * (system:nodes, system:kube-proxy) is reported like any other. On AKS, an Azure role
 * assignment that makes its principal cluster-admin is reported on the assignment: Azure RBAC
 * Cluster Admin at or above the cluster, or a role that may download the local admin credential.
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
    description:
      'A ClusterRoleBinding to cluster-admin, or to any ClusterRole that grants every verb on every resource of every API group, gives its subjects full control of the cluster: every Secret, every node through privileged pods, and the RBAC policy itself. ' +
      'On AKS the same holds for an Azure role assignment of Azure Kubernetes Service RBAC Cluster Admin, and, while local accounts are enabled, for any role that may list the cluster admin credential (Owner, Contributor, Azure Kubernetes Service Cluster Admin Role).',
    remediation: 'Bind people to narrower roles (admin, edit or view per namespace); on AKS use Entra ID groups with Azure RBAC and just-in-time access for the rare cluster-admin task.',
    references: ['https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles', 'https://learn.microsoft.com/azure/aks/azure-ad-rbac'],
  },
  target: { kinds: ['ClusterRoleBinding', ROLE_ASSIGNMENT_KIND] },
  check(ctx) {
    if (ctx.resource.kind === ROLE_ASSIGNMENT_KIND) return checkAssignment(ctx);
    const grants = grantsOf(ctx, [EVERYTHING], { skipSystem: true });
    const role = asObj(ctx.resource.object.roleRef);
    if (asString(role?.kind) !== 'ClusterRole' || asString(role?.name) !== 'cluster-admin') {
      reportGrants(ctx, grants, EXPECTED);
      return;
    }
    // The role itself, whether the input defines it or it is the cluster's default one.
    for (const g of grants) {
      ctx.report({
        message: `${subjectText(g.subject)} is cluster-admin through ${roleText(ctx)} (${bindingText(ctx)})`,
        field: g.index >= 0 ? `subjects[${g.index}]` : 'roleRef',
        evidence: { observed: g.rules.map(ruleText).join('; '), expected: EXPECTED },
        verify: canIVerify(ctx, g.subject, EVERYTHING),
      });
    }
  },
});

function checkAssignment(ctx: RuleContext): void {
  const name = ctx.resource.name;
  const rest = ctx.resource.object.properties !== undefined;
  const seen = new Set<string>();
  const index = permissionIndex(ctx.inventory);
  for (const g of index.whoCan({ verb: '*', resource: '*', apiGroup: '*' }, (b) => b.name === name)) {
    const b = g.via.binding;
    if (g.scope !== 'cluster' || b.name !== name || (b.kind !== 'AzureRoleAssignment' && b.kind !== 'AksLocalAdminCredential') || seen.has(b.kind)) continue;
    seen.add(b.kind);
    const how = b.kind === 'AksLocalAdminCredential' ? 'can download the local cluster-admin credential' : 'is cluster-admin through Azure RBAC for Kubernetes authorization';
    ctx.report({
      message: `${subjectText(g.subject)}${named(index.displayNames, g.subject.name)} ${how}: Azure role ${g.via.role.name} at ${azureScopeText(b.scope)} (role assignment ${name})`,
      field: rest ? 'properties.roleDefinitionId' : 'roleDefinitionId',
      evidence: { observed: `${g.via.role.name} at ${b.scope ?? '/'}`, expected: EXPECTED },
      verify: roleAssignmentVerify(name),
    });
  }
}

function named(names: ReadonlyMap<string, string>, id: string): string {
  const name = names.get(id);
  return name ? ` (${name})` : '';
}
