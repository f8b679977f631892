import { defineDetector, falco, mitre } from '../detector.js';
import { completedWithSuccess, isCreate } from '../event.js';
import { refName } from './lib/request.js';

export default defineDetector({
  meta: {
    id: 'audit/service-account-in-kube-namespace',
    title: 'Service account created in kube-system or kube-public',
    severity: 'medium',
    frameworks: [...falco('Service Account Created in Kube Namespace'), ...mitre('T1136')],
    description: "A new service account among the cluster's own components is a place to hide a privileged identity; the controllers' and AKS add-ons' accounts are expected.",
    remediation: 'Find who created it and what it is bound to; delete it if it is not part of a known component, or add it to settings.knownKubeServiceAccounts.',
  },
  create(settings) {
    return (ev, ctx) => {
      if (ev.objectRef.resource !== 'serviceaccounts' || ev.objectRef.subresource !== undefined || !isCreate(ev)) return;
      const ns = ev.objectRef.namespace;
      if ((ns !== 'kube-system' && ns !== 'kube-public') || !completedWithSuccess(ev)) return;
      if (settings.knownKubeServiceAccounts.has(ev.objectRef.name ?? '')) return;
      ctx.report({ message: `service account ${refName(ev)} created` });
    };
  },
});
