import type { Inventory } from '../../core/inventory.js';
import { defineRule } from '../../core/rule.js';
import { boundSubjects, shortestPaths, pathText, type EscalationPath } from '../../analyses/rbac/escalation.js';
import type { Subject } from '../../analyses/rbac/permission-index.js';
import { bindingNamespace, bindingSubjects, canIVerify, isSystemSubject, permissionIndex, subjectText } from './grants.js';

const cache = new WeakMap<Inventory, EscalationPath[]>();

function pathsOf(inventory: Inventory): EscalationPath[] {
  let paths = cache.get(inventory);
  if (!paths) cache.set(inventory, (paths = shortestPaths(permissionIndex(inventory), boundSubjects(inventory))));
  return paths;
}

function sameSubject(a: Subject, b: Subject): boolean {
  return a.kind === b.kind && a.name === b.name && (a.kind !== 'ServiceAccount' || a.namespace === b.namespace);
}

/**
 * Reported on the binding that grants the first step, once per starting subject named in it. An
 * identity whose first step comes through one of its groups is covered by the group's finding.
 * Control-plane subjects are skipped as in the other rbac rules.
 */
export default defineRule({
  meta: {
    id: 'rbac/escalation-path-to-cluster-admin',
    title: 'Subject can escalate to cluster-admin through a chain of grants',
    severity: 'critical',
    pillar: 'access',
    frameworks: [],
    description:
      'Chained grants can lead a low-privilege identity to cluster-admin: creating pods runs them as any service account of the namespace, creating tokens or impersonating takes over another identity, and bind or escalate rewrites RBAC itself. The shortest such chain is reported in evidence.path.',
    remediation: 'Break the chain at its first step: remove the grant named in the finding, or move the powerful service account it leads to into a namespace where the subject cannot create pods or tokens.',
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks'],
  },
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding'] },
  check(ctx) {
    const ns = bindingNamespace(ctx);
    const subjects = bindingSubjects(ctx);
    const found: Array<{ p: EscalationPath; index: number }> = [];
    for (const p of pathsOf(ctx.inventory)) {
      const b = p.steps[0]?.because.binding;
      if (!b || p.steps[0]?.because.through || b.kind !== ctx.resource.kind || b.name !== ctx.resource.name || b.namespace !== ns) continue;
      if (isSystemSubject(p.subject)) continue;
      found.push({ p, index: subjects.find((s) => sameSubject(s.subject, p.subject))?.index ?? -1 });
    }
    for (const { p, index } of found.sort((a, b) => a.index - b.index)) {
      const n = p.steps.length;
      const r = p.steps[0]!.because;
      const [resource, subresource] = r.resource.split('/');
      ctx.report({
        message: `${subjectText(p.subject)} can become cluster-admin in ${n} step${n === 1 ? '' : 's'}: ${pathText(p.steps)}`,
        field: index >= 0 ? `subjects[${index}]` : 'subjects',
        evidence: { observed: pathText(p.steps), expected: 'no chain of grants from this subject to cluster-admin', path: p.steps },
        verify: canIVerify(ctx, p.subject, { verb: r.verb, resource: resource ?? r.resource, apiGroup: r.apiGroup, ...(subresource ? { subresource } : {}) }),
      });
    }
  },
});
