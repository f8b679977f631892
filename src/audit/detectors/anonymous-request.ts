import { defineDetector, falco, mitre } from '../detector.js';
import { allowed, completed } from '../event.js';
import { redactRequestURI } from './lib/request.js';

/** What Kubernetes' system:public-info-viewer role and service-account issuer discovery let anyone read. */
const PUBLIC_PATHS = ['/healthz', '/livez', '/readyz', '/version', '/.well-known/openid-configuration', '/openid/v1/jwks'];

function isPublic(uri: string): boolean {
  const q = uri.indexOf('?');
  const path = q >= 0 ? uri.slice(0, q) : uri;
  return PUBLIC_PATHS.some((p) => path === p || path === `${p}/` || path.startsWith(`${p}/`));
}

export default defineDetector({
  meta: {
    id: 'audit/anonymous-request-allowed',
    title: 'Anonymous request allowed',
    severity: 'high',
    frameworks: [...falco('Anonymous Request Allowed'), ...mitre('T1078.001')],
    description: 'A request without credentials was authorised for something beyond the health, version and service-account issuer endpoints: a binding grants system:anonymous or system:unauthenticated more than it should.',
    remediation: 'Find the RoleBinding or ClusterRoleBinding naming system:anonymous or system:unauthenticated (the event annotation authorization.k8s.io/reason names it) and remove it.',
  },
  create() {
    return (ev, ctx) => {
      const u = ev.user;
      if (u.username !== 'system:anonymous' && !u.groups.includes('system:unauthenticated')) return;
      if (!completed(ev) || !allowed(ev) || isPublic(ev.requestURI)) return;
      const reason = ev.annotations['authorization.k8s.io/reason'];
      ctx.report({ message: `anonymous ${ev.verb} ${redactRequestURI(ev.requestURI)} allowed${typeof reason === 'string' && reason ? ` (${reason})` : ''}` });
    };
  },
});
