import type { Inventory } from '../../core/inventory.js';
import { asArray, asObj, asString, type Obj, type Provenance, type Resource } from '../../core/resource.js';
import { aksClusterOf, CLUSTER_KINDS, type AksCluster } from '../aks/index.js';
import { allowsAction, BUILTIN_AZURE_ROLES, rulesForRole, type AzureRoleDefinition } from './azure-roles.js';
import type { BindingRef, PolicyRule, RoleRef, Subject } from './permission-index.js';
import type { ResourceInfo } from './resources.js';
import { azureScopeText } from './azure-scope.js';

export const ROLE_ASSIGNMENT_KIND = 'Microsoft.Authorization/roleAssignments';
export const ROLE_DEFINITION_KIND = 'Microsoft.Authorization/roleDefinitions';
export const MANAGED_IDENTITY_KIND = 'Microsoft.ManagedIdentity/userAssignedIdentities';
/** The ServiceAccount annotation that ties pods running as it to an Entra application or managed identity. */
export const WORKLOAD_IDENTITY_ANNOTATION = 'azure.workload.identity/client-id';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An Entra ID object id (users, groups, service principals are named by one in AKS RBAC subjects). */
export function isEntraObjectId(name: string): boolean {
  return GUID.test(name);
}

/** One Azure role assignment, from `az role assignment list` (flattened) or the REST API (`properties`). */
export interface AzureRoleAssignment {
  /** The assignment GUID. */
  name: string;
  id: string;
  principalId: string;
  principalType: string;
  principalName?: string;
  roleDefinitionId: string;
  roleName?: string;
  scope: string;
  condition?: string;
  source: Provenance;
}

/** A grant that does not come from a Kubernetes binding: an Azure role assignment or an AKS setting. */
export interface ExternalBinding {
  ref: BindingRef;
  role: RoleRef;
  /** null: cluster-wide; else the one namespace it grants in. */
  namespace: string | null;
  subjects: Subject[];
  rules: PolicyRule[];
}

/** A ServiceAccount whose tokens an Azure identity trusts (workload identity federation). */
export interface IdentityLink {
  serviceAccount: Subject;
  clientId: string;
  /** The identity as a subject of Azure role assignments, when its principal (object) id is known. */
  principal?: Subject;
  identityName?: string;
}

/** An Azure principal that can make itself cluster-admin by rewriting the cluster resource, or by assigning itself a role on it. */
export interface ClusterWriter {
  subject: Subject;
  ref: BindingRef;
  role: RoleRef;
  /** It may write role assignments (Microsoft.Authorization/roleAssignments/write) at a scope holding the cluster. */
  assignsRoles?: true;
}

export interface AzureAccess {
  bindings: ExternalBinding[];
  links: IdentityLink[];
  writers: ClusterWriter[];
  /** What was assumed or left out, in words: shown with who-can answers. */
  notes: string[];
  /** Display names of Entra object ids learnt from the input (assignment principal names). */
  names: Map<string, string>;
}

const ALL: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'], resourceNames: [], nonResourceURLs: [] },
  { verbs: ['*'], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: ['*'] },
];
const CS = 'Microsoft.ContainerService/managedClusters';
/** Whoever may write role assignments at a scope may assign any role there, to itself too. */
const ROLE_ASSIGNMENT_WRITE = 'Microsoft.Authorization/roleAssignments/write';

/** The fields of an az CLI object, or of a REST object's `properties`. */
function fields(r: Resource): Obj {
  return asObj(r.object.properties) ?? r.object;
}

function guidOf(id: string): string {
  return (id.split('/').pop() ?? id).toLowerCase();
}

export function roleAssignmentOf(r: Resource): AzureRoleAssignment | undefined {
  const f = fields(r);
  const principalId = asString(f.principalId);
  const roleDefinitionId = asString(f.roleDefinitionId);
  const scope = asString(f.scope);
  if (!principalId || !roleDefinitionId || !scope) return undefined;
  const principalName = asString(f.principalName);
  const roleName = asString(f.roleDefinitionName);
  const condition = asString(f.condition);
  return {
    name: asString(r.object.name) ?? guidOf(asString(r.object.id) ?? ''),
    id: asString(r.object.id) ?? '',
    principalId,
    principalType: asString(f.principalType) ?? 'Unknown',
    ...(principalName ? { principalName } : {}),
    roleDefinitionId,
    ...(roleName ? { roleName } : {}),
    scope,
    ...(condition ? { condition } : {}),
    source: r.source,
  };
}

function roleDefinitionOf(r: Resource): AzureRoleDefinition | undefined {
  const f = fields(r);
  const id = guidOf(asString(r.object.name) ?? asString(r.object.id) ?? '');
  const name = asString(f.roleName);
  if (!id || !name) return undefined;
  const perms = asArray(f.permissions).map(asObj).filter((p): p is Obj => p !== undefined);
  const strs = (k: string) => perms.flatMap((p) => asArray(p[k]).filter((x): x is string => typeof x === 'string'));
  return { id, name, actions: strs('actions'), notActions: strs('notActions'), dataActions: strs('dataActions'), notDataActions: strs('notDataActions') };
}

/** The Kubernetes identity AKS gives an Entra principal: users by their sign-in name, groups and applications by object id. */
export function principalSubject(a: Pick<AzureRoleAssignment, 'principalId' | 'principalType' | 'principalName'>): Subject {
  const type = a.principalType.toLowerCase();
  if (type === 'group' || type === 'foreigngroup') return { kind: 'Group', name: a.principalId };
  if (type === 'user' && a.principalName && a.principalName.includes('@')) return { kind: 'User', name: a.principalName };
  return { kind: 'User', name: a.principalId };
}

/** Lower-cased ARM id without a trailing slash. */
function normId(id: string): string {
  return id.toLowerCase().replace(/\/+$/, '');
}

type Coverage = { namespace: string | null } | undefined;

const CLUSTER_SCOPE = /^(\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.containerservice\/managedclusters\/[^/]+)(?:\/namespaces\/([^/]+))?$/i;
const CONTAINER_SCOPE = /^(?:|\/|\/subscriptions\/[^/]+|\/subscriptions\/[^/]+\/resourcegroups\/[^/]+|\/providers\/microsoft\.management\/managementgroups\/[^/]+)$/i;

/**
 * Does a scope cover the cluster, and in which namespace (`.../managedClusters/C/namespaces/NS`)? A
 * role assignment reaches the cluster from the cluster itself, one of its namespaces, or a scope that
 * holds it (its resource group, its subscription, a management group, the root); one on any other
 * resource (a storage account, another cluster) grants nothing there. Without the cluster's id, the
 * cluster is assumed to lie under every such container scope, and no cluster scope is known to be it.
 */
function coverage(scope: string, clusterId: string | undefined): Coverage {
  const s = normId(scope);
  if (clusterId === undefined) return CONTAINER_SCOPE.test(s) ? { namespace: null } : undefined;
  const c = normId(clusterId);
  if (s === '' || s === '/' || c === s || c.startsWith(`${s}/`)) return { namespace: null };
  if (s.startsWith(`${c}/namespaces/`)) {
    const ns = scope.replace(/\/+$/, '').split('/').pop();
    return ns ? { namespace: ns } : undefined;
  }
  // A management group holds subscriptions the input does not list: it may cover the cluster.
  if (s.startsWith('/providers/microsoft.management/managementgroups/')) return { namespace: null };
  return undefined;
}

/** The managed clusters the role assignments are scoped to (their lower-cased ids), in order. */
function clustersNamed(assignments: readonly AzureRoleAssignment[]): string[] {
  const out = new Set<string>();
  for (const a of assignments) {
    const c = CLUSTER_SCOPE.exec(normId(a.scope));
    if (c?.[1]) out.add(c[1]);
  }
  return [...out];
}

/** The scope as written of the first assignment at this cluster (for its name in words). */
function scopeOf(assignments: readonly AzureRoleAssignment[], clusterId: string): string {
  return assignments.find((a) => normId(a.scope).startsWith(clusterId))?.scope.replace(/\/namespaces\/.*$/i, '') ?? clusterId;
}

/** What a source says of the cluster as it runs: the live shapes over templates. */
const SHAPE_RANK: Readonly<Record<string, number>> = { 'arm-rest': 0, 'az-cli': 0, 'arm-template': 1, 'terraform-plan': 2, 'terraform-hcl': 3 };

/**
 * The one cluster the access is about. The same cluster in several forms (`az aks show` and its
 * Terraform) is one cluster, read from its live form.
 */
function pickCluster(inventory: Inventory, notes: string[]): AksCluster | undefined {
  const byName = new Map<string, AksCluster>();
  for (const c of CLUSTER_KINDS.flatMap((k) => inventory.byKind(k)).flatMap((r) => aksClusterOf(r, inventory) ?? [])) {
    const key = c.name.toLowerCase();
    const seen = byName.get(key);
    if (!seen || (SHAPE_RANK[c.shape] ?? 9) < (SHAPE_RANK[seen.shape] ?? 9)) byName.set(key, c);
  }
  const clusters = [...byName.values()];
  if (clusters.length > 1) {
    notes.push(`the input describes ${clusters.length} AKS clusters (${clusters.map((c) => c.name).join(', ')}): Azure role assignments and AKS settings are not merged; give one cluster's files at a time`);
    return undefined;
  }
  return clusters[0];
}

function boolSetting(cluster: AksCluster, path: string): boolean | undefined {
  const s = cluster.get(path);
  if (!s.known) return undefined;
  if (s.absent) return false;
  return s.value === true;
}

/**
 * Access to one AKS cluster that comes from Azure rather than from Kubernetes bindings:
 * - with Azure RBAC for Kubernetes authorization on, each role assignment at the cluster, a namespace
 *   of it, or any scope above it grants its role's data actions (as equivalent RBAC rules);
 * - `aadProfile.adminGroupObjectIDs` are cluster-admin;
 * - while local accounts are enabled, whoever may list the cluster admin credential (and, on a cluster
 *   without Entra ID, the user credential, which is the same certificate) is in `system:masters`;
 * - whoever may write the cluster resource can add its own group to the admin groups, and whoever may
 *   write role assignments at a scope holding it (Owner, User Access Administrator, Role Based Access
 *   Control Administrator) can assign itself Azure Kubernetes Service RBAC Cluster Admin;
 * - ServiceAccounts annotated with a workload identity client id reach that Azure identity.
 * Without a cluster document, Azure RBAC is assumed on, the credential paths are left out, and the
 * cluster is the one the assignments name (when they name one) under the container scopes they name:
 * all of it is said in `notes`.
 */
export function azureAccess(inventory: Inventory, resources: ReadonlyMap<string, ResourceInfo>): AzureAccess {
  const notes: string[] = [];
  const names = new Map<string, string>();
  const bindings: ExternalBinding[] = [];
  const writers: ClusterWriter[] = [];
  const assignments = inventory.byKind(ROLE_ASSIGNMENT_KIND).flatMap((r) => roleAssignmentOf(r) ?? []);
  const definitions = new Map(BUILTIN_AZURE_ROLES);
  for (const r of inventory.byKind(ROLE_DEFINITION_KIND)) {
    const d = roleDefinitionOf(r);
    if (d) definitions.set(d.id, d);
  }
  for (const r of inventory.byKind(MANAGED_IDENTITY_KIND)) {
    const principalId = asString(fields(r).principalId);
    if (principalId) names.set(principalId, `managed identity ${r.name}`);
  }
  const anyCluster = CLUSTER_KINDS.some((k) => inventory.byKind(k).length > 0);
  const cluster = pickCluster(inventory, notes);
  if (anyCluster && !cluster) return { bindings, links: links(inventory, assignments), writers, notes, names };

  const clusterId = cluster ? asString(cluster.resource.object.id) : undefined;
  if (cluster) {
    const admins = cluster.get('aadProfile.adminGroupObjectIDs');
    const groups = admins.known ? asArray(admins.value).filter((x): x is string => typeof x === 'string' && x !== '') : [];
    if (groups.length) {
      bindings.push({
        ref: { kind: 'AksAdminGroups', namespace: null, name: cluster.name, field: admins.field, source: cluster.resource.source },
        role: { kind: 'ClusterRole', name: 'cluster-admin' },
        namespace: null,
        subjects: groups.map((g) => ({ kind: 'Group', name: g })),
        rules: ALL,
      });
    }
  }
  const azureRbac = cluster ? boolSetting(cluster, 'aadProfile.enableAzureRBAC') : true;
  const entra = cluster ? cluster.get('aadProfile').absent !== true : true;
  const localAccounts = cluster ? boolSetting(cluster, 'disableLocalAccounts') === false : undefined;
  let assumedCluster: string | undefined;
  if (!cluster && assignments.length) {
    const named = clustersNamed(assignments);
    assumedCluster = named.length === 1 ? named[0] : undefined;
    const which =
      named.length === 1
        ? `the cluster is assumed to be ${azureScopeText(scopeOf(assignments, named[0]!))}, the one cluster the role assignments name`
        : named.length > 1
          ? `the role assignments name ${named.length} clusters (${named.map((c) => c.split('/').pop() ?? c).join(', ')}) and nothing says which one this is: assignments at a cluster are left out`
          : 'the cluster is assumed to lie in every resource group and subscription the role assignments name';
    notes.push(
      `no AKS cluster settings in the input: ${which}; assignments at its resource group, subscription or a management group are counted, those on other resources are not; Azure RBAC for Kubernetes authorization is taken to be on, and the local admin credential is not considered (add \`az aks show -o json\`)`,
    );
  } else if (cluster && assignments.length && azureRbac === false) {
    notes.push(`cluster ${cluster.name} does not use Azure RBAC for Kubernetes authorization: role assignments grant no Kubernetes data actions there`);
  }

  for (const a of assignments) {
    const cov = coverage(a.scope, clusterId ?? assumedCluster);
    if (!cov) continue;
    const roleId = guidOf(a.roleDefinitionId);
    const def = definitions.get(roleId);
    const subject = principalSubject(a);
    // A service principal's principalName is its application (client) id: no name to show.
    if (a.principalName && subject.name !== a.principalName && !isEntraObjectId(a.principalName)) names.set(a.principalId, a.principalName);
    const roleName = def?.name ?? a.roleName ?? roleId;
    if (!def) {
      notes.push(`role assignment ${a.name} (${roleName}) at ${a.scope}: the role definition is not in the input (add \`az role definition list --name ${roleId} -o json\`, which lists built-in and custom roles alike); it is left out`);
      continue;
    }
    const ref: BindingRef = {
      kind: 'AzureRoleAssignment',
      namespace: cov.namespace,
      name: a.name,
      scope: a.scope,
      source: a.source,
      ...(a.condition ? { condition: a.condition } : {}),
    };
    const role: RoleRef = { kind: 'AzureRole', name: roleName };
    if (azureRbac !== false && def.dataActions.length) {
      const rules = rulesForRole(def, resources);
      if (rules.length) bindings.push({ ref, role, namespace: cov.namespace, subjects: [subject], rules });
    }
    if (cov.namespace !== null) continue;
    const adminCredential = allowsAction(def, `${CS}/listClusterAdminCredential/action`) || (!entra && allowsAction(def, `${CS}/listClusterUserCredential/action`));
    if (localAccounts && adminCredential) {
      bindings.push({
        ref: { ...ref, kind: 'AksLocalAdminCredential' },
        role: { kind: 'AzureRole', name: roleName },
        namespace: null,
        subjects: [subject],
        rules: ALL,
      });
    }
    if (allowsAction(def, `${CS}/write`)) writers.push({ subject, ref: { ...ref, kind: 'AzureRoleAssignment' }, role });
    else if (allowsAction(def, ROLE_ASSIGNMENT_WRITE)) {
      // A condition (ABAC) on such an assignment usually limits the roles it may hand out: not evaluated here.
      if (a.condition) notes.push(`role assignment ${a.name} (${roleName}) at ${a.scope} may assign roles under a condition, which is not evaluated: it is not counted as a way to cluster-admin`);
      else writers.push({ subject, ref: { ...ref, kind: 'AzureRoleAssignment' }, role, assignsRoles: true });
    }
  }
  return { bindings, links: links(inventory, assignments), writers, notes, names };
}

/**
 * ServiceAccounts with a workload identity client id, each with the Azure principal it becomes: the
 * managed identity in the input with that client id, or else a service-principal assignment whose
 * principal name is the client id (the az CLI names service principals by their application id).
 */
function links(inventory: Inventory, assignments: readonly AzureRoleAssignment[]): IdentityLink[] {
  const byClient = new Map<string, { principalId: string; name: string }>();
  for (const r of inventory.byKind(MANAGED_IDENTITY_KIND)) {
    const f = fields(r);
    const clientId = asString(f.clientId);
    const principalId = asString(f.principalId);
    if (clientId && principalId) byClient.set(clientId.toLowerCase(), { principalId, name: r.name });
  }
  for (const a of assignments) {
    if (a.principalType.toLowerCase() === 'serviceprincipal' && a.principalName && isEntraObjectId(a.principalName) && !byClient.has(a.principalName.toLowerCase()))
      byClient.set(a.principalName.toLowerCase(), { principalId: a.principalId, name: a.principalName });
  }
  const out: IdentityLink[] = [];
  for (const sa of inventory.byKind('ServiceAccount')) {
    const clientId = asString(asObj(asObj(sa.object.metadata)?.annotations)?.[WORKLOAD_IDENTITY_ANNOTATION]);
    if (!clientId) continue;
    const known = byClient.get(clientId.toLowerCase());
    out.push({
      serviceAccount: { kind: 'ServiceAccount', namespace: sa.namespace ?? 'default', name: sa.name },
      clientId,
      ...(known ? { principal: { kind: 'User', name: known.principalId }, identityName: known.name } : {}),
    });
  }
  return out;
}
