import type { PolicyRule } from '../../analyses/rbac/permission-index.js';
import { defineRule } from '../../core/rule.js';
import { bindingSubjects, bindingText, heldRules, roleText, roleVerify, ruleText, scopeText, subjectText } from './grants.js';

const ANONYMOUS = new Set(['system:anonymous', 'system:unauthenticated']);
/** What the bootstrap policy (system:public-info-viewer) lets unauthenticated callers read. */
const PUBLIC_INFO = new Set(['/healthz', '/livez', '/readyz', '/version', '/version/']);

function beyondPublicInfo(r: PolicyRule): boolean {
  if (r.verbs.length === 0) return false;
  if (r.resources.length > 0) return true;
  return r.nonResourceURLs.some((u) => !PUBLIC_INFO.has(u));
}

/** Reports bindings that give the anonymous user or the unauthenticated group more than the health and version endpoints. */
export default defineRule({
  meta: {
    id: 'rbac/anonymous-access-granted',
    title: 'Unauthenticated callers are granted permissions',
    severity: 'critical',
    pillar: 'access',
    frameworks: [],
    description: 'A binding to the user system:anonymous or the group system:unauthenticated gives its role to anyone who can reach the API server without credentials; beyond the health and version endpoints this exposes cluster data or control to the network.',
    remediation: 'Delete the binding, or bind the role to an authenticated group; keep anonymous access to /healthz, /livez, /readyz and /version only.',
    references: ['https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests'],
  },
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding'] },
  check(ctx) {
    const anonymous = bindingSubjects(ctx).filter(({ subject }) => subject.kind !== 'ServiceAccount' && ANONYMOUS.has(subject.name));
    if (anonymous.length === 0) return;
    const rules = heldRules(ctx).filter(beyondPublicInfo);
    if (rules.length === 0) return;
    for (const { subject, index } of anonymous) {
      ctx.report({
        message: `${subjectText(subject)} (unauthenticated callers) is granted ${roleText(ctx)} ${scopeText(ctx)} (${bindingText(ctx)})`,
        field: `subjects[${index}]`,
        evidence: { observed: rules.map(ruleText).join('; '), expected: 'anonymous access to /healthz, /livez, /readyz and /version only' },
        verify: roleVerify(ctx),
      });
    }
  },
});
