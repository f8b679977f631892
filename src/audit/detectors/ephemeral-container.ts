import { defineDetector, falco, mitre } from '../detector.js';
import { completed } from '../event.js';
import { containerName, isRecord } from './lib/pod.js';
import { refName, writeResult } from './lib/request.js';

export default defineDetector({
  meta: {
    id: 'audit/ephemeral-container',
    title: 'Ephemeral container added to a pod',
    severity: 'medium',
    frameworks: [...falco('EphemeralContainers Created'), ...mitre('T1609')],
    description: "kubectl debug adds a container, with an image of the caller's choosing, to a running pod: it shares the pod's namespaces and can read its processes and volumes.",
    remediation: 'Confirm the person and the reason; restrict pods/ephemeralcontainers to break-glass roles.',
  },
  create() {
    return (ev, ctx) => {
      if (ev.objectRef.resource !== 'pods' || ev.objectRef.subresource !== 'ephemeralcontainers') return;
      if ((ev.verb !== 'update' && ev.verb !== 'patch' && ev.verb !== 'create') || !completed(ev)) return;
      const body = isRecord(ev.requestObject) ? ev.requestObject : undefined;
      const spec = body && isRecord(body.spec) ? body.spec : body;
      const list = spec && Array.isArray(spec.ephemeralContainers) ? spec.ephemeralContainers.filter(isRecord) : [];
      const last = list[list.length - 1];
      const detail = last ? ` (${containerName(last)}${typeof last.image === 'string' ? `, image ${last.image}` : ''})` : '';
      const result = writeResult(ev, 'added to');
      ctx.report({ message: `ephemeral container ${result.text} pod ${refName(ev)}${detail}`, severity: result.severity });
    };
  },
});
