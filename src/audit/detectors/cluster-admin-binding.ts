import { defineDetector, falco, mitre } from '../detector.js';
import { bodyState, completed, succeeded } from '../event.js';
import { isRecord } from './lib/pod.js';
import { refName, writeResult } from './lib/request.js';

/** ClusterRoles that are the whole cluster (cluster-admin) or a whole namespace (admin). */
const POWERFUL = new Set(['cluster-admin', 'admin']);

function subjectsOf(body: Record<string, unknown>): string {
  const subjects = Array.isArray(body.subjects) ? body.subjects.filter(isRecord) : [];
  return subjects
    .map((s) => `${String(s.kind ?? '?')} ${typeof s.namespace === 'string' && s.namespace ? `${s.namespace}/` : ''}${String(s.name ?? '?')}`)
    .join(', ');
}

export default defineDetector({
  meta: {
    id: 'audit/cluster-admin-binding',
    title: 'Binding to cluster-admin or admin created',
    severity: 'critical',
    frameworks: [...falco('Attach to cluster-admin Role'), ...mitre('T1098')],
    description: 'A ClusterRoleBinding (or RoleBinding) to cluster-admin gives its subjects every permission: the classic way to keep or widen access. A binding to admin gives a namespace (or, cluster-wide, every namespace) away. A refused attempt (RBAC lets only who holds a role bind it) is reported at low.',
    remediation: 'Find who created the binding and for whom; delete it unless it was intended, and grant narrower roles instead.',
  },
  create() {
    return (ev, ctx) => {
      const r = ev.objectRef.resource;
      if ((r !== 'clusterrolebindings' && r !== 'rolebindings') || ev.verb !== 'create' || !completed(ev)) return;
      const state = bodyState(ev.requestObject);
      if (state === 'omitted') return ctx.undetermined('binding role');
      if (state !== 'present') return;
      const body = ev.requestObject as Record<string, unknown>;
      const roleRef = isRecord(body.roleRef) ? body.roleRef : {};
      const role = typeof roleRef.name === 'string' ? roleRef.name : '';
      if (roleRef.kind !== 'ClusterRole' || !POWERFUL.has(role)) return;
      const kind = r === 'clusterrolebindings' ? 'ClusterRoleBinding' : 'RoleBinding';
      const subjects = subjectsOf(body) || 'no subject';
      if (!succeeded(ev)) {
        // Refused: RBAC's escalation check ("attempting to grant RBAC permissions not currently held") or a policy.
        const message = `${kind} ${refName(ev)} to ClusterRole ${role} for ${subjects}: ${writeResult(ev, '').text}`;
        return ctx.report({ message, severity: 'low', ...(role === 'cluster-admin' && kind === 'ClusterRoleBinding' ? {} : { frameworks: mitre('T1098') }) });
      }
      const message = `${kind} ${refName(ev)} binds ClusterRole ${role} to ${subjects}`;
      // Falco's rule is about ClusterRoleBindings to cluster-admin; the other combinations name only the technique.
      if (role === 'cluster-admin' && kind === 'ClusterRoleBinding') ctx.report({ message });
      else ctx.report({ message, severity: role === 'cluster-admin' || kind === 'ClusterRoleBinding' ? 'high' : 'medium', frameworks: mitre('T1098') });
    };
  },
});
