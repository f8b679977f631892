import type { InputNote } from '../../core/errors.js';
import { isObj, type Resource } from '../../core/resource.js';
import { unknownMarker } from '../../core/unknown.js';

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

/** The AzAPI provider's generic resources: `type` names the ARM type and API version. */
export const AZAPI_RESOURCE = 'azapi_resource';
export const AZAPI_UPDATE_RESOURCE = 'azapi_update_resource';

/**
 * The kind an AzAPI `type` (`Microsoft.ContainerService/managedClusters@2025-10-01`) creates, when it is one
 * Palisade reads — an AKS cluster or node pool, or a diagnostic setting (of a cluster, when its parent
 * is one): the ARM kind, whose body the ARM readers understand. Undefined for any other type, or one
 * not known offline. ARM compares types case-insensitively.
 */
export function azapiKind(type: unknown): string | undefined {
  if (typeof type !== 'string') return undefined;
  // The version may be an expression (`@${local.api_version}`): the type before it decides.
  const m = /^\s*([A-Za-z0-9./]+)@\S/.exec(type);
  const armType = m?.[1]?.toLowerCase();
  return [MANAGED_CLUSTER_KIND, AGENT_POOL_KIND, DIAGNOSTIC_SETTING_KIND].find((k) => k.toLowerCase() === armType);
}

/** The kind of an AzAPI `type` that is an AKS cluster's or node pool's. */
function azapiAksKind(type: unknown): string | undefined {
  const kind = azapiKind(type);
  return kind === MANAGED_CLUSTER_KIND || kind === AGENT_POOL_KIND ? kind : undefined;
}

/**
 * Why an `azapi_update_resource` that changes an AKS cluster or node pool is not read, naming it;
 * undefined for any other resource. It patches a cluster made elsewhere with part of a body, which
 * says nothing of the settings it leaves alone.
 */
export function azapiUpdateNote(kind: string, address: string, type: unknown): string | undefined {
  if (kind !== AZAPI_UPDATE_RESOURCE) return undefined;
  const what = { [MANAGED_CLUSTER_KIND]: 'an AKS cluster', [AGENT_POOL_KIND]: 'an AKS node pool' }[azapiAksKind(type) ?? ''];
  if (!what) return undefined;
  return `${address} changes ${what} through the AzAPI provider; what it sets is not checked here (check the deployed cluster with palisade scan --aks RESOURCE_ID)`;
}

/** Nesting past which an AzAPI body given as a string is not decoded: the documents around it are held to the same depth. */
const MAX_BODY_DEPTH = 100;

/**
 * An AzAPI body given as a JSON string (`jsonencode` in a plan, a heredoc or quoted JSON in `.tf` files,
 * as AzAPI before 2.0 takes it) as the object AzAPI sends; the unknown marker, saying why, when it is
 * no JSON object. `where` names it (`azapi_resource.this.body`).
 */
export function decodedBody(text: string, where: string): unknown {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (++depth > MAX_BODY_DEPTH) return unknownMarker(`${where} is JSON nested deeper than ${MAX_BODY_DEPTH} levels, which is not read`);
    } else if (c === '}' || c === ']') depth--;
  }
  try {
    const value: unknown = JSON.parse(text);
    if (isObj(value)) return value;
  } catch {
    // Said below, as for any other text that is no JSON object.
  }
  return unknownMarker(`${where} is a string that is not a JSON object`);
}
