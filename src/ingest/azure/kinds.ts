import type { InputNote } from '../../core/errors.js';
import type { Resource } from '../../core/resource.js';

export const MANAGED_CLUSTER_KIND = 'Microsoft.ContainerService/managedClusters';
export const AGENT_POOL_KIND = 'Microsoft.ContainerService/managedClusters/agentPools';
export const DIAGNOSTIC_SETTING_KIND = 'Microsoft.Insights/diagnosticSettings';
/**
 * The answer to listing a cluster's diagnostic settings, kept when it is empty: it says the settings were
 * read and there are none, which no setting resource can say. `id` is the list's path below the cluster.
 */
export const DIAGNOSTIC_SETTINGS_LIST_KIND = 'Microsoft.Insights/diagnosticSettingsResourceCollection';
/** Who holds which Azure role where (`az role assignment list --all -o json`). */
export const ROLE_ASSIGNMENT_KIND = 'Microsoft.Authorization/roleAssignments';
/** Custom role definitions (`az role definition list --custom-role-only -o json`). */
export const ROLE_DEFINITION_KIND = 'Microsoft.Authorization/roleDefinitions';
/** Managed identities (`az identity list -o json`): the client id workload identity names, and its principal id. */
export const MANAGED_IDENTITY_KIND = 'Microsoft.ManagedIdentity/userAssignedIdentities';
const SIMPLE_KINDS = [MANAGED_CLUSTER_KIND, AGENT_POOL_KIND, DIAGNOSTIC_SETTING_KIND, ROLE_ASSIGNMENT_KIND, ROLE_DEFINITION_KIND, MANAGED_IDENTITY_KIND];

export const TF_CLUSTER = 'azurerm_kubernetes_cluster';
export const TF_NODE_POOL = 'azurerm_kubernetes_cluster_node_pool';
export const TF_DIAGNOSTIC_SETTING = 'azurerm_monitor_diagnostic_setting';
export const TERRAFORM_TYPES: ReadonlySet<string> = new Set([TF_CLUSTER, TF_NODE_POOL, TF_DIAGNOSTIC_SETTING]);

/** What one input document turned into: the Azure resources found and remarks about the rest. */
export interface AzureDecoded {
  resources: Resource[];
  notes: InputNote[];
}

/**
 * The canonical kind of an ARM type, or undefined when the type is not one Palisade reads. ARM
 * compares types case-insensitively; diagnostic settings written as an extension below the cluster
 * type (`.../managedClusters/providers/diagnosticSettings`) are the same resource.
 */
export function armKind(type: unknown): string | undefined {
  if (typeof type !== 'string') return undefined;
  const t = type.toLowerCase();
  const simple = SIMPLE_KINDS.find((k) => k.toLowerCase() === t);
  if (simple) return simple;
  if (t === `${MANAGED_CLUSTER_KIND}/providers/${DIAGNOSTIC_SETTING_KIND}`.toLowerCase()) return DIAGNOSTIC_SETTING_KIND;
  if (t === `${MANAGED_CLUSTER_KIND}/providers/diagnosticSettings`.toLowerCase()) return DIAGNOSTIC_SETTING_KIND;
  return undefined;
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Why an AzAPI resource (`azapi_resource`, `azapi_update_resource`) that creates or changes an AKS
 * cluster or node pool is not read, naming it; undefined for any other. Its `type` is the ARM type
 * and API version (`Microsoft.ContainerService/managedClusters@2025-10-01`), written or planned.
 */
export function azapiAksNote(kind: string, address: string, type: unknown): string | undefined {
  if (kind !== 'azapi_resource' && kind !== 'azapi_update_resource') return undefined;
  const written = typeof type === 'string' ? type : '';
  const what = /^\s*Microsoft\.ContainerService\/managedClusters\/agentPools@/i.test(written)
    ? 'an AKS node pool'
    : /^\s*Microsoft\.ContainerService\/managedClusters@/i.test(written)
      ? 'an AKS cluster'
      : undefined;
  if (!what) return undefined;
  if (kind === 'azapi_update_resource') return `${address} changes ${what} through the AzAPI provider, which is not read: what it sets is not checked here (check the deployed cluster with palisade scan --aks RESOURCE_ID)`;
  return `${address} creates ${what} through the AzAPI provider, which is not read: its settings are not checked here (check the deployed cluster with palisade scan --aks RESOURCE_ID)`;
}
