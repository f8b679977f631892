import { chmodSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aksClusterOf } from '../../../src/analyses/aks/index.js';
import { diagnosticSettingsFor } from '../../../src/analyses/aks/diagnostics.js';
import { runScan } from '../../../src/cli/run-scan.js';
import { DEFAULT_CONFIG } from '../../../src/core/config.js';
import { Inventory } from '../../../src/core/inventory.js';
import type { Resource } from '../../../src/core/resource.js';
import { ingestPaths } from '../../../src/ingest/files.js';
import { RULES } from '../../../src/rules/index.js';
import { tempTree } from '../../helpers/cli.js';
import { unknown } from './helpers.js';

/** A reusable AKS module: a cluster, a separate pool and a diagnostic setting, each naming the cluster by label. */
const MODULE = {
  'modules/aks/variables.tf': `variable "name" {
  type = string
}

variable "local_accounts_disabled" {
  type    = bool
  default = true
}

variable "node_public_ip" {
  type    = bool
  default = false
}

variable "admin_password" {
  type      = string
  sensitive = true
  default   = "hunter2"
}
`,
  'modules/aks/main.tf': `resource "azurerm_kubernetes_cluster" "main" {
  name                   = var.name
  local_account_disabled = var.local_accounts_disabled
  tags = {
    password = var.admin_password
  }

  default_node_pool {
    name = "system"
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "user" {
  name                  = "user"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.main.id
  node_public_ip_enabled = var.node_public_ip
}

`,
  'modules/aks/monitoring.tf': `resource "azurerm_monitor_diagnostic_setting" "monitoring" {
  name               = "aks-\${var.name}"
  target_resource_id = azurerm_kubernetes_cluster.main.id
  enabled_log {
    category = "kube-audit"
  }
}
`,
  // Terraform reads a called module's variables from the call, never from files beside it.
  'modules/aks/terraform.tfvars': 'local_accounts_disabled = false\n',
};

const root = (name: string, extra = '') => `variable "local_accounts_disabled" {
  default = ${name === 'prod'}
}

module "aks" {
  source                  = "../../modules/aks"
  name                    = "aks-${name}"
  local_accounts_disabled = var.local_accounts_disabled
  node_public_ip          = ${name === 'dev'}
${extra}}
`;

function byName(resources: readonly Resource[]): Map<string, Resource[]> {
  const out = new Map<string, Resource[]>();
  for (const r of resources) out.set(r.name, [...(out.get(r.name) ?? []), r]);
  return out;
}

describe('Terraform module calls', () => {
  it('reads a called module once per calling root, with the values each call gives it', async () => {
    const dir = tempTree({ ...MODULE, 'envs/prod/main.tf': root('prod'), 'envs/dev/main.tf': root('dev') });
    const result = await ingestPaths([dir]);
    expect(result.errors).toEqual([]);
    expect(result.notes).toEqual([]);
    const clusters = result.resources.filter((r) => r.kind === 'azurerm_kubernetes_cluster');
    // The module's own directory is called, so it is no root: no cluster named by its defaults alone.
    expect(clusters.map((c) => [c.name, c.origin?.root, c.object.name, c.object.local_account_disabled, c.source.file])).toEqual([
      ['module.aks.main', join(dir, 'envs/dev'), 'aks-dev', false, join(dir, 'modules/aks/main.tf')],
      ['module.aks.main', join(dir, 'envs/prod'), 'aks-prod', true, join(dir, 'modules/aks/main.tf')],
    ]);
    expect(clusters[1]?.valueSources).toEqual({
      name: `var.name, set by module.aks in ${join(dir, 'envs/prod/main.tf')}:5`,
      local_account_disabled: `var.local_accounts_disabled, set by module.aks in ${join(dir, 'envs/prod/main.tf')}:5 from var.local_accounts_disabled, the default in ${join(dir, 'envs/prod/main.tf')}:1`,
    });
    expect(clusters[0]?.object.tags).toEqual({ password: unknown('var.admin_password is sensitive: its value is not read') });
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it('links the pools and diagnostic settings of each root to its own cluster only', async () => {
    const dir = tempTree({ ...MODULE, 'envs/prod/main.tf': root('prod'), 'envs/dev/main.tf': root('dev') });
    const { resources } = await ingestPaths([dir]);
    const inventory = new Inventory(resources);
    const clusters = resources.filter((r) => r.kind === 'azurerm_kubernetes_cluster');
    const views = clusters.map((c) => aksClusterOf(c, inventory));
    expect(views.map((v) => v?.nodePools.map((p) => [p.name, p.resource.origin?.root, p.get('enableNodePublicIP').value]))).toEqual([
      [['system', join(dir, 'envs/dev'), undefined], ['user', join(dir, 'envs/dev'), true]],
      [['system', join(dir, 'envs/prod'), undefined], ['user', join(dir, 'envs/prod'), false]],
    ]);
    expect(views.map((v) => (v ? diagnosticSettingsFor(v, inventory)?.map((s) => s.name) : undefined))).toEqual([['aks-aks-dev'], ['aks-aks-prod']]);
  });

  it('reads a module called from outside the paths given, and says which root a finding is about', async () => {
    const dir = tempTree({ ...MODULE, 'envs/dev/main.tf': root('dev') });
    const outcome = await runScan({ paths: [join(dir, 'envs/dev')], rules: RULES.filter((r) => r.meta.id === 'aks/local-accounts-enabled'), config: DEFAULT_CONFIG, configSource: 'defaults', failOn: 'high' });
    expect(outcome.report.errors).toEqual([]);
    const [finding] = outcome.report.findings;
    expect(finding?.resource.name).toBe('module.aks.main');
    expect(finding?.location?.file).toBe(join(dir, 'modules/aks/main.tf'));
    expect(finding?.evidence.valueFrom).toBe(
      `var.local_accounts_disabled, set by module.aks in ${join(dir, 'envs/dev/main.tf')}:5 from var.local_accounts_disabled, the default in ${join(dir, 'envs/dev/main.tf')}:1`,
    );
    expect(finding?.message).toMatch(new RegExp(`\\(in module\\.aks of ${join(dir, 'envs/dev').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\)$`));
    expect(finding?.evidence.rootModule).toBe(join(dir, 'envs/dev'));
  });

  it('creates nothing for a call with count 0 or an empty for_each, one instance per index or key of a known one, and one for all of an unknown one', async () => {
    const calls = (meta: string) => `variable "n" {\n  default = 0\n}\nmodule "aks" {\n  source = "../../modules/aks"\n  name   = "aks"\n  ${meta}\n}\n`;
    for (const [meta, clusters] of [
      ['count = 0', 0],
      ['count = var.n', 0],
      ['for_each = {}', 0],
      ['for_each = []', 0],
      ['count = 2', 2],
      ['count = data.azurerm_subscriptions.all.count', 1],
      ['for_each = toset(["a", "b"])', 2],
      ['for_each = toset(data.azurerm_subscriptions.all.ids)', 1],
    ] as const) {
      const dir = tempTree({ ...MODULE, 'envs/prod/main.tf': calls(meta) });
      const { resources, errors } = await ingestPaths([dir]);
      expect(errors).toEqual([]);
      expect([meta, resources.filter((r) => r.kind === 'azurerm_kubernetes_cluster').length]).toEqual([meta, clusters]);
    }
  });

  it('nests calls, naming each instance by its full address, and stops fan-out before it explodes', async () => {
    // Each level calls the next twice: 2^n instances of the last.
    const tree = (levels: number) => {
      const files: Record<string, string> = { 'root/main.tf': 'module "l0" {\n  source = "../m0"\n}\n' };
      for (let i = 0; i < levels; i++) files[`m${i}/main.tf`] = `module "a" {\n  source = "../m${i + 1}"\n}\nmodule "b" {\n  source = "../m${i + 1}"\n}\n`;
      files[`m${levels}/main.tf`] = 'resource "azurerm_kubernetes_cluster" "main" {\n  name = "aks"\n}\n';
      return tempTree(files);
    };
    const five = await ingestPaths([join(tree(5), 'root')]);
    expect(five.notes).toEqual([]);
    expect(new Set(five.resources.map((r) => r.name)).size).toBe(32);
    expect(five.resources[0]?.name).toBe('module.l0.module.a.module.a.module.a.module.a.module.a.main');
    const started = Date.now();
    const dir20 = tree(20);
    const twenty = await ingestPaths([join(dir20, 'root')]);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(twenty.resources).toEqual([]);
    // Said once per call written (the depth) or once (the count), not once per instance.
    expect(twenty.notes.map((n) => n.message).sort()).toEqual([
      `module.a and the calls after it are not read for the root module ${join(dir20, 'root')}: over 1000 module instances`,
      'module.a is not read: modules nested over 16 deep',
      'module.b is not read: modules nested over 16 deep',
    ]);
    const wide = tree(12);
    const twelve = await ingestPaths([join(wide, 'root')]);
    expect(twelve.resources.length).toBeLessThanOrEqual(1000);
    expect(twelve.notes.map((n) => n.message)).toEqual([`module.b and the calls after it are not read for the root module ${join(wide, 'root')}: over 1000 module instances`]);
    const deep = tempTree({ 'root/main.tf': 'module "l0" {\n  source = "../m0"\n}\n', ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`m${i}/main.tf`, `module "next" {\n  source = "../m${i + 1}"\n}\n`])) });
    expect((await ingestPaths([join(deep, 'root')])).notes.map((n) => n.message)).toEqual(['module.next is not read: modules nested over 16 deep']);
    const nested = tempTree({ 'root/main.tf': 'module "platform" {\n  source = "../platform"\n}\n', 'platform/main.tf': 'module "aks" {\n  source = "./aks"\n}\n', 'platform/aks/main.tf': 'resource "azurerm_kubernetes_cluster" "main" {\n  name = "aks"\n}\n' });
    const read = await ingestPaths([join(nested, 'root')]);
    expect(read.resources.map((r) => [r.name, r.origin])).toEqual([['module.platform.module.aks.main', { module: 'module.platform.module.aks', root: join(nested, 'root'), instance: '../../root' }]]);
  });

  it('tells module directories apart by real path, and notes calls it cannot follow', async () => {
    const dir = tempTree({ ...MODULE, 'envs/prod/main.tf': root('prod').replace('../../modules/aks', './aks') + 'module "gone" {\n  source = "./missing"\n}\n' });
    symlinkSync(join(dir, 'modules/aks'), join(dir, 'envs/prod/aks'));
    const result = await ingestPaths([dir]);
    expect(result.resources.filter((r) => r.kind === 'azurerm_kubernetes_cluster').map((r) => [r.name, r.object.name])).toEqual([['module.aks.main', 'aks-prod']]);
    expect(result.notes).toEqual([{ source: join(dir, 'envs/prod/main.tf'), line: 11, message: 'module.gone calls ./missing, which is not a directory that can be read: its resources are not checked' }]);
  });

  it('reads each of two modules calling each other as Terraform cannot: once, and says so', async () => {
    const dir = tempTree({
      'a/main.tf': 'module "b" {\n  source = "../b"\n}\nresource "azurerm_kubernetes_cluster" "a" {\n  name = "a"\n}\n',
      'b/main.tf': 'module "a" {\n  source = "../a"\n}\nresource "azurerm_kubernetes_cluster" "b" {\n  name = "b"\n}\n',
    });
    const result = await ingestPaths([dir]);
    expect([...byName(result.resources).keys()]).toEqual(['a', 'module.b.b']);
    expect(result.notes.map((n) => n.message)).toEqual(['module.a calls a module that calls it back, which Terraform refuses: not followed']);
  });

  it('links a pool or diagnostic setting naming a module output to the cluster inside that call', async () => {
    const calling = (name: string) => `module "aks" {
  source = "../../modules/aks"
  name   = "aks-${name}"
}

resource "azurerm_kubernetes_cluster_node_pool" "gpu" {
  name                  = "gpu"
  kubernetes_cluster_id = module.aks.cluster_id
}
`;
    const dir = tempTree({ ...MODULE, 'envs/prod/main.tf': calling('prod'), 'envs/dev/main.tf': calling('dev') });
    const { resources } = await ingestPaths([dir]);
    const inventory = new Inventory(resources);
    const pools = resources.filter((r) => r.kind === 'azurerm_kubernetes_cluster').map((c) => aksClusterOf(c, inventory)?.nodePools.map((p) => `${p.name}@${p.resource.source.file.slice(dir.length + 1)}`).sort());
    expect(pools).toEqual([
      ['gpu@envs/dev/main.tf', 'system@modules/aks/main.tf', 'user@modules/aks/main.tf'],
      ['gpu@envs/prod/main.tf', 'system@modules/aks/main.tf', 'user@modules/aks/main.tf'],
    ]);
  });

  it('gives each root its own budget: one runaway root leaves the others whole', async () => {
    const files: Record<string, string> = { ...MODULE, 'envs/prod/main.tf': root('prod'), 'aaa/main.tf': calls('../x1', 10), 'x1/main.tf': calls('../x2', 10), 'x2/main.tf': calls('../x3', 10), 'x3/main.tf': 'resource "azurerm_kubernetes_cluster" "c" {\n  name = "c"\n}\n' };
    const dir = tempTree(files);
    const result = await ingestPaths([dir]);
    expect(result.resources.filter((r) => r.origin?.root === join(dir, 'envs/prod')).map((r) => r.name)).toEqual(['module.aks.main', 'module.aks.user', 'module.aks.monitoring']);
    expect(result.notes).toEqual([{ source: join(dir, 'x1/main.tf'), line: 1, message: `module.m0 and the calls after it are not read for the root module ${join(dir, 'aaa')}: over 1000 module instances` }]);
    // A module declaring many clusters counts each one.
    const many = Array.from({ length: 600 }, (_, i) => `resource "azurerm_kubernetes_cluster" "c${i}" {\n  name = "c${i}"\n}\n`).join('');
    const heavy = await ingestPaths([join(tempTree({ 'root/main.tf': calls('../m', 10), 'm/main.tf': many }), 'root')]);
    expect(heavy.resources).toHaveLength(600);
    expect(heavy.notes.map((n) => n.message)).toEqual([expect.stringMatching(/^module\.m1 and the calls after it are not read for the root module .*: its module instances would hold over 1000 AKS resources$/)]);
  });

  it('says each problem of a call once, however many instances meet it', async () => {
    const selfCalls = Array.from({ length: 200 }, (_, i) => `module "self${i}" {\n  source = "./"\n}\n`).join('');
    const dir = tempTree({ 'root/main.tf': calls('../m', 300), 'm/main.tf': selfCalls });
    const result = await ingestPaths([join(dir, 'root')]);
    expect(result.notes).toHaveLength(200);
    expect(result.notes[0]?.message).toBe('module.self0 calls a module that calls it back, which Terraform refuses: not followed');
  });

  it('reads every file of a called module when a path names one of them', async () => {
    const dir = tempTree({ ...MODULE, 'envs/prod/main.tf': root('prod') });
    const whole = await ingestPaths([join(dir, 'envs/prod')]);
    const named = await ingestPaths([join(dir, 'envs/prod'), join(dir, 'modules/aks/main.tf')]);
    expect(named.resources.map((r) => r.name)).toEqual(whole.resources.map((r) => r.name));
    expect(named.resources.map((r) => r.name)).toContain('module.aks.monitoring');
  });

  it('notes a scanned module that no call creates, instead of leaving it out in silence', async () => {
    const dir = tempTree({ ...MODULE, 'examples/off/main.tf': 'module "aks" {\n  source = "../../modules/aks"\n  count  = 0\n}\n' });
    const result = await ingestPaths([dir]);
    expect(result.resources).toEqual([]);
    expect(result.notes).toEqual([{ source: join(dir, 'modules/aks'), message: expect.stringMatching(/^a module that other modules call, and no call read creates \(count = 0/) }]);
  });

  it.skipIf(process.getuid?.() === 0)('notes a call of a directory that cannot be listed, at the call', async () => {
    const dir = tempTree({ 'root/main.tf': 'module "m" {\n  source = "../m"\n}\n', 'm/main.tf': 'resource "azurerm_kubernetes_cluster" "c" {\n}\n' });
    chmodSync(join(dir, 'm'), 0o311);
    try {
      const result = await ingestPaths([join(dir, 'root')]);
      expect(result.notes).toEqual([{ source: join(dir, 'root/main.tf'), line: 1, message: expect.stringMatching(/^module\.m calls \.\.\/m, whose directory cannot be listed \(.*\): its resources are not checked$/) }]);
    } finally {
      chmodSync(join(dir, 'm'), 0o755);
    }
  });

  it('gives the findings of each root their own ids', async () => {
    const dir = tempTree({ ...MODULE, 'envs/prod/main.tf': root('dev').replace('"aks-dev"', '"aks-prod"'), 'envs/dev/main.tf': root('dev') });
    const outcome = await runScan({ paths: [dir], rules: RULES.filter((r) => r.meta.id === 'aks/local-accounts-enabled'), config: DEFAULT_CONFIG, configSource: 'defaults', failOn: 'high' });
    const ids = outcome.report.findings.map((f) => f.id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    // The same wherever the scan runs from: the instance is named from the module's directory.
    const again = await runScan({ paths: [join(dir, 'envs/prod'), join(dir, 'envs/dev')], rules: RULES.filter((r) => r.meta.id === 'aks/local-accounts-enabled'), config: DEFAULT_CONFIG, configSource: 'defaults', failOn: 'high' });
    expect(new Set(again.report.findings.map((f) => f.id))).toEqual(new Set(ids));
  });

  it('gives a pool written in another module, fed the cluster module output, to the cluster of its own root', async () => {
    const calling = (name: string) => `module "aks" {
  source = "../../modules/aks"
  name   = "aks-${name}"
}

module "pools" {
  source     = "../../modules/pools"
  cluster_id = module.aks.cluster_id
}
`;
    const pools = 'variable "cluster_id" {\n  type = string\n}\nresource "azurerm_kubernetes_cluster_node_pool" "batch" {\n  name                  = "batch"\n  kubernetes_cluster_id = var.cluster_id\n}\n';
    const dir = tempTree({ ...MODULE, 'modules/pools/main.tf': pools, 'envs/prod/main.tf': calling('prod'), 'envs/dev/main.tf': calling('dev') });
    const { resources } = await ingestPaths([dir]);
    const inventory = new Inventory(resources);
    const batch = resources.filter((r) => r.kind === 'azurerm_kubernetes_cluster').map((c) => aksClusterOf(c, inventory)?.nodePools.filter((p) => p.name === 'batch').map((p) => p.resource.origin?.root));
    expect(batch).toEqual([[join(dir, 'envs/dev')], [join(dir, 'envs/prod')]]);
  });

  it('makes one instance per key of a known for_each on a call, its arguments reading each.value', async () => {
    const calling = `variable "clusters" {
  default = {
    blue  = { local_accounts_disabled = true }
    green = { local_accounts_disabled = false }
  }
}

module "aks" {
  source                  = "../../modules/aks"
  for_each                = var.clusters
  name                    = "aks-\${each.key}"
  local_accounts_disabled = each.value.local_accounts_disabled
}
`;
    const dir = tempTree({ ...MODULE, 'envs/prod/main.tf': calling });
    const { resources } = await ingestPaths([dir]);
    const clusters = resources.filter((r) => r.kind === 'azurerm_kubernetes_cluster');
    expect(clusters.map((c) => [c.name, c.object.name, c.object.local_account_disabled])).toEqual([
      ['module.aks["blue"].main', 'aks-blue', true],
      ['module.aks["green"].main', 'aks-green', false],
    ]);
    expect(clusters[1]?.valueSources?.local_account_disabled).toBe(`var.local_accounts_disabled, set by module.aks["green"] in ${join(dir, 'envs/prod/main.tf')}:8 from var.clusters, the default in ${join(dir, 'envs/prod/main.tf')}:1`);
    // Each instance's pool and diagnostic setting stay with its own cluster.
    const inventory = new Inventory(resources);
    expect(clusters.map((c) => aksClusterOf(c, inventory)?.nodePools.map((p) => p.resource.name))).toEqual([
      ['module.aks["blue"].main', 'module.aks["blue"].user'],
      ['module.aks["green"].main', 'module.aks["green"].user'],
    ]);
  });

  it('makes one instance per index of a known count on a call, its arguments reading count.index', async () => {
    const calling = `variable "disabled" {
  default = [true, false]
}

module "aks" {
  source                  = "../../modules/aks"
  count                   = length(var.disabled)
  name                    = "aks-\${count.index}"
  local_accounts_disabled = var.disabled[count.index]
}
`;
    const dir = tempTree({ ...MODULE, 'envs/prod/main.tf': calling });
    const { resources } = await ingestPaths([dir]);
    const clusters = resources.filter((r) => r.kind === 'azurerm_kubernetes_cluster');
    expect(clusters.map((c) => [c.name, c.object.name, c.object.local_account_disabled])).toEqual([
      ['module.aks[0].main', 'aks-0', true],
      ['module.aks[1].main', 'aks-1', false],
    ]);
    expect(clusters[1]?.valueSources?.local_account_disabled).toBe(`var.local_accounts_disabled, set by module.aks[1] in ${join(dir, 'envs/prod/main.tf')}:5 from var.disabled, the default in ${join(dir, 'envs/prod/main.tf')}:1`);
    const inventory = new Inventory(resources);
    expect(clusters.map((c) => aksClusterOf(c, inventory)?.nodePools.map((p) => p.resource.name))).toEqual([
      ['module.aks[0].main', 'module.aks[0].user'],
      ['module.aks[1].main', 'module.aks[1].user'],
    ]);
  });

  it('gives each instance of a repeated cluster the pools that name its index or key', async () => {
    const config = (meta: string, index: string) => `resource "azurerm_kubernetes_cluster" "main" {
  ${meta}
  name = "aks-\${${index}}"
}

resource "azurerm_kubernetes_cluster_node_pool" "user" {
  ${meta}
  name                  = "user\${${index}}"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.main[${index}].id
}

resource "azurerm_kubernetes_cluster_node_pool" "first" {
  name                  = "first"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.main[0].id
}
`;
    for (const [meta, index, pools] of [
      ['count = 2', 'count.index', [['user0', 'first'], ['user1']]],
      ['for_each = toset(["a", "b"])', 'each.key', [['usera'], ['userb']]],
    ] as const) {
      const { resources } = await ingestPaths([tempTree({ 'main.tf': config(meta, index) })]);
      const inventory = new Inventory(resources);
      const clusters = resources.filter((r) => r.kind === 'azurerm_kubernetes_cluster');
      expect([meta, clusters.map((c) => aksClusterOf(c, inventory)?.nodePools.filter((p) => p.resource.kind !== 'azurerm_kubernetes_cluster').map((p) => p.name))]).toEqual([meta, pools]);
    }
  });

  it('follows a source from the real directory of a root given through a link', async () => {
    const dir = tempTree({ ...MODULE, 'envs/prod/main.tf': root('prod') });
    symlinkSync(join(dir, 'envs/prod'), join(dir, 'prodlink'));
    const result = await ingestPaths([join(dir, 'prodlink')]);
    expect(result.notes).toEqual([]);
    expect(result.resources.filter((r) => r.kind === 'azurerm_kubernetes_cluster').map((r) => [r.name, r.object.name])).toEqual([['module.aks.main', 'aks-prod']]);
  });

  it('keeps the default of a non-nullable variable when the call passes a null, however it was made', async () => {
    const nullable = MODULE['modules/aks/variables.tf'].replace('type    = bool\n  default = true', 'type     = bool\n  default  = true\n  nullable = false');
    const calling = 'variable "x" {\n  default = null\n}\nmodule "aks" {\n  source                  = "../../modules/aks"\n  name                    = "aks"\n  local_accounts_disabled = var.x\n}\n';
    const dir = tempTree({ ...MODULE, 'modules/aks/variables.tf': nullable, 'envs/prod/main.tf': calling });
    const cluster = (await ingestPaths([dir])).resources.find((r) => r.kind === 'azurerm_kubernetes_cluster');
    expect(cluster?.object.local_account_disabled).toBe(true);
  });

  it('does not call a file without AKS resources when only some instances leave its resources out', async () => {
    const mod = 'variable "n" {}\nresource "azurerm_kubernetes_cluster" "c" {\n  count = var.n\n  name  = "c"\n}\n';
    const dir = tempTree({ 'mod/main.tf': mod, 'a/main.tf': 'module "m" {\n  source = "../mod"\n  n      = 0\n}\n', 'b/main.tf': 'module "m" {\n  source = "../mod"\n  n      = 1\n}\n' });
    const result = await ingestPaths([dir]);
    expect(result.resources.map((r) => r.origin?.root)).toEqual([join(dir, 'b')]);
    expect(result.notes).toEqual([]);
  });

  it('gives a pool to the cluster its label names, whatever letters the label or an instance key holds', async () => {
    const cluster = (label: string, extra = '') => `resource "azurerm_kubernetes_cluster" "${label}" {\n${extra}  name = "${label}"\n  default_node_pool {\n    name = "system"\n  }\n}\n`;
    const pool = (ref: string) => `resource "azurerm_kubernetes_cluster_node_pool" "user" {\n  name                  = "user"\n  kubernetes_cluster_id = ${ref}\n}\n`;
    const owners = async (tf: string) => {
      const { resources } = await ingestPaths([tempTree({ 'main.tf': tf })]);
      const inventory = new Inventory(resources);
      return resources.filter((r) => r.kind === 'azurerm_kubernetes_cluster').map((c) => [c.name, aksClusterOf(c, inventory)?.nodePools.map((p) => p.name)]);
    };
    expect(await owners(cluster('clüster') + cluster('other') + pool('azurerm_kubernetes_cluster.clüster.id'))).toEqual([
      ['clüster', ['system', 'user']],
      ['other', ['system']],
    ]);
    const keyed = await owners(cluster('main', '  for_each = toset(["a]b", "c"])\n') + pool('azurerm_kubernetes_cluster.main["a]b"].id'));
    expect(keyed.find(([name]) => name === 'main["a]b"]')?.[1]).toContain('user');
  });
});

/** A module calling `source` `n` times, as `m0`…. */
function calls(source: string, n: number): string {
  return Array.from({ length: n }, (_, i) => `module "m${i}" {\n  source = "${source}"\n}\n`).join('');
}

describe('module arguments and locals of known shape with parts only Terraform knows', () => {
  const FILES = {
    'modules/aks/variables.tf': `variable "network" {
  type = object({
    policy    = string
    subnet_id = string
    mode      = optional(string, "overlay")
  })
}
`,
    'modules/aks/main.tf': `resource "azurerm_kubernetes_cluster" "main" {
  name = "aks-prod"
  network_profile {
    network_plugin      = "azure"
    network_plugin_mode = var.network.mode
    network_policy      = var.network.policy
  }
  default_node_pool {
    name           = "system"
    vnet_subnet_id = var.network.subnet_id
  }
}
`,
    'envs/prod/main.tf': `locals {
  network = { policy = "calico", subnet_id = azurerm_subnet.nodes.id }
}
module "aks" {
  source  = "../../modules/aks"
  network = local.network
}
`,
  };

  it('pass the known parts through a module call and its declared type; the unknown ones stay unknown, never defaulted', async () => {
    const dir = tempTree(FILES);
    const { resources } = await ingestPaths([join(dir, 'envs/prod')], { terraformEnvironment: {} });
    const cluster = resources.find((r) => r.kind === 'azurerm_kubernetes_cluster');
    expect(cluster?.name).toBe('module.aks.main');
    const view = cluster ? aksClusterOf(cluster, new Inventory(resources)) : undefined;
    expect(view?.get('networkProfile.networkPolicy')).toMatchObject({ value: 'calico', known: true });
    // The optional attribute's default applies: the object's shape is known.
    expect(view?.get('networkProfile.networkPluginMode')).toMatchObject({ value: 'overlay', known: true });
    const subnet = view?.nodePools[0]?.get('vnetSubnetID');
    expect([subnet?.known, subnet?.reason]).toEqual([false, 'var.network.subnet_id is resolved by Terraform']);
  });
});

describe('a local Terraform refuses in part', () => {
  it('is not kept in part: the rest of it is unknown, not read', async () => {
    const dir = tempTree({
      'main.tf': `locals {
  l = [1, 2]
  x = { a = local.l[5], b = true }
}
resource "azurerm_kubernetes_cluster" "main" {
  name                   = "aks-prod"
  local_account_disabled = local.x.b
}
`,
    });
    const { resources } = await ingestPaths([dir], { terraformEnvironment: {} });
    expect(resources[0]?.object.local_account_disabled).toEqual(unknown('local.x.b is resolved by Terraform'));
  });
});
