import { describe, expect, it } from 'vitest';
import { DRIFT_SETTINGS, driftBetween, NOT_SET, SPOT_TAINT, type DriftEntry } from '../../../src/analyses/aks/drift.js';
import { locateFieldInSource as fieldLineIn } from '../../../src/ingest/locate-source.js';
import { AGENT_POOL_TYPE, aksClusterOf, CLUSTER_KINDS, MANAGED_CLUSTER_TYPE, type AksCluster } from '../../../src/analyses/aks/index.js';
import { Inventory } from '../../../src/core/inventory.js';
import { asString, type Obj, type Resource } from '../../../src/core/resource.js';
import { decodeAsync } from '../../ingest/azure/helpers.js';

/** The one cluster a source text describes, read through the real ingest. */
async function clusterOf(text: string, source: string): Promise<AksCluster> {
  const sink = await decodeAsync(text, source);
  expect(sink.errors).toEqual([]);
  const inventory = new Inventory(sink.resources);
  const clusters = sink.resources.filter((r) => CLUSTER_KINDS.includes(r.kind)).map((r) => aksClusterOf(r, inventory));
  expect(clusters).toHaveLength(1);
  return clusters[0] as AksCluster;
}

const json = (o: unknown) => JSON.stringify(o, null, 2);
const find = (entries: DriftEntry[], setting: string, pool?: string) => entries.find((e) => e.setting === setting && e.pool === pool);
const settings = (entries: DriftEntry[]) => entries.map((e) => (e.pool === undefined ? e.setting : `${e.pool}:${e.setting}`));

const ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod';
const DES = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod/providers/Microsoft.Compute/diskEncryptionSets/des';

/** A hardened cluster as the ARM REST API returns it (GET managedClusters). */
function restBody(props: Obj = {}, root: Obj = {}): string {
  return json({
    id: ID,
    name: 'aks-prod',
    type: 'Microsoft.ContainerService/ManagedClusters',
    location: 'westeurope',
    sku: { name: 'Base', tier: 'Standard' },
    ...root,
    properties: {
      provisioningState: 'Succeeded',
      kubernetesVersion: '1.30.4',
      enableRBAC: true,
      aadProfile: { managed: true, enableAzureRBAC: true, tenantID: '11111111-1111-1111-1111-111111111111' },
      disableLocalAccounts: true,
      apiServerAccessProfile: { enablePrivateCluster: false, authorizedIPRanges: ['203.0.113.0/24', '198.51.100.7/32'], disableRunCommand: true },
      networkProfile: { networkPlugin: 'azure', networkPolicy: 'cilium', outboundType: 'userDefinedRouting' },
      addonProfiles: {
        azurepolicy: { enabled: true },
        omsagent: { enabled: true, config: { logAnalyticsWorkspaceResourceID: '/subscriptions/x/workspaces/w' } },
        azureKeyvaultSecretsProvider: { enabled: true, config: { enableSecretRotation: 'true', rotationPollInterval: '2m' } },
      },
      securityProfile: {
        defender: { securityMonitoring: { enabled: true } },
        workloadIdentity: { enabled: true },
        imageCleaner: { enabled: true, intervalHours: 48 },
      },
      oidcIssuerProfile: { enabled: true, issuerURL: 'https://westeurope.oic.prod-aks.azure.com/x/' },
      diskEncryptionSetID: DES,
      autoUpgradeProfile: { upgradeChannel: 'patch', nodeOSUpgradeChannel: 'SecurityPatch' },
      agentPoolProfiles: [
        {
          name: 'system',
          mode: 'System',
          count: 3,
          enableNodePublicIP: false,
          enableEncryptionAtHost: true,
          nodeTaints: ['CriticalAddonsOnly=true:NoSchedule'],
          orchestratorVersion: '1.30.4',
          securityProfile: { enableSecureBoot: true, enableVTPM: true, sshAccess: 'Disabled' },
        },
        { name: 'apps', mode: 'User', count: 2, enableEncryptionAtHost: true, orchestratorVersion: '1.30.4' },
      ],
      ...props,
    },
  });
}

/** The same cluster as `az aks show -o json` prints it: flattened, CLI casing, nulls for unset values. */
function cliBody(over: Obj = {}): string {
  return json({
    id: ID,
    name: 'aks-prod',
    type: 'Microsoft.ContainerService/ManagedClusters',
    location: 'westeurope',
    resourceGroup: 'rg-prod',
    sku: { name: 'Base', tier: 'standard' },
    provisioningState: 'Succeeded',
    kubernetesVersion: '1.30.4',
    enableRbac: true,
    aadProfile: { managed: true, enableAzureRbac: true, tenantId: '11111111-1111-1111-1111-111111111111', adminGroupObjectIds: null },
    disableLocalAccounts: true,
    apiServerAccessProfile: {
      enablePrivateCluster: false,
      authorizedIpRanges: ['198.51.100.7', '203.0.113.0/24'],
      disableRunCommand: true,
      privateDnsZone: null,
    },
    networkProfile: { networkPlugin: 'azure', networkPolicy: 'Cilium', outboundType: 'userDefinedRouting', loadBalancerSku: null },
    addonProfiles: {
      azurepolicy: { enabled: true, config: null },
      omsAgent: { enabled: true, config: { logAnalyticsWorkspaceResourceID: '/subscriptions/x/workspaces/w' } },
      azureKeyvaultSecretsProvider: { enabled: true, config: { enableSecretRotation: 'true', rotationPollInterval: '2m' } },
    },
    securityProfile: {
      defender: { securityMonitoring: { enabled: true } },
      workloadIdentity: { enabled: true },
      imageCleaner: { enabled: true, intervalHours: 48 },
      azureKeyVaultKms: null,
    },
    oidcIssuerProfile: { enabled: true, issuerUrl: 'https://westeurope.oic.prod-aks.azure.com/x/' },
    podIdentityProfile: null,
    diskEncryptionSetId: DES,
    autoUpgradeProfile: { upgradeChannel: 'patch', nodeOsUpgradeChannel: 'SecurityPatch' },
    agentPoolProfiles: [
      {
        name: 'system',
        mode: 'System',
        count: 3,
        enableNodePublicIp: false,
        enableEncryptionAtHost: true,
        enableFips: false,
        nodeTaints: ['CriticalAddonsOnly=true:NoSchedule'],
        orchestratorVersion: '1.30.4',
        securityProfile: { enableSecureBoot: true, enableVtpm: true, sshAccess: 'Disabled' },
      },
      { name: 'apps', mode: 'User', count: 2, enableEncryptionAtHost: true, enableNodePublicIp: null, orchestratorVersion: '1.30.4' },
    ],
    ...over,
  });
}

describe('driftBetween: JSON shapes', () => {
  it('finds no drift between the REST body and the az aks show output of the same cluster', async () => {
    const template = await clusterOf(cliBody(), 'show.json');
    const live = await clusterOf(restBody(), 'live.json');
    expect(template.shape).toBe('az-cli');
    expect(live.shape).toBe('arm-rest');
    // Casing of keys and enums, add-on key spelling, bare IP vs /32, list order, nulls vs absent.
    expect(driftBetween(template, live)).toEqual([]);
    expect(driftBetween(live, template)).toEqual([]);
  });

  it('lists changed settings with both values, each in its source spelling', async () => {
    const template = await clusterOf(cliBody(), 'show.json');
    const live = await clusterOf(
      restBody({
        disableLocalAccounts: false,
        networkProfile: { networkPlugin: 'azure', networkPolicy: 'none', outboundType: 'loadBalancer' },
        addonProfiles: { azurepolicy: { enabled: false }, omsagent: { enabled: true }, azureKeyvaultSecretsProvider: { enabled: true } },
      }),
      'live.json',
    );
    const entries = driftBetween(template, live);
    expect(settings(entries)).toEqual([
      'disableLocalAccounts',
      'networkProfile.networkPolicy',
      'networkProfile.outboundType',
      'addonProfiles.azurepolicy.enabled',
      'addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation',
    ]);
    expect(find(entries, 'disableLocalAccounts')).toEqual({
      status: 'drift',
      setting: 'disableLocalAccounts',
      template: { value: true, field: 'disableLocalAccounts', file: 'show.json', line: 1 },
      live: { value: false, field: 'properties.disableLocalAccounts' },
      regression: true,
      note: 'weaker in the live cluster',
    });
    expect(find(entries, 'networkProfile.networkPolicy')).toMatchObject({ template: { value: 'Cilium' }, live: { value: 'none' }, regression: true });
    // Rotation is absent from the live add-on config: the add-on's default (off) applies.
    expect(find(entries, 'addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation')).toMatchObject({
      template: { value: true, field: 'addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation' },
      live: { value: false, defaulted: true, field: 'properties.addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation' },
      regression: true,
    });
  });

  it('says when the live value is stronger, and when strength cannot be said', async () => {
    const template = await clusterOf(restBody({ networkProfile: { networkPlugin: 'kubenet', networkPolicy: 'calico', outboundType: 'loadBalancer' } }), 't.json');
    const live = await clusterOf(restBody({ apiServerAccessProfile: { enablePrivateCluster: true, authorizedIPRanges: ['203.0.113.0/24', '198.51.100.7/32'], disableRunCommand: true } }), 'l.json');
    const entries = driftBetween(template, live);
    expect(find(entries, 'apiServerAccessProfile.enablePrivateCluster')).toMatchObject({ template: { value: false }, live: { value: true }, regression: false, note: '' });
    expect(find(entries, 'networkProfile.networkPlugin')).toMatchObject({ template: { value: 'kubenet' }, live: { value: 'azure' }, regression: null });
    // Another engine of the same kind is no regression.
    expect(find(entries, 'networkProfile.networkPolicy')).toMatchObject({ regression: false });
    expect(find(entries, 'networkProfile.outboundType')).toMatchObject({ template: { value: 'loadBalancer' }, live: { value: 'userDefinedRouting' }, regression: false });
  });

  it('uses the Azure default for a setting the template does not write', async () => {
    const template = await clusterOf(
      json({
        id: ID,
        name: 'aks-prod',
        type: 'Microsoft.ContainerService/ManagedClusters',
        properties: { kubernetesVersion: '1.30', agentPoolProfiles: [{ name: 'system', mode: 'System', count: 1 }] },
      }),
      'min.json',
    );
    const live = await clusterOf(restBody({ autoUpgradeProfile: { upgradeChannel: 'none', nodeOSUpgradeChannel: 'None' } }), 'live.json');
    const entries = driftBetween(template, live);
    // enableRBAC defaults to true, networkPolicy to none: the same as the live values, so no drift.
    expect(find(entries, 'enableRBAC')).toBeUndefined();
    expect(find(entries, 'autoUpgradeProfile.upgradeChannel')).toBeUndefined();
    expect(find(entries, 'disableLocalAccounts')).toMatchObject({
      template: { value: false, defaulted: true, field: 'properties.disableLocalAccounts' },
      live: { value: true },
      regression: false,
    });
    // nodeOSUpgradeChannel defaults to NodeImage: None is weaker.
    expect(find(entries, 'autoUpgradeProfile.nodeOSUpgradeChannel')).toMatchObject({
      template: { value: 'NodeImage', defaulted: true },
      live: { value: 'None' },
      regression: true,
    });
    // No fixed default for the network plugin: the template leaves it to Azure, which is information, not drift.
    expect(find(entries, 'networkProfile.networkPlugin')).toMatchObject({
      status: 'info',
      template: { value: NOT_SET },
      live: { value: 'azure' },
      regression: null,
      note: 'the template leaves it to Azure',
    });
    expect(find(entries, 'sku.tier')).toMatchObject({ template: { value: 'Free', defaulted: true, field: 'sku.tier' }, live: { value: 'Standard' }, regression: false });
    // The live pool absent from the template, no weaker than a new pool would be.
    expect(find(entries, 'nodePool', 'apps')).toMatchObject({ template: { value: '(absent)' }, live: { value: 'present' }, regression: false });
  });

  it('matches a version pinned to major.minor with the patch version, and compares versions numerically', async () => {
    const template = await clusterOf(restBody({ kubernetesVersion: '1.30' }), 't.json');
    expect(driftBetween(template, await clusterOf(restBody(), 'l.json'))).toEqual([]);
    const older = driftBetween(template, await clusterOf(restBody({ kubernetesVersion: '1.29.9' }), 'l.json'));
    expect(find(older, 'kubernetesVersion')).toMatchObject({ template: { value: '1.30' }, live: { value: '1.29.9' }, regression: true });
    const newer = driftBetween(template, await clusterOf(restBody({ kubernetesVersion: '1.31.2' }), 'l.json'));
    expect(find(newer, 'kubernetesVersion')).toMatchObject({ regression: false });
  });

  it('compares the disk encryption set by presence', async () => {
    const other = DES.replace(/des$/, 'des-rotated');
    const template = await clusterOf(restBody(), 't.json');
    expect(find(driftBetween(template, await clusterOf(restBody({ diskEncryptionSetID: other }), 'l.json')), 'diskEncryptionSetID')).toBeUndefined();
    const gone = driftBetween(template, await clusterOf(restBody({ diskEncryptionSetID: '' }), 'l.json'));
    expect(find(gone, 'diskEncryptionSetID')).toMatchObject({ template: { value: DES }, live: { value: NOT_SET }, regression: true });
  });
});

describe('driftBetween: authorized IP ranges as sets', () => {
  const ranges = async (t: string[] | undefined, l: string[] | undefined) => {
    const access = (r: string[] | undefined) => ({ enablePrivateCluster: false, disableRunCommand: true, ...(r ? { authorizedIPRanges: r } : {}) });
    const entries = driftBetween(
      await clusterOf(restBody({ apiServerAccessProfile: access(t) }), 't.json'),
      await clusterOf(restBody({ apiServerAccessProfile: access(l) }), 'l.json'),
    );
    return find(entries, 'apiServerAccessProfile.authorizedIPRanges');
  };

  it('ignores order, duplicates and the /32 of a bare address', async () => {
    expect(await ranges(['10.0.0.0/8', '203.0.113.9'], ['203.0.113.9/32', '10.0.0.0/8', '10.0.0.0/8'])).toBeUndefined();
  });

  it('is weaker when the live list admits addresses no template range covers', async () => {
    expect(await ranges(['203.0.113.0/24'], ['203.0.113.0/24', '192.0.2.1/32'])).toMatchObject({
      regression: true,
      note: 'weaker in the live cluster: the live cluster also admits 192.0.2.1/32',
    });
    expect(await ranges(['203.0.113.0/24'], [])).toMatchObject({ regression: true, note: 'weaker in the live cluster: the live API server accepts every address' });
    expect(await ranges(['203.0.113.0/24'], ['0.0.0.0/0'])).toMatchObject({ regression: true });
    expect(await ranges(['2001:db8::/32'], ['2001:db8:1::/48', '2001:db9::/32'])).toMatchObject({ regression: true, note: expect.stringContaining('2001:db9::/32') });
  });

  it('is not weaker when the live ranges sit inside the template ranges', async () => {
    expect(await ranges(['203.0.113.0/24', '198.51.100.0/24'], ['203.0.113.128/25'])).toMatchObject({ regression: false });
    expect(await ranges(['2001:db8::/32'], ['2001:db8:1::/48'])).toMatchObject({ regression: false });
    // An absent list is an empty one: every address may connect.
    expect(await ranges(undefined, ['203.0.113.0/24'])).toMatchObject({ template: { value: [], defaulted: true }, regression: false });
  });
});

describe('driftBetween: node pools', () => {
  it('matches pools by name whatever their order and case, and compares their settings', async () => {
    const template = await clusterOf(restBody(), 't.json');
    const live = await clusterOf(
      restBody({
        agentPoolProfiles: [
          { name: 'apps', mode: 'User', enableEncryptionAtHost: false, enableNodePublicIP: true, orchestratorVersion: '1.30.4' },
          {
            name: 'SYSTEM',
            mode: 'System',
            enableEncryptionAtHost: true,
            nodeTaints: [],
            orchestratorVersion: '1.29.7',
            securityProfile: { enableSecureBoot: true, enableVTPM: false, sshAccess: 'LocalUser' },
          },
        ],
      }),
      'l.json',
    );
    const entries = driftBetween(template, live);
    expect(settings(entries)).toEqual([
      'system:nodeTaints',
      'system:securityProfile.enableVTPM',
      'system:securityProfile.sshAccess',
      'system:orchestratorVersion',
      'apps:enableNodePublicIP',
      'apps:enableEncryptionAtHost',
    ]);
    expect(find(entries, 'nodeTaints', 'system')).toMatchObject({
      template: { value: ['CriticalAddonsOnly=true:NoSchedule'], field: 'properties.agentPoolProfiles[0].nodeTaints' },
      live: { value: [], field: 'properties.agentPoolProfiles[1].nodeTaints' },
      regression: true,
    });
    expect(find(entries, 'securityProfile.sshAccess', 'system')).toMatchObject({ template: { value: 'Disabled' }, live: { value: 'LocalUser' }, regression: true });
    expect(find(entries, 'enableNodePublicIP', 'apps')).toMatchObject({ template: { value: false, defaulted: true }, live: { value: true }, regression: true });
  });

  it('lists pools that exist on one side only', async () => {
    const template = await clusterOf(restBody(), 't.json');
    const live = await clusterOf(
      restBody({ agentPoolProfiles: [{ name: 'system', mode: 'System', enableEncryptionAtHost: true, nodeTaints: ['CriticalAddonsOnly=true:NoSchedule'], orchestratorVersion: '1.30.4', securityProfile: { enableSecureBoot: true, enableVTPM: true, sshAccess: 'Disabled' } }, { name: 'gpu', mode: 'User' }] }),
      'l.json',
    );
    const entries = driftBetween(template, live);
    expect(entries).toEqual([
      {
        status: 'drift',
        setting: 'nodePool',
        pool: 'apps',
        template: { value: 'present', field: 'properties.agentPoolProfiles[1]', file: 't.json', line: 1 },
        live: { value: '(absent)', field: '' },
        regression: null,
        note: 'node pool only in the template',
      },
      {
        status: 'drift',
        setting: 'nodePool',
        pool: 'gpu',
        template: { value: '(absent)', field: '', file: 't.json', line: 1 },
        live: { value: 'present', field: 'properties.agentPoolProfiles[1]' },
        regression: null,
        note: 'node pool only in the live cluster: enableEncryptionAtHost weaker than a new pool gets',
      },
      // Every template pool encrypts at host: a pool added outside the template without it is weaker.
      {
        status: 'drift',
        setting: 'enableEncryptionAtHost',
        pool: 'gpu',
        template: { value: true, field: '', file: 't.json', line: 1 },
        live: { value: false, defaulted: true, field: 'properties.agentPoolProfiles[1].enableEncryptionAtHost' },
        regression: true,
        note: 'weaker in the live cluster than every template pool; the pool is only in the live cluster',
      },
    ]);
  });

  it('reads pools written as separate agentPools resources (as the live reader returns them)', async () => {
    const template = await clusterOf(restBody(), 't.json');
    const rest = (name: string, kind: string, object: Obj): Resource => ({
      apiVersion: '2024-05-01',
      kind,
      namespace: null,
      name,
      object,
      source: { file: asString(object.id) ?? name, line: 1 },
      format: 'arm-rest',
    });
    const body = JSON.parse(restBody()) as { properties: Obj };
    delete body.properties.agentPoolProfiles;
    const pool = (name: string, properties: Obj) =>
      rest(`aks-prod/${name}`, AGENT_POOL_TYPE, { id: `${ID}/agentPools/${name}`, name, type: AGENT_POOL_TYPE, properties });
    const resources = [
      rest('aks-prod', MANAGED_CLUSTER_TYPE, body),
      pool('system', { mode: 'System', enableEncryptionAtHost: true, nodeTaints: ['CriticalAddonsOnly=true:NoSchedule'], orchestratorVersion: '1.30.4', securityProfile: { enableSecureBoot: true, enableVTPM: true, sshAccess: 'Disabled' } }),
      pool('apps', { mode: 'User', enableEncryptionAtHost: false, orchestratorVersion: '1.30.4' }),
    ];
    const live = aksClusterOf(resources[0] as Resource, new Inventory(resources)) as AksCluster;
    expect(live.nodePools.map((p) => p.name)).toEqual(['system', 'apps']);
    const entries = driftBetween(template, live);
    expect(entries).toEqual([
      expect.objectContaining({
        setting: 'enableEncryptionAtHost',
        pool: 'apps',
        live: { value: false, field: 'properties.enableEncryptionAtHost' },
        regression: true,
      }),
    ]);
  });

  it('compares a pool without its own version with the cluster version', async () => {
    const template = await clusterOf(
      restBody({ kubernetesVersion: '1.30', agentPoolProfiles: [{ name: 'system', mode: 'System', enableEncryptionAtHost: true, nodeTaints: ['CriticalAddonsOnly=true:NoSchedule'], securityProfile: { enableSecureBoot: true, enableVTPM: true, sshAccess: 'Disabled' } }] }),
      't.json',
    );
    const live = await clusterOf(
      restBody({ agentPoolProfiles: [{ name: 'system', mode: 'System', enableEncryptionAtHost: true, nodeTaints: ['CriticalAddonsOnly=true:NoSchedule'], orchestratorVersion: '1.29.7', securityProfile: { enableSecureBoot: true, enableVTPM: true, sshAccess: 'Disabled' } }] }),
      'l.json',
    );
    expect(find(driftBetween(template, live), 'orchestratorVersion', 'system')).toMatchObject({
      template: { value: '1.30', field: 'properties.kubernetesVersion' },
      live: { value: '1.29.7' },
      regression: true,
      note: 'weaker in the live cluster; template pool follows the cluster version',
    });
  });
});

describe('driftBetween: unknown template values', () => {
  const template = json({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: {
      clusterName: { type: 'string', defaultValue: 'aks-prod' },
      privateCluster: { type: 'bool' },
      tier: { type: 'string', defaultValue: 'Standard' },
    },
    resources: [
      {
        type: 'Microsoft.ContainerService/managedClusters',
        apiVersion: '2024-05-01',
        name: "[parameters('clusterName')]",
        location: 'westeurope',
        sku: { name: 'Base', tier: "[parameters('tier')]" },
        properties: {
          kubernetesVersion: '1.30',
          disableLocalAccounts: true,
          apiServerAccessProfile: { enablePrivateCluster: "[parameters('privateCluster')]" },
          agentPoolProfiles: [{ name: 'system', mode: 'System', count: 3 }],
        },
      },
    ],
  });

  it('lists them as "cannot compare" with the reason, not as drift', async () => {
    const t = await clusterOf(template, 'azuredeploy.json');
    const live = await clusterOf(restBody({ disableLocalAccounts: false }), 'live.json');
    const entries = driftBetween(t, live);
    const uncomparable = entries.filter((e) => e.status === 'uncomparable');
    expect(uncomparable).toHaveLength(1);
    expect(uncomparable[0]).toMatchObject({
      setting: 'apiServerAccessProfile.enablePrivateCluster',
      template: { value: '(unknown)', field: 'properties.apiServerAccessProfile.enablePrivateCluster', file: 'azuredeploy.json' },
      live: { value: false },
      regression: null,
      note: expect.stringMatching(/^cannot compare: .*privateCluster/),
    });
    // Evaluated values are compared as usual: the tier parameter's default, the template's own name.
    expect(find(entries, 'sku.tier')).toBeUndefined();
    expect(find(entries, 'disableLocalAccounts')).toMatchObject({ status: 'drift', regression: true });
  });
});

describe('driftBetween: Terraform against the live cluster', () => {
  const planValues: Obj = {
    name: 'aks-prod',
    resource_group_name: 'rg-prod',
    kubernetes_version: '1.30',
    sku_tier: 'Standard',
    role_based_access_control_enabled: true,
    azure_active_directory_role_based_access_control: [{ azure_rbac_enabled: true, admin_group_object_ids: [] }],
    local_account_disabled: true,
    private_cluster_enabled: false,
    api_server_access_profile: [{ authorized_ip_ranges: ['203.0.113.0/24', '198.51.100.7/32'] }],
    run_command_enabled: false,
    network_profile: [{ network_plugin: 'azure', network_policy: 'cilium', outbound_type: 'userDefinedRouting' }],
    azure_policy_enabled: true,
    oms_agent: [{ log_analytics_workspace_id: '/subscriptions/x/workspaces/w' }],
    microsoft_defender: [{ log_analytics_workspace_id: '/subscriptions/x/workspaces/w' }],
    key_vault_secrets_provider: [{ secret_rotation_enabled: true }],
    workload_identity_enabled: true,
    oidc_issuer_enabled: true,
    image_cleaner_enabled: true,
    http_application_routing_enabled: false,
    disk_encryption_set_id: DES,
    automatic_upgrade_channel: 'patch',
    node_os_upgrade_channel: 'SecurityPatch',
    default_node_pool: [
      { name: 'system', node_public_ip_enabled: false, host_encryption_enabled: true, fips_enabled: false, only_critical_addons_enabled: true },
    ],
  };
  const plan = (values: Obj, extra: unknown[] = [], unknown: Obj = {}) =>
    json({
      format_version: '1.2',
      terraform_version: '1.9.5',
      planned_values: {
        root_module: {
          resources: [
            { address: 'azurerm_kubernetes_cluster.main', mode: 'managed', type: 'azurerm_kubernetes_cluster', name: 'main', values },
            ...extra,
          ],
        },
      },
      resource_changes: [
        { address: 'azurerm_kubernetes_cluster.main', mode: 'managed', type: 'azurerm_kubernetes_cluster', name: 'main', change: { actions: ['create'], after: values, after_unknown: unknown } },
      ],
    });
  // The live cluster Terraform created: Azure fills in what the plan leaves to it.
  const securedLive = () =>
    restBody({
      agentPoolProfiles: [
        { name: 'system', mode: 'System', enableEncryptionAtHost: true, enableNodePublicIP: false, nodeTaints: ['CriticalAddonsOnly=true:NoSchedule'], orchestratorVersion: '1.30.4' },
        { name: 'apps', mode: 'User', enableEncryptionAtHost: true, orchestratorVersion: '1.30.4' },
      ],
    });
  const appsPool = {
    address: 'azurerm_kubernetes_cluster_node_pool.apps',
    mode: 'managed',
    type: 'azurerm_kubernetes_cluster_node_pool',
    name: 'apps',
    values: { name: 'apps', mode: 'User', host_encryption_enabled: true, kubernetes_cluster_id: ID },
  };

  it('finds no drift between a plan and the cluster it created', async () => {
    const template = await clusterOf(plan(planValues, [appsPool]), 'plan.json');
    expect(template.shape).toBe('terraform-plan');
    expect(driftBetween(template, await clusterOf(securedLive(), 'live.json'))).toEqual([]);
  });

  it('names the Terraform attribute on the template side and the REST path on the live side', async () => {
    const template = await clusterOf(plan(planValues, [appsPool]), 'plan.json');
    const live = await clusterOf(
      restBody({
        apiServerAccessProfile: { enablePrivateCluster: false, authorizedIPRanges: ['203.0.113.0/24', '198.51.100.7/32'], disableRunCommand: false },
        securityProfile: { workloadIdentity: { enabled: true }, imageCleaner: { enabled: true } },
        agentPoolProfiles: [
          { name: 'system', mode: 'System', enableEncryptionAtHost: true, nodeTaints: [], orchestratorVersion: '1.30.4' },
          { name: 'apps', mode: 'User', enableEncryptionAtHost: false, orchestratorVersion: '1.30.4' },
        ],
      }),
      'live.json',
    );
    const entries = driftBetween(template, live);
    expect(settings(entries)).toEqual([
      'apiServerAccessProfile.disableRunCommand',
      'securityProfile.defender.securityMonitoring.enabled',
      'system:nodeTaints',
      'apps:enableEncryptionAtHost',
    ]);
    expect(find(entries, 'apiServerAccessProfile.disableRunCommand')).toMatchObject({
      template: { value: true, field: 'run_command_enabled' },
      live: { value: false, field: 'properties.apiServerAccessProfile.disableRunCommand' },
      regression: true,
    });
    expect(find(entries, 'securityProfile.defender.securityMonitoring.enabled')).toMatchObject({
      template: { value: true, field: 'microsoft_defender' },
      live: { value: false, defaulted: true },
      regression: true,
    });
    expect(find(entries, 'nodeTaints', 'system')).toMatchObject({ template: { field: 'default_node_pool[0].only_critical_addons_enabled' }, regression: true });
    expect(find(entries, 'enableEncryptionAtHost', 'apps')).toMatchObject({ template: { value: true, field: 'host_encryption_enabled' }, regression: true });
  });

  it('does not compare values known only after apply', async () => {
    const values = { ...planValues, disk_encryption_set_id: null };
    const template = await clusterOf(plan(values, [appsPool], { disk_encryption_set_id: true }), 'plan.json');
    const entries = driftBetween(template, await clusterOf(securedLive(), 'live.json'));
    expect(entries).toEqual([
      expect.objectContaining({
        status: 'uncomparable',
        setting: 'diskEncryptionSetID',
        template: expect.objectContaining({ value: '(unknown)', field: 'disk_encryption_set_id' }),
        note: expect.stringMatching(/^cannot compare: .*known only after apply/),
      }),
    ]);
  });

  it('reads HCL too', async () => {
    const hcl = `resource "azurerm_kubernetes_cluster" "main" {
  name                   = "aks-prod"
  kubernetes_version     = "1.30"
  local_account_disabled = true
  sku_tier               = "Standard"

  api_server_access_profile {
    authorized_ip_ranges = ["203.0.113.0/24"]
  }

  default_node_pool {
    name                    = "system"
    host_encryption_enabled = true
  }
}
`;
    const template = await clusterOf(hcl, 'main.tf');
    expect(template.shape).toBe('terraform-hcl');
    const entries = driftBetween(template, await clusterOf(restBody(), 'live.json'));
    expect(find(entries, 'apiServerAccessProfile.authorizedIPRanges')).toMatchObject({
      template: { value: ['203.0.113.0/24'], field: 'api_server_access_profile[0].authorized_ip_ranges' },
      live: { value: ['203.0.113.0/24', '198.51.100.7/32'] },
      regression: true,
    });
    // The live cluster is stronger than this minimal template in many places: none of those is a regression.
    expect(entries.filter((e) => e.regression === true).map((e) => e.setting)).toEqual(['apiServerAccessProfile.authorizedIPRanges']);
    expect(find(entries, 'nodePool', 'apps')).toMatchObject({ live: { value: 'present' } });
    // azurerm has no attribute for trusted launch or SSH access: the live values were set outside Terraform.
    expect(find(entries, 'securityProfile.sshAccess', 'system')).toMatchObject({
      template: { value: 'LocalUser', defaulted: true, field: 'default_node_pool[0]', line: 1 },
      live: { value: 'Disabled' },
      regression: false,
      note: 'the template format has no attribute for it',
    });
  });
});

describe('the compared settings', () => {
  it('cover the security settings of the cluster and of every pool', () => {
    expect(DRIFT_SETTINGS.cluster).toHaveLength(33);
    expect(DRIFT_SETTINGS.cluster).toContain('@sku.tier');
    expect(DRIFT_SETTINGS.cluster).toEqual(
      expect.arrayContaining([
        'aadProfile.adminGroupObjectIDs',
        'publicNetworkAccess',
        'apiServerAccessProfile.enablePrivateClusterPublicFQDN',
        'apiServerAccessProfile.enableVnetIntegration',
        'nodeResourceGroupProfile.restrictionLevel',
        'securityProfile.azureKeyVaultKms.keyVaultNetworkAccess',
      ]),
    );
    expect(DRIFT_SETTINGS.pool).toEqual([
      'enableNodePublicIP',
      'enableEncryptionAtHost',
      'enableFIPS',
      'mode',
      'nodeTaints',
      'securityProfile.enableSecureBoot',
      'securityProfile.enableVTPM',
      'securityProfile.sshAccess',
      'kubeletConfig.allowedUnsafeSysctls',
      'orchestratorVersion',
    ]);
  });
});

describe('fieldLineIn', () => {
  it('follows a field path through a JSON document, stopping at the deepest written parent', () => {
    const text = restBody();
    const lines = text.split('\n');
    const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
    expect(fieldLineIn(text, 1, 'properties.disableLocalAccounts')).toBe(lineOf('"disableLocalAccounts"'));
    expect(fieldLineIn(text, 1, 'properties.agentPoolProfiles[1].enableEncryptionAtHost')).toBe(
      lines.findIndex((l, i) => i > lineOf('"name": "apps"') - 1 && l.includes('"enableEncryptionAtHost"')) + 1,
    );
    expect(fieldLineIn(text, 1, 'properties.securityProfile.azureKeyVaultKms.enabled')).toBe(lineOf('"securityProfile"'));
    expect(fieldLineIn(text, 1, '')).toBe(1);
  });

  it('starts from the template resource at its line, and from a plan resource into its values', () => {
    const template = json({ resources: [{ type: 'x', properties: { a: 1 } }, { type: 'y', properties: { a: 2 } }] });
    const lines = template.split('\n');
    const second = lines.findIndex((l) => l.includes('"y"')) + 1;
    expect(fieldLineIn(template, second, 'properties.a')).toBe(second + 2);
    const plan = json({ resources: [{ address: 'azurerm_kubernetes_cluster.main', values: { name: 'a', network_profile: [{ network_policy: 'azure' }] } }] });
    const addressLine = plan.split('\n').findIndex((l) => l.includes('"address"')) + 1;
    expect(fieldLineIn(plan, addressLine, 'network_profile[0].network_policy')).toBe(plan.split('\n').findIndex((l) => l.includes('network_policy')) + 1);
  });

  it('follows nested blocks in HCL', () => {
    const hcl = `# cluster
resource "azurerm_resource_group" "rg" {
  name = "rg"
}

resource "azurerm_kubernetes_cluster" "main" {
  name = "aks" # the name
  tags = {
    local_account_disabled = "not this one"
  }
  network_profile {
    network_plugin = "azure"
    network_policy = "cilium"
  }
  default_node_pool {
    name = "system"
  }
  local_account_disabled = true
}
`;
    expect(fieldLineIn(hcl, 6, 'local_account_disabled')).toBe(18);
    expect(fieldLineIn(hcl, 6, 'network_profile[0].network_policy')).toBe(13);
    expect(fieldLineIn(hcl, 6, 'default_node_pool[0].host_encryption_enabled')).toBe(15);
    expect(fieldLineIn(hcl, 6, 'oms_agent')).toBe(6);
  });

  it('leaves YAML to the YAML locator', () => {
    expect(fieldLineIn('id: x\nproperties:\n  enableRBAC: true\n', 1, 'properties.enableRBAC')).toBeUndefined();
  });
});

describe('driftBetween: defaults that follow other settings', () => {
  const automaticTemplate = json({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    resources: [
      {
        type: 'Microsoft.ContainerService/managedClusters',
        apiVersion: '2025-01-01',
        name: 'aks-prod',
        location: 'westeurope',
        sku: { name: 'Automatic' },
        properties: { agentPoolProfiles: [{ name: 'system', mode: 'System', count: 3 }] },
      },
    ],
  });

  it('reads an AKS Automatic template without a tier as the Standard tier AKS sets', async () => {
    const template = await clusterOf(automaticTemplate, 'main.json');
    const live = await clusterOf(restBody({}, { sku: { name: 'Automatic', tier: 'Standard' } }), 'live.json');
    expect(find(driftBetween(template, live), 'sku.tier')).toBeUndefined();
    const free = await clusterOf(restBody({}, { sku: { name: 'Base', tier: 'Free' } }), 'live.json');
    expect(find(driftBetween(template, free), 'sku.tier')).toMatchObject({ template: { value: 'Standard' }, live: { value: 'Free' }, regression: true });
  });

  it('takes cilium as the network policy of a Cilium dataplane that does not write one', async () => {
    const profile = (p: Obj) => ({ networkProfile: { networkPlugin: 'azure', outboundType: 'userDefinedRouting', ...p } });
    const template = await clusterOf(restBody(profile({ networkDataplane: 'cilium' })), 't.json');
    const live = await clusterOf(restBody(profile({ networkDataplane: 'cilium', networkPolicy: 'cilium' })), 'l.json');
    expect(find(driftBetween(template, live), 'networkProfile.networkPolicy')).toBeUndefined();
    // Without the Cilium dataplane the default stays none.
    const azure = await clusterOf(restBody(profile({})), 't.json');
    expect(find(driftBetween(azure, live), 'networkProfile.networkPolicy')).toMatchObject({ template: { value: 'none', defaulted: true }, live: { value: 'cilium' }, regression: false });
  });

  it('cannot compare the network policy when the dataplane that decides its default is unknown', async () => {
    const template = await clusterOf(
      json({
        $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
        contentVersion: '1.0.0.0',
        parameters: { dataplane: { type: 'string' } },
        resources: [
          {
            type: 'Microsoft.ContainerService/managedClusters',
            apiVersion: '2025-01-01',
            name: 'aks-prod',
            properties: { networkProfile: { networkPlugin: 'azure', networkDataplane: "[parameters('dataplane')]" } },
          },
        ],
      }),
      'main.json',
    );
    const live = await clusterOf(restBody({ networkProfile: { networkPlugin: 'azure', networkDataplane: 'cilium', networkPolicy: 'cilium' } }), 'l.json');
    expect(find(driftBetween(template, live), 'networkProfile.networkPolicy')).toMatchObject({
      status: 'uncomparable',
      note: expect.stringMatching(/^cannot compare: its default follows networkProfile.networkDataplane, which is not known \(parameter 'dataplane'/),
    });
  });

  it('calls node-image weaker than a channel that applies Kubernetes patches, as aks/auto-upgrade-channel-none does', async () => {
    const channel = (c: string) => restBody({ autoUpgradeProfile: { upgradeChannel: c, nodeOSUpgradeChannel: 'SecurityPatch' } });
    for (const from of ['patch', 'stable', 'rapid']) {
      const entries = driftBetween(await clusterOf(channel(from), 't.json'), await clusterOf(channel('node-image'), 'l.json'));
      expect(find(entries, 'autoUpgradeProfile.upgradeChannel'), from).toMatchObject({ live: { value: 'node-image' }, regression: true });
    }
    const back = driftBetween(await clusterOf(channel('node-image'), 't.json'), await clusterOf(channel('patch'), 'l.json'));
    expect(find(back, 'autoUpgradeProfile.upgradeChannel')).toMatchObject({ regression: false });
    const none = driftBetween(await clusterOf(channel('node-image'), 't.json'), await clusterOf(channel('none'), 'l.json'));
    expect(find(none, 'autoUpgradeProfile.upgradeChannel')).toMatchObject({ regression: true });
    const sideways = driftBetween(await clusterOf(channel('patch'), 't.json'), await clusterOf(channel('stable'), 'l.json'));
    expect(find(sideways, 'autoUpgradeProfile.upgradeChannel')).toMatchObject({ regression: false });
  });
});

describe('driftBetween: what AKS decides for a pool', () => {
  const systemPool = {
    name: 'system',
    mode: 'System',
    enableEncryptionAtHost: true,
    nodeTaints: ['CriticalAddonsOnly=true:NoSchedule'],
    orchestratorVersion: '1.30.4',
    securityProfile: { enableSecureBoot: true, enableVTPM: true, sshAccess: 'Disabled' },
  };
  const withPools = (...pools: Obj[]) => restBody({ agentPoolProfiles: [systemPool, ...pools] });

  it('ignores the taint AKS puts on Spot pools, and only that taint, only on Spot pools', async () => {
    const template = await clusterOf(withPools({ name: 'spot', mode: 'User', scaleSetPriority: 'Spot', orchestratorVersion: '1.30.4' }), 't.json');
    const spotLive = (taints: string[]) => withPools({ name: 'spot', mode: 'User', scaleSetPriority: 'Spot', nodeTaints: taints, orchestratorVersion: '1.30.4' });
    expect(driftBetween(template, await clusterOf(spotLive([SPOT_TAINT]), 'l.json'))).toEqual([]);
    // Another taint beside it is still drift.
    expect(find(driftBetween(template, await clusterOf(spotLive([SPOT_TAINT, 'team=a:NoSchedule']), 'l.json')), 'nodeTaints', 'spot')).toMatchObject({
      status: 'drift',
      template: { value: [] },
      live: { value: ['team=a:NoSchedule'] },
    });
    // On a regular pool the same taint was put there by someone.
    const regular = await clusterOf(withPools({ name: 'spot', mode: 'User', orchestratorVersion: '1.30.4' }), 't.json');
    const tainted = await clusterOf(withPools({ name: 'spot', mode: 'User', nodeTaints: [SPOT_TAINT], orchestratorVersion: '1.30.4' }), 'l.json');
    expect(find(driftBetween(regular, tainted), 'nodeTaints', 'spot')).toMatchObject({ status: 'drift' });
  });

  it('takes System for the first pool written in the cluster and User for any other pool that does not write its mode', async () => {
    const template = json({
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      resources: [
        {
          type: 'Microsoft.ContainerService/managedClusters',
          apiVersion: '2024-05-01',
          name: 'aks-prod',
          location: 'westeurope',
          properties: { kubernetesVersion: '1.30', agentPoolProfiles: [{ name: 'system', count: 3 }] },
        },
        { type: 'Microsoft.ContainerService/managedClusters/agentPools', apiVersion: '2024-05-01', name: 'aks-prod/apps', properties: { count: 2 } },
      ],
    });
    const entries = driftBetween(await clusterOf(template, 'main.json'), await clusterOf(restBody(), 'l.json'));
    expect(find(entries, 'mode', 'system')).toBeUndefined();
    expect(find(entries, 'mode', 'apps')).toBeUndefined();
    const hcl = `resource "azurerm_kubernetes_cluster" "main" {
  name               = "aks-prod"
  kubernetes_version = "1.30"
  default_node_pool {
    name = "system"
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "apps" {
  name                  = "apps"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.main.id
}
`;
    const tf = driftBetween(await clusterOf(hcl, 'main.tf'), await clusterOf(restBody(), 'l.json'));
    expect(find(tf, 'mode', 'apps')).toBeUndefined();
    // A live pool in another mode than the default still drifts.
    const system = await clusterOf(withPools({ name: 'apps', mode: 'System', enableEncryptionAtHost: true, orchestratorVersion: '1.30.4' }), 'l.json');
    expect(find(driftBetween(await clusterOf(hcl, 'main.tf'), system), 'mode', 'apps')).toMatchObject({ template: { value: 'User', defaulted: true }, live: { value: 'System' } });
  });
});

describe('driftBetween: settings the template does not constrain', () => {
  it('lists a setting the template leaves to Azure as information, not drift', async () => {
    const hcl = `resource "azurerm_kubernetes_cluster" "main" {
  name = "aks-prod"
  default_node_pool {
    name = "system"
  }
}
`;
    const entries = driftBetween(await clusterOf(hcl, 'main.tf'), await clusterOf(restBody(), 'l.json'));
    expect(find(entries, 'kubernetesVersion')).toMatchObject({ status: 'info', template: { value: NOT_SET }, live: { value: '1.30.4' }, regression: null, note: 'the template leaves it to Azure' });
    expect(find(entries, 'orchestratorVersion', 'system')).toMatchObject({ status: 'info' });
    // Settings azurerm has no attribute for, where the live value is no weaker than Azure's default.
    expect(find(entries, 'securityProfile.sshAccess', 'system')).toMatchObject({ status: 'info', regression: false, note: 'the template format has no attribute for it' });
    expect(find(entries, 'securityProfile.enableSecureBoot', 'system')).toMatchObject({ status: 'info' });
    // A setting the template does constrain still drifts.
    expect(find(entries, 'disableLocalAccounts')).toMatchObject({ status: 'drift' });
  });
});

describe('driftBetween: more security settings', () => {
  const GROUP_A = 'aaaaaaaa-0000-0000-0000-000000000001';
  const GROUP_B = 'bbbbbbbb-0000-0000-0000-000000000002';
  const aad = (groups: string[]) => ({ aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: groups } });

  it('compares admin groups as sets: a group only the live cluster has is weaker', async () => {
    const template = await clusterOf(restBody(aad([GROUP_A])), 't.json');
    expect(driftBetween(template, await clusterOf(restBody(aad([GROUP_A.toUpperCase()])), 'l.json'))).toEqual([]);
    expect(find(driftBetween(template, await clusterOf(restBody(aad([GROUP_A, GROUP_B])), 'l.json')), 'aadProfile.adminGroupObjectIDs')).toMatchObject({
      status: 'drift',
      regression: true,
      note: `weaker in the live cluster: the live cluster also has ${GROUP_B}`,
    });
    expect(find(driftBetween(template, await clusterOf(restBody(aad([])), 'l.json')), 'aadProfile.adminGroupObjectIDs')).toMatchObject({ regression: false });
  });

  it('compares public network access, the public FQDN of a private cluster, VNet integration, node resource group lockdown and KMS key vault access', async () => {
    const template = await clusterOf(
      restBody({
        publicNetworkAccess: 'Disabled',
        apiServerAccessProfile: { enablePrivateCluster: true, enablePrivateClusterPublicFQDN: false, enableVnetIntegration: true, disableRunCommand: true },
        nodeResourceGroupProfile: { restrictionLevel: 'ReadOnly' },
        securityProfile: {
          defender: { securityMonitoring: { enabled: true } },
          workloadIdentity: { enabled: true },
          imageCleaner: { enabled: true },
          azureKeyVaultKms: { enabled: true, keyVaultNetworkAccess: 'Private' },
        },
      }),
      't.json',
    );
    const live = await clusterOf(
      restBody({
        publicNetworkAccess: 'Enabled',
        apiServerAccessProfile: { enablePrivateCluster: true, enablePrivateClusterPublicFQDN: true, disableRunCommand: true },
        nodeResourceGroupProfile: { restrictionLevel: 'Unrestricted' },
        securityProfile: {
          defender: { securityMonitoring: { enabled: true } },
          workloadIdentity: { enabled: true },
          imageCleaner: { enabled: true },
          azureKeyVaultKms: { enabled: true, keyVaultNetworkAccess: 'Public' },
        },
      }),
      'l.json',
    );
    const entries = driftBetween(template, live);
    expect(entries.filter((e) => e.pool === undefined).map((e) => [e.setting, e.regression])).toEqual([
      ['apiServerAccessProfile.enablePrivateClusterPublicFQDN', true],
      ['apiServerAccessProfile.enableVnetIntegration', true],
      ['publicNetworkAccess', true],
      ['securityProfile.azureKeyVaultKms.keyVaultNetworkAccess', true],
      ['nodeResourceGroupProfile.restrictionLevel', true],
    ]);
  });

  it('compares allowed unsafe sysctls of a pool: one the template does not allow is weaker, a template wildcard covers its names', async () => {
    const pool = (sysctls: string[]) =>
      restBody({ agentPoolProfiles: [{ name: 'system', mode: 'System', enableEncryptionAtHost: true, orchestratorVersion: '1.30.4', kubeletConfig: { allowedUnsafeSysctls: sysctls } }] });
    const template = await clusterOf(pool(['net.core.*']), 't.json');
    expect(find(driftBetween(template, await clusterOf(pool(['net.core.somaxconn']), 'l.json')), 'kubeletConfig.allowedUnsafeSysctls', 'system')).toMatchObject({ regression: false });
    expect(find(driftBetween(template, await clusterOf(pool(['net.core.*', 'kernel.msg*']), 'l.json')), 'kubeletConfig.allowedUnsafeSysctls', 'system')).toMatchObject({
      regression: true,
      note: 'weaker in the live cluster: the live cluster also has kernel.msg*',
    });
  });

  it('reads them from Terraform', async () => {
    const hcl = `resource "azurerm_kubernetes_cluster" "main" {
  name                                = "aks-prod"
  kubernetes_version                  = "1.30"
  private_cluster_enabled             = true
  private_cluster_public_fqdn_enabled = false
  azure_active_directory_role_based_access_control {
    azure_rbac_enabled     = true
    admin_group_object_ids = ["${GROUP_A}"]
  }
  key_management_service {
    key_vault_key_id         = "https://kv.vault.azure.net/keys/k/1"
    key_vault_network_access = "Private"
  }
  default_node_pool {
    name = "system"
    kubelet_config {
      allowed_unsafe_sysctls = ["net.core.somaxconn"]
    }
  }
}
`;
    const live = await clusterOf(
      restBody({
        ...aad([GROUP_A, GROUP_B]),
        apiServerAccessProfile: { enablePrivateCluster: true, enablePrivateClusterPublicFQDN: true },
        securityProfile: { azureKeyVaultKms: { enabled: true, keyVaultNetworkAccess: 'Public' } },
        agentPoolProfiles: [{ name: 'system', mode: 'System', kubeletConfig: { allowedUnsafeSysctls: ['net.core.somaxconn', 'net.*'] } }],
      }),
      'l.json',
    );
    const entries = driftBetween(await clusterOf(hcl, 'main.tf'), live);
    expect(find(entries, 'aadProfile.adminGroupObjectIDs')).toMatchObject({ template: { field: 'azure_active_directory_role_based_access_control[0].admin_group_object_ids' }, regression: true });
    expect(find(entries, 'apiServerAccessProfile.enablePrivateClusterPublicFQDN')).toMatchObject({ template: { field: 'private_cluster_public_fqdn_enabled' }, regression: true });
    expect(find(entries, 'securityProfile.azureKeyVaultKms.keyVaultNetworkAccess')).toMatchObject({ template: { value: 'Private' }, live: { value: 'Public' }, regression: true });
    expect(find(entries, 'kubeletConfig.allowedUnsafeSysctls', 'system')).toMatchObject({ template: { field: 'default_node_pool[0].kubelet_config[0].allowed_unsafe_sysctls' }, regression: true });
  });

  it('calls a longer live list weaker than a template list with unknown entries', async () => {
    const template = json({
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      parameters: { adminGroup: { type: 'string' } },
      resources: [
        {
          type: 'Microsoft.ContainerService/managedClusters',
          apiVersion: '2024-05-01',
          name: 'aks-prod',
          location: 'westeurope',
          properties: { aadProfile: { managed: true, adminGroupObjectIDs: ["[parameters('adminGroup')]"] }, agentPoolProfiles: [{ name: 'system', mode: 'System' }] },
        },
      ],
    });
    const t = await clusterOf(template, 'main.json');
    expect(find(driftBetween(t, await clusterOf(restBody(aad([GROUP_A])), 'l.json')), 'aadProfile.adminGroupObjectIDs')).toMatchObject({
      status: 'uncomparable',
      note: expect.stringContaining("parameter 'adminGroup'"),
    });
    expect(find(driftBetween(t, await clusterOf(restBody(aad([GROUP_A, GROUP_B])), 'l.json')), 'aadProfile.adminGroupObjectIDs')).toMatchObject({
      status: 'drift',
      regression: true,
    });
  });
});

describe('driftBetween: pools only in the live cluster', () => {
  it('judges them against what a new pool would get', async () => {
    const template = await clusterOf(restBody(), 't.json');
    const live = await clusterOf(
      restBody({
        agentPoolProfiles: [
          ...(JSON.parse(restBody()) as { properties: { agentPoolProfiles: Obj[] } }).properties.agentPoolProfiles,
          { name: 'edge', mode: 'User', enableEncryptionAtHost: true, enableNodePublicIP: true, kubeletConfig: { allowedUnsafeSysctls: ['net.*'] } },
        ],
      }),
      'l.json',
    );
    const entries = driftBetween(template, live).filter((e) => e.pool === 'edge');
    expect(entries.map((e) => [e.setting, e.regression])).toEqual([
      ['nodePool', null],
      ['enableNodePublicIP', true],
      ['kubeletConfig.allowedUnsafeSysctls', true],
    ]);
    expect(entries[1]).toMatchObject({ template: { value: false }, live: { value: true }, note: 'weaker in the live cluster than every template pool; the pool is only in the live cluster' });
    expect(entries[2]).toMatchObject({
      template: { value: [], defaulted: true },
      note: "weaker in the live cluster than Azure's default for a new pool: the live cluster also has net.*; the pool is only in the live cluster",
    });
  });
});

describe('driftBetween: authorized IP ranges the template does not resolve', () => {
  const hcl = `variable "office_ip_ranges" {
  type = list(string)
}

resource "azurerm_kubernetes_cluster" "main" {
  name               = "aks-prod"
  kubernetes_version = "1.30"
  api_server_access_profile {
    authorized_ip_ranges = var.office_ip_ranges
  }
  default_node_pool {
    name = "system"
  }
}
`;
  const access = (ranges: string[]) => ({ apiServerAccessProfile: { enablePrivateCluster: false, authorizedIPRanges: ranges, disableRunCommand: true } });

  it('calls a live list open to every address weaker whatever the template value is', async () => {
    const template = await clusterOf(hcl, 'main.tf');
    for (const open of ['0.0.0.0/0', '::/0']) {
      const entries = driftBetween(template, await clusterOf(restBody(access(['203.0.113.0/24', open])), 'l.json'));
      expect(find(entries, 'apiServerAccessProfile.authorizedIPRanges')).toMatchObject({
        status: 'drift',
        template: { value: '(unknown)' },
        regression: true,
        note: expect.stringMatching(/^weaker in the live cluster: the live API server accepts every address.*var\.office_ip_ranges/),
      });
    }
    const restricted = driftBetween(template, await clusterOf(restBody(access(['198.51.100.0/24'])), 'l.json'));
    expect(find(restricted, 'apiServerAccessProfile.authorizedIPRanges')).toMatchObject({ status: 'uncomparable', regression: null });
  });
});
