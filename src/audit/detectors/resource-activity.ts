import type { AlertFrameworkRef } from '../alert.js';
import type { Severity } from '../../core/severity.js';
import { defineDetector, falco, mitre } from '../detector.js';
import { completed, isCreate, isSystemIdentity, type AuditEvent } from '../event.js';
import { queryParams, refName } from './lib/request.js';

interface Lifecycle {
  kind: string;
  /** Falco's rule names for create and delete (current, then 0.6.0's when it differs). */
  created: AlertFrameworkRef[];
  deleted: AlertFrameworkRef[];
  /** Events not reported (Falco leaves out system users and kube-system for Secrets, system users for namespace deletion). */
  skip?: (ev: AuditEvent) => boolean;
  /** Only deletions are recorded. */
  deletesOnly?: boolean;
  /** The severity of a deletion, when it is more than a record. */
  deletedSeverity?: (ev: AuditEvent) => Severity;
}

const systemUser = (ev: AuditEvent) => ev.user.username.startsWith('system:');

const LIFECYCLES: Record<string, Lifecycle> = {
  deployments: { kind: 'Deployment', created: falco('K8s Deployment Created'), deleted: falco('K8s Deployment Deleted') },
  services: { kind: 'Service', created: falco('K8s Service Created'), deleted: falco('K8s Service Deleted') },
  configmaps: { kind: 'ConfigMap', created: falco('K8s ConfigMap Created'), deleted: falco('K8s ConfigMap Deleted') },
  namespaces: { kind: 'Namespace', created: falco('K8s Namespace Created'), deleted: falco('K8s Namespace Deleted'), skip: (ev) => ev.verb === 'delete' && systemUser(ev) },
  serviceaccounts: { kind: 'ServiceAccount', created: falco('K8s Serviceaccount Created'), deleted: falco('K8s Serviceaccount Deleted') },
  roles: { kind: 'Role', created: falco('K8s Role Created', 'K8s Role/Clusterrole Created'), deleted: falco('K8s Role Deleted', 'K8s Role/Clusterrole Deleted') },
  clusterroles: { kind: 'ClusterRole', created: falco('K8s ClusterRole Created', 'K8s Role/Clusterrole Created'), deleted: falco('K8s ClusterRole Deleted', 'K8s Role/Clusterrole Deleted') },
  rolebindings: { kind: 'RoleBinding', created: falco('K8s RoleBinding Created'), deleted: falco('K8s RoleBinding Deleted') },
  clusterrolebindings: {
    kind: 'ClusterRoleBinding',
    created: falco('K8s ClusterRoleBinding Created', 'K8s Role/Clusterrolebinding Created'),
    deleted: falco('K8s ClusterRoleBinding Deleted', 'K8s Role/Clusterrolebinding Deleted'),
  },
  secrets: { kind: 'Secret', created: falco('K8s Secret Created'), deleted: falco('K8s Secret Deleted'), skip: (ev) => systemUser(ev) || ev.objectRef.namespace === 'kube-system' },
  // Deleting Kubernetes Events erases the trail of what happened (indicator removal); they expire on
  // their own (the API server's TTL), so only an identity other than the cluster's own deleting them is told.
  events: {
    kind: 'Event',
    created: [],
    deleted: mitre('T1070'),
    deletesOnly: true,
    skip: (ev) => isSystemIdentity(ev.user.username),
    deletedSeverity: (ev) => (ev.verb === 'deletecollection' ? 'medium' : 'low'),
  },
};

const DELETES = new Set(['delete', 'deletecollection']);

/** What a deletion removed: one object, or every one of a kind in a namespace or the cluster. */
function deletedWhat(ev: AuditEvent, life: Lifecycle): string {
  if (ev.verb !== 'deletecollection') return `${life.kind} ${refName(ev)}`;
  const where = ev.objectRef.namespace ? `in ${ev.objectRef.namespace}` : 'in every namespace';
  const selector = queryParams(ev).get('labelSelector');
  return `${life.kind}s ${where}${selector ? ` matching ${selector}` : ''}`;
}

export default defineDetector({
  meta: {
    id: 'audit/resource-activity',
    title: 'Security-relevant object created or deleted',
    severity: 'info',
    frameworks: [...falco(...new Set(Object.values(LIFECYCLES).flatMap((l) => [...l.created, ...l.deleted].filter((f) => f.framework === 'falco').map((f) => f.id)))), ...mitre('T1070')],
    description:
      'A record of Deployments, Services, ConfigMaps, Namespaces, ServiceAccounts, Roles, bindings and Secrets created (a server-side apply answered 201 included) or deleted (one by one or by deletecollection), for the trail around an incident. Kubernetes Events deleted by anyone but the cluster\'s own components are reported too, as the removal of a trail: low for one, medium for a deletecollection. Off with settings.activity: false.',
    remediation: 'Nothing to fix: context for the other alerts.',
  },
  create(settings) {
    if (!settings.raw.activity) return undefined;
    return (ev, ctx) => {
      const created = isCreate(ev);
      if (!created && !DELETES.has(ev.verb)) return;
      const life = LIFECYCLES[ev.objectRef.resource ?? ''];
      if (!life || ev.objectRef.subresource !== undefined || !completed(ev) || (created && life.deletesOnly)) return;
      const code = ev.responseStatus.code;
      if (code === undefined || code < 200 || code >= 300 || life.skip?.(ev)) return;
      // The namespace controller empties a namespace being deleted kind by kind: that namespace's deletion is the record.
      if (ev.verb === 'deletecollection' && isSystemIdentity(ev.user.username)) return;
      if (created) return ctx.report({ message: `${life.kind} ${refName(ev)} created`, frameworks: life.created });
      const severity = life.deletedSeverity?.(ev);
      ctx.report({ message: `${deletedWhat(ev, life)} deleted`, frameworks: life.deleted, ...(severity ? { severity } : {}) });
    };
  },
});
