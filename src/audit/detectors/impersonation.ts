import { defineDetector, mitre } from '../detector.js';
import { completed } from '../event.js';
import { outcome, redactRequestURI } from './lib/request.js';

export default defineDetector({
  meta: {
    id: 'audit/impersonation',
    title: 'Request made while impersonating another identity',
    severity: 'high',
    frameworks: mitre('T1078'),
    description: "Impersonate-User / Impersonate-Group headers make the API server treat a request as another identity's; impersonating a member of system:masters is cluster-admin.",
    remediation: "Confirm the impersonation was intended; limit the impersonate verb on users, groups and serviceaccounts to the few identities that need it.",
  },
  create() {
    return (ev, ctx) => {
      const as = ev.impersonatedUser;
      if (!as || !completed(ev)) return;
      const groups = as.groups.length ? ` (groups ${as.groups.join(', ')})` : '';
      const target = ev.objectRef.resource ? `${ev.objectRef.resource}${ev.objectRef.name ? `/${ev.objectRef.name}` : ''}` : redactRequestURI(ev.requestURI);
      const masters = as.groups.includes('system:masters');
      ctx.report({
        message: `${ev.user.username || '?'} acted as ${as.username || '?'}${groups}: ${ev.verb} ${target}${outcome(ev)}`,
        ...(masters ? { severity: 'critical' as const } : {}),
      });
    };
  },
});
