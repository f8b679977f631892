import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aksClusterOf } from '../../../src/analyses/aks/index.js';
import { Inventory } from '../../../src/core/inventory.js';
import type { Resource } from '../../../src/core/resource.js';
import { meetsConstraint } from '../../../src/ingest/azure/terraform-module.js';
import { ingestPaths } from '../../../src/ingest/files.js';
import { tempTree } from '../../helpers/cli.js';

/** A module as `terraform init` installs it from a registry: a cluster, and a pool in a submodule it calls locally. */
const INSTALLED = {
  'variables.tf': 'variable "name" {\n  type = string\n}\n\nvariable "local_accounts_disabled" {\n  type    = bool\n  default = true\n}\n',
  'main.tf': `resource "azurerm_kubernetes_cluster" "main" {
  name                   = var.name
  local_account_disabled = var.local_accounts_disabled
  default_node_pool {
    name = "system"
  }
}

module "pool" {
  source     = "./modules/pool"
  cluster_id = azurerm_kubernetes_cluster.main.id
}
`,
  // A file of other resources, read because the module is: nothing the scan was asked for is skipped.
  'log.tf': 'resource "azurerm_log_analytics_workspace" "logs" {\n  name = "logs"\n}\n',
  'modules/pool/main.tf': 'variable "cluster_id" {\n  type = string\n}\n\nresource "azurerm_kubernetes_cluster_node_pool" "user" {\n  name                  = "user"\n  kubernetes_cluster_id = var.cluster_id\n}\n',
};

const CALL = (source: string, name = 'aks-prod') => `module "aks" {
  source                  = "${source}"
  version                 = "9.1.0"
  name                    = "${name}"
  local_accounts_disabled = false
}
`;

/** A root module with `terraform init` run: the module installed under `dataDir/modules/aks`, and the manifest naming it. */
function initialised(root: string, source: string, recorded: string, dataDir = '.terraform'): Record<string, string> {
  const files: Record<string, string> = {
    [`${root}/main.tf`]: CALL(source, `aks-${root.split('/').pop()}`),
    [`${root}/${dataDir}/modules/modules.json`]: JSON.stringify({
      Modules: [
        { Key: '', Source: '', Dir: '.' },
        { Key: 'aks', Source: recorded, Version: '9.1.0', Dir: `${dataDir}/modules/aks` },
        { Key: 'aks.pool', Source: './modules/pool', Dir: `${dataDir}/modules/aks/modules/pool` },
      ],
    }),
  };
  for (const [name, text] of Object.entries(INSTALLED)) files[`${root}/${dataDir}/modules/aks/${name}`] = text;
  return files;
}

const clusters = (resources: readonly Resource[]) => resources.filter((r) => r.kind === 'azurerm_kubernetes_cluster');

describe('Terraform modules installed by terraform init', () => {
  it('reads a registry module where terraform init installed it, with the call’s arguments, and the modules it calls locally', async () => {
    const dir = tempTree(initialised('envs/prod', 'Azure/aks/azurerm', 'registry.terraform.io/Azure/aks/azurerm'));
    const result = await ingestPaths([join(dir, 'envs/prod')]);
    expect(result.errors).toEqual([]);
    expect(result.notes).toEqual([]);
    const [cluster] = clusters(result.resources);
    expect([cluster?.name, cluster?.object.name, cluster?.object.local_account_disabled, cluster?.source.file]).toEqual([
      'module.aks.main',
      'aks-prod',
      false,
      join(dir, 'envs/prod/.terraform/modules/aks/main.tf'),
    ]);
    expect(cluster?.origin?.root).toBe(join(dir, 'envs/prod'));
    const inventory = new Inventory(result.resources);
    expect(cluster && aksClusterOf(cluster, inventory)?.nodePools.map((p) => p.resource.name)).toEqual(['module.aks.main', 'module.aks.module.pool.user']);
  });

  it('reads each root’s own installation, and a scan of the whole tree makes no root of the installed copies', async () => {
    const dir = tempTree({
      ...initialised('envs/prod', 'Azure/aks/azurerm', 'registry.terraform.io/Azure/aks/azurerm'),
      ...initialised('envs/dev', 'Azure/aks/azurerm', 'registry.terraform.io/Azure/aks/azurerm'),
    });
    const result = await ingestPaths([dir]);
    expect(result.notes).toEqual([]);
    expect(clusters(result.resources).map((c) => [c.object.name, c.source.file])).toEqual([
      ['aks-dev', join(dir, 'envs/dev/.terraform/modules/aks/main.tf')],
      ['aks-prod', join(dir, 'envs/prod/.terraform/modules/aks/main.tf')],
    ]);
  });

  it('matches the sources Terraform records in full: registry hosts and Git shorthands', async () => {
    for (const [source, recorded] of [
      ['app.terraform.io/contoso/aks/azurerm', 'app.terraform.io/contoso/aks/azurerm'],
      ['github.com/contoso/terraform-aks//modules/aks?ref=v2', 'git::https://github.com/contoso/terraform-aks.git//modules/aks?ref=v2'],
      ['git::https://dev.azure.com/contoso/infra/_git/aks?ref=v1', 'git::https://dev.azure.com/contoso/infra/_git/aks?ref=v1'],
      ['git@github.com:contoso/terraform-aks.git?ref=v1', 'git::ssh://git@github.com/contoso/terraform-aks.git?ref=v1'],
    ] as const) {
      const dir = tempTree(initialised('prod', source, recorded));
      const result = await ingestPaths([join(dir, 'prod')]);
      expect([source, result.notes, clusters(result.resources).map((c) => c.name)]).toEqual([source, [], ['module.aks.main']]);
    }
  });

  it('takes the data directory TF_DATA_DIR names, and makes no root of what it installed when the scan reads it too', async () => {
    const hidden = tempTree(initialised('prod', 'Azure/aks/azurerm', 'registry.terraform.io/Azure/aks/azurerm', '.tfdata'));
    const result = await ingestPaths([join(hidden, 'prod')], { terraformDataDir: '.tfdata' });
    expect(result.notes).toEqual([]);
    expect(clusters(result.resources).map((c) => [c.name, c.source.file])).toEqual([['module.aks.main', join(hidden, 'prod/.tfdata/modules/aks/main.tf')]]);
    // Without a dot the scan reads the installed files as its own, and they are still the call's only.
    const visible = tempTree(initialised('prod', 'Azure/aks/azurerm', 'registry.terraform.io/Azure/aks/azurerm', 'tfdata'));
    const both = await ingestPaths([join(visible, 'prod')], { terraformDataDir: 'tfdata' });
    expect(clusters(both.resources).map((c) => [c.name, c.object.name])).toEqual([['module.aks.main', 'aks-prod']]);
  });

  it('reads a module a called local module installs through the root, and no module the manifest lists elsewhere loses its own root', async () => {
    const files = initialised('prod', 'Azure/aks/azurerm', 'registry.terraform.io/Azure/aks/azurerm', 'tfdata');
    // The root calls ./platform, which calls the registry module: the manifest keys it platform.aks.
    const manifest = JSON.parse(files['prod/tfdata/modules/modules.json'] as string) as { Modules: { Key: string }[] };
    for (const m of manifest.Modules) if (m.Key.startsWith('aks')) m.Key = `platform.${m.Key}`;
    manifest.Modules.push({ Key: 'stale', Source: './old', Dir: '../dev' } as { Key: string });
    const dir = tempTree({
      ...files,
      'prod/main.tf': 'module "platform" {\n  source = "./platform"\n}\n',
      'prod/platform/main.tf': CALL('Azure/aks/azurerm', 'from-platform'),
      'prod/tfdata/modules/modules.json': JSON.stringify(manifest),
      'dev/main.tf': 'resource "azurerm_kubernetes_cluster" "dev" {\n  name = "dev"\n}\n',
    });
    const result = await ingestPaths([dir], { terraformDataDir: 'tfdata', terraformEnvironment: {} });
    expect(clusters(result.resources).map((c) => [c.name, c.object.name])).toEqual([
      ['dev', 'dev'],
      ['module.platform.module.aks.main', 'from-platform'],
    ]);
    // The data directory is Terraform's, not the scan's: its manifest is not read as a document.
    expect(result.notes).toEqual([]);
  });

  it('notes a call whose installed version its version constraint does not allow, as terraform plan refuses it', async () => {
    const files = initialised('prod', 'Azure/aks/azurerm', 'registry.terraform.io/Azure/aks/azurerm');
    const dir = tempTree({ ...files, 'prod/main.tf': CALL('Azure/aks/azurerm').replace('"9.1.0"', '"~> 10.0"') });
    const result = await ingestPaths([join(dir, 'prod')]);
    expect(clusters(result.resources)).toEqual([]);
    expect(result.notes.map((n) => n.message)).toEqual([
      `module.aks uses Azure/aks/azurerm, which terraform init installs, and ${join(dir, 'prod/.terraform/modules/modules.json')} has version 9.1.0 installed for it, which version = "~> 10.0" does not allow: run terraform init in ${join(dir, 'prod')} again to have its resources checked`,
    ]);
    for (const constraint of ['~> 9.1', '>= 9.0, < 10.0', '9.1.0', '~> 9.1.0', '!= 9.0.0']) {
      const ok = tempTree({ ...files, 'prod/main.tf': CALL('Azure/aks/azurerm').replace('"9.1.0"', JSON.stringify(constraint)) });
      expect([constraint, clusters((await ingestPaths([join(ok, 'prod')])).resources).length]).toEqual([constraint, 1]);
    }
  });

  it('notes a call whose module is not installed, was installed from another source, or whose manifest is broken, and reads the rest', async () => {
    const notInit = tempTree({ 'prod/main.tf': CALL('Azure/aks/azurerm') });
    const missing = await ingestPaths([join(notInit, 'prod')]);
    expect(missing.errors).toEqual([]);
    expect(missing.notes).toEqual([
      {
        source: join(notInit, 'prod/main.tf'),
        line: 1,
        message: `module.aks uses Azure/aks/azurerm, which terraform init installs, and ${join(notInit, 'prod/.terraform/modules/modules.json')} does not exist: run terraform init in ${join(notInit, 'prod')} to have its resources checked`,
      },
    ]);

    const stale = tempTree(initialised('prod', 'Azure/aks/azurerm', 'registry.terraform.io/Other/aks/azurerm'));
    const staleRead = await ingestPaths([join(stale, 'prod')]);
    expect(clusters(staleRead.resources)).toEqual([]);
    expect(staleRead.notes.map((n) => n.message)).toEqual([
      `module.aks uses Azure/aks/azurerm, which terraform init installs, and ${join(stale, 'prod/.terraform/modules/modules.json')} has registry.terraform.io/Other/aks/azurerm installed for it: run terraform init in ${join(stale, 'prod')} again to have its resources checked`,
    ]);

    const broken = tempTree({
      ...initialised('prod', 'Azure/aks/azurerm', 'registry.terraform.io/Azure/aks/azurerm'),
      'prod/.terraform/modules/modules.json': '{"Modules": [',
      'prod/cluster.tf': 'resource "azurerm_kubernetes_cluster" "own" {\n  name = "own"\n}\n',
    });
    const brokenRead = await ingestPaths([join(broken, 'prod')]);
    expect(clusters(brokenRead.resources).map((c) => c.name)).toEqual(['own']);
    expect(brokenRead.notes.map((n) => n.message)).toEqual([
      `module.aks uses Azure/aks/azurerm, which terraform init installs, and ${join(broken, 'prod/.terraform/modules/modules.json')} is not valid JSON: run terraform init in ${join(broken, 'prod')} to have its resources checked`,
    ]);

    const gone = tempTree({ ...initialised('prod', 'Azure/aks/azurerm', 'registry.terraform.io/Azure/aks/azurerm'), 'prod/.terraform/modules/modules.json': JSON.stringify({ Modules: [{ Key: 'aks', Source: 'registry.terraform.io/Azure/aks/azurerm', Dir: '.terraform/modules/gone' }] }) });
    const goneRead = await ingestPaths([join(gone, 'prod')]);
    expect(goneRead.notes.map((n) => n.message)).toEqual([
      `module.aks uses Azure/aks/azurerm, which terraform init installs, and ${join(gone, 'prod/.terraform/modules/gone')}, where ${join(gone, 'prod/.terraform/modules/modules.json')} says it is, is not a directory that can be read: run terraform init in ${join(gone, 'prod')} again to have its resources checked`,
    ]);
  });

  it('reads version constraints as Terraform does, and decides nothing on a form it does not read', () => {
    for (const [version, constraint, meets] of [
      ['9.1.0', '~> 9.1', true],
      ['9.9.0', '~> 9.1', true],
      ['10.0.0', '~> 9.1', false],
      ['9.1.5', '~> 9.1.0', true],
      ['9.2.0', '~> 9.1.0', false],
      ['12.0.0', '~> 9', true],
      ['9.0.0', '>= 9.0, < 10.0', true],
      ['10.0.0', '>= 9.0, < 10.0', false],
      ['9.1.0', '= 9.1.0', true],
      ['9.1.0', '!= 9.1.0', false],
      ['9.1.0-beta', '>= 9.0', undefined],
      ['9.1.0', '^9.0', undefined],
    ] as const) {
      expect([version, constraint, meetsConstraint(version, constraint)]).toEqual([version, constraint, meets]);
    }
  });
});
