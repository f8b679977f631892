import { defineDetector, falco, mitre } from '../detector.js';
import { clip, queryParams, redactCommand, refName, streamOpened } from './lib/request.js';

export default defineDetector({
  meta: {
    id: 'audit/exec-into-pod',
    title: 'Command executed in or terminal attached to a pod',
    severity: 'medium',
    frameworks: [...falco('Attach/Exec Pod'), ...mitre('T1609')],
    description: "kubectl exec and attach run commands inside a running container with its service account, secrets and network position: an attacker's first move after getting cluster credentials, and rare in a well-run production cluster.",
    remediation: 'Confirm the person and the reason; restrict pods/exec and pods/attach to break-glass roles.',
  },
  create() {
    return (ev, ctx) => {
      const sub = ev.objectRef.subresource;
      if (ev.objectRef.resource !== 'pods' || (sub !== 'exec' && sub !== 'attach') || !streamOpened(ev)) return;
      const q = queryParams(ev);
      const container = q.get('container');
      const command = redactCommand(q.getAll('command').join(' '));
      const what = sub === 'exec' ? `exec into pod ${refName(ev)}` : `attach to pod ${refName(ev)}`;
      ctx.report({ message: `${what}${container ? ` (container ${container})` : ''}${command ? `: ${clip(command)}` : ''}` });
    };
  },
});
