import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { aksClusterOf, CLUSTER_KINDS, MANAGED_CLUSTER_TYPE, UNKNOWN_KEY, type AksCluster } from '../../../src/analyses/aks/index.js';
import { diagnosticSettingsFor } from '../../../src/analyses/aks/diagnostics.js';
import { Inventory } from '../../../src/core/inventory.js';
import type { Obj, Resource } from '../../../src/core/resource.js';
import { ingestPaths } from '../../../src/ingest/files.js';
import { tempTree } from '../../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The clusters of `.tf` files as a scan sees them, with the inventory they were read in. */
async function clustersOf(files: Record<string, string>): Promise<{ clusters: AksCluster[]; inventory: Inventory }> {
  const dir = tempTree(files);
  dirs.push(dir);
  const { resources } = await ingestPaths([dir], { terraformEnvironment: {} });
  const inventory = new Inventory(resources);
  const clusters = CLUSTER_KINDS.flatMap((k) => inventory.byKind(k)).flatMap((r) => aksClusterOf(r, inventory) ?? []);
  return { clusters, inventory };
}

const CLUSTER = `resource "azapi_resource" "this" {
  type      = "Microsoft.ContainerService/managedClusters@2025-10-01"
  name      = "aks-prod"
  parent_id = "/subscriptions/s/resourceGroups/rg-prod"
  body = {
    sku = { name = "Base", tier = "Standard" }
    properties = {
      disableLocalAccounts = true
      agentPoolProfiles    = [{ name = "system", mode = "System", vnetSubnetID = azurerm_subnet.nodes.id }]
    }
  }
}
`;

describe('an AKS cluster written as an AzAPI resource', () => {
  it('reads the body as the ARM resource: settings under body.properties, the tier under body.sku, the Azure name', async () => {
    const { clusters } = await clustersOf({ 'main.tf': CLUSTER });
    expect(clusters).toHaveLength(1);
    const c = clusters[0] as AksCluster;
    expect([c.name, c.shape, c.resource.kind]).toEqual(['aks-prod', 'terraform-hcl', MANAGED_CLUSTER_TYPE]);
    expect(c.get('disableLocalAccounts')).toEqual({ value: true, known: true, field: 'body.properties.disableLocalAccounts' });
    expect(c.get('@sku.tier')).toEqual({ value: 'Standard', known: true, field: 'body.sku.tier' });
    expect(c.get('enableRBAC')).toEqual({ value: undefined, known: true, absent: true, field: 'body.properties.enableRBAC' });
    expect(c.nodePools.map((p) => p.name)).toEqual(['system']);
    const subnet = c.nodePools[0]?.get('vnetSubnetID');
    expect([subnet?.known, subnet?.field, subnet?.reason]).toEqual([false, 'body.properties.agentPoolProfiles[0].vnetSubnetID', 'azurerm_subnet.nodes.id is resolved by Terraform']);
  });

  it('a body from a local holding another resource id keeps the rest of the local known', async () => {
    const { clusters } = await clustersOf({
      'main.tf': `variable "tier" {
  default = "Standard"
}
locals {
  sku  = { name = "Base", tier = var.tier }
  body = merge({ sku = local.sku }, { properties = { dnsPrefix = azurerm_resource_group.rg.name, disableLocalAccounts = true } })
}
resource "azapi_resource" "this" {
  type = "Microsoft.ContainerService/managedClusters@2025-10-01"
  name = "aks-prod"
  body = local.body
}
`,
    });
    const c = clusters[0] as AksCluster;
    expect(c.get('disableLocalAccounts')).toEqual({ value: true, known: true, field: 'body.properties.disableLocalAccounts' });
    expect(c.get('@sku.tier')).toEqual({ value: 'Standard', known: true, field: 'body.sku.tier' });
    expect(c.get('dnsPrefix')).toEqual({ value: undefined, known: false, field: 'body.properties.dnsPrefix', reason: 'local.body (properties.dnsPrefix) is resolved by Terraform' });
    // Not written, so the service default: the body is known to hold no such key.
    expect(c.get('enableRBAC')).toMatchObject({ known: true, absent: true });
  });

  it('a body Terraform alone decides makes every setting unknown, saying why', async () => {
    const { clusters } = await clustersOf({
      'main.tf': `resource "azapi_resource" "this" {
  type = "Microsoft.ContainerService/managedClusters@2025-10-01"
  name = "aks-prod"
  body = data.azapi_resource.template.output
}
`,
    });
    const c = clusters[0] as AksCluster;
    expect(c.get('disableLocalAccounts')).toEqual({ value: undefined, known: false, field: 'body', reason: 'data.azapi_resource.template.output is resolved by Terraform' });
    expect(c.get('@sku.tier')).toMatchObject({ known: false, field: 'body' });
    expect(c.nodePools).toEqual([]);
  });

  it('an AzAPI cluster of count = 2 is two clusters, each named as Terraform names it', async () => {
    const { clusters } = await clustersOf({
      'main.tf': `resource "azapi_resource" "this" {
  count = 2
  type  = "Microsoft.ContainerService/managedClusters@2025-10-01"
  name  = "aks-\${count.index}"
  body  = { properties = { disableLocalAccounts = count.index == 0 } }
}
`,
    });
    expect(clusters.map((c) => [c.resource.name, c.name, c.get('disableLocalAccounts').value])).toEqual([
      ['this[0]', 'aks-0', true],
      ['this[1]', 'aks-1', false],
    ]);
  });
});

describe('separate pools of AzAPI and azurerm clusters', () => {
  it('links AzAPI pools by parent_id and azurerm pools by kubernetes_cluster_id, across the two providers, each read in its own terms', async () => {
    const { clusters } = await clustersOf({
      'main.tf': `${CLUSTER}
resource "azurerm_kubernetes_cluster" "legacy" {
  name = "aks-legacy"
  default_node_pool {
    name = "system"
  }
}

resource "azapi_resource" "user" {
  type      = "Microsoft.ContainerService/managedClusters/agentPools@2025-10-01"
  name      = "user"
  parent_id = azapi_resource.this.id
  body      = { properties = { mode = "User", enableNodePublicIP = true } }
}

resource "azapi_resource" "preview" {
  type      = "Microsoft.ContainerService/managedClusters/agentPools@2025-10-01"
  name      = "preview"
  parent_id = azurerm_kubernetes_cluster.legacy.id
  body      = { properties = { enableNodePublicIP = false } }
}

resource "azurerm_kubernetes_cluster_node_pool" "batch" {
  name                   = "batch"
  kubernetes_cluster_id  = azapi_resource.this.id
  node_public_ip_enabled = true
}
`,
    });
    const pools = Object.fromEntries(clusters.map((c) => [c.name, c.nodePools.map((p) => `${p.name}:${String(p.get('enableNodePublicIP').value)}@${p.get('enableNodePublicIP').field}`)]));
    expect(pools).toEqual({
      'aks-legacy': ['system:undefined@default_node_pool[0].node_public_ip_enabled', 'preview:false@body.properties.enableNodePublicIP'],
      'aks-prod': ['system:undefined@body.properties.agentPoolProfiles[0].enableNodePublicIP', 'batch:true@node_public_ip_enabled', 'user:true@body.properties.enableNodePublicIP'],
    });
  });

  it('a pool naming another AzAPI resource belongs to no cluster; one naming a variable belongs to the only cluster', async () => {
    const { clusters } = await clustersOf({
      'main.tf': `${CLUSTER}
resource "azapi_resource" "elsewhere" {
  type      = "Microsoft.ContainerService/managedClusters/agentPools@2025-10-01"
  name      = "elsewhere"
  parent_id = azapi_resource.other.id
}

variable "cluster_id" {
  type = string
}

resource "azapi_resource" "byvar" {
  type      = "Microsoft.ContainerService/managedClusters/agentPools@2025-10-01"
  name      = "byvar"
  parent_id = var.cluster_id
}
`,
    });
    expect(clusters.map((c) => c.nodePools.map((p) => p.name))).toEqual([['system', 'byvar']]);
  });

  it('in a plan, the pool own address in a reason is not a reference: a pool whose parent comes from a variable joins the only cluster', () => {
    const file = 'plan.json';
    const res = (label: string, kind: string, object: Obj): Resource => ({ apiVersion: 'terraform', kind, namespace: null, name: label, object, source: { file, line: 1 }, format: 'terraform-plan' });
    const cluster = res('this', MANAGED_CLUSTER_TYPE, { name: 'aks-prod', type: `${MANAGED_CLUSTER_TYPE}@2025-10-01`, body: { properties: {} } });
    const pool = res('pool', `${MANAGED_CLUSTER_TYPE}/agentPools`, {
      name: 'pool',
      parent_id: { [UNKNOWN_KEY]: 'azapi_resource.pool.parent_id is known only after apply (from var.cluster_id)' },
      body: { properties: { mode: 'User' } },
    });
    const inventory = new Inventory([cluster, pool]);
    expect(aksClusterOf(cluster, inventory)?.nodePools.map((p) => p.name)).toEqual(['pool']);
  });
});

describe('diagnostic settings of an AzAPI cluster', () => {
  it('a setting targeting azapi_resource.this.id is that cluster’s, not another cluster’s', async () => {
    const { clusters, inventory } = await clustersOf({
      'main.tf': `${CLUSTER}
resource "azurerm_kubernetes_cluster" "legacy" {
  name = "aks-legacy"
}

resource "azurerm_monitor_diagnostic_setting" "audit" {
  name                       = "audit"
  target_resource_id         = azapi_resource.this.id
  log_analytics_workspace_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/w"
  enabled_log {
    category = "kube-audit-admin"
  }
}
`,
    });
    expect(Object.fromEntries(clusters.map((c) => [c.name, diagnosticSettingsFor(c, inventory)?.map((d) => d.name)]))).toEqual({ 'aks-prod': ['audit'], 'aks-legacy': [] });
  });
});

describe('AzAPI bodies written as strings (AzAPI before 2.0)', () => {
  it('reads jsonencode({...}) value by value: what only Terraform knows is unknown in place, the rest known', async () => {
    const { clusters } = await clustersOf({
      'main.tf': `variable "local_accounts_off" {
  default = true
}
resource "azapi_resource" "this" {
  type = "Microsoft.ContainerService/managedClusters@2023-01-01"
  name = "aks-prod"
  body = jsonencode({
    properties = {
      disableLocalAccounts = var.local_accounts_off
      kubernetesVersion    = data.azurerm_kubernetes_service_versions.current.latest_version
      agentPoolProfiles    = [{ name = "system", mode = "System", vnetSubnetID = azurerm_subnet.nodes.id, enableNodePublicIP = false }]
    }
  })
}
`,
    });
    const c = clusters[0] as AksCluster;
    expect(c.get('disableLocalAccounts')).toEqual({ value: true, known: true, field: 'body.properties.disableLocalAccounts' });
    expect(c.get('kubernetesVersion')).toMatchObject({ known: false, reason: 'azapi_resource.this.body.properties.kubernetesVersion is resolved by Terraform' });
    const pool = c.nodePools[0];
    expect([pool?.name, pool?.get('enableNodePublicIP').value, pool?.get('vnetSubnetID').known]).toEqual(['system', false, false]);
  });

  it('a jsonencode Terraform would refuse, or whose value is unknown as a whole, leaves the body unknown', async () => {
    const { clusters } = await clustersOf({
      'main.tf': `resource "azapi_resource" "refused" {
  type = "Microsoft.ContainerService/managedClusters@2023-01-01"
  name = "a"
  body = jsonencode({ properties = { disableLocalAccounts = [1, 2][5] } })
}
resource "azapi_resource" "whole" {
  type = "Microsoft.ContainerService/managedClusters@2023-01-01"
  name = "b"
  body = jsonencode(local.from_elsewhere)
}
`,
    });
    expect(clusters.map((c) => [c.name, c.get('disableLocalAccounts').known])).toEqual([
      ['a', false],
      ['b', false],
    ]);
  });

  it('decodes a JSON heredoc; one that is not a JSON object is unknown, never read as an empty body', async () => {
    const { clusters } = await clustersOf({
      'main.tf': `resource "azapi_resource" "json" {
  type = "Microsoft.ContainerService/managedClusters@2023-01-01"
  name = "json"
  body = <<BODY
{"sku": {"name": "Base", "tier": "Standard"}, "properties": {"disableLocalAccounts": true}}
BODY
}
resource "azapi_resource" "broken" {
  type = "Microsoft.ContainerService/managedClusters@2023-01-01"
  name = "broken"
  body = "{\\"properties\\": "
}
resource "azapi_resource" "number" {
  type = "Microsoft.ContainerService/managedClusters@2023-01-01"
  name = "number"
  body = 42
}
`,
    });
    const byName = Object.fromEntries(clusters.map((c) => [c.name, c]));
    expect(byName.json?.get('disableLocalAccounts')).toEqual({ value: true, known: true, field: 'body.properties.disableLocalAccounts' });
    expect(byName.json?.get('@sku.tier').value).toBe('Standard');
    expect(byName.broken?.get('disableLocalAccounts')).toEqual({ value: undefined, known: false, field: 'body', reason: 'azapi_resource.broken.body is a string that is not a JSON object' });
    expect(byName.number?.get('disableLocalAccounts')).toMatchObject({ known: false, field: 'body' });
  });
});

describe('linking in plans', () => {
  const file = 'plan.json';
  const res = (name: string, kind: string, object: Obj): Resource => ({ apiVersion: 'terraform', kind, namespace: null, name, object, source: { file, line: 1 }, format: 'terraform-plan' });
  const azapiCluster = (name: string, azureName: string) => res(name, MANAGED_CLUSTER_TYPE, { name: azureName, body: { properties: {} } });
  const after = (address: string, refs: string) => ({ [UNKNOWN_KEY]: `${address} is known only after apply (from ${refs})` });

  it('a pool of one instance of a counted cluster is not every instance’s: the bare reference a plan adds names no other', () => {
    const pool = res('pool', `${MANAGED_CLUSTER_TYPE}/agentPools`, { name: 'user', parent_id: after('azapi_resource.pool.parent_id', 'azapi_resource.this[0].id, azapi_resource.this[0], azapi_resource.this'), body: { properties: {} } });
    const clusters = [azapiCluster('this[0]', 'aks-0'), azapiCluster('this[1]', 'aks-1')];
    const inventory = new Inventory([...clusters, pool]);
    expect(clusters.map((c) => aksClusterOf(c, inventory)?.nodePools.map((p) => p.name))).toEqual([['user'], []]);
  });

  it('a pool whose reference names an AzAPI cluster beside an azurerm one the plan does not hold is linked to the AzAPI cluster', () => {
    const pool = res('pool', 'azurerm_kubernetes_cluster_node_pool', {
      name: 'user',
      kubernetes_cluster_id: after('azurerm_kubernetes_cluster_node_pool.pool.kubernetes_cluster_id', 'var.use_azapi, azapi_resource.aks[0].id, azapi_resource.aks[0], azapi_resource.aks, azurerm_kubernetes_cluster.aks[0].id, azurerm_kubernetes_cluster.aks[0], azurerm_kubernetes_cluster.aks'),
    });
    const cluster = azapiCluster('aks[0]', 'aks');
    const other = azapiCluster('other', 'aks-other');
    const inventory = new Inventory([cluster, other, pool]);
    expect([cluster, other].map((c) => aksClusterOf(c, inventory)?.nodePools.map((p) => p.name))).toEqual([['user'], []]);
  });
});

describe('diagnostic settings written with AzAPI', () => {
  it('are read from the body and attached through parent_id', async () => {
    const { clusters, inventory } = await clustersOf({
      'main.tf': `${CLUSTER}
resource "azurerm_kubernetes_cluster" "legacy" {
  name = "aks-legacy"
}

resource "azapi_resource" "audit" {
  type      = "Microsoft.Insights/diagnosticSettings@2021-05-01-preview"
  name      = "audit"
  parent_id = azapi_resource.this.id
  body = {
    properties = {
      workspaceId = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/w"
      logs        = [{ categoryGroup = "audit", enabled = true }]
    }
  }
}
`,
    });
    const settings = Object.fromEntries(clusters.map((c) => [c.name, diagnosticSettingsFor(c, inventory)]));
    expect(settings['aks-legacy']).toEqual([]);
    const audit = settings['aks-prod']?.[0];
    expect([audit?.name, audit?.destinations.workspace, audit?.logs.map((l) => `${l.category}@${l.field}`)]).toEqual([
      'audit',
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/w',
      ['kube-audit@body.properties.logs[0]', 'kube-audit-admin@body.properties.logs[0]', 'guard@body.properties.logs[0]'],
    ]);
  });
});
