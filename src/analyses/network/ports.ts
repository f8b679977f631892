/** The protocols a NetworkPolicy names, in the order connection strings list them. */
export const PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const MIN_PORT = 1;
export const MAX_PORT = 65535;

export function isProtocol(v: unknown): v is Protocol {
  return typeof v === 'string' && (PROTOCOLS as readonly string[]).includes(v);
}

/**
 * A set of ports as sorted, disjoint, non-adjacent inclusive ranges, flattened: `[start0, end0,
 * start1, end1, ...]`. Kept flat because connection sets are built and compared by the thousand.
 */
export type PortRanges = readonly number[];

const FULL: PortRanges = [MIN_PORT, MAX_PORT];
const EMPTY: PortRanges = [];

function normalize(pairs: Array<[number, number]>): number[] {
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [s, e] of pairs) {
    if (e < s) continue;
    const last = out.length - 1;
    if (out.length > 0 && s <= out[last]! + 1) out[last] = Math.max(out[last]!, e);
    else out.push(s, e);
  }
  return out;
}

function unionRanges(a: PortRanges, b: PortRanges): PortRanges {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < a.length; i += 2) pairs.push([a[i]!, a[i + 1]!]);
  for (let i = 0; i < b.length; i += 2) pairs.push([b[i]!, b[i + 1]!]);
  return normalize(pairs);
}

function intersectRanges(a: PortRanges, b: PortRanges): PortRanges {
  if (a.length === 0 || b.length === 0) return EMPTY;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const s = Math.max(a[i]!, b[j]!);
    const e = Math.min(a[i + 1]!, b[j + 1]!);
    if (s <= e) out.push(s, e);
    if (a[i + 1]! < b[j + 1]!) i += 2;
    else j += 2;
  }
  return out;
}

function isFull(r: PortRanges): boolean {
  return r.length === 2 && r[0] === MIN_PORT && r[1] === MAX_PORT;
}

function rangesText(r: PortRanges): string {
  const parts: string[] = [];
  for (let i = 0; i < r.length; i += 2) parts.push(r[i] === r[i + 1] ? `${r[i]}` : `${r[i]}-${r[i + 1]}`);
  return parts.join(',');
}

/**
 * Allowed connections: a port set per protocol. ICMP and other protocols are not modelled, as
 * NetworkPolicy cannot name them; `All Connections` means every port of TCP, UDP and SCTP.
 */
export class ConnectionSet {
  static readonly NONE = new ConnectionSet({ SCTP: EMPTY, TCP: EMPTY, UDP: EMPTY });
  static readonly ALL = new ConnectionSet({ SCTP: FULL, TCP: FULL, UDP: FULL });

  // Printed once per set: a connection list prints the same few sets millions of times.
  private text: string | undefined;

  private constructor(readonly ports: Readonly<Record<Protocol, PortRanges>>) {}

  /** Ports `start..end` of one protocol (clamped to 1..65535). */
  static of(protocol: Protocol, start: number = MIN_PORT, end: number = start): ConnectionSet {
    const s = Math.max(MIN_PORT, start);
    const e = Math.min(MAX_PORT, end);
    if (e < s) return ConnectionSet.NONE;
    return new ConnectionSet({ ...ConnectionSet.NONE.ports, [protocol]: [s, e] });
  }

  /** Every port of one protocol. */
  static allOf(protocol: Protocol): ConnectionSet {
    return ConnectionSet.of(protocol, MIN_PORT, MAX_PORT);
  }

  union(other: ConnectionSet): ConnectionSet {
    if (other === this || other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    return new ConnectionSet({
      SCTP: unionRanges(this.ports.SCTP, other.ports.SCTP),
      TCP: unionRanges(this.ports.TCP, other.ports.TCP),
      UDP: unionRanges(this.ports.UDP, other.ports.UDP),
    });
  }

  intersect(other: ConnectionSet): ConnectionSet {
    if (other === this) return this;
    return new ConnectionSet({
      SCTP: intersectRanges(this.ports.SCTP, other.ports.SCTP),
      TCP: intersectRanges(this.ports.TCP, other.ports.TCP),
      UDP: intersectRanges(this.ports.UDP, other.ports.UDP),
    });
  }

  isEmpty(): boolean {
    return this.ports.SCTP.length === 0 && this.ports.TCP.length === 0 && this.ports.UDP.length === 0;
  }

  isAll(): boolean {
    return isFull(this.ports.SCTP) && isFull(this.ports.TCP) && isFull(this.ports.UDP);
  }

  has(protocol: Protocol, port: number): boolean {
    const r = this.ports[protocol];
    for (let i = 0; i < r.length; i += 2) if (port >= r[i]! && port <= r[i + 1]!) return true;
    return false;
  }

  /** A string that is equal for equal sets. */
  key(): string {
    return `${this.ports.SCTP.join(',')}|${this.ports.TCP.join(',')}|${this.ports.UDP.join(',')}`;
  }

  /**
   * The connlist spelling: `All Connections`, or `PROTO ranges` groups in protocol order, ranges
   * ascending, everything joined by `,` (`TCP 80,UDP 53`, `TCP 1-8079,8081-65535`); empty when nothing
   * is allowed.
   */
  toString(): string {
    if (this.text === undefined) {
      const groups: string[] = [];
      for (const p of PROTOCOLS) if (this.ports[p].length) groups.push(`${p} ${rangesText(this.ports[p])}`);
      this.text = this.isAll() ? 'All Connections' : groups.join(',');
    }
    return this.text;
  }

  /** `{ TCP: [[80, 80], [8000, 8080]] }`: the protocols with allowed ports, for JSON. */
  toJSON(): Partial<Record<Protocol, Array<[number, number]>>> {
    const out: Partial<Record<Protocol, Array<[number, number]>>> = {};
    for (const p of PROTOCOLS) {
      const r = this.ports[p];
      if (!r.length) continue;
      const pairs: Array<[number, number]> = [];
      for (let i = 0; i < r.length; i += 2) pairs.push([r[i]!, r[i + 1]!]);
      out[p] = pairs;
    }
    return out;
  }
}

/** Ids at or above this would collide in the memo keys. */
const ID_LIMIT = 2 ** 26;

/**
 * Connection sets by small integer id, each distinct set stored once, with unions and
 * intersections memoized: the pairwise work of the model is then integer lookups. Id 0 is the
 * empty set and id 1 every connection.
 */
export class ConnectionTable {
  static readonly NONE = 0;
  static readonly ALL = 1;
  private readonly sets: ConnectionSet[] = [ConnectionSet.NONE, ConnectionSet.ALL];
  private readonly ids = new Map<string, number>([
    [ConnectionSet.NONE.key(), 0],
    [ConnectionSet.ALL.key(), 1],
  ]);
  private readonly unions = new Map<number, number>();
  private readonly meets = new Map<number, number>();

  get size(): number {
    return this.sets.length;
  }

  id(set: ConnectionSet): number {
    const key = set.key();
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.sets.length;
      if (id >= ID_LIMIT) throw new Error('too many distinct connection sets');
      this.sets.push(set);
      this.ids.set(key, id);
    }
    return id;
  }

  get(id: number): ConnectionSet {
    const set = this.sets[id];
    if (!set) throw new Error(`unknown connection set ${id}`);
    return set;
  }

  union(a: number, b: number): number {
    if (a === b || b === 0 || a === 1) return a;
    if (a === 0 || b === 1) return b;
    const key = a < b ? a * ID_LIMIT + b : b * ID_LIMIT + a;
    let id = this.unions.get(key);
    if (id === undefined) this.unions.set(key, (id = this.id(this.get(a).union(this.get(b)))));
    return id;
  }

  meet(a: number, b: number): number {
    if (a === b || b === 1) return a;
    if (a === 1) return b;
    if (a === 0 || b === 0) return 0;
    const key = a < b ? a * ID_LIMIT + b : b * ID_LIMIT + a;
    let id = this.meets.get(key);
    if (id === undefined) this.meets.set(key, (id = this.id(this.get(a).intersect(this.get(b)))));
    return id;
  }
}
