import { Memo } from '../../core/memo.js';
import { selectorMatches, type Inventory } from '../../core/inventory.js';
import type { Obj } from '../../core/resource.js';
import { formatRange, intersectRange, rangesContain, splitAddressSpace, type Family, type IpRange } from './ip.js';
import { hasNamedPorts, isNetworkPolicy, parseNetworkPolicy, selectsLabels, type Direction, type NetworkPolicyModel, type PolicyProblem, type PolicyRule } from './policy.js';
import { ConnectionSet, ConnectionTable, type Protocol } from './ports.js';
import { collectWorkloads, type PodGroup, type Workload } from './workloads.js';

/** A range of addresses outside the cluster that every ipBlock allows or denies as a whole. */
export interface ExternalPeer {
  type: 'external';
  range: IpRange;
  /** `start-end[External]`. */
  label: string;
}

export type Peer = Workload | ExternalPeer;

export interface Connection {
  src: Peer;
  dst: Peer;
  conn: ConnectionSet;
}

/**
 * One side of a query: a workload by `ns/name` or `ns/name[Kind]`, the workloads of these labels (the
 * pods behind a Service), or an address range.
 */
export type PeerQuery = { workload: string } | { workloads: readonly string[] } | { range: IpRange };

export interface ReachQuery {
  from?: PeerQuery;
  to?: PeerQuery;
  /** Only these ports of this protocol. */
  port?: { protocol: Protocol; start: number; end: number };
}

/** A peer in the pairwise loop: the ids of its pod groups, or the index of its external range (-1 for a workload). */
interface End {
  peer: Peer;
  external: number;
  groups: number[];
}

/** What a rule's peers match: pod groups (a bitset over group ids, or every group) and external ranges. */
interface RuleMatch {
  allGroups: boolean;
  groups: Uint32Array;
  /** Indexes into the external peers of the rule's direction (sources for ingress, destinations for egress). */
  externals: number[];
}

/**
 * The policies isolating some pod groups in one direction, with the answer they give: per peer group
 * and per external range, the connection id their rules allow together (0 when none).
 */
interface Signature {
  direction: Direction;
  policies: number[];
  /** For ingress with named ports: the destination group the names resolve against. */
  resolveAgainst: PodGroup;
  pods?: Int32Array;
  externals?: Int32Array;
}

const METADATA_NAME = 'kubernetes.io/metadata.name';

function compareLabels(a: { label: string }, b: { label: string }): number {
  return a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
}

function externalPeer(range: IpRange): ExternalPeer {
  return { type: 'external', range, label: `${formatRange(range)}[External]` };
}

/**
 * NetworkPolicy reachability between the workloads of an inventory and the addresses outside the
 * cluster, with the semantics of Kubernetes NetworkPolicy: a pod selected by no policy of a
 * direction is open in that direction; once selected, only the union of the matching rules of the
 * selecting policies is allowed; a connection needs the source's egress and the destination's
 * ingress. ipBlocks match addresses outside the cluster only, never pods (as netpol-analyzer
 * models them), and the address space is split into the ranges the ipBlocks of each direction
 * induce, so each external peer is allowed or denied as a whole.
 *
 * Pods are grouped first (namespace, labels, named ports) and every policy decision is made per
 * group, through the sets of policies that isolate groups ("signatures"): the work grows with the
 * groups and policies, and a pair of workloads is then a few integer lookups.
 */
export class ReachabilityModel {
  /** Every workload, sorted by its label. */
  readonly workloads: readonly Workload[];
  readonly groups: readonly PodGroup[];
  readonly policies: readonly NetworkPolicyModel[];
  /** What could not be read in the policies; each is reported and the rest is evaluated. */
  readonly problems: readonly PolicyProblem[];
  /** The external ranges as sources: the address space split by the ipBlocks of ingress rules. */
  readonly externalSources: readonly ExternalPeer[];
  /** The external ranges as destinations: split by the ipBlocks of egress rules. */
  readonly externalDestinations: readonly ExternalPeer[];

  private readonly table = new ConnectionTable();
  private readonly namespaceLabels = new Map<string, Record<string, string>>();
  private readonly groupsByNamespace = new Map<string, PodGroup[]>();
  /** Per direction and group: the index of its signature, or -1 when no policy isolates it. */
  private readonly signatureOf: Record<Direction, Int32Array>;
  private readonly signatures: Record<Direction, Signature[]> = { ingress: [], egress: [] };
  private readonly policySelects: Record<Direction, number[][]> = { ingress: [], egress: [] };
  private readonly matches = new Map<PolicyRule, RuleMatch>();
  private readonly peerGroups = new Map<string, Uint32Array>();
  private readonly fixedIds = new Map<PolicyRule, number>();
  private readonly resolvedIds = new Map<PolicyRule, Map<string, number>>();
  private readonly ruleOwner = new Map<PolicyRule, NetworkPolicyModel>();

  constructor(inventory: Inventory) {
    const { workloads, groups } = collectWorkloads(inventory);
    this.workloads = workloads.sort(compareLabels);
    this.groups = groups;
    for (const g of groups) {
      let list = this.groupsByNamespace.get(g.namespace);
      if (!list) this.groupsByNamespace.set(g.namespace, (list = []));
      list.push(g);
      if (!this.namespaceLabels.has(g.namespace)) {
        // A namespace with pods exists even when its Namespace object is not in the input; the API
        // server gives every namespace the kubernetes.io/metadata.name label.
        this.namespaceLabels.set(g.namespace, inventory.namespaceLabels(g.namespace) ?? { [METADATA_NAME]: g.namespace });
      }
    }

    const policies: NetworkPolicyModel[] = [];
    const problems: PolicyProblem[] = [];
    for (const r of inventory.byKind('NetworkPolicy')) {
      if (!isNetworkPolicy(r)) continue;
      const parsed = parseNetworkPolicy(r);
      policies.push(parsed.policy);
      problems.push(...parsed.problems);
      for (const rule of [...parsed.policy.ingress, ...parsed.policy.egress]) this.ruleOwner.set(rule, parsed.policy);
    }
    this.policies = policies;
    this.problems = problems;

    const ranges = (dir: Direction) =>
      policies.flatMap((p) => p[dir].flatMap((rule) => (rule.peers === 'any' ? [] : rule.peers.flatMap((peer) => (peer.kind === 'ipBlock' ? peer.ranges : [])))));
    const ingressRanges = ranges('ingress');
    const egressRanges = ranges('egress');
    // IPv6 joins the address space when some policy names an IPv6 block (the cluster is dual-stack).
    const families: Family[] = [...ingressRanges, ...egressRanges].some((r) => r.family === 6) ? [4, 6] : [4];
    this.externalSources = splitAddressSpace(ingressRanges, families).map(externalPeer);
    this.externalDestinations = splitAddressSpace(egressRanges, families).map(externalPeer);

    this.signatureOf = { ingress: new Int32Array(groups.length).fill(-1), egress: new Int32Array(groups.length).fill(-1) };
    const selected: Record<Direction, number[][]> = { ingress: groups.map(() => []), egress: groups.map(() => []) };
    policies.forEach((p, pi) => {
      const inNamespace = this.groupsByNamespace.get(p.namespace) ?? [];
      const picked = inNamespace.filter((g) => selectsLabels(p, g.labels));
      for (const dir of ['ingress', 'egress'] as const) {
        this.policySelects[dir].push(p.affects[dir] ? picked.map((g) => g.id) : []);
        if (p.affects[dir]) for (const g of picked) selected[dir][g.id]!.push(pi);
      }
    });
    for (const dir of ['ingress', 'egress'] as const) {
      const byKey = new Map<string, number>();
      for (const g of groups) {
        const list = selected[dir][g.id]!;
        if (list.length === 0) continue;
        // Ingress named ports resolve against the selected pod, so its ports are part of the answer.
        const named = dir === 'ingress' && list.some((pi) => hasNamedPorts(policies[pi]!.ingress));
        const key = `${list.join(',')}${named ? `#${g.portsKey}` : ''}`;
        let index = byKey.get(key);
        if (index === undefined) {
          index = this.signatures[dir].length;
          byKey.set(key, index);
          this.signatures[dir].push({ direction: dir, policies: list, resolveAgainst: g });
        }
        this.signatureOf[dir][g.id] = index;
      }
    }
  }

  /** Whether some policy isolates the workload (one of its pod groups) in a direction. */
  isolated(workload: Workload, direction: Direction): boolean {
    return workload.groups.some((g) => this.signatureOf[direction][g.id]! >= 0);
  }

  /** The policies that isolate a pod group in a direction, in the order of `policies`; none when it is open. */
  groupPolicies(group: PodGroup, direction: Direction): NetworkPolicyModel[] {
    const sig = this.signatureOf[direction][group.id]!;
    return sig >= 0 ? this.signatures[direction][sig]!.policies.map((pi) => this.policies[pi]!) : [];
  }

  /** The policies that select the workload's pods for a direction. */
  policiesSelecting(workload: Workload, direction: Direction): NetworkPolicyModel[] {
    const out = new Set<NetworkPolicyModel>();
    for (const g of workload.groups) for (const p of this.groupPolicies(g, direction)) out.add(p);
    return [...out];
  }

  /** The workloads a policy isolates in a direction (none when the direction is not among its types). */
  workloadsSelectedBy(policy: NetworkPolicyModel, direction: Direction): Workload[] {
    const pi = this.policies.indexOf(policy);
    const out = new Set<Workload>();
    for (const gid of this.policySelects[direction][pi] ?? []) for (const w of this.groups[gid]!.workloads) out.add(w);
    return [...out].sort(compareLabels);
  }

  /** The workload with this label (`ns/name[Kind]`). */
  workload(label: string): Workload | undefined {
    return this.workloads.find((w) => w.label === label);
  }

  /** What the policies allow from one peer to another (nothing between two external ranges). */
  connection(src: Peer, dst: Peer): ConnectionSet {
    return this.table.get(this.pairId(this.end(src, 'source'), this.end(dst, 'destination')));
  }

  /** A peer as the pairwise loop reads it: its group ids, or the index of its external range. */
  private end(peer: Peer, side: 'source' | 'destination'): End {
    if (peer.type === 'workload') return { peer, external: -1, groups: peer.groups.map((g) => g.id) };
    const peers = side === 'source' ? this.externalSources : this.externalDestinations;
    const i = peers.findIndex((p) => p.range.family === peer.range.family && p.range.start <= peer.range.start && peer.range.start <= p.range.end);
    if (i < 0) throw new Error(`no external range holds ${formatRange(peer.range)}`);
    return { peer, external: i, groups: [] };
  }

  private pairId(src: End, dst: End): number {
    if (src.external >= 0) {
      if (dst.external >= 0) return ConnectionTable.NONE;
      let acc = ConnectionTable.NONE;
      for (const d of dst.groups) acc = this.table.union(acc, this.ingressFromExternal(d, src.external));
      return acc;
    }
    if (dst.external >= 0) {
      let acc = ConnectionTable.NONE;
      for (const s of src.groups) acc = this.table.union(acc, this.egressToExternal(s, dst.external));
      return acc;
    }
    if (src.groups.length === 1 && dst.groups.length === 1) return this.groupConnection(src.groups[0]!, dst.groups[0]!);
    let acc = ConnectionTable.NONE;
    for (const s of src.groups) for (const d of dst.groups) acc = this.table.union(acc, this.groupConnection(s, d));
    return acc;
  }

  private groupConnection(s: number, d: number): number {
    const es = this.signatureOf.egress[s]!;
    const egress = es < 0 ? ConnectionTable.ALL : this.podTable(this.signatures.egress[es]!)[d]!;
    if (egress === ConnectionTable.NONE) return egress;
    const is = this.signatureOf.ingress[d]!;
    const ingress = is < 0 ? ConnectionTable.ALL : this.podTable(this.signatures.ingress[is]!)[s]!;
    return this.table.meet(egress, ingress);
  }

  private ingressFromExternal(d: number, x: number): number {
    const is = this.signatureOf.ingress[d]!;
    return is < 0 ? ConnectionTable.ALL : this.externalTable(this.signatures.ingress[is]!)[x]!;
  }

  private egressToExternal(s: number, y: number): number {
    const es = this.signatureOf.egress[s]!;
    return es < 0 ? ConnectionTable.ALL : this.externalTable(this.signatures.egress[es]!)[y]!;
  }

  private podTable(sig: Signature): Int32Array {
    if (!sig.pods) this.fill(sig);
    return sig.pods!;
  }

  private externalTable(sig: Signature): Int32Array {
    if (!sig.externals) this.fill(sig);
    return sig.externals!;
  }

  /** The union, over the signature's policies and rules, of what each rule allows to each peer. */
  private fill(sig: Signature): void {
    const pods = new Int32Array(this.groups.length);
    const externalCount = (sig.direction === 'ingress' ? this.externalSources : this.externalDestinations).length;
    const externals = new Int32Array(externalCount);
    for (const pi of sig.policies) {
      for (const rule of this.policies[pi]![sig.direction]) {
        const match = this.match(rule);
        const fixed = this.fixedId(rule);
        if (sig.direction === 'ingress') {
          // Every source meets the same destination ports: the selected pod's, names resolved on it.
          const id = rule.ports.named.length ? this.resolvedId(rule, sig.resolveAgainst) : fixed;
          this.unionInto(pods, match, () => id);
          for (const x of match.externals) externals[x] = this.table.union(externals[x]!, id);
        } else {
          // Each destination pod resolves the names on its own ports; an address has no named ports.
          this.unionInto(pods, match, rule.ports.named.length ? (g) => this.resolvedId(rule, this.groups[g]!) : () => fixed);
          for (const y of match.externals) externals[y] = this.table.union(externals[y]!, fixed);
        }
      }
    }
    sig.pods = pods;
    sig.externals = externals;
  }

  private unionInto(acc: Int32Array, match: RuleMatch, idOf: (group: number) => number): void {
    if (match.allGroups) {
      for (let g = 0; g < acc.length; g++) acc[g] = this.table.union(acc[g]!, idOf(g));
      return;
    }
    const bits = match.groups;
    for (let w = 0; w < bits.length; w++) {
      let word = bits[w]!;
      while (word !== 0) {
        const low = word & -word;
        const g = w * 32 + 31 - Math.clz32(low);
        acc[g] = this.table.union(acc[g]!, idOf(g));
        word ^= low;
      }
    }
  }

  private fixedId(rule: PolicyRule): number {
    let id = this.fixedIds.get(rule);
    if (id === undefined) this.fixedIds.set(rule, (id = this.table.id(rule.ports.fixed)));
    return id;
  }

  /** A rule's ports with its named ports resolved against a pod group: same name and same protocol. */
  private resolvedId(rule: PolicyRule, group: PodGroup): number {
    let perPorts = this.resolvedIds.get(rule);
    if (!perPorts) this.resolvedIds.set(rule, (perPorts = new Map()));
    let id = perPorts.get(group.portsKey);
    if (id === undefined) {
      let set = rule.ports.fixed;
      for (const named of rule.ports.named) {
        const port = group.namedPorts.find((p) => p.name === named.name);
        if (port && port.protocol === named.protocol) set = set.union(ConnectionSet.of(port.protocol, port.port));
      }
      perPorts.set(group.portsKey, (id = this.table.id(set)));
    }
    return id;
  }

  private match(rule: PolicyRule): RuleMatch {
    let m = this.matches.get(rule);
    if (m) return m;
    const externals = rule.direction === 'ingress' ? this.externalSources : this.externalDestinations;
    if (rule.peers === 'any') {
      m = { allGroups: true, groups: new Uint32Array(0), externals: externals.map((_, i) => i) };
    } else {
      const policy = this.ruleOwner.get(rule)!;
      const groups = new Uint32Array(Math.ceil(this.groups.length / 32));
      const hit = new Set<number>();
      for (const peer of rule.peers) {
        if (peer.kind === 'pods') {
          const bits = this.peerGroupBits(policy.namespace, peer.namespaceSelector, peer.podSelector);
          for (let i = 0; i < bits.length; i++) groups[i]! |= bits[i]!;
        } else if (peer.kind === 'ipBlock') {
          externals.forEach((x, i) => {
            if (rangesContain(peer.ranges, x.range.family, x.range.start)) hit.add(i);
          });
        }
      }
      m = { allGroups: false, groups, externals: [...hit].sort((a, b) => a - b) };
    }
    this.matches.set(rule, m);
    return m;
  }

  /** The groups a pods peer selects, shared by every rule with the same selectors. */
  private peerGroupBits(policyNamespace: string, namespaceSelector: Obj | undefined, podSelector: Obj | undefined): Uint32Array {
    const key = `${namespaceSelector === undefined ? `=${policyNamespace}` : JSON.stringify(namespaceSelector)}\u0000${podSelector === undefined ? '*' : JSON.stringify(podSelector)}`;
    let bits = this.peerGroups.get(key);
    if (bits) return bits;
    bits = new Uint32Array(Math.ceil(this.groups.length / 32));
    const namespaces =
      namespaceSelector === undefined ? [policyNamespace] : [...this.namespaceLabels].filter(([, labels]) => selectorMatches(namespaceSelector, labels)).map(([ns]) => ns);
    for (const ns of namespaces) {
      for (const g of this.groupsByNamespace.get(ns) ?? []) {
        if (podSelector === undefined || selectorMatches(podSelector, g.labels)) bits[g.id >>> 5]! |= 1 << (g.id & 31);
      }
    }
    this.peerGroups.set(key, bits);
    return bits;
  }

  /**
   * Every pair of peers with something allowed, sorted by source then destination label (byte
   * order), as netpol-analyzer lists them: workload to workload (never a workload to itself),
   * external range to workload and workload to external range.
   */
  *connections(query: ReachQuery = {}): Generator<Connection> {
    const srcs = this.side(query.from, this.externalSources).map((p) => this.end(p, 'source'));
    const dsts = this.side(query.to, this.externalDestinations).map((p) => this.end(p, 'destination'));
    const restrict = query.port ? this.table.id(ConnectionSet.of(query.port.protocol, query.port.start, query.port.end)) : ConnectionTable.ALL;
    for (const src of srcs) {
      for (const dst of dsts) {
        if (src.peer === dst.peer || (src.external >= 0 && dst.external >= 0)) continue;
        const id = this.table.meet(this.pairId(src, dst), restrict);
        if (id !== ConnectionTable.NONE) yield { src: src.peer, dst: dst.peer, conn: this.table.get(id) };
      }
    }
  }

  /** The peers of one side of a query, sorted by label; a range query is cut to the range. */
  private side(q: PeerQuery | undefined, externals: readonly ExternalPeer[]): Peer[] {
    if (q === undefined) return [...externals, ...this.workloads].sort(compareLabels);
    if ('workload' in q) return this.workloads.filter((w) => w.label === q.workload || `${w.namespace}/${w.name}` === q.workload);
    if ('workloads' in q) return this.workloads.filter((w) => q.workloads.includes(w.label));
    return externals
      .flatMap((x) => {
        const part = intersectRange(x.range, q.range);
        return part ? [externalPeer(part)] : [];
      })
      .sort(compareLabels);
  }
}

const MODELS = new Memo<Inventory, ReachabilityModel>();

/** One model per inventory, built on first use and shared by every rule and command. */
export function reachabilityModelOf(inventory: Inventory): ReachabilityModel {
  return MODELS.of(inventory, (inv) => new ReachabilityModel(inv));
}
