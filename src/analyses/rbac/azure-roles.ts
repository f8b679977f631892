import type { PolicyRule } from './permission-index.js';
import type { ResourceInfo } from './resources.js';

/**
 * Azure role definitions as far as they decide access to an AKS cluster: the control-plane actions
 * that hand out credentials or rewrite the cluster, and the data actions that "Azure RBAC for
 * Kubernetes authorization" checks for each Kubernetes request.
 */
export interface AzureRoleDefinition {
  /** The role definition GUID (the last segment of `roleDefinitionId`). */
  id: string;
  name: string;
  actions: readonly string[];
  notActions: readonly string[];
  dataActions: readonly string[];
  notDataActions: readonly string[];
}

const CS = 'Microsoft.ContainerService/managedClusters';
const READ_BASE = ['Microsoft.Authorization/*/read', 'Microsoft.Resources/subscriptions/operationresults/read', 'Microsoft.Resources/subscriptions/read', 'Microsoft.Resources/subscriptions/resourceGroups/read'];

/** Data actions of the AKS RBAC Reader role (read most namespaced objects; no Secrets, no RBAC objects). */
const READER_DATA = [
  'apps/controllerrevisions/read', 'apps/daemonsets/read', 'apps/deployments/read', 'apps/replicasets/read', 'apps/statefulsets/read',
  'autoscaling/horizontalpodautoscalers/read', 'batch/cronjobs/read', 'batch/jobs/read', 'configmaps/read', 'discovery.k8s.io/endpointslices/read',
  'endpoints/read', 'events.k8s.io/events/read', 'events/read', 'extensions/daemonsets/read', 'extensions/deployments/read', 'extensions/ingresses/read',
  'extensions/networkpolicies/read', 'extensions/replicasets/read', 'limitranges/read', 'metrics.k8s.io/pods/read', 'metrics.k8s.io/nodes/read',
  'namespaces/read', 'networking.k8s.io/ingresses/read', 'networking.k8s.io/networkpolicies/read', 'persistentvolumeclaims/read', 'pods/read',
  'policy/poddisruptionbudgets/read', 'replicationcontrollers/read', 'resourcequotas/read', 'serviceaccounts/read', 'services/read',
].map((a) => `${CS}/${a}`);

/** Data actions of the AKS RBAC Writer role: read/write of most namespaced objects, Secrets and pods included. */
const WRITER_DATA = [
  'apps/controllerrevisions/read', 'apps/daemonsets/*', 'apps/deployments/*', 'apps/replicasets/*', 'apps/statefulsets/*',
  'autoscaling/horizontalpodautoscalers/*', 'batch/cronjobs/*', 'coordination.k8s.io/leases/read', 'coordination.k8s.io/leases/write',
  'coordination.k8s.io/leases/delete', 'discovery.k8s.io/endpointslices/read', 'batch/jobs/*', 'configmaps/*', 'endpoints/*', 'events.k8s.io/events/read',
  'events/*', 'extensions/daemonsets/*', 'extensions/deployments/*', 'extensions/ingresses/*', 'extensions/networkpolicies/*', 'extensions/replicasets/*',
  'limitranges/read', 'metrics.k8s.io/pods/read', 'metrics.k8s.io/nodes/read', 'namespaces/read', 'networking.k8s.io/ingresses/*',
  'networking.k8s.io/networkpolicies/*', 'persistentvolumeclaims/*', 'pods/*', 'policy/poddisruptionbudgets/*', 'replicationcontrollers/*',
  'resourcequotas/read', 'secrets/*', 'serviceaccounts/*', 'services/*',
].map((a) => `${CS}/${a}`);

function role(id: string, name: string, p: Partial<Omit<AzureRoleDefinition, 'id' | 'name'>>): AzureRoleDefinition {
  return { id, name, actions: p.actions ?? [], notActions: p.notActions ?? [], dataActions: p.dataActions ?? [], notDataActions: p.notDataActions ?? [] };
}

/**
 * The built-in roles that matter for an AKS cluster, by id. The four "RBAC" roles carry data actions;
 * the credential roles let their holders download a kubeconfig; Owner and Contributor (`*` actions)
 * can do both the credential download and rewrite the cluster (its admin groups, its local accounts).
 */
export const BUILTIN_AZURE_ROLES: ReadonlyMap<string, AzureRoleDefinition> = new Map(
  [
    role('b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b', 'Azure Kubernetes Service RBAC Cluster Admin', { actions: [...READ_BASE, `${CS}/listClusterUserCredential/action`], dataActions: [`${CS}/*`] }),
    role('3498e952-d568-435e-9b2c-8d77e338d7f7', 'Azure Kubernetes Service RBAC Admin', {
      actions: [...READ_BASE, `${CS}/listClusterUserCredential/action`],
      dataActions: [`${CS}/*`],
      notDataActions: [`${CS}/resourcequotas/write`, `${CS}/resourcequotas/delete`, `${CS}/namespaces/write`, `${CS}/namespaces/delete`],
    }),
    role('a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb', 'Azure Kubernetes Service RBAC Writer', { actions: READ_BASE, dataActions: WRITER_DATA }),
    role('7f6c6a51-bcf8-42ba-9220-52d62157d7db', 'Azure Kubernetes Service RBAC Reader', { actions: READ_BASE, dataActions: READER_DATA }),
    role('0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8', 'Azure Kubernetes Service Cluster Admin Role', {
      actions: [`${CS}/listClusterAdminCredential/action`, `${CS}/accessProfiles/listCredential/action`, `${CS}/read`, `${CS}/runcommand/action`],
    }),
    role('4abbcc35-e782-43d8-92c5-2d3473bde2f4', 'Azure Kubernetes Service Cluster User Role', { actions: [`${CS}/listClusterUserCredential/action`, `${CS}/read`] }),
    role('1afdec4b-e479-420e-99e7-f82237c7c5e6', 'Azure Kubernetes Service Cluster Monitoring User', { actions: [`${CS}/listClusterMonitoringUserCredential/action`, `${CS}/read`] }),
    role('ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8', 'Azure Kubernetes Service Contributor Role', { actions: [`${CS}/read`, `${CS}/write`, `${CS}/agentPools/read`, `${CS}/agentPools/write`] }),
    role('8e3af657-a8ff-443c-a75c-2fe8c4bcb635', 'Owner', { actions: ['*'] }),
    // Both may write role assignments, and so assign any role, to themselves too, where they hold it.
    role('18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', 'User Access Administrator', { actions: ['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*'] }),
    role('f58310d9-a9f6-439a-9e8d-f62e7b41a168', 'Role Based Access Control Administrator', {
      actions: ['Microsoft.Authorization/roleAssignments/write', 'Microsoft.Authorization/roleAssignments/delete', '*/read', 'Microsoft.Support/*'],
    }),
    role('b24988ac-6180-42ed-a40f-0ae24588f7bc', 'Contributor', {
      actions: ['*'],
      notActions: ['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write', 'Microsoft.Authorization/elevateAccess/Action'],
    }),
  ].map((r) => [r.id, r]),
);

const patterns = new Map<string, RegExp>();

/** Azure's action match: case-insensitive, `*` standing for any run of characters (slashes included). */
export function actionMatches(pattern: string, action: string): boolean {
  let re = patterns.get(pattern);
  if (!re) patterns.set(pattern, (re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i')));
  return re.test(action);
}

/** Allowed by `allow` and not taken back by `deny`, as Azure evaluates actions and notActions. */
export function permits(allow: readonly string[], deny: readonly string[], action: string): boolean {
  return allow.some((p) => actionMatches(p, action)) && !deny.some((p) => actionMatches(p, action));
}

export function allowsAction(role: AzureRoleDefinition, action: string): boolean {
  return permits(role.actions, role.notActions, action);
}

const READ_VERBS = new Set(['get', 'list', 'watch']);
const WRITE_VERBS = new Set(['create', 'update', 'patch']);
const DELETE_VERBS = new Set(['delete', 'deletecollection']);
/** Subresources AKS checks as one `action`, whatever the HTTP verb (`pods/exec/action`). */
const ACTION_SUBRESOURCES = new Set(['exec', 'attach', 'portforward', 'proxy']);

/**
 * The data action Azure RBAC checks for a Kubernetes request: `Microsoft.ContainerService/managedClusters/`,
 * then the API group (none for the core group), the resource and subresource, then `read` (get, list,
 * watch), `write` (create, update, patch), `delete` (delete, deletecollection) or `VERB/action` for
 * the other verbs (`users/impersonate/action`, `clusterroles/bind/action`).
 */
export function dataActionFor(verb: string, apiGroup: string, resource: string, subresource?: string): string {
  const path = [apiGroup, resource, subresource].filter((s) => s !== undefined && s !== '').join('/');
  if (subresource !== undefined && ACTION_SUBRESOURCES.has(subresource)) return `${CS}/${path}/action`;
  const op = READ_VERBS.has(verb) ? 'read' : WRITE_VERBS.has(verb) ? 'write' : DELETE_VERBS.has(verb) ? 'delete' : `${verb}/action`;
  return `${CS}/${path}/${op}`;
}

const CRUD = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
/** The verbs beyond CRUD that the authorizer checks on some resources. */
const SPECIAL_VERBS: Readonly<Record<string, readonly string[]>> = {
  users: ['impersonate'],
  groups: ['impersonate'],
  serviceaccounts: ['impersonate'],
  uids: ['impersonate'],
  userextras: ['impersonate'],
  roles: ['bind', 'escalate'],
  clusterroles: ['bind', 'escalate'],
  signers: ['approve', 'sign'],
};
/** The subresources the risk rules and escalation paths ask about, with the verbs used on them. */
const SUBRESOURCES: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  pods: { exec: ['get', 'create'], attach: ['get', 'create'], portforward: ['get', 'create'], proxy: ['get', 'create', 'update', 'patch', 'delete'], log: ['get'], eviction: ['create'], ephemeralcontainers: ['get', 'update', 'patch'], status: ['get', 'update', 'patch'] },
  nodes: { proxy: ['get', 'create', 'update', 'patch', 'delete'], status: ['get', 'update', 'patch'] },
  services: { proxy: ['get', 'create', 'update', 'patch', 'delete'], status: ['get', 'update', 'patch'] },
  serviceaccounts: { token: ['create'] },
  certificatesigningrequests: { approval: ['get', 'update', 'patch'], status: ['get', 'update', 'patch'] },
  deployments: { scale: ['get', 'update', 'patch'] },
  statefulsets: { scale: ['get', 'update', 'patch'] },
  replicasets: { scale: ['get', 'update', 'patch'] },
};

/** A data action that covers every request to the cluster (`*`, `Microsoft.ContainerService/managedClusters/*`). */
function coversEverything(pattern: string): boolean {
  return actionMatches(pattern, `${CS}/*`) && actionMatches(pattern, `${CS}/x/y/z/read`);
}

/**
 * The Kubernetes rules equivalent to a role's data actions, so that who-can, can, the risk rules and
 * escalation paths read Azure grants as they read RBAC ones. A role that allows every data action
 * becomes `*` on everything (non-resource URLs included). Otherwise each known resource and
 * subresource (built-in, and those of the inventory's CustomResourceDefinitions) is tried verb by
 * verb; a known API group that no notDataAction names keeps `*` resources when a data action covers
 * the whole group. A group the input does not mention (a CRD not given) is then not granted: RBAC rules
 * cannot say "every group but one", so this view errs on the side of less.
 */
export function rulesForRole(role: AzureRoleDefinition, resources: ReadonlyMap<string, ResourceInfo>): PolicyRule[] {
  const allow = role.dataActions;
  const deny = role.notDataActions;
  if (allow.some(coversEverything) && deny.length === 0) {
    return [
      { verbs: ['*'], apiGroups: ['*'], resources: ['*'], resourceNames: [], nonResourceURLs: [] },
      { verbs: ['*'], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: ['*'] },
    ];
  }
  const rules: PolicyRule[] = [];
  const groups = new Set<string>();
  for (const info of resources.values()) groups.add(info.group);
  const wholeGroups = new Set<string>();
  for (const g of groups) {
    if (!g) continue; // the core group shares its path prefix with every resource: never whole
    const probe = `${CS}/${g}/*`;
    const covered = allow.some((p) => actionMatches(p, probe) && actionMatches(p, `${CS}/${g}/any/read`));
    const denied = deny.some((p) => actionMatches(p, `${CS}/${g}/any/read`) || actionMatches(p, `${CS}/${g}/any/write`) || actionMatches(p, `${CS}/${g}/any/delete`) || p.toLowerCase().startsWith(`${CS}/${g}/`.toLowerCase()));
    if (covered && !denied) {
      wholeGroups.add(g);
      rules.push({ verbs: ['*'], apiGroups: [g], resources: ['*'], resourceNames: [], nonResourceURLs: [] });
    }
  }
  // Per (group, verb set): the resources allowed exactly those verbs, as one rule.
  const byGroupVerbs = new Map<string, { group: string; verbs: string[]; resources: string[] }>();
  const add = (group: string, resource: string, verbs: string[]) => {
    if (!verbs.length) return;
    const key = `${group}\0${verbs.join(',')}`;
    const entry = byGroupVerbs.get(key);
    if (entry) entry.resources.push(resource);
    else byGroupVerbs.set(key, { group, verbs, resources: [resource] });
  };
  for (const [name, info] of [...resources].sort(([a], [b]) => a.localeCompare(b))) {
    if (wholeGroups.has(info.group)) continue;
    const verbs = [...CRUD, ...(SPECIAL_VERBS[name] ?? [])];
    add(info.group, name, verbs.filter((v) => permits(allow, deny, dataActionFor(v, info.group, name))));
    for (const [sub, subVerbs] of Object.entries(SUBRESOURCES[name] ?? {})) add(info.group, `${name}/${sub}`, subVerbs.filter((v) => permits(allow, deny, dataActionFor(v, info.group, name, sub))));
  }
  for (const { group, verbs, resources: names } of byGroupVerbs.values()) rules.push({ verbs, apiGroups: [group], resources: names, resourceNames: [], nonResourceURLs: [] });
  if (allow.some(coversEverything)) rules.push({ verbs: ['*'], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: ['*'] });
  return rules;
}
