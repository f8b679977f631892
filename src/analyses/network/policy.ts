import { selectorMatches } from '../../core/inventory.js';
import { asArray, asObj, asString, isObj, stringMap, type Obj, type Resource } from '../../core/resource.js';
import { parseCidr, subtractRange, type IpRange } from './ip.js';
import { ConnectionSet, isProtocol, MAX_PORT, MIN_PORT, type Protocol } from './ports.js';

export type Direction = 'ingress' | 'egress';

/** A port of a rule given by name: resolved against the destination pod's container ports. */
export interface NamedPort {
  name: string;
  protocol: Protocol;
}

/** The ports of one rule: what numbers and whole protocols allow, and the names still to resolve. */
export interface RulePorts {
  fixed: ConnectionSet;
  named: NamedPort[];
}

/**
 * One entry of a rule's `from`/`to`. `pods` selects pods: `namespaceSelector` undefined means the
 * policy's own namespace, `podSelector` undefined means every pod of the selected namespaces.
 * `ipBlock` selects addresses outside the cluster only. `invalid` (no selector and no ipBlock, or an
 * ipBlock beside a selector: the API server refuses both) selects nothing.
 */
export type PolicyPeer =
  | { kind: 'pods'; namespaceSelector: Obj | undefined; podSelector: Obj | undefined }
  | { kind: 'ipBlock'; cidr: string; ranges: IpRange[] }
  | { kind: 'invalid' };

export interface PolicyRule {
  direction: Direction;
  /** Position in `spec.ingress` or `spec.egress`. */
  index: number;
  /** `any`: the rule has no `from`/`to` (or an empty one), so it matches every pod and every address. */
  peers: PolicyPeer[] | 'any';
  ports: RulePorts;
}

/** A NetworkPolicy with Kubernetes' defaults applied. */
export interface NetworkPolicyModel {
  resource: Resource;
  namespace: string;
  name: string;
  /** An absent podSelector selects every pod of the namespace, as an empty one does. */
  podSelector: Obj;
  /** The directions the policy isolates its pods in (`policyTypes`, or its default). */
  affects: Record<Direction, boolean>;
  ingress: PolicyRule[];
  egress: PolicyRule[];
}

export interface PolicyProblem {
  policy: Resource;
  message: string;
}

/**
 * Kubernetes' own NetworkPolicy (`networking.k8s.io`, once also served as `extensions/v1beta1`), not a
 * CNI's kind of the same name with other semantics (Calico's `projectcalico.org`).
 */
export function isNetworkPolicy(r: Resource): boolean {
  return r.kind === 'NetworkPolicy' && (r.apiVersion.startsWith('networking.k8s.io/') || r.apiVersion === 'extensions/v1beta1');
}

/** The namespace an object lands in: the one it names, else `default`. */
export function namespaceOf(r: Resource): string {
  return r.namespace ?? 'default';
}

/**
 * `policyTypes` when given; otherwise Ingress always, and Egress when the policy has egress rules —
 * the defaulting of the API server.
 */
function affectedDirections(spec: Obj, problems: string[]): Record<Direction, boolean> {
  const written = asArray(spec.policyTypes);
  const types: string[] = [];
  written.forEach((t, i) => {
    if (t === 'Ingress' || t === 'Egress') types.push(t);
    // The API server refuses the policy, so the cluster holds none of it: it isolates nothing that way.
    else problems.push(`spec.policyTypes[${i}]: ${JSON.stringify(t)} is not Ingress or Egress (the API server refuses the policy${typeof t === 'string' && /^(ingress|egress)$/i.test(t) ? '; the types are case-sensitive' : ''}); ignored`);
  });
  if (written.length) return { ingress: types.includes('Ingress'), egress: types.includes('Egress') };
  return { ingress: true, egress: asArray(spec.egress).length > 0 };
}

function parsePorts(raw: unknown, where: string, problems: string[]): RulePorts {
  if (raw !== undefined && raw !== null && !Array.isArray(raw)) {
    problems.push(`${where}.ports is not a list; the rule allows nothing`);
    return { fixed: ConnectionSet.NONE, named: [] };
  }
  const list = asArray(raw);
  // No ports (absent or empty): every port of every protocol.
  if (list.length === 0) return { fixed: ConnectionSet.ALL, named: [] };
  let fixed = ConnectionSet.NONE;
  const named: NamedPort[] = [];
  list.forEach((entry, i) => {
    const p = asObj(entry) ?? {};
    const protocol = p.protocol ?? 'TCP';
    if (!isProtocol(protocol)) {
      problems.push(`${where}.ports[${i}]: protocol ${JSON.stringify(protocol)} is not TCP, UDP or SCTP; this port allows nothing`);
      return;
    }
    const port = p.port;
    if (port === undefined || port === null) {
      fixed = fixed.union(ConnectionSet.allOf(protocol));
      return;
    }
    if (typeof port === 'string') {
      // A port name must hold a letter: "8080" is a number the API server refuses to read as one.
      if (!/[a-z]/i.test(port)) problems.push(`${where}.ports[${i}].port: ${JSON.stringify(port)} is a number written as a string; the API server refuses it, and it names no port here`);
      if (p.endPort !== undefined) problems.push(`${where}.ports[${i}]: endPort is ignored with a named port`);
      named.push({ name: port, protocol });
      return;
    }
    if (typeof port !== 'number' || !Number.isInteger(port) || port < MIN_PORT || port > MAX_PORT) {
      problems.push(`${where}.ports[${i}]: port ${JSON.stringify(port)} is not a port number or name; this port allows nothing`);
      return;
    }
    const end = p.endPort ?? port;
    if (typeof end !== 'number' || !Number.isInteger(end) || end < port || end > MAX_PORT) {
      problems.push(`${where}.ports[${i}]: endPort ${JSON.stringify(end)} is not a port at or above ${port}; this port allows nothing`);
      return;
    }
    fixed = fixed.union(ConnectionSet.of(protocol, port, end));
  });
  return { fixed, named };
}

function parseIpBlock(block: Obj, where: string, problems: string[]): PolicyPeer {
  const cidr = asString(block.cidr) ?? '';
  const range = parseCidr(cidr);
  if (!range) {
    problems.push(`${where}.ipBlock: cidr ${JSON.stringify(block.cidr)} is not a CIDR; this peer selects nothing`);
    return { kind: 'invalid' };
  }
  let ranges = [range];
  asArray(block.except).forEach((e, i) => {
    const cut = typeof e === 'string' ? parseCidr(e) : undefined;
    if (!cut || cut.family !== range.family) {
      problems.push(`${where}.ipBlock.except[${i}]: ${JSON.stringify(e)} is not a CIDR of the same family as ${cidr}; ignored`);
      return;
    }
    // The API server refuses an except that is not strictly inside the cidr; cutting it still selects what is left.
    if (cut.start < range.start || cut.end > range.end || (cut.start === range.start && cut.end === range.end)) {
      problems.push(`${where}.ipBlock.except[${i}]: ${JSON.stringify(e)} is not strictly inside ${cidr} (the API server refuses the policy)`);
    }
    ranges = subtractRange(ranges, cut);
  });
  return { kind: 'ipBlock', cidr, ranges };
}

/** A selector that selects nothing: an operator the matcher does not know never matches. */
const SELECTS_NOTHING: Obj = { matchExpressions: [{ key: '', operator: 'Malformed' }] };

/**
 * Why the API server would refuse a selector whose labels are not all strings (`tier: 2`, `enabled: true`
 * unquoted: a map[string]string holds none of them); undefined when every label and value is one.
 * Dropping such a label would make the selector select more than it says.
 */
function nonStringLabels(sel: Obj): string | undefined {
  const labels = asObj(sel.matchLabels);
  const bad = Object.entries(labels ?? {}).filter(([, v]) => typeof v !== 'string');
  if (bad.length) return `matchLabels ${bad.map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ')} ${bad.length === 1 ? 'is' : 'are'} not a string (quote ${bad.length === 1 ? 'it' : 'them'}; the API server refuses the policy)`;
  const values = asArray(sel.matchExpressions).flatMap((e) => asArray(asObj(e)?.values).filter((v) => typeof v !== 'string'));
  if (values.length) return `matchExpressions values ${values.map((v) => JSON.stringify(v)).join(', ')} ${values.length === 1 ? 'is' : 'are'} not a string (the API server refuses the policy)`;
  return undefined;
}

function parsePeer(raw: unknown, where: string, problems: string[]): PolicyPeer {
  const peer = asObj(raw) ?? {};
  const podSelector = peer.podSelector === null ? undefined : peer.podSelector;
  const namespaceSelector = peer.namespaceSelector === null ? undefined : peer.namespaceSelector;
  const ipBlock = peer.ipBlock === null ? undefined : peer.ipBlock;
  const selects = podSelector !== undefined || namespaceSelector !== undefined;
  if (ipBlock !== undefined) {
    if (selects) {
      problems.push(`${where}: ipBlock cannot be combined with podSelector or namespaceSelector (the API server refuses it); this peer selects nothing`);
      return { kind: 'invalid' };
    }
    if (!isObj(ipBlock)) {
      problems.push(`${where}.ipBlock is not a mapping; this peer selects nothing`);
      return { kind: 'invalid' };
    }
    return parseIpBlock(ipBlock, where, problems);
  }
  if (!selects) {
    problems.push(`${where}: a peer needs podSelector, namespaceSelector or ipBlock (the API server refuses an empty one); this peer selects nothing`);
    return { kind: 'invalid' };
  }
  if ((podSelector !== undefined && !isObj(podSelector)) || (namespaceSelector !== undefined && !isObj(namespaceSelector))) {
    problems.push(`${where}: a selector is not a mapping; this peer selects nothing`);
    return { kind: 'invalid' };
  }
  for (const [key, sel] of [['podSelector', podSelector], ['namespaceSelector', namespaceSelector]] as const) {
    const why = sel === undefined ? undefined : nonStringLabels(sel as Obj);
    if (why) {
      problems.push(`${where}.${key}: ${why}; this peer selects nothing`);
      return { kind: 'invalid' };
    }
  }
  return { kind: 'pods', namespaceSelector: namespaceSelector as Obj | undefined, podSelector: podSelector as Obj | undefined };
}

function parseRules(spec: Obj, direction: Direction, problems: string[]): PolicyRule[] {
  const peersKey = direction === 'ingress' ? 'from' : 'to';
  return asArray(spec[direction]).map((raw, index) => {
    const where = `spec.${direction}[${index}]`;
    const rule = asObj(raw);
    const peers = rule?.[peersKey];
    // A mapping where a list belongs (`from: {podSelector: ...}`) is a slip that must not read as "from anywhere".
    if (!rule || (peers !== undefined && peers !== null && !Array.isArray(peers))) {
      problems.push(`${where}${rule ? `.${peersKey}` : ''} is not a ${rule ? 'list' : 'mapping'}; the rule allows nothing`);
      return { direction, index, peers: [{ kind: 'invalid' }], ports: { fixed: ConnectionSet.NONE, named: [] } };
    }
    const list = asArray(peers);
    return {
      direction,
      index,
      // An absent or empty from/to matches everything, pods and addresses alike.
      peers: list.length === 0 ? 'any' : list.map((p, i) => parsePeer(p, `${where}.${peersKey}[${i}]`, problems)),
      ports: parsePorts(rule.ports, where, problems),
    };
  });
}

/** A NetworkPolicy object read into its model, with what could not be read in it. */
export function parseNetworkPolicy(resource: Resource): { policy: NetworkPolicyModel; problems: PolicyProblem[] } {
  let parsed = PARSED.get(resource);
  if (!parsed) PARSED.set(resource, (parsed = readNetworkPolicy(resource)));
  return parsed;
}

// The model, the exposure analysis and the namespace rules all read the same policies: read each once.
const PARSED = new WeakMap<Resource, { policy: NetworkPolicyModel; problems: PolicyProblem[] }>();

function readNetworkPolicy(resource: Resource): { policy: NetworkPolicyModel; problems: PolicyProblem[] } {
  const spec = asObj(resource.object.spec) ?? {};
  const messages: string[] = [];
  const podSelector = spec.podSelector === undefined || spec.podSelector === null ? {} : asObj(spec.podSelector);
  if (!podSelector) messages.push('spec.podSelector is not a mapping; the policy selects no pod');
  const unreadLabels = podSelector ? nonStringLabels(podSelector) : undefined;
  if (unreadLabels) messages.push(`spec.podSelector: ${unreadLabels}; the policy selects no pod`);
  const policy: NetworkPolicyModel = {
    resource,
    namespace: namespaceOf(resource),
    name: resource.name,
    podSelector: podSelector && !unreadLabels ? podSelector : SELECTS_NOTHING,
    affects: affectedDirections(spec, messages),
    ingress: parseRules(spec, 'ingress', messages),
    egress: parseRules(spec, 'egress', messages),
  };
  return { policy, problems: messages.map((message) => ({ policy: resource, message })) };
}

/** Whether a rule can name a port that must be resolved against the destination pod. */
export function hasNamedPorts(rules: readonly PolicyRule[]): boolean {
  return rules.some((r) => r.ports.named.length > 0);
}

/** `{}`, `{matchLabels: {}}`: a selector that selects everything. */
export function isEmptySelector(sel: Obj | undefined): boolean {
  return sel !== undefined && Object.keys(stringMap(sel.matchLabels)).length === 0 && asArray(sel.matchExpressions).length === 0;
}

/** Whether the policy selects pods with these labels (in its own namespace: the caller matches that). */
export function selectsLabels(policy: NetworkPolicyModel, labels: Record<string, string>): boolean {
  return selectorMatches(policy.podSelector, labels);
}

/** `podSelector: {}` (or absent): the policy applies to every pod of its namespace. */
export function selectsEveryPod(policy: NetworkPolicyModel): boolean {
  return isEmptySelector(policy.podSelector);
}

/**
 * A policy that isolates every pod of its namespace in one direction and allows nothing there: the
 * default deny. Kubernetes has no rule that allows nothing other than none at all: a rule without
 * `from`/`to` allows every peer, and a peer must name pods, namespaces or addresses.
 */
export function isDefaultDeny(policy: NetworkPolicyModel, direction: Direction): boolean {
  return policy.affects[direction] && selectsEveryPod(policy) && policy[direction].length === 0;
}

/**
 * A rule without peers on every port allows every source (or destination): the pods the policy
 * selects are as open in that direction as if no policy selected them (`ingress: [{}]`).
 */
export function allowsEverything(policy: NetworkPolicyModel, direction: Direction): boolean {
  return policy[direction].some((rule) => rule.peers === 'any' && rule.ports.fixed.isAll());
}
