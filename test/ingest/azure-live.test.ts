import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { runScan } from '../../src/cli/run-scan.js';
import { DEFAULT_CONFIG } from '../../src/core/config.js';
import { UsageError } from '../../src/core/errors.js';
import { azureCredentialFailure, fetchAksClusters, fetchAksResources, parseAksResourceId, type AksFetchOptions } from '../../src/ingest/azure-live.js';
import { RULES } from '../../src/rules/index.js';
import { PermissionIndex } from '../../src/analyses/rbac/permission-index.js';
import { Inventory } from '../../src/core/inventory.js';
import { runCli, tempTree } from '../helpers/cli.js';
import {
  agentPoolBody,
  clusterBody,
  clusterId,
  diagnosticSettingBody,
  SUBSCRIPTION,
  startFakeArm,
  staticCredential,
  type FakeArm,
  type FakeArmOptions,
} from '../helpers/fake-arm.js';

const GROUP = 'rg-shop';
const NAME = 'aks-shop';
const ID = clusterId(GROUP, NAME);

const servers: FakeArm[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A cluster with three pools (two pages), one of them with node public IPs, and a diagnostic setting without audit logs. */
function estate(overrides: Partial<FakeArmOptions> = {}): FakeArmOptions {
  const pools = [
    { name: 'system', mode: 'System', nodeTaints: ['CriticalAddonsOnly=true:NoSchedule'] },
    { name: 'user' },
    { name: 'batch', enableNodePublicIP: true },
  ];
  return {
    clusters: [clusterBody(GROUP, NAME, { pools })],
    agentPools: { [ID]: pools.map(({ name, ...rest }) => agentPoolBody(ID, name, rest)) },
    diagnosticSettings: { [ID]: [diagnosticSettingBody(ID, 'aks-diagnostics', ['kube-apiserver', 'guard'])] },
    ...overrides,
  };
}

async function fake(options: FakeArmOptions): Promise<FakeArm> {
  const server = await startFakeArm(options);
  servers.push(server);
  return server;
}

function clientOptions(server: FakeArm, extra: Partial<AksFetchOptions> = {}): AksFetchOptions {
  return { credential: staticCredential, endpoint: server.endpoint, ca: server.ca, ...extra };
}

const scanOptions = { rules: RULES, config: DEFAULT_CONFIG, configSource: 'defaults', failOn: 'high' as const };

const CLUSTER_ADMIN_ROLE = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b`;
const CUSTOM_ROLE = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/99999999-9999-4999-8999-999999999999`;

function roleAssignment(name: string, scope: string, roleDefinitionId: string, principalId: string, principalType: string): Record<string, unknown> {
  return {
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    type: 'Microsoft.Authorization/roleAssignments',
    properties: { roleDefinitionId, principalId, principalType, scope, condition: null, createdOn: '2026-10-01T10:00:00Z' },
  };
}

function roleDefinition(id: string, roleName: string, dataActions: string[]): Record<string, unknown> {
  return {
    id,
    name: id.split('/').pop(),
    type: 'Microsoft.Authorization/roleDefinitions',
    properties: { roleName, type: 'CustomRole', assignableScopes: ['/'], permissions: [{ actions: [], notActions: [], dataActions, notDataActions: [] }] },
  };
}

describe('role assignments that reach a live cluster', () => {
  const ADMINS = '11111111-1111-4111-8111-111111111111';
  const ON_CALL = '22222222-2222-4222-8222-222222222222';
  const access = () =>
    estate({
      roleAssignments: {
        [ID]: [
          roleAssignment('a1', ID, CLUSTER_ADMIN_ROLE, ADMINS, 'Group'),
          roleAssignment('a2', `${ID}/namespaces/shop`, CUSTOM_ROLE, ON_CALL, 'Group'),
          roleAssignment('a3', `/subscriptions/${SUBSCRIPTION}`, CUSTOM_ROLE, ON_CALL, 'Group'),
        ],
      },
      roleDefinitions: [
        roleDefinition(CLUSTER_ADMIN_ROLE, 'Azure Kubernetes Service RBAC Cluster Admin', ['Microsoft.ContainerService/managedClusters/*']),
        roleDefinition(CUSTOM_ROLE, 'Pod exec', ['Microsoft.ContainerService/managedClusters/pods/*']),
      ],
    });

  it('reads every page of assignments and each role definition once', async () => {
    const arm = await fake(access());
    const { resources, errors } = await fetchAksResources(ID, clientOptions(arm));
    expect(errors).toEqual([]);
    expect(resources.filter((r) => r.kind === 'Microsoft.Authorization/roleAssignments').map((r) => r.name)).toEqual(['a1', 'a2', 'a3']);
    expect(resources.filter((r) => r.kind === 'Microsoft.Authorization/roleDefinitions').map((r) => r.object.id)).toEqual([CLUSTER_ADMIN_ROLE, CUSTOM_ROLE]);
    const paths = arm.requests.map((r) => r.path);
    expect(paths.filter((p) => p.endsWith('/roleAssignments'))).toHaveLength(2);
    expect(paths.filter((p) => p.includes('/roleDefinitions/'))).toEqual([CLUSTER_ADMIN_ROLE, CUSTOM_ROLE]);
  });

  it('answers who-can with the live assignments, naming each assignment and its scope', async () => {
    const arm = await fake(access());
    const { resources } = await fetchAksResources(ID, clientOptions(arm));
    const index = new PermissionIndex(new Inventory(resources));
    const grants = index.whoCan({ verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'shop' });
    expect(grants.map((g) => [g.subject.name, g.scope, g.via.binding.name, g.via.binding.scope, g.via.role.name])).toEqual([
      [ADMINS, 'cluster', 'a1', ID, 'Azure Kubernetes Service RBAC Cluster Admin'],
      [ON_CALL, 'shop', 'a2', `${ID}/namespaces/shop`, 'Pod exec'],
      [ON_CALL, 'cluster', 'a3', `/subscriptions/${SUBSCRIPTION}`, 'Pod exec'],
    ]);
  });

  it('goes on without them when Azure refuses the list, naming the permission', async () => {
    const arm = await fake({
      ...access(),
      intercept: (req) => (req.path.endsWith('/roleAssignments') ? { status: 403, body: { error: { code: 'AuthorizationFailed', message: 'The client does not have authorization to perform action.' } } } : undefined),
    });
    const { resources, errors } = await fetchAksResources(ID, clientOptions(arm));
    expect(resources.map((r) => r.kind)).toContain('Microsoft.ContainerService/managedClusters');
    expect(errors).toEqual([{ source: ID, message: expect.stringMatching(/^listing the role assignments: 403 AuthorizationFailed: the identity lacks Microsoft\.Authorization\/roleAssignments\/read/) }]);
  });

  it('reads no assignments when asked not to', async () => {
    const arm = await fake(access());
    const { resources } = await fetchAksResources(ID, clientOptions(arm, { access: false }));
    expect(resources.some((r) => r.kind === 'Microsoft.Authorization/roleAssignments')).toBe(false);
    expect(arm.requests.some((r) => r.path.includes('Microsoft.Authorization'))).toBe(false);
  });
});

describe('parseAksResourceId', () => {
  it('accepts a cluster id in any casing and gives ARM canonical casing', () => {
    const id = ` /SUBSCRIPTIONS/00000000-0000-4000-8000-000000000001/resourcegroups/RG-Shop/PROVIDERS/microsoft.containerservice/MANAGEDCLUSTERS/aks-shop/ `;
    expect(parseAksResourceId(id)).toEqual({
      subscriptionId: '00000000-0000-4000-8000-000000000001',
      resourceGroup: 'RG-Shop',
      name: 'aks-shop',
      id: '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/RG-Shop/providers/Microsoft.ContainerService/managedClusters/aks-shop',
    });
  });

  it.each([
    ['a bare name', 'aks-shop', 'a resource id starts with /subscriptions/; a cluster name alone is not enough'],
    [
      'a subscription name instead of its id',
      '/subscriptions/prod/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks',
      `the subscription id "prod" is not a GUID: give the subscription's id (8-4-4-4-12 hexadecimal digits, az account show --query id -o tsv), not its name`,
    ],
    [
      'another resource type',
      `/subscriptions/${'0'.repeat(8)}-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm`,
      'it names a Microsoft.Compute/virtualMachines resource, not an AKS cluster (Microsoft.ContainerService/managedClusters)',
    ],
    ['an agent pool id', `${ID}/agentPools/system`, "it goes on past the cluster name (/agentPools/system): give the cluster's own id, not one of a resource inside it"],
    ['an empty cluster name', `${ID.slice(0, -NAME.length)}`, 'the cluster name is missing'],
    ['a misspelt segment', ID.replace('resourceGroups', 'resourceGroup'), '"resourceGroup" stands where resourceGroups belongs'],
  ])('rejects %s with a usage error that names what does not fit', async (_what, id, problem) => {
    expect(() => parseAksResourceId(id)).toThrow(UsageError);
    expect(() => parseAksResourceId(id)).toThrow(`not ${JSON.stringify(id)}: ${problem}`);
    await expect(fetchAksResources(id, { credential: staticCredential })).rejects.toThrow(/--aks expects a cluster resource id/);
  });
});

describe('azureCredentialFailure', () => {
  const named = (name: string, message: string) => Object.assign(new Error(message), { name });

  it('gives the sign-in advice for the errors of @azure/identity, wrapped or re-thrown as text', () => {
    for (const e of [
      named('AggregateAuthenticationError', 'ChainedTokenCredential authentication failed.\nCredentialUnavailableError: ...'),
      named('CredentialUnavailableError', 'Please run az login to set up an account'),
      new Error('listing partitions', { cause: named('AuthenticationError', 'invalid client secret') }),
      new Error('event hub audit: ChainedTokenCredential authentication failed.'),
    ]) {
      expect(azureCredentialFailure(e)).toMatch(
        /^no Azure credential could get a token \([^\n]+\); sign in with az login, use workload identity or a managed identity, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET \(or AZURE_CLIENT_CERTIFICATE_PATH\)$/,
      );
    }
  });

  it('leaves other errors alone', () => {
    expect(azureCredentialFailure(Object.assign(new Error('forbidden'), { statusCode: 403 }))).toBeUndefined();
    expect(azureCredentialFailure(new Error('no insights-logs-kube-audit container in the storage account'))).toBeUndefined();
  });
});

describe('fetchAksResources against a fake Azure Resource Manager', () => {
  it('reads the cluster, every page of agent pools and the diagnostic settings as ARM REST resources', async () => {
    const arm = await fake(estate());
    const { resources, errors } = await fetchAksResources(ID, clientOptions(arm));
    expect(errors).toEqual([]);
    expect(resources.map((r) => [r.kind, r.name, r.apiVersion, r.format])).toEqual([
      ['Microsoft.ContainerService/managedClusters', NAME, '2026-04-01', 'arm-rest'],
      ['Microsoft.ContainerService/managedClusters/agentPools', `${NAME}/system`, '2026-04-01', 'arm-rest'],
      ['Microsoft.ContainerService/managedClusters/agentPools', `${NAME}/user`, '2026-04-01', 'arm-rest'],
      ['Microsoft.ContainerService/managedClusters/agentPools', `${NAME}/batch`, '2026-04-01', 'arm-rest'],
      ['Microsoft.Insights/diagnosticSettings', 'aks-diagnostics', '2021-05-01-preview', 'arm-rest'],
    ]);
    const [cluster, , , batch, setting] = resources;
    // The REST body as sent: `properties` wrapper, REST spellings, read-only properties kept.
    expect(cluster?.object).toMatchObject({
      id: ID,
      sku: { tier: 'Standard' },
      identity: { type: 'SystemAssigned' },
      properties: { enableRBAC: true, provisioningState: 'Succeeded', currentKubernetesVersion: '1.34.2', aadProfile: { enableAzureRBAC: true } },
    });
    // The pools are their own resources, so the cluster body does not repeat them.
    expect(cluster?.object.properties).not.toHaveProperty('agentPoolProfiles');
    expect(cluster?.source).toEqual({ file: ID, line: 1 });
    expect(batch?.object).toMatchObject({ id: `${ID}/agentPools/batch`, properties: { enableNodePublicIP: true, mode: 'User' } });
    expect(batch?.source).toEqual({ file: `${ID}/agentPools/batch`, line: 1 });
    expect(setting?.object).toMatchObject({ properties: { logs: [{ category: 'kube-apiserver', enabled: true }, { category: 'guard' }] } });
    expect(resources.every((r) => r.namespace === null)).toBe(true);

    const paths = arm.requests.map((r) => `${r.path}?${r.query.toString()}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        `${ID}?api-version=2026-04-01`,
        `${ID}/agentPools?api-version=2026-04-01`,
        `${ID}/agentPools?api-version=2026-04-01&%24skipToken=2`,
        `${ID}/providers/Microsoft.Insights/diagnosticSettings?api-version=2021-05-01-preview`,
        `${ID}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01`,
      ]),
    );
    expect(arm.requests).toHaveLength(5);
    expect(arm.requests.every((r) => r.method === 'GET' && r.headers.authorization === 'Bearer test-token')).toBe(true);
  });

  it('follows nextLink through every page', async () => {
    const pools = Array.from({ length: 5 }, (_, i) => agentPoolBody(ID, `pool${i}`));
    const arm = await fake(estate({ agentPools: { [ID]: pools }, pageSize: 2 }));
    const { resources, errors } = await fetchAksResources(ID, clientOptions(arm));
    expect(errors).toEqual([]);
    expect(resources.filter((r) => r.kind.endsWith('/agentPools')).map((r) => r.name)).toEqual([0, 1, 2, 3, 4].map((i) => `${NAME}/pool${i}`));
    expect(arm.requests.filter((r) => /agentPools$/i.test(r.path))).toHaveLength(3);
  });

  it('keeps in the cluster body a pool the list does not return', async () => {
    const arm = await fake(estate({ agentPools: { [ID]: [agentPoolBody(ID, 'SYSTEM'), agentPoolBody(ID, 'user')] } }));
    const { resources } = await fetchAksResources(ID, clientOptions(arm));
    expect(resources.map((r) => r.name)).toEqual([NAME, `${NAME}/SYSTEM`, `${NAME}/user`, 'aks-diagnostics']);
    expect(resources[0]?.object.properties).toMatchObject({ agentPoolProfiles: [{ name: 'batch', enableNodePublicIP: true }] });
    expect((resources[0]?.object.properties as { agentPoolProfiles: unknown[] }).agentPoolProfiles).toHaveLength(1);
  });

  it('reads several clusters once each, checking every id first', async () => {
    const other = clusterId(GROUP, 'aks-two');
    const arm = await fake(estate({ clusters: [clusterBody(GROUP, NAME), clusterBody(GROUP, 'aks-two')] }));
    await expect(fetchAksClusters([ID, 'aks-two'], clientOptions(arm))).rejects.toThrow(UsageError);
    expect(arm.requests).toHaveLength(0);
    const { resources, errors } = await fetchAksClusters([ID, other, ID.toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/')], clientOptions(arm));
    expect(errors).toEqual([]);
    expect(resources.filter((r) => r.kind === 'Microsoft.ContainerService/managedClusters').map((r) => r.name)).toEqual([NAME, 'aks-two']);
  });

  it('feeds the aks rules through runScan, each node pool once', async () => {
    const arm = await fake(estate());
    const live = await fetchAksResources(ID, clientOptions(arm));
    const outcome = await runScan({ ...scanOptions, paths: [], extraResources: live.resources, extraErrors: live.errors });
    const { report } = outcome;
    expect(report.errors).toEqual([]);
    expect(report.summary.resources).toBe(5);
    const publicIp = report.findings.filter((f) => f.rule === 'aks/node-public-ip');
    expect(publicIp).toHaveLength(1);
    expect(publicIp[0]).toMatchObject({
      resource: { kind: 'Microsoft.ContainerService/managedClusters/agentPools', name: `${NAME}/batch`, namespace: null },
      field: 'properties.enableNodePublicIP',
      location: { file: `${ID}/agentPools/batch`, line: 1 },
    });
    const audit = report.findings.find((f) => f.rule === 'aks/audit-logs-not-collected');
    expect(audit).toMatchObject({ severity: 'high', resource: { kind: 'Microsoft.ContainerService/managedClusters', name: NAME } });
    expect(audit?.message).toContain('aks-diagnostics');
    expect(outcome.exitCode).toBe(1);
  });

  it('keeps an empty list of diagnostic settings, so that the audit-log rule knows there are none', async () => {
    const arm = await fake(estate({ diagnosticSettings: { [ID]: [] } }));
    const live = await fetchAksResources(ID, clientOptions(arm));
    expect(live.errors).toEqual([]);
    const list = live.resources.find((r) => r.kind === 'Microsoft.Insights/diagnosticSettingsResourceCollection');
    expect(list).toMatchObject({
      name: `${NAME}/diagnosticSettings`,
      apiVersion: '2021-05-01-preview',
      object: { id: `${ID}/providers/Microsoft.Insights/diagnosticSettings`, value: [] },
      source: { file: `${ID}/providers/Microsoft.Insights/diagnosticSettings`, line: 1 },
    });
    const { report } = await runScan({ ...scanOptions, paths: [], extraResources: live.resources, extraErrors: live.errors });
    const audit = report.findings.find((f) => f.rule === 'aks/audit-logs-not-collected');
    expect(audit).toMatchObject({ severity: 'high', message: `cluster ${NAME} has no diagnostic setting: kube-audit logs are not collected` });
  });

  it('says it cannot tell when the diagnostic settings could not be read', async () => {
    const arm = await fake(
      estate({
        intercept: (req) => (/diagnosticSettings$/i.test(req.path) ? { status: 403, body: { error: { code: 'AuthorizationFailed', message: 'no' } } } : undefined),
      }),
    );
    const live = await fetchAksResources(ID, clientOptions(arm));
    expect(live.resources.map((r) => r.kind)).not.toContain('Microsoft.Insights/diagnosticSettingsResourceCollection');
    const { report } = await runScan({ ...scanOptions, paths: [], extraResources: live.resources, extraErrors: live.errors });
    expect(report.findings.find((f) => f.rule === 'aks/audit-logs-not-collected')).toMatchObject({ severity: 'info', message: /cannot tell/ });
  });

  it('retries a throttled call after its Retry-After and then succeeds', async () => {
    const arm = await fake(
      estate({
        intercept: (req, count) =>
          req.path.toLowerCase() === ID.toLowerCase() && count === 1
            ? { status: 429, headers: { 'retry-after': '1' }, body: { error: { code: 'TooManyRequests', message: 'The request is being throttled.' } } }
            : undefined,
      }),
    );
    const { resources, errors } = await fetchAksResources(ID, clientOptions(arm));
    expect(errors).toEqual([]);
    expect(resources[0]?.name).toBe(NAME);
    expect(arm.requests.filter((r) => r.path === ID)).toHaveLength(2);
  });

  it('names the credential problem on 401 and returns nothing for the cluster', async () => {
    const arm = await fake(
      estate({
        intercept: () => ({
          status: 401,
          headers: { 'www-authenticate': 'Bearer authorization_uri="https://login.microsoftonline.com/x", error="invalid_token"' },
          body: { error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' } },
        }),
      }),
    );
    const { resources, errors } = await fetchAksResources(ID, clientOptions(arm));
    expect(resources).toEqual([]);
    expect(errors).toEqual([
      {
        source: ID,
        message: expect.stringMatching(/^reading the cluster: 401 InvalidAuthenticationToken: Azure did not accept the credential \(The access token is invalid\.\); sign in again \(az login\)/),
      },
    ]);
  });

  it('names the missing permission on 403, and the scan goes on with the files', async () => {
    const arm = await fake(
      estate({
        intercept: (req) =>
          req.path === ID
            ? {
                status: 403,
                body: {
                  error: {
                    code: 'AuthorizationFailed',
                    message: `The client 'scanner' with object id '1' does not have authorization to perform action 'Microsoft.ContainerService/managedClusters/read' over scope '${ID}' or the scope is invalid.`,
                  },
                },
              }
            : undefined,
      }),
    );
    const live = await fetchAksResources(ID, clientOptions(arm));
    expect(live.resources).toEqual([]);
    expect(live.errors).toHaveLength(1);
    expect(live.errors[0]?.message).toMatch(
      /^reading the cluster: 403 AuthorizationFailed: the identity lacks Microsoft\.ContainerService\/managedClusters\/read; grant it the Reader role on the cluster/,
    );

    const dir = tempTree({ 'pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n  containers:\n  - name: app\n    image: nginx\n    securityContext: {privileged: true}\n' });
    const outcome = await runScan({ ...scanOptions, paths: [join(dir, 'pod.yaml')], extraResources: live.resources, extraErrors: live.errors });
    expect(outcome.report.findings.some((f) => f.rule === 'workload/privileged-container')).toBe(true);
    expect(outcome.report.errors).toEqual(live.errors);
    expect(outcome.exitCode).toBe(2);
  });

  it('keeps the cluster and its pools when the diagnostic settings are refused', async () => {
    const arm = await fake(
      estate({
        intercept: (req) =>
          /diagnosticSettings$/i.test(req.path)
            ? { status: 403, body: { error: { code: 'AuthorizationFailed', message: "does not have authorization to perform action 'Microsoft.Insights/diagnosticSettings/read'" } } }
            : undefined,
      }),
    );
    const { resources, errors } = await fetchAksResources(ID, clientOptions(arm));
    expect(resources.map((r) => r.kind)).toEqual([
      'Microsoft.ContainerService/managedClusters',
      ...Array(3).fill('Microsoft.ContainerService/managedClusters/agentPools'),
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/^listing the diagnostic settings: 403 AuthorizationFailed: the identity lacks Microsoft\.Insights\/diagnosticSettings\/read/);
  });

  it('checks the pools in the cluster body when the agent pool list is refused', async () => {
    const arm = await fake(
      estate({
        intercept: (req) =>
          /agentPools$/i.test(req.path) ? { status: 403, body: { error: { code: 'AuthorizationFailed', message: 'no agentPools/read' } } } : undefined,
      }),
    );
    const live = await fetchAksResources(ID, clientOptions(arm));
    expect(live.errors[0]?.message).toMatch(/^listing the agent pools: 403 AuthorizationFailed: the identity lacks Microsoft\.ContainerService\/managedClusters\/agentPools\/read/);
    expect(live.resources.map((r) => r.kind)).toEqual(['Microsoft.ContainerService/managedClusters', 'Microsoft.Insights/diagnosticSettings']);
    expect(live.resources[0]?.object.properties).toHaveProperty('agentPoolProfiles');
    const { report } = await runScan({ ...scanOptions, paths: [], extraResources: live.resources, extraErrors: live.errors, rules: RULES.filter((r) => r.meta.id === 'aks/node-public-ip') });
    expect(report.findings.map((f) => [f.resource.name, f.field])).toEqual([[NAME, 'properties.agentPoolProfiles[2].enableNodePublicIP']]);
  });

  it('says the cluster was not found on 404', async () => {
    const arm = await fake(estate({ clusters: [] }));
    const other = clusterId(GROUP, 'aks-gone');
    const { resources, errors } = await fetchAksResources(other, clientOptions(arm));
    expect(resources).toEqual([]);
    expect(errors).toEqual([{ source: other, message: expect.stringMatching(/^cluster not found: .*managedClusters\/aks-gone \(404 ResourceNotFound: The Resource/) }]);
    expect(arm.requests).toHaveLength(1);
  });

  it('reports a body that is not JSON', async () => {
    const arm = await fake(estate({ intercept: (req) => (req.path === ID ? { status: 200, raw: '{"id": "/subscriptions/' } : undefined) }));
    const { resources, errors } = await fetchAksResources(ID, clientOptions(arm));
    expect(resources).toEqual([]);
    expect(errors[0]?.message).toMatch(/^reading the cluster: the answer to GET .*managedClusters\/aks-shop is not JSON/);
  });

  it('reports an HTML page in place of a list and keeps the cluster', async () => {
    const arm = await fake(
      estate({
        intercept: (req) =>
          /diagnosticSettings$/i.test(req.path) ? { status: 200, headers: { 'content-type': 'text/html' }, raw: '<html><body>proxy login</body></html>' } : undefined,
      }),
    );
    const { resources, errors } = await fetchAksResources(ID, clientOptions(arm));
    expect(resources.map((r) => r.kind)).not.toContain('Microsoft.Insights/diagnosticSettings');
    expect(resources[0]?.name).toBe(NAME);
    expect(errors[0]?.message).toMatch(/^listing the diagnostic settings: the answer to GET .*diagnosticSettings is not JSON/);
  });

  it('reports a list item without a name', async () => {
    const arm = await fake(estate({ agentPools: { [ID]: [agentPoolBody(ID, 'system'), { properties: {} }] } }));
    const { resources, errors } = await fetchAksResources(ID, clientOptions(arm));
    expect(errors[0]?.message).toMatch(/^listing the agent pools: agent pool 1 in the answer to GET .*agentPools has no name/);
    expect(resources[0]?.object.properties).toHaveProperty('agentPoolProfiles');
  });

  it('reports a network failure', async () => {
    const port = await closedPort();
    const { resources, errors } = await fetchAksResources(ID, { credential: staticCredential, endpoint: `https://127.0.0.1:${port}`, retry: { maxRetries: 0 } });
    expect(resources).toEqual([]);
    expect(errors[0]?.message).toMatch(new RegExp(`^reading the cluster: cannot reach https://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
  });

  it('says when the endpoint certificate is not trusted', async () => {
    const arm = await fake(estate());
    const { resources, errors } = await fetchAksResources(ID, { credential: staticCredential, endpoint: arm.endpoint, retry: { maxRetries: 0 } });
    expect(resources).toEqual([]);
    expect(errors[0]?.message).toMatch(/^reading the cluster: the TLS certificate of https:\/\/127\.0\.0\.1:\d+ is not trusted \(\w+/);
    expect(errors[0]?.message).toContain('NODE_EXTRA_CA_CERTS');
  });

  it('reports a credential that cannot get a token', async () => {
    const arm = await fake(estate());
    const credential = {
      getToken: async () => {
        throw Object.assign(new Error('DefaultAzureCredential failed to retrieve a token from the included credentials.\nAttempted credentials: ...'), {
          name: 'CredentialUnavailableError',
        });
      },
    };
    const { resources, errors } = await fetchAksResources(ID, { ...clientOptions(arm), credential });
    expect(resources).toEqual([]);
    expect(errors[0]?.message).toMatch(/no Azure credential could get a token \(DefaultAzureCredential failed to retrieve a token from the included credentials\.\); sign in with az login/);
    expect(arm.requests).toHaveLength(0);
  });

  it('stops when the signal aborts', async () => {
    const arm = await fake(estate());
    const controller = new AbortController();
    controller.abort();
    await expect(fetchAksResources(ID, { ...clientOptions(arm), signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('palisade scan --aks', () => {
  it('exits 2 on a malformed id before reading anything', async () => {
    const r = await runCli(['scan', '--aks', 'my-cluster', '-f', 'json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--aks expects a cluster resource id');
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
