import { describe, expect, it } from 'vitest';
import { decode, unknown } from './helpers.js';

const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

const template = {
  $schema: SCHEMA,
  contentVersion: '1.0.0.0',
  parameters: {
    clusterName: { type: 'string', defaultValue: 'aks-prod' },
    environment: { type: 'string', defaultValue: 'prod', allowedValues: ['dev', 'prod'] },
    workspaceId: { type: 'string' },
    authorizedRanges: { type: 'array', defaultValue: ['203.0.113.0/24'] },
  },
  variables: {
    isProd: "[equals(parameters('environment'), 'prod')]",
    aadProfile: { managed: true, enableAzureRBAC: "[variables('isProd')]" },
    poolName: "[toLower(concat('Sys', 'Pool'))]",
  },
  resources: [
    {
      type: 'Microsoft.Network/virtualNetworks',
      apiVersion: '2023-05-01',
      name: 'vnet',
      properties: {},
    },
    {
      type: 'Microsoft.ContainerService/managedClusters',
      apiVersion: '2026-08-01',
      name: "[parameters('clusterName')]",
      location: '[resourceGroup().location]',
      sku: { name: 'Base', tier: "[if(variables('isProd'), 'Standard', 'Free')]" },
      properties: {
        enableRBAC: true,
        dnsPrefix: "[format('{0}-dns', parameters('clusterName'))]",
        aadProfile: "[variables('aadProfile')]",
        disableLocalAccounts: "[variables('isProd')]",
        apiServerAccessProfile: { authorizedIPRanges: "[parameters('authorizedRanges')]" },
        agentPoolProfiles: [{ name: "[variables('poolName')]", mode: 'System', count: 3 }],
        addonProfiles: {
          omsagent: { enabled: true, config: { logAnalyticsWorkspaceResourceID: "[parameters('workspaceId')]" } },
          azurepolicy: { enabled: "[not(empty(parameters('workspaceId')))]" },
        },
        fqdnCheck: "[reference(resourceId('Microsoft.Network/virtualNetworks', 'vnet')).id]",
        broken: "[concat('a', ]",
      },
      resources: [
        {
          type: 'agentPools',
          apiVersion: '2026-08-01',
          name: 'user1',
          properties: { mode: 'User', enableNodePublicIP: false },
        },
        {
          type: 'providers/diagnosticSettings',
          apiVersion: '2021-05-01-preview',
          name: 'Microsoft.Insights/audit',
          properties: { workspaceId: "[parameters('workspaceId')]", logs: [{ category: 'kube-audit', enabled: true }] },
        },
      ],
    },
    {
      type: 'Microsoft.ContainerService/managedClusters/agentPools',
      apiVersion: '2026-08-01',
      name: "[concat(parameters('clusterName'), '/gpu')]",
      properties: { mode: 'User', enableEncryptionAtHost: true },
    },
    {
      type: 'Microsoft.Insights/diagnosticSettings',
      apiVersion: '2021-05-01-preview',
      name: 'audit-admin',
      scope: "[format('Microsoft.ContainerService/managedClusters/{0}', parameters('clusterName'))]",
      properties: { logs: [{ categoryGroup: 'audit', enabled: true }] },
    },
  ],
};

describe('ARM templates', () => {
  const text = JSON.stringify(template, null, 2);
  const sink = decode(text, 'main.json');
  const byName = (name: string) => sink.resources.find((r) => r.name === name);
  const lineOf = (needle: string, nth = 0) => {
    const lines = text.split('\n');
    let seen = 0;
    for (let i = 0; i < lines.length; i++) if ((lines[i] as string).includes(needle) && seen++ === nth) return i + 1;
    return -1;
  };

  it('emits the cluster, its pools and its diagnostic settings, nested ones with full names', () => {
    expect(sink.errors).toEqual([]);
    expect(sink.resources.map((r) => [r.kind, r.name, r.apiVersion, r.format])).toEqual([
      ['Microsoft.ContainerService/managedClusters', 'aks-prod', '2026-08-01', 'arm-template'],
      ['Microsoft.ContainerService/managedClusters/agentPools', 'aks-prod/user1', '2026-08-01', 'arm-template'],
      ['Microsoft.Insights/diagnosticSettings', 'aks-prod/Microsoft.Insights/audit', '2021-05-01-preview', 'arm-template'],
      ['Microsoft.ContainerService/managedClusters/agentPools', 'aks-prod/gpu', '2026-08-01', 'arm-template'],
      ['Microsoft.Insights/diagnosticSettings', 'audit-admin', '2021-05-01-preview', 'arm-template'],
    ]);
  });

  it('evaluates parameters, variables and functions into the object', () => {
    const cluster = byName('aks-prod');
    const props = cluster?.object.properties as Record<string, unknown>;
    expect(cluster?.object.name).toBe('aks-prod');
    expect(cluster?.object.sku).toEqual({ name: 'Base', tier: 'Standard' });
    expect(props.dnsPrefix).toBe('aks-prod-dns');
    expect(props.aadProfile).toEqual({ managed: true, enableAzureRBAC: true });
    expect(props.disableLocalAccounts).toBe(true);
    expect(props.apiServerAccessProfile).toEqual({ authorizedIPRanges: ['203.0.113.0/24'] });
    expect(props.agentPoolProfiles).toEqual([{ name: 'syspool', mode: 'System', count: 3 }]);
    // Children are resources of their own, not part of the parent's object.
    expect(cluster?.object.resources).toBeUndefined();
  });

  it('marks what only the deployment knows as unknown, saying why', () => {
    const cluster = byName('aks-prod');
    const props = cluster?.object.properties as Record<string, Record<string, unknown>>;
    expect(cluster?.object.location).toEqual(unknown('resourceGroup().location is known at deployment'));
    expect(props.addonProfiles).toEqual({
      omsagent: { enabled: true, config: { logAnalyticsWorkspaceResourceID: unknown("parameter 'workspaceId' has no default value: it is supplied at deployment") } },
      azurepolicy: { enabled: unknown(/workspaceId/) },
    });
    expect(props.fqdnCheck).toEqual(unknown('reference() is resolved at deployment'));
  });

  it('turns an expression error into an unknown value and a note, never an error', () => {
    const props = byName('aks-prod')?.object.properties as Record<string, unknown>;
    expect(props.broken).toEqual(unknown(/could not be evaluated/));
    expect(sink.notes).toHaveLength(1);
    expect(sink.notes[0]).toMatchObject({ source: 'main.json', line: lineOf('"type": "Microsoft.ContainerService/managedClusters"') });
    expect(sink.notes[0]?.message).toMatch(/Microsoft\.ContainerService\/managedClusters.*cannot evaluate \[concat\('a', \]/);
  });

  it('places each resource at the line of its type', () => {
    expect(byName('aks-prod')?.source).toEqual({ file: 'main.json', line: lineOf('"type": "Microsoft.ContainerService/managedClusters"') });
    expect(byName('aks-prod/user1')?.source.line).toBe(lineOf('"type": "agentPools"'));
    expect(byName('aks-prod/Microsoft.Insights/audit')?.source.line).toBe(lineOf('"type": "providers/diagnosticSettings"'));
    expect(byName('aks-prod/gpu')?.source.line).toBe(lineOf('"type": "Microsoft.ContainerService/managedClusters/agentPools"'));
    expect(byName('audit-admin')?.source.line).toBe(lineOf('"type": "Microsoft.Insights/diagnosticSettings"'));
  });

  it('keeps the extension scope of a diagnostic setting, evaluated', () => {
    expect(byName('audit-admin')?.object.scope).toBe('Microsoft.ContainerService/managedClusters/aks-prod');
  });

  it('shows a name only the deployment knows as written', () => {
    const t = { $schema: SCHEMA, parameters: { n: { type: 'string' } }, resources: [{ type: 'Microsoft.ContainerService/managedClusters', apiVersion: '2024-01-01', name: "[parameters('n')]", properties: {} }] };
    const s = decode(JSON.stringify(t));
    expect(s.resources.map((r) => r.name)).toEqual(["[parameters('n')]"]);
    expect(s.resources[0]?.object.name).toEqual(unknown(/parameter 'n'/));
  });

  it('honours conditions, resource copy loops and property copy loops', () => {
    const t = {
      $schema: SCHEMA,
      parameters: { deployCluster: { type: 'bool', defaultValue: false }, pools: { type: 'int', defaultValue: 2 } },
      resources: [
        { condition: "[parameters('deployCluster')]", type: 'Microsoft.ContainerService/managedClusters', apiVersion: '2024-01-01', name: 'skipped', properties: {} },
        {
          type: 'Microsoft.ContainerService/managedClusters',
          apiVersion: '2024-01-01',
          name: 'looped',
          properties: {
            copy: [{ name: 'agentPoolProfiles', count: "[parameters('pools')]", input: { name: "[concat('pool', copyIndex('agentPoolProfiles', 1))]" } }],
          },
        },
        {
          type: 'Microsoft.ContainerService/managedClusters/agentPools',
          apiVersion: '2024-01-01',
          name: "[concat('looped/extra', copyIndex())]",
          copy: { name: 'extraPools', count: 2 },
          properties: { mode: 'User', tags: { index: "[copyIndex('extraPools')]" } },
        },
      ],
    };
    const s = decode(JSON.stringify(t, null, 2));
    expect(s.notes).toEqual([]);
    expect(s.resources.map((r) => r.name)).toEqual(['looped', 'looped/extra0', 'looped/extra1']);
    expect((s.resources[0]?.object.properties as Record<string, unknown>).agentPoolProfiles).toEqual([{ name: 'pool1' }, { name: 'pool2' }]);
    expect(s.resources[1]?.source.line).toBe(s.resources[2]?.source.line);
    expect((s.resources[2]?.object.properties as { tags: unknown }).tags).toEqual({ index: 1 });
  });

  it('evaluates inline nested deployments, inner scope with the parameters passed in', () => {
    const t = {
      $schema: SCHEMA,
      parameters: { name: { type: 'string', defaultValue: 'outer-aks' } },
      resources: [
        {
          type: 'Microsoft.Resources/deployments',
          apiVersion: '2022-09-01',
          name: 'aksModule',
          properties: {
            mode: 'Incremental',
            expressionEvaluationOptions: { scope: 'inner' },
            parameters: { clusterName: { value: "[parameters('name')]" }, secret: { reference: { keyVault: { id: 'kv' }, secretName: 's' } } },
            template: {
              $schema: SCHEMA,
              parameters: { clusterName: { type: 'string' }, secret: { type: 'securestring' } },
              resources: [{ type: 'Microsoft.ContainerService/managedClusters', apiVersion: '2024-01-01', name: "[parameters('clusterName')]", properties: { x: "[parameters('secret')]" } }],
            },
          },
        },
      ],
    };
    const s = decode(JSON.stringify(t));
    expect(s.resources.map((r) => r.name)).toEqual(['outer-aks']);
    expect((s.resources[0]?.object.properties as { x: unknown }).x).toEqual(unknown(/Key Vault reference/));
  });

  it('notes a template without AKS resources', () => {
    const s = decode(JSON.stringify({ $schema: SCHEMA, resources: [{ type: 'Microsoft.Storage/storageAccounts', name: 's', apiVersion: '2023-01-01' }] }));
    expect(s.resources).toEqual([]);
    expect(s.errors).toEqual([]);
    expect(s.notes[0]?.message).toMatch(/ARM template without managedClusters/);
  });

  it('survives hostile or odd shapes without throwing', () => {
    const odd = [
      { $schema: SCHEMA, resources: [null, 1, 'x', { type: 5 }, { type: 'Microsoft.ContainerService/managedClusters' }, { type: "[concat('Microsoft.ContainerService/', 'managedClusters')]", name: 'computed' }] },
      { $schema: SCHEMA, parameters: 'x', variables: [], resources: [{ type: 'Microsoft.ContainerService/managedClusters', name: "[variables('a')]", copy: { count: 'many' } }] },
      { $schema: SCHEMA, resources: [{ type: 'Microsoft.ContainerService/managedClusters', name: 'c', properties: { copy: [{ name: 'x', count: 5000, input: 1 }] } }] },
    ];
    for (const t of odd) {
      const s = decode(JSON.stringify(t));
      expect(s.errors).toEqual([]);
    }
    const proto = `{"$schema": "${SCHEMA}", "resources": [{"type": "Microsoft.ContainerService/managedClusters", "name": "p", "properties": {"__proto__": {"polluted": "[bool('true')]"}}}]}`;
    const p = decode(proto);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const props = p.resources[0]?.object.properties as Record<string, unknown>;
    expect(Object.getPrototypeOf(props)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(props, '__proto__')?.value).toEqual({ polluted: true });
    const computed = decode(JSON.stringify(odd[0]));
    expect(computed.resources.map((r) => r.name)).toEqual(['', 'computed']);
  });
});

describe('Bicep-compiled templates (languageVersion 2.0)', () => {
  const bicep = {
    $schema: SCHEMA,
    languageVersion: '2.0',
    contentVersion: '1.0.0.0',
    metadata: { _generator: { name: 'bicep', version: '0.30.0' } },
    parameters: { clusterName: { type: 'string', defaultValue: 'bicep-aks' }, kmsKeyId: { type: 'string', nullable: true } },
    resources: {
      workspace: { existing: true, type: 'Microsoft.OperationalInsights/workspaces', apiVersion: '2022-10-01', name: 'law' },
      existingCluster: { existing: true, type: 'Microsoft.ContainerService/managedClusters', apiVersion: '2024-01-01', name: 'other' },
      aks: {
        type: 'Microsoft.ContainerService/managedClusters',
        apiVersion: '2024-05-01',
        name: "[parameters('clusterName')]",
        properties: {
          enableRBAC: true,
          securityProfile: { azureKeyVaultKms: { enabled: "[not(empty(parameters('kmsKeyId')))]", keyId: "[tryGet(createObject('k', parameters('kmsKeyId')), 'k')]" } },
          addonProfiles: { omsAgent: { enabled: true, config: { logAnalyticsWorkspaceResourceID: "[resourceId('Microsoft.OperationalInsights/workspaces', 'law')]" } } },
        },
      },
      pool: {
        type: 'Microsoft.ContainerService/managedClusters/agentPools',
        apiVersion: '2024-05-01',
        name: "[format('{0}/{1}', parameters('clusterName'), 'user')]",
        properties: { mode: 'User' },
        dependsOn: ['aks'],
      },
      diag: {
        type: 'Microsoft.Insights/diagnosticSettings',
        apiVersion: '2021-05-01-preview',
        scope: "[format('Microsoft.ContainerService/managedClusters/{0}', parameters('clusterName'))]",
        name: 'aks-audit',
        properties: { workspaceId: "[resourceId('Microsoft.OperationalInsights/workspaces', 'law')]", logs: [{ category: 'kube-audit-admin', enabled: true }] },
        dependsOn: ['aks'],
      },
    },
  };

  it('reads symbolic-name resources and skips existing ones', () => {
    const text = JSON.stringify(bicep, null, 2);
    const s = decode(text, 'main.json');
    expect(s.errors).toEqual([]);
    expect(s.notes).toEqual([]);
    expect(s.resources.map((r) => [r.kind, r.name])).toEqual([
      ['Microsoft.ContainerService/managedClusters', 'bicep-aks'],
      ['Microsoft.ContainerService/managedClusters/agentPools', 'bicep-aks/user'],
      ['Microsoft.Insights/diagnosticSettings', 'aks-audit'],
    ]);
    const props = s.resources[0]?.object.properties as Record<string, Record<string, Record<string, unknown>>>;
    expect(props.securityProfile?.azureKeyVaultKms).toEqual({ enabled: unknown(/kmsKeyId/), keyId: unknown(/kmsKeyId/) });
    expect(props.addonProfiles?.omsAgent).toEqual({
      enabled: true,
      config: { logAnalyticsWorkspaceResourceID: '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/law' },
    });
    // The existing cluster's type literal comes first in the text; the deployed one is the second.
    const lines = text.split('\n');
    const second = lines.findIndex((l, i) => l.includes('"type": "Microsoft.ContainerService/managedClusters"') && lines.slice(0, i).some((p) => p.includes('"type": "Microsoft.ContainerService/managedClusters"')));
    expect(s.resources[0]?.source.line).toBe(second + 1);
  });
});

describe('children of other resources', () => {
  it('reads only a cluster\'s nested resources as AKS resources', () => {
    const t = {
      $schema: SCHEMA,
      resources: [
        {
          type: 'Microsoft.KeyVault/vaults',
          apiVersion: '2023-07-01',
          name: 'kv',
          properties: {},
          resources: [
            { type: 'providers/diagnosticSettings', apiVersion: '2021-05-01-preview', name: 'Microsoft.Insights/kv-logs', properties: {} },
            { type: 'Microsoft.Insights/diagnosticSettings', apiVersion: '2021-05-01-preview', name: 'kv-logs2', properties: {} },
          ],
        },
      ],
    };
    const s = decode(JSON.stringify(t));
    expect(s.resources).toEqual([]);
    expect(s.errors).toEqual([]);
  });
});
