import type { AlertFrameworkRef } from '../alert.js';
import { defineDetector, falco } from '../detector.js';
import { completed, type AuditEvent } from '../event.js';
import { refName } from './lib/request.js';

interface Lifecycle {
  kind: string;
  /** Falco's rule names for create and delete (current, then 0.6.0's when it differs). */
  created: AlertFrameworkRef[];
  deleted: AlertFrameworkRef[];
  /** Events not reported (Falco leaves out system users and kube-system for Secrets, system users for namespace deletion). */
  skip?: (ev: AuditEvent) => boolean;
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
};

export default defineDetector({
  meta: {
    id: 'audit/resource-activity',
    title: 'Security-relevant object created or deleted',
    severity: 'info',
    frameworks: falco(...new Set(Object.values(LIFECYCLES).flatMap((l) => [...l.created, ...l.deleted].map((f) => f.id)))),
    description: 'A record of Deployments, Services, ConfigMaps, Namespaces, ServiceAccounts, Roles, bindings and Secrets created or deleted, for the trail around an incident. Off with settings.activity: false.',
    remediation: 'Nothing to fix: context for the other alerts.',
  },
  create(settings) {
    if (!settings.raw.activity) return undefined;
    return (ev, ctx) => {
      if (ev.verb !== 'create' && ev.verb !== 'delete') return;
      const life = LIFECYCLES[ev.objectRef.resource ?? ''];
      if (!life || ev.objectRef.subresource !== undefined || !completed(ev)) return;
      const code = ev.responseStatus.code;
      if (code === undefined || code < 200 || code >= 300 || life.skip?.(ev)) return;
      const created = ev.verb === 'create';
      ctx.report({ message: `${life.kind} ${refName(ev)} ${created ? 'created' : 'deleted'}`, frameworks: created ? life.created : life.deleted });
    };
  },
});
