import type { PolicyRule } from '../../analyses/rbac/permission-index.js';
import { defineRule } from '../../core/rule.js';
import { asObj, asString } from '../../core/resource.js';
import type { RuleContext } from '../../core/rule.js';
import { bindingNamespace, bindingSubjects, bindingText, heldRules, permissionIndex, roleText, roleVerify, ruleText, scopeText, subjectText } from './grants.js';

const ANONYMOUS = new Set(['system:anonymous', 'system:unauthenticated']);
/** What the bootstrap policy (system:public-info-viewer) lets unauthenticated callers read. */
const PUBLIC_INFO = new Set(['/healthz', '/livez', '/readyz', '/version', '/version/']);

/** The bootstrap policy's one role for unauthenticated callers: the health and version endpoints. */
const PUBLIC_INFO_VIEWER = 'system:public-info-viewer';

/** The binding's role is not in the input (nor a default role whose rules are known): what it grants is unknown. */
function roleUnknown(ctx: RuleContext): boolean {
  const ns = bindingNamespace(ctx);
  return permissionIndex(ctx.inventory).missingRoles.some((m) => m.binding.kind === ctx.resource.kind && m.binding.name === ctx.resource.name && m.binding.namespace === ns);
}

function isPublicInfoViewer(ctx: RuleContext): boolean {
  const ref = asObj(ctx.resource.object.roleRef);
  return asString(ref?.kind) === 'ClusterRole' && asString(ref?.name) === PUBLIC_INFO_VIEWER;
}

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
    description: 'A binding to the user system:anonymous or the group system:unauthenticated gives its role to anyone who can reach the API server without credentials; beyond the health and version endpoints this exposes cluster data or control to the network. A binding to a role that is not in the input is reported too (the message says its rules are unknown), except the bootstrap policy\'s system:public-info-viewer.',
    remediation: 'Delete the binding, or bind the role to an authenticated group; keep anonymous access to /healthz, /livez, /readyz and /version only.',
    references: ['https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests'],
  },
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding'] },
  check(ctx) {
    const anonymous = bindingSubjects(ctx).filter(({ subject }) => subject.kind !== 'ServiceAccount' && ANONYMOUS.has(subject.name));
    if (anonymous.length === 0) return;
    // A role the input does not hold may grant anything: only the bootstrap policy's public-info role is known safe.
    const unknown = roleUnknown(ctx) && !isPublicInfoViewer(ctx);
    const rules = heldRules(ctx).filter(beyondPublicInfo);
    if (rules.length === 0 && !unknown) return;
    for (const { subject, index } of anonymous) {
      ctx.report({
        message: `${subjectText(subject)} (unauthenticated callers) is granted ${roleText(ctx)} ${scopeText(ctx)} (${bindingText(ctx)})${unknown ? `; the role is not in the input, so what it grants is unknown` : ''}`,
        field: `subjects[${index}]`,
        evidence: { observed: unknown ? `${roleText(ctx)} (rules not in the input)` : rules.map(ruleText).join('; '), expected: 'anonymous access to /healthz, /livez, /readyz and /version only' },
        verify: roleVerify(ctx),
      });
    }
  },
});
