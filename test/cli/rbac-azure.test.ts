import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempTree } from '../helpers/cli.js';
import { clusterBody, clusterId, startFakeArm, SUBSCRIPTION, type FakeArm } from '../helpers/fake-arm.js';
import { azureCliEnv, DENIED, graphGroup, graphUser, startFakeGraph, type FakeGraph } from '../helpers/fake-graph.js';

const SHOP_DEVS = '6f1c2a3b-0000-4000-8000-00000000a002';
const PLATFORM = '6f1c2a3b-0000-4000-8000-00000000a003';
const AUDITORS = '6f1c2a3b-0000-4000-8000-00000000a004';
const ALICE = '6f1c2a3b-0000-4000-8000-00000000b001';
const GROUP = 'rg-shop';
const CLUSTER = clusterId(GROUP, 'aks-shop');
const ROLE = (id: string) => `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${id}`;
const WRITER = ROLE('a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb');
const RBAC_ADMIN = ROLE('3498e952-d568-435e-9b2c-8d77e338d7f7');

/** One assignment as `az role assignment list --all -o json` prints it (flattened, with principalName). */
function azAssignment(name: string, scope: string, roleDefinitionId: string, roleName: string, principalId: string, principalType: string, principalName: string): Record<string, unknown> {
  return {
    condition: null,
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    principalId,
    principalName,
    principalType,
    roleDefinitionId,
    roleDefinitionName: roleName,
    scope,
    type: 'Microsoft.Authorization/roleAssignments',
  };
}

const ASSIGNMENTS = [
  azAssignment('7d1c2f8e-0000-4000-8000-000000000001', `${CLUSTER}/namespaces/shop`, WRITER, 'Azure Kubernetes Service RBAC Writer', SHOP_DEVS, 'Group', 'Shop developers'),
  azAssignment('7d1c2f8e-0000-4000-8000-000000000002', CLUSTER, RBAC_ADMIN, 'Azure Kubernetes Service RBAC Admin', PLATFORM, 'Group', 'Platform team'),
];

/** An assignment as the REST API returns it (`properties`, no principal name). */
function restAssignment(name: string, scope: string, roleDefinitionId: string, principalId: string, principalType: string): Record<string, unknown> {
  return {
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    type: 'Microsoft.Authorization/roleAssignments',
    properties: { roleDefinitionId, principalId, principalType, scope, condition: null, createdOn: '2026-10-01T10:00:00Z' },
  };
}

function restRole(id: string, roleName: string, dataActions: string[], notDataActions: string[] = []): Record<string, unknown> {
  return {
    id,
    name: id.split('/').pop(),
    type: 'Microsoft.Authorization/roleDefinitions',
    properties: { roleName, type: 'BuiltInRole', assignableScopes: ['/'], permissions: [{ actions: [], notActions: [], dataActions, notDataActions }] },
  };
}

const BINDING = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: auditors, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: Group, apiGroup: rbac.authorization.k8s.io, name: ${AUDITORS}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: view}
rules: [{apiGroups: [""], resources: [pods, services], verbs: [get, list, watch]}]
`;

// As `az ad group list -o json` prints them (trimmed): the file's name for the shop developers wins over the assignment's.
const AZ_AD_GROUPS = [
  { displayName: 'shop-developers (Entra)', id: SHOP_DEVS, mailEnabled: false, securityEnabled: true },
  { displayName: 'Platform team', id: PLATFORM, mailEnabled: false, securityEnabled: true },
];

interface WhoCan {
  grants: Array<{ subject: { kind: string; name: string }; scope: string; via: { binding: { kind: string; name: string } } }>;
  names: Record<string, string>;
  notes: string[];
  errors: unknown[];
}

describe('rbac with Azure role assignments and --entra-names', () => {
  const dir = tempTree({
    'azure/role-assignments.json': JSON.stringify(ASSIGNMENTS, null, 2),
    'k8s/rbac.yaml': BINDING,
    'groups.json': JSON.stringify(AZ_AD_GROUPS, null, 2),
    'names.json': JSON.stringify({ [AUDITORS]: 'Auditors' }),
    'broken.json': '{\n  "6f1c2a3b-0000-4000-8000-00000000a004": "Auditors",\n}\n',
  });

  it('who-can names the groups in the table, the names file over the assignments', async () => {
    const r = await runCli(['rbac', 'who-can', 'create', 'deployments.apps', '-n', 'shop', join(dir, 'azure'), '--entra-names', join(dir, 'groups.json')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`Group:${SHOP_DEVS} \\(shop-developers \\(Entra\\)\\)\\s+shop\\s+Azure role assignment 7d1c2f8e-0000-4000-8000-000000000001 at namespace shop of cluster aks-shop\\s+Azure role Azure Kubernetes Service RBAC Writer`));
    expect(r.stdout).toMatch(new RegExp(`Group:${PLATFORM} \\(Platform team\\)\\s+cluster\\s+Azure role assignment 7d1c2f8e-0000-4000-8000-000000000002 at cluster aks-shop`));
    expect(r.stdout).not.toContain('Shop developers');
  });

  it('who-can JSON carries the names of the subjects in the answer only', async () => {
    const r = await runCli(['rbac', 'who-can', 'list', 'pods', '-n', 'shop', join(dir, 'azure'), join(dir, 'k8s'), '--entra-names', join(dir, 'names.json'), '-f', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as WhoCan;
    expect(report.grants.map((g) => g.subject.name).sort()).toEqual([AUDITORS, PLATFORM, SHOP_DEVS].sort());
    // Auditors from the file; the others learnt from the assignments' principalName.
    expect(report.names).toEqual({ [AUDITORS]: 'Auditors', [SHOP_DEVS]: 'Shop developers', [PLATFORM]: 'Platform team' });
    const narrow = JSON.parse((await runCli(['rbac', 'who-can', 'delete', 'namespaces', join(dir, 'azure'), join(dir, 'k8s'), '--entra-names', join(dir, 'names.json'), '-f', 'json'])).stdout) as WhoCan;
    expect(narrow.grants).toEqual([]);
    expect(narrow.names).toEqual({});
  });

  it('can names the subject it is asked about', async () => {
    const r = await runCli(['rbac', 'can', `Group:${AUDITORS}`, join(dir, 'k8s'), '--entra-names', join(dir, 'names.json')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Group:${AUDITORS} (Auditors) (groups: ${AUDITORS}) holds 1 rules`);
    expect(r.stdout).toMatch(new RegExp(`RoleBinding/shop/auditors\\s+ClusterRole/view\\s+Group:${AUDITORS} \\(Auditors\\)`));
  });

  it('risky and scan name the principals of escalation findings', async () => {
    for (const command of [['rbac', 'risky'], ['scan', '--rule', 'rbac/*', '--fail-on', 'none']]) {
      const r = await runCli([...command, join(dir, 'azure'), '--entra-names', join(dir, 'groups.json'), '-f', 'json']);
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as { findings: Array<{ rule: string; message: string }> };
      const escalation = report.findings.filter((f) => f.rule === 'rbac/escalation-path-to-cluster-admin').map((f) => f.message);
      expect(escalation).toContainEqual(expect.stringMatching(new RegExp(`^Group ${PLATFORM} \\(Platform team\\) can become cluster-admin in 1 step`)));
    }
  });

  it('a malformed names file is a usage error naming the file', async () => {
    for (const command of [['rbac', 'who-can', 'get', 'pods'], ['rbac', 'can', `Group:${AUDITORS}`], ['rbac', 'risky'], ['scan']]) {
      const r = await runCli([...command, join(dir, 'k8s'), '--entra-names', join(dir, 'broken.json')]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`palisade: --entra-names ${join(dir, 'broken.json')}: not JSON (line 3: expected a property name in double quotes)\n`);
    }
    const shape = await runCli(['rbac', 'who-can', 'get', 'pods', join(dir, 'k8s'), '--entra-names', join(dir, 'azure/role-assignments.json')]);
    expect(shape.code).toBe(2);
    expect(shape.stderr).toContain(`--entra-names ${join(dir, 'azure/role-assignments.json')}: entry 0 is not a directory object with an "id"`);
  });
});

describe('rbac --aks and --graph against live Azure', () => {
  let arm: FakeArm;
  let graph: FakeGraph;
  let denying: FakeGraph;
  beforeAll(async () => {
    arm = await startFakeArm({
      clusters: [clusterBody(GROUP, 'aks-shop', { properties: { aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: [PLATFORM] } } })],
      roleAssignments: {
        [CLUSTER]: [
          restAssignment('a1', `${CLUSTER}/namespaces/shop`, WRITER, SHOP_DEVS, 'Group'),
          // The REST API gives no principal name: a user is known by its object id until a name is found.
          restAssignment('a2', CLUSTER, RBAC_ADMIN, ALICE, 'User'),
        ],
      },
      roleDefinitions: [
        restRole(WRITER, 'Azure Kubernetes Service RBAC Writer', ['Microsoft.ContainerService/managedClusters/apps/deployments/*', 'Microsoft.ContainerService/managedClusters/pods/*']),
        // Everything but quotas and namespaces: not cluster-admin itself, one bind away from it.
        restRole(RBAC_ADMIN, 'Azure Kubernetes Service RBAC Admin', ['Microsoft.ContainerService/managedClusters/*'], [
          'Microsoft.ContainerService/managedClusters/resourcequotas/write',
          'Microsoft.ContainerService/managedClusters/resourcequotas/delete',
          'Microsoft.ContainerService/managedClusters/namespaces/write',
          'Microsoft.ContainerService/managedClusters/namespaces/delete',
        ]),
      ],
    });
    graph = await startFakeGraph({ objects: [graphGroup(SHOP_DEVS, 'shop-developers'), graphGroup(PLATFORM, 'aks-admins'), graphUser(ALICE, 'Alice Martin', 'alice@contoso.com')] });
    denying = await startFakeGraph({ intercept: () => DENIED });
  });
  afterAll(async () => {
    await Promise.all([arm.close(), graph.close(), denying.close()]);
  });
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((f) => f()));
  });

  it('--aks alone answers from the live cluster: its admin groups and the role assignments that reach it', async () => {
    const { env } = azureCliEnv(arm.ca, { arm: arm.endpoint });
    const r = await runCli(['rbac', 'who-can', 'create', 'pods', '-n', 'shop', '--aks', CLUSTER, '-f', 'json'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as WhoCan;
    expect(report.grants.map((g) => [g.subject.name, g.scope, g.via.binding.kind, g.via.binding.name])).toEqual([
      [PLATFORM, 'cluster', 'AksAdminGroups', 'aks-shop'],
      [SHOP_DEVS, 'shop', 'AzureRoleAssignment', 'a1'],
      [ALICE, 'cluster', 'AzureRoleAssignment', 'a2'],
    ]);
    expect(report.notes).toEqual([]);
    expect(arm.requests.some((q) => q.path.toLowerCase().endsWith('/providers/microsoft.authorization/roleassignments'))).toBe(true);
  });

  it('--aks joins the paths, and --graph names the Entra groups of the answer', async () => {
    const { env, dir: azDir } = azureCliEnv(arm.ca, { arm: arm.endpoint, graph: graph.endpoint });
    const dir = tempTree({ 'rbac.yaml': BINDING });
    const before = graph.requests.length;
    const r = await runCli(['rbac', 'who-can', 'list', 'pods', '-n', 'shop', dir, '--aks', CLUSTER, '--graph'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Group:${PLATFORM} (aks-admins)`);
    expect(r.stdout).toContain(`Group:${SHOP_DEVS} (shop-developers)`);
    // Not in the directory: shown as its id.
    expect(r.stdout).toMatch(new RegExp(`Group:${AUDITORS}\\s+shop\\s+RoleBinding/shop/auditors`));
    const asked = graph.requests.slice(before);
    expect(asked).toHaveLength(1);
    expect((asked[0]!.body as { ids: string[] }).ids.sort()).toEqual([AUDITORS, PLATFORM, SHOP_DEVS, ALICE].sort());
    expect(r.stdout).toContain(`User:${ALICE} (Alice Martin <alice@contoso.com>)`);
    // One credential for both reads, asked for a token of each service.
    const log = readFileSync(join(azDir, 'az.log'), 'utf8');
    expect(log).toContain('account get-access-token --output json --resource https://management.azure.com\n');
    expect(log).toContain('account get-access-token --output json --resource https://graph.microsoft.com\n');
  });

  it('--graph: a name given in --entra-names is not asked for and wins', async () => {
    const { env } = azureCliEnv(graph.ca, { graph: graph.endpoint });
    const dir = tempTree({ 'assignments.json': JSON.stringify(ASSIGNMENTS), 'names.json': JSON.stringify({ [PLATFORM]: 'Platform (file)' }) });
    const before = graph.requests.length;
    const r = await runCli(['rbac', 'who-can', 'get', 'pods', '-n', 'shop', dir, '--entra-names', join(dir, 'names.json'), '--graph', '-f', 'json'], { env });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as WhoCan).names).toEqual({ [PLATFORM]: 'Platform (file)', [SHOP_DEVS]: 'shop-developers' });
    expect(graph.requests.slice(before).map((q) => (q.body as { ids: string[] }).ids)).toEqual([[SHOP_DEVS]]);
  });

  it('--graph refused (403): a warning naming the permission, the answer with ids', async () => {
    const { env } = azureCliEnv(denying.ca, { graph: denying.endpoint });
    const dir = tempTree({ 'rbac.yaml': BINDING });
    const r = await runCli(['rbac', 'who-can', 'list', 'pods', '-n', 'shop', dir, '--graph'], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('palisade: warning: Microsoft Graph: getByIds for 1 object id: the signed-in identity needs Directory.Read.All');
    expect(r.stderr).toContain('403 Authorization_RequestDenied');
    expect(r.stdout).toMatch(new RegExp(`Group:${AUDITORS}\\s+shop`));
    expect(r.stdout).not.toContain(`${AUDITORS} (`);
  });

  it('rbac risky --aks --graph names the principals of the findings', async () => {
    const { env } = azureCliEnv(arm.ca, { arm: arm.endpoint, graph: graph.endpoint });
    const r = await runCli(['rbac', 'risky', '--aks', CLUSTER, '--graph', '-f', 'json'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { findings: Array<{ rule: string; message: string; location?: { file: string } }> };
    const escalation = report.findings.filter((f) => f.rule === 'rbac/escalation-path-to-cluster-admin');
    expect(escalation.map((f) => [f.message.replace(/ in \d+ steps?:.*/, ''), f.location?.file])).toEqual([
      [`User ${ALICE} (Alice Martin <alice@contoso.com>) can become cluster-admin`, `${CLUSTER}/providers/Microsoft.Authorization/roleAssignments/a2`],
    ]);
  });

  it('--aks with a refused role assignment list: exit 2, the rest answered', async () => {
    const refusing = await startFakeArm({
      clusters: [clusterBody(GROUP, 'aks-shop', { properties: { aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: [PLATFORM] } } })],
      intercept: (req) =>
        req.path.toLowerCase().endsWith('/roleassignments') ? { status: 403, body: { error: { code: 'AuthorizationFailed', message: 'The client does not have authorization to perform action.' } } } : undefined,
    });
    cleanups.push(() => refusing.close());
    const { env } = azureCliEnv(refusing.ca, { arm: refusing.endpoint });
    const r = await runCli(['rbac', 'who-can', 'create', 'pods', '-n', 'shop', '--aks', CLUSTER], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('listing the role assignments: 403 AuthorizationFailed: the identity lacks Microsoft.Authorization/roleAssignments/read');
    expect(r.stdout).toContain(`Group:${PLATFORM}`);
  });
});
