import type { Inventory } from '../../core/inventory.js';
import { asString, type Resource } from '../../core/resource.js';
import { isAzapi, jsonCluster, MANAGED_CLUSTER_TYPE } from './json-cluster.js';
import type { AksCluster } from './model.js';
import { linkedPools, TERRAFORM_CLUSTER_TYPE, terraformCluster, terraformUnknown } from './terraform-cluster.js';

export { AGENT_POOL_TYPE, MANAGED_CLUSTER_TYPE, UNKNOWN_KEY, agentPoolNames, azPoolPath, isAzapi, poolSettings, readSetting, unknownReason } from './json-cluster.js';
export type { AksCluster, AksNodePool, AksShape, DiagnosticSetting, Setting } from './model.js';
export {
  CRITICAL_ADDONS_TAINT,
  TERRAFORM_CLUSTER_TYPE,
  TERRAFORM_NODE_POOL_TYPE,
  clusterIdentity,
  refersToCluster,
  terraformAddress,
  terraformAttributesFor,
  terraformCluster,
  terraformNodePool,
} from './terraform-cluster.js';
export type { ClusterIdentity } from './terraform-cluster.js';
export { AKS_LOG_CATEGORIES, DIAGNOSTIC_SETTING_KINDS, diagnosticSettingsFor } from './diagnostics.js';
export type { DiagnosticLog, DiagnosticSettingView } from './diagnostics.js';

/** Resource kinds that describe an AKS cluster, whatever the source. */
export const CLUSTER_KINDS: readonly string[] = [MANAGED_CLUSTER_TYPE, TERRAFORM_CLUSTER_TYPE];

// Built once per resource: every aks rule asks for the same view.
const VIEWS = new WeakMap<Resource, AksCluster>();

/** The cluster view of a resource, or undefined when the resource is not an AKS cluster. */
export function aksClusterOf(resource: Resource, inventory?: Inventory): AksCluster | undefined {
  const known = VIEWS.get(resource);
  if (known) return known;
  let view: AksCluster | undefined;
  // An AzAPI cluster's separate pools name it through Terraform references (`parent_id`).
  if (resource.kind === MANAGED_CLUSTER_TYPE) view = jsonCluster(resource, inventory, isAzapi(resource) ? linkedPools(resource, inventory) : []);
  else if (resource.kind === TERRAFORM_CLUSTER_TYPE) view = terraformCluster(resource, inventory);
  if (view) VIEWS.set(resource, view);
  return view;
}

/** The cluster's resource group as the source names it, or `<resource-group>` for the reader to fill in. */
export function resourceGroupOf(cluster: AksCluster): string {
  const id = asString(cluster.resource.object.id) ?? '';
  // Terraform names the group in `resource_group_name`, AzAPI in `parent_id`; a cluster not yet applied has no id.
  const tfGroup = asString(cluster.resource.object.resource_group_name);
  const parent = asString(cluster.resource.object.parent_id) ?? '';
  const group = /\/resourcegroups\/([^/]+)/i;
  return group.exec(id)?.[1] ?? (tfGroup && terraformUnknown(tfGroup) === undefined ? tfGroup : undefined) ?? group.exec(parent)?.[1] ?? '<resource-group>';
}

/** `az aks show --query` for a setting: the command that shows the live value. */
export function aksVerify(cluster: AksCluster, path: string): string {
  return `az aks show --resource-group ${resourceGroupOf(cluster)} --name ${cluster.name} --query ${path}`;
}
