import rule from '../../../src/rules/aks/audit-logs-not-collected.js';
import type { Obj } from '../../../src/core/resource.js';
import { aksRuleTester, cliCluster, clusterId, resource, restCluster, templateCluster, tfCluster, unknown } from './aks-tester.js';

const DIAG = 'Microsoft.Insights/diagnosticSettings';
const WS = '/subscriptions/0/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law1';
const SA = '/subscriptions/0/resourceGroups/rg-logs/providers/Microsoft.Storage/storageAccounts/auditlogs';

const log = (category: string, enabled = true, days?: number): Obj => ({
  category,
  categoryGroup: null,
  enabled,
  retentionPolicy: days === undefined ? { enabled: false, days: 0 } : { enabled: true, days },
});

/** One entry of `az monitor diagnostic-settings list --resource <cluster id> -o json`. */
function cliSetting(cluster: string, name: string, body: Obj): ReturnType<typeof resource> {
  return resource(DIAG, 'az-cli', { id: `${clusterId(cluster)}/providers/microsoft.insights/diagnosticSettings/${name}`, name, ...body }, name, 'az-cli');
}

/** A REST GET body of a diagnostic setting. */
function restSetting(cluster: string, name: string, properties: Obj): ReturnType<typeof resource> {
  return resource(DIAG, 'arm-rest', { id: `${clusterId(cluster)}/providers/microsoft.insights/diagnosticSettings/${name}`, name, properties }, name);
}

const LIST = `az monitor diagnostic-settings list --resource ${clusterId('aks1')} -o json`;

aksRuleTester(rule, {
  valid: [
    // The rule judges clusters; settings without their cluster in the scan are not judged on their own.
    { name: 'a diagnostic setting without its cluster', resources: [restSetting('aks1', 'audit', { storageAccountId: SA, logs: [log('kube-audit-admin', true, 365)] })] },
  ],
  invalid: [
    {
      name: 'the scan holds no diagnostic settings: info that says what to add',
      resources: [restCluster('aks1', {})],
      findings: [
        {
          field: null,
          severity: 'info',
          message: 'cluster aks1: the scan holds no diagnostic settings, so it cannot tell whether kube-audit logs are collected',
          verify: LIST,
        },
      ],
    },
    {
      name: 'diagnostic settings of another cluster only',
      resources: [restCluster('aks1', {}), restCluster('aks2', {}), restSetting('aks2', 'audit', { workspaceId: WS, logs: [log('kube-audit')] })],
      findings: [
        { resource: 'Microsoft.ContainerService/managedClusters/aks1', severity: 'high', message: 'cluster aks1 has no diagnostic setting: kube-audit logs are not collected' },
        { resource: 'Microsoft.ContainerService/managedClusters/aks2', severity: 'info', message: /Log Analytics workspace .*retention/ },
      ],
    },
    {
      name: 'only non-audit categories, or audit disabled, or no destination',
      resources: [
        cliCluster('aks1', {}),
        cliSetting('aks1', 'ops', { workspaceId: WS, logs: [log('kube-apiserver'), log('kube-audit', false)] }),
        cliSetting('aks1', 'nowhere', { logs: [log('kube-audit-admin')] }),
      ],
      findings: [
        {
          severity: 'high',
          message: 'cluster aks1 collects no kube-audit or kube-audit-admin logs: its diagnostic settings (ops, nowhere) do not send them anywhere',
          evidence: { observed: [{ diagnosticSetting: 'ops', categories: ['kube-apiserver'] }, { diagnosticSetting: 'nowhere', categories: ['kube-audit-admin'], destinations: [] }] },
          verify: LIST,
        },
      ],
    },
    {
      // Azure Monitor stopped applying these retention policies in September 2025: none of them decides.
      name: 'storage with a retention policy, short, long or forever: the lifecycle rules decide',
      resources: [
        restCluster('aks1', {}),
        restSetting('aks1', 'audit', { storageAccountId: SA, logs: [log('kube-audit', true, 30), log('kube-audit-admin', true, 60)] }),
        restCluster('aks2', {}),
        restSetting('aks2', 'audit', { storageAccountId: SA, logs: [log('kube-audit-admin', true, 365)] }),
        cliCluster('aks3', {}),
        cliSetting('aks3', 'audit', { storageAccountId: SA, workspaceId: null, logs: [log('kube-apiserver', true, 7), log('kube-audit', true, 0)] }),
      ],
      findings: [
        {
          resource: 'Microsoft.ContainerService/managedClusters/aks1',
          severity: 'info',
          message: "cluster aks1 sends kube-audit logs to a storage account (diagnostic setting audit) whose retention the scan cannot see (diagnostic settings no longer apply a retention to storage accounts; the account's lifecycle management rules decide): check that it keeps them at least 90 days",
        },
        { resource: 'Microsoft.ContainerService/managedClusters/aks2', severity: 'info', message: /storage account .*lifecycle management rules decide/ },
        { resource: 'Microsoft.ContainerService/managedClusters/aks3', severity: 'info', message: /storage account .*lifecycle management rules decide/ },
      ],
    },
    {
      name: 'the required days come from the settings',
      aks: { auditRetentionDays: 30 },
      resources: [restCluster('aks1', {}), restSetting('aks1', 'grp', { storageAccountId: SA, logs: [{ categoryGroup: 'audit', enabled: true, retentionPolicy: { enabled: true, days: 90 } }] })],
      findings: [{ severity: 'info', message: /check that it keeps them at least 30 days$/ }],
    },
    {
      name: 'workspace destination: retention lives on the workspace, a note to check',
      resources: [cliCluster('aks1', {}), cliSetting('aks1', 'audit', { workspaceId: WS, storageAccountId: null, logs: [log('kube-audit')] })],
      findings: [
        {
          severity: 'info',
          message: 'cluster aks1 sends kube-audit logs to a Log Analytics workspace (diagnostic setting audit) whose retention the scan cannot see (the workspace and its tables set it): check that it keeps them at least 90 days',
        },
      ],
    },
    {
      name: 'only kube-audit-admin: the note names it and what it leaves out',
      resources: [cliCluster('aks1', {}), cliSetting('aks1', 'audit', { workspaceId: WS, storageAccountId: null, logs: [log('kube-audit-admin')] })],
      findings: [
        {
          severity: 'info',
          message:
            'cluster aks1 sends kube-audit-admin logs to a Log Analytics workspace (diagnostic setting audit) whose retention the scan cannot see (the workspace and its tables set it): ' +
            'check that it keeps them at least 90 days; kube-audit-admin leaves out get and list requests (secret reads, and exec, attach and port-forward, which kubectl 1.30 ' +
            'and later open as a WebSocket GET): only kube-audit records them',
          evidence: { observed: { diagnosticSetting: 'audit', categories: ['kube-audit-admin'] } },
        },
      ],
    },
    {
      name: 'kube-audit in a later setting is the one the note is about',
      resources: [
        restCluster('aks1', {}),
        restSetting('aks1', 'admin', { workspaceId: WS, logs: [log('kube-audit-admin')] }),
        restSetting('aks1', 'full', { storageAccountId: SA, logs: [log('kube-audit')] }),
      ],
      findings: [{ severity: 'info', message: /^cluster aks1 sends kube-audit logs to a storage account \(diagnostic setting full\).*90 days$/ }],
    },
    {
      name: 'storage without a retention policy: its lifecycle rules decide',
      resources: [restCluster('aks1', {}), restSetting('aks1', 'audit', { storageAccountId: SA, logs: [log('kube-audit')] })],
      findings: [{ severity: 'info', message: /storage account .*lifecycle management rules decide/ }],
    },
    {
      name: 'a template child setting whose destination is not known offline',
      resources: [
        templateCluster('aks1', {}),
        resource(
          'Microsoft.ContainerService/managedClusters/providers/diagnosticSettings',
          'arm-template',
          { name: 'aks1/Microsoft.Insights/audit', properties: { workspaceId: unknown("parameter 'workspaceId' has no default value"), logs: [log('kube-audit')] } },
          'aks1/Microsoft.Insights/audit',
        ),
      ],
      findings: [{ severity: 'info', message: /destination is not known offline: parameter 'workspaceId'/, verify: /^az monitor diagnostic-settings list --resource \$\(az aks show --resource-group <resource-group> --name aks1 --query id -o tsv\) -o json$/ }],
    },
    {
      name: 'log entries the scan cannot decide: info',
      resources: [restCluster('aks1', {}), restSetting('aks1', 'audit', { workspaceId: WS, logs: [{ category: unknown("parameter 'category' has no default value"), enabled: true }] })],
      findings: [{ severity: 'info', message: /diagnostic setting audit has log categories the scan cannot decide \(parameter 'category'/ }],
    },
    {
      name: 'Terraform: a diagnostic setting without audit categories',
      resources: [
        tfCluster('main', {}),
        resource('azurerm_monitor_diagnostic_setting', 'terraform-plan', { name: 'diag', target_resource_id: '${azurerm_kubernetes_cluster.main.id}', log_analytics_workspace_id: WS, enabled_log: [{ category: 'kube-apiserver' }] }, 'diag', 'terraform'),
      ],
      findings: [{ resource: 'azurerm_kubernetes_cluster/main', severity: 'high', message: /diagnostic settings \(diag\)/ }],
    },
    {
      name: 'Terraform: enabled_log kube-audit-admin only; the list command names the resource group',
      resources: [
        tfCluster('main', { name: 'aks-main' }),
        resource('azurerm_monitor_diagnostic_setting', 'terraform-plan', { name: 'diag', target_resource_id: '${azurerm_kubernetes_cluster.main.id}', log_analytics_workspace_id: WS, enabled_log: [{ category: 'kube-audit-admin' }] }, 'diag', 'terraform'),
      ],
      findings: [
        {
          severity: 'info',
          message: /^cluster aks-main sends kube-audit-admin logs to a Log Analytics workspace .*; kube-audit-admin leaves out get and list requests \(secret reads, and exec/,
          verify: 'az monitor diagnostic-settings list --resource $(az aks show --resource-group rg-prod --name aks-main --query id -o tsv) -o json',
        },
      ],
    },
  ],
});
