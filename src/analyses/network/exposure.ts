import { Memo } from '../../core/memo.js';
import { requirementHolds, selectorMatches, type Inventory } from '../../core/inventory.js';
import { asArray, asObj, asString, stringMap, type Obj, type Resource } from '../../core/resource.js';
import { podOf } from '../../core/workload.js';
import { parseCidr, rangesCover, subtractRange, universe, type IpRange } from './ip.js';
import { ipBlocksHoldPods, podAddressesOf, type PodAddresses } from './pod-addresses.js';
import { isEmptySelector, type Direction, type NetworkPolicyModel, type PolicyPeer, type PolicyRule } from './policy.js';
import { ConnectionSet } from './ports.js';
import { reachabilityModelOf, type ExternalPeer, type ReachabilityModel } from './reachability-model.js';
import { usesHostNetwork, type PodGroup, type Workload } from './workloads.js';

const METADATA_NAME = 'kubernetes.io/metadata.name';

/**
 * The internet: the addresses no private network uses. RFC 1918, shared (100.64/10), loopback,
 * link-local, "this network" and multicast/reserved are left out, so that a policy admitting
 * `0.0.0.0/0 except 10.0.0.0/8` still counts as admitting the internet; for IPv6, global unicast.
 */
const NOT_INTERNET_V4 = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '224.0.0.0/3'];
const INTERNET: readonly IpRange[] = [
  ...NOT_INTERNET_V4.reduce<IpRange[]>((left, cidr) => subtractRange(left, parseCidr(cidr)!), [universe(4)]),
  parseCidr('2000::/3')!,
];

/** Whether a range holds some internet address. */
export function holdsInternet(range: IpRange): boolean {
  return INTERNET.some((r) => r.family === range.family && r.start <= range.end && range.start <= r.end);
}

/** Whether ranges hold every internet address of a family (IPv4 unless told). */
function coversInternet(ranges: readonly IpRange[], family: 4 | 6 = 4): boolean {
  return rangesCover(ranges, INTERNET.filter((r) => r.family === family));
}

/** Equal for selectors that select the same way (labels and expressions in any order). */
function selectorKey(sel: Obj | undefined): string {
  if (!sel) return '';
  const labels = Object.entries(stringMap(sel.matchLabels)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const exprs = asArray(sel.matchExpressions)
    .map((e) => {
      const o = asObj(e) ?? {};
      return JSON.stringify([asString(o.key) ?? '', asString(o.operator) ?? '', asArray(o.values).map(String).sort()]);
    })
    .sort();
  return JSON.stringify([labels, exprs]);
}

/**
 * A selector as netpol-analyzer prints it: `k=v` pairs sorted by key, then each expression in Go's
 * struct form (`{Key:tier,Operator:In,Values:[a b],}`), sorted, all joined by `,`.
 */
function selectorText(sel: Obj): string {
  const labels = Object.entries(stringMap(sel.matchLabels))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const exprs = asArray(sel.matchExpressions)
    .map((e) => {
      const o = asObj(e) ?? {};
      return `{Key:${asString(o.key) ?? ''},Operator:${asString(o.operator) ?? ''},Values:[${asArray(o.values).map(String).join(' ')}],}`;
    })
    .sort()
    .join(',');
  return [labels, exprs].filter(Boolean).join(',');
}

/**
 * Pods a policy rule names but the input has none of (yet): `backend/[all pods]`,
 * `[all namespaces]/[pod with {k8s-app=kube-dns}]`, `[namespace with {team=ops}]/[all pods]` —
 * netpol-analyzer's "representative peers".
 */
export interface SelectorPeer {
  label: string;
  /** The namespaces (a rule without one names its policy's namespace). */
  namespaceSelector: Obj;
  /** The pods in them; undefined for every pod. */
  podSelector: Obj | undefined;
}

export function selectorPeerLabel(namespaceSelector: Obj, podSelector: Obj | undefined): string {
  const labels = stringMap(namespaceSelector.matchLabels);
  const keys = Object.keys(labels);
  const ns =
    keys.length === 1 && keys[0] === METADATA_NAME && asArray(namespaceSelector.matchExpressions).length === 0
      ? labels[METADATA_NAME]!
      : isEmptySelector(namespaceSelector)
        ? '[all namespaces]'
        : `[namespace with {${selectorText(namespaceSelector)}}]`;
  const pods = !podSelector || isEmptySelector(podSelector) ? '[all pods]' : `[pod with {${selectorText(podSelector)}}]`;
  return `${ns}/${pods}`;
}

/** A rule of a policy, with the policy it belongs to. */
export interface OwnedRule {
  policy: NetworkPolicyModel;
  rule: PolicyRule;
}

/** What reaches a workload (ingress) or what it reaches (egress), beyond the workloads of the input. */
export interface DirectionExposure {
  direction: Direction;
  /** Some policy selects every pod of the workload in this direction. Never on the host network. */
  isolated: boolean;
  /** The policies that select some pod of the workload in this direction. */
  policies: NetworkPolicyModel[];
  /** Any pod of any namespace, namespaces created later included. */
  allNamespaces: ConnectionSet;
  /** The rules that open `allNamespaces` (none when no policy isolates the workload). */
  allNamespacesRules: OwnedRule[];
  /**
   * What of `allNamespaces` only ipBlocks holding every pod address open (`0.0.0.0/0`, the pod CIDR),
   * where the plugin matches pods against ipBlocks (Calico, Azure NPM; not Cilium). `selectorsOnly` is
   * `allNamespaces` as netpol-analyzer reads it, ipBlocks matching addresses outside the cluster only.
   */
  byPodAddress?: { conn: ConnectionSet; rules: OwnedRule[]; selectorsOnly: ConnectionSet };
  /**
   * Beyond `allNamespaces`: any pod of every namespace but a few named ones, namespaces created later
   * included (a namespaceSelector that only leaves names out, `kubernetes.io/metadata.name NotIn [...]`).
   * `except` holds the namespaces such rules leave out by name, `exceptLabels` the labels they leave
   * out (`env NotIn [dev]`, `team DoesNotExist`). Kept apart so that the connection list
   * and netpol-analyzer's text still show the selector as it is written.
   */
  allNamespacesBut?: { conn: ConnectionSet; except: string[]; exceptLabels: LabelLeftOut[]; exceptVaries: boolean; rules: OwnedRule[] };
  /** Every internet address (each one may use these ports). */
  internet: ConnectionSet;
  /** Pods the rules name by selectors that match no pod of the input, beyond `allNamespaces`. */
  selectors: Array<SelectorPeer & { conn: ConnectionSet }>;
}

export interface WorkloadExposure {
  workload: Workload;
  /**
   * The pods use the node's network: NetworkPolicies do not apply to them (Kubernetes leaves it to
   * the plugin, and AKS's engines treat the traffic as the node's), so both directions are open.
   */
  hostNetwork: boolean;
  ingress: DirectionExposure;
  egress: DirectionExposure;
}

/** Ports of a rule; named ones resolved on the pod group when there is one (an ingress rule's own pod). */
function rulePorts(rule: PolicyRule, group: PodGroup | undefined): ConnectionSet {
  let set = rule.ports.fixed;
  if (!group) return set;
  for (const named of rule.ports.named) {
    const port = group.namedPorts.find((p) => p.name === named.name);
    if (port && port.protocol === named.protocol) set = set.union(ConnectionSet.of(port.protocol, port.port));
  }
  return set;
}

/** A pods peer that is every pod of every namespace: `namespaceSelector: {}` with no or an empty podSelector. */
function allPodsPeer(peer: PolicyPeer): boolean {
  return peer.kind === 'pods' && isEmptySelector(peer.namespaceSelector) && (peer.podSelector === undefined || isEmptySelector(peer.podSelector));
}

/**
 * A namespace label a namespaceSelector leaves out: `env NotIn [dev]` leaves out the namespaces labelled
 * env=dev (`values` ['dev']), `team DoesNotExist` those with any team label (`values` undefined). Every
 * namespace without the label, one created later included, is still matched: NotIn and DoesNotExist
 * match an object that lacks the key.
 */
export interface LabelLeftOut {
  key: string;
  values?: string[];
}

/** `env=dev`, `env=dev or env=test`, `team` (any value). */
export function labelLeftOutText(l: LabelLeftOut): string {
  return l.values ? l.values.map((v) => `${l.key}=${v}`).join(' or ') : l.key;
}

/** Whether a namespace with these labels is left out by `l`. */
export function leavesOutLabels(l: LabelLeftOut, labels: Record<string, string>): boolean {
  return l.values === undefined ? requirementHolds('Exists', [], labels, l.key) : requirementHolds('In', l.values, labels, l.key);
}

interface LeftOut {
  names: string[];
  labels: LabelLeftOut[];
}

/**
 * What a namespaceSelector leaves out when it matches every other namespace, namespaces created later
 * included: nothing for `{}` (or `kubernetes.io/metadata.name Exists`, a label every namespace has), the
 * names of `kubernetes.io/metadata.name NotIn [...]`, and the labels of `NotIn` or `DoesNotExist` on any
 * other key; undefined for a selector that picks namespaces by what they are (matchLabels, In, Exists on
 * another label), and for none at all (the policy's own namespace).
 */
function namespacesLeftOut(sel: Obj | undefined): LeftOut | undefined {
  if (!sel || Object.keys(stringMap(sel.matchLabels)).length > 0) return undefined;
  const names = new Set<string>();
  const labels: LabelLeftOut[] = [];
  for (const e of asArray(sel.matchExpressions)) {
    const o = asObj(e) ?? {};
    if (typeof o.key !== 'string') return undefined;
    if (o.key === METADATA_NAME) {
      if (o.operator === 'NotIn') for (const v of asArray(o.values)) names.add(String(v));
      else if (o.operator !== 'Exists') return undefined;
    } else if (o.operator === 'NotIn') labels.push({ key: o.key, values: asArray(o.values).map(String).sort() });
    else if (o.operator === 'DoesNotExist') labels.push({ key: o.key });
    else return undefined;
  }
  return { names: [...names].sort(), labels };
}

/**
 * What an all-but peer (every pod of every namespace but some, written with NotIn or DoesNotExist
 * expressions) leaves out; undefined for other peers, `namespaceSelector: {}` included.
 */
function allButPeerLeavesOut(peer: PolicyPeer): LeftOut | undefined {
  if (peer.kind !== 'pods' || isEmptySelector(peer.namespaceSelector) || (peer.podSelector !== undefined && !isEmptySelector(peer.podSelector))) return undefined;
  return namespacesLeftOut(peer.namespaceSelector);
}

const labelKey = (l: LabelLeftOut): string => `${l.key}\u0000${l.values?.join('\u0000') ?? ''}`;

/** The labels one rule or another leaves out. */
function eitherLeavesOutLabels(a: readonly LabelLeftOut[] | undefined, b: readonly LabelLeftOut[]): LabelLeftOut[] {
  const out = new Map<string, LabelLeftOut>();
  for (const l of [...(a ?? []), ...b]) out.set(labelKey(l), l);
  return [...out.values()].sort((x, y) => (labelKey(x) < labelKey(y) ? -1 : 1));
}

/** The namespaces one rule or another leaves out: each may be refused on some ports. */
function eitherLeavesOut(a: readonly string[] | undefined, b: readonly string[]): string[] {
  return a === undefined ? [...b] : [...new Set([...a, ...b])].sort();
}

/** A rule that admits every pod of every namespace: no `from`/`to`, or an all-pods peer. */
export function admitsAllNamespaces(rule: PolicyRule): boolean {
  return rule.peers === 'any' || rule.peers.some(allPodsPeer);
}

/** A rule that admits internet addresses: no `from`/`to`, or an ipBlock holding some. */
export function admitsInternet(rule: PolicyRule): boolean {
  return rule.peers === 'any' || rule.peers.some((p) => p.kind === 'ipBlock' && p.ranges.some(holdsInternet));
}

/** A rule that admits every internet address: no `from`/`to`, or an ipBlock holding all of IPv4's. */
export function admitsWholeInternet(rule: PolicyRule): boolean {
  return rule.peers === 'any' || rule.peers.some((p) => p.kind === 'ipBlock' && coversInternet(p.ranges));
}

/**
 * The ports the rules of an exposure open to some peer (`fromOutsideNamespace`: a peer the workload's
 * namespace does not hold, as an Ingress controller or a load balancer's client is), named ports
 * resolved on the workload's pods for ingress; every port where no policy isolates the direction.
 * A connection on any other port is refused, whoever sends it.
 */
export function admittedPorts(e: DirectionExposure, groups: readonly PodGroup[], fromOutsideNamespace = false): ConnectionSet {
  if (!e.isolated) return ConnectionSet.ALL;
  const fromOutside = (r: PolicyRule) => r.peers === 'any' || r.peers.some((peer) => peer.kind === 'ipBlock' || (peer.kind === 'pods' && peer.namespaceSelector !== undefined));
  let out = ConnectionSet.NONE;
  for (const policy of e.policies) {
    for (const rule of policy[e.direction]) {
      if (fromOutsideNamespace && !fromOutside(rule)) continue;
      if (e.direction === 'egress' || groups.length === 0) out = out.union(rulePorts(rule, undefined));
      for (const g of e.direction === 'ingress' ? groups : []) out = out.union(rulePorts(rule, g));
    }
  }
  return out;
}

/** What pods of (nearly) every namespace may open: `allNamespaces` and `allNamespacesBut` together. */
export function nearlyAllNamespaces(d: DirectionExposure): ConnectionSet {
  return d.allNamespacesBut ? d.allNamespaces.union(d.allNamespacesBut.conn) : d.allNamespaces;
}

/**
 * What the rules admitting (nearly) every namespace open, for a message: `every namespace on TCP 80`,
 * `every namespace but sandbox`, `every namespace on TCP 80, and every namespace but sandbox on TCP 443`.
 * All ports are `allPorts` (nothing by default).
 */
export function everyNamespaceText(d: DirectionExposure, allPorts = ''): string {
  const on = (c: ConnectionSet) => (c.isAll() ? (allPorts ? ` ${allPorts}` : '') : ` on ${c.toString()}`);
  const but = d.allNamespacesBut;
  if (!but || containedIn(but.conn, d.allNamespaces)) return `every namespace${on(d.allNamespaces)}`;
  const labelled = but.exceptLabels.map((l) => `those labelled ${labelLeftOutText(l)}`);
  const except = `every namespace but ${but.exceptVaries ? '(depending on the port) ' : ''}${listSome([...but.except, ...labelled])}${on(but.conn)}`;
  return d.allNamespaces.isEmpty() ? except : `every namespace${on(d.allNamespaces)}, and ${except}`;
}

/**
 * Whether the policies selecting the workload admit nothing at all in this direction (a default deny and
 * nothing beside it): no source address, translated or not, gets through.
 */
export function admitsNothing(e: DirectionExposure): boolean {
  return e.isolated && e.policies.every((p) => p[e.direction].length === 0);
}

function containedIn(a: ConnectionSet, b: ConnectionSet): boolean {
  return a.union(b).key() === b.key();
}

/**
 * Exposure analysis over the reachability model: per workload and direction, what any pod of any
 * namespace (current or future) may open, what every internet address may open, and the pods the
 * rules name by selectors the input has no pod for — the potential connections the connection list,
 * which knows only the workloads of the input, cannot show. It follows np-guard's netpol-analyzer:
 *
 * - A direction no policy isolates is open to every namespace and address.
 * - An isolated direction is open to every namespace on the ports of its rules without `from`/`to`
 *   or with `namespaceSelector: {}` (and no or an empty podSelector).
 * - Every other pods peer of its rules is a selector peer (a missing namespaceSelector meaning the
 *   policy's namespace), on the ports of the rules that cover it — the same selectors, or all pods of
 *   the same namespaces — plus the all-namespaces ports; it is shown when that is more than the
 *   all-namespaces ports. A peer whose selectors are plain labels (no expressions, neither one
 *   selecting everything) is left out when a pod of the input matches it: the connection list has it.
 * - Named ports of egress rules name ports of pods not known yet and are left out.
 *
 * Beyond netpol-analyzer, workloads on the host network are open in both directions whatever the
 * policies say, and the internet (the public address space) is an answer of its own.
 */
export class ExposureAnalysis {
  readonly model: ReachabilityModel;
  /** Whether ipBlocks admit pods in this cluster, and the addresses pods have. */
  readonly podAddresses: PodAddresses;
  private readonly inventory: Inventory;
  private readonly byWorkload = new Map<Workload, WorkloadExposure>();
  private readonly policiesByNamespace = new Map<string, NetworkPolicyModel[]>();
  // Per direction, keyed by the group itself: asked for every group of every workload, twice.
  private readonly selecting = { ingress: new Map<PodGroup, NetworkPolicyModel[]>(), egress: new Map<PodGroup, NetworkPolicyModel[]>() };
  private readonly matchedByPod = new Map<string, boolean>();
  private workloadOfResource: Map<Resource, Workload> | undefined;

  constructor(inventory: Inventory, model: ReachabilityModel = reachabilityModelOf(inventory)) {
    this.inventory = inventory;
    this.model = model;
    this.podAddresses = podAddressesOf(inventory);
    for (const p of model.policies) {
      let list = this.policiesByNamespace.get(p.namespace);
      if (!list) this.policiesByNamespace.set(p.namespace, (list = []));
      list.push(p);
    }
  }

  /** The workload a pod-bearing object belongs to (its controller's when that is in the input). */
  workloadOf(resource: Resource): Workload | undefined {
    if (!this.workloadOfResource) {
      this.workloadOfResource = new Map();
      for (const w of this.model.workloads) for (const r of w.resources) this.workloadOfResource.set(r, w);
    }
    return this.workloadOfResource.get(resource);
  }

  /**
   * The exposure of the workload an object stands for, or undefined when the object is not that
   * workload's own (a ReplicaSet of a Deployment, a Pod of either): a finding is about the workload, once.
   */
  forResource(resource: Resource): WorkloadExposure | undefined {
    const w = this.workloadOf(resource);
    return w && ExposureAnalysis.primaryResource(w) === resource ? this.of(w) : undefined;
  }

  /** The object that stands for a workload: its controller, else the first of its pods. */
  static primaryResource(w: Workload): Resource {
    return w.resources.find((r) => r.kind === w.kind && r.name === w.name) ?? w.resources[0]!;
  }

  /** The policies of a namespace that isolate pods in a direction (`affects`), whichever pods they select. */
  namespacePolicies(namespace: string, direction: Direction): NetworkPolicyModel[] {
    return (this.policiesByNamespace.get(namespace) ?? []).filter((p) => p.affects[direction]);
  }

  /** Whether every pod of a workload runs on the host network. */
  static onHostNetwork(w: Workload): boolean {
    let specs = 0;
    for (const r of w.resources) {
      const spec = podOf(r)?.spec;
      if (!spec) continue;
      if (!usesHostNetwork(spec)) return false;
      specs++;
    }
    return specs > 0;
  }

  of(w: Workload): WorkloadExposure {
    let e = this.byWorkload.get(w);
    if (!e) {
      const hostNetwork = ExposureAnalysis.onHostNetwork(w);
      e = { workload: w, hostNetwork, ingress: this.direction(w, 'ingress', hostNetwork), egress: this.direction(w, 'egress', hostNetwork) };
      this.byWorkload.set(w, e);
    }
    return e;
  }

  /** External ranges with something allowed to (ingress) or from (egress) the workload; every range, fully, on the host network. */
  externals(w: Workload, direction: Direction): Array<{ peer: ExternalPeer; conn: ConnectionSet }> {
    const host = this.of(w).hostNetwork;
    const peers = direction === 'ingress' ? this.model.externalSources : this.model.externalDestinations;
    const out: Array<{ peer: ExternalPeer; conn: ConnectionSet }> = [];
    for (const peer of peers) {
      const conn = host ? ConnectionSet.ALL : direction === 'ingress' ? this.model.connection(peer, w) : this.model.connection(w, peer);
      if (!conn.isEmpty()) out.push({ peer, conn });
    }
    return out;
  }

  /** Workloads of the input with something allowed to (ingress) or from (egress) the workload. */
  workloadPeers(w: Workload, direction: Direction): Array<{ peer: Workload; conn: ConnectionSet }> {
    const out: Array<{ peer: Workload; conn: ConnectionSet }> = [];
    for (const other of this.model.workloads) {
      if (other === w) continue;
      const conn = direction === 'ingress' ? this.model.connection(other, w) : this.model.connection(w, other);
      if (!conn.isEmpty()) out.push({ peer: other, conn });
    }
    return out;
  }

  /** The policies selecting a pod group in a direction. */
  private selectingGroup(g: PodGroup, direction: Direction): NetworkPolicyModel[] {
    const cache = this.selecting[direction];
    let list = cache.get(g);
    if (!list) {
      // The model has matched every policy against every group already.
      list = this.model.groupPolicies(g, direction);
      cache.set(g, list);
    }
    return list;
  }

  private direction(w: Workload, direction: Direction, hostNetwork: boolean): DirectionExposure {
    // Most workloads have one pod group, whose list already holds each policy once.
    const only = w.groups.length === 1 ? this.selectingGroup(w.groups[0]!, direction) : undefined;
    const policies = only ? [...only] : [...new Set(w.groups.flatMap((g) => this.selectingGroup(g, direction)))];
    const isolated = !hostNetwork && (only ? only.length > 0 : w.groups.every((g) => this.selectingGroup(g, direction).length > 0));
    if (!isolated) {
      return { direction, isolated, policies, allNamespaces: ConnectionSet.ALL, allNamespacesRules: [], internet: ConnectionSet.ALL, selectors: [] };
    }
    let allNamespaces = ConnectionSet.NONE;
    const allNamespacesRules: OwnedRule[] = [];
    let allBut = ConnectionSet.NONE;
    let leftOut: string[] | undefined;
    let leftOutLabels: LabelLeftOut[] | undefined;
    let leftOutVaries = false;
    const allButRules: OwnedRule[] = [];
    let byAddress = ConnectionSet.NONE;
    const byAddressRules: OwnedRule[] = [];
    const peers = new Map<string, SelectorPeer & { conn: ConnectionSet }>();
    for (const g of w.groups) {
      // Ingress ports are the selected pod's own, so names resolve on it; egress ports belong to pods not known yet.
      const own = direction === 'ingress' ? g : undefined;
      const rules = this.selectingGroup(g, direction).flatMap((policy) => policy[direction].map((rule) => ({ policy, rule })));
      let wide = ConnectionSet.NONE;
      for (const r of rules) {
        if (!admitsAllNamespaces(r.rule)) continue;
        wide = wide.union(rulePorts(r.rule, own));
        if (!allNamespacesRules.some((x) => x.rule === r.rule)) allNamespacesRules.push(r);
      }
      allNamespaces = allNamespaces.union(wide);
      for (const r of rules) {
        if (r.rule.peers === 'any' || !ipBlocksHoldPods(r.rule.peers, this.podAddresses)) continue;
        byAddress = byAddress.union(rulePorts(r.rule, own));
        if (!byAddressRules.some((x) => x.rule === r.rule)) byAddressRules.push(r);
      }
      for (const r of rules) {
        if (r.rule.peers === 'any' || admitsAllNamespaces(r.rule)) continue;
        for (const peer of r.rule.peers) {
          const left = allButPeerLeavesOut(peer);
          if (!left) continue;
          allBut = allBut.union(rulePorts(r.rule, own));
          if (leftOut !== undefined && (leftOut.length !== left.names.length || left.names.some((n) => !leftOut!.includes(n)))) leftOutVaries = true;
          const labelsLeftOut = eitherLeavesOutLabels(leftOutLabels, left.labels);
          if (leftOutLabels !== undefined && labelsLeftOut.length !== leftOutLabels.length) leftOutVaries = true;
          leftOut = eitherLeavesOut(leftOut, left.names);
          leftOutLabels = labelsLeftOut;
          if (!allButRules.some((x) => x.rule === r.rule)) allButRules.push(r);
        }
      }
      for (const { policy, rule } of rules) {
        if (rule.peers === 'any') continue;
        for (const peer of rule.peers) {
          if (peer.kind !== 'pods' || allPodsPeer(peer)) continue;
          const nsSel = peer.namespaceSelector ?? { matchLabels: { [METADATA_NAME]: policy.namespace } };
          const key = `${selectorKey(nsSel)}/${selectorKey(peer.podSelector && !isEmptySelector(peer.podSelector) ? peer.podSelector : undefined)}`;
          if (this.matchedByInputPod(key, nsSel, peer.podSelector)) continue;
          let conn = wide;
          for (const other of rules) if (covers(other, nsSel, peer.podSelector)) conn = conn.union(rulePorts(other.rule, own));
          const seen = peers.get(key);
          if (seen) seen.conn = seen.conn.union(conn);
          else peers.set(key, { label: selectorPeerLabel(nsSel, peer.podSelector), namespaceSelector: nsSel, podSelector: peer.podSelector, conn });
        }
      }
    }
    const selectors = [...peers.values()].filter((p) => !p.conn.isEmpty() && !containedIn(p.conn, allNamespaces)).sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    // The model answers the internet exactly (ipBlocks with except, several rules together).
    const internet = this.internetConnection(w, direction);
    const beyond = containedIn(allBut, allNamespaces) ? undefined : { conn: allBut, except: leftOut ?? [], exceptLabels: leftOutLabels ?? [], exceptVaries: leftOutVaries, rules: allButRules };
    const byPodAddress = containedIn(byAddress, allNamespaces) ? undefined : { conn: byAddress, rules: byAddressRules, selectorsOnly: allNamespaces };
    return {
      direction,
      isolated,
      policies,
      allNamespaces: byPodAddress ? allNamespaces.union(byAddress) : allNamespaces,
      allNamespacesRules: byPodAddress ? [...allNamespacesRules, ...byAddressRules.filter((r) => !allNamespacesRules.some((x) => x.rule === r.rule))] : allNamespacesRules,
      ...(beyond ? { allNamespacesBut: beyond } : {}),
      ...(byPodAddress ? { byPodAddress } : {}),
      internet,
      selectors,
    };
  }

  /** What every internet address may open to the workload (ingress), or the workload to every one (egress). */
  private internetConnection(w: Workload, direction: Direction): ConnectionSet {
    const peers = direction === 'ingress' ? this.model.externalSources : this.model.externalDestinations;
    let acc = ConnectionSet.ALL;
    for (const peer of peers) {
      if (!holdsInternet(peer.range)) continue;
      acc = acc.intersect(direction === 'ingress' ? this.model.connection(peer, w) : this.model.connection(w, peer));
      if (acc.isEmpty()) break;
    }
    return acc;
  }

  /**
   * Whether a pod of the input matches a selector peer given by plain labels (netpol-analyzer's
   * refinement): such a peer is a workload the connection list already shows.
   */
  private matchedByInputPod(key: string, nsSel: Obj, podSel: Obj | undefined): boolean {
    let hit = this.matchedByPod.get(key);
    if (hit !== undefined) return hit;
    const plain = (s: Obj) => asArray(s.matchExpressions).length === 0 && !isEmptySelector(s);
    hit = false;
    if (podSel && plain(nsSel) && plain(podSel)) {
      for (const g of this.model.groups) {
        if (!selectorMatches(podSel, g.labels)) continue;
        const nsLabels = this.inventory.namespaceLabels(g.namespace) ?? { [METADATA_NAME]: g.namespace };
        if (selectorMatches(nsSel, nsLabels)) {
          hit = true;
          break;
        }
      }
    }
    this.matchedByPod.set(key, hit);
    return hit;
  }
}

/**
 * Whether a rule's peers take in every pod of a selector peer: the same namespace selector (or all
 * namespaces) and the same pod selector (or all pods).
 */
function covers(r: OwnedRule, nsSel: Obj, podSel: Obj | undefined): boolean {
  if (r.rule.peers === 'any') return true;
  const wantNs = selectorKey(nsSel);
  const wantPods = podSel && !isEmptySelector(podSel) ? selectorKey(podSel) : undefined;
  return r.rule.peers.some((p) => {
    if (p.kind !== 'pods') return false;
    const ns = p.namespaceSelector ?? { matchLabels: { [METADATA_NAME]: r.policy.namespace } };
    const nsOk = isEmptySelector(ns) || selectorKey(ns) === wantNs;
    const podsOk = p.podSelector === undefined || isEmptySelector(p.podSelector) || (wantPods !== undefined && selectorKey(p.podSelector) === wantPods);
    return nsOk && podsOk;
  });
}

const ANALYSES = new Memo<Inventory, ExposureAnalysis>();

/** One exposure analysis per inventory, over the shared reachability model, built on first use. */
export function exposureOf(inventory: Inventory): ExposureAnalysis {
  return ANALYSES.of(inventory, (inv) => new ExposureAnalysis(inv));
}

/** `shop/allow-all spec.ingress[0]`: where a rule is written. */
export function ruleName(r: OwnedRule): string {
  return `${r.policy.namespace}/${r.policy.name} spec.${r.rule.direction}[${r.rule.index}]`;
}

/** `a, b, c and 4 more`. */
export function listSome(names: readonly string[], max = 4): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/**
 * The rules of the policies that open a direction to the internet, for naming them: those admitting
 * every internet address on every port, else every rule admitting some internet address (several
 * then open it together).
 */
export function internetRules(policies: readonly NetworkPolicyModel[], direction: Direction): OwnedRule[] {
  const rules = policies.flatMap((policy) => policy[direction].map((rule) => ({ policy, rule })));
  const whole = rules.filter((r) => r.rule.ports.fixed.isAll() && admitsWholeInternet(r.rule));
  return whole.length ? whole : rules.filter((r) => admitsInternet(r.rule));
}
