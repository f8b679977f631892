import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { driftExitCode, runAksDrift, type DriftProblems, type DriftReport } from '../../src/cli/aks.js';
import type { Obj, Resource } from '../../src/core/resource.js';
import { runCli, tempTree } from '../helpers/cli.js';

const ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod';

const TF = `resource "azurerm_kubernetes_cluster" "main" {
  name                   = "aks-prod"
  location               = "westeurope"
  resource_group_name    = "rg-prod"
  dns_prefix             = "aksprod"
  kubernetes_version     = "1.30"
  local_account_disabled = true
  sku_tier               = "Standard"

  api_server_access_profile {
    authorized_ip_ranges = ["203.0.113.0/24"]
  }

  network_profile {
    network_plugin = "azure"
    network_policy = "cilium"
  }

  default_node_pool {
    name                    = "system"
    vm_size                 = "Standard_D4s_v5"
    host_encryption_enabled = true
  }

  disk_encryption_set_id = azurerm_disk_encryption_set.des.id
}
`;

/** `az aks show -o json` of the cluster that template created. */
function show(over: Obj = {}, pool: Obj = {}): string {
  return JSON.stringify(
    {
      id: ID,
      name: 'aks-prod',
      type: 'Microsoft.ContainerService/ManagedClusters',
      location: 'westeurope',
      resourceGroup: 'rg-prod',
      sku: { name: 'Base', tier: 'Standard' },
      kubernetesVersion: '1.30.4',
      enableRbac: true,
      disableLocalAccounts: true,
      apiServerAccessProfile: { enablePrivateCluster: false, authorizedIpRanges: ['203.0.113.0/24'], disableRunCommand: null },
      networkProfile: { networkPlugin: 'azure', networkPolicy: 'cilium', outboundType: 'loadBalancer' },
      diskEncryptionSetId: null,
      agentPoolProfiles: [{ name: 'system', mode: 'System', count: 3, enableEncryptionAtHost: true, enableNodePublicIp: false, orchestratorVersion: '1.30.4', ...pool }],
      ...over,
    },
    null,
    2,
  );
}

const drifted = show({ disableLocalAccounts: false, apiServerAccessProfile: { enablePrivateCluster: false, authorizedIpRanges: [] } });

function parse(stdout: string): DriftReport {
  return JSON.parse(stdout) as DriftReport;
}

describe('palisade aks drift TEMPLATE LIVE', () => {
  it('exits 0 and says so when nothing differs', async () => {
    const dir = tempTree({ 'main.tf': TF, 'live.json': show() });
    const r = await runCli(['aks', 'drift', join(dir, 'main.tf'), join(dir, 'live.json'), '--fail-on-drift']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no drift in the compared settings');
    // The disk encryption set is a Terraform reference: not known before apply.
    expect(r.stdout).toMatch(/diskEncryptionSetID\s+\(unknown\)\s+\S+main\.tf:25\s+\(not set\)\s+cannot compare: /);
    expect(r.stdout).toContain('1 cannot be compared');
  });

  it('lists drift in a table with both values; exits 0 without --fail-on-drift and 1 with it', async () => {
    const dir = tempTree({ 'main.tf': TF, 'live.json': drifted });
    const args = ['aks', 'drift', join(dir, 'main.tf'), join(dir, 'live.json')];
    const r = await runCli(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^SETTING\s+TEMPLATE\s+LIVE\s+NOTE$/m);
    expect(r.stdout).toMatch(/^disableLocalAccounts\s+true\s+\S+main\.tf:7\s+false\s+weaker in the live cluster$/m);
    expect(r.stdout).toMatch(/^apiServerAccessProfile\.authorizedIPRanges\s+\[203\.0\.113\.0\/24\]\s+\S+main\.tf:11\s+\[\]\s+weaker in the live cluster: the live API server accepts every address$/m);
    expect(r.stdout).toContain('2 settings differ (2 weaker in the live cluster); 1 cannot be compared');
    expect((await runCli([...args, '--fail-on-drift'])).code).toBe(1);
  });

  it('writes the JSON report', async () => {
    const dir = tempTree({ 'main.tf': TF, 'live.json': drifted });
    const r = await runCli(['aks', 'drift', join(dir, 'main.tf'), join(dir, 'live.json'), '-f', 'json']);
    expect(r.code).toBe(0);
    const report = parse(r.stdout);
    expect(report.schema).toBe('palisade.aks-drift/v1');
    expect(report.template).toEqual({
      input: join(dir, 'main.tf'),
      cluster: 'aks-prod',
      kind: 'azurerm_kubernetes_cluster',
      shape: 'terraform-hcl',
      file: join(dir, 'main.tf'),
      line: 1,
    });
    expect(report.live).toMatchObject({ input: join(dir, 'live.json'), cluster: 'aks-prod', kind: 'Microsoft.ContainerService/managedClusters', shape: 'az-cli' });
    expect(report.summary).toEqual({ drift: 2, regressions: 2, uncomparable: 1, info: 0 });
    expect(report.drift[0]).toEqual({
      setting: 'disableLocalAccounts',
      template: { value: true, field: 'local_account_disabled', file: join(dir, 'main.tf'), line: 7 },
      live: { value: false, field: 'disableLocalAccounts' },
      regression: true,
      note: 'weaker in the live cluster',
    });
    expect(report.uncomparable).toEqual([
      expect.objectContaining({ setting: 'diskEncryptionSetID', template: expect.objectContaining({ value: '(unknown)', line: 25 }), regression: null }),
    ]);
    expect(report.errors).toEqual([]);
  });

  it('writes Markdown', async () => {
    const dir = tempTree({ 'main.tf': TF, 'live.json': drifted });
    const r = await runCli(['aks', 'drift', join(dir, 'main.tf'), join(dir, 'live.json'), '--format', 'markdown']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('| Setting | Template | Live | Note |');
    expect(r.stdout).toMatch(/^\| disableLocalAccounts \| true \(.*main\.tf:7\) \| false \| \*\*weaker in the live cluster\*\* \|$/m);
  });

  it('reads the live cluster from stdin', async () => {
    const dir = tempTree({ 'main.tf': TF });
    const r = await runCli(['aks', 'drift', join(dir, 'main.tf'), '-', '-f', 'json'], { stdin: drifted });
    expect(r.code).toBe(0);
    expect(parse(r.stdout).summary.drift).toBe(2);
  });

  it('refuses to guess among several clusters (exit 2)', async () => {
    const dir = tempTree({ 'main.tf': TWO_CLUSTERS, 'live.json': show() });
    const r = await runCli(['aks', 'drift', join(dir, 'main.tf'), join(dir, 'live.json')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('the template holds 2 AKS clusters (aks-prod (main), aks-staging (staging)): choose one with --cluster NAME');
  });

  it('exits 2 when a side holds no cluster', async () => {
    const dir = tempTree({ 'main.tf': TF, 'pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n' });
    const r = await runCli(['aks', 'drift', join(dir, 'main.tf'), join(dir, 'pod.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no AKS cluster in the live cluster');
  });

  it('exits 2 on usage errors', async () => {
    const dir = tempTree({ 'main.tf': TF });
    const neither = await runCli(['aks', 'drift', join(dir, 'main.tf')]);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('give the live cluster, as a file (LIVE) or with --aks RESOURCE_ID');
    expect(neither.stderr).not.toContain('not both');
    const badId = await runCli(['aks', 'drift', join(dir, 'main.tf'), '--aks', '/subscriptions/x/aks-prod']);
    expect(badId.code).toBe(2);
    expect(badId.stderr).toContain('--aks expects a cluster resource id');
  });
});

describe('palisade aks drift with an AzAPI template', () => {
  const AZAPI = `resource "azapi_resource" "aks" {
  type      = "Microsoft.ContainerService/managedClusters@2025-10-01"
  name      = "aks-prod"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod"
  body = {
    sku = { name = "Base", tier = "Standard" }
    properties = {
      kubernetesVersion      = "1.30"
      disableLocalAccounts   = true
      apiServerAccessProfile = { authorizedIPRanges = ["203.0.113.0/24"] }
      networkProfile         = { networkPlugin = "azure", networkPolicy = "cilium" }
      agentPoolProfiles      = [{ name = "system", mode = "System", enableEncryptionAtHost = true }]
    }
  }
}
`;

  it('compares the body with the live cluster, each setting at its line in the body', async () => {
    const dir = tempTree({ 'main.tf': AZAPI, 'live.json': drifted });
    const r = await runCli(['aks', 'drift', join(dir, 'main.tf'), join(dir, 'live.json'), '-f', 'json']);
    expect(r.stderr).toBe('');
    const report = parse(r.stdout);
    expect(report.template).toMatchObject({ cluster: 'aks-prod', kind: 'Microsoft.ContainerService/managedClusters', shape: 'terraform-hcl', line: 1 });
    expect(report.drift.map((d) => [d.setting, d.template.field, d.template.line, d.live.value])).toEqual([
      ['disableLocalAccounts', 'body.properties.disableLocalAccounts', 9, false],
      ['apiServerAccessProfile.authorizedIPRanges', 'body.properties.apiServerAccessProfile.authorizedIPRanges', 10, []],
    ]);
    expect(report.summary).toMatchObject({ drift: 2, regressions: 2 });
  });

  it('refuses the AzAPI template given as the live side', async () => {
    const dir = tempTree({ 'main.tf': AZAPI, 'live.json': show() });
    const r = await runCli(['aks', 'drift', join(dir, 'live.json'), join(dir, 'main.tf')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the arguments are swapped');
  });
});

describe('palisade aks drift with Terraform variables', () => {
  const variables = 'variable "local_accounts_disabled" {\n  type    = bool\n  default = false\n}\n';
  const tf = TF.replace('local_account_disabled = true', 'local_account_disabled = var.local_accounts_disabled');

  it("compares a variable's default, and says where the template value came from", async () => {
    const dir = tempTree({ 'main.tf': tf, 'variables.tf': variables, 'live.json': show() });
    const r = await runCli(['aks', 'drift', join(dir, 'main.tf'), join(dir, 'live.json'), '-f', 'json']);
    expect(r.code).toBe(0);
    const entry = parse(r.stdout).drift.find((e) => e.setting === 'disableLocalAccounts');
    expect(entry).toMatchObject({
      template: { value: false, from: `var.local_accounts_disabled, the default in ${join(dir, 'variables.tf')}:1` },
      live: { value: true },
      regression: false,
      note: `template value from var.local_accounts_disabled, the default in ${join(dir, 'variables.tf')}:1`,
    });
  });

  it('takes the values of --var-file over the defaults', async () => {
    const dir = tempTree({ 'main.tf': tf, 'variables.tf': variables, 'live.json': show(), 'prod.tfvars': 'local_accounts_disabled = true\n' });
    const r = await runCli(['aks', 'drift', join(dir, 'main.tf'), join(dir, 'live.json'), '--var-file', join(dir, 'prod.tfvars'), '--fail-on-drift']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no drift in the compared settings');
  });

  it('takes --var over --var-file, names the flag for a cluster below the directory given, and never quotes a malformed --var (exit 2)', async () => {
    const dir = tempTree({ 'infra/main.tf': tf, 'infra/variables.tf': variables, 'prod.tfvars': 'local_accounts_disabled = false\n' });
    const live = join(tempTree({ 'live.json': show() }), 'live.json');
    const r = await runCli(['aks', 'drift', join(dir, 'infra'), live, '--var-file', join(dir, 'prod.tfvars'), '--var', 'local_accounts_disabled=true', '--fail-on-drift']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const below = await runCli(['aks', 'drift', dir, live, '--var', 'local_accounts_disabled=true']);
    expect(below.code).toBe(2);
    expect(below.stderr).toContain(`--var applies to the Terraform module in ${dir}, and cluster aks-prod is written in ${join(dir, 'infra')}`);
    const bad = await runCli(['aks', 'drift', join(dir, 'infra'), live, '--var', 'local_accounts_disabled=true', '--var', 's3cr3t-pasted']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--var takes NAME=VALUE, as terraform -var does: --var number 2 is not a variable name followed by =');
    expect(bad.stderr).not.toContain('s3cr3t');
  });

  it('refuses --var-file for a cluster written below the directory given, naming the one to give (exit 2)', async () => {
    const dir = tempTree({ 'infra/main.tf': tf, 'infra/variables.tf': variables, 'prod.tfvars': 'local_accounts_disabled = true\n' });
    const live = join(tempTree({ 'live.json': show() }), 'live.json');
    const r = await runCli(['aks', 'drift', dir, live, '--var-file', join(dir, 'prod.tfvars')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--var-file applies to the Terraform module in ${dir}, and cluster aks-prod is written in ${join(dir, 'infra')}: give ${join(dir, 'infra')} as the template`);
    const ok = await runCli(['aks', 'drift', join(dir, 'infra'), live, '--var-file', join(dir, 'prod.tfvars'), '--fail-on-drift']);
    expect(ok.code).toBe(0);
  });

  it('compares a cluster written in a module the template calls, with --var-file values passed through the call', async () => {
    const root = `${variables}module "aks" {\n  source                  = "../modules/aks"\n  local_accounts_disabled = var.local_accounts_disabled\n}\n`;
    const dir = tempTree({ 'modules/aks/main.tf': tf, 'modules/aks/variables.tf': variables.replace('false', 'true'), 'prod/main.tf': root, 'prod.tfvars': 'local_accounts_disabled = false\n' });
    const live = join(tempTree({ 'live.json': show() }), 'live.json');
    const r = await runCli(['aks', 'drift', join(dir, 'prod'), live, '--var-file', join(dir, 'prod.tfvars'), '-f', 'json']);
    expect(r.stderr).toBe('');
    const entry = parse(r.stdout).drift.find((e) => e.setting === 'disableLocalAccounts');
    expect(entry).toMatchObject({
      template: { value: false, from: `var.local_accounts_disabled, set by module.aks in ${join(dir, 'prod/main.tf')}:5 from var.local_accounts_disabled, set in ${join(dir, 'prod.tfvars')}:1` },
      live: { value: true },
    });
  });

  it('refuses --var-file for a template that is not Terraform, or read from stdin (exit 2)', async () => {
    const template = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      resources: [{ type: 'Microsoft.ContainerService/managedClusters', apiVersion: '2024-05-01', name: 'aks-prod', location: 'westeurope', properties: { disableLocalAccounts: true } }],
    };
    const dir = tempTree({ 'azuredeploy.json': JSON.stringify(template), 'other.json': show(), 'prod.tfvars': 'x = 1\n' });
    const arm = await runCli(['aks', 'drift', join(dir, 'azuredeploy.json'), join(dir, 'other.json'), '--var-file', join(dir, 'prod.tfvars')]);
    expect(arm.stderr).toContain('--var-file applies to a Terraform configuration (.tf), and this template is not one');
    expect(arm.code).toBe(2);
    const stdin = await runCli(['aks', 'drift', '-', join(dir, 'other.json'), '--var-file', join(dir, 'prod.tfvars')], { stdin: tf });
    expect(stdin.code).toBe(2);
    expect(stdin.stderr).toContain('--var-file needs the template as a file or directory, not stdin');
  });
});

const TWO_CLUSTERS = `${TF}
resource "azurerm_kubernetes_cluster" "staging" {
  name                   = "aks-staging"
  local_account_disabled = false
  default_node_pool {
    name = "system"
  }
}
`;

describe('runAksDrift with files', () => {
  const problems = (): DriftProblems => ({ errors: [], warnings: [] });

  it('chooses among several clusters with --cluster, by Azure name or Terraform label', async () => {
    const dir = tempTree({ 'main.tf': TWO_CLUSTERS, 'live.json': show() });
    const base = { template: join(dir, 'main.tf'), live: join(dir, 'live.json') };
    expect((await runAksDrift({ ...base, cluster: 'aks-prod' }, problems())).summary.drift).toBe(0);
    const p = problems();
    const byLabel = await runAksDrift({ ...base, cluster: 'staging' }, p);
    expect(byLabel.template.cluster).toBe('aks-staging');
    expect(byLabel.drift.map((e) => e.setting)).toContain('disableLocalAccounts');
    // The live file holds one cluster: it is used, with a warning that its name differs.
    expect(p.warnings).toEqual([{ source: join(dir, 'live.json'), message: 'the live cluster holds one cluster, aks-prod, not staging: comparing with it' }]);
    await expect(runAksDrift({ ...base, cluster: 'aks-dev' }, problems())).rejects.toThrow(
      'no AKS cluster named aks-dev in the template (it holds aks-prod (main), aks-staging (staging))',
    );
  });

  it('reports inputs that cannot be read', async () => {
    const dir = tempTree({ 'main.tf': TF, 'broken.json': '{"id": ' });
    const missing = problems();
    await expect(runAksDrift({ template: join(dir, 'nope.tf'), live: join(dir, 'broken.json') }, missing)).rejects.toThrow('no AKS cluster in the template');
    expect(missing.errors).toEqual([{ source: join(dir, 'nope.tf'), message: 'cannot read: no such file or directory' }]);
    const broken = problems();
    await expect(runAksDrift({ template: join(dir, 'main.tf'), live: join(dir, 'broken.json') }, broken)).rejects.toThrow('no AKS cluster in the live cluster');
    expect(broken.errors).toEqual([expect.objectContaining({ source: join(dir, 'broken.json') })]);
  });

  it('takes the live cluster from a file or from --aks, not both', async () => {
    const dir = tempTree({ 'main.tf': TF, 'live.json': show() });
    await expect(runAksDrift({ template: join(dir, 'main.tf'), live: join(dir, 'live.json'), aks: ID }, problems())).rejects.toThrow('not both');
    await expect(runAksDrift({ template: '-', live: '-' }, problems())).rejects.toThrow('only one of TEMPLATE and LIVE can be read from stdin');
  });
});

describe('runAksDrift with --aks', () => {
  const rest = (kind: string, name: string, object: Obj): Resource => ({
    apiVersion: '2024-05-01',
    kind,
    namespace: null,
    name,
    object,
    source: { file: String(object.id), line: 1 },
    format: 'arm-rest',
  });
  // What the live reader returns: the cluster body without its pool profiles, and each pool as its own resource.
  const liveResources = [
    rest('Microsoft.ContainerService/managedClusters', 'aks-prod', {
      id: ID,
      name: 'aks-prod',
      type: 'Microsoft.ContainerService/ManagedClusters',
      sku: { name: 'Base', tier: 'Free' },
      properties: {
        kubernetesVersion: '1.30.4',
        enableRBAC: true,
        disableLocalAccounts: true,
        apiServerAccessProfile: { authorizedIPRanges: ['203.0.113.0/24'] },
        networkProfile: { networkPlugin: 'azure', networkPolicy: 'cilium', outboundType: 'loadBalancer' },
      },
    }),
    rest('Microsoft.ContainerService/managedClusters/agentPools', 'aks-prod/system', {
      id: `${ID}/agentPools/system`,
      name: 'system',
      type: 'Microsoft.ContainerService/managedClusters/agentPools',
      properties: { mode: 'System', enableEncryptionAtHost: false, orchestratorVersion: '1.30.4' },
    }),
  ];

  it('reads the live cluster through the fetcher and compares it', async () => {
    const dir = tempTree({ 'main.tf': TF });
    const asked: string[] = [];
    const problems: DriftProblems = { errors: [], warnings: [] };
    const report = await runAksDrift(
      {
        template: join(dir, 'main.tf'),
        aks: ID,
        fetchLive: async (id) => {
          asked.push(id);
          return { resources: liveResources, errors: [] };
        },
      },
      problems,
    );
    expect(asked).toEqual([ID]);
    expect(report.live).toMatchObject({ input: ID, cluster: 'aks-prod', shape: 'arm-rest', file: ID });
    expect(report.drift.map((e) => [e.setting, e.pool, e.live.field])).toEqual([
      ['sku.tier', undefined, 'sku.tier'],
      ['enableEncryptionAtHost', 'system', 'properties.enableEncryptionAtHost'],
    ]);
    expect(driftExitCode(report, true)).toBe(1);
    expect(problems).toEqual({ errors: [], warnings: [] });
  });

  it('keeps what could be read when part of the live read fails (exit code 2)', async () => {
    const dir = tempTree({ 'main.tf': TF });
    const problems: DriftProblems = { errors: [], warnings: [] };
    const failure = { source: ID, message: 'listing the diagnostic settings: 403 AuthorizationFailed' };
    const report = await runAksDrift({ template: join(dir, 'main.tf'), aks: ID, fetchLive: async () => ({ resources: liveResources, errors: [failure] }) }, problems);
    expect(report.errors).toEqual([failure]);
    expect(problems.errors).toEqual([failure]);
    expect(driftExitCode(report, false)).toBe(2);
  });

  it('fails when the cluster itself cannot be read', async () => {
    const dir = tempTree({ 'main.tf': TF });
    const problems: DriftProblems = { errors: [], warnings: [] };
    const failure = { source: ID, message: `cluster not found: ${ID}` };
    await expect(runAksDrift({ template: join(dir, 'main.tf'), aks: ID, fetchLive: async () => ({ resources: [], errors: [failure] }) }, problems)).rejects.toThrow(
      'the live cluster could not be read',
    );
    expect(problems.errors).toEqual([failure]);
  });
});

describe('palisade aks drift: which side is which', () => {
  it('refuses swapped arguments with a usage error naming each side (exit 2)', async () => {
    const dir = tempTree({ 'main.tf': TF, 'live.json': show({ provisioningState: 'Succeeded', fqdn: 'aks-prod.hcp.westeurope.azmk8s.io' }) });
    const swapped = await runCli(['aks', 'drift', join(dir, 'live.json'), join(dir, 'main.tf')]);
    expect(swapped.code).toBe(2);
    expect(swapped.stdout).toBe('');
    expect(swapped.stderr).toContain(`the arguments are swapped: ${join(dir, 'main.tf')} is the template (Terraform configuration) and ${join(dir, 'live.json')} the live cluster`);
    const twoLive = await runCli(['aks', 'drift', join(dir, 'live.json'), join(dir, 'live.json')]);
    expect(twoLive.code).toBe(2);
    expect(twoLive.stderr).toContain('is given as TEMPLATE but describes a live cluster');
  });

  it('does not fail on drift for settings the template leaves to Azure', async () => {
    const unpinned = TF.replace('  kubernetes_version     = "1.30"\n', '');
    const dir = tempTree({ 'main.tf': unpinned, 'live.json': show() });
    const r = await runCli(['aks', 'drift', join(dir, 'main.tf'), join(dir, 'live.json'), '--fail-on-drift', '-f', 'json']);
    expect(r.code).toBe(0);
    const report = parse(r.stdout);
    expect(report.summary).toMatchObject({ drift: 0, info: 2 });
    expect(report.info.map((e) => e.setting)).toEqual(['kubernetesVersion', 'orchestratorVersion']);
  });
});

describe('palisade aks drift --parameters', () => {
  const template = JSON.stringify(
    {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      parameters: { clusterName: { type: 'string' }, ranges: { type: 'array' }, note: { type: 'string', defaultValue: 'x' } },
      resources: [
        {
          type: 'Microsoft.ContainerService/managedClusters',
          apiVersion: '2024-05-01',
          name: "[parameters('clusterName')]",
          location: 'westeurope',
          tags: { note: "[parameters('note')]" },
          properties: {
            kubernetesVersion: '1.30',
            disableLocalAccounts: true,
            apiServerAccessProfile: { authorizedIPRanges: "[parameters('ranges')]" },
            networkProfile: { networkPlugin: 'azure', networkPolicy: 'cilium' },
            agentPoolProfiles: [{ name: 'system', mode: 'System', enableEncryptionAtHost: true }],
          },
        },
      ],
    },
    null,
    2,
  );
  const parameters = JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#',
    contentVersion: '1.0.0.0',
    parameters: { clusterName: { value: 'aks-prod' }, ranges: { value: ['203.0.113.0/24'] }, note: { value: '[not an expression]' } },
  });

  it('resolves the parameters the template leaves to the deployment', async () => {
    const dir = tempTree({ 'azuredeploy.json': template, 'azuredeploy.parameters.json': parameters, 'live.json': drifted });
    const args = ['aks', 'drift', join(dir, 'azuredeploy.json'), join(dir, 'live.json'), '-f', 'json'];
    const without = parse((await runCli(args)).stdout);
    expect(without.uncomparable.map((e) => e.setting)).toContain('apiServerAccessProfile.authorizedIPRanges');
    const r = await runCli([...args, '--parameters', join(dir, 'azuredeploy.parameters.json')]);
    expect(r.stderr).toBe('');
    const report = parse(r.stdout);
    expect(report.template.cluster).toBe('aks-prod');
    expect(report.uncomparable).toEqual([]);
    expect(report.drift.find((e) => e.setting === 'apiServerAccessProfile.authorizedIPRanges')).toMatchObject({ template: { value: ['203.0.113.0/24'] }, regression: true });
  });

  it('says where a parameters file is not JSON without quoting it: it may hold a securestring', async () => {
    const secret = ['hun', 'ter', '2x'].join('');
    const dir = tempTree({ 'azuredeploy.json': template, 'bad.parameters.json': `{"parameters": {"adminPassword": {"value": ${secret}}}}`, 'live.json': drifted });
    const r = await runCli(['aks', 'drift', join(dir, 'azuredeploy.json'), join(dir, 'live.json'), '--parameters', join(dir, 'bad.parameters.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.parameters\.json: the parameters file is not JSON: line 1, column \d+/);
    expect(r.stderr).not.toContain(secret);
  });

  it('refuses .bicepparam files and templates that are not ARM JSON', async () => {
    const dir = tempTree({ 'azuredeploy.json': template, 'main.bicepparam': "using 'main.bicep'\n", 'main.tf': TF, 'p.json': parameters, 'live.json': show() });
    const bicep = await runCli(['aks', 'drift', join(dir, 'azuredeploy.json'), join(dir, 'live.json'), '--parameters', join(dir, 'main.bicepparam')]);
    expect(bicep.code).toBe(2);
    expect(bicep.stderr).toContain('.bicepparam files are not read');
    const tf = await runCli(['aks', 'drift', join(dir, 'main.tf'), join(dir, 'live.json'), '--parameters', join(dir, 'p.json')]);
    expect(tf.code).toBe(2);
    expect(tf.stderr).toContain('--parameters applies to an ARM/Bicep-compiled JSON template');
  });

  const withValues = (values: Obj) => JSON.stringify({ parameters: values });

  it('refuses a value nested deeper than templates may be, without overflowing the stack', async () => {
    const deep = `{"parameters":{"ranges":{"value":${'['.repeat(3000)}1${']'.repeat(3000)}}}}`;
    const dir = tempTree({ 'azuredeploy.json': template, 'p.json': deep, 'live.json': drifted });
    const r = await runCli(['aks', 'drift', join(dir, 'azuredeploy.json'), join(dir, 'live.json'), '--parameters', join(dir, 'p.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('p.json: the parameters file is refused: nesting deeper than 100');
  });

  it('reads a parameters file and a template saved with a UTF-8 byte order mark', async () => {
    const dir = tempTree({ 'azuredeploy.json': `\uFEFF${template}`, 'p.json': `\uFEFF${parameters}`, 'live.json': drifted });
    const r = await runCli(['aks', 'drift', join(dir, 'azuredeploy.json'), join(dir, 'live.json'), '--parameters', join(dir, 'p.json'), '-f', 'json']);
    expect(r.stderr).toBe('');
    expect(parse(r.stdout).template.cluster).toBe('aks-prod');
  });

  it('warns of a value not of the declared type and leaves it unknown rather than comparing it', async () => {
    const wrong = withValues({ clusterName: { value: 'aks-prod' }, ranges: { value: '203.0.113.0/24' }, note: { value: 42 } });
    const dir = tempTree({ 'azuredeploy.json': template, 'p.json': wrong, 'live.json': drifted });
    const r = await runCli(['aks', 'drift', join(dir, 'azuredeploy.json'), join(dir, 'live.json'), '--parameters', join(dir, 'p.json'), '-f', 'json']);
    expect(r.stderr).toContain('parameter ranges: the value is not of the declared type array (a deployment would refuse it): left unknown');
    expect(r.stderr).toContain('parameter note: the value is not of the declared type string');
    const report = parse(r.stdout);
    expect(report.uncomparable.map((e) => e.setting)).toContain('apiServerAccessProfile.authorizedIPRanges');
    expect(report.drift.map((e) => e.setting)).not.toContain('apiServerAccessProfile.authorizedIPRanges');
  });

  it('gives the reason an entry has no value: a Key Vault reference, null, or neither', async () => {
    const entries = withValues({
      clusterName: { value: 'aks-prod' },
      ranges: null,
      note: { reference: { keyVault: { id: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv' }, secretName: 's' } },
    });
    const dir = tempTree({ 'azuredeploy.json': template, 'p.json': entries, 'live.json': drifted });
    const r = await runCli(['aks', 'drift', join(dir, 'azuredeploy.json'), join(dir, 'live.json'), '--parameters', join(dir, 'p.json'), '-f', 'json']);
    expect(r.stderr).toContain('parameter ranges is null, not {"value": ...}: left unknown');
    expect(r.stderr).toContain('parameter note has no value (a Key Vault reference is resolved only at deployment): left unknown');
  });
});
