import { defineDetector, falco, mitre, type DetectorContext } from '../detector.js';
import type { AuditEvent } from '../event.js';
import { clip, queryParams, redactCommand, refName, streamOpened } from './lib/request.js';

/** The kubelet's own endpoints that run a command in or attach to a container: `/run|exec|attach/NS/POD/CONTAINER`. */
const KUBELET_EXEC = /\/proxy\/(run|exec|attach)\/([^/?]+)\/([^/?]+)\/([^/?]+)/;

/**
 * `nodes/NODE/proxy/run/...`: the API server forwards the request to the kubelet, which runs the command
 * itself — no pods/exec request is made, so RBAC on pods/exec and an exec detector alone never see it.
 */
function throughKubelet(ev: AuditEvent, ctx: DetectorContext): void {
  const m = KUBELET_EXEC.exec(ev.requestURI);
  if (!m || !streamOpened(ev)) return;
  const [, action, ns, pod, container] = m.map((x) => (x === undefined ? x : safeDecode(x)));
  const q = queryParams(ev);
  const command = redactCommand([...q.getAll('cmd'), ...q.getAll('command')].join(' '));
  const what = action === 'attach' ? 'attach to' : `${action === 'run' ? 'command run in' : 'exec into'}`;
  ctx.report({
    message: `${what} pod ${ns}/${pod} (container ${container}) through the kubelet (nodes/${ev.objectRef.name ?? '?'}/proxy)${command ? `: ${clip(command)}` : ''}`,
    severity: 'high',
    frameworks: mitre('T1609'),
  });
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

export default defineDetector({
  meta: {
    id: 'audit/exec-into-pod',
    title: 'Command executed in or terminal attached to a pod',
    severity: 'medium',
    frameworks: [...falco('Attach/Exec Pod'), ...mitre('T1609')],
    description: "kubectl exec and attach run commands inside a running container with its service account, secrets and network position: an attacker's first move after getting cluster credentials, and rare in a well-run production cluster. A command run through the kubelet's own API (nodes/NODE/proxy/run, exec or attach), which bypasses pods/exec, is reported as high.",
    remediation: 'Confirm the person and the reason; restrict pods/exec and pods/attach to break-glass roles, and nodes/proxy to the monitoring that needs it.',
  },
  create() {
    return (ev, ctx) => {
      const sub = ev.objectRef.subresource;
      if (ev.objectRef.resource === 'nodes' && sub === 'proxy') return throughKubelet(ev, ctx);
      if (ev.objectRef.resource !== 'pods' || (sub !== 'exec' && sub !== 'attach') || !streamOpened(ev)) return;
      const q = queryParams(ev);
      const container = q.get('container');
      const command = redactCommand(q.getAll('command').join(' '));
      const what = sub === 'exec' ? `exec into pod ${refName(ev)}` : `attach to pod ${refName(ev)}`;
      ctx.report({ message: `${what}${container ? ` (container ${container})` : ''}${command ? `: ${clip(command)}` : ''}` });
    };
  },
});
