import { defineDetector, falco, mitre } from '../detector.js';
import { completedWithSuccess, isCreate, writtenObject, type AuditEvent } from '../event.js';
import { isRecord } from './lib/pod.js';
import { refName } from './lib/request.js';

/**
 * The Service spec that says what the request made of the Service. A creation (a create, or a
 * server-side apply answered 201) and an update send the whole object; failing the body, the stored
 * object of the response tells. A patch that is not a creation changed the type only if its own body
 * sets it (`kubectl patch -p '{"spec":{"type":"NodePort"}}'`): one that leaves the type out changed
 * something else of a Service that was already what it is.
 */
function writtenSpec(ev: AuditEvent): Record<string, unknown> | 'omitted' | 'absent' {
  if (ev.verb === 'patch' && !isCreate(ev)) {
    const body = ev.requestObject;
    if (typeof body === 'string') return 'omitted';
    return isRecord(body) && isRecord(body.spec) && body.spec.type !== undefined ? body.spec : 'absent';
  }
  const body = writtenObject(ev, 'spec');
  if (typeof body === 'string') return body;
  return isRecord(body.spec) ? body.spec : 'absent';
}

function done(ev: AuditEvent): string {
  if (isCreate(ev)) return 'created';
  return ev.verb === 'patch' ? 'patched' : 'updated';
}

export default defineDetector({
  meta: {
    id: 'audit/nodeport-service',
    title: 'NodePort Service created',
    severity: 'medium',
    frameworks: [...falco('Create NodePort Service'), ...mitre('T1133')],
    description:
      "A NodePort Service opens a port on every node, outside the ingress path and reachable wherever the nodes' addresses are: a way to expose a workload past the load balancer's controls. Reported when a Service is created (a server-side apply answered 201 included) or updated with type NodePort, and when a patch sets that type.",
    remediation: 'Use a ClusterIP Service behind an ingress or an internal load balancer; delete the NodePort Service if it was not meant to exist.',
  },
  create() {
    return (ev, ctx) => {
      if (ev.objectRef.resource !== 'services' || ev.objectRef.subresource !== undefined) return;
      // A refused Service exposes nothing.
      if ((ev.verb !== 'create' && ev.verb !== 'update' && ev.verb !== 'patch') || !completedWithSuccess(ev)) return;
      const spec = writtenSpec(ev);
      if (spec === 'omitted') return ctx.undetermined('service type');
      if (spec === 'absent' || spec.type !== 'NodePort') return;
      const ports = (Array.isArray(spec.ports) ? spec.ports : [])
        .filter(isRecord)
        .map((p) => `${String(p.port ?? '?')}${typeof p.nodePort === 'number' ? `→node:${p.nodePort}` : ''}`);
      ctx.report({ message: `Service ${refName(ev)} ${done(ev)} with type NodePort${ports.length ? ` (ports ${ports.join(', ')})` : ''}` });
    };
  },
});
