import type { Resource } from '../../core/resource.js';

/**
 * One security setting of an AKS cluster or node pool, read from whatever source described it.
 * `known: false` means the source has the setting but its value cannot be decided offline (an
 * unresolved template expression, a Terraform value known only after apply): rules report nothing
 * on it, at most an `info` that says why (`reason`).
 */
export interface Setting {
  value: unknown;
  known: boolean;
  /** Where the value is (or would be) in the source, as a field path (`properties.enableRBAC`, `role_based_access_control_enabled`). */
  field: string;
  /** Why the value is unknown. */
  reason?: string;
  /** True when the source does not set the value at all (the service default then applies). */
  absent?: boolean;
}

/** Where an AKS cluster description came from. */
export type AksShape = 'arm-rest' | 'az-cli' | 'arm-template' | 'terraform-plan' | 'terraform-hcl';

/**
 * Settings are named by their ARM REST path below `properties` (`apiServerAccessProfile.enablePrivateCluster`,
 * `addonProfiles.azurepolicy.enabled`), whatever the source: one vocabulary for every rule. Adapters
 * translate it to the source's own spelling (CLI casing, Terraform attributes) and back into `field`.
 */
export interface AksNodePool {
  name: string;
  /** The resource the pool is written in (the cluster itself, or a separate agentPools / node_pool resource). */
  resource: Resource;
  /** Setting by ARM REST agent-pool property path (`enableNodePublicIP`, `securityProfile.enableSecureBoot`). */
  get(path: string): Setting;
}

export interface AksCluster {
  resource: Resource;
  /** The cluster name as the source evaluates it. */
  name: string;
  shape: AksShape;
  get(path: string): Setting;
  /** Every node pool: the pools written in the cluster and the separate pool resources that belong to it. */
  nodePools: readonly AksNodePool[];
}

/** A diagnostic setting of a cluster: which log categories go where, kept how long. */
export interface DiagnosticSetting {
  resource: Resource;
  name: string;
  /** Enabled log categories (`kube-audit`, `kube-audit-admin`, ...). */
  logs: Array<{ category: string; enabled: boolean; field: string }>;
  destinations: { workspace?: string; storageAccount?: string; eventHub?: string; marketplace?: string };
  /** The resource id (or name) of the cluster it is attached to, when the source says. */
  target?: string;
}
