import { defineDetector, falco, mitre } from '../detector.js';
import { completed } from '../event.js';
import { redactRequestURI } from './lib/request.js';

export default defineDetector({
  meta: {
    id: 'audit/user-not-allowed',
    title: 'Request by a user outside the allowed list',
    severity: 'medium',
    frameworks: [...falco('Disallowed K8s User'), ...mitre('T1078')],
    description: 'Runs only when settings.allowedUsers is set: a user (not a system: identity) who is not on the list acted on the cluster. Reported once per user, verb and resource, not for every request.',
    remediation: "Confirm who the user is; add them to settings.allowedUsers if expected, or revoke their access.",
  },
  create(settings) {
    const allowed = settings.allowedUsers;
    if (!allowed) return undefined;
    const seen = new Set<string>();
    return (ev, ctx) => {
      const name = ev.user.username;
      if (!completed(ev) || name.startsWith('system:') || allowed.has(name)) return;
      const key = `${name}\u0000${ev.verb}\u0000${ev.objectRef.resource ?? ev.requestURI}`;
      if (seen.has(key)) return;
      // Bounded: once full, start over (an identity may then be reported again).
      if (seen.size >= 10_000) seen.clear();
      seen.add(key);
      const target = ev.objectRef.resource ? `${ev.objectRef.resource}${ev.objectRef.name ? `/${ev.objectRef.name}` : ''}` : redactRequestURI(ev.requestURI);
      ctx.report({ message: `${name} (not in settings.allowedUsers): ${ev.verb} ${target}` });
    };
  },
});
