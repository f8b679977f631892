import { defineDetector, mitre } from '../detector.js';
import { completedWithSuccess } from '../event.js';

const KINDS: Record<string, string> = {
  mutatingwebhookconfigurations: 'MutatingWebhookConfiguration',
  validatingwebhookconfigurations: 'ValidatingWebhookConfiguration',
  validatingadmissionpolicies: 'ValidatingAdmissionPolicy',
  validatingadmissionpolicybindings: 'ValidatingAdmissionPolicyBinding',
  mutatingadmissionpolicies: 'MutatingAdmissionPolicy',
  mutatingadmissionpolicybindings: 'MutatingAdmissionPolicyBinding',
};
const WRITES = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

export default defineDetector({
  meta: {
    id: 'audit/admission-webhook-changed',
    title: 'Admission webhook or policy changed',
    severity: 'medium',
    frameworks: mitre('T1562.001'),
    description: 'Admission webhooks and policies are where the cluster enforces its rules: deleting or narrowing one switches a control off, and a new mutating webhook sees (and may rewrite) every object it matches, secrets included. Deletions are high severity.',
    remediation: 'Confirm the change came from the owner of the webhook (its operator or the deployment pipeline); restore the configuration if not.',
  },
  create() {
    return (ev, ctx) => {
      const kind = KINDS[ev.objectRef.resource ?? ''];
      if (!kind || ev.objectRef.subresource !== undefined || !WRITES.has(ev.verb) || !completedWithSuccess(ev)) return;
      const deleted = ev.verb === 'delete' || ev.verb === 'deletecollection';
      const what = ev.objectRef.name ? `${kind} ${ev.objectRef.name}` : `${kind}s`;
      ctx.report({ message: `${what} ${deleted ? 'deleted' : ev.verb === 'create' ? 'created' : 'modified'}`, ...(deleted ? { severity: 'high' as const } : {}) });
    };
  },
});
