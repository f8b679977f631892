import type { Inventory } from '../../core/inventory.js';
import { asArray, asObj, asString, type Obj, type Resource } from '../../core/resource.js';
import { parseCidr, rangesCover, type IpRange } from './ip.js';
import type { PolicyPeer } from './policy.js';

/*
 * The cluster documents are read here as raw objects rather than through analyses/aks: this folder may
 * import core only, and two settings of the network profile are all it needs.
 */
const MANAGED_CLUSTER_KIND = 'microsoft.containerservice/managedclusters';
const TERRAFORM_CLUSTER_KIND = 'azurerm_kubernetes_cluster';

/** The private ranges pods take their addresses from when the cluster's pod CIDR is not known. */
const PRIVATE_V4 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

/**
 * Whether ipBlocks admit pods, and which addresses pods have. Kubernetes leaves it to the plugin:
 * Calico and Azure NPM match a pod's address against ipBlocks (the upstream e2e tests expect it),
 * Cilium does not (cilium#9209). `matchesPods` is false only when every cluster document of the input
 * says the cluster runs Cilium.
 */
export interface PodAddresses {
  matchesPods: boolean;
  /** The pod CIDRs of the clusters in the input; the private ranges when one is not known. */
  ranges: IpRange[];
  /** `10.244.0.0/16`, or `the private ranges (10.0.0.0/8, ...)`: for messages. */
  text: string;
}

/** A property of an Azure object, its name read case-insensitively as Azure does. */
function child(obj: Obj | undefined, key: string): unknown {
  if (!obj) return undefined;
  if (key in obj) return obj[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
  return undefined;
}

const lowerText = (v: unknown): string | undefined => asString(v)?.trim().toLowerCase();

interface ClusterNetwork {
  cilium: boolean;
  podCidrs: string[];
}

function armNetwork(r: Resource): ClusterNetwork {
  // An AzAPI resource in Terraform (a plan, `.tf` files) holds the ARM resource in its `body`.
  const resource = r.format === 'terraform-plan' || r.format === 'terraform-hcl' ? (asObj(r.object.body) ?? {}) : r.object;
  // A REST body or template keeps its settings under `properties`; `az aks show` flattens them.
  const root = asObj(child(resource, 'properties')) ?? resource;
  const profile = asObj(child(root, 'networkProfile'));
  // AKS Automatic always runs Azure CNI powered by Cilium.
  const automatic = lowerText(child(asObj(child(resource, 'sku')), 'name')) === 'automatic';
  const cilium = automatic || lowerText(child(profile, 'networkDataplane')) === 'cilium' || lowerText(child(profile, 'networkPolicy')) === 'cilium';
  const cidrs = asArray(child(profile, 'podCidrs')).flatMap((c) => asString(c) ?? []);
  const single = asString(child(profile, 'podCidr'));
  return { cilium, podCidrs: cidrs.length ? cidrs : single ? [single] : [] };
}

function terraformNetwork(r: Resource): ClusterNetwork {
  const profile = asObj(asArray(r.object.network_profile)[0]);
  const cilium = [profile?.network_data_plane, profile?.ebpf_data_plane, profile?.network_policy].some((v) => lowerText(v) === 'cilium');
  const cidrs = asArray(profile?.pod_cidrs).flatMap((c) => asString(c) ?? []);
  const single = asString(profile?.pod_cidr);
  return { cilium, podCidrs: cidrs.length ? cidrs : single ? [single] : [] };
}

/** What the cluster documents of the input say about pod addresses; no document: ipBlocks match pods, in the private ranges. */
export function podAddressesOf(inventory: Inventory): PodAddresses {
  const clusters = inventory.resources
    .filter((r) => r.kind.toLowerCase() === MANAGED_CLUSTER_KIND || r.kind === TERRAFORM_CLUSTER_KIND)
    .map((r) => (r.kind === TERRAFORM_CLUSTER_KIND ? terraformNetwork(r) : armNetwork(r)));
  const matchesPods = clusters.length === 0 || clusters.some((c) => !c.cilium);
  const cidrs = clusters.every((c) => c.podCidrs.length > 0) && clusters.length > 0 ? [...new Set(clusters.flatMap((c) => c.podCidrs))] : [];
  const ranges = cidrs.map((c) => parseCidr(c));
  if (cidrs.length > 0 && ranges.every((r) => r !== undefined)) return { matchesPods, ranges: ranges as IpRange[], text: cidrs.join(', ') };
  return { matchesPods, ranges: PRIVATE_V4.map((c) => parseCidr(c)!), text: `the private ranges (${PRIVATE_V4.join(', ')})` };
}

/**
 * Whether a rule's ipBlocks together hold every pod address (and so admit a pod of any namespace,
 * where the plugin matches pods against ipBlocks): `0.0.0.0/0`, or a block holding the pod CIDR.
 */
export function ipBlocksHoldPods(peers: readonly PolicyPeer[], pods: PodAddresses): boolean {
  if (!pods.matchesPods) return false;
  const blocks = peers.flatMap((p) => (p.kind === 'ipBlock' ? p.ranges : []));
  if (blocks.length === 0) return false;
  return rangesCover(blocks, pods.ranges);
}
