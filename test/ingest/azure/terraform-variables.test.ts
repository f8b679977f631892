import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScan } from '../../../src/cli/run-scan.js';
import { DEFAULT_CONFIG } from '../../../src/core/config.js';
import { ingestPaths } from '../../../src/ingest/files.js';
import { convertTo, parseType } from '../../../src/ingest/azure/terraform-types.js';
import { moduleScope } from '../../../src/ingest/azure/terraform-scope.js';
import { terraformConfigResources } from '../../../src/ingest/azure/terraform-config.js';
import { RULES } from '../../../src/rules/index.js';
import { tempTree } from '../../helpers/cli.js';
import { unknown } from './helpers.js';

const VARIABLES = `variable "local_accounts_disabled" {
  type    = bool
  default = false
}

variable "ranges" {
  type    = list(string)
  default = ["10.0.0.0/8"]
}

variable "admin_group" {
  type = string
}

variable "tier" {
  default = "Free"
}

variable "password" {
  type      = string
  sensitive = true
  default   = "hunter2"
}
`;

const MAIN = `locals {
  prefix = "shop-\${var.tier}"
}

resource "azurerm_kubernetes_cluster" "main" {
  name                   = "aks-\${local.prefix}"
  local_account_disabled = var.local_accounts_disabled
  sku_tier               = var.tier
  tags = {
    secret = var.password
  }

  api_server_access_profile {
    authorized_ip_ranges = var.ranges
  }

  azure_active_directory_role_based_access_control {
    admin_group_object_ids = [var.admin_group]
  }

  default_node_pool {
    name    = "system"
    vm_size = "Standard_D4s_v5"
  }
}
`;

describe('Terraform variables', () => {
  it('takes a default, then terraform.tfvars, then *.auto.tfvars in name order, then -var-files; sensitive ones never', () => {
    const files = [{ file: 'variables.tf', config: { variable: { a: [{ default: 1 }], b: [{ default: 'x' }], c: [{}], s: [{ sensitive: true, default: 'p' }] } }, text: 'variable "a" {\n}\nvariable "b" {\n}\n' }];
    const scope = moduleScope(files, [
      { file: 'terraform.tfvars', values: { b: 'from-tfvars', c: 'c1', s: 'leak', undeclared: 1 }, text: 'b = "from-tfvars"\nc = "c1"\n' },
      { file: 'a.auto.tfvars', values: { c: 'c2' } },
    ]);
    expect(Object.fromEntries(scope.vars)).toEqual({
      a: { value: 1, from: 'the default in variables.tf:1' },
      b: { value: 'from-tfvars', from: 'set in terraform.tfvars:1' },
      c: { value: 'c2', from: 'set in a.auto.tfvars' },
    });
    expect(scope.unset.get('s')).toBe('var.s is sensitive: its value is not read');
    expect(scope.vars.has('undeclared')).toBe(false);
  });

  it('converts values to the declared primitive type, and ignores values that are expressions', () => {
    const scope = moduleScope(
      [{ file: 'v.tf', config: { variable: { on: [{ type: '${bool}', default: 'true' }], n: [{ type: '${number}' }], s: [{ type: '${string}', default: 3 }], e: [{ default: '${1 + 1}' }] } } }],
      [{ file: 't.tfvars', values: { n: '5', on: '${var.x}' } }],
    );
    expect(scope.vars.get('on')?.value).toBe(true);
    expect(scope.vars.get('n')?.value).toBe(5);
    expect(scope.vars.get('s')?.value).toBe('3');
    expect(scope.vars.has('e')).toBe(false);
    expect(scope.unset.get('e')).toMatch(/has no default/);
  });

  it('converts the elements of a list, set or map of a primitive type, and makes a set(string) a set Terraform cannot index', async () => {
    const scope = moduleScope(
      [
        {
          file: 'v.tf',
          config: {
            variable: {
              zones: [{ type: '${set(string)}', default: ['3', 1, '1'] }],
              ports: [{ type: '${list(number)}', default: ['443', 80] }],
              flags: [{ type: '${map(bool)}', default: { a: 'true', b: false } }],
              mixed: [{ type: '${list(number)}', default: ['x', 1] }],
              objects: [{ type: '${list(object({ a = string }))}', default: [{ a: 1 }] }],
            },
          },
        },
      ],
      [],
    );
    expect([...(scope.vars.get('zones')?.value as unknown[])]).toEqual(['1', '3']);
    expect(scope.vars.get('ports')?.value).toEqual([443, 80]);
    expect(scope.vars.get('flags')?.value).toEqual({ a: true, b: false });
    expect(scope.vars.get('mixed')?.value).toEqual(['x', 1]);
    expect(scope.vars.get('objects')?.value).toEqual([{ a: '1' }]);
    // Terraform refuses an index into a set: the value is left to it, not taken from the list written.
    const dir = tempTree({
      'main.tf': `variable "zones" {\n  type    = set(string)\n  default = ["3", "1"]\n}\nresource "azurerm_kubernetes_cluster_node_pool" "p" {\n  zones = var.zones\n  name  = var.zones[0]\n  count = length(var.zones) - 1\n}\n`,
    });
    const [pool] = (await ingestPaths([dir])).resources;
    expect([...(pool?.object.zones as unknown[])]).toEqual(['1', '3']);
    expect(pool?.name).toBe('p[0]');
    expect(pool?.object.name).toEqual(unknown('var.zones[0] is resolved by Terraform'));
  });

  it('fills in the optional attributes of an object type with their defaults, and drops the undeclared ones, as Terraform does', async () => {
    const variables = `variable "pools" {
  type = map(object({
    name   = string # the pool's name
    mode   = optional(string, "User")
    zones  = optional(list(string))
    labels = optional(map(string), {})
    create_before_destroy = optional(bool, false)
    os = optional(object({
      sku = optional(string, "Ubuntu")
      /* the disk */ disk_gb = optional(number, 128)
    }), {})
  }))
}
`;
    const main = `resource "azurerm_kubernetes_cluster_node_pool" "pool" {
  for_each       = { for k, p in var.pools : k => p if p.create_before_destroy == false }
  name           = each.value.name
  mode           = each.value.mode
  zones          = each.value.zones
  node_labels    = each.value.labels
  os_sku         = each.value.os.sku
  os_disk_size_gb = each.value.os.disk_gb
}
`;
    const dir = tempTree({ 'variables.tf': variables, 'main.tf': main, 'terraform.tfvars': 'pools = {\n  user = { name = "user", extra = 1, os = { sku = null } }\n  sys = { name = "sys", mode = "System", create_before_destroy = true }\n}\n' });
    const { resources, notes } = await ingestPaths([dir], { terraformEnvironment: {} });
    expect(notes).toEqual([]);
    expect(resources.map((r) => [r.name, r.object])).toEqual([
      ['pool["user"]', { name: 'user', mode: 'User', zones: null, node_labels: {}, os_sku: 'Ubuntu', os_disk_size_gb: 128 }],
    ]);
  });

  it('leaves to Terraform the conversions these values cannot show: sets of other elements, any of mixed types, numbers written otherwise', () => {
    const scope = moduleScope(
      [
        {
          file: 'v.tf',
          config: {
            variable: {
              nums: [{ type: '${set(number)}', default: [2, 1, 2] }],
              flags: [{ type: '${set(bool)}', default: [true] }],
              big: [{ type: '${string}', default: 1e21 }],
              mixed: [{ type: '${map(any)}', default: { a: 'x', b: 1 } }],
              same: [{ type: '${map(any)}', default: { a: { n: 1, s: 'x' }, b: { n: 2, s: 'y' } } }],
              long: [{ type: '${number}', default: '12345678901234567890' }],
            },
          },
        },
      ],
      [],
    );
    expect([...(scope.vars.get('nums')?.value as unknown[])]).toEqual([1, 2]);
    expect(scope.vars.get('same')?.value).toEqual({ a: { n: 1, s: 'x' }, b: { n: 2, s: 'y' } });
    for (const name of ['flags', 'big', 'mixed', 'long']) {
      expect([name, scope.vars.has(name), scope.unset.get(name)]).toEqual([name, false, expect.stringMatching(new RegExp(`^var\\.${name} is converted to .* by Terraform`))]);
    }
  });

  it('makes a set given for a list variable a list again, which can be indexed', async () => {
    const dir = tempTree({
      'main.tf': 'module "m" {\n  source = "./m"\n  l      = toset(["b", "a"])\n}\n',
      'm/main.tf': 'variable "l" {\n  type = list(string)\n}\nresource "azurerm_kubernetes_cluster" "c" {\n  name = try(var.l[0], "none")\n}\n',
    });
    const { resources } = await ingestPaths([dir], { terraformEnvironment: {} });
    expect(resources.map((r) => r.object.name)).toEqual(['a']);
  });

  it('reads type constraints, and leaves a value as written when its type is not read or does not fit', () => {
    expect(parseType('${list(object({ a = string, b = optional(number, 2) }))}')).toMatchObject({ kind: 'list', element: { kind: 'object' } });
    expect(parseType('tuple([string, bool])')).toEqual({ kind: 'tuple', elements: [{ kind: 'string' }, { kind: 'bool' }] });
    for (const unread of ['${object({ "a" = string })}', '${object({ a = optional(string, var.x) })}', '${list(string', '${frob(string)}', '${string extra}', 42]) expect(parseType(unread)).toBeUndefined();
    const type = parseType('object({ name = string, mode = optional(string, "User") })');
    expect(type && convertTo({ mode: 'System' }, type)).toEqual({ mode: 'System' });
    expect(type && convertTo({ name: 'x', mode: null }, type)).toEqual({ name: 'x', mode: 'User' });
    expect(type && convertTo('text', type)).toBe('text');
  });

  it('converts strings as Terraform does: "1"/"0" to bools, decimal numbers only; a null for a non-nullable variable keeps its default', () => {
    const scope = moduleScope(
      [{ file: 'v.tf', config: { variable: { b: [{ type: '${bool}', default: '1' }], hex: [{ type: '${number}', default: '0x10' }], keep: [{ nullable: false, default: 'd' }], required: [{ nullable: false, default: null }] } } }],
      [{ file: 't.tfvars', values: { keep: null } }],
    );
    expect(scope.vars.get('b')?.value).toBe(true);
    expect(scope.vars.get('hex')?.value).toBe('0x10');
    expect(scope.vars.get('keep')?.value).toBe('d');
    expect(scope.unset.get('required')).toMatch(/has no default/);
  });

  it('unescapes $${ in values written in native syntax, and leaves JSON syntax as written', () => {
    const scope = moduleScope(
      [{ file: 'v.tf', syntax: 'hcl', config: { variable: { a: [{ default: '$${x}' }], b: [{}] } } }],
      [{ file: 'x.tfvars.json', syntax: 'json', values: { b: '$${y}' } }],
    );
    expect(scope.vars.get('a')?.value).toBe('${x}');
    expect(scope.vars.get('b')?.value).toBe('$${y}');
  });

  it('leaves out a resource whose count a variable sets to 0', () => {
    const config = { variable: { create: [{ default: 0 }] }, resource: { azurerm_kubernetes_cluster: { x: [{ count: '${var.create}', name: 'a' }], y: [{ count: '${var.other}', name: 'b' }] } } };
    expect(terraformConfigResources(config, 'main.tf', undefined, 1, 'terraform-hcl').resources.map((r) => r.name)).toEqual(['y']);
  });

  it('resolves chains of locals, and gives up on chains too deep to be real without failing', () => {
    const chain = (n: number) => {
      const locals: Record<string, string> = { l0: '${var.on}' };
      for (let i = 1; i < n; i++) locals[`l${i}`] = `\${local.l${i - 1}}`;
      return { variable: { on: [{ default: true }] }, locals: [locals], resource: { azurerm_kubernetes_cluster: { x: [{ local_account_disabled: `\${local.l${n - 1}}` }] } } };
    };
    expect(terraformConfigResources(chain(50), 'main.tf', undefined, 1, 'terraform-hcl').resources[0]?.object).toEqual({ local_account_disabled: true });
    expect(terraformConfigResources(chain(5000), 'main.tf', undefined, 1, 'terraform-hcl').resources[0]?.object).toEqual({ local_account_disabled: unknown(/^local\.l4999 is resolved by Terraform$/) });
  });

  it('merges an override file into the declaration it names', () => {
    const scope = moduleScope(
      [
        { file: 'variables.tf', config: { variable: { a: [{ default: 'base' }], b: [{ default: 'kept' }] } } },
        { file: 'override.tf', config: { variable: { a: [{ default: 'over' }], b: [{ description: 'only words' }] } } },
      ],
      [],
    );
    expect(scope.vars.get('a')?.value).toBe('over');
    expect(scope.vars.get('b')).toEqual({ value: 'kept', from: 'the default in variables.tf' });
  });

  it('resolves references to variables, and to locals made of them, and says where each value came from', () => {
    const config = {
      variable: { on: [{ default: true }], ranges: [{ default: ['10.0.0.0/8'] }], none: [{}] },
      locals: [{ name: 'aks-${var.on}', list: '${var.ranges}' }],
      resource: {
        azurerm_kubernetes_cluster: {
          x: [{ name: '${local.name}', local_account_disabled: '${var.on}', api_server_access_profile: [{ authorized_ip_ranges: '${local.list}' }], sku_tier: '${var.none}', dns_prefix: '${var.on}-${var.none}' }],
        },
      },
    };
    const [cluster] = terraformConfigResources(config, 'main.tf', undefined, 1, 'terraform-hcl').resources;
    expect(cluster?.object).toEqual({
      name: 'aks-true',
      local_account_disabled: true,
      api_server_access_profile: [{ authorized_ip_ranges: ['10.0.0.0/8'] }],
      sku_tier: unknown('var.none has no default: its value is given when Terraform runs (-var, a .tfvars file)'),
      dns_prefix: unknown('${var.on}-${var.none} is resolved by Terraform'),
    });
    expect(cluster?.valueSources).toEqual({
      name: 'var.on, the default in main.tf',
      local_account_disabled: 'var.on, the default in main.tf',
      'api_server_access_profile[0].authorized_ip_ranges': 'var.ranges, the default in main.tf',
    });
  });
});

describe('Terraform expressions in resources', () => {
  it('evaluates conditionals, operators and functions over known values, and says which variables decided them', async () => {
    const dir = tempTree({
      'main.tf': `variable "env" {
  default = "prod"
}

locals {
  production = var.env == "prod"
  ranges     = { prod = ["203.0.113.0/24"], dev = [] }
}

resource "azurerm_kubernetes_cluster" "main" {
  name                   = format("aks-%s", var.env)
  sku_tier               = local.production ? "Standard" : "Free"
  local_account_disabled = local.production && true
  location               = azurerm_resource_group.rg.location

  api_server_access_profile {
    authorized_ip_ranges = lookup(local.ranges, var.env, [])
  }
}
`,
    });
    const [cluster] = (await ingestPaths([dir])).resources;
    expect(cluster?.object).toMatchObject({
      name: 'aks-prod',
      sku_tier: 'Standard',
      local_account_disabled: true,
      location: unknown('azurerm_resource_group.rg.location is resolved by Terraform'),
      api_server_access_profile: [{ authorized_ip_ranges: ['203.0.113.0/24'] }],
    });
    const from = `var.env, the default in ${join(dir, 'main.tf')}:1`;
    expect(cluster?.valueSources).toEqual({ name: from, sku_tier: from, local_account_disabled: from, 'api_server_access_profile[0].authorized_ip_ranges': from });
  });
});

describe('Terraform expressions that would cost too much', () => {
  it('leaves to Terraform locals that double a string forty times, quickly and without failing the scan', async () => {
    const locals = ['  l0 = "ab"', ...Array.from({ length: 40 }, (_, i) => `  l${i + 1} = "\${local.l${i}}\${local.l${i}}"`)].join('\n');
    const dir = tempTree({ 'main.tf': `locals {\n${locals}\n}\nresource "azurerm_kubernetes_cluster" "main" {\n  name = local.l40\n  sku_tier = "Free"\n}\n` });
    const started = Date.now();
    const { resources, errors } = await ingestPaths([dir]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(errors).toEqual([]);
    expect(resources[0]?.object).toEqual({ name: unknown('local.l40 is resolved by Terraform'), sku_tier: 'Free' });
  });
});

describe('Terraform dynamic blocks', () => {
  it('expands a dynamic block whose for_each is known, reading its iterator, and leaves the others to Terraform', async () => {
    const dir = tempTree({
      'main.tf': `variable "kv_rotation" {
  default = true
}

variable "ranges" {
  default = { office = "203.0.113.0/24", vpn = "198.51.100.0/24" }
}

resource "azurerm_kubernetes_cluster" "main" {
  dynamic "key_vault_secrets_provider" {
    for_each = var.kv_rotation ? [1] : []
    content {
      secret_rotation_enabled = true
    }
  }

  dynamic "api_server_access_profile" {
    for_each = length(var.ranges) > 0 ? [var.ranges] : []
    iterator = profile
    content {
      authorized_ip_ranges = values(profile.value)
    }
  }

  dynamic "microsoft_defender" {
    for_each = azurerm_log_analytics_workspace.main[*].id
    content {
      log_analytics_workspace_id = microsoft_defender.value
    }
  }

  dynamic "azure_active_directory_role_based_access_control" {
    for_each = []
    content {
      azure_rbac_enabled = false
    }
  }
}
`,
    });
    const [cluster] = (await ingestPaths([dir])).resources;
    expect(cluster?.object).toEqual({
      key_vault_secrets_provider: [{ secret_rotation_enabled: true }],
      api_server_access_profile: [{ authorized_ip_ranges: ['203.0.113.0/24', '198.51.100.0/24'] }],
      microsoft_defender: unknown('azurerm_kubernetes_cluster.main.microsoft_defender is a dynamic block, expanded by Terraform'),
      azure_active_directory_role_based_access_control: [],
    });
    expect(cluster?.valueSources).toEqual({
      key_vault_secrets_provider: `var.kv_rotation, the default in ${join(dir, 'main.tf')}:1`,
      api_server_access_profile: `var.ranges, the default in ${join(dir, 'main.tf')}:5`,
    });
  });
});

describe('Terraform for_each', () => {
  const config = (forEach: string) => `variable "pools" {
  default = {
    gpu   = { vm_size = "Standard_NC6s_v3", public = true }
    batch = { vm_size = "Standard_D4s_v5", public = false }
  }
}

variable "zones" {
  type    = set(string)
  default = ["1", "2", "2"]
}

resource "azurerm_kubernetes_cluster_node_pool" "pool" {
  for_each               = ${forEach}
  name                   = each.key
  vm_size                = each.value.vm_size
  node_public_ip_enabled = each.value["public"]
  zones                  = [each.value]
}
`;

  it('makes one resource per key of a known map, named as Terraform names it, with each.key and each.value', async () => {
    const dir = tempTree({ 'main.tf': config('var.pools') });
    const { resources } = await ingestPaths([dir]);
    expect(resources.map((r) => [r.name, r.object.name, r.object.vm_size, r.object.node_public_ip_enabled])).toEqual([
      ['pool["batch"]', 'batch', 'Standard_D4s_v5', false],
      ['pool["gpu"]', 'gpu', 'Standard_NC6s_v3', true],
    ]);
    expect(resources[1]?.valueSources).toMatchObject({ node_public_ip_enabled: `var.pools, the default in ${join(dir, 'main.tf')}:1` });
  });

  it('makes one per string of a set, none for an empty collection, and one left to Terraform when the collection is not known', async () => {
    const set = await ingestPaths([tempTree({ 'main.tf': config('var.zones') })]);
    expect(set.resources.map((r) => [r.name, r.object.name, r.object.zones])).toEqual([
      ['pool["1"]', '1', ['1']],
      ['pool["2"]', '2', ['2']],
    ]);
    expect((await ingestPaths([tempTree({ 'main.tf': config('{}') })])).resources).toEqual([]);
    const unknownSet = await ingestPaths([tempTree({ 'main.tf': config('toset(var.names)') })]);
    expect(unknownSet.resources.map((r) => [r.name, r.object.name])).toEqual([['pool', unknown('each.key is resolved by Terraform')]]);
  });

  it('stops making resources per key past 5000 in a root module, and says so', async () => {
    const keys = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, 'x']));
    const blocks = Array.from({ length: 8 }, (_, i) => `resource "azurerm_kubernetes_cluster_node_pool" "p${i}" {\n  for_each = var.big\n  name     = each.key\n}\n`).join('');
    const dir = tempTree({ 'main.tf': `variable "big" {\n  default = ${JSON.stringify(keys).replace(/:/g, ' = ')}\n}\n${blocks}` });
    const started = Date.now();
    const { resources, notes } = await ingestPaths([dir]);
    expect(Date.now() - started).toBeLessThan(20_000);
    // Five blocks of 1000 fit in the 5000 (each block's first resource is free); the rest are read once.
    expect(resources).toHaveLength(5 * 1000 + 3);
    expect(notes.map((n) => n.message)).toEqual(
      [5, 6, 7].map((i) => `azurerm_kubernetes_cluster_node_pool.p${i}: its for_each is read once for all its keys, not per key: the resources of the root module ${dir} would be over 5000`),
    );
  });
});

describe('Terraform count', () => {
  const config = (count: string) => `variable "pools" {
  default = [
    { vm_size = "Standard_D4s_v5", public = false },
    { vm_size = "Standard_NC6s_v3", public = true },
  ]
}

variable "gpu" {
  default = false
}

resource "azurerm_kubernetes_cluster_node_pool" "pool" {
  count                  = ${count}
  name                   = "pool\${count.index}"
  vm_size                = var.pools[count.index].vm_size
  node_public_ip_enabled = var.pools[count.index]["public"]
}
`;

  it('makes one resource per index of a known count, named as Terraform names it, with count.index', async () => {
    const dir = tempTree({ 'main.tf': config('length(var.pools)') });
    const { resources } = await ingestPaths([dir]);
    expect(resources.map((r) => [r.name, r.object.name, r.object.vm_size, r.object.node_public_ip_enabled])).toEqual([
      ['pool[0]', 'pool0', 'Standard_D4s_v5', false],
      ['pool[1]', 'pool1', 'Standard_NC6s_v3', true],
    ]);
    expect(resources[1]?.valueSources).toMatchObject({ node_public_ip_enabled: `var.pools, the default in ${join(dir, 'main.tf')}:1` });
  });

  it('makes none for a count of 0, converts a string of digits, and leaves one to Terraform when the number is unknown or refused', async () => {
    for (const [count, names] of [
      ['var.gpu ? 1 : 0', []],
      ['0', []],
      ['"2"', ['pool[0]', 'pool[1]']],
      ['"1.0"', ['pool[0]']],
      ['!var.gpu ? 1 : 0', ['pool[0]']],
      ['data.azurerm_client_config.current.count', ['pool']],
      ['-1', ['pool']],
      ['1.5', ['pool']],
      ['true', ['pool']],
      ['1001', ['pool']],
    ] as const) {
      const { resources } = await ingestPaths([tempTree({ 'main.tf': config(count) })]);
      expect([count, resources.map((r) => r.name)]).toEqual([count, names]);
    }
    const unknownCount = await ingestPaths([tempTree({ 'main.tf': config('data.azurerm_client_config.current.count') })]);
    expect(unknownCount.resources[0]?.object.name).toEqual(unknown('pool${count.index} is resolved by Terraform'));
  });

  it('stops making resources per index past 5000 in a root module, and says so', async () => {
    const blocks = Array.from({ length: 6 }, (_, i) => `resource "azurerm_kubernetes_cluster_node_pool" "p${i}" {\n  count = 1000\n  name  = "p\${count.index}"\n}\n`).join('');
    const dir = tempTree({ 'main.tf': blocks });
    const { resources, notes } = await ingestPaths([dir]);
    expect(resources).toHaveLength(5 * 1000 + 1);
    expect(notes.map((n) => n.message)).toEqual([
      `azurerm_kubernetes_cluster_node_pool.p5: its count is read once for all its indexes, not per index: the resources of the root module ${dir} would be over 5000`,
    ]);
  });
});

describe('Terraform modules read from a directory', () => {
  it('resolves main.tf against variables.tf and the variables files beside it, when only main.tf is named', async () => {
    const dir = tempTree({
      'main.tf': MAIN,
      'variables.tf': VARIABLES,
      'terraform.tfvars': 'tier = "Standard"\n',
      'z.auto.tfvars': 'admin_group = "00000000-0000-0000-0000-00000000000a"\n',
      'a.auto.tfvars.json': '{"tier": "Premium"}',
    });
    const result = await ingestPaths([join(dir, 'main.tf')]);
    expect(result.errors).toEqual([]);
    expect(result.notes).toEqual([]);
    expect(result.resources[0]?.object).toMatchObject({
      name: 'aks-shop-Premium',
      local_account_disabled: false,
      sku_tier: 'Premium',
      tags: { secret: unknown('var.password is sensitive: its value is not read') },
      api_server_access_profile: [{ authorized_ip_ranges: ['10.0.0.0/8'] }],
      azure_active_directory_role_based_access_control: [{ admin_group_object_ids: ['00000000-0000-0000-0000-00000000000a'] }],
    });
    expect(result.resources[0]?.valueSources).toMatchObject({
      local_account_disabled: `var.local_accounts_disabled, the default in ${join(dir, 'variables.tf')}:1`,
      sku_tier: `var.tier, set in ${join(dir, 'a.auto.tfvars.json')}:1`,
    });
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it('names the other files of a module as the file given is named', async () => {
    const dir = tempTree({ 'main.tf': MAIN, 'variables.tf': VARIABLES });
    const given = `./${relative(process.cwd(), join(dir, 'main.tf'))}`;
    const result = await ingestPaths([given]);
    expect(result.resources[0]?.source.file).toBe(given);
    expect(result.resources[0]?.valueSources?.sku_tier).toBe(`var.tier, the default in ${given.replace(/main\.tf$/, 'variables.tf')}:15`);
  });

  it('applies -var-files after the files Terraform loads itself', async () => {
    const dir = tempTree({ 'main.tf': MAIN, 'variables.tf': VARIABLES, 'terraform.tfvars': 'tier = "Standard"\n', 'prod.tfvars': 'tier = "Premium"\nlocal_accounts_disabled = true\n' });
    const result = await ingestPaths([dir], { terraformVariablesFiles: [join(dir, 'prod.tfvars')] });
    expect(result.resources[0]?.object).toMatchObject({ sku_tier: 'Premium', local_account_disabled: true });
  });

  it('reports a broken variables file once, naming it, without quoting its text, and reads the rest', async () => {
    const dir = tempTree({ 'main.tf': MAIN, 'variables.tf': VARIABLES, 'terraform.tfvars': 'tier = "s3cr3t-value" x\n', 'other.tf': 'variable "x" {}\n' });
    const result = await ingestPaths([dir]);
    expect(result.errors).toEqual([{ source: join(dir, 'terraform.tfvars'), line: 1, message: expect.stringMatching(/^invalid HCL: /) }]);
    expect(JSON.stringify(result.errors)).not.toContain('s3cr3t');
    expect(result.resources[0]?.object).toMatchObject({ sku_tier: 'Free' });
    // A broken .tfvars.json is a JSON file of the directory: its own read reports it, once.
    const json = tempTree({ 'main.tf': MAIN, 'variables.tf': VARIABLES, 'terraform.tfvars.json': '{"tier": "s3cr3t-value" x}' });
    const read = await ingestPaths([json]);
    expect(read.errors).toEqual([{ source: join(json, 'terraform.tfvars.json'), line: 1, message: expect.stringMatching(/^invalid JSON/) }]);
    expect(JSON.stringify(read.errors)).not.toContain('s3cr3t');
    // Named alone, main.tf's module still reads the file, and says so.
    const alone = await ingestPaths([join(json, 'main.tf')]);
    expect(alone.errors).toEqual([{ source: join(json, 'terraform.tfvars.json'), line: 1, message: "invalid JSON: expected ',' or '}'" }]);
  });

  it('notes a module file it could not read when the scan does not read that file itself', async () => {
    const dir = tempTree({ 'main.tf': MAIN, 'variables.tf': 'variable "tier" {\n  default = \n}\n' });
    const alone = await ingestPaths([join(dir, 'main.tf')]);
    expect(alone.errors).toEqual([]);
    expect(alone.notes).toEqual([{ source: join(dir, 'variables.tf'), line: 2, message: expect.stringMatching(/^not read for its module's variables and locals: invalid HCL/) }]);
    expect(alone.resources[0]?.object).toMatchObject({ sku_tier: unknown('var.tier is resolved by Terraform') });
    // Read as part of the directory, the file reports its own error, once.
    const whole = await ingestPaths([dir]);
    expect(whole.notes).toEqual([]);
    expect(whole.errors.map((e) => e.source)).toEqual([join(dir, 'variables.tf')]);
  });

  it('reads a .tf.json file with its module too', async () => {
    const config = { resource: { azurerm_kubernetes_cluster: { main: { name: 'aks', local_account_disabled: '${var.lad}', default_node_pool: { name: 'system' } } } } };
    const dir = tempTree({ 'main.tf.json': JSON.stringify(config), 'variables.tf.json': JSON.stringify({ variable: { lad: { default: false } } }), 'terraform.tfvars': 'lad = true\n' });
    const result = await ingestPaths([join(dir, 'main.tf.json')]);
    expect(result.errors).toEqual([]);
    expect(result.resources[0]?.object).toMatchObject({ local_account_disabled: true });
    expect(result.resources[0]?.valueSources).toEqual({ local_account_disabled: `var.lad, set in ${join(dir, 'terraform.tfvars')}:1` });
  });

  it('takes TF_VAR_ variables before every file and -vars after the -var-files, parsed by the declared type, and says where each came from', async () => {
    const dir = tempTree({ 'main.tf': MAIN, 'variables.tf': VARIABLES, 'prod.tfvars': 'tier = "Premium"\n' });
    const environment = {
      TF_VAR_tier: 'Standard',
      TF_VAR_local_accounts_disabled: 'true',
      TF_VAR_ranges: '["203.0.113.0/24", "198.51.100.0/24"]',
      TF_VAR_admin_group: '00000000-0000-0000-0000-00000000000a',
      TF_VAR_password: 's3cr3t-value',
      TF_VAR_undeclared: 'x',
    };
    const fromEnv = await ingestPaths([dir], { terraformEnvironment: environment });
    expect(fromEnv.notes).toEqual([]);
    expect(fromEnv.resources[0]?.object).toMatchObject({
      sku_tier: 'Standard',
      local_account_disabled: true,
      api_server_access_profile: [{ authorized_ip_ranges: ['203.0.113.0/24', '198.51.100.0/24'] }],
      azure_active_directory_role_based_access_control: [{ admin_group_object_ids: ['00000000-0000-0000-0000-00000000000a'] }],
      tags: { secret: unknown('var.password is sensitive: its value is not read') },
    });
    expect(fromEnv.resources[0]?.valueSources).toMatchObject({ sku_tier: 'var.tier, set by TF_VAR_tier in the environment' });
    expect(JSON.stringify(fromEnv)).not.toContain('s3cr3t');
    // A variables file Terraform loads by itself comes after the environment; -var-files, then -vars, after that.
    const withFile = tempTree({ 'main.tf': MAIN, 'variables.tf': VARIABLES, 'terraform.tfvars': 'tier = "Premium"\n', 'prod.tfvars': 'tier = "Standard"\n' });
    expect((await ingestPaths([withFile], { terraformEnvironment: { TF_VAR_tier: 'Free' } })).resources[0]?.object.sku_tier).toBe('Premium');
    const both = await ingestPaths([withFile], { terraformEnvironment: {}, terraformVariablesFiles: [join(withFile, 'prod.tfvars')], terraformAssignments: [{ name: 'tier', value: 'Enterprise=1', afterFiles: 1 }] });
    expect(both.resources[0]?.object.sku_tier).toBe('Enterprise=1');
    expect(both.resources[0]?.valueSources).toMatchObject({ sku_tier: 'var.tier, set by -var tier on the command line' });
    // A -var written before a -var-file is overridden by it, as on Terraform's command line.
    const before = await ingestPaths([withFile], { terraformEnvironment: {}, terraformVariablesFiles: [join(withFile, 'prod.tfvars')], terraformAssignments: [{ name: 'tier', value: 'Enterprise', afterFiles: 0 }] });
    expect(before.resources[0]?.object.sku_tier).toBe('Standard');
  });

  it('notes a value given as a string that the declared bool or number type refuses, without quoting it', async () => {
    const dir = tempTree({ 'main.tf': MAIN, 'variables.tf': VARIABLES.replace('variable "tier" {', 'variable "tier" {\n  type = number') });
    const result = await ingestPaths([dir], { terraformEnvironment: { TF_VAR_local_accounts_disabled: 'yes-s3cr3t', TF_VAR_tier: 'abc-s3cr3t' } });
    expect(result.notes.map((n) => [n.source, n.message])).toEqual([
      ['TF_VAR_local_accounts_disabled in the environment', `not a valid value for var.local_accounts_disabled of ${dir}, whose type is bool: not read`],
      ['TF_VAR_tier in the environment', `not a valid value for var.tier of ${dir}, whose type is number: not read`],
    ]);
    expect(result.resources[0]?.object).toMatchObject({ local_account_disabled: false });
    expect(JSON.stringify(result)).not.toContain('s3cr3t');
  });

  it('takes a value given for a variable of no type as the string it is, and notes one its type cannot parse without quoting it', async () => {
    const dir = tempTree({ 'main.tf': MAIN, 'variables.tf': VARIABLES });
    const result = await ingestPaths([dir], { terraformEnvironment: { TF_VAR_ranges: '["s3cr3t', TF_VAR_tier: '["Premium"]' } });
    expect(result.resources[0]?.object).toMatchObject({ sku_tier: '["Premium"]', api_server_access_profile: [{ authorized_ip_ranges: ['10.0.0.0/8'] }] });
    expect(result.notes).toEqual([{ source: 'TF_VAR_ranges in the environment', message: `not a valid value for var.ranges of ${dir}, whose type is list(string): not read` }]);
    expect(JSON.stringify(result)).not.toContain('s3cr3t');
  });

  it('gives TF_VAR_ variables and -vars to the module Terraform would run in only, and notes -vars no module took without their values', async () => {
    const child = 'variable "lad" {\n  default = true\n}\nresource "azurerm_kubernetes_cluster" "child" {\n  local_account_disabled = var.lad\n}\n';
    const root = 'variable "lad" {\n  type    = bool\n  default = true\n}\nmodule "aks" {\n  source = "./modules/aks"\n}\nresource "azurerm_kubernetes_cluster" "root" {\n  local_account_disabled = var.lad\n}\n';
    const dir = tempTree({ 'main.tf': root, 'modules/aks/main.tf': child });
    for (const options of [{ terraformEnvironment: { TF_VAR_lad: 'false' } }, { terraformEnvironment: {}, terraformAssignments: [{ name: 'lad', value: 'false', afterFiles: 0 }] }]) {
      const result = await ingestPaths([dir], options);
      expect(Object.fromEntries(result.resources.map((r) => [r.name, r.object.local_account_disabled]))).toEqual({ root: false, 'module.aks.child': true });
    }
    const yaml = tempTree({ 'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n' });
    const unused = await ingestPaths([yaml], { terraformEnvironment: {}, terraformAssignments: [{ name: 'token', value: 's3cr3t', afterFiles: 0 }, { name: 'tier', value: 'Free', afterFiles: 0 }] });
    expect(unused.notes).toEqual([{ source: '-var token, -var tier', message: 'the variables were not used: no Terraform .tf or .tf.json file was read' }]);
  });

  it('reads terraform.workspace as the workspace selected for the root module, in the modules it calls too', async () => {
    const cluster = (label: string) => `resource "azurerm_kubernetes_cluster" "${label}" {\n  local_account_disabled = terraform.workspace == "prod"\n  sku_tier               = terraform.workspace\n}\n`;
    const tree = (extra: Record<string, string> = {}) => tempTree({ 'main.tf': `module "aks" {\n  source = "./modules/aks"\n}\n${cluster('root')}`, 'modules/aks/main.tf': cluster('child'), ...extra });
    const read = async (dir: string, environment: Record<string, string> = {}) =>
      (await ingestPaths([dir], { terraformEnvironment: environment })).resources.map((r) => [r.name, r.object.local_account_disabled, r.object.sku_tier]);
    expect(await read(tree())).toEqual([['root', false, 'default'], ['module.aks.child', false, 'default']]);
    const selected = tree({ '.terraform/environment': 'prod' });
    expect(await read(selected)).toEqual([['root', true, 'prod'], ['module.aks.child', true, 'prod']]);
    // TF_WORKSPACE overrides the selection, as for Terraform.
    expect(await read(selected, { TF_WORKSPACE: 'dev' })).toEqual([['root', false, 'dev'], ['module.aks.child', false, 'dev']]);
    // A selection that is no workspace name leaves it to Terraform.
    const [root] = await read(tree({ '.terraform/environment': '../../etc' }));
    expect(root?.[2]).toEqual(unknown('terraform.workspace is resolved by Terraform'));
    // So does TF_WORKSPACE for a root below the path given: whether Terraform runs there with it is not known.
    const parent = tempTree({ 'prod/main.tf': cluster('root') });
    const [below] = await read(parent, { TF_WORKSPACE: 'dev' });
    expect(below?.[2]).toEqual(unknown('terraform.workspace is resolved by Terraform'));
  });

  it('gives -var-files to the module Terraform would run in, not to the modules it calls', async () => {
    const child = 'variable "lad" {\n  default = true\n}\nresource "azurerm_kubernetes_cluster" "child" {\n  local_account_disabled = var.lad\n}\n';
    const root = 'variable "lad" {\n  default = true\n}\nmodule "aks" {\n  source = "./modules/aks"\n}\nresource "azurerm_kubernetes_cluster" "root" {\n  local_account_disabled = var.lad\n}\n';
    const dir = tempTree({ 'main.tf': root, 'modules/aks/main.tf': child, 'prod.tfvars': 'lad = false\n' });
    const result = await ingestPaths([dir], { terraformVariablesFiles: [join(dir, 'prod.tfvars')] });
    expect(Object.fromEntries(result.resources.map((r) => [r.name, r.object.local_account_disabled]))).toEqual({ root: false, 'module.aks.child': true });
  });

  it('skips what Terraform skips, and never reads a pipe or a device named like a variables file', async () => {
    const dir = tempTree({ 'main.tf': MAIN, 'variables.tf': VARIABLES, 'old.tf~': 'variable "tier" {\n  default = "Old"\n}\n' });
    execFileSync('mkfifo', [join(dir, 'terraform.tfvars')]);
    symlinkSync('/dev/zero', join(dir, 'zero.auto.tfvars'));
    symlinkSync(join(dir, 'gone'), join(dir, '.#main.tf'));
    const result = await ingestPaths([join(dir, 'main.tf')]);
    expect(result.errors).toEqual([]);
    expect(result.notes).toEqual([]);
    expect(result.resources[0]?.object).toMatchObject({ sku_tier: 'Free' });
  });

  it('notes -var-files given when no .tf file is read', async () => {
    const dir = tempTree({ 'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n' });
    const result = await ingestPaths([dir], { terraformVariablesFiles: ['prod.tfvars'] });
    expect(result.notes).toEqual([{ source: 'prod.tfvars', message: 'the variables files were not used: no Terraform .tf or .tf.json file was read' }]);
    // Terraform files only below the directory given: -var-files are for the directory Terraform runs in.
    const below = tempTree({ 'infra/main.tf': MAIN, 'infra/variables.tf': VARIABLES, 'prod.tfvars': 'tier = "Premium"\n' });
    const read = await ingestPaths([below], { terraformVariablesFiles: [join(below, 'prod.tfvars')] });
    expect(read.resources[0]?.object).toMatchObject({ sku_tier: 'Free' });
    expect(read.notes).toEqual([{ source: join(below, 'prod.tfvars'), message: expect.stringMatching(/^the variables files were not used: they are for the Terraform module of a directory given/) }]);
  });

  it('puts where a value came from on the findings about it', async () => {
    const dir = tempTree({ 'main.tf': MAIN, 'variables.tf': VARIABLES });
    const outcome = await runScan({ paths: [dir], rules: RULES.filter((r) => r.meta.id === 'aks/local-accounts-enabled'), config: DEFAULT_CONFIG, configSource: 'defaults', failOn: 'high' });
    const [finding] = outcome.report.findings;
    expect(finding?.rule).toBe('aks/local-accounts-enabled');
    expect(finding?.evidence).toMatchObject({ observed: false, valueFrom: `var.local_accounts_disabled, the default in ${join(dir, 'variables.tf')}:1` });
    expect(finding?.message).toMatch(new RegExp(`can be downloaded \\(value from var\\.local_accounts_disabled, the default in .*variables\\.tf:1\\)$`));
    // variables.tf holds no resource: it is part of the module, not a file left out.
    expect(outcome.report.notes).toEqual([]);
    // With the value set by a variables file, nothing is found.
    const fixed = tempTree({ 'main.tf': MAIN, 'variables.tf': VARIABLES, 'terraform.tfvars': 'local_accounts_disabled = true\n' });
    const clean = await runScan({ paths: [fixed], rules: RULES.filter((r) => r.meta.id === 'aks/local-accounts-enabled'), config: DEFAULT_CONFIG, configSource: 'defaults', failOn: 'high' });
    expect(clean.report.findings).toEqual([]);
  });
});
