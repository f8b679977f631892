import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestPaths } from '../../../src/ingest/files.js';
import { decode, decodeAsync, unknown } from './helpers.js';

const plan = {
  format_version: '1.2',
  terraform_version: '1.9.5',
  planned_values: {
    root_module: {
      resources: [
        {
          address: 'azurerm_kubernetes_cluster.main',
          mode: 'managed',
          type: 'azurerm_kubernetes_cluster',
          name: 'main',
          provider_name: 'registry.terraform.io/hashicorp/azurerm',
          values: {
            name: 'aks-main',
            role_based_access_control_enabled: true,
            local_account_disabled: false,
            default_node_pool: [{ name: 'system', node_count: 3, only_critical_addons_enabled: true }],
            oms_agent: [{ msi_auth_for_monitoring_enabled: true }],
          },
        },
        {
          address: 'azurerm_resource_group.rg',
          mode: 'managed',
          type: 'azurerm_resource_group',
          name: 'rg',
          values: { name: 'rg' },
        },
        {
          address: 'data.azurerm_kubernetes_cluster.existing',
          mode: 'data',
          type: 'azurerm_kubernetes_cluster',
          name: 'existing',
          values: { name: 'x' },
        },
      ],
      child_modules: [
        {
          address: 'module.pools',
          resources: [
            {
              address: 'module.pools.azurerm_kubernetes_cluster_node_pool.user[0]',
              mode: 'managed',
              type: 'azurerm_kubernetes_cluster_node_pool',
              name: 'user',
              index: 0,
              values: { name: 'user0', node_public_ip_enabled: false },
            },
            {
              address: 'module.pools.azurerm_monitor_diagnostic_setting.audit["aks"]',
              mode: 'managed',
              type: 'azurerm_monitor_diagnostic_setting',
              name: 'audit',
              index: 'aks',
              values: { name: 'audit', enabled_log: [{ category: 'kube-audit' }] },
            },
          ],
        },
      ],
    },
  },
  resource_changes: [
    {
      address: 'azurerm_kubernetes_cluster.main',
      type: 'azurerm_kubernetes_cluster',
      name: 'main',
      change: {
        actions: ['create'],
        before: null,
        after: {},
        after_unknown: {
          id: true,
          kube_config: true,
          default_node_pool: [{ vnet_subnet_id: true, node_count: false }],
          oms_agent: [{ log_analytics_workspace_id: true }],
          local_account_disabled: false,
        },
      },
    },
    {
      address: 'module.pools.azurerm_monitor_diagnostic_setting.audit["aks"]',
      change: { actions: ['create'], after_unknown: { target_resource_id: true, log_analytics_workspace_id: true } },
    },
  ],
};

describe('Terraform plan JSON (terraform show -json)', () => {
  const text = JSON.stringify(plan, null, 2);
  const sink = decode(text, 'plan.json');

  it('reads the AKS resources of every module, named by label with module path and instance key', () => {
    expect(sink.errors).toEqual([]);
    expect(sink.notes).toEqual([]);
    expect(sink.resources.map((r) => [r.kind, r.name, r.apiVersion, r.format, r.namespace])).toEqual([
      ['azurerm_kubernetes_cluster', 'main', 'terraform', 'terraform-plan', null],
      ['azurerm_kubernetes_cluster_node_pool', 'module.pools.user[0]', 'terraform', 'terraform-plan', null],
      ['azurerm_monitor_diagnostic_setting', 'module.pools.audit["aks"]', 'terraform', 'terraform-plan', null],
    ]);
  });

  it('keeps planned values and marks after_unknown values, nested blocks included', () => {
    const cluster = sink.resources[0]?.object;
    expect(cluster).toEqual({
      name: 'aks-main',
      role_based_access_control_enabled: true,
      local_account_disabled: false,
      id: unknown('azurerm_kubernetes_cluster.main.id is known only after apply'),
      kube_config: unknown(/kube_config is known only after apply/),
      default_node_pool: [{ name: 'system', node_count: 3, only_critical_addons_enabled: true, vnet_subnet_id: unknown(/vnet_subnet_id/) }],
      oms_agent: [{ msi_auth_for_monitoring_enabled: true, log_analytics_workspace_id: unknown(/log_analytics_workspace_id/) }],
    });
    expect(sink.resources[2]?.object.log_analytics_workspace_id).toEqual(unknown(/known only after apply/));
    // The plan itself is left as it was.
    expect(plan.planned_values.root_module.resources[0]?.values).not.toHaveProperty('id');
  });

  it('places each resource at its address in the file', () => {
    const line = text.split('\n').findIndex((l) => l.includes('"address": "azurerm_kubernetes_cluster.main"')) + 1;
    expect(sink.resources[0]?.source).toEqual({ file: 'plan.json', line });
  });

  it('reads state JSON (values.root_module) the same way', () => {
    const state = { format_version: '1.0', terraform_version: '1.9.5', values: { root_module: plan.planned_values.root_module } };
    const s = decode(JSON.stringify(state));
    expect(s.resources.map((r) => r.name)).toEqual(['main', 'module.pools.user[0]', 'module.pools.audit["aks"]']);
    expect(s.resources[0]?.object.id).toBeUndefined();
  });

  it('notes a plan without AKS resources', () => {
    const s = decode(JSON.stringify({ format_version: '1.2', planned_values: { root_module: {} } }));
    expect(s.resources).toEqual([]);
    expect(s.notes[0]?.message).toMatch(/Terraform plan without/);
  });
});

const HCL = `variable "authorized_ranges" {
  type = list(string)
}

resource "azurerm_resource_group" "rg" {
  name     = "rg-aks"
  location = "westeurope"
}

resource "azurerm_kubernetes_cluster" "example" {
  name                              = "aks-example"
  location                          = azurerm_resource_group.rg.location
  dns_prefix                        = "\${var.prefix}-aks"
  role_based_access_control_enabled = true
  local_account_disabled            = false
  sku_tier                          = "Standard"
  note                              = "literal $\${not_interpolated}"
  tags                              = { env = "prod", owner = var.owner }

  default_node_pool {
    name                   = "system"
    node_count             = 3
    vm_size                = "Standard_D4s_v5"
    node_public_ip_enabled = false
  }

  api_server_access_profile {
    authorized_ip_ranges = var.authorized_ranges
  }

  dynamic "key_vault_secrets_provider" {
    for_each = var.kv ? [1] : []
    content {
      secret_rotation_enabled = true
    }
  }

  lifecycle {
    ignore_changes = [tags]
  }
}

resource azurerm_kubernetes_cluster_node_pool user {
  kubernetes_cluster_id = azurerm_kubernetes_cluster.example.id
  name                  = "user"
  fips_enabled          = true
}

resource "azurerm_kubernetes_cluster" "disabled" {
  count = 0
  name  = "never"
}
`;

describe('Terraform HCL (.tf)', () => {
  it('turns resource blocks into plan-style values, references into unknown markers', async () => {
    const sink = await decodeAsync(HCL, 'infra/main.tf');
    expect(sink.errors).toEqual([]);
    expect(sink.notes).toEqual([]);
    expect(sink.resources.map((r) => [r.kind, r.name, r.apiVersion, r.format, r.source.line])).toEqual([
      ['azurerm_kubernetes_cluster', 'example', 'terraform', 'terraform-hcl', 10],
      ['azurerm_kubernetes_cluster_node_pool', 'user', 'terraform', 'terraform-hcl', 43],
    ]);
    expect(sink.resources[0]?.object).toEqual({
      name: 'aks-example',
      location: unknown('azurerm_resource_group.rg.location is resolved by Terraform'),
      dns_prefix: unknown('${var.prefix}-aks is resolved by Terraform'),
      role_based_access_control_enabled: true,
      local_account_disabled: false,
      sku_tier: 'Standard',
      note: 'literal ${not_interpolated}',
      tags: { env: 'prod', owner: unknown('var.owner is resolved by Terraform') },
      default_node_pool: [{ name: 'system', node_count: 3, vm_size: 'Standard_D4s_v5', node_public_ip_enabled: false }],
      api_server_access_profile: [{ authorized_ip_ranges: unknown('var.authorized_ranges has no default: its value is given when Terraform runs (-var, a .tfvars file)') }],
      key_vault_secrets_provider: unknown('azurerm_kubernetes_cluster.example.key_vault_secrets_provider is a dynamic block, expanded by Terraform'),
    });
    expect(sink.resources[1]?.object).toEqual({ kubernetes_cluster_id: unknown(/azurerm_kubernetes_cluster\.example\.id/), name: 'user', fips_enabled: true });
  });

  it('resolves locals written as literals, and keeps variables and other references unknown', async () => {
    const tf = `locals {
  private = true
  prefix  = "shop"
  name    = "aks-\${local.prefix}"
  ranges  = ["203.0.113.0/24"]
  pools   = { user = { max_pods = 110 } }
  from_var = var.private
}
locals {
  cycle_a = local.cycle_b
  cycle_b = local.cycle_a
}

resource "azurerm_kubernetes_cluster" "aks" {
  name                    = local.name
  dns_prefix              = "\${local.prefix}-\${var.env}"
  private_cluster_enabled = local.private
  local_account_disabled  = local.from_var
  sku_tier                = local.cycle_a
  node_resource_group     = "mc-\${local.prefix}"
  default_node_pool {
    name     = "system"
    max_pods = local.pools.user.max_pods
    zones    = local.missing
  }
  api_server_access_profile {
    authorized_ip_ranges = local.ranges
  }
}
`;
    const sink = await decodeAsync(tf, 'locals.tf');
    expect(sink.errors).toEqual([]);
    expect(sink.resources[0]?.object).toEqual({
      name: 'aks-shop',
      dns_prefix: unknown('${local.prefix}-${var.env} is resolved by Terraform'),
      private_cluster_enabled: true,
      local_account_disabled: unknown('local.from_var is resolved by Terraform'),
      sku_tier: unknown('local.cycle_a is resolved by Terraform'),
      node_resource_group: 'mc-shop',
      default_node_pool: [{ name: 'system', max_pods: 110, zones: unknown('local.missing is resolved by Terraform') }],
      api_server_access_profile: [{ authorized_ip_ranges: ['203.0.113.0/24'] }],
    });
  });

  it('reports malformed HCL as an input error with file and line, and keeps going', async () => {
    const sink = await decodeAsync('resource "azurerm_kubernetes_cluster" "x" {\n  name = \n}\n', 'bad.tf');
    expect(sink.resources).toEqual([]);
    expect(sink.errors).toHaveLength(1);
    expect(sink.errors[0]).toMatchObject({ source: 'bad.tf', line: 2 });
    // The line is the error's own, not repeated in its message.
    expect(sink.errors[0]?.message).toMatch(/^invalid HCL: /);
    const unclosed = await decodeAsync('resource "azurerm_kubernetes_cluster" "x" {\n', 'open.tf');
    expect(unclosed.errors[0]).toMatchObject({ source: 'open.tf', line: 1 });
    // The parser still works after an error.
    expect((await decodeAsync(HCL, 'again.tf')).resources).toHaveLength(2);
  });

  it('refuses hostile nesting before parsing', async () => {
    const sink = await decodeAsync(`x = ${'['.repeat(5000)}${']'.repeat(5000)}\n`, 'deep.tf');
    expect(sink.errors[0]?.message).toMatch(/nesting deeper than/);
  });

  it('notes a file without AKS resources', async () => {
    const sink = await decodeAsync('resource "azurerm_resource_group" "rg" {\n  name = "x"\n}\n', 'rg.tf');
    expect(sink.resources).toEqual([]);
    expect(sink.errors).toEqual([]);
    expect(sink.notes[0]?.message).toMatch(/Terraform configuration without/);
  });

  it('reads Terraform JSON syntax (.tf.json) with the same conversion', () => {
    const config = { resource: { azurerm_kubernetes_cluster: { json: { name: 'aks-json', local_account_disabled: '${var.lad}', default_node_pool: [{ name: 'sys' }] } } } };
    const sink = decode(JSON.stringify(config, null, 2), 'main.tf.json');
    expect(sink.resources.map((r) => [r.kind, r.name, r.format, r.source.line])).toEqual([['azurerm_kubernetes_cluster', 'json', 'terraform-hcl', 4]]);
    expect(sink.resources[0]?.object).toEqual({ name: 'aks-json', local_account_disabled: unknown('var.lad is resolved by Terraform'), default_node_pool: [{ name: 'sys' }] });
  });
});

describe('directory scans and stdin', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'palisade-tf-'));
    await writeFile(join(dir, 'main.tf'), HCL);
    await writeFile(join(dir, 'broken.tf'), 'resource "a" "b" {\n  x = [1,\n}\n');
    await writeFile(join(dir, 'notes.txt'), 'not read');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('walks .tf files and reports the broken one', async () => {
    const result = await ingestPaths([dir]);
    expect(result.files).toBe(2);
    expect(result.resources.map((r) => r.name)).toEqual(['example', 'user']);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.source).toBe(join(dir, 'broken.tf'));
    expect(result.errors[0]?.line).toBeGreaterThanOrEqual(2);
  });

  it('reads HCL from stdin when it looks like HCL, YAML otherwise', async () => {
    const hcl = await ingestPaths(['-'], { readStdin: async () => HCL });
    expect(hcl.resources.map((r) => [r.name, r.source.file])).toEqual([['example', '-'], ['user', '-']]);
    const yaml = await ingestPaths(['-'], { readStdin: async () => 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: resource\n' });
    expect(yaml.resources.map((r) => r.kind)).toEqual(['Namespace']);
  });
});

describe('AKS clusters written with the AzAPI provider', () => {
  const AZAPI = `resource "azapi_resource" "this" {
  type      = "Microsoft.ContainerService/managedClusters@2025-10-01"
  name      = "aks-prod"
  parent_id = var.resource_group_id
  body = {
    properties = { disableLocalAccounts = false }
  }
}

resource "azapi_resource" "pool" {
  type      = "Microsoft.ContainerService/managedClusters/agentPools@2025-10-01"
  name      = "user"
  parent_id = azapi_resource.this.id
}

resource "azapi_update_resource" "version" {
  type        = "Microsoft.ContainerService/managedClusters@\${local.api_version}"
  resource_id = azapi_resource.this.id
}

resource "azapi_update_resource" "proxy" {
  count       = 0
  type        = "Microsoft.ContainerService/managedClusters@2025-10-01"
  resource_id = azapi_resource.this.id
}

resource "azapi_resource" "vnet" {
  type = "Microsoft.Network/virtualNetworks@2024-05-01"
  name = "vnet"
}

resource "azurerm_monitor_diagnostic_setting" "this" {
  name               = "aks"
  target_resource_id = azapi_resource.this.id
}
`;

  it('reads an AzAPI cluster and pool as the ARM resources their bodies describe, and notes an update', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'palisade-azapi-'));
    try {
      await writeFile(join(dir, 'main.tf'), AZAPI);
      const { resources, notes } = await ingestPaths([dir], { terraformEnvironment: {} });
      expect(resources.map((r) => [r.kind, r.name, r.format, r.source.line])).toEqual([
        ['Microsoft.ContainerService/managedClusters', 'this', 'terraform-hcl', 1],
        ['Microsoft.ContainerService/managedClusters/agentPools', 'pool', 'terraform-hcl', 10],
        ['azurerm_monitor_diagnostic_setting', 'this', 'terraform-hcl', 32],
      ]);
      const cluster = resources[0]?.object;
      expect(cluster?.body).toEqual({ properties: { disableLocalAccounts: false } });
      expect(cluster?.name).toBe('aks-prod');
      expect(resources[1]?.object.parent_id).toEqual(unknown('azapi_resource.this.id is resolved by Terraform'));
      // The update's version is an expression; the ARM type before it still says what it changes.
      expect(notes).toEqual([
        {
          source: join(dir, 'main.tf'),
          line: 16,
          message: 'azapi_update_resource.version changes an AKS cluster through the AzAPI provider; what it sets is not checked here (check the deployed cluster with palisade scan --aks RESOURCE_ID)',
        },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('evaluates the type (the Azure Verified Module names it in a variable), leaves out AzAPI resources of other types and notes one whose type is unknown', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'palisade-azapi-'));
    try {
      await writeFile(
        join(dir, 'main.tf'),
        `variable "resource_types" {
  default = { cluster = "Microsoft.ContainerService/managedClusters@2025-10-01" }
}
resource "azapi_resource" "this" {
  type = var.resource_types.cluster
  name = "aks"
  body = { properties = { enableRBAC = true } }
}
resource "azapi_resource" "unknown_type" {
  type = azapi_resource.other.output.type
  name = "x"
}
`,
      );
      const { resources, notes } = await ingestPaths([dir], { terraformEnvironment: {} });
      expect(resources.map((r) => [r.kind, r.name])).toEqual([['Microsoft.ContainerService/managedClusters', 'this']]);
      // A type only Terraform knows may be any: said.
      expect(notes).toEqual([
        {
          source: join(dir, 'main.tf'),
          line: 9,
          message:
            'azapi_resource.unknown_type: its type is known only when Terraform runs (azapi_resource.other.output.type is resolved by Terraform); if it creates an AKS cluster, node pool or diagnostic setting, that is not checked here',
        },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads a plan: the body as planned, a jsonencode body decoded, values known after apply marked', () => {
    const azapiPlan = {
      format_version: '1.2',
      planned_values: {
        root_module: {
          resources: [
            { address: 'azapi_resource.this', mode: 'managed', type: 'azapi_resource', name: 'this', values: { type: 'Microsoft.ContainerService/managedClusters@2025-10-01', name: 'aks', body: { properties: { enableRBAC: true, agentPoolProfiles: [{ name: 'system' }] } } } },
            { address: 'azapi_resource.old', mode: 'managed', type: 'azapi_resource', name: 'old', values: { type: 'Microsoft.ContainerService/managedClusters@2023-01-01', name: 'aks-old', body: '{"properties":{"disableLocalAccounts":true}}' } },
            { address: 'azapi_resource.bad', mode: 'managed', type: 'azapi_resource', name: 'bad', values: { type: 'Microsoft.ContainerService/managedClusters@2023-01-01', name: 'aks-bad', body: '{"properties":' } },
            { address: 'azapi_resource.vnet', mode: 'managed', type: 'azapi_resource', name: 'vnet', values: { type: 'Microsoft.Network/virtualNetworks@2024-05-01', body: {} } },
            { address: 'data.azapi_resource.c', mode: 'data', type: 'azapi_resource', name: 'c', values: { type: 'Microsoft.ContainerService/managedClusters@2025-10-01', body: {} } },
            { address: 'azapi_update_resource.u', mode: 'managed', type: 'azapi_update_resource', name: 'u', values: { type: 'Microsoft.ContainerService/managedClusters/agentPools@2025-10-01', body: {} } },
          ],
        },
      },
      resource_changes: [{ address: 'azapi_resource.this', change: { after_unknown: { id: true, body: { properties: { agentPoolProfiles: [{ vnetSubnetID: true }] } } } } }],
    };
    const sink = decode(JSON.stringify(azapiPlan), 'plan.json');
    expect(sink.resources.map((r) => [r.kind, r.name, r.format])).toEqual([
      ['Microsoft.ContainerService/managedClusters', 'this', 'terraform-plan'],
      ['Microsoft.ContainerService/managedClusters', 'old', 'terraform-plan'],
      ['Microsoft.ContainerService/managedClusters', 'bad', 'terraform-plan'],
    ]);
    const [planned, old, bad] = sink.resources;
    expect(planned?.object.id).toEqual(unknown('azapi_resource.this.id is known only after apply'));
    expect(planned?.object.body).toEqual({ properties: { enableRBAC: true, agentPoolProfiles: [{ name: 'system', vnetSubnetID: unknown('azapi_resource.this.body.properties.agentPoolProfiles.vnetSubnetID is known only after apply') }] } });
    expect(old?.object.body).toEqual({ properties: { disableLocalAccounts: true } });
    expect(bad?.object.body).toEqual(unknown('azapi_resource.bad.body is a string that is not a JSON object'));
    expect(sink.notes.map((n) => n.message)).toEqual([
      'azapi_update_resource.u changes an AKS node pool through the AzAPI provider; what it sets is not checked here (check the deployed cluster with palisade scan --aks RESOURCE_ID)',
    ]);
  });
});
