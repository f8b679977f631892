import { escapeKey } from '../../core/field-path.js';
import type { Inventory } from '../../core/inventory.js';
import { asArray, asObj, asString, isObj, type Obj, type Resource } from '../../core/resource.js';
import { UNKNOWN_KEY, unknownMarker } from '../../core/unknown.js';
import type { AksCluster, AksNodePool, AksShape, Setting } from './model.js';

export { UNKNOWN_KEY };

export const MANAGED_CLUSTER_TYPE = 'Microsoft.ContainerService/managedClusters';
export const AGENT_POOL_TYPE = 'Microsoft.ContainerService/managedClusters/agentPools';

export function unknownReason(v: unknown): string | undefined {
  return isObj(v) && typeof v[UNKNOWN_KEY] === 'string' ? (v[UNKNOWN_KEY] as string) : undefined;
}

/** Azure treats property names case-insensitively (`omsagent`/`omsAgent`, `enableRBAC`/`enableRbac`). */
function child(obj: Obj, key: string): [string, unknown] | undefined {
  if (Object.prototype.hasOwnProperty.call(obj, key)) return [key, obj[key]];
  const lower = key.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return [k, obj[k]];
  return undefined;
}

/**
 * How the az CLI spells a property (its Python SDK's names, camel-cased): acronyms as words,
 * `diskEncryptionSetID` → `diskEncryptionSetId`, `authorizedIPRanges` → `authorizedIpRanges`.
 */
export function cliSpelling(key: string): string {
  return key.replace(/([A-Z])([A-Z]+)(?=[A-Z][a-z]|[^A-Za-z]|$)/g, (_, head: string, rest: string) => head + rest.toLowerCase());
}

/**
 * Reads `path` (dot-separated, canonical spelling) below `root`, reporting the source's own spelling in `field`.
 * Where the source does not have the property, `spell` gives the name it would have there. A `root` that is
 * itself unknown (an AzAPI body left to Terraform) makes every setting below it unknown.
 */
export function readSetting(root: unknown, rootField: string, path: string, spell: (key: string) => string = (k) => k): Setting {
  let cur: unknown = root;
  let field = rootField;
  const parts = path.split('.');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const why = unknownReason(cur);
    if (why !== undefined) return { value: undefined, known: false, field, reason: why };
    const obj = asObj(cur);
    const found = obj ? child(obj, part) : undefined;
    if (!found) {
      const rest = parts.slice(i).map((p) => escapeKey(spell(p))).join('.');
      return { value: undefined, known: true, absent: true, field: field ? `${field}.${rest}` : rest };
    }
    field = field ? `${field}.${escapeKey(found[0])}` : escapeKey(found[0]);
    cur = found[1];
  }
  const why = unknownReason(cur);
  if (why !== undefined) return { value: undefined, known: false, field, reason: why };
  // null in `az aks show` output means "not set".
  if (cur === null) return { value: undefined, known: true, absent: true, field };
  return { value: cur, known: true, field };
}

/**
 * An ARM resource (a cluster, pool or diagnostic setting) written as an AzAPI resource in Terraform (a plan,
 * or `.tf` files): its attributes are Terraform's (`name`, `parent_id`, `body`) and the ARM resource is the `body`.
 */
export function isAzapi(resource: Resource): boolean {
  return (resource.format === 'terraform-plan' || resource.format === 'terraform-hcl') && resource.kind.startsWith('Microsoft.');
}

function shapeOf(resource: Resource): AksShape {
  if (resource.format === 'arm-template' || resource.format === 'az-cli' || resource.format === 'terraform-plan' || resource.format === 'terraform-hcl') return resource.format;
  return child(resource.object, 'properties') ? 'arm-rest' : 'az-cli';
}

/** The ARM resource itself (beside `properties`: `sku`, `identity`): an AzAPI resource's `body`, else the object. */
function armRoot(resource: Resource): { root: unknown; field: string } {
  if (!isAzapi(resource)) return { root: resource.object, field: '' };
  const body = child(resource.object, 'body')?.[1];
  // A body that is neither an object nor left out (a string the ingest could not decode) says nothing readable.
  if (body !== undefined && body !== null && !isObj(body)) return { root: unknownMarker('the AzAPI body is not a JSON object'), field: 'body' };
  return { root: body ?? {}, field: 'body' };
}

/** Properties of a REST, template or AzAPI object sit under `properties`; `az aks show` flattens them. */
function propertiesOf(resource: Resource, shape: AksShape): { root: unknown; field: string } {
  if (shape === 'az-cli') return { root: resource.object, field: '' };
  const top = armRoot(resource);
  const obj = asObj(top.root);
  // A body left to Terraform: every property is as unknown as it.
  if (!obj || unknownReason(obj) !== undefined) return top;
  const props = child(obj, 'properties');
  const name = props ? props[0] : 'properties';
  return { root: props?.[1] ?? {}, field: top.field ? `${top.field}.${escapeKey(name)}` : name };
}

/**
 * A Terraform resource's Azure name (its `name` attribute) when the source knows it, else its Terraform
 * name: interpolation text kept as written (`${...}`) is not known.
 */
export function terraformAzureName(resource: Resource): string {
  const name = resource.object.name;
  return typeof name === 'string' && name !== '' && !name.includes('${') ? name : resource.name;
}

/** The Azure name of a resource: an AzAPI resource's `name` attribute (terraformAzureName), else the name itself. */
function azureName(resource: Resource): string {
  return isAzapi(resource) ? terraformAzureName(resource) : resource.name;
}

/**
 * A separate agent pool's own name and its cluster's, as far as the resource says: a `cluster/pool` name
 * (templates), an id below the cluster, or an AzAPI pool's `name` and `parent_id`.
 */
export function agentPoolNames(resource: Resource): { pool: string; cluster?: string } {
  const id = asString(resource.object.id) ?? '';
  const byId = /\/managedclusters\/([^/]+)\/agentpools\/([^/]+)/i.exec(id);
  if (isAzapi(resource)) {
    const parent = asString(resource.object.parent_id) ?? '';
    const cluster = byId?.[1] ?? /\/managedclusters\/([^/]+)\/?$/i.exec(parent)?.[1];
    return { pool: azureName(resource), ...(cluster !== undefined ? { cluster } : {}) };
  }
  const parts = resource.name.split('/');
  const cluster = byId?.[1] ?? (parts.length > 1 ? parts[0] : undefined);
  return { pool: byId?.[2] ?? (parts[parts.length - 1] as string), ...(cluster !== undefined ? { cluster } : {}) };
}

/**
 * Separate agent-pool resources that belong to the cluster: `cluster/pool` names or ids below the cluster.
 * An AzAPI pool is Terraform's to link (`parent_id`), and is not linked here.
 */
function separatePools(cluster: Resource, inventory: Inventory | undefined): Resource[] {
  if (!inventory) return [];
  const name = azureName(cluster).toLowerCase();
  return inventory.byKind(AGENT_POOL_TYPE).filter((p) => {
    if (isAzapi(p)) return false;
    const id = (asString(p.object.id) ?? '').toLowerCase();
    return p.name.toLowerCase().startsWith(`${name}/`) || id.includes(`/managedclusters/${name}/agentpools/`);
  });
}

/** Reads the settings of a separate agent-pool resource: a REST body or template resource, or an `az aks nodepool list` item. */
export function poolSettings(pool: Resource): (path: string) => Setting {
  const shape = shapeOf(pool);
  const { root, field } = propertiesOf(pool, shape);
  if (shape !== 'az-cli') return (path) => readSetting(root, field, path);
  return (path) => readSetting(root, field, azPoolPath(path), cliSpelling);
}

/**
 * A pool setting as the az CLI spells it for a pool on its own (`az aks nodepool list/show`): flattened beside
 * the resource's own `type` (Microsoft.ContainerService/managedClusters/agentPools), the pool's type is
 * `typePropertiesType`. Inside `az aks show`'s agentPoolProfiles it stays `type`.
 */
export function azPoolPath(path: string): string {
  return path.toLowerCase() === 'type' ? 'typePropertiesType' : path;
}

/**
 * The cluster view of a REST body, an `az aks show` document, an evaluated template resource or an AzAPI
 * resource. `linked` are separate pools found otherwise (an AzAPI cluster's, through Terraform references).
 */
export function jsonCluster(resource: Resource, inventory?: Inventory, linked: readonly AksNodePool[] = []): AksCluster {
  const shape = shapeOf(resource);
  const { root, field } = propertiesOf(resource, shape);
  const top = armRoot(resource);
  // What `az aks show` leaves out is named as the CLI would print it.
  const spell = shape === 'az-cli' ? cliSpelling : undefined;
  const pools: AksNodePool[] = [];
  const separate = [...separatePools(resource, inventory).map((p) => ({ name: agentPoolNames(p).pool, resource: p, get: poolSettings(p) })), ...linked];
  // `az aks show` and a GET of the cluster repeat every pool in agentPoolProfiles; scanned beside the pool
  // list (`az aks nodepool list`, GET .../agentPools), each pool is read once, from its own document.
  const listed = new Set(separate.map(({ name }) => name.toLowerCase()));
  const profiles = isObj(root) ? child(root, 'agentPoolProfiles') : undefined;
  asArray(profiles?.[1]).forEach((raw, i) => {
    const profile = asObj(raw);
    if (!profile) return;
    const name = asString(profile.name) ?? `#${i}`;
    if (listed.has(name.toLowerCase())) return;
    const base = `${field ? `${field}.` : ''}${profiles?.[0] ?? 'agentPoolProfiles'}[${i}]`;
    pools.push({ name, resource, get: (path) => readSetting(profile, base, path, spell) });
  });
  pools.push(...separate);
  const sku = readSetting(top.root, top.field, 'sku.name');
  const automatic = sku.known && typeof sku.value === 'string' && sku.value.toLowerCase() === 'automatic';
  // `@sku.tier`: a property of the resource itself, outside `properties`.
  const get = (path: string): Setting => {
    const s = path.startsWith('@') ? readSetting(top.root, top.field, path.slice(1), spell) : readSetting(root, field, path, spell);
    if (!s.known || !s.absent) return s;
    const preset = AUTOMATIC_PRESETS.get(path.toLowerCase());
    if (preset === undefined) return s;
    // An SKU only a deployment decides may be Automatic: what AKS presets for it is as unknown as the SKU.
    if (!sku.known) return { value: undefined, known: false, field: s.field, reason: `the cluster may be AKS Automatic, which presets it, and its SKU is not known (${sku.reason ?? 'sku.name'})` };
    if (!automatic) return s;
    if (path.toLowerCase() === 'networkprofile.outboundtype' && mayBeInCustomVnet(root, pools)) {
      return { value: undefined, known: false, field: s.field, reason: 'an AKS Automatic cluster in a virtual network of the user\'s (or pools not known here) gets the outbound type AKS picks for it, not the managed NAT gateway of the virtual network AKS manages' };
    }
    return { value: preset, known: true, field: s.field };
  };
  return { resource, name: azureName(resource), shape, get, nodePools: pools };
}

/** Where a cluster names a subnet of the user's virtual network: the API server's, the hosted system pool's, each pool's. */
const SUBNET_SETTINGS = ['apiServerAccessProfile.subnetId', 'hostedSystemProfile.nodeSubnetID', 'hostedSystemProfile.systemNodeSubnetID'];

/**
 * Whether the cluster may be created in a virtual network of the user's: a subnet of it is written (a value
 * only a deployment decides names a subnet all the same), or the pools are not known.
 */
function mayBeInCustomVnet(properties: unknown, pools: readonly AksNodePool[]): boolean {
  const written = (s: Setting): boolean => !s.known || (!s.absent && s.value !== null && s.value !== '');
  if (SUBNET_SETTINGS.some((path) => written(readSetting(properties, '', path)))) return true;
  if (!readSetting(properties, '', 'agentPoolProfiles').known) return true;
  return pools.some((p) => written(p.get('vnetSubnetID')));
}

/**
 * What an AKS Automatic cluster (`sku.name: Automatic`) has without a template saying so: AKS turns these on
 * at creation and does not let them be turned off, so a template that leaves them out gets them, not the
 * plain AKS defaults. The auto-upgrade channels are some channel other than none, whichever AKS picks; nodes
 * beyond the system pool come from node auto-provisioning.
 * Settings at the resource root (outside `properties`) are keyed with `@`: Automatic runs on the Standard
 * tier, which AKS sets.
 */
const AUTOMATIC_PRESETS: ReadonlyMap<string, unknown> = new Map(
  Object.entries({
    '@sku.tier': 'Standard',
    'networkProfile.networkPlugin': 'azure',
    'networkProfile.networkPluginMode': 'overlay',
    'networkProfile.networkDataplane': 'cilium',
    'networkProfile.networkPolicy': 'cilium',
    'networkProfile.outboundType': 'managedNATGateway',
    disableLocalAccounts: true,
    aadProfile: { managed: true, enableAzureRBAC: true },
    'aadProfile.managed': true,
    'aadProfile.enableAzureRBAC': true,
    'securityProfile.workloadIdentity.enabled': true,
    'oidcIssuerProfile.enabled': true,
    'securityProfile.imageCleaner.enabled': true,
    'addonProfiles.azurepolicy.enabled': true,
    'autoUpgradeProfile.upgradeChannel': 'stable',
    'autoUpgradeProfile.nodeOSUpgradeChannel': 'NodeImage',
    'nodeProvisioningProfile.mode': 'Auto',
  }).map(([k, v]) => [k.toLowerCase(), v]),
);
