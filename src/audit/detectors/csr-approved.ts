import { defineDetector, mitre } from '../detector.js';
import { completedWithSuccess } from '../event.js';
import { isRecord } from './lib/pod.js';

/** kube-controller-manager's CSR approver (kubelet client and serving certificates). */
const APPROVERS = new Set(['system:serviceaccount:kube-system:certificate-controller', 'system:kube-controller-manager']);

export default defineDetector({
  meta: {
    id: 'audit/csr-approved',
    title: 'CertificateSigningRequest approved',
    severity: 'high',
    frameworks: mitre('T1649'),
    description: 'Approving a CertificateSigningRequest mints a client certificate the API server trusts, for whatever user and groups it names (system:masters included), valid until it expires and impossible to revoke.',
    remediation: 'Check the subject and groups of the approved request; restrict the approve verb on signers to the controller that needs it.',
  },
  create() {
    return (ev, ctx) => {
      if (ev.objectRef.resource !== 'certificatesigningrequests' || ev.objectRef.subresource !== 'approval') return;
      if ((ev.verb !== 'update' && ev.verb !== 'patch') || !completedWithSuccess(ev) || APPROVERS.has(ev.user.username)) return;
      const body = isRecord(ev.requestObject) ? ev.requestObject : undefined;
      const status = body && isRecord(body.status) ? body.status : undefined;
      const conditions = status && Array.isArray(status.conditions) ? status.conditions.filter(isRecord) : [];
      // A body that says otherwise (Denied) is not an approval; without a body, the approval subresource is.
      if (conditions.length && !conditions.some((c) => c.type === 'Approved' && c.status !== 'False')) return;
      const spec = body && isRecord(body.spec) ? body.spec : undefined;
      const signer = typeof spec?.signerName === 'string' ? ` (signer ${spec.signerName})` : '';
      ctx.report({ message: `CertificateSigningRequest ${ev.objectRef.name ?? '?'} approved${signer}` });
    };
  },
});
