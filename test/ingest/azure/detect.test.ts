import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { azureResources } from '../../../src/ingest/azure/detect.js';
import { decode } from './helpers.js';

const CLUSTER_ID = '/subscriptions/0000/resourcegroups/rg1/providers/Microsoft.ContainerService/managedClusters/aks1';

const cliCluster = {
  aadProfile: { enableAzureRbac: true, managed: true, adminGroupObjectIds: null },
  agentPoolProfiles: [{ name: 'system', mode: 'System', enableNodePublicIp: false }],
  apiServerAccessProfile: null,
  diskEncryptionSetId: null,
  enableRbac: true,
  id: CLUSTER_ID,
  location: 'westeurope',
  name: 'aks1',
  resourceGroup: 'rg1',
  type: 'Microsoft.ContainerService/ManagedClusters',
};

const restCluster = {
  id: CLUSTER_ID,
  name: 'aks1',
  type: 'Microsoft.ContainerService/managedClusters',
  location: 'westeurope',
  sku: { name: 'Base', tier: 'Standard' },
  properties: { enableRBAC: true, agentPoolProfiles: [{ name: 'system', mode: 'System' }] },
};

describe('az aks show / az aks nodepool output', () => {
  it('reads the flattened CLI shape as az-cli, kind in canonical casing', () => {
    const sink = decode(JSON.stringify(cliCluster, null, 2), 'aks1.json');
    expect(sink.errors).toEqual([]);
    expect(sink.notes).toEqual([]);
    expect(sink.resources).toHaveLength(1);
    expect(sink.resources[0]).toMatchObject({
      kind: 'Microsoft.ContainerService/managedClusters',
      apiVersion: 'az-cli',
      namespace: null,
      name: 'aks1',
      format: 'az-cli',
      source: { file: 'aks1.json', line: 1 },
    });
    // Kept as the CLI wrote it, nulls included.
    expect(sink.resources[0]?.object).toEqual(cliCluster);
  });

  it('reads `az aks nodepool list` (an array) as one agentPools resource per item', () => {
    const pools = [
      { name: 'system', id: `${CLUSTER_ID}/agentPools/system`, type: 'Microsoft.ContainerService/managedClusters/agentPools', mode: 'System', enableNodePublicIp: null },
      { name: 'user', id: `${CLUSTER_ID}/agentPools/user`, type: 'Microsoft.ContainerService/managedClusters/agentPools', mode: 'User' },
    ];
    const sink = decode(JSON.stringify(pools));
    expect(sink.resources.map((r) => [r.kind, r.name, r.format])).toEqual([
      ['Microsoft.ContainerService/managedClusters/agentPools', 'system', 'az-cli'],
      ['Microsoft.ContainerService/managedClusters/agentPools', 'user', 'az-cli'],
    ]);
  });

  it('reads `az aks show -o yaml` too', () => {
    const yaml = 'enableRbac: true\nname: aks1\ntype: Microsoft.ContainerService/ManagedClusters\n';
    const sink = decode(yaml, 'aks1.yaml');
    expect(sink.resources).toHaveLength(1);
    expect(sink.resources[0]).toMatchObject({ format: 'az-cli', name: 'aks1' });
  });
});

describe('ARM REST GET bodies', () => {
  it('reads a body with the properties wrapper as arm-rest', () => {
    const sink = decode(JSON.stringify(restCluster));
    expect(sink.resources).toHaveLength(1);
    expect(sink.resources[0]).toMatchObject({ kind: 'Microsoft.ContainerService/managedClusters', apiVersion: 'arm-rest', name: 'aks1', format: 'arm-rest' });
    expect(sink.resources[0]?.object).toEqual(restCluster);
  });

  it('takes the API version when the body states it, and the name from the id when the name is missing', () => {
    const { name: _name, ...body } = restCluster;
    const got = azureResources({ ...body, apiVersion: '2026-08-01', type: 'MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS' }, 'x.json', 1);
    expect(got?.resources[0]).toMatchObject({ apiVersion: '2026-08-01', name: 'aks1', kind: 'Microsoft.ContainerService/managedClusters' });
  });

  it('reads a REST list response ({value: [...]})', () => {
    const sink = decode(JSON.stringify({ value: [restCluster, { ...restCluster, name: 'aks2' }], nextLink: null }));
    expect(sink.resources.map((r) => r.name)).toEqual(['aks1', 'aks2']);
  });

  it('leaves other Azure resource types and plain JSON to the usual note', () => {
    const sink = decode(JSON.stringify({ type: 'Microsoft.Network/virtualNetworks', name: 'v', properties: {} }));
    expect(sink.resources).toEqual([]);
    expect(sink.notes[0]?.message).toMatch(/not a Kubernetes object/);
    expect(azureResources({ hello: 'world' }, 'x.json', 1)).toBeUndefined();
    expect(azureResources('text', 'x.json', 1)).toBeUndefined();
  });

  it('does not take Kubernetes objects for Azure ones', () => {
    const sink = decode(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, type: 'Microsoft.ContainerService/managedClusters' }));
    expect(sink.resources).toHaveLength(1);
    expect(sink.resources[0]).toMatchObject({ kind: 'ConfigMap' });
    expect(sink.resources[0]?.format).toBeUndefined();
  });
});

describe('REST API example files', () => {
  const example = (responses: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    parameters: {
      'api-version': '2026-08-01',
      subscriptionId: '0000',
      resourceGroupName: 'rg1',
      resourceName: 'clustername1',
      parameters: { location: 'westeurope', properties: { enableRBAC: false } },
      ...extra,
    },
    responses,
    operationId: 'ManagedClusters_CreateOrUpdate',
    title: 'Create Managed Cluster',
  });

  it('takes the 200 response body, with the example api-version and the line of that body', () => {
    const text = JSON.stringify(example({ '200': { body: restCluster }, '201': { body: { ...restCluster, name: 'other' } } }), null, 2);
    const sink = decode(text, 'ManagedClustersCreate.json');
    expect(sink.errors).toEqual([]);
    expect(sink.resources).toHaveLength(1);
    expect(sink.resources[0]).toMatchObject({ name: 'aks1', apiVersion: '2026-08-01', format: 'arm-rest' });
    expect(sink.resources[0]?.object).toEqual(restCluster);
    const bodyLine = text.split('\n').findIndex((l) => l.includes('"body"')) + 1;
    expect(sink.resources[0]?.source.line).toBe(bodyLine);
  });

  it('falls back to the 201 body', () => {
    const sink = decode(JSON.stringify(example({ '201': { body: restCluster }, '202': {} })));
    expect(sink.resources.map((r) => r.name)).toEqual(['aks1']);
  });

  it('falls back to the request body, naming it from the path parameters', () => {
    const sink = decode(JSON.stringify(example({ '202': {}, '204': {} })));
    expect(sink.resources).toHaveLength(1);
    expect(sink.resources[0]).toMatchObject({ kind: 'Microsoft.ContainerService/managedClusters', name: 'clustername1', format: 'arm-rest' });
    expect(sink.resources[0]?.object).toEqual({ location: 'westeurope', properties: { enableRBAC: false } });

    const pool = { ...example({ '202': {} }, { agentPoolName: 'pool1', parameters: { properties: { enableFIPS: true } } }), operationId: 'AgentPools_CreateOrUpdate' };
    const poolSink = decode(JSON.stringify(pool));
    expect(poolSink.resources[0]).toMatchObject({ kind: 'Microsoft.ContainerService/managedClusters/agentPools', name: 'clustername1/pool1' });
  });

  it('notes an example without a cluster or pool body instead of failing', () => {
    const versions = {
      parameters: { 'api-version': '2026-08-01', location: 'location1', subscriptionId: '0000' },
      responses: { '200': { body: { values: [{ version: '1.33', isPreview: false }] } } },
      operationId: 'ManagedClusters_ListKubernetesVersions',
    };
    const sink = decode(JSON.stringify(versions));
    expect(sink.errors).toEqual([]);
    expect(sink.resources).toEqual([]);
    expect(sink.notes).toHaveLength(1);
    expect(sink.notes[0]?.message).toMatch(/ManagedClusters_ListKubernetesVersions: REST API example without a managedCluster or agentPool body/);
  });
});

describe('diagnostic settings (az monitor diagnostic-settings list --resource <aks id>)', () => {
  const flattened = {
    id: `${CLUSTER_ID}/providers/microsoft.insights/diagnosticSettings/audit`,
    name: 'audit',
    type: 'Microsoft.Insights/diagnosticSettings',
    logs: [{ category: 'kube-audit', enabled: true, retentionPolicy: { days: 90, enabled: true } }],
    workspaceId: '/subscriptions/0000/resourceGroups/logs/providers/Microsoft.OperationalInsights/workspaces/law',
  };
  const wrapped = {
    id: `${CLUSTER_ID}/providers/microsoft.insights/diagnosticSettings/admin`,
    name: 'admin',
    type: 'microsoft.insights/diagnosticsettings',
    properties: { logs: [{ category: 'kube-audit-admin', enabled: true }], storageAccountId: '/subscriptions/0000/x' },
  };

  it('reads an array (newer CLI) in both shapes', () => {
    const sink = decode(JSON.stringify([flattened, wrapped]));
    expect(sink.resources.map((r) => [r.kind, r.name, r.format, r.apiVersion])).toEqual([
      ['Microsoft.Insights/diagnosticSettings', 'audit', 'az-cli', 'az-cli'],
      ['Microsoft.Insights/diagnosticSettings', 'admin', 'arm-rest', 'arm-rest'],
    ]);
    expect(sink.notes).toEqual([]);
  });

  it('reads {value: [...]} (older CLI)', () => {
    const sink = decode(JSON.stringify({ value: [flattened, wrapped] }));
    expect(sink.resources.map((r) => r.name)).toEqual(['audit', 'admin']);
  });

  it('reads an empty list as nothing, with the usual note', () => {
    const sink = decode('[]');
    expect(sink.resources).toEqual([]);
    expect(sink.errors).toEqual([]);
  });
});

describe('hostile and odd input', () => {
  const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
  const anything = fc.jsonValue({ maxDepth: 6 });
  const expression = fc.oneof(anything, fc.string().map((s) => `[${s}]`), fc.constantFrom("[parameters('p')]", "[variables('v')]", '[copyIndex()]', "[reference('x').y]"));
  const shapes = fc.oneof(
    anything,
    fc.record({ $schema: fc.constant(SCHEMA), parameters: fc.dictionary(fc.string(), anything), variables: fc.dictionary(fc.string(), expression), resources: fc.array(fc.record({ type: fc.constantFrom('Microsoft.ContainerService/managedClusters', 'agentPools', 'Microsoft.Resources/deployments'), name: expression, properties: fc.dictionary(fc.string(), expression), copy: anything, condition: expression, resources: anything })) }),
    fc.record({ format_version: fc.constant('1.2'), planned_values: fc.record({ root_module: fc.record({ resources: fc.array(fc.record({ type: fc.constant('azurerm_kubernetes_cluster'), name: fc.string(), values: anything })), child_modules: anything }) }), resource_changes: fc.array(fc.record({ address: fc.string(), change: fc.record({ after_unknown: anything }) })) }),
    fc.record({ parameters: fc.dictionary(fc.string(), anything), responses: fc.dictionary(fc.constantFrom('200', '201', '202'), fc.record({ body: anything })) }),
    fc.record({ type: fc.constantFrom('Microsoft.Insights/diagnosticSettings', 'Microsoft.ContainerService/managedClusters'), name: anything, id: anything, properties: anything }),
  );

  it('never throws, whatever the document', () => {
    fc.assert(
      fc.property(shapes, (value) => {
        const got = azureResources(value, 'x.json', 1, JSON.stringify(value));
        if (got) for (const r of got.resources) expect(typeof r.name).toBe('string');
      }),
      { numRuns: 300 },
    );
  });
});
