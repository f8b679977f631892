import { describe, expect, it } from 'vitest';
import {
  aksClusterOf,
  aksVerify,
  CLUSTER_KINDS,
  CRITICAL_ADDONS_TAINT,
  refersToCluster,
  terraformAddress,
  terraformAttributesFor,
  terraformCluster,
  terraformNodePool,
  UNKNOWN_KEY,
} from '../../../src/analyses/aks/index.js';
import { Inventory } from '../../../src/core/inventory.js';
import { diagnosticSettingsFor } from '../../../src/analyses/aks/diagnostics.js';
import { ingestPaths } from '../../../src/ingest/files.js';
import { tempTree } from '../../helpers/cli.js';
import type { Obj, Resource } from '../../../src/core/resource.js';

function tf(kind: string, label: string, object: Obj, format = 'terraform-plan'): Resource {
  return { apiVersion: 'terraform', kind, namespace: null, name: label, object, source: { file: 'main.tf', line: 1 }, format };
}
const cluster = (label: string, object: Obj, format?: string) => tf('azurerm_kubernetes_cluster', label, object, format);
const pool = (label: string, object: Obj, format?: string) => tf('azurerm_kubernetes_cluster_node_pool', label, object, format);
const unknown = (why: string) => ({ [UNKNOWN_KEY]: why });

/** A hardened cluster in azurerm 4 spelling, as `terraform show -json` writes planned values. */
const V4: Obj = {
  name: 'aks-prod',
  resource_group_name: 'rg-prod',
  kubernetes_version: '1.31',
  sku_tier: 'Standard',
  role_based_access_control_enabled: true,
  azure_active_directory_role_based_access_control: [{ azure_rbac_enabled: true, admin_group_object_ids: ['0000-1111'], tenant_id: null }],
  local_account_disabled: true,
  private_cluster_enabled: false,
  api_server_access_profile: [{ authorized_ip_ranges: ['203.0.113.0/24'], subnet_id: null, virtual_network_integration_enabled: false }],
  run_command_enabled: false,
  network_profile: [{ network_plugin: 'azure', network_policy: 'cilium', network_data_plane: 'cilium', outbound_type: 'userDefinedRouting' }],
  azure_policy_enabled: true,
  oms_agent: [{ log_analytics_workspace_id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/w' }],
  microsoft_defender: [{ log_analytics_workspace_id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/w' }],
  key_vault_secrets_provider: [{ secret_rotation_enabled: true, secret_rotation_interval: '2m' }],
  key_management_service: [{ key_vault_key_id: 'https://kv.vault.azure.net/keys/k/1', key_vault_network_access: 'Private' }],
  workload_identity_enabled: true,
  oidc_issuer_enabled: true,
  image_cleaner_enabled: true,
  image_cleaner_interval_hours: 48,
  http_application_routing_enabled: false,
  disk_encryption_set_id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des',
  automatic_upgrade_channel: 'patch',
  node_os_upgrade_channel: 'SecurityPatch',
  monitor_metrics: [{}],
  ingress_application_gateway: [],
  identity: [{ type: 'SystemAssigned' }],
  default_node_pool: [
    {
      name: 'system',
      vm_size: 'Standard_D4s_v5',
      node_public_ip_enabled: false,
      host_encryption_enabled: true,
      fips_enabled: true,
      only_critical_addons_enabled: true,
      os_disk_type: 'Ephemeral',
      type: 'VirtualMachineScaleSets',
      max_pods: 110,
      orchestrator_version: '1.31',
    },
  ],
};

describe('terraformCluster: azurerm 4 spelling', () => {
  const c = terraformCluster(cluster('main', V4));

  it('names the cluster by its Azure name and reports the plan shape', () => {
    expect(c.name).toBe('aks-prod');
    expect(c.shape).toBe('terraform-plan');
    expect(terraformCluster(cluster('main', V4, 'terraform-hcl')).shape).toBe('terraform-hcl');
  });

  it.each([
    ['enableRBAC', true, 'role_based_access_control_enabled'],
    ['aadProfile.managed', true, 'azure_active_directory_role_based_access_control[0]'],
    ['aadProfile.enableAzureRBAC', true, 'azure_active_directory_role_based_access_control[0].azure_rbac_enabled'],
    ['aadProfile.adminGroupObjectIDs', ['0000-1111'], 'azure_active_directory_role_based_access_control[0].admin_group_object_ids'],
    ['disableLocalAccounts', true, 'local_account_disabled'],
    ['apiServerAccessProfile.enablePrivateCluster', false, 'private_cluster_enabled'],
    ['apiServerAccessProfile.authorizedIPRanges', ['203.0.113.0/24'], 'api_server_access_profile[0].authorized_ip_ranges'],
    ['apiServerAccessProfile.enableVnetIntegration', false, 'api_server_access_profile[0].virtual_network_integration_enabled'],
    ['apiServerAccessProfile.disableRunCommand', true, 'run_command_enabled'],
    ['networkProfile.networkPolicy', 'cilium', 'network_profile[0].network_policy'],
    ['networkProfile.networkPlugin', 'azure', 'network_profile[0].network_plugin'],
    ['networkProfile.networkDataplane', 'cilium', 'network_profile[0].network_data_plane'],
    ['networkProfile.outboundType', 'userDefinedRouting', 'network_profile[0].outbound_type'],
    ['addonProfiles.azurepolicy.enabled', true, 'azure_policy_enabled'],
    ['addonProfiles.omsagent.enabled', true, 'oms_agent'],
    ['addonProfiles.omsagent.config.logAnalyticsWorkspaceResourceID', V4.oms_agent && (V4.oms_agent as Obj[])[0]?.log_analytics_workspace_id, 'oms_agent[0].log_analytics_workspace_id'],
    ['securityProfile.defender.securityMonitoring.enabled', true, 'microsoft_defender'],
    ['addonProfiles.azureKeyvaultSecretsProvider.enabled', true, 'key_vault_secrets_provider'],
    ['addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation', 'true', 'key_vault_secrets_provider[0].secret_rotation_enabled'],
    ['securityProfile.azureKeyVaultKms.enabled', true, 'key_management_service'],
    ['securityProfile.azureKeyVaultKms.keyVaultNetworkAccess', 'Private', 'key_management_service[0].key_vault_network_access'],
    ['securityProfile.workloadIdentity.enabled', true, 'workload_identity_enabled'],
    ['oidcIssuerProfile.enabled', true, 'oidc_issuer_enabled'],
    ['securityProfile.imageCleaner.enabled', true, 'image_cleaner_enabled'],
    ['securityProfile.imageCleaner.intervalHours', 48, 'image_cleaner_interval_hours'],
    ['addonProfiles.httpApplicationRouting.enabled', false, 'http_application_routing_enabled'],
    ['azureMonitorProfile.metrics.enabled', true, 'monitor_metrics'],
    ['diskEncryptionSetID', V4.disk_encryption_set_id, 'disk_encryption_set_id'],
    ['autoUpgradeProfile.upgradeChannel', 'patch', 'automatic_upgrade_channel'],
    ['autoUpgradeProfile.nodeOSUpgradeChannel', 'SecurityPatch', 'node_os_upgrade_channel'],
    ['kubernetesVersion', '1.31', 'kubernetes_version'],
    ['@sku.tier', 'Standard', 'sku_tier'],
    ['@identity.type', 'SystemAssigned', 'identity[0].type'],
  ])('%s = %j at %s', (path, value, field) => {
    expect(c.get(path)).toEqual({ value, known: true, field });
  });

  it('matches ARM paths case-insensitively, as Azure does', () => {
    expect(c.get('addonProfiles.omsAgent.enabled').value).toBe(true);
    expect(c.get('addonProfiles.azurePolicy.enabled').value).toBe(true);
    expect(c.get('enableRbac').value).toBe(true);
  });

  it('reads a block written as [] (plan JSON for an omitted block) as absent', () => {
    expect(c.get('addonProfiles.ingressApplicationGateway.enabled')).toEqual({
      value: undefined,
      known: true,
      absent: true,
      field: 'ingress_application_gateway',
    });
  });

  it('reads the default node pool in ARM agent-pool terms', () => {
    expect(c.nodePools).toHaveLength(1);
    const p = c.nodePools[0]!;
    expect(p.name).toBe('system');
    expect(p.get('enableNodePublicIP')).toEqual({ value: false, known: true, field: 'default_node_pool[0].node_public_ip_enabled' });
    expect(p.get('enableEncryptionAtHost')).toEqual({ value: true, known: true, field: 'default_node_pool[0].host_encryption_enabled' });
    expect(p.get('enableFIPS').value).toBe(true);
    expect(p.get('osDiskType').value).toBe('Ephemeral');
    expect(p.get('type').value).toBe('VirtualMachineScaleSets');
    expect(p.get('maxPods').value).toBe(110);
    expect(p.get('orchestratorVersion').value).toBe('1.31');
    expect(p.get('mode')).toEqual({ value: 'System', known: true, field: 'default_node_pool[0]' });
    expect(p.get('nodeTaints')).toEqual({ value: [CRITICAL_ADDONS_TAINT], known: true, field: 'default_node_pool[0].only_critical_addons_enabled' });
  });

  it('reports a setting no azurerm attribute carries as absent (the Azure default applies)', () => {
    expect(c.get('podIdentityProfile.enabled')).toEqual({ value: undefined, known: true, absent: true, field: '' });
    expect(c.nodePools[0]!.get('securityProfile.sshAccess')).toEqual({ value: undefined, known: true, absent: true, field: 'default_node_pool[0]' });
  });
});

describe('terraformCluster: azurerm 3 and older spellings', () => {
  it('reads the 3.x names of pool, upgrade and authorized-range attributes', () => {
    const c = terraformCluster(
      cluster('v3', {
        name: 'aks-v3',
        automatic_channel_upgrade: 'stable',
        node_os_channel_upgrade: 'NodeImage',
        api_server_authorized_ip_ranges: ['10.0.0.0/8'],
        api_server_access_profile: [],
        azure_active_directory_role_based_access_control: [{ managed: true, azure_rbac_enabled: false }],
        public_network_access_enabled: false,
        default_node_pool: [{ name: 'default', enable_node_public_ip: true, enable_host_encryption: false, enable_auto_scaling: true }],
      }),
    );
    expect(c.get('autoUpgradeProfile.upgradeChannel')).toEqual({ value: 'stable', known: true, field: 'automatic_channel_upgrade' });
    expect(c.get('autoUpgradeProfile.nodeOSUpgradeChannel')).toEqual({ value: 'NodeImage', known: true, field: 'node_os_channel_upgrade' });
    expect(c.get('apiServerAccessProfile.authorizedIPRanges')).toEqual({ value: ['10.0.0.0/8'], known: true, field: 'api_server_authorized_ip_ranges' });
    expect(c.get('aadProfile.managed')).toEqual({ value: true, known: true, field: 'azure_active_directory_role_based_access_control[0].managed' });
    expect(c.get('aadProfile.enableAzureRBAC').value).toBe(false);
    expect(c.get('publicNetworkAccess').value).toBe('Disabled');
    const p = c.nodePools[0]!;
    expect(p.get('enableNodePublicIP')).toEqual({ value: true, known: true, field: 'default_node_pool[0].enable_node_public_ip' });
    expect(p.get('enableEncryptionAtHost')).toEqual({ value: false, known: true, field: 'default_node_pool[0].enable_host_encryption' });
    expect(p.get('enableAutoScaling').value).toBe(true);
  });

  it('prefers a filled list over the empty one a 3.x plan writes beside it', () => {
    const c = terraformCluster(cluster('both', { api_server_authorized_ip_ranges: [], api_server_access_profile: [{ authorized_ip_ranges: ['192.0.2.0/24'] }] }));
    expect(c.get('apiServerAccessProfile.authorizedIPRanges').value).toEqual(['192.0.2.0/24']);
    const empty = terraformCluster(cluster('empty', { api_server_authorized_ip_ranges: [] }));
    expect(empty.get('apiServerAccessProfile.authorizedIPRanges')).toEqual({ value: [], known: true, field: 'api_server_authorized_ip_ranges' });
  });

  it('reads legacy Entra ID integration (client/server applications) as not managed', () => {
    const c = terraformCluster(cluster('legacy', { azure_active_directory_role_based_access_control: [{ client_app_id: 'app', server_app_id: 'srv' }] }));
    expect(c.get('aadProfile.managed')).toEqual({ value: false, known: true, field: 'azure_active_directory_role_based_access_control[0].client_app_id' });
    const explicit = terraformCluster(cluster('explicit', { azure_active_directory_role_based_access_control: [{ managed: false }] }));
    expect(explicit.get('aadProfile.managed').value).toBe(false);
  });

  it('reads the azurerm 2 role_based_access_control and addon_profile blocks', () => {
    const c = terraformCluster(
      cluster(
        'v2',
        {
          role_based_access_control: [{ enabled: false, azure_active_directory: [{ managed: true, azure_rbac_enabled: true }] }],
          addon_profile: [{ kube_dashboard: [{ enabled: true }], oms_agent: [{ enabled: true, log_analytics_workspace_id: '' }], azure_policy: [{ enabled: false }] }],
        },
        'terraform-hcl',
      ),
    );
    expect(c.get('enableRBAC')).toEqual({ value: false, known: true, field: 'role_based_access_control[0].enabled' });
    expect(c.get('aadProfile.managed')).toEqual({ value: true, known: true, field: 'role_based_access_control[0].azure_active_directory[0].managed' });
    expect(c.get('aadProfile.enableAzureRBAC').value).toBe(true);
    expect(c.get('addonProfiles.kubeDashboard.enabled')).toEqual({ value: true, known: true, field: 'addon_profile[0].kube_dashboard[0].enabled' });
    expect(c.get('addonProfiles.omsagent.enabled')).toEqual({ value: true, known: true, field: 'addon_profile[0].oms_agent[0].enabled' });
    expect(c.get('addonProfiles.azurepolicy.enabled').value).toBe(false);
  });

  it('does not take a top-level azure_policy block (not an azurerm attribute) for the add-on', () => {
    const c = terraformCluster(cluster('wrong', { azure_policy: [{ enabled: true }] }, 'terraform-hcl'));
    expect(c.get('addonProfiles.azurepolicy.enabled').absent).toBe(true);
  });
});

describe('terraformCluster: absent, odd and unknown values', () => {
  it('reports unwritten attributes as absent at the attribute the source would set', () => {
    const c = terraformCluster(cluster('bare', { name: 'bare' }, 'terraform-hcl'));
    expect(c.get('disableLocalAccounts')).toEqual({ value: undefined, known: true, absent: true, field: 'local_account_disabled' });
    expect(c.get('networkProfile.networkPolicy')).toEqual({ value: undefined, known: true, absent: true, field: 'network_profile[0].network_policy' });
    expect(c.get('apiServerAccessProfile.disableRunCommand')).toEqual({ value: undefined, known: true, absent: true, field: 'run_command_enabled' });
    expect(c.get('addonProfiles.omsagent.enabled')).toEqual({ value: undefined, known: true, absent: true, field: 'oms_agent' });
    expect(c.get('aadProfile.managed')).toEqual({ value: undefined, known: true, absent: true, field: 'azure_active_directory_role_based_access_control[0]' });
    expect(c.get('@sku.tier').absent).toBe(true);
  });

  it('treats null (plan JSON for an unset attribute) as absent', () => {
    const c = terraformCluster(cluster('nulls', { local_account_disabled: null, network_profile: [{ network_policy: null }], oms_agent: null }));
    expect(c.get('disableLocalAccounts').absent).toBe(true);
    expect(c.get('networkProfile.networkPolicy')).toEqual({ value: undefined, known: true, absent: true, field: 'network_profile[0].network_policy' });
    expect(c.get('addonProfiles.omsagent.enabled').absent).toBe(true);
  });

  it('still has the default pool when the block is missing (azurerm requires it)', () => {
    const c = terraformCluster(cluster('nopool', { name: 'x', only_critical_addons_enabled: true }, 'terraform-hcl'));
    expect(c.nodePools).toHaveLength(1);
    const p = c.nodePools[0]!;
    expect(p.name).toBe('default_node_pool');
    expect(p.get('nodeTaints')).toEqual({ value: undefined, known: true, absent: true, field: 'default_node_pool[0].only_critical_addons_enabled' });
    expect(p.get('enableNodePublicIP')).toEqual({ value: undefined, known: true, absent: true, field: 'default_node_pool[0].node_public_ip_enabled' });
  });

  it('normalises HCL strings for booleans and numbers, and keeps values that are neither', () => {
    const c = terraformCluster(
      cluster(
        'strings',
        { local_account_disabled: 'true', run_command_enabled: 'TRUE', default_node_pool: [{ max_pods: '51', only_critical_addons_enabled: 'false' }] },
        'terraform-hcl',
      ),
    );
    expect(c.get('disableLocalAccounts').value).toBe(true);
    expect(c.get('apiServerAccessProfile.disableRunCommand').value).toBe(false);
    expect(c.nodePools[0]!.get('maxPods').value).toBe(51);
    expect(c.nodePools[0]!.get('nodeTaints')).toEqual({ value: [], known: true, field: 'default_node_pool[0].only_critical_addons_enabled' });
    const odd = terraformCluster(cluster('odd', { default_node_pool: [{ max_pods: [] }], local_account_disabled: 'maybe' }, 'terraform-hcl'));
    expect(odd.nodePools[0]!.get('maxPods')).toEqual({ value: [], known: true, field: 'default_node_pool[0].max_pods' });
    expect(odd.get('disableLocalAccounts').value).toBe('maybe');
  });

  it('accepts a block written as a bare object and never throws on wrong types', () => {
    const c = terraformCluster(cluster('obj', { network_profile: { network_policy: 'calico' }, default_node_pool: 'oops', oms_agent: 'x' }, 'terraform-hcl'));
    expect(c.get('networkProfile.networkPolicy')).toEqual({ value: 'calico', known: true, field: 'network_profile[0].network_policy' });
    expect(c.nodePools[0]!.get('enableFIPS').absent).toBe(true);
    expect(c.get('addonProfiles.omsagent.enabled').value).toBe(true);
  });

  it('reports unknown markers as unknown with their reason', () => {
    const c = terraformCluster(
      cluster('unk', {
        private_cluster_enabled: unknown('var.private_cluster has no default'),
        network_profile: unknown('dynamic "network_profile" block'),
        api_server_access_profile: [{ authorized_ip_ranges: ['10.0.0.0/8', unknown('var.office_cidr')] }],
        oms_agent: [unknown('known after apply')],
      }),
    );
    expect(c.get('apiServerAccessProfile.enablePrivateCluster')).toEqual({
      value: undefined,
      known: false,
      field: 'private_cluster_enabled',
      reason: 'var.private_cluster has no default',
    });
    expect(c.get('networkProfile.networkPolicy')).toEqual({ value: undefined, known: false, field: 'network_profile', reason: 'dynamic "network_profile" block' });
    expect(c.get('apiServerAccessProfile.authorizedIPRanges')).toMatchObject({ known: false, reason: 'var.office_cidr' });
    expect(c.get('addonProfiles.omsagent.config.logAnalyticsWorkspaceResourceID')).toMatchObject({ known: false, field: 'oms_agent[0]' });
    // The block is there even though its content is unknown: the add-on is on.
    expect(c.get('addonProfiles.omsagent.enabled').value).toBe(true);
  });

  it('treats HCL interpolation text left as a string as unknown', () => {
    const c = terraformCluster(cluster('hcl', { local_account_disabled: '${var.local_account_disabled}', name: '${var.name}' }, 'terraform-hcl'));
    expect(c.get('disableLocalAccounts')).toMatchObject({ known: false, field: 'local_account_disabled' });
    expect(c.get('disableLocalAccounts').reason).toContain('var.local_account_disabled');
    expect(c.name).toBe('hcl');
  });

  it('makes every setting of an unknown default pool unknown', () => {
    const c = terraformCluster(cluster('dyn', { default_node_pool: unknown('module output') }));
    const p = c.nodePools[0]!;
    expect(p.get('enableNodePublicIP')).toEqual({ value: undefined, known: false, field: 'default_node_pool', reason: 'module output' });
    expect(p.get('mode').known).toBe(false);
  });

  it('reports an unknown only_critical_addons_enabled as unknown taints', () => {
    const c = terraformCluster(cluster('t', { default_node_pool: [{ only_critical_addons_enabled: unknown('var.critical') }] }));
    expect(c.nodePools[0]!.get('nodeTaints')).toMatchObject({ known: false, reason: 'var.critical' });
  });

  it('joins node_taints and the critical-addons taint on a 3.x default pool', () => {
    const c = terraformCluster(cluster('t', { default_node_pool: [{ node_taints: ['a=b:NoExecute'], only_critical_addons_enabled: true }] }));
    expect(c.nodePools[0]!.get('nodeTaints').value).toEqual(['a=b:NoExecute', CRITICAL_ADDONS_TAINT]);
  });
});

describe('terraformCluster: separate node pools', () => {
  const main = cluster('main', { name: 'aks-main', default_node_pool: [{ name: 'system' }] }, 'terraform-hcl');
  const other = cluster('other', { name: 'aks-other' }, 'terraform-hcl');

  it('attaches pools by HCL reference, unknown reason or resource id, and no others', () => {
    const pools = [
      pool('hcl', { name: 'user1', kubernetes_cluster_id: 'azurerm_kubernetes_cluster.main.id', enable_host_encryption: true }, 'terraform-hcl'),
      pool('interp', { name: 'user2', kubernetes_cluster_id: '${azurerm_kubernetes_cluster.main.id}' }, 'terraform-hcl'),
      pool('plan', { name: 'user3', kubernetes_cluster_id: unknown('known after apply: azurerm_kubernetes_cluster.main.id') }),
      pool('byid', { name: 'user4', kubernetes_cluster_id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-main' }),
      pool('elsewhere', { name: 'x', kubernetes_cluster_id: 'azurerm_kubernetes_cluster.other.id' }, 'terraform-hcl'),
      pool('prefix', { name: 'y', kubernetes_cluster_id: 'azurerm_kubernetes_cluster.main2.id' }, 'terraform-hcl'),
      pool('data', { name: 'z', kubernetes_cluster_id: 'data.azurerm_kubernetes_cluster.main.id' }, 'terraform-hcl'),
      pool('otherid', { name: 'w', kubernetes_cluster_id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-main-2' }),
      pool('nothing', { name: 'v' }, 'terraform-hcl'),
    ];
    const inv = new Inventory([main, other, ...pools]);
    const c = terraformCluster(main, inv);
    expect(c.nodePools.map((p) => p.name)).toEqual(['system', 'user1', 'user2', 'user3', 'user4']);
    const user1 = c.nodePools[1]!;
    expect(user1.resource.name).toBe('hcl');
    expect(user1.get('enableEncryptionAtHost')).toEqual({ value: true, known: true, field: 'enable_host_encryption' });
    expect(user1.get('mode')).toEqual({ value: undefined, known: true, absent: true, field: 'mode' });
    expect(terraformCluster(other, inv).nodePools.map((p) => p.name)).toEqual(['default_node_pool', 'x']);
  });

  it('matches references within the same module, whatever the instance key', () => {
    const inModule = cluster('module.aks.main["blue"]', { name: 'aks-blue' });
    const ref = unknown('azurerm_kubernetes_cluster.main["blue"].id is resolved by Terraform');
    const sameModule = pool('module.aks.user', { name: 'user', kubernetes_cluster_id: ref });
    const rootModule = pool('user', { name: 'root-user', kubernetes_cluster_id: ref });
    const inv = new Inventory([inModule, main, sameModule, rootModule]);
    expect(terraformCluster(inModule, inv).nodePools.map((p) => p.name)).toEqual(['default_node_pool', 'user']);
    // At the root, the same text names the root module's `main`.
    expect(terraformCluster(main, inv).nodePools.map((p) => p.name)).toEqual(['system', 'root-user']);
  });

  it('gives a pool that names no cluster to the only cluster of the scan', () => {
    const lone = pool('lone', { name: 'u', kubernetes_cluster_id: unknown('known after apply') });
    expect(terraformCluster(main, new Inventory([main, lone])).nodePools).toHaveLength(2);
    expect(terraformCluster(main, new Inventory([main, other, lone])).nodePools).toHaveLength(1);
  });

  it('gives a pool that names no cluster to the only cluster of its module instance: same module address, same plan or directory', () => {
    const at = (r: Resource, file: string): Resource => ({ ...r, source: { file, line: 1 } });
    const a = at(cluster('aks', { name: 'aks-a' }, 'terraform-hcl'), 'infra/a/main.tf');
    const b = at(cluster('aks', { name: 'aks-b' }, 'terraform-hcl'), 'infra/b/main.tf');
    const poolA = at(pool('user', { name: 'user-a', kubernetes_cluster_id: unknown('var.cluster_id is resolved by Terraform') }, 'terraform-hcl'), 'infra/a/pools.tf');
    const inv = new Inventory([a, b, poolA]);
    expect(terraformCluster(a, inv).nodePools.map((p) => p.name)).toEqual(['default_node_pool', 'user-a']);
    expect(terraformCluster(b, inv).nodePools.map((p) => p.name)).toEqual(['default_node_pool']);
    // Two clusters in its module instance: the pool stays undecided.
    const a2 = at(cluster('other', { name: 'aks-a2' }, 'terraform-hcl'), 'infra/a/other.tf');
    const inv2 = new Inventory([a, a2, b, poolA]);
    expect([a, a2, b].map((c) => terraformCluster(c, inv2).nodePools.length)).toEqual([1, 1, 1]);
  });

  it('reads a separate pool in ARM terms (v4 and v3 names, taints, mode)', () => {
    const p = terraformNodePool(
      pool('gpu', {
        name: 'gpu',
        mode: 'System',
        node_public_ip_enabled: true,
        host_encryption_enabled: false,
        fips_enabled: unknown('var.fips'),
        node_taints: ['sku=gpu:NoSchedule'],
        os_disk_type: 'Managed',
        max_pods: 30,
      }),
    );
    expect(p.name).toBe('gpu');
    expect(p.get('mode')).toEqual({ value: 'System', known: true, field: 'mode' });
    expect(p.get('enableNodePublicIP')).toEqual({ value: true, known: true, field: 'node_public_ip_enabled' });
    expect(p.get('enableEncryptionAtHost').value).toBe(false);
    expect(p.get('enableFIPS')).toEqual({ value: undefined, known: false, field: 'fips_enabled', reason: 'var.fips' });
    expect(p.get('nodeTaints')).toEqual({ value: ['sku=gpu:NoSchedule'], known: true, field: 'node_taints' });
    expect(p.get('type').absent).toBe(true);
    expect(terraformNodePool(pool('v3', { enable_node_public_ip: false })).get('enableNodePublicIP')).toEqual({ value: false, known: true, field: 'enable_node_public_ip' });
    expect(terraformNodePool(pool('label-only', {})).name).toBe('label-only');
  });
});

describe('wiring and helpers', () => {
  it('aksClusterOf builds the Terraform view, once per resource', () => {
    expect(CLUSTER_KINDS).toContain('azurerm_kubernetes_cluster');
    const r = cluster('main', V4);
    const view = aksClusterOf(r);
    expect(view?.shape).toBe('terraform-plan');
    expect(aksClusterOf(r)).toBe(view);
    expect(aksClusterOf(pool('p', {}))).toBeUndefined();
  });

  it('aksVerify takes the resource group from resource_group_name', () => {
    const view = terraformCluster(cluster('main', V4));
    expect(aksVerify(view, 'disableLocalAccounts')).toBe('az aks show --resource-group rg-prod --name aks-prod --query disableLocalAccounts');
  });

  it('splits resource names into module path, label and instance key', () => {
    expect(terraformAddress('main')).toEqual({ module: '', label: 'main' });
    expect(terraformAddress('main[0]')).toEqual({ module: '', label: 'main', key: '[0]' });
    expect(terraformAddress('module.a["k"].module.b.main["x"]')).toEqual({ module: 'module.a["k"].module.b.', label: 'main', key: '["x"]' });
  });

  it('lists the azurerm spellings of a setting', () => {
    expect(terraformAttributesFor('autoUpgradeProfile.upgradeChannel')).toEqual(['automatic_upgrade_channel', 'automatic_channel_upgrade']);
    expect(terraformAttributesFor('enableNodePublicIP', 'pool')).toEqual(['node_public_ip_enabled', 'enable_node_public_ip']);
    expect(terraformAttributesFor('podIdentityProfile.enabled')).toEqual([]);
  });

  it('refersToCluster decides by label, id or name and says when it cannot', () => {
    const me = { terraformName: 'main', name: 'aks-main', id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-main' };
    expect(refersToCluster('azurerm_kubernetes_cluster.main.id', me)).toBe('yes');
    expect(refersToCluster(`${me.id}/agentPools/x`, me)).toBe('yes');
    expect(refersToCluster('azurerm_kubernetes_cluster.other.id', me)).toBe('no');
    expect(refersToCluster(unknown('known after apply'), me)).toBe('undecided');
    expect(refersToCluster(unknown('azurerm_kubernetes_cluster_node_pool.p.kubernetes_cluster_id is known only after apply'), me)).toBe('undecided');
    expect(refersToCluster(unknown('azurerm_kubernetes_cluster.main.id is resolved by Terraform'), me)).toBe('yes');
    expect(refersToCluster(unknown('azurerm_kubernetes_cluster.main.id is resolved by Terraform'), me, 'module.x.')).toBe('no');
    expect(refersToCluster('azurerm_storage_account.logs.id', me)).toBe('no');
    expect(refersToCluster('/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/aks-main', me)).toBe('no');
    expect(refersToCluster('data.azurerm_kubernetes_cluster.main.id', me)).toBe('undecided');
    expect(refersToCluster('var.cluster_id', me)).toBe('undecided');
    expect(refersToCluster(undefined, me)).toBe('undecided');
    expect(refersToCluster(42, me)).toBe('undecided');
  });

  it('refersToCluster tells the instances of a repeated cluster apart by a literal index only', () => {
    const second = { terraformName: 'main[1]', name: 'aks-1' };
    const keyed = { terraformName: 'main["blue"]', name: 'aks-blue' };
    expect(refersToCluster(unknown('azurerm_kubernetes_cluster.main[1].id is resolved by Terraform'), second)).toBe('yes');
    expect(refersToCluster(unknown('azurerm_kubernetes_cluster.main[0].id is resolved by Terraform'), second)).toBe('no');
    expect(refersToCluster(unknown('azurerm_kubernetes_cluster.main[var.i].id is resolved by Terraform'), second)).toBe('yes');
    expect(refersToCluster(unknown('azurerm_kubernetes_cluster.main["blue"].id is resolved by Terraform'), keyed)).toBe('yes');
    expect(refersToCluster(unknown('azurerm_kubernetes_cluster.main["green"].id is resolved by Terraform'), keyed)).toBe('no');
    expect(refersToCluster(unknown('azurerm_kubernetes_cluster.main[0].id is resolved by Terraform'), { terraformName: 'main', name: 'aks' })).toBe('yes');
  });
});

describe('a profile asked for as a whole', () => {
  it('is present when a block below it is written, absent otherwise', () => {
    const withAad = terraformCluster(cluster('c', { azure_active_directory_role_based_access_control: [{ azure_rbac_enabled: true }] }));
    expect(withAad.get('aadProfile')).toMatchObject({ known: true, field: 'azure_active_directory_role_based_access_control[0]' });
    expect(withAad.get('aadProfile').absent).toBeUndefined();
    expect(terraformCluster(cluster('c', {})).get('aadProfile')).toMatchObject({ known: true, absent: true });
  });
});

describe('Terraform references by label across directories', () => {
  it('links a node pool and a diagnostic setting to the cluster of their own directory when two directories have a cluster of one label', async () => {
    const module = (env: string, publicIp: boolean) =>
      [
        `resource "azurerm_kubernetes_cluster" "main" {\n  name = "aks-${env}"\n  default_node_pool {\n    name = "system"\n  }\n}`,
        `resource "azurerm_kubernetes_cluster_node_pool" "user" {\n  name                   = "user${env}"\n  kubernetes_cluster_id  = azurerm_kubernetes_cluster.main.id\n  node_public_ip_enabled = ${publicIp}\n}`,
        `resource "azurerm_monitor_diagnostic_setting" "audit" {\n  name               = "audit-${env}"\n  target_resource_id = azurerm_kubernetes_cluster.main.id\n  log_analytics_workspace_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/w"\n  enabled_log {\n    category = "kube-audit"\n  }\n}`,
      ].join('\n');
    const dir = tempTree({ 'prod/main.tf': module('prod', false), 'dev/main.tf': module('dev', true) });
    const inventory = new Inventory((await ingestPaths([dir])).resources);
    const clusters = inventory.byKind('azurerm_kubernetes_cluster').map((r) => aksClusterOf(r, inventory)!);
    expect(Object.fromEntries(clusters.map((c) => [c.name, c.nodePools.map((p) => p.name)]))).toEqual({
      'aks-dev': ['system', 'userdev'],
      'aks-prod': ['system', 'userprod'],
    });
    expect(Object.fromEntries(clusters.map((c) => [c.name, diagnosticSettingsFor(c, inventory)?.map((d) => d.name)]))).toEqual({
      'aks-dev': ['audit-dev'],
      'aks-prod': ['audit-prod'],
    });
  });
});
