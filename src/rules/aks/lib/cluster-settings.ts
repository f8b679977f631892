import {
  AGENT_POOL_TYPE,
  agentPoolNames,
  aksClusterOf,
  aksVerify,
  azPoolPath,
  CLUSTER_KINDS,
  poolSettings,
  TERRAFORM_NODE_POOL_TYPE,
  terraformNodePool,
  type AksCluster,
  type AksNodePool,
  type Setting,
} from '../../../analyses/aks/index.js';
import type { Inventory } from '../../../core/inventory.js';
import { asString, type Resource } from '../../../core/resource.js';
import type { RuleContext } from '../../../core/rule.js';

/** Resource kinds that describe one node pool on its own (an ARM child resource, a Terraform node pool). */
export const POOL_KINDS: readonly string[] = [AGENT_POOL_TYPE, TERRAFORM_NODE_POOL_TYPE];

/** Pool rules run on clusters (pools written inside them) and on separate pool resources (reported there). */
export const POOL_RULE_KINDS: readonly string[] = [...CLUSTER_KINDS, ...POOL_KINDS];

/** Azure booleans: JSON booleans, or the strings "true"/"false" (add-on config values, some templates). */
export function flag(s: Setting): boolean | undefined {
  if (typeof s.value === 'boolean') return s.value;
  if (typeof s.value === 'string') {
    const v = s.value.trim().toLowerCase();
    if (v === 'true') return true;
    if (v === 'false') return false;
  }
  return undefined;
}

/** A string setting (enum values compare case-insensitively in Azure). */
export function text(s: Setting): string | undefined {
  return typeof s.value === 'string' ? s.value : undefined;
}

/** What `evidence.observed` shows: the value as written, or that the source leaves it to the service default. */
export function observed(s: Setting, serviceDefault: unknown): unknown {
  return s.absent ? { notSet: true, serviceDefault } : s.value;
}

/** One node pool to check, with the words and command findings about it use. */
export interface PoolTarget {
  pool: AksNodePool;
  /** The cluster view, when the scan has the cluster; undefined for a pool resource scanned alone. */
  cluster?: AksCluster;
  /** Whether the pool is written inside the cluster resource (the cluster's own agent pool profiles). */
  inCluster: boolean;
  /** Position among the pools written inside the cluster resource (-1 for separate pool resources). */
  index: number;
  /** `node pool system of cluster aks1`. */
  label: string;
  /** Verify command for a pool setting, given its `az aks show` (az CLI) spelling. */
  verify(cliPath: string): string;
}

function poolTarget(cluster: AksCluster, pool: AksNodePool, index: number): PoolTarget {
  return {
    pool,
    cluster,
    inCluster: pool.resource === cluster.resource,
    index,
    label: `node pool ${pool.name} of cluster ${cluster.name}`,
    verify: (cliPath) => aksVerify(cluster, `"agentPoolProfiles[?name=='${pool.name}'].${cliPath}"`),
  };
}

/** A pool resource whose cluster is not in the scan: named from its `cluster/pool` name, its id below the cluster or its AzAPI parent. */
function standalonePool(resource: Resource): PoolTarget {
  const id = asString(resource.object.id) ?? '';
  const group = /\/resourcegroups\/([^/]+)/i.exec(id)?.[1] ?? asString(resource.object.resource_group_name) ?? /\/resourcegroups\/([^/]+)/i.exec(asString(resource.object.parent_id) ?? '')?.[1] ?? '<resource-group>';
  let pool: AksNodePool;
  let clusterName: string;
  if (resource.kind === TERRAFORM_NODE_POOL_TYPE) {
    pool = terraformNodePool(resource);
    clusterName = /\/managedclusters\/([^/]+)\/agentpools\//i.exec(id)?.[1] ?? '<cluster>';
  } else {
    const names = agentPoolNames(resource);
    clusterName = names.cluster ?? '<cluster>';
    pool = { name: names.pool, resource, get: poolSettings(resource) };
  }
  return {
    pool,
    inCluster: false,
    index: -1,
    label: `node pool ${pool.name} of cluster ${clusterName}`,
    verify: (cliPath) => `az aks nodepool show --resource-group ${group} --cluster-name ${clusterName} --name ${pool.name} --query ${azPoolPath(cliPath)}`,
  };
}

/**
 * The node pools a pool rule checks on this resource: on a cluster, the pools written inside it; on a
 * separate pool resource, that pool (found through its cluster when the scan has it). Each pool is so
 * checked once, and findings land on the resource that writes the setting.
 */
export function poolsToCheck(resource: Resource, inventory: Inventory): PoolTarget[] {
  return allPools(resource, inventory).filter((t) => !providerManaged(t.pool));
}

function allPools(resource: Resource, inventory: Inventory): PoolTarget[] {
  if (CLUSTER_KINDS.includes(resource.kind)) {
    const cluster = aksClusterOf(resource, inventory);
    if (!cluster) return [];
    let index = 0;
    const out: PoolTarget[] = [];
    for (const pool of cluster.nodePools) if (pool.resource === resource) out.push(poolTarget(cluster, pool, index++));
    return out;
  }
  if (!POOL_KINDS.includes(resource.kind)) return [];
  const owner = poolOwners(inventory).get(resource);
  return [owner ? poolTarget(owner.cluster, owner.pool, -1) : standalonePool(resource)];
}

/** Each scan's separate pool resources with the first cluster that has them, found once: every pool rule asks for each pool. */
const OWNERS = new WeakMap<Inventory, Map<Resource, { cluster: AksCluster; pool: AksNodePool }>>();

function poolOwners(inventory: Inventory): Map<Resource, { cluster: AksCluster; pool: AksNodePool }> {
  let owners = OWNERS.get(inventory);
  if (owners) return owners;
  owners = new Map();
  for (const kind of CLUSTER_KINDS) {
    for (const r of inventory.byKind(kind)) {
      const cluster = aksClusterOf(r, inventory);
      for (const pool of cluster?.nodePools ?? []) if (cluster && pool.resource !== r && !owners.has(pool.resource)) owners.set(pool.resource, { cluster, pool });
    }
  }
  OWNERS.set(inventory, owners);
  return owners;
}

/**
 * A managed system node pool (mode ManagedSystem, AKS Automatic): its VMs run in AKS's own subscription and
 * AKS alone configures, scales and upgrades them, so none of its settings is the user's to change; the
 * cluster's API reports them null. Pool rules leave it out.
 */
export function providerManaged(pool: AksNodePool): boolean {
  const mode = pool.get('mode');
  return mode.known && text(mode)?.trim().toLowerCase() === 'managedsystem';
}

/** Whether the cluster is AKS Automatic (`sku.name: Automatic`). */
export function isAutomatic(cluster: AksCluster): boolean {
  const sku = rootSetting(cluster, 'sku.name');
  return sku.known && text(sku)?.trim().toLowerCase() === 'automatic';
}

/** Whether an OS-type setting says Windows (the pools some node settings do not apply to). */
export function isWindows(pool: AksNodePool): boolean {
  const os = pool.get('osType');
  return os.known && text(os)?.trim().toLowerCase() === 'windows';
}

/** The cluster view of the resource a cluster rule runs on. */
export function clusterOf(ctx: RuleContext): AksCluster | undefined {
  return aksClusterOf(ctx.resource, ctx.inventory);
}

/**
 * A setting at the resource root, beside `properties` (`sku.tier`): `@sku.tier` in the settings vocabulary,
 * read through the cluster view so that what AKS presets (an Automatic cluster's tier) applies.
 */
export function rootSetting(cluster: AksCluster, path: string): Setting {
  return cluster.get(`@${path}`);
}

/**
 * The `az aks show --query` path of a cluster setting, spelled as the input spells it
 * (`addonProfiles.omsAgent.enabled` where the input has `omsAgent`): JMESPath keys are case-sensitive and
 * add-on keys keep the spelling the cluster was created with. Terraform input has no such key: `canonical`.
 */
export function queryPathOf(cluster: AksCluster, s: Setting, canonical: string): string {
  if (cluster.shape === 'terraform-plan' || cluster.shape === 'terraform-hcl') return canonical;
  const path = cluster.shape === 'az-cli' ? s.field : s.field.replace(/^properties\./i, '');
  // A key the field path had to quote (a dot in it) would need JMESPath quoting too.
  if (path === '' || /["[\]]/.test(path)) return canonical;
  // An unknown value higher up (`addonProfiles` itself) ends the field there: the rest as the rule names it.
  const have = path.split('.');
  const want = canonical.split('.');
  return have.length >= want.length ? path : [...have, ...want.slice(have.length)].join('.');
}

/**
 * The `az aks show --query` path of the object a setting belongs to (`addonProfiles.azureKeyVaultSecretsProvider`
 * for its `enabled`), spelled as the input spells it: `queryPathOf` without the last key.
 */
export function queryParentOf(cluster: AksCluster, s: Setting, canonical: string): string {
  return queryPathOf(cluster, s, canonical).replace(/\.[^.]+$/, '');
}

/** The field of a finding: the setting's path, or none when the source has no place for it. */
export function fieldOf(s: Setting): string | undefined {
  return s.field === '' ? undefined : s.field;
}

/** Reports that a setting's value cannot be decided offline, as an `info` finding that says why. */
export function reportUnknown(ctx: RuleContext, subject: string, s: Setting, expected: unknown, verify: string): void {
  ctx.report({
    field: fieldOf(s),
    severity: 'info',
    message: `${subject}: ${s.field || 'the setting'} cannot be decided from the source (${s.reason ?? 'value not known before deployment'})`,
    evidence: { observed: 'unknown', expected, reason: s.reason },
    verify,
  });
}
