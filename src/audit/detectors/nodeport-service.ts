import { defineDetector, falco, mitre } from '../detector.js';
import { bodyState, completedWithSuccess } from '../event.js';
import { isRecord } from './lib/pod.js';
import { refName } from './lib/request.js';

export default defineDetector({
  meta: {
    id: 'audit/nodeport-service',
    title: 'NodePort Service created',
    severity: 'medium',
    frameworks: [...falco('Create NodePort Service'), ...mitre('T1133')],
    description: "A NodePort Service opens a port on every node, outside the ingress path and reachable wherever the nodes' addresses are: a way to expose a workload past the load balancer's controls.",
    remediation: 'Use a ClusterIP Service behind an ingress or an internal load balancer; delete the NodePort Service if it was not meant to exist.',
  },
  create() {
    return (ev, ctx) => {
      if (ev.objectRef.resource !== 'services' || ev.objectRef.subresource !== undefined) return;
      // A refused Service exposes nothing.
      if ((ev.verb !== 'create' && ev.verb !== 'update') || !completedWithSuccess(ev)) return;
      const state = bodyState(ev.requestObject);
      if (state === 'omitted') return ctx.undetermined('service type');
      if (state !== 'present') return;
      const spec = (ev.requestObject as Record<string, unknown>).spec;
      if (!isRecord(spec) || spec.type !== 'NodePort') return;
      const ports = (Array.isArray(spec.ports) ? spec.ports : [])
        .filter(isRecord)
        .map((p) => `${String(p.port ?? '?')}${typeof p.nodePort === 'number' ? `→node:${p.nodePort}` : ''}`);
      ctx.report({ message: `Service ${refName(ev)} ${ev.verb === 'create' ? 'created' : 'updated'} with type NodePort${ports.length ? ` (ports ${ports.join(', ')})` : ''}` });
    };
  },
});
