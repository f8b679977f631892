import type { Inventory } from '../../core/inventory.js';
import { asObj, asString, isObj, type Obj, type Resource } from '../../core/resource.js';
import { AGENT_POOL_TYPE, agentPoolNames, isAzapi, MANAGED_CLUSTER_TYPE, poolSettings, terraformAzureName, unknownReason } from './json-cluster.js';
import type { AksCluster, AksNodePool, AksShape, Setting } from './model.js';

export const TERRAFORM_CLUSTER_TYPE = 'azurerm_kubernetes_cluster';
export const TERRAFORM_NODE_POOL_TYPE = 'azurerm_kubernetes_cluster_node_pool';
/** The resource type of an AKS cluster or pool written with the AzAPI provider. */
const AZAPI_TYPE = 'azapi_resource';

/** The taint `only_critical_addons_enabled` puts on the default node pool. */
export const CRITICAL_ADDONS_TAINT = 'CriticalAddonsOnly=true:NoSchedule';

/**
 * How an azurerm value becomes the ARM value: `bool`/`number` normalise HCL strings (`"true"`, `"30"`),
 * `not` inverts (`run_command_enabled` → `disableRunCommand`), `present` turns a block into
 * `enabled: true`, `boolString` gives the string form ARM add-on `config` values take, `enabledDisabled`
 * the `Enabled`/`Disabled` enum.
 */
type Translation = 'raw' | 'bool' | 'number' | 'list' | 'not' | 'present' | 'boolString' | 'enabledDisabled';

interface Source {
  /** Attribute path below the resource (or the pool block): `network_profile[0].network_policy`. */
  attr: string;
  as: Translation;
}

type Custom = (root: Obj, base: string) => Setting;
type Mapping = readonly Source[] | Custom;

const s = (attr: string, as: Translation = 'raw'): Source => ({ attr, as });
const AAD = 'azure_active_directory_role_based_access_control[0]';
const AAD_V2 = 'role_based_access_control[0].azure_active_directory[0]';

/**
 * ARM REST path (below `properties`; `@` for the resource root) → azurerm attributes, newest spelling
 * first: v4, then v3, then the v2 `addon_profile` / `role_based_access_control` blocks that older
 * configurations (and Checkov's fixtures) still use. The first spelling the source sets wins.
 */
const CLUSTER_MAP: Record<string, Mapping> = {
  enableRBAC: [s('role_based_access_control_enabled', 'bool'), s('role_based_access_control[0].enabled', 'bool')],
  'aadProfile.managed': aadManaged,
  'aadProfile.enableAzureRBAC': [s(`${AAD}.azure_rbac_enabled`, 'bool'), s(`${AAD_V2}.azure_rbac_enabled`, 'bool')],
  'aadProfile.adminGroupObjectIDs': [s(`${AAD}.admin_group_object_ids`, 'list'), s(`${AAD_V2}.admin_group_object_ids`, 'list')],
  'aadProfile.tenantID': [s(`${AAD}.tenant_id`), s(`${AAD_V2}.tenant_id`)],
  disableLocalAccounts: [s('local_account_disabled', 'bool')],
  'apiServerAccessProfile.enablePrivateCluster': [s('private_cluster_enabled', 'bool')],
  'apiServerAccessProfile.privateDNSZone': [s('private_dns_zone_id')],
  'apiServerAccessProfile.enablePrivateClusterPublicFQDN': [s('private_cluster_public_fqdn_enabled', 'bool')],
  'apiServerAccessProfile.authorizedIPRanges': [s('api_server_access_profile[0].authorized_ip_ranges', 'list'), s('api_server_authorized_ip_ranges', 'list')],
  'apiServerAccessProfile.enableVnetIntegration': [
    s('api_server_access_profile[0].virtual_network_integration_enabled', 'bool'),
    s('api_server_access_profile[0].vnet_integration_enabled', 'bool'),
  ],
  'apiServerAccessProfile.subnetId': [s('api_server_access_profile[0].subnet_id')],
  'apiServerAccessProfile.disableRunCommand': [s('run_command_enabled', 'not')],
  publicNetworkAccess: [s('public_network_access_enabled', 'enabledDisabled')],
  'networkProfile.networkPolicy': [s('network_profile[0].network_policy')],
  'networkProfile.networkPlugin': [s('network_profile[0].network_plugin')],
  'networkProfile.networkPluginMode': [s('network_profile[0].network_plugin_mode')],
  'networkProfile.networkDataplane': [s('network_profile[0].network_data_plane'), s('network_profile[0].ebpf_data_plane')],
  'networkProfile.networkMode': [s('network_profile[0].network_mode')],
  'networkProfile.outboundType': [s('network_profile[0].outbound_type')],
  'networkProfile.loadBalancerSku': [s('network_profile[0].load_balancer_sku')],
  'addonProfiles.azurepolicy.enabled': [s('azure_policy_enabled', 'bool'), s('addon_profile[0].azure_policy[0].enabled', 'bool')],
  'addonProfiles.omsagent.enabled': [s('oms_agent', 'present'), s('addon_profile[0].oms_agent[0].enabled', 'bool')],
  'addonProfiles.omsagent.config.logAnalyticsWorkspaceResourceID': [
    s('oms_agent[0].log_analytics_workspace_id'),
    s('addon_profile[0].oms_agent[0].log_analytics_workspace_id'),
  ],
  'addonProfiles.azureKeyvaultSecretsProvider.enabled': [
    s('key_vault_secrets_provider', 'present'),
    s('addon_profile[0].azure_keyvault_secrets_provider[0].enabled', 'bool'),
  ],
  'addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation': [
    s('key_vault_secrets_provider[0].secret_rotation_enabled', 'boolString'),
    s('addon_profile[0].azure_keyvault_secrets_provider[0].secret_rotation_enabled', 'boolString'),
  ],
  'addonProfiles.azureKeyvaultSecretsProvider.config.rotationPollInterval': [s('key_vault_secrets_provider[0].secret_rotation_interval')],
  'addonProfiles.httpApplicationRouting.enabled': [
    s('http_application_routing_enabled', 'bool'),
    s('addon_profile[0].http_application_routing[0].enabled', 'bool'),
  ],
  'addonProfiles.kubeDashboard.enabled': [s('addon_profile[0].kube_dashboard[0].enabled', 'bool')],
  'addonProfiles.ingressApplicationGateway.enabled': [
    s('ingress_application_gateway', 'present'),
    s('addon_profile[0].ingress_application_gateway[0].enabled', 'bool'),
  ],
  'addonProfiles.aciConnectorLinux.enabled': [s('aci_connector_linux', 'present'), s('addon_profile[0].aci_connector_linux[0].enabled', 'bool')],
  'addonProfiles.openServiceMesh.enabled': [s('open_service_mesh_enabled', 'bool')],
  'ingressProfile.webAppRouting.enabled': [s('web_app_routing', 'present')],
  'securityProfile.defender.securityMonitoring.enabled': [s('microsoft_defender', 'present')],
  'securityProfile.defender.logAnalyticsWorkspaceResourceId': [s('microsoft_defender[0].log_analytics_workspace_id')],
  'securityProfile.azureKeyVaultKms.enabled': [s('key_management_service', 'present')],
  'securityProfile.azureKeyVaultKms.keyId': [s('key_management_service[0].key_vault_key_id')],
  'securityProfile.azureKeyVaultKms.keyVaultNetworkAccess': [s('key_management_service[0].key_vault_network_access')],
  'securityProfile.workloadIdentity.enabled': [s('workload_identity_enabled', 'bool')],
  'securityProfile.imageCleaner.enabled': [s('image_cleaner_enabled', 'bool')],
  'securityProfile.imageCleaner.intervalHours': [s('image_cleaner_interval_hours', 'number')],
  'securityProfile.customCATrustCertificates': [s('custom_ca_trust_certificates_base64', 'list')],
  'oidcIssuerProfile.enabled': [s('oidc_issuer_enabled', 'bool')],
  'azureMonitorProfile.metrics.enabled': [s('monitor_metrics', 'present')],
  'storageProfile.diskCSIDriver.enabled': [s('storage_profile[0].disk_driver_enabled', 'bool')],
  'storageProfile.fileCSIDriver.enabled': [s('storage_profile[0].file_driver_enabled', 'bool')],
  'storageProfile.blobCSIDriver.enabled': [s('storage_profile[0].blob_driver_enabled', 'bool')],
  'storageProfile.snapshotController.enabled': [s('storage_profile[0].snapshot_controller_enabled', 'bool')],
  'serviceMeshProfile.mode': [s('service_mesh_profile[0].mode')],
  diskEncryptionSetID: [s('disk_encryption_set_id')],
  'autoUpgradeProfile.upgradeChannel': [s('automatic_upgrade_channel'), s('automatic_channel_upgrade')],
  'autoUpgradeProfile.nodeOSUpgradeChannel': [s('node_os_upgrade_channel'), s('node_os_channel_upgrade')],
  kubernetesVersion: [s('kubernetes_version')],
  supportPlan: [s('support_plan')],
  dnsPrefix: [s('dns_prefix')],
  nodeResourceGroup: [s('node_resource_group')],
  'linuxProfile.adminUsername': [s('linux_profile[0].admin_username')],
  'servicePrincipalProfile.clientId': [s('service_principal[0].client_id')],
  '@sku.tier': [s('sku_tier')],
  '@identity.type': [s('identity[0].type')],
  '@location': [s('location')],
  '@tags': [s('tags')],
};

/**
 * Agent-pool property path → attributes of `default_node_pool[0]` or of an `azurerm_kubernetes_cluster_node_pool`
 * (both use the same names). `mode` and `nodeTaints` depend on which of the two it is: see `poolGetter`.
 */
const POOL_MAP: Record<string, readonly Source[]> = {
  enableNodePublicIP: [s('node_public_ip_enabled', 'bool'), s('enable_node_public_ip', 'bool')],
  nodePublicIPPrefixID: [s('node_public_ip_prefix_id')],
  enableEncryptionAtHost: [s('host_encryption_enabled', 'bool'), s('enable_host_encryption', 'bool')],
  enableFIPS: [s('fips_enabled', 'bool')],
  enableUltraSSD: [s('ultra_ssd_enabled', 'bool')],
  enableAutoScaling: [s('auto_scaling_enabled', 'bool'), s('enable_auto_scaling', 'bool')],
  osDiskType: [s('os_disk_type')],
  osDiskSizeGB: [s('os_disk_size_gb', 'number')],
  kubeletDiskType: [s('kubelet_disk_type')],
  osSKU: [s('os_sku')],
  osType: [s('os_type')],
  type: [s('type')],
  maxPods: [s('max_pods', 'number')],
  count: [s('node_count', 'number')],
  vmSize: [s('vm_size')],
  orchestratorVersion: [s('orchestrator_version')],
  nodeLabels: [s('node_labels')],
  vnetSubnetID: [s('vnet_subnet_id')],
  podSubnetID: [s('pod_subnet_id')],
  scaleSetPriority: [s('priority')],
  workloadRuntime: [s('workload_runtime')],
  'kubeletConfig.allowedUnsafeSysctls': [s('kubelet_config[0].allowed_unsafe_sysctls', 'list')],
  'networkProfile.applicationSecurityGroups': [s('node_network_profile[0].application_security_group_ids', 'list')],
};

const lowerKeys = <T>(m: Record<string, T>): Map<string, T> => new Map(Object.entries(m).map(([k, v]) => [k.toLowerCase(), v]));
// Rules may spell add-on keys and acronyms either way (`omsAgent`, `enableRbac`), as Azure does.
const CLUSTER_TABLE = lowerKeys(CLUSTER_MAP);
const POOL_TABLE = lowerKeys(POOL_MAP);

/** The azurerm attribute spellings that carry an ARM setting (for docs and remediation texts); empty when none does. */
export function terraformAttributesFor(path: string, scope: 'cluster' | 'pool' = 'cluster'): string[] {
  const m = scope === 'cluster' ? CLUSTER_TABLE.get(path.toLowerCase()) : POOL_TABLE.get(path.toLowerCase());
  if (Array.isArray(m)) return m.map((x) => x.attr);
  if (scope === 'cluster' && path.toLowerCase() === 'aadprofile.managed') return [AAD, AAD_V2];
  if (scope === 'pool' && path.toLowerCase() === 'nodetaints') return ['only_critical_addons_enabled', 'node_taints'];
  return [];
}

// ---------------------------------------------------------------------------------------------------
// Reading attribute paths

/** Why a value is not known offline: an ingest marker, or HCL interpolation text the ingest kept as a string. */
export function terraformUnknown(v: unknown): string | undefined {
  const why = unknownReason(v);
  if (why !== undefined) return why;
  if (typeof v === 'string' && v.includes('${')) return `${v} is a Terraform expression, known only at plan or apply time`;
  return undefined;
}

type Read =
  | { state: 'value'; value: unknown; field: string }
  | { state: 'absent'; field: string }
  | { state: 'unknown'; reason: string; field: string };

const join = (base: string, sub: string): string => (base === '' ? sub : sub === '' ? base : `${base}.${sub}`);

function steps(attr: string): Array<{ key: string; index?: number }> {
  return attr.split('.').map((part) => {
    const m = /^(.*)\[(\d+)\]$/.exec(part);
    return m ? { key: m[1] as string, index: Number(m[2]) } : { key: part };
  });
}

/**
 * Reads `attr` below `root`. A nested block is an array of objects (plan JSON, HCL as the ingest writes
 * it); a block written as a bare object is accepted for `[0]`. Null and a missing element are absent.
 */
function readAttr(root: Obj, base: string, attr: string): Read {
  const full = join(base, attr);
  let cur: unknown = root;
  let field = base;
  for (const { key, index } of steps(attr)) {
    const obj = asObj(cur);
    if (!obj || !Object.prototype.hasOwnProperty.call(obj, key)) return { state: 'absent', field: full };
    cur = obj[key];
    field = join(field, key);
    let why = terraformUnknown(cur);
    if (why !== undefined) return { state: 'unknown', reason: why, field };
    if (cur === null || cur === undefined) return { state: 'absent', field: full };
    if (index === undefined) continue;
    if (Array.isArray(cur)) {
      if (index >= cur.length) return { state: 'absent', field: full };
      cur = cur[index];
      field = `${field}[${index}]`;
      why = terraformUnknown(cur);
      if (why !== undefined) return { state: 'unknown', reason: why, field };
      if (cur === null || cur === undefined) return { state: 'absent', field: full };
    } else if (isObj(cur) && index === 0) {
      field = `${field}[0]`;
    } else {
      return { state: 'absent', field: full };
    }
  }
  return { state: 'value', value: cur, field };
}

function toBool(v: unknown): unknown {
  if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
  return v;
}

function translate(value: unknown, as: Translation): unknown {
  switch (as) {
    case 'bool':
      return toBool(value);
    case 'not': {
      const b = toBool(value);
      return typeof b === 'boolean' ? !b : b;
    }
    case 'boolString': {
      const b = toBool(value);
      return typeof b === 'boolean' ? String(b) : b;
    }
    case 'enabledDisabled': {
      const b = toBool(value);
      return typeof b === 'boolean' ? (b ? 'Enabled' : 'Disabled') : b;
    }
    case 'number':
      return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
    case 'present':
      return true;
    default:
      return value;
  }
}

/**
 * The first source spelling that is set wins. An empty list is weaker than any set value: plan JSON
 * writes `[]` for every list and block the configuration leaves out, so in azurerm 3.x both
 * `api_server_authorized_ip_ranges = []` and a filled `api_server_access_profile` can appear. A block
 * (`present`) written as `[]` is absent. A list with an unknown element is unknown as a whole: the
 * element could be the very value a rule looks for.
 */
function resolve(root: Obj, base: string, sources: readonly Source[]): Setting {
  let empty: Setting | undefined;
  for (const src of sources) {
    const r = readAttr(root, base, src.attr);
    if (r.state === 'unknown') return { value: undefined, known: false, field: r.field, reason: r.reason };
    if (r.state === 'absent') continue;
    if (Array.isArray(r.value)) {
      if (r.value.length === 0) {
        if (src.as !== 'present') empty ??= { value: [], known: true, field: r.field };
        continue;
      }
      const unknownItem = src.as === 'present' ? undefined : r.value.map(terraformUnknown).find((x) => x !== undefined);
      if (unknownItem !== undefined) return { value: undefined, known: false, field: r.field, reason: unknownItem };
    }
    return { value: translate(r.value, src.as), known: true, field: r.field };
  }
  if (empty) return empty;
  return { value: undefined, known: true, absent: true, field: join(base, sources[0]?.attr ?? '') };
}

function bareValue(root: Obj, base: string, attr: string): unknown {
  const r = readAttr(root, base, attr);
  return r.state === 'value' ? r.value : r.state === 'unknown' ? r : undefined;
}

/**
 * azurerm 4 removed `managed`: the block always means managed Entra ID integration. In 3.x `managed`
 * is read as written; a block without it is managed unless it names the legacy client/server
 * applications (the only way legacy integration could be configured).
 */
function aadManaged(root: Obj, base: string): Setting {
  for (const block of [AAD, AAD_V2]) {
    const r = readAttr(root, base, block);
    if (r.state === 'unknown') return { value: undefined, known: false, field: r.field, reason: r.reason };
    if (r.state === 'absent' || !isObj(r.value)) continue;
    const managed = readAttr(root, base, `${block}.managed`);
    if (managed.state === 'unknown') return { value: undefined, known: false, field: managed.field, reason: managed.reason };
    if (managed.state === 'value') return { value: toBool(managed.value), known: true, field: managed.field };
    const legacy = ['client_app_id', 'server_app_id'].find((k) => {
      const v = bareValue(root, base, `${block}.${k}`);
      return v !== undefined && v !== '';
    });
    if (legacy) return { value: false, known: true, field: join(r.field, legacy) };
    return { value: true, known: true, field: r.field };
  }
  return { value: undefined, known: true, absent: true, field: join(base, AAD) };
}

/**
 * `only_critical_addons_enabled` on the default pool stands for the `CriticalAddonsOnly=true:NoSchedule`
 * taint; separate pools (and azurerm 3.x default pools) list `node_taints`. The result is the ARM
 * `nodeTaints` list.
 */
function nodeTaints(root: Obj, base: string, defaultPool: boolean): Setting {
  const taints = resolve(root, base, [s('node_taints', 'list')]);
  if (!defaultPool || !taints.known) return taints;
  const critical = resolve(root, base, [s('only_critical_addons_enabled', 'bool')]);
  if (!critical.known) return critical;
  if (critical.absent) return taints.absent ? critical : taints;
  const list = Array.isArray(taints.value) ? [...(taints.value as unknown[])] : [];
  if (critical.value === true && !list.includes(CRITICAL_ADDONS_TAINT)) list.push(CRITICAL_ADDONS_TAINT);
  return { value: list, known: true, field: critical.field };
}

// ---------------------------------------------------------------------------------------------------
// Cluster and pools

function shapeOf(resource: Resource): AksShape {
  return resource.format === 'terraform-hcl' ? 'terraform-hcl' : 'terraform-plan';
}

/** The cluster's Azure name (`name` attribute) when the source knows it, else the Terraform label. */
export function terraformClusterName(resource: Resource): string {
  return terraformAzureName(resource);
}

/** Settings of one pool: `root` is the pool's attributes, `base` their path in the resource. */
function poolGetter(root: Obj, base: string, defaultPool: boolean): (path: string) => Setting {
  return (path) => {
    const key = path.toLowerCase();
    if (key === 'nodetaints') return nodeTaints(root, base, defaultPool);
    if (key === 'mode') {
      // azurerm creates the default pool in System mode; separate pools are User unless `mode` says otherwise.
      if (defaultPool) return { value: 'System', known: true, field: base };
      return resolve(root, base, [s('mode')]);
    }
    const sources = POOL_TABLE.get(key);
    if (sources) return resolve(root, base, sources);
    // No azurerm attribute sets this property (trusted launch, SSH access, ...): Azure's default applies.
    return { value: undefined, known: true, absent: true, field: base };
  };
}

/** The pool written as `default_node_pool` inside the cluster. azurerm requires it, so it is there even when unwritten. */
function defaultPool(resource: Resource): AksNodePool {
  const block = readAttr(resource.object, '', 'default_node_pool[0]');
  let name = 'default_node_pool';
  if (block.state === 'unknown') {
    const why = block.reason;
    return { name, resource, get: () => ({ value: undefined, known: false, field: block.field, reason: why }) };
  }
  const attrs = block.state === 'value' ? asObj(block.value) : undefined;
  const n = asString(attrs?.name);
  if (n && terraformUnknown(n) === undefined) name = n;
  return { name, resource, get: poolGetter(attrs ?? {}, 'default_node_pool[0]', true) };
}

/** The view of a separate `azurerm_kubernetes_cluster_node_pool` (also usable for a pool whose cluster is not in the scan). */
export function terraformNodePool(resource: Resource): AksNodePool {
  const n = asString(resource.object.name);
  const name = n && terraformUnknown(n) === undefined ? n : resource.name;
  return { name, resource, get: poolGetter(resource.object, '', false) };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A Terraform resource name as the ingest writes it: the label, preceded by the module path and
 * followed by the instance key for resources in child modules or with `count`/`for_each`
 * (`module.aks.main["blue"]`).
 */
export function terraformAddress(name: string): { module: string; label: string; key?: string } {
  const m = /^((?:module\.[\w-]+(?:\[[^\]]*\])?\.)*)([\w-]+)(\[[^\]]*\])?$/.exec(name);
  if (!m) return { module: '', label: name };
  return { module: m[1] ?? '', label: m[2] ?? name, ...(m[3] !== undefined ? { key: m[3] } : {}) };
}

/**
 * Whether a reference by label (`azurerm_kubernetes_cluster.main[1].id`) may name the instance
 * `key` of a cluster made by `count` or `for_each`: not when every index it writes is a literal
 * (`[0]`, `["blue"]`) other than the cluster's. An index Terraform computes may be any, and so may a
 * reference with no index at all (a splat).
 */
function mayNameInstance(text: string, type: string, label: string, key: string | undefined): boolean {
  if (key === undefined) return true;
  const indexes = [...text.matchAll(instanceReference(type, label))].map((m) => m[1]);
  // A plan lists the references of `TYPE.LABEL[0].id` down to the bare `TYPE.LABEL`, which then names no other instance.
  const indexed = indexes.filter((index) => index !== undefined);
  if (indexed.length === 0) return true;
  return indexed.some((index) => !LITERAL_KEY.test(index) || index === key);
}

/** An index written as a literal: a whole number or a quoted string without escapes. */
const LITERAL_KEY = /^\[(?:\d+|"[^"\\]*")\]$/;

const INSTANCE_REFERENCES = new Map<string, RegExp>();

/** `TYPE.LABEL` and the index after it, when one is written. */
function instanceReference(type: string, label: string): RegExp {
  return compiled(INSTANCE_REFERENCES, `${type}.${label}`, () => new RegExp(`${labelSource(type, label)}(\\[[^\\]]*\\])?`, 'g'));
}

/** How a reference names the cluster it points at. */
export interface ClusterIdentity {
  /** The Azure name. */
  name: string;
  /** The resource id, when known. */
  id?: string;
  /** For a Terraform cluster: its resource name as the ingest writes it (`main`, `module.aks.main`). */
  terraformName?: string;
  /** For a Terraform cluster: its plan file, or the directory of its `.tf` files (terraformUnit). */
  terraformUnit?: string;
  /** For a Terraform cluster: its resource type, `azurerm_kubernetes_cluster` unless said (`azapi_resource`). */
  terraformType?: string;
}

/**
 * Whether a reference to a cluster (a node pool's `kubernetes_cluster_id` or AzAPI `parent_id`, a diagnostic
 * setting's `target_resource_id`) names the cluster: by the reference text `azurerm_kubernetes_cluster.<label>`
 * (`azapi_resource.<label>` for an AzAPI cluster)
 * from a resource in the same module of the same plan or root module (`fromUnit`, when known; kept as a
 * string, or in an unknown marker's reason), by an output of a module that resource calls
 * (`module.aks.cluster_id`: a cluster inside that call), or by a resource id below
 * `/managedClusters/<name>`. `no` when it names another cluster or another
 * resource's id; `undecided` when it names none (a plan value known only after apply, a variable).
 */
export function refersToCluster(ref: unknown, cluster: ClusterIdentity, fromModule = '', fromUnit?: string): 'yes' | 'no' | 'undecided' {
  const text = referenceText(ref);
  if (text === undefined || text.trim() === '') return 'undecided';
  const lower = text.toLowerCase();
  if (cluster.id && (lower === cluster.id.toLowerCase() || lower.startsWith(`${cluster.id.toLowerCase()}/`))) return 'yes';
  if (cluster.terraformName !== undefined) {
    const { module, label, key } = terraformAddress(cluster.terraformName);
    const type = cluster.terraformType ?? TERRAFORM_CLUSTER_TYPE;
    const byLabel = labelReference(type, label);
    // A reference by label means the cluster of that label in the referring resource's own module.
    const sameUnit = fromUnit === undefined || cluster.terraformUnit === undefined || !comparableUnits(fromUnit, cluster.terraformUnit) || fromUnit === cluster.terraformUnit;
    if (module === fromModule && sameUnit && byLabel.test(text) && mayNameInstance(text, type, label, key)) return 'yes';
    // An output of a module the referring one calls (`module.aks.cluster_id`) names a cluster inside
    // that call. Only an HCL expression is read so: a plan's text names the resource's own address, and
    // other reasons name files.
    const expression = fromUnit?.startsWith(`${HCL}\u0000`) && text.endsWith(RESOLVED_LATER) ? text.slice(0, -RESOLVED_LATER.length) : undefined;
    const call = expression === undefined ? null : /(?<![\w.-])module\.([\w-]+)(?:\[[^\]]*\])?\./.exec(expression);
    if (call && !byLabel.test(text)) {
      const inside = module.startsWith(`${fromModule}module.${call[1]}.`) || module.startsWith(`${fromModule}module.${call[1]}[`);
      return sameUnit && inside ? 'yes' : 'no';
    }
  }
  if (idReference(cluster.name).test(lower)) return 'yes';
  // Another cluster, or another AzAPI resource (what it creates is in its type, not its name). A data source
  // (`data.azurerm_kubernetes_cluster.x`) may read a cluster another root module of the scan creates: undecided.
  if (lower.includes('/managedclusters/') || /(?<![\w.-])(?:azurerm_kubernetes_cluster|azapi_resource)\.[\w-]/.test(text)) return 'no';
  // Another resource's id (`azurerm_storage_account.logs.id`), or an id of another resource type.
  if (/(?<![\w.-])(?:azurerm|azapi)_[a-z0-9_]+\.[\w-]+(?:\[[^\]]*\])?\.id(?![\w-])/.test(text) || /^\/subscriptions\//i.test(text.trim())) return 'no';
  return 'undecided';
}

/** How the plan ingest words a value known only after apply: `ADDRESS.ATTR is known only after apply (from REFERENCES)`. */
const KNOWN_AFTER_APPLY = ' is known only after apply';

/**
 * What a reference says about the resource it names: a known value, or an unknown value's reason. Of a
 * plan's reason, only the references of the expression: the referring resource's own address (an AzAPI
 * pool's `azapi_resource.this`) names nothing it points at.
 */
function referenceText(ref: unknown): string | undefined {
  if (typeof ref === 'string') return ref;
  const why = unknownReason(ref);
  if (why === undefined) return undefined;
  const at = why.lastIndexOf(KNOWN_AFTER_APPLY);
  if (at < 0) return why;
  return /^ \(from (.*)\)$/.exec(why.slice(at + KNOWN_AFTER_APPLY.length))?.[1] ?? '';
}

// Compiled once per label or name: a scan compares every separate pool with every cluster.
const LABEL_REFERENCES = new Map<string, RegExp>();
const ID_REFERENCES = new Map<string, RegExp>();

/** A regular expression made once per key and kept, the cache emptied past 10,000 keys. */
function compiled(cache: Map<string, RegExp>, key: string, make: () => RegExp): RegExp {
  let re = cache.get(key);
  if (!re) {
    if (cache.size > 10_000) cache.clear();
    cache.set(key, (re = make()));
  }
  return re;
}

/** The source of `TYPE.LABEL` (`azurerm_kubernetes_cluster.main`), not as part of a longer name. */
function labelSource(type: string, label: string): string {
  return `(?<![\\w.-])${escapeRegExp(type)}\\.${escapeRegExp(label)}(?![\\w-])`;
}

/** `TYPE.LABEL`, not as part of a longer name. */
function labelReference(type: string, label: string): RegExp {
  return compiled(LABEL_REFERENCES, `${type}.${label}`, () => new RegExp(labelSource(type, label)));
}

/** `/managedclusters/NAME` in a lower-cased resource id. */
function idReference(name: string): RegExp {
  return compiled(ID_REFERENCES, name, () => new RegExp(`/managedclusters/${escapeRegExp(name.toLowerCase())}(?![\\w-])`));
}

function knownId(resource: Resource): string | undefined {
  const id = asString(resource.object.id);
  return id && terraformUnknown(id) === undefined ? id : undefined;
}

/** The identity references use for a cluster of any source. */
export function clusterIdentity(cluster: AksCluster): ClusterIdentity {
  const identity: ClusterIdentity = { name: cluster.name };
  const id = knownId(cluster.resource);
  if (id) identity.id = id;
  if (cluster.resource.kind === TERRAFORM_CLUSTER_TYPE || isAzapi(cluster.resource)) {
    identity.terraformName = cluster.resource.name;
    identity.terraformUnit = terraformUnit(cluster.resource);
    if (cluster.resource.kind !== TERRAFORM_CLUSTER_TYPE) identity.terraformType = AZAPI_TYPE;
  }
  return identity;
}

/**
 * The separate pools of an AzAPI cluster, each read as its source writes it: an azurerm node pool
 * through the attribute table, an AzAPI pool through its ARM body.
 */
export function linkedPools(cluster: Resource, inventory: Inventory | undefined): AksNodePool[] {
  return separatePools(cluster, inventory).map(separatePoolView);
}

function separatePoolView(p: Resource): AksNodePool {
  return p.kind === TERRAFORM_NODE_POOL_TYPE ? terraformNodePool(p) : { name: agentPoolNames(p).pool, resource: p, get: poolSettings(p) };
}

/**
 * Node pools of this cluster among the separate pool resources. A pool whose reference names no cluster
 * (a variable, a module output) belongs to the only cluster of its own module instance — in the same
 * plan, or the same root module of `.tf` files — and, when that holds none, to the only cluster of the
 * nearest module instance that calls it, else of its plan or root module, else to the only Terraform
 * cluster of the scan.
 */
function separatePools(cluster: Resource, inventory: Inventory | undefined): Resource[] {
  if (!inventory) return [];
  let assigned = POOLS_BY_CLUSTER.get(inventory);
  if (!assigned) POOLS_BY_CLUSTER.set(inventory, (assigned = assignPools(inventory)));
  return assigned.get(cluster) ?? [];
}

/** Each scan's separate pools by cluster, worked out once: every pool is compared with every cluster. */
const POOLS_BY_CLUSTER = new WeakMap<Inventory, Map<Resource, Resource[]>>();

function assignPools(inventory: Inventory): Map<Resource, Resource[]> {
  const azapiClusters = inventory.byKind(MANAGED_CLUSTER_TYPE).filter(isAzapi);
  const clusters = [...inventory.byKind(TERRAFORM_CLUSTER_TYPE), ...azapiClusters].map((c) => {
    const azurerm = c.kind === TERRAFORM_CLUSTER_TYPE;
    const target: ClusterIdentity = { name: terraformClusterName(c), terraformName: c.name, terraformUnit: terraformUnit(c), ...(azurerm ? {} : { terraformType: AZAPI_TYPE }) };
    const id = knownId(c);
    if (id) target.id = id.toLowerCase();
    return { resource: c, target, label: terraformAddress(c.name).label, type: azurerm ? TERRAFORM_CLUSTER_TYPE : AZAPI_TYPE };
  });
  const out = new Map<Resource, Resource[]>();
  // azurerm pools name their cluster in `kubernetes_cluster_id`, AzAPI pools in `parent_id`; either may belong to either cluster.
  const pools = [...inventory.byKind(TERRAFORM_NODE_POOL_TYPE), ...inventory.byKind(AGENT_POOL_TYPE).filter(isAzapi)];
  for (const p of pools) {
    const ref = p.kind === TERRAFORM_NODE_POOL_TYPE ? p.object.kubernetes_cluster_id : p.object.parent_id;
    const text = referenceText(ref);
    const fromModule = terraformAddress(p.name).module;
    const fromUnit = terraformUnit(p);
    const skip = certainlyOthers(text);
    let candidates: Resource[] | undefined;
    for (const c of clusters) {
      // Most pools name their cluster by label: the clusters of other labels are certainly not theirs.
      if (skip && PLAIN_LABEL.test(c.label) && !skip.labels.get(c.type)?.has(c.label) && !(c.target.id && skip.lower.startsWith(c.target.id))) continue;
      const verdict = refersToCluster(ref, c.target, fromModule, fromUnit);
      let mine = verdict === 'yes';
      if (verdict === 'undecided') {
        candidates ??= poolCandidates(p, clusters.map((x) => x.resource));
        mine = candidates.length === 1 && candidates[0] === c.resource;
      }
      if (mine) out.set(c.resource, [...(out.get(c.resource) ?? []), p]);
    }
  }
  return out;
}

/**
 * For a reference naming clusters by label only (`azurerm_kubernetes_cluster.main.id`,
 * `azapi_resource.this.id`; no module output, no resource id): those labels, by resource type.
 * refersToCluster says `no` for a cluster of any other label (without the same id), so the pair need not
 * be compared.
 */
function certainlyOthers(text: string | undefined): { labels: ReadonlyMap<string, ReadonlySet<string>>; lower: string } | undefined {
  if (text === undefined) return undefined;
  const lower = text.toLowerCase();
  if (text.includes('module.') || lower.includes('/managedclusters/')) return undefined;
  const labels = new Map<string, Set<string>>();
  let found = 0;
  for (const m of text.matchAll(LABEL_REFERENCE)) {
    const type = m[1] as string;
    labels.set(type, (labels.get(type) ?? new Set()).add(m[2] as string));
    found++;
  }
  // Every reference read whole, or none: a label of letters beyond ASCII is not cut short, and a data source is compared in full.
  const written = text.split(`${TERRAFORM_CLUSTER_TYPE}.`).length - 1 + (text.split(`${AZAPI_TYPE}.`).length - 1);
  if (found === 0 || found !== written) return undefined;
  return { labels, lower };
}

/** `azurerm_kubernetes_cluster.LABEL` or `azapi_resource.LABEL` with a label of ASCII word characters, not followed by more of a name. */
const LABEL_REFERENCE = /(?<![\w.-])(azurerm_kubernetes_cluster|azapi_resource)\.([\w-]+)(?![\w-]|[\u0080-\uffff])/g;
/** A label the pre-filter can compare: anything else (an instance key with `]`, letters beyond ASCII) is always compared in full. */
const PLAIN_LABEL = /^[\w-]+$/;

/**
 * The clusters a pool whose reference names none may belong to: its module instance's, else those of
 * the nearest module instance that calls it (a cluster module calling a pool module with its id, as the
 * Azure Verified Module does), else its plan's or root module's, else all.
 */
function poolCandidates(p: Resource, clusters: readonly Resource[]): Resource[] {
  const unit = configurationUnit(p);
  const sameRoot = clusters.filter((c) => configurationUnit(c) === unit && c.format === p.format);
  const poolModule = terraformAddress(p.name).module;
  let nearest: Resource[] = [];
  let depth = -1;
  for (const c of sameRoot) {
    const module = terraformAddress(c.name).module;
    if (!poolModule.startsWith(module)) continue;
    if (module.length > depth) {
      nearest = [c];
      depth = module.length;
    } else if (module.length === depth) nearest.push(c);
  }
  // The root module (`''`) encloses every module: for a pool in a module, it is the plan's or root module's turn below.
  if (nearest.length > 0 && (depth > 0 || poolModule === '')) return nearest;
  return sameRoot.length > 0 ? sameRoot : [...clusters];
}

/**
 * Where a Terraform resource's references by label resolve, with its format: a plan and the `.tf`
 * files it was made from are two readings of one configuration, whose units are not compared.
 */
export function terraformUnit(r: Resource): string {
  return `${r.format ?? ''}\u0000${configurationUnit(r)}`;
}

function comparableUnits(a: string, b: string): boolean {
  return a.slice(0, a.indexOf('\u0000')) === b.slice(0, b.indexOf('\u0000'));
}

const HCL = 'terraform-hcl';
/** How the HCL ingest ends the reason of an expression it leaves to Terraform. */
const RESOLVED_LATER = ' is resolved by Terraform';

/**
 * A plan is one file; a Terraform configuration in HCL is the directory of its root module's `.tf`
 * files, which the resources of the modules it calls are part of (`origin`), named as the ingest
 * names directories (`.` for a file given without one).
 */
function configurationUnit(r: Resource): string {
  if (r.format !== HCL) return r.source.file;
  if (r.origin) return r.origin.root;
  const at = Math.max(r.source.file.lastIndexOf('/'), r.source.file.lastIndexOf('\\'));
  return at < 0 ? '.' : at === 0 ? r.source.file.charAt(0) : r.source.file.slice(0, at);
}

/**
 * The cluster view of an `azurerm_kubernetes_cluster` (plan values or HCL): ARM settings read through
 * the mapping table, values in ARM terms, `field` in Terraform attribute paths.
 */
export function terraformCluster(resource: Resource, inventory?: Inventory): AksCluster {
  const root = resource.object;
  /**
   * A profile asked for as a whole (`aadProfile`): present when any setting below it is written,
   * unknown when one is unknown, absent otherwise — as the profile object is in ARM JSON.
   */
  const container = (path: string): Setting => {
    const prefix = `${path.toLowerCase()}.`;
    const below = [...CLUSTER_TABLE.keys()].filter((k) => k.startsWith(prefix)).map((k) => get(k));
    const present = below.find((b) => b.known && !b.absent);
    if (present) return { value: {}, known: true, field: present.field.replace(/\.[^.[]+$/, '') };
    const unknown = below.find((b) => !b.known);
    if (unknown) return unknown;
    return { value: undefined, known: true, absent: true, field: '' };
  };
  const get = (path: string): Setting => {
    const m = CLUSTER_TABLE.get(path.toLowerCase());
    if (!m) return container(path);
    return typeof m === 'function' ? m(root, '') : resolve(root, '', m);
  };
  const nodePools = [defaultPool(resource), ...separatePools(resource, inventory).map(separatePoolView)];
  return { resource, name: terraformClusterName(resource), shape: shapeOf(resource), get, nodePools };
}
