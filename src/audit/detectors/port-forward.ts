import { defineDetector, falco, mitre } from '../detector.js';
import { queryParams, refName, streamOpened } from './lib/request.js';

export default defineDetector({
  meta: {
    id: 'audit/port-forward',
    title: 'Port forwarded to a pod',
    severity: 'low',
    frameworks: [...falco('port-forward'), ...mitre('T1572')],
    description: 'kubectl port-forward tunnels a local port into a pod through the API server, past NetworkPolicies and Services: a way to reach internal services from outside.',
    remediation: 'Confirm the person and the reason; restrict pods/portforward to the roles that need it.',
  },
  create() {
    return (ev, ctx) => {
      if (ev.objectRef.resource !== 'pods' || ev.objectRef.subresource !== 'portforward' || !streamOpened(ev)) return;
      const ports = queryParams(ev).getAll('ports');
      ctx.report({ message: `port forwarded to pod ${refName(ev)}${ports.length ? ` (ports ${ports.join(', ')})` : ''}` });
    };
  },
});
