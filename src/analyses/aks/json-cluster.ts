import { escapeKey } from '../../core/field-path.js';
import type { Inventory } from '../../core/inventory.js';
import { asArray, asObj, asString, isObj, type Obj, type Resource } from '../../core/resource.js';
import { UNKNOWN_KEY } from '../../core/unknown.js';
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
 * Where the source does not have the property, `spell` gives the name it would have there.
 */
export function readSetting(root: Obj, rootField: string, path: string, spell: (key: string) => string = (k) => k): Setting {
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

function shapeOf(resource: Resource): AksShape {
  if (resource.format === 'arm-template' || resource.format === 'az-cli') return resource.format;
  return child(resource.object, 'properties') ? 'arm-rest' : 'az-cli';
}

/** Properties of a REST or template object sit under `properties`; `az aks show` flattens them. */
function propertiesOf(resource: Resource, shape: AksShape): { root: Obj; field: string } {
  if (shape === 'az-cli') return { root: resource.object, field: '' };
  const props = child(resource.object, 'properties');
  return { root: asObj(props?.[1]) ?? {}, field: props ? props[0] : 'properties' };
}

function clusterNameOf(resource: Resource): string {
  return resource.name;
}

/** Separate agent-pool resources that belong to the cluster: `cluster/pool` names or ids below the cluster. */
function separatePools(cluster: Resource, inventory: Inventory | undefined): Resource[] {
  if (!inventory) return [];
  const name = clusterNameOf(cluster).toLowerCase();
  return inventory.byKind(AGENT_POOL_TYPE).filter((p) => {
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

/** The cluster view of a REST body, an `az aks show` document or an evaluated template resource. */
export function jsonCluster(resource: Resource, inventory?: Inventory): AksCluster {
  const shape = shapeOf(resource);
  const { root, field } = propertiesOf(resource, shape);
  // What `az aks show` leaves out is named as the CLI would print it.
  const spell = shape === 'az-cli' ? cliSpelling : undefined;
  const pools: AksNodePool[] = [];
  const separate = separatePools(resource, inventory).map((p) => ({ p, name: p.name.split('/').pop() ?? p.name }));
  // `az aks show` and a GET of the cluster repeat every pool in agentPoolProfiles; scanned beside the pool
  // list (`az aks nodepool list`, GET .../agentPools), each pool is read once, from its own document.
  const listed = new Set(separate.map(({ name }) => name.toLowerCase()));
  const profiles = child(root, 'agentPoolProfiles');
  asArray(profiles?.[1]).forEach((raw, i) => {
    const profile = asObj(raw);
    if (!profile) return;
    const name = asString(profile.name) ?? `#${i}`;
    if (listed.has(name.toLowerCase())) return;
    const base = `${field ? `${field}.` : ''}${profiles?.[0] ?? 'agentPoolProfiles'}[${i}]`;
    pools.push({ name, resource, get: (path) => readSetting(profile, base, path, spell) });
  });
  for (const { p, name } of separate) {
    pools.push({ name, resource: p, get: poolSettings(p) });
  }
  const sku = readSetting(resource.object, '', 'sku.name');
  const automatic = sku.known && typeof sku.value === 'string' && sku.value.toLowerCase() === 'automatic';
  // `@sku.tier`: a property of the resource itself, outside `properties`.
  const get = (path: string): Setting => {
    const s = path.startsWith('@') ? readSetting(resource.object, '', path.slice(1), spell) : readSetting(root, field, path, spell);
    if (!automatic || !s.known || !s.absent) return s;
    const preset = AUTOMATIC_PRESETS.get(path.toLowerCase());
    return preset === undefined ? s : { value: preset, known: true, field: s.field };
  };
  return { resource, name: clusterNameOf(resource), shape, get, nodePools: pools };
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
