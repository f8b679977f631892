/** IPv4 and IPv6 addresses as numbers, CIDRs as ranges, and the ranges NetworkPolicy ipBlocks split the address space into. */

export type Family = 4 | 6;

/** An inclusive range of addresses of one family. */
export interface IpRange {
  family: Family;
  start: bigint;
  end: bigint;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

export function familyMax(family: Family): bigint {
  return (1n << BigInt(BITS[family])) - 1n;
}

/** The whole address space of a family. */
export function universe(family: Family): IpRange {
  return { family, start: 0n, end: familyMax(family) };
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const p of parts) {
    // Leading zeros are refused, as Go's parser (and so the API server) refuses them: `010` is ambiguous.
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  if (text.includes('%')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = parseIpv4(item);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(item)) return undefined;
      out.push(parseInt(item, 16));
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  let value = 0n;
  for (const g of [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail]) value = (value << 16n) | BigInt(g);
  return value;
}

/** An address in either family; undefined when it is not one. */
export function parseIp(text: string): { family: Family; value: bigint } | undefined {
  if (text.includes(':')) {
    const value = parseIpv6(text);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { family: 4, value };
}

/**
 * `10.0.0.0/8` or `2001:db8::/32` as the range it covers. Host bits are masked away, as Go's
 * `net.ParseCIDR` does; undefined when the text is not a CIDR.
 */
export function parseCidr(text: string): IpRange | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const bits = BITS[ip.family];
  if (prefix > bits) return undefined;
  const host = (1n << BigInt(bits - prefix)) - 1n;
  const start = ip.value & ~host & familyMax(ip.family);
  return { family: ip.family, start, end: start | host };
}

export function formatIp(family: Family, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952: the longest run of two or more zero groups (the first on a tie) becomes `::`.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

/** `10.0.0.0-10.255.255.255`: the connlist spelling of a range (a single address as `a-a`). */
export function formatRange(r: IpRange): string {
  return `${formatIp(r.family, r.start)}-${formatIp(r.family, r.end)}`;
}

/** Ranges minus one range; all of one family or another, sorted. */
export function subtractRange(ranges: readonly IpRange[], cut: IpRange): IpRange[] {
  const out: IpRange[] = [];
  for (const r of ranges) {
    if (r.family !== cut.family || cut.end < r.start || cut.start > r.end) {
      out.push(r);
      continue;
    }
    if (r.start < cut.start) out.push({ family: r.family, start: r.start, end: cut.start - 1n });
    if (cut.end < r.end) out.push({ family: r.family, start: cut.end + 1n, end: r.end });
  }
  return out;
}

/** Whether the ranges `cuts` together hold every address of `targets`. */
export function rangesCover(cuts: readonly IpRange[], targets: readonly IpRange[]): boolean {
  return cuts.reduce<readonly IpRange[]>((left, cut) => subtractRange(left, cut), targets).length === 0;
}

/** Whether an address lies in one of the ranges. */
export function rangesContain(ranges: readonly IpRange[], family: Family, value: bigint): boolean {
  for (const r of ranges) if (r.family === family && value >= r.start && value <= r.end) return true;
  return false;
}

export function intersectRange(a: IpRange, b: IpRange): IpRange | undefined {
  if (a.family !== b.family) return undefined;
  const start = a.start > b.start ? a.start : b.start;
  const end = a.end < b.end ? a.end : b.end;
  return start <= end ? { family: a.family, start, end } : undefined;
}

function compareRanges(a: IpRange, b: IpRange): number {
  if (a.family !== b.family) return a.family - b.family;
  return a.start < b.start ? -1 : a.start > b.start ? 1 : 0;
}

/**
 * The address space cut at every edge of the given ranges: the coarsest split in which each given
 * range is a union of pieces, so that every piece is allowed or denied as a whole by every ipBlock.
 * IPv4 is always covered; IPv6 only when asked for (`families`).
 */
export function splitAddressSpace(ranges: readonly IpRange[], families: readonly Family[]): IpRange[] {
  const out: IpRange[] = [];
  for (const family of families) {
    const max = familyMax(family);
    const cuts = new Set<bigint>([0n]);
    for (const r of ranges) {
      if (r.family !== family) continue;
      cuts.add(r.start);
      if (r.end < max) cuts.add(r.end + 1n);
    }
    const sorted = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    sorted.forEach((start, i) => {
      const next = sorted[i + 1];
      out.push({ family, start, end: next === undefined ? max : next - 1n });
    });
  }
  return out.sort(compareRanges);
}
