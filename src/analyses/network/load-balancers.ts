import { Memo } from '../../core/memo.js';
import { escapeKey } from '../../core/field-path.js';
import type { Inventory } from '../../core/inventory.js';
import { asArray, asObj, asString, stringMap, type Resource } from '../../core/resource.js';
import { parseCidr, rangesCover, universe } from './ip.js';
import { namespaceOf } from './policy.js';
import { ConnectionSet, isProtocol } from './ports.js';
import { reachabilityModelOf } from './reachability-model.js';
import { selectedBy, type PodGroup, type Workload } from './workloads.js';

export const INTERNAL_ANNOTATION = 'service.beta.kubernetes.io/azure-load-balancer-internal';
/** AKS's own annotation (cloud-provider-azure), comma-separated CIDRs. */
export const ALLOWED_IP_RANGES_ANNOTATION = 'service.beta.kubernetes.io/azure-allowed-ip-ranges';
/** The older Kubernetes annotation, which cloud-provider-azure still reads beside the AKS one. */
const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';
/** Azure service tags (`AzureFrontDoor.Backend`) allowed instead of addresses. */
const SERVICE_TAGS_ANNOTATION = 'service.beta.kubernetes.io/azure-allowed-service-tags';

const split = (value: string): string[] => value.split(',').map((s) => s.trim()).filter(Boolean);

/** A prefix of length 0 admits every address; cloud-provider-azure then opens the rule to the internet. */
const admitsAll = (cidr: string): boolean => /\/0$/.test(cidr);

/**
 * Ranges that together hold every address of IPv4 or of IPv6 (`0.0.0.0/1,128.0.0.0/1`): as open as `/0`,
 * written in pieces. Entries that are not CIDRs hold nothing.
 */
function coverAddressSpace(ranges: readonly string[]): boolean {
  const parsed = ranges.map((r) => parseCidr(r)).filter((r) => r !== undefined);
  return ([4, 6] as const).some((family) => rangesCover(parsed, [universe(family)]));
}

/**
 * The first entry that admits every address: one of `/0`, or the whole list when its ranges together
 * cover an address family.
 */
function openEntry(ranges: readonly string[]): string | undefined {
  return ranges.find(admitsAll) ?? (ranges.length > 1 && coverAddressSpace(ranges) ? ranges.join(',') : undefined);
}

/**
 * `AzureCloud` (or a regional `AzureCloud.westeurope`): every public address of Azure's datacenters,
 * those of any tenant's virtual machines and functions included.
 */
const isAzureCloudTag = (tag: string): boolean => /^azurecloud(\.|$)/i.test(tag);
/** The `Internet` service tag (and `*`) is every address too. */
const openTag = (tag: string): boolean => tag === '*' || tag.toLowerCase() === 'internet';

/** One place where a Service names its clients, with what it lists there. */
export interface ClientList {
  /** The field path: `spec.loadBalancerSourceRanges[1]`, or the annotation. */
  field: string;
  entries: string[];
  /**
   * The first entry that admits every address (`0.0.0.0/0`, `::/0`, the `Internet` tag), or the ranges
   * that do together (`0.0.0.0/1,128.0.0.0/1`), if any.
   */
  admitsAll: string | undefined;
}

/** A Service that AKS puts on a public IP of the cluster's Azure load balancer. */
export interface PublicLoadBalancer {
  service: Resource;
  /** Where the Service names its clients; empty when it names none. */
  clients: ClientList[];
  /** Every internet address may connect: no client list, or one that admits every address. */
  open: boolean;
  /** The first AzureCloud tag among the allowed service tags, with the annotation's field; absent without one. */
  azureCloud?: { field: string; tag: string };
}

/**
 * The Service as a public load balancer, or undefined when it is not one: not of type LoadBalancer,
 * owned by another load balancer implementation (`loadBalancerClass`: its own settings decide who
 * may connect), or internal (annotated azure-load-balancer-internal: "true"). The network security
 * group rule AKS writes for it admits the internet unless the Service names its clients.
 */
export function publicLoadBalancer(svc: Resource): PublicLoadBalancer | undefined {
  const spec = asObj(svc.object.spec) ?? {};
  if (spec.type !== 'LoadBalancer' || asString(spec.loadBalancerClass) !== undefined) return undefined;
  const annotations = stringMap(asObj(svc.object.metadata)?.annotations);
  // cloud-provider-azure compares the value with "true" exactly: `True` or ` true` get a public IP.
  if (annotations[INTERNAL_ANNOTATION] === 'true') return undefined;

  const clients: ClientList[] = [];
  let azureCloud: PublicLoadBalancer['azureCloud'];
  asArray(spec.loadBalancerSourceRanges).forEach((r, i) => {
    if (typeof r !== 'string' || !r.trim()) return;
    const range = r.trim();
    clients.push({ field: `spec.loadBalancerSourceRanges[${i}]`, entries: [range], admitsAll: admitsAll(range) ? range : undefined });
  });
  // Source ranges written one per entry may cover the whole space only together.
  const specRanges = clients.flatMap((c) => c.entries);
  const first = clients[0];
  if (first && clients.every((c) => c.admitsAll === undefined)) first.admitsAll = openEntry(specRanges);
  for (const key of [ALLOWED_IP_RANGES_ANNOTATION, SOURCE_RANGES_ANNOTATION, SERVICE_TAGS_ANNOTATION]) {
    const entries = split(annotations[key] ?? '');
    if (entries.length === 0) continue;
    const field = `metadata.annotations.${escapeKey(key)}`;
    clients.push({ field, entries, admitsAll: key === SERVICE_TAGS_ANNOTATION ? entries.find(openTag) : openEntry(entries) });
    const tag = key === SERVICE_TAGS_ANNOTATION ? entries.find(isAzureCloudTag) : undefined;
    if (tag) azureCloud = { field, tag };
  }
  return { service: svc, clients, open: clients.length === 0 || clients.some((c) => c.admitsAll !== undefined), ...(azureCloud ? { azureCloud } : {}) };
}

/** An open public load balancer and a workload whose pods it sends connections to. */
export interface LoadBalancerTarget {
  service: Resource;
  workload: Workload;
  /** The pod ports the Service forwards to (empty when its target ports cannot be resolved). */
  ports: ConnectionSet;
}

/** The open public load balancers of a scan and the workloads they serve, both ways round. */
export interface OpenLoadBalancers {
  /** The workloads an open public load balancer sends connections to. */
  targetsOf(service: Resource): readonly LoadBalancerTarget[];
  /** The open public load balancers in front of a workload. */
  servedBy(workload: Workload): readonly LoadBalancerTarget[];
}

/** The pod ports a Service forwards to on these pod groups; a named target port is resolved on each pod. */
export function targetPorts(ports: unknown, groups: readonly PodGroup[]): ConnectionSet {
  let out = ConnectionSet.NONE;
  for (const raw of asArray(ports)) {
    const p = asObj(raw) ?? {};
    const protocol = p.protocol ?? 'TCP';
    if (!isProtocol(protocol)) continue;
    const target = p.targetPort ?? p.port;
    if (typeof target === 'number') out = out.union(ConnectionSet.of(protocol, target));
    else if (typeof target === 'string') {
      for (const g of groups) {
        const named = g.namedPorts.find((n) => n.name === target && n.protocol === protocol);
        if (named) out = out.union(ConnectionSet.of(protocol, named.port));
      }
    }
  }
  return out;
}

const INDEXES = new Memo<Inventory, OpenLoadBalancers>();

/**
 * The open public load balancers of an inventory and the workloads (of the reachability model) whose
 * pods their selectors match in their namespace, built once per inventory. A Service without a
 * selector has its endpoints written by hand: which pods they are is not in the manifests, so it
 * serves no workload here.
 */
export function openLoadBalancers(inventory: Inventory): OpenLoadBalancers {
  return INDEXES.of(inventory, buildOpenLoadBalancers);
}

function buildOpenLoadBalancers(inventory: Inventory): OpenLoadBalancers {
  const byService = new Map<Resource, LoadBalancerTarget[]>();
  const byWorkload = new Map<Workload, LoadBalancerTarget[]>();
  const services = inventory.byKind('Service').filter((svc) => publicLoadBalancer(svc)?.open === true);
  if (services.length > 0) {
    // Services select in their own namespace: look only there (many Services × many workloads otherwise).
    const byNamespace = new Map<string, Workload[]>();
    for (const w of reachabilityModelOf(inventory).workloads) {
      const list = byNamespace.get(w.namespace);
      if (list) list.push(w);
      else byNamespace.set(w.namespace, [w]);
    }
    for (const service of services) {
      const spec = asObj(service.object.spec) ?? {};
      const targets: LoadBalancerTarget[] = [];
      byService.set(service, targets);
      for (const { workload, groups } of selectedBy(service, byNamespace.get(namespaceOf(service)) ?? []) ?? []) {
        const target = { service, workload, ports: targetPorts(spec.ports, groups) };
        targets.push(target);
        let list = byWorkload.get(workload);
        if (!list) byWorkload.set(workload, (list = []));
        list.push(target);
      }
    }
  }
  return {
    targetsOf: (service) => byService.get(service) ?? [],
    servedBy: (workload) => byWorkload.get(workload) ?? [],
  };
}
