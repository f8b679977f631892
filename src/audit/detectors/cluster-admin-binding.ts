import { defineDetector, falco, mitre, type DetectorContext } from '../detector.js';
import { completed, isCreate, succeeded, writtenObject, type AuditEvent } from '../event.js';
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

/**
 * The binding a request body writes, when its role is cluster-admin or admin: its kind, its role, and the
 * severity of handing that role out (cluster-admin anywhere, or admin cluster-wide, is high; admin in a
 * namespace medium).
 */
function powerfulBinding(ev: AuditEvent, body: Record<string, unknown>): { kind: string; role: string; severity: 'high' | 'medium' } | undefined {
  const roleRef = isRecord(body.roleRef) ? body.roleRef : {};
  const role = typeof roleRef.name === 'string' ? roleRef.name : '';
  if (roleRef.kind !== 'ClusterRole' || !POWERFUL.has(role)) return undefined;
  const kind = ev.objectRef.resource === 'clusterrolebindings' ? 'ClusterRoleBinding' : 'RoleBinding';
  return { kind, role, severity: role === 'cluster-admin' || kind === 'ClusterRoleBinding' ? 'high' : 'medium' };
}

/**
 * An update or patch of an existing binding to cluster-admin or admin: its roleRef cannot change, so what
 * changed is who it binds — the quiet way to add oneself. The role shows in the full object an update
 * sends, or in the stored object when the audit level logs responses; a patch alone does not say it.
 */
function changed(ev: AuditEvent, ctx: DetectorContext): void {
  if ((ev.verb !== 'update' && ev.verb !== 'patch') || !succeeded(ev)) return;
  const body = [ev.responseObject, ev.requestObject].find((b): b is Record<string, unknown> => isRecord(b) && isRecord(b.roleRef));
  const b = body && powerfulBinding(ev, body);
  if (!body || !b) return;
  ctx.report({ message: `${b.kind} ${refName(ev)} to ClusterRole ${b.role} ${ev.verb === 'patch' ? 'patched' : 'updated'}: it now binds ${subjectsOf(body) || 'no subject'}`, severity: b.severity, frameworks: mitre('T1098') });
}

export default defineDetector({
  meta: {
    id: 'audit/cluster-admin-binding',
    title: 'Binding to cluster-admin or admin created or changed',
    severity: 'critical',
    frameworks: [...falco('Attach to cluster-admin Role'), ...mitre('T1098')],
    description: 'A ClusterRoleBinding (or RoleBinding) to cluster-admin gives its subjects every permission: the classic way to keep or widen access. A binding to admin gives a namespace (or, cluster-wide, every namespace) away. A server-side apply that creates the binding (a patch answered 201) is a creation. A refused attempt (RBAC lets only who holds a role bind it) is reported at low. Updating or patching an existing binding to either changes whom it binds (its role cannot change): reported when the request or the logged response shows the role.',
    remediation: 'Find who created the binding and for whom; delete it unless it was intended, and grant narrower roles instead.',
  },
  create() {
    return (ev, ctx) => {
      const r = ev.objectRef.resource;
      if ((r !== 'clusterrolebindings' && r !== 'rolebindings') || !completed(ev) || ev.objectRef.subresource !== undefined) return;
      // Server-side apply creates a binding with a patch answered 201: a creation like any other.
      if (!isCreate(ev)) return changed(ev, ctx);
      const body = writtenObject(ev, 'roleRef');
      if (body === 'omitted') return ctx.undetermined('binding role');
      if (body === 'absent') return;
      const b = powerfulBinding(ev, body);
      if (!b) return;
      const { kind, role } = b;
      const subjects = subjectsOf(body) || 'no subject';
      if (!succeeded(ev)) {
        // Refused: RBAC's escalation check ("attempting to grant RBAC permissions not currently held") or a policy.
        const message = `${kind} ${refName(ev)} to ClusterRole ${role} for ${subjects}: ${writeResult(ev, '').text}`;
        return ctx.report({ message, severity: 'low', ...(role === 'cluster-admin' && kind === 'ClusterRoleBinding' ? {} : { frameworks: mitre('T1098') }) });
      }
      const message = `${kind} ${refName(ev)} binds ClusterRole ${role} to ${subjects}`;
      // Falco's rule is about ClusterRoleBindings to cluster-admin; the other combinations name only the technique.
      if (role === 'cluster-admin' && kind === 'ClusterRoleBinding') ctx.report({ message });
      else ctx.report({ message, severity: b.severity, frameworks: mitre('T1098') });
    };
  },
});
