import { defineDetector, mitre } from '../detector.js';
import { completedWithSuccess } from '../event.js';
import { refName } from './lib/request.js';

export default defineDetector({
  meta: {
    id: 'audit/token-request',
    title: "Token requested for another service account",
    severity: 'high',
    frameworks: mitre('T1528'),
    description: "A TokenRequest (kubectl create token) mints a token for a service account; kubelets do it for their pods' accounts, and an account may refresh its own. Anyone else obtaining one can act as that account from anywhere, for as long as the token lives.",
    remediation: "Find who requested it; remove their create permission on serviceaccounts/token, and if the token was not expected, rotate by deleting and recreating the service account.",
  },
  create() {
    return (ev, ctx) => {
      if (ev.objectRef.resource !== 'serviceaccounts' || ev.objectRef.subresource !== 'token' || ev.verb !== 'create') return;
      if (!completedWithSuccess(ev)) return;
      const user = ev.user.username;
      if (user.startsWith('system:node:')) return;
      const ns = ev.objectRef.namespace ?? '';
      const name = ev.objectRef.name ?? '';
      if (user === `system:serviceaccount:${ns}:${name}`) return;
      ctx.report({ message: `token issued for service account ${refName(ev)} to ${user || '?'}` });
    };
  },
});
