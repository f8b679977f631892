import { ROLE_ASSIGNMENT_KIND } from '../../analyses/rbac/azure-access.js';
import { WORKLOAD_CONTROLLERS } from '../../analyses/rbac/escalation.js';
import { defineRule } from '../../core/rule.js';
import { grantsOf, permissionLabel, reportGrants, type Permission } from './grants.js';

// Patching or updating a controller rewrites its pod template (image, command, serviceAccountName):
// its next pods run whatever the holder writes, as any service account of the namespace. A Pod's own
// spec takes no new service account, so patch on pods is not among them.
const PERMISSIONS: Permission[] = [
  { verb: 'create', resource: 'pods', apiGroup: '' },
  ...['create', 'patch', 'update'].flatMap((verb) => WORKLOAD_CONTROLLERS.map((c) => ({ verb, resource: c.resource, apiGroup: c.apiGroup }))),
];

/** `create pods, jobs.batch; patch, update deployments.apps`: each verb once, verbs with the same resources together. */
export function podPermissionsText(permissions: readonly Permission[]): string {
  const byVerb = new Map<string, string[]>();
  for (const p of permissions) {
    const resource = permissionLabel(p).slice(p.verb.length + 1);
    const list = byVerb.get(p.verb);
    if (list) list.push(resource);
    else byVerb.set(p.verb, [resource]);
  }
  const byResources = new Map<string, string[]>();
  for (const [verb, resources] of byVerb) {
    const key = resources.join(', ');
    const verbs = byResources.get(key);
    if (verbs) verbs.push(verb);
    else byResources.set(key, [verb]);
  }
  return [...byResources].map(([resources, verbs]) => `${verbs.join(', ')} ${resources}`).join('; ');
}

/** The bootstrap policy's grants to control-plane identities (see isControlPlaneGrant) are not reported. */
export default defineRule({
  meta: {
    id: 'rbac/can-create-pods',
    title: "Subject can create pods or workloads",
    severity: 'high',
    pillar: 'access',
    frameworks: [{ framework: 'kubescape', id: 'C-0188' }, { framework: 'cis-aks', id: '4.1.4' }],
    description: "Whoever can create a pod, directly or through a workload controller, can run it as any service account of the namespace and use that account's rights, and mount any Secret or ConfigMap there. Patching or updating a workload controller (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, ReplicationController) does the same: its pod template takes any image and serviceAccountName.",
    remediation: "Grant create on pods and workloads, and patch or update on workload controllers, only to deployment pipelines; enforce Pod Security admission in the namespace and keep powerful service accounts out of namespaces where people create or change workloads.",
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/'],
  },
  // On AKS with Azure RBAC, a role assignment grants its role's data actions as these rules (see grants.ts).
  target: { kinds: ['RoleBinding', 'ClusterRoleBinding', ROLE_ASSIGNMENT_KIND] },
  // Every part of cluster-admin: its finding on the same subject says it all.
  supersedes: ['rbac/cluster-admin-bound'],
  check(ctx) {
    reportGrants(ctx, grantsOf(ctx, PERMISSIONS, { skipSystem: true }), "create on pods and workload controllers, and patch or update on controllers, only for deployment pipelines and controllers", undefined, podPermissionsText);
  },
});
