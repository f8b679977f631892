import { defineDetector, mitre } from '../detector.js';
import { completed, eventMillis } from '../event.js';
import { redactRequestURI } from './lib/request.js';

export default defineDetector({
  meta: {
    id: 'audit/auth-failure-burst',
    title: 'Burst of refused requests from one identity',
    severity: 'medium',
    frameworks: mitre('T1613', 'T1110'),
    description: 'Many 401 (not authenticated) or 403 (forbidden) answers to one identity from one address in a short time: someone probing what a stolen credential can do, or guessing credentials. The threshold and window are settings.authFailures. A kubelet\'s 403s are left out: the node authorizer refuses it what its node has no pod for yet, routinely during scale-up.',
    remediation: 'Find the identity and the address; if it is not a misconfigured client, revoke the credential.',
  },
  create(settings) {
    const { threshold, windowSeconds } = settings.raw.authFailures;
    const windowMs = windowSeconds * 1000;
    // identity+address → start of its current window and the refusals counted in it. Bounded.
    const windows = new Map<string, { start: number; count: number; reported: boolean }>();
    return (ev, ctx) => {
      const code = ev.responseStatus.code;
      if ((code !== 401 && code !== 403) || !completed(ev)) return;
      // The node authorizer refuses a kubelet what its node has no pod for yet ("no relationship found
      // between node ..."), routinely while pods are scheduled during a scale-up: a kubelet's 403s are noise.
      if (code === 403 && ev.user.username.startsWith('system:node:')) return;
      const t = eventMillis(ev);
      if (Number.isNaN(t)) return;
      const key = `${ev.user.username}\u0000${ev.sourceIPs[0] ?? ''}`;
      let w = windows.get(key);
      if (!w || t - w.start > windowMs || t < w.start) {
        // Bounded: a flood of new identities or addresses starts the count over rather than grow it.
        if (!w && windows.size >= 10_000) windows.clear();
        w = { start: t, count: 0, reported: false };
        windows.set(key, w);
      }
      w.count++;
      if (w.count >= threshold && !w.reported) {
        w.reported = true;
        ctx.report({ message: `${w.count} refused requests (401/403) for ${ev.user.username || '?'} from ${ev.sourceIPs[0] ?? '?'} within ${windowSeconds}s, the last: ${ev.verb} ${redactRequestURI(ev.requestURI)}` });
      }
    };
  },
});
