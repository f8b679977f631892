import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Obj } from '../../src/core/resource.js';
import { runCli, tempTree } from '../helpers/cli.js';

const CLUSTER_TYPE = 'Microsoft.ContainerService/managedClusters@2025-10-01';
const POOL_TYPE = 'Microsoft.ContainerService/managedClusters/agentPools@2025-10-01';
const GROUP = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod';

/**
 * `terraform show -json` of a plan creating a cluster the way the Azure Verified Module for AKS does:
 * the cluster as `azapi_resource.this` in `module.aks`, each extra pool in a pool module it calls with
 * `parent_id = azapi_resource.this.id` (inside the pool module: `var.parent_id`), and a diagnostic
 * setting targeting the cluster. Ids are known only after apply.
 */
function avmPlan(poolPublicIp: boolean, diagnosticTarget = 'azapi_resource.this'): Obj {
  const poolModule = 'module.aks.module.nodepools["user"]';
  return {
    format_version: '1.2',
    terraform_version: '1.11.0',
    planned_values: {
      root_module: {
        child_modules: [
          {
            address: 'module.aks',
            resources: [
              {
                address: 'module.aks.azapi_resource.this',
                mode: 'managed',
                type: 'azapi_resource',
                name: 'this',
                values: {
                  type: CLUSTER_TYPE,
                  name: 'aks-prod',
                  parent_id: GROUP,
                  location: 'westeurope',
                  identity: [{ type: 'SystemAssigned', identity_ids: [] }],
                  body: {
                    sku: { name: 'Base', tier: 'Standard' },
                    properties: {
                      kubernetesVersion: '1.33',
                      enableRBAC: true,
                      disableLocalAccounts: false,
                      aadProfile: { managed: true, enableAzureRBAC: true },
                      agentPoolProfiles: [{ name: 'system', mode: 'System', count: 3, vmSize: 'Standard_D4ds_v5', nodeTaints: ['CriticalAddonsOnly=true:NoSchedule'] }],
                    },
                  },
                },
              },
              {
                address: 'module.aks.azurerm_monitor_diagnostic_setting.this["audit"]',
                mode: 'managed',
                type: 'azurerm_monitor_diagnostic_setting',
                name: 'this',
                index: 'audit',
                values: {
                  name: 'audit',
                  log_analytics_workspace_id: `${GROUP}/providers/Microsoft.OperationalInsights/workspaces/logs`,
                  enabled_log: [{ category: 'kube-audit-admin', category_group: '' }],
                },
              },
            ],
            child_modules: [
              {
                address: poolModule,
                resources: [
                  {
                    address: `${poolModule}.azapi_resource.this[0]`,
                    mode: 'managed',
                    type: 'azapi_resource',
                    name: 'this',
                    index: 0,
                    values: { type: POOL_TYPE, name: 'user', body: { properties: { mode: 'User', count: 2, vmSize: 'Standard_D4ds_v5', enableNodePublicIP: poolPublicIp } } },
                  },
                ],
              },
            ],
          },
        ],
      },
    },
    resource_changes: [
      { address: 'module.aks.azapi_resource.this', change: { actions: ['create'], after_unknown: { id: true, output: true } } },
      { address: 'module.aks.azurerm_monitor_diagnostic_setting.this["audit"]', change: { actions: ['create'], after_unknown: { id: true, target_resource_id: true } } },
      { address: `${poolModule}.azapi_resource.this[0]`, change: { actions: ['create'], after_unknown: { id: true, parent_id: true, output: true } } },
    ],
    configuration: {
      root_module: {
        module_calls: {
          aks: {
            source: 'Azure/avm-res-containerservice-managedcluster/azurerm',
            module: {
              resources: [
                { address: 'azapi_resource.this', mode: 'managed', type: 'azapi_resource', name: 'this', expressions: { parent_id: { references: ['var.parent_id'] }, body: { references: ['local.resource_body'] } } },
                {
                  address: 'azurerm_monitor_diagnostic_setting.this',
                  mode: 'managed',
                  type: 'azurerm_monitor_diagnostic_setting',
                  name: 'this',
                  expressions: { target_resource_id: { references: [`${diagnosticTarget}.id`, diagnosticTarget] } },
                },
              ],
              module_calls: {
                nodepools: {
                  source: './modules/nodepool',
                  expressions: { parent_id: { references: ['azapi_resource.this.id', 'azapi_resource.this'] } },
                  module: {
                    resources: [{ address: 'azapi_resource.this', mode: 'managed', type: 'azapi_resource', name: 'this', expressions: { parent_id: { references: ['var.parent_id'] } } }],
                  },
                },
              },
            },
          },
        },
      },
    },
  };
}

interface Finding {
  rule: string;
  severity: string;
  message: string;
  field?: string;
  resource: { kind: string; name: string };
  location?: { file: string; line: number };
}

async function scanPlan(plan: Obj): Promise<{ code: number | null; findings: Finding[]; notes: unknown[]; file: string }> {
  const dir = tempTree({ 'plan.json': JSON.stringify(plan, null, 2) });
  const file = join(dir, 'plan.json');
  const r = await runCli(['scan', file, '-f', 'json']);
  const report = JSON.parse(r.stdout) as { findings: Finding[]; notes?: unknown[] };
  return { code: r.code, findings: report.findings, notes: report.notes ?? [], file };
}

describe('palisade scan of a plan with an AzAPI cluster (the Azure Verified Module shape)', () => {
  it('checks the cluster body, its pool in the pool module, and the diagnostic setting that targets it', async () => {
    const { code, findings, file } = await scanPlan(avmPlan(true));
    expect(code).toBe(1);
    const local = findings.find((f) => f.rule === 'aks/local-accounts-enabled');
    expect(local).toMatchObject({
      severity: 'high',
      field: 'body.properties.disableLocalAccounts',
      resource: { kind: 'Microsoft.ContainerService/managedClusters', name: 'module.aks.this' },
      location: { file },
    });
    expect(local?.message).toMatch(/^cluster aks-prod keeps local accounts \(disableLocalAccounts is false\)/);
    const publicIp = findings.filter((f) => f.rule === 'aks/node-public-ip');
    expect(publicIp.map((f) => [f.resource.name, f.field, f.message])).toEqual([
      ['module.aks.module.nodepools["user"].this[0]', 'body.properties.enableNodePublicIP', 'node pool user of cluster aks-prod gives every node a public IP address (enableNodePublicIP is true)'],
    ]);
    // The setting collects kube-audit-admin for this cluster: the audit-log rule has nothing to say.
    expect(findings.filter((f) => f.rule === 'aks/audit-logs-not-collected' && f.severity !== 'info')).toEqual([]);
    // What the body sets is not reported as missing.
    expect(findings.filter((f) => ['aks/kubernetes-rbac-disabled', 'aks/entra-id-not-managed', 'aks/azure-rbac-disabled', 'aks/system-pool-not-tainted'].includes(f.rule))).toEqual([]);
  });

  it('a diagnostic setting of another AzAPI resource does not count for the cluster', async () => {
    const { findings } = await scanPlan(avmPlan(false, 'azapi_resource.workspace'));
    expect(findings.filter((f) => f.rule === 'aks/audit-logs-not-collected').map((f) => [f.severity, f.message])).toEqual([
      ['high', expect.stringMatching(/^cluster aks-prod /)],
    ]);
  });

  it('a pool without a public IP gives no such finding', async () => {
    const { findings } = await scanPlan(avmPlan(false));
    expect(findings.filter((f) => f.rule === 'aks/node-public-ip')).toEqual([]);
  });
});
