import { defineDetector, falco, mitre } from '../detector.js';
import { completed } from '../event.js';
import { refName, writeResult } from './lib/request.js';

/** Roles changed in normal operation: CoreDNS's and GKE's certificate controller's (as Falco has it). */
const EXPECTED_CHANGES = new Set(['system:coredns', 'system:managed-certificate-controller']);
/** Folds aggregated ClusterRoles together; its updates are the mechanism, not a change of intent. */
const AGGREGATOR = 'system:serviceaccount:kube-system:clusterrole-aggregation-controller';
const WRITES = new Set(['create', 'update', 'patch', 'delete']);

export default defineDetector({
  meta: {
    id: 'audit/system-role-changed',
    title: 'System ClusterRole or Role modified or deleted',
    severity: 'high',
    frameworks: [...falco('System ClusterRole Modified/Deleted'), ...mitre('T1098')],
    description: "Roles named system:* are the control plane's and the nodes' permissions; editing one grants or breaks a component's access, and is a quiet way to give an existing identity more power.",
    remediation: 'Find who changed it; the API server restores bootstrap roles it owns on restart, others must be restored from the previous version.',
  },
  create() {
    return (ev, ctx) => {
      const r = ev.objectRef.resource;
      if ((r !== 'clusterroles' && r !== 'roles') || !WRITES.has(ev.verb) || !completed(ev)) return;
      const name = ev.objectRef.name ?? '';
      if (!name.startsWith('system:') || EXPECTED_CHANGES.has(name) || ev.user.username === AGGREGATOR) return;
      const kind = r === 'clusterroles' ? 'ClusterRole' : 'Role';
      const result = writeResult(ev, ev.verb === 'delete' ? 'deleted' : ev.verb === 'create' ? 'created' : 'modified');
      ctx.report({ message: `${kind} ${refName(ev)} ${result.text}`, severity: result.severity });
    };
  },
});
