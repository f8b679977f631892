import { Memo } from '../../core/memo.js';
import type { Inventory } from '../../core/inventory.js';
import { escapeKey } from '../../core/field-path.js';
import { defineRule, type RuleContext } from '../../core/rule.js';
import { ROLE_ASSIGNMENT_KIND, WORKLOAD_IDENTITY_ANNOTATION } from '../../analyses/rbac/azure-access.js';
import { boundSubjects, shortestPaths, pathText, type EscalationPath } from '../../analyses/rbac/escalation.js';
import type { Subject } from '../../analyses/rbac/permission-index.js';
import { bindingNamespace, bindingSubjects, canIVerify, isControlPlaneGrant, permissionIndex, roleAssignmentVerify, subjectText } from './grants.js';

const cache = new Memo<Inventory, EscalationPath[]>();

function pathsOf(inventory: Inventory): EscalationPath[] {
  return cache.of(inventory, (inv) => shortestPaths(permissionIndex(inv), boundSubjects(inv)));
}

function sameSubject(a: Subject, b: Subject): boolean {
  return a.kind === b.kind && a.name === b.name && (a.kind !== 'ServiceAccount' || a.namespace === b.namespace);
}

/**
 * Reported where the first step is granted: on the Kubernetes binding, once per starting subject named
 * in it; on the Azure role assignment; or on the ServiceAccount whose workload identity is the first
 * step. An identity whose first step comes through one of its groups is covered by the group's
 * finding. Control-plane subjects are skipped as in the other rbac rules.
 */
export default defineRule({
  meta: {
    id: 'rbac/escalation-path-to-cluster-admin',
    title: 'Subject can escalate to cluster-admin through a chain of grants',
    severity: 'critical',
    pillar: 'access',
    frameworks: [],
    description:
      'Chained grants can lead a low-privilege identity to cluster-admin: creating pods, or updating a workload controller (its pod template takes any serviceAccountName), runs them as any service account of the namespace; exec or an ephemeral container (kubectl debug) in a pod reads the token it mounts; creating tokens, creating a token Secret (type kubernetes.io/service-account-token) and reading it back, reading a long-lived token Secret or impersonating takes over another identity; bind (of admin, or of a role such as edit that runs pods, with create on rolebindings) or escalate rewrites RBAC itself; and on AKS a service account federated with an Azure identity holds that identity\'s Azure role assignments, and a principal that may write the cluster or assign Azure roles over it can make itself cluster-admin. The shortest such chain is reported in evidence.path.',
    remediation: 'Break the chain at its first step: remove the grant named in the finding, or move the powerful service account it leads to into a namespace where the subject cannot create pods or tokens.',
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks', 'https://learn.microsoft.com/azure/aks/manage-azure-rbac'],
  },
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding', ROLE_ASSIGNMENT_KIND, 'ServiceAccount'] },
  check(ctx) {
    const r = ctx.resource;
    if (r.kind === 'ServiceAccount') {
      const ns = r.namespace ?? 'default';
      for (const p of pathsOf(ctx.inventory)) {
        const first = p.steps[0]?.because;
        if (!first?.identity || p.subject.kind !== 'ServiceAccount' || p.subject.name !== r.name || (p.subject.namespace ?? 'default') !== ns) continue;
        report(ctx, p, `metadata.annotations.${escapeKey(WORKLOAD_IDENTITY_ANNOTATION)}`, undefined);
      }
      return;
    }
    if (r.kind === ROLE_ASSIGNMENT_KIND) {
      for (const p of pathsOf(ctx.inventory)) {
        const b = p.steps[0]?.because.binding;
        if (!b || p.steps[0]?.because.through || (b.kind !== 'AzureRoleAssignment' && b.kind !== 'AksLocalAdminCredential') || b.name !== r.name) continue;
        report(ctx, p, r.object.properties !== undefined ? 'properties.principalId' : 'principalId', roleAssignmentVerify(r.name));
      }
      return;
    }
    const ns = bindingNamespace(ctx);
    const subjects = bindingSubjects(ctx);
    const found: Array<{ p: EscalationPath; index: number }> = [];
    for (const p of pathsOf(ctx.inventory)) {
      const b = p.steps[0]?.because.binding;
      if (!b || p.steps[0]?.because.through || b.kind !== r.kind || b.name !== r.name || b.namespace !== ns) continue;
      if (isControlPlaneGrant(ctx, p.subject)) continue;
      found.push({ p, index: subjects.find((s) => sameSubject(s.subject, p.subject))?.index ?? -1 });
    }
    for (const { p, index } of found.sort((a, b) => a.index - b.index)) {
      const first = p.steps[0]!.because;
      const [resource, subresource] = first.resource.split('/');
      report(ctx, p, index >= 0 ? `subjects[${index}]` : 'subjects', canIVerify(ctx, p.subject, { verb: first.verb, resource: resource ?? first.resource, apiGroup: first.apiGroup, ...(subresource ? { subresource } : {}), ...(first.name !== undefined ? { name: first.name } : {}) }));
    }
  },
});

function report(ctx: RuleContext, p: EscalationPath, field: string, verify: string | undefined): void {
  const n = p.steps.length;
  const names = permissionIndex(ctx.inventory).displayNames;
  const display = names.get(p.subject.name);
  const path = pathText(p.steps, names);
  ctx.report({
    message: `${subjectText(p.subject)}${display ? ` (${display})` : ''} can become cluster-admin in ${n} step${n === 1 ? '' : 's'}: ${path}`,
    field,
    evidence: { observed: path, expected: 'no chain of grants from this subject to cluster-admin', path: p.steps },
    ...(verify !== undefined ? { verify } : {}),
  });
}
