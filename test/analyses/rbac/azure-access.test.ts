import { describe, expect, it } from 'vitest';
import { actionMatches, BUILTIN_AZURE_ROLES, dataActionFor, rulesForRole } from '../../../src/analyses/rbac/azure-roles.js';
import { boundSubjects, pathText, shortestPaths } from '../../../src/analyses/rbac/escalation.js';
import { PermissionIndex, subjectLabel, type AccessQuery, type Grant } from '../../../src/analyses/rbac/permission-index.js';
import { BUILTIN_RESOURCES } from '../../../src/analyses/rbac/resources.js';
import { Inventory } from '../../../src/core/inventory.js';
import type { Resource } from '../../../src/core/resource.js';
import { decodeText } from '../../../src/ingest/decode.js';
import { DEFAULT_LIMITS } from '../../../src/ingest/limits.js';
import { clusterRole, clusterRoleBinding, group, role, roleBinding, user } from '../../rules/rbac/fixtures.js';
import { assignment, CLUSTER_ID, cluster, federatedServiceAccount, identity, RG, ROLES, SUB } from './azure-fixtures.js';

function inventoryOf(text: string): Inventory {
  const sink = { resources: [] as Resource[], errors: [], notes: [], texts: new Map<string, string>() };
  decodeText(text, 'estate.yaml', DEFAULT_LIMITS, sink);
  expect(sink.errors).toEqual([]);
  return new Inventory(sink.resources);
}
const indexOf = (text: string) => new PermissionIndex(inventoryOf(text));
const who = (index: PermissionIndex, q: AccessQuery) => index.whoCan(q).map((g: Grant) => `${subjectLabel(g.subject)} ${g.scope} ${g.via.binding.kind}`);

const GROUP = '11111111-1111-1111-1111-111111111111';
const USER = '22222222-2222-2222-2222-222222222222';
const APP = '33333333-3333-3333-3333-333333333333';
const CLIENT = '44444444-4444-4444-4444-444444444444';

describe('Azure role definitions as Kubernetes rules', () => {
  it('maps a Kubernetes request to the data action AKS checks', () => {
    expect(dataActionFor('get', '', 'secrets')).toBe('Microsoft.ContainerService/managedClusters/secrets/read');
    expect(dataActionFor('patch', 'apps', 'deployments')).toBe('Microsoft.ContainerService/managedClusters/apps/deployments/write');
    expect(dataActionFor('deletecollection', '', 'pods')).toBe('Microsoft.ContainerService/managedClusters/pods/delete');
    expect(dataActionFor('create', '', 'pods', 'exec')).toBe('Microsoft.ContainerService/managedClusters/pods/exec/action');
    expect(dataActionFor('impersonate', '', 'serviceaccounts')).toBe('Microsoft.ContainerService/managedClusters/serviceaccounts/impersonate/action');
    expect(dataActionFor('bind', 'rbac.authorization.k8s.io', 'clusterroles')).toBe('Microsoft.ContainerService/managedClusters/rbac.authorization.k8s.io/clusterroles/bind/action');
  });

  it('matches actions as Azure does: case-insensitive, * across segments', () => {
    expect(actionMatches('Microsoft.ContainerService/managedClusters/*', 'microsoft.containerservice/managedclusters/apps/deployments/read')).toBe(true);
    expect(actionMatches('Microsoft.ContainerService/managedClusters/pods/*', 'Microsoft.ContainerService/managedClusters/pods/exec/action')).toBe(true);
    expect(actionMatches('Microsoft.ContainerService/managedClusters/pods/*', 'Microsoft.ContainerService/managedClusters/podtemplates/read')).toBe(false);
    expect(actionMatches('*', 'Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action')).toBe(true);
  });

  it('reads RBAC Cluster Admin as * on everything, non-resource URLs included', () => {
    const rules = rulesForRole(BUILTIN_AZURE_ROLES.get(ROLES.clusterAdmin)!, BUILTIN_RESOURCES);
    expect(rules.map((r) => [r.verbs, r.apiGroups, r.resources, r.nonResourceURLs])).toEqual([
      [['*'], ['*'], ['*'], []],
      [['*'], [], [], ['*']],
    ]);
  });

  it('keeps RBAC Admin from writing namespaces and quotas, and leaves the rest, API groups whole', () => {
    const index = indexOf(cluster() + assignment({ role: ROLES.admin, scope: CLUSTER_ID, principalId: GROUP, principalType: 'Group' }));
    expect(who(index, { verb: 'delete', resource: 'namespaces', name: 'shop' })).toEqual([]);
    expect(who(index, { verb: 'create', resource: 'resourcequotas', namespace: 'shop' })).toEqual([]);
    expect(who(index, { verb: 'get', resource: 'resourcequotas', namespace: 'shop' })).toEqual([`Group:${GROUP} cluster AzureRoleAssignment`]);
    expect(who(index, { verb: 'bind', resource: 'clusterroles', apiGroup: 'rbac.authorization.k8s.io' })).toEqual([`Group:${GROUP} cluster AzureRoleAssignment`]);
    // A group the input declares (through a CustomResourceDefinition or the built-in API) is covered whole;
    // one it does not is unknown and not granted.
    expect(who(index, { verb: 'delete', resource: 'leases', apiGroup: 'coordination.k8s.io', namespace: 'shop' })).toEqual([`Group:${GROUP} cluster AzureRoleAssignment`]);
    expect(who(index, { verb: 'delete', resource: 'certificates', apiGroup: 'cert-manager.io', namespace: 'shop' })).toEqual([]);
    expect(who(index, { verb: 'delete', resource: 'deployments', apiGroup: 'apps', namespace: 'shop' })).toEqual([`Group:${GROUP} cluster AzureRoleAssignment`]);
  });

  it('gives RBAC Reader no secrets and RBAC Writer secrets, pods/exec and impersonation of service accounts', () => {
    const index = indexOf(
      cluster() +
        assignment({ role: ROLES.reader, scope: CLUSTER_ID, principalId: GROUP, principalType: 'Group' }) +
        assignment({ role: ROLES.writer, scope: CLUSTER_ID, principalId: USER, principalType: 'User', principalName: 'dev@contoso.com' }),
    );
    expect(who(index, { verb: 'list', resource: 'secrets', namespace: 'shop' })).toEqual(['User:dev@contoso.com cluster AzureRoleAssignment']);
    expect(who(index, { verb: 'list', resource: 'pods', namespace: 'shop' })).toEqual([`Group:${GROUP} cluster AzureRoleAssignment`, 'User:dev@contoso.com cluster AzureRoleAssignment']);
    expect(who(index, { verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'shop' })).toEqual(['User:dev@contoso.com cluster AzureRoleAssignment']);
    expect(who(index, { verb: 'impersonate', resource: 'serviceaccounts', namespace: 'shop' })).toEqual(['User:dev@contoso.com cluster AzureRoleAssignment']);
    expect(who(index, { verb: 'list', resource: 'roles', apiGroup: 'rbac.authorization.k8s.io', namespace: 'shop' })).toEqual([]);
  });
});

describe('Azure role assignments on an AKS cluster', () => {
  it('applies assignments at the cluster, its resource group and subscription, and not at another cluster', () => {
    const other = `${RG}/providers/Microsoft.ContainerService/managedClusters/aks2`;
    const index = indexOf(
      cluster() +
        assignment({ role: ROLES.reader, scope: SUB, principalId: '00000000-0000-0000-0000-000000000001', principalType: 'Group' }) +
        assignment({ role: ROLES.reader, scope: RG, principalId: '00000000-0000-0000-0000-000000000002', principalType: 'Group' }) +
        assignment({ role: ROLES.reader, scope: other, principalId: '00000000-0000-0000-0000-000000000003', principalType: 'Group' }) +
        assignment({ role: ROLES.reader, scope: `${SUB}/resourceGroups/rg-other`, principalId: '00000000-0000-0000-0000-000000000004', principalType: 'Group' }),
    );
    expect(who(index, { verb: 'get', resource: 'pods', namespace: 'x' })).toEqual([
      'Group:00000000-0000-0000-0000-000000000001 cluster AzureRoleAssignment',
      'Group:00000000-0000-0000-0000-000000000002 cluster AzureRoleAssignment',
    ]);
  });

  it('limits a namespace-scope assignment to its namespace and to namespaced resources', () => {
    const index = indexOf(cluster() + assignment({ role: ROLES.clusterAdmin, scope: `${CLUSTER_ID}/namespaces/shop`, principalId: GROUP, principalType: 'Group' }));
    expect(who(index, { verb: 'get', resource: 'secrets', namespace: 'shop' })).toEqual([`Group:${GROUP} shop AzureRoleAssignment`]);
    expect(who(index, { verb: 'get', resource: 'secrets', namespace: 'kube-system' })).toEqual([]);
    expect(who(index, { verb: 'get', resource: 'nodes' })).toEqual([]);
    expect(who(index, { verb: 'get', nonResourceURL: '/metrics' })).toEqual([]);
  });

  it('grants no data actions when the cluster does not use Azure RBAC, and says so', () => {
    const index = indexOf(cluster({ azureRbac: false }) + assignment({ role: ROLES.clusterAdmin, scope: CLUSTER_ID, principalId: GROUP, principalType: 'Group' }));
    expect(who(index, { verb: 'get', resource: 'secrets', namespace: 'shop' })).toEqual([]);
    expect(index.notes.join('\n')).toMatch(/does not use Azure RBAC for Kubernetes authorization/);
  });

  it('assumes Azure RBAC on without cluster settings, and says so', () => {
    const index = indexOf(assignment({ role: ROLES.writer, scope: CLUSTER_ID, principalId: GROUP, principalType: 'Group' }));
    expect(who(index, { verb: 'get', resource: 'secrets', namespace: 'shop' })).toEqual([`Group:${GROUP} cluster AzureRoleAssignment`]);
    expect(index.notes.join('\n')).toMatch(/no AKS cluster settings in the input/);
  });

  it('without cluster settings, counts only scopes that can hold the cluster', () => {
    const storage = `${SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/sa1`;
    const other = `${SUB}/resourceGroups/rg-other/providers/Microsoft.ContainerService/managedClusters/other`;
    const index = indexOf(
      assignment({ role: ROLES.contributor, scope: storage, principalId: USER, principalType: 'User', principalName: 'dev@contoso.com' }) +
        assignment({ role: ROLES.clusterAdmin, scope: other, principalId: APP, principalType: 'User', principalName: 'ca@contoso.com' }) +
        assignment({ role: ROLES.writer, scope: `${CLUSTER_ID}/namespaces/shop`, principalId: GROUP, principalType: 'Group' }) +
        assignment({ role: ROLES.contributor, scope: RG, principalId: USER, principalType: 'User', principalName: 'ops@contoso.com' }),
    );
    expect(who(index, { verb: 'get', resource: 'secrets', namespace: 'shop' })).toEqual([]);
    expect(index.clusterWriters.map((w) => w.subject.name)).toEqual(['ops@contoso.com']);
    expect(index.notes.join('\n')).toMatch(/the role assignments name 2 clusters \(other, aks1\) and nothing says which one this is: assignments at a cluster are left out/);
  });

  it('without cluster settings, takes the one cluster the assignments name as the cluster, and says so', () => {
    const index = indexOf(
      assignment({ role: ROLES.writer, scope: `${CLUSTER_ID}/namespaces/shop`, principalId: GROUP, principalType: 'Group' }) +
        assignment({ role: ROLES.contributor, scope: `${SUB}/resourceGroups/rg-other`, principalId: USER, principalType: 'User', principalName: 'dev@contoso.com' }) +
        assignment({ role: ROLES.contributor, scope: RG, principalId: USER, principalType: 'User', principalName: 'ops@contoso.com' }),
    );
    expect(who(index, { verb: 'get', resource: 'secrets', namespace: 'shop' })).toEqual([`Group:${GROUP} shop AzureRoleAssignment`]);
    expect(index.clusterWriters.map((w) => w.subject.name)).toEqual(['ops@contoso.com']);
    expect(index.notes.join('\n')).toMatch(/the cluster is assumed to be cluster aks1/);
  });

  it('with cluster settings, a role on another resource of the subscription grants nothing', () => {
    const storage = `${RG}/providers/Microsoft.Storage/storageAccounts/sa1`;
    const index = indexOf(cluster() + assignment({ role: ROLES.clusterAdmin, scope: storage, principalId: GROUP, principalType: 'Group' }) + assignment({ role: ROLES.contributor, scope: storage, principalId: USER, principalType: 'User' }));
    expect(who(index, { verb: 'get', resource: 'secrets', namespace: 'shop' })).toEqual([]);
    expect(index.clusterWriters).toEqual([]);
  });

  it('makes the admin groups cluster-admin', () => {
    const index = indexOf(cluster({ adminGroups: [GROUP] }));
    expect(who(index, { verb: 'delete', resource: 'nodes' })).toEqual([`Group:${GROUP} cluster AksAdminGroups`]);
  });

  it('hands the local admin credential to Contributors while local accounts are on, and not when they are off', () => {
    const contributor = assignment({ role: ROLES.contributor, scope: SUB, principalId: USER, principalType: 'User', principalName: 'ops@contoso.com' });
    const on = indexOf(cluster({ localAccounts: true }) + contributor);
    expect(who(on, { verb: 'get', resource: 'secrets', namespace: 'kube-system' })).toEqual(['User:ops@contoso.com cluster AksLocalAdminCredential']);
    const off = indexOf(cluster({ localAccounts: false }) + contributor);
    expect(who(off, { verb: 'get', resource: 'secrets', namespace: 'kube-system' })).toEqual([]);
  });

  it('treats the user credential of a cluster without Entra ID as the admin credential', () => {
    const user = assignment({ role: ROLES.clusterUser, scope: CLUSTER_ID, principalId: USER, principalType: 'User', principalName: 'ops@contoso.com' });
    expect(who(indexOf(cluster({ entra: false, localAccounts: true }) + user), { verb: 'get', resource: 'secrets', namespace: 'a' })).toEqual(['User:ops@contoso.com cluster AksLocalAdminCredential']);
    expect(who(indexOf(cluster({ localAccounts: true }) + user), { verb: 'get', resource: 'secrets', namespace: 'a' })).toEqual([]);
  });

  it('reads custom role definitions from the input and notes assignments of unknown roles', () => {
    const custom = `\n---\n${JSON.stringify({
      name: '99999999-9999-9999-9999-999999999999',
      roleName: 'Pod exec',
      type: 'Microsoft.Authorization/roleDefinitions',
      permissions: [{ actions: [], notActions: [], dataActions: ['Microsoft.ContainerService/managedClusters/pods/*'], notDataActions: ['Microsoft.ContainerService/managedClusters/pods/delete'] }],
    })}\n`;
    const index = indexOf(
      cluster() +
        custom +
        assignment({ role: '99999999-9999-9999-9999-999999999999', scope: CLUSTER_ID, principalId: GROUP, principalType: 'Group' }) +
        assignment({ role: '88888888-8888-8888-8888-888888888888', scope: CLUSTER_ID, principalId: USER, principalType: 'User' }),
    );
    expect(who(index, { verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'a' })).toEqual([`Group:${GROUP} cluster AzureRoleAssignment`]);
    expect(who(index, { verb: 'delete', resource: 'pods', namespace: 'a' })).toEqual([]);
    expect(index.notes.join('\n')).toMatch(/role definition is not in the input/);
  });

  it('links federated service accounts to their managed identity', () => {
    const index = indexOf(federatedServiceAccount('ci', 'deployer', CLIENT) + identity('id-deployer', CLIENT, APP));
    expect(index.identityLinks).toEqual([{ serviceAccount: { kind: 'ServiceAccount', namespace: 'ci', name: 'deployer' }, clientId: CLIENT, principal: { kind: 'User', name: APP }, identityName: 'id-deployer' }]);
  });
});

describe('escalation paths through Azure', () => {
  it('goes from an Azure role assignment through pod creation to a federated identity that is RBAC Cluster Admin', () => {
    const inventory = inventoryOf(
      cluster() +
        assignment({ role: ROLES.writer, scope: `${CLUSTER_ID}/namespaces/ci`, principalId: GROUP, principalType: 'Group', principalName: 'CI team', name: 'bbbbbbbb-0000-0000-0000-000000000001' }) +
        federatedServiceAccount('ci', 'deployer', CLIENT) +
        identity('id-deployer', CLIENT, APP) +
        assignment({ role: ROLES.clusterAdmin, scope: CLUSTER_ID, principalId: APP, principalType: 'ServicePrincipal', name: 'bbbbbbbb-0000-0000-0000-000000000002' }),
    );
    const paths = new Map(shortestPaths(new PermissionIndex(inventory), boundSubjects(inventory)).map((p) => [subjectLabel(p.subject), p]));
    const p = paths.get(`Group:${GROUP}`);
    // Running a pod as the account gives a token Entra exchanges; the account's API server token would not.
    expect(p?.steps.map((s) => s.to)).toEqual(['workload-identity:ServiceAccount:ci/deployer', `User:${APP}`, 'cluster-admin']);
    expect(p?.steps[0]?.because).toMatchObject({ verb: 'create', namespace: 'ci', binding: { kind: 'AzureRoleAssignment', name: 'bbbbbbbb-0000-0000-0000-000000000001' }, role: { kind: 'AzureRole', name: 'Azure Kubernetes Service RBAC Writer' } });
    expect(p?.steps[1]?.because.identity).toEqual({ clientId: CLIENT, name: 'id-deployer' });
    expect(pathText(p!.steps)).toBe(
      `create pods in ci (Azure role Azure Kubernetes Service RBAC Writer) → a workload identity token of ServiceAccount ci/deployer → exchanges its token for Azure identity id-deployer (workload identity, client id ${CLIENT}) → User ${APP} → holds Azure role Azure Kubernetes Service RBAC Cluster Admin at cluster aks1 → cluster-admin`,
    );
    // The account itself holds an exchangeable token only in pods labelled for the webhook.
    expect(paths.get('ServiceAccount:ci/deployer')).toBeUndefined();
    const labelled = (label: string) =>
      inventoryOf(
        cluster() +
          federatedServiceAccount('ci', 'deployer', CLIENT) +
          identity('id-deployer', CLIENT, APP) +
          assignment({ role: ROLES.clusterAdmin, scope: CLUSTER_ID, principalId: APP, principalType: 'ServicePrincipal', name: 'bbbbbbbb-0000-0000-0000-000000000002' }) +
          `---
apiVersion: apps/v1
kind: Deployment
metadata: { name: deployer, namespace: ci }
spec:
  template:
    metadata: { labels: { app: deployer${label} } }
    spec: { serviceAccountName: deployer, containers: [{ name: c, image: x }] }
`,
      );
    const accountPath = (label: string) => shortestPaths(new PermissionIndex(labelled(label)), boundSubjects(labelled(label))).find((x) => subjectLabel(x.subject) === 'ServiceAccount:ci/deployer');
    expect(accountPath('')).toBeUndefined();
    expect(accountPath(', azure.workload.identity/use: "true"')?.steps.map((x) => x.to)).toEqual([`User:${APP}`, 'cluster-admin']);
  });

  it('exec into a pod labelled for workload identity reads its exchangeable token, even with the API token not mounted', () => {
    const estate = (label: string) => {
      const text =
        cluster() +
        federatedServiceAccount('ci', 'deployer', CLIENT) +
        identity('id-deployer', CLIENT, APP) +
        assignment({ role: ROLES.clusterAdmin, scope: CLUSTER_ID, principalId: APP, principalType: 'ServicePrincipal', name: 'bbbbbbbb-0000-0000-0000-000000000002' }) +
        role('ci', 'exec', '[{ apiGroups: [""], resources: [pods/exec], verbs: [create] }]') +
        roleBinding('ci', 'dave-exec', 'Role', 'exec', `[${user('dave')}]`) +
        `---
apiVersion: batch/v1
kind: CronJob
metadata: { name: nightly-report, namespace: ci }
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      template:
        metadata: { labels: { app: report${label} } }
        spec: { serviceAccountName: deployer, automountServiceAccountToken: false, restartPolicy: Never, containers: [{ name: c, image: x }] }
`;
      const inventory = inventoryOf(text);
      return shortestPaths(new PermissionIndex(inventory), boundSubjects(inventory)).find((x) => subjectLabel(x.subject) === 'User:dave');
    };
    expect(estate('')).toBeUndefined();
    expect(estate(', azure.workload.identity/use: "true"')?.steps.map((x) => x.to)).toEqual(['workload-identity:ServiceAccount:ci/deployer', `User:${APP}`, 'cluster-admin']);
  });

  it('does not exchange the API server token of a federated account: impersonating it or reading its token Secret reaches no Azure identity', () => {
    const estate = (grant: string) =>
      inventoryOf(
        cluster() +
          federatedServiceAccount('ci', 'deployer', CLIENT) +
          identity('id-deployer', CLIENT, APP) +
          assignment({ role: ROLES.clusterAdmin, scope: CLUSTER_ID, principalId: APP, principalType: 'ServicePrincipal', name: 'bbbbbbbb-0000-0000-0000-000000000002' }) +
          role('ci', 'access', grant) +
          roleBinding('ci', 'mallory-access', 'Role', 'access', `[${user('mallory')}]`),
      );
    const malloryPath = (grant: string) => shortestPaths(new PermissionIndex(estate(grant)), boundSubjects(estate(grant))).find((p) => subjectLabel(p.subject) === 'User:mallory');
    expect(malloryPath('[{ apiGroups: [""], resources: [serviceaccounts], verbs: [impersonate] }]')).toBeUndefined();
    // A TokenRequest names its audience: api://AzureADTokenExchange is exchanged.
    expect(malloryPath('[{ apiGroups: [""], resources: [serviceaccounts/token], verbs: [create] }]')?.steps.map((s) => s.to)).toEqual(['workload-identity:ServiceAccount:ci/deployer', `User:${APP}`, 'cluster-admin']);
  });

  it('goes from an Azure Writer in a namespace to a service account bound to cluster-admin by Kubernetes RBAC', () => {
    const inventory = inventoryOf(
      cluster() +
        assignment({ role: ROLES.writer, scope: `${CLUSTER_ID}/namespaces/ops`, principalId: GROUP, principalType: 'Group' }) +
        '\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: { name: robot, namespace: ops }\n' +
        clusterRole('cluster-admin', '[{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]') +
        clusterRoleBinding('robot-admin', 'cluster-admin', '[{ kind: ServiceAccount, name: robot, namespace: ops }]'),
    );
    const p = shortestPaths(new PermissionIndex(inventory), boundSubjects(inventory)).find((x) => x.subject.name === GROUP);
    expect(p?.steps.map((s) => `${s.because.binding?.kind} → ${s.to}`)).toEqual(['AzureRoleAssignment → ServiceAccount:ops/robot', 'ClusterRoleBinding → cluster-admin']);
  });

  it('counts a principal that may write the cluster resource as one step from cluster-admin', () => {
    const inventory = inventoryOf(
      cluster() +
        assignment({ role: ROLES.aksContributor, scope: RG, principalId: USER, principalType: 'User', principalName: 'ops@contoso.com' }) +
        roleBinding('default', 'x', 'ClusterRole', 'view', `[${group('nobody')}]`),
    );
    const p = shortestPaths(new PermissionIndex(inventory), boundSubjects(inventory)).find((x) => x.subject.name === 'ops@contoso.com');
    expect(p && pathText(p.steps)).toBe(`writes the AKS cluster, so can add itself to its admin groups (Azure role Azure Kubernetes Service Contributor Role at resource group rg-aks) → cluster-admin`);
  });

  it('counts a principal that may assign roles at a scope holding the cluster as one step from cluster-admin', () => {
    const UAA = '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9';
    const RBAC_ADMIN = 'f58310d9-a9f6-439a-9e8d-f62e7b41a168';
    const inventory = inventoryOf(
      cluster() +
        assignment({ role: UAA, scope: RG, principalId: USER, principalType: 'User', principalName: 'uaa@contoso.com' }) +
        assignment({ role: RBAC_ADMIN, scope: CLUSTER_ID, principalId: APP, principalType: 'User', principalName: 'rbacadm@contoso.com' }) +
        assignment({ role: RBAC_ADMIN, scope: CLUSTER_ID, principalId: GROUP, principalType: 'Group', condition: "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})))" }) +
        assignment({ role: UAA, scope: `${SUB}/resourceGroups/rg-other`, principalId: CLIENT, principalType: 'User', principalName: 'other@contoso.com' }) +
        roleBinding('default', 'x', 'ClusterRole', 'view', `[${group('nobody')}]`),
    );
    const index = new PermissionIndex(inventory);
    const found = new Map(shortestPaths(index, boundSubjects(inventory)).map((p) => [p.subject.name, pathText(p.steps)]));
    expect(found.get('uaa@contoso.com')).toBe('assigns Azure roles at resource group rg-aks, so can give itself Azure Kubernetes Service RBAC Cluster Admin on the cluster (Azure role User Access Administrator) → cluster-admin');
    expect(found.get('rbacadm@contoso.com')).toMatch(/^assigns Azure roles at cluster aks1, .*Role Based Access Control Administrator/);
    expect(found.has('other@contoso.com')).toBe(false);
    expect(found.has(GROUP)).toBe(false);
    expect(index.notes.join('\n')).toMatch(/may assign roles under a condition, which is not evaluated/);
  });

  it('names a command that lists built-in roles too for an unknown role definition', () => {
    const index = indexOf(cluster() + assignment({ role: '88888888-8888-8888-8888-888888888888', scope: CLUSTER_ID, principalId: USER, principalType: 'User' }));
    expect(index.notes.join('\n')).toContain('az role definition list --name 88888888-8888-8888-8888-888888888888 -o json');
  });
});
