import { defineRule } from '../../core/rule.js';
import type { PolicyRule } from '../../analyses/rbac/permission-index.js';
import { bindingNamespace, bindingSubjects, bindingText, heldRules, isControlPlaneGrant, roleText, roleVerify, ruleText, scopeText, subjectText } from './grants.js';

/**
 * The metrics APIs (resource metrics, custom and external metrics) serve get and list only: every other
 * verb is refused whatever RBAC allows, so `*` there grants reads of metrics and nothing more. KEDA and the
 * AKS KEDA add-on bind `*` on external.metrics.k8s.io to the HPA controller.
 */
const READ_ONLY_METRICS_GROUPS = new Set(['metrics.k8s.io', 'custom.metrics.k8s.io', 'external.metrics.k8s.io']);

function onlyMetricsGroups(r: PolicyRule): boolean {
  return r.apiGroups.length > 0 && r.apiGroups.every((g) => READ_ONLY_METRICS_GROUPS.has(g));
}

function isFullWildcard(r: PolicyRule): boolean {
  return r.verbs.includes('*') && r.resources.includes('*') && r.apiGroups.includes('*');
}

/**
 * Reports bound roles whose resource rules use `*` for verbs or resources: such a role silently
 * grants every subresource (pods/exec, serviceaccounts/token) and every verb (escalate, bind,
 * impersonate), including those added to the API later. A full `*`/`*`/`*` through a
 * ClusterRoleBinding is left to rbac/cluster-admin-bound, and a wildcard limited to the read-only metrics
 * APIs is not reported. The bootstrap policy's control-plane subjects are skipped.
 */
export default defineRule({
  meta: {
    id: 'rbac/wildcard-permission',
    title: 'Bound role uses wildcard verbs or resources',
    severity: 'high',
    pillar: 'access',
    frameworks: [{ framework: 'cis-aks', id: '4.1.3' }],
    description: 'A `*` in the verbs or resources of a bound Role or ClusterRole grants every present and future verb or resource in scope, including escalate, bind, impersonate and subresources such as pods/exec; `*`/`*`/`*` in a namespace makes the subject admin of that namespace. A wildcard limited to the metrics APIs (metrics.k8s.io, custom.metrics.k8s.io, external.metrics.k8s.io), which serve reads only, is not reported.',
    remediation: 'List the verbs and resources the subject needs explicitly.',
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/#minimize-wildcard-use'],
  },
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding'] },
  // Every part of cluster-admin: its finding on the same subject says it all.
  supersedes: ['rbac/cluster-admin-bound'],
  check(ctx) {
    const clusterWide = bindingNamespace(ctx) === null;
    const wild = heldRules(ctx).filter((r) => (r.verbs.includes('*') || r.resources.includes('*')) && !(clusterWide && isFullWildcard(r)) && !onlyMetricsGroups(r));
    if (wild.length === 0) return;
    const admin = wild.some(isFullWildcard);
    for (const { subject, index } of bindingSubjects(ctx)) {
      if (isControlPlaneGrant(ctx, subject)) continue;
      ctx.report({
        message: `${subjectText(subject)} holds ${admin ? 'every verb on every resource' : 'wildcard permissions'} ${scopeText(ctx)} through ${roleText(ctx)} (${bindingText(ctx)})`,
        field: `subjects[${index}]`,
        evidence: { observed: wild.map(ruleText).join('; '), expected: 'explicit verbs and resources, no *' },
        verify: roleVerify(ctx),
      });
    }
  },
});
