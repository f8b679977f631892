import { describe, expect, it } from 'vitest';
import { aksClusterOf, diagnosticSettingsFor, UNKNOWN_KEY, type AksCluster } from '../../../src/analyses/aks/index.js';
import { Inventory } from '../../../src/core/inventory.js';
import type { Obj, Resource } from '../../../src/core/resource.js';

function res(kind: string, name: string, object: Obj, format: string, apiVersion = '2021-05-01-preview'): Resource {
  return { apiVersion, kind, namespace: null, name, object, source: { file: 'input.json', line: 1 }, format };
}
const unknown = (why: string) => ({ [UNKNOWN_KEY]: why });

const CLUSTER_ID = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-prod';
const WORKSPACE = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/w';
const STORAGE = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/logs';

const armCluster = res('Microsoft.ContainerService/managedClusters', 'aks-prod', { id: CLUSTER_ID, name: 'aks-prod', properties: { enableRBAC: true } }, 'arm-rest', '2026-08-01');
const tfCluster = res('azurerm_kubernetes_cluster', 'main', { name: 'aks-prod', resource_group_name: 'rg' }, 'terraform-hcl', 'terraform');

function settingsOf(cluster: Resource, ...others: Resource[]) {
  const inv = new Inventory([cluster, ...others]);
  return diagnosticSettingsFor(aksClusterOf(cluster, inv) as AksCluster, inv);
}

describe('diagnosticSettingsFor: what the scan can tell', () => {
  it('is undefined when the scan holds no diagnostic settings at all', () => {
    expect(settingsOf(armCluster)).toBeUndefined();
    expect(diagnosticSettingsFor(aksClusterOf(armCluster) as AksCluster, undefined)).toBeUndefined();
  });

  it('is empty when the scan holds the empty settings list Azure gave for this cluster, and only this one', () => {
    const emptyList = (clusterId: string) =>
      res('Microsoft.Insights/diagnosticSettingsResourceCollection', 'list', { id: `${clusterId}/providers/Microsoft.Insights/diagnosticSettings`, value: [] }, 'arm-rest');
    expect(settingsOf(armCluster, emptyList(CLUSTER_ID))).toEqual([]);
    expect(settingsOf(armCluster, emptyList(`${CLUSTER_ID}-2`))).toBeUndefined();
  });

  it('is empty when the scan holds diagnostic settings, none for this cluster', () => {
    const forStorage = res(
      'Microsoft.Insights/diagnosticSettings',
      'storage-diag',
      { id: `${STORAGE}/providers/Microsoft.Insights/diagnosticSettings/storage-diag`, properties: { logs: [{ category: 'StorageRead', enabled: true }] } },
      'arm-rest',
    );
    const otherCluster = res(
      'Microsoft.Insights/diagnosticSettings',
      'x',
      { id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-prod-2/providers/Microsoft.Insights/diagnosticSettings/x', properties: {} },
      'arm-rest',
    );
    expect(settingsOf(armCluster, forStorage, otherCluster)).toEqual([]);
  });
});

describe('diagnosticSettingsFor: ARM REST, az CLI and template shapes', () => {
  it('reads a REST body attached by the id below the cluster', () => {
    const setting = res(
      'Microsoft.Insights/diagnosticSettings',
      'audit-to-workspace',
      {
        id: `${CLUSTER_ID}/providers/Microsoft.Insights/diagnosticSettings/audit-to-workspace`,
        name: 'audit-to-workspace',
        properties: {
          workspaceId: WORKSPACE,
          storageAccountId: STORAGE,
          logs: [
            { category: 'kube-audit', enabled: true, retentionPolicy: { enabled: true, days: 90 } },
            { category: 'kube-apiserver', enabled: false, retentionPolicy: { enabled: false, days: 0 } },
            { category: 'guard', enabled: 'True', retentionPolicy: { enabled: true, days: 0 } },
          ],
        },
      },
      'arm-rest',
    );
    const [s] = settingsOf(armCluster, setting)!;
    expect(s!.name).toBe('audit-to-workspace');
    expect(s!.target).toBe(CLUSTER_ID);
    expect(s!.destinations).toEqual({ workspace: WORKSPACE, storageAccount: STORAGE });
    expect(s!.unknownDestinations).toEqual({});
    expect(s!.logs).toEqual([
      { category: 'kube-audit', enabled: true, field: 'properties.logs[0]', known: true },
      { category: 'kube-apiserver', enabled: false, field: 'properties.logs[1]', known: true },
      { category: 'guard', enabled: true, field: 'properties.logs[2]', known: true },
    ]);
  });

  it('reads `az monitor diagnostic-settings list` output (flat, nulls, any casing of the id)', () => {
    const cli = res(
      'Microsoft.Insights/diagnosticSettings',
      'cli',
      {
        id: '/subscriptions/s/resourcegroups/rg/providers/microsoft.containerservice/managedclusters/aks-prod/providers/microsoft.insights/diagnosticSettings/cli',
        name: 'cli',
        eventHubAuthorizationRuleId: null,
        workspaceId: null,
        storageAccountId: STORAGE,
        marketplacePartnerId: null,
        logs: [
          { category: 'kube-audit-admin', categoryGroup: null, enabled: true, retentionPolicy: { days: 365, enabled: true } },
          { category: null, categoryGroup: 'audit', enabled: true, retentionPolicy: null },
        ],
      },
      'az-cli',
      'az-cli',
    );
    const [s] = settingsOf(armCluster, cli)!;
    expect(s!.destinations).toEqual({ storageAccount: STORAGE });
    expect(s!.logs.map((l) => [l.category, l.categoryGroup, l.field])).toEqual([
      ['kube-audit-admin', undefined, 'logs[0]'],
      ['kube-audit', 'audit', 'logs[1]'],
      ['kube-audit-admin', 'audit', 'logs[1]'],
      ['guard', 'audit', 'logs[1]'],
    ]);
  });

  it('attaches a template child named <cluster>/Microsoft.Insights/<setting>', () => {
    const child = res(
      'Microsoft.ContainerService/managedClusters/providers/diagnosticSettings',
      'aks-prod/Microsoft.Insights/service',
      {
        type: 'Microsoft.ContainerService/managedClusters/providers/diagnosticSettings',
        name: 'aks-prod/Microsoft.Insights/service',
        properties: { workspaceId: WORKSPACE, logs: [{ category: 'kube-audit', enabled: true, retentionPolicy: { days: 0, enabled: false } }] },
      },
      'arm-template',
    );
    const [s] = settingsOf(armCluster, child)!;
    expect(s!.name).toBe('service');
    expect(s!.target).toBe('aks-prod');
    expect(s!.logs).toEqual([{ category: 'kube-audit', enabled: true, field: 'properties.logs[0]', known: true }]);
  });

  it('attaches an extension resource by its scope (Bicep), resolved or kept as expression text', () => {
    const scoped = res(
      'Microsoft.Insights/diagnosticSettings',
      'by-scope',
      { scope: 'Microsoft.ContainerService/managedClusters/aks-prod', properties: { workspaceId: WORKSPACE, logs: [{ categoryGroup: 'allLogs', enabled: true }] } },
      'arm-template',
    );
    const unresolved = res(
      'Microsoft.Insights/diagnosticSettings',
      'by-expression',
      { scope: unknown("resourceId('Microsoft.ContainerService/managedClusters', 'aks-prod') in a nested deployment"), properties: { logs: [] } },
      'arm-template',
    );
    const elsewhere = res('Microsoft.Insights/diagnosticSettings', 'kv', { scope: 'Microsoft.KeyVault/vaults/aks-prod', properties: {} }, 'arm-template');
    const list = settingsOf(armCluster, scoped, unresolved, elsewhere)!;
    expect(list.map((s) => s.name)).toEqual(['by-scope', 'by-expression']);
    const all = list[0]!.logs;
    expect(all.map((l) => l.category)).toContain('kube-audit');
    expect(all.map((l) => l.category)).toContain('kube-audit-admin');
    expect(all.every((l) => l.categoryGroup === 'allLogs' && l.enabled && l.field === 'properties.logs[0]')).toBe(true);
  });

  it('attaches a child whose name the template could not resolve, by the cluster name expression it repeats', () => {
    const cluster = res('Microsoft.ContainerService/managedClusters', "[parameters('aksClusterName')]", { properties: {} }, 'arm-template');
    const child = res(
      'Microsoft.Insights/diagnosticSettings',
      "[concat(parameters('aksClusterName'), '/Microsoft.Insights/service')]",
      { name: unknown("parameter 'aksClusterName' has no default"), properties: { logs: [{ category: 'kube-audit', enabled: true }] } },
      'arm-template',
    );
    const [s] = settingsOf(cluster, child)!;
    expect(s!.name).toBe('service');
    expect(s!.target).toBe("[concat(parameters('aksClusterName'), '/Microsoft.Insights/service')]");
  });

  it('takes a setting that names no target for the only cluster, when it collects AKS categories', () => {
    const bare = res('Microsoft.Insights/diagnosticSettings', 'bare', { properties: { logs: [{ category: 'kube-audit-admin', enabled: true }] } }, 'arm-template');
    const groupOnly = res('Microsoft.Insights/diagnosticSettings', 'group', { properties: { logs: [{ categoryGroup: 'allLogs', enabled: true }] } }, 'arm-template');
    const [s, ...rest] = settingsOf(armCluster, bare, groupOnly)!;
    expect(s!.name).toBe('bare');
    expect(s!.target).toBeUndefined();
    expect(rest).toEqual([]);
    expect(settingsOf(armCluster, bare, tfCluster)).toEqual([]);
  });

  it('keeps unknown template values unknown: logs, enabled, destinations', () => {
    const setting = res(
      'Microsoft.Insights/diagnosticSettings',
      'aks-prod/Microsoft.Insights/params',
      {
        Properties: {
          WorkspaceId: unknown("parameters('workspaceId') has no default"),
          logs: [
            { category: 'kube-audit', enabled: unknown("parameters('auditOn')"), retentionPolicy: { enabled: true, days: 30 } },
            { category: unknown("parameters('category')"), enabled: true },
            { category: 'kube-audit-admin', enabled: true, retentionPolicy: { enabled: true, days: unknown("parameters('days')") } },
            'not an object',
          ],
        },
      },
      'arm-template',
    );
    const [s] = settingsOf(armCluster, setting)!;
    expect(s!.destinations).toEqual({ workspace: "parameters('workspaceId') has no default" });
    expect(s!.unknownDestinations).toEqual({ workspace: "parameters('workspaceId') has no default" });
    expect(s!.logs).toEqual([
      { category: 'kube-audit', enabled: false, field: 'Properties.logs[0]', known: false, reason: "parameters('auditOn')" },
      { category: '', enabled: true, field: 'Properties.logs[1]', known: false, reason: "parameters('category')" },
      { category: 'kube-audit-admin', enabled: true, field: 'Properties.logs[2]', known: true },
    ]);

    const whole = res('Microsoft.Insights/diagnosticSettings', 'aks-prod/Microsoft.Insights/all', { properties: { logs: unknown("variables('logs')") } }, 'arm-template');
    expect(settingsOf(armCluster, whole)![0]!.logs).toEqual([
      { category: '', enabled: false, field: 'properties.logs', known: false, reason: "variables('logs')" },
    ]);
  });
});

describe('diagnosticSettingsFor: azurerm_monitor_diagnostic_setting', () => {
  const tfSetting = (label: string, object: Obj, format = 'terraform-hcl') => res('azurerm_monitor_diagnostic_setting', label, object, format, 'terraform');

  it('reads enabled_log blocks (azurerm 4) with categories and groups; retention_policy, which Azure Monitor no longer applies, is not read', () => {
    const s = tfSetting('aks', {
      name: 'aks-audit',
      target_resource_id: 'azurerm_kubernetes_cluster.main.id',
      log_analytics_workspace_id: 'azurerm_log_analytics_workspace.w.id',
      enabled_log: [
        { category: 'kube-audit-admin', retention_policy: [{ enabled: true, days: 180 }] },
        { category_group: 'audit' },
        { category: 'kube-apiserver', retention_policy: [] },
      ],
      metric: [{ category: 'AllMetrics' }],
    });
    const [v] = settingsOf(tfCluster, s)!;
    expect(v!.name).toBe('aks-audit');
    expect(v!.target).toBe('azurerm_kubernetes_cluster.main.id');
    expect(v!.destinations).toEqual({ workspace: 'azurerm_log_analytics_workspace.w.id' });
    expect(v!.logs).toEqual([
      { category: 'kube-audit-admin', enabled: true, field: 'enabled_log[0]', known: true },
      { category: 'kube-audit', categoryGroup: 'audit', enabled: true, field: 'enabled_log[1]', known: true },
      { category: 'kube-audit-admin', categoryGroup: 'audit', enabled: true, field: 'enabled_log[1]', known: true },
      { category: 'guard', categoryGroup: 'audit', enabled: true, field: 'enabled_log[1]', known: true },
      { category: 'kube-apiserver', enabled: true, field: 'enabled_log[2]', known: true },
    ]);
  });

  it('reads azurerm 3 log blocks with enabled (default true) and a plan-style unknown target', () => {
    const s = tfSetting(
      'legacy',
      {
        name: 'legacy',
        target_resource_id: unknown('known after apply (azurerm_kubernetes_cluster.main.id)'),
        storage_account_id: unknown('known after apply'),
        eventhub_authorization_rule_id: '',
        log: [
          { category: 'kube-audit', enabled: false, retention_policy: [{ enabled: true, days: 7 }] },
          { category: 'kube-audit-admin', retention_policy: [{ enabled: 'true', days: '120' }] },
          { category: 'guard', enabled: true, retention_policy: [{ enabled: true, days: unknown('var.days') }] },
        ],
      },
      'terraform-plan',
    );
    const [v] = settingsOf(tfCluster, s)!;
    expect(v!.destinations).toEqual({ storageAccount: 'known after apply' });
    expect(v!.unknownDestinations).toEqual({ storageAccount: 'known after apply' });
    expect(v!.logs).toEqual([
      { category: 'kube-audit', enabled: false, field: 'log[0]', known: true },
      { category: 'kube-audit-admin', enabled: true, field: 'log[1]', known: true },
      { category: 'guard', enabled: true, field: 'log[2]', known: true },
    ]);
  });

  it('attaches by resource id to JSON clusters too, and not to other clusters', () => {
    const byId = tfSetting('byid', { target_resource_id: CLUSTER_ID, enabled_log: [{ category: 'kube-audit' }] });
    const other = tfSetting('other', { target_resource_id: 'azurerm_kubernetes_cluster.other.id', enabled_log: [] });
    const storage = tfSetting('st', { target_resource_id: 'azurerm_storage_account.logs.id', enabled_log: [] });
    expect(settingsOf(armCluster, byId, other, storage)!.map((s) => s.resource.name)).toEqual(['byid']);
    expect(settingsOf(tfCluster, byId, other, storage)!.map((s) => s.resource.name)).toEqual(['byid']);
  });

  it('takes a plan setting whose target is known only after apply for the only cluster, when it collects AKS categories', () => {
    const plan = tfSetting(
      'aks',
      {
        target_resource_id: unknown('azurerm_monitor_diagnostic_setting.aks.target_resource_id is known only after apply'),
        enabled_log: [{ category: 'kube-audit' }],
      },
      'terraform-plan',
    );
    const other = tfSetting('st', { target_resource_id: unknown('known after apply'), enabled_log: [{ category: 'StorageWrite' }] }, 'terraform-plan');
    expect(settingsOf(tfCluster, plan, other)!.map((s) => s.resource.name)).toEqual(['aks']);
    const second = res('azurerm_kubernetes_cluster', 'second', { name: 'aks-2' }, 'terraform-plan', 'terraform');
    expect(settingsOf(tfCluster, plan, second)).toEqual([]);
  });

  it('matches HCL references within the same module only', () => {
    const inModule = res('azurerm_kubernetes_cluster', 'module.aks.main', { name: 'aks-m' }, 'terraform-plan', 'terraform');
    const ref = unknown('azurerm_kubernetes_cluster.main.id is resolved by Terraform');
    const s1 = tfSetting('module.aks.diag', { target_resource_id: ref, enabled_log: [] });
    const s2 = tfSetting('diag', { target_resource_id: ref, enabled_log: [] });
    expect(settingsOf(inModule, s1, s2, tfCluster)!.map((s) => s.resource.name)).toEqual(['module.aks.diag']);
    expect(settingsOf(tfCluster, s1, s2, inModule)!.map((s) => s.resource.name)).toEqual(['diag']);
  });

  it('reports dynamic or unknown log blocks as unknown entries', () => {
    const dyn = tfSetting('dyn', { target_resource_id: '${azurerm_kubernetes_cluster.main.id}', dynamic: { enabled_log: [{ for_each: '${var.categories}' }] } });
    const unk = tfSetting('unk', { target_resource_id: 'azurerm_kubernetes_cluster.main.id', enabled_log: unknown('for_each over var.categories') }, 'terraform-plan');
    const [a, b] = settingsOf(tfCluster, dyn, unk)!;
    expect(a!.logs).toEqual([{ category: '', enabled: false, field: 'dynamic.enabled_log', known: false, reason: 'dynamic "enabled_log" blocks are expanded only at plan time' }]);
    expect(b!.logs).toEqual([{ category: '', enabled: false, field: 'enabled_log', known: false, reason: 'for_each over var.categories' }]);
    expect(b!.name).toBe('unk');
  });
});
