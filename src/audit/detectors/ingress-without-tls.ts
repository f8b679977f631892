import { defineDetector, falco } from '../detector.js';
import { bodyState, completedWithSuccess, isCreate } from '../event.js';
import { isRecord } from './lib/pod.js';
import { refName } from './lib/request.js';

export default defineDetector({
  meta: {
    id: 'audit/ingress-without-tls',
    title: 'Ingress created without TLS',
    severity: 'low',
    frameworks: falco('Ingress Object without TLS Certificate Created'),
    description: 'An Ingress without a tls section serves its hosts over plain HTTP, unless something in front of it terminates TLS.',
    remediation: 'Add a tls section with a certificate (cert-manager, or Key Vault through the app routing add-on).',
  },
  create() {
    return (ev, ctx) => {
      if (ev.objectRef.resource !== 'ingresses' || ev.objectRef.subresource !== undefined || !isCreate(ev) || !completedWithSuccess(ev)) return;
      if (bodyState(ev.requestObject) !== 'present') return;
      const spec = (ev.requestObject as Record<string, unknown>).spec;
      if (isRecord(spec) && Array.isArray(spec.tls) && spec.tls.length > 0) return;
      ctx.report({ message: `Ingress ${refName(ev)} created without TLS` });
    };
  },
});
