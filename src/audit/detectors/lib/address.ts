import { parseCidr, parseIp, rangesContain, type IpRange } from '../../../analyses/network/ip.js';

/**
 * Address ranges that never reach the API server from the internet: private (RFC 1918, unique local),
 * shared (carrier-grade NAT, which some pod networks use), loopback, link-local, "this network",
 * benchmarking, multicast and reserved. An address outside them is public.
 */
const NOT_PUBLIC: readonly IpRange[] = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '198.18.0.0/15', '224.0.0.0/3',
  '::/127', 'fc00::/7', 'fe80::/10', 'ff00::/8',
].map((c) => parseCidr(c) as IpRange);

/** `::ffff:a.b.c.d`, an IPv4 address written as IPv6. */
const V4_MAPPED = parseCidr('::ffff:0:0/96') as IpRange;

export interface Address {
  family: 4 | 6;
  value: bigint;
}

/** An address of a sourceIPs entry; IPv4-mapped IPv6 addresses as the IPv4 address they carry. */
export function address(text: string): Address | undefined {
  const a = parseIp(text);
  if (a && a.family === 6 && rangesContain([V4_MAPPED], 6, a.value)) return { family: 4, value: a.value & 0xffffffffn };
  return a;
}

export function isPublic(a: Address): boolean {
  return !rangesContain(NOT_PUBLIC, a.family, a.value);
}

export function inRanges(a: Address, ranges: readonly IpRange[]): boolean {
  return rangesContain(ranges, a.family, a.value);
}
