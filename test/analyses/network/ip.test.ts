import { describe, expect, it } from 'vitest';
import { formatIp, formatRange, parseCidr, parseIp, splitAddressSpace, subtractRange } from '../../../src/analyses/network/ip.js';

describe('IP addresses and CIDRs', () => {
  it('reads IPv4 and refuses leading zeros and out-of-range parts', () => {
    expect(parseIp('10.1.2.3')).toEqual({ family: 4, value: 0x0a010203n });
    expect(parseIp('010.1.2.3')).toBeUndefined();
    expect(parseIp('256.1.2.3')).toBeUndefined();
    expect(parseIp('1.2.3')).toBeUndefined();
  });

  it('reads IPv6 with ::, and with an IPv4 tail', () => {
    expect(parseIp('::1')).toEqual({ family: 6, value: 1n });
    expect(parseIp('2001:db8::ff00:42:8329')?.value).toBe(0x20010db8000000000000ff0000428329n);
    expect(parseIp('::ffff:10.0.0.1')?.value).toBe(0xffff0a000001n);
    expect(parseIp('1::2::3')).toBeUndefined();
    expect(parseIp('1:2:3:4:5:6:7:8:9')).toBeUndefined();
  });

  it('writes IPv6 in the RFC 5952 short form', () => {
    expect(formatIp(6, 0x20010db8000000000000ff0000428329n)).toBe('2001:db8::ff00:42:8329');
    expect(formatIp(6, 0n)).toBe('::');
    expect(formatIp(6, 0x20010db8000000010000000000000001n)).toBe('2001:db8:0:1::1');
    expect(formatIp(6, 0x00010000000100000000000000000001n)).toBe('1:0:1::1');
  });

  it('turns a CIDR into the range it covers, masking host bits', () => {
    expect(formatRange(parseCidr('172.16.0.0/12')!)).toBe('172.16.0.0-172.31.255.255');
    expect(formatRange(parseCidr('10.1.2.3/32')!)).toBe('10.1.2.3-10.1.2.3');
    expect(formatRange(parseCidr('192.168.1.77/24')!)).toBe('192.168.1.0-192.168.1.255');
    expect(formatRange(parseCidr('0.0.0.0/0')!)).toBe('0.0.0.0-255.255.255.255');
    expect(parseCidr('10.0.0.0')).toBeUndefined();
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
  });

  it('subtracts except ranges from a block', () => {
    const left = subtractRange([parseCidr('10.0.0.0/8')!], parseCidr('10.128.0.0/9')!);
    expect(left.map(formatRange)).toEqual(['10.0.0.0-10.127.255.255']);
    expect(subtractRange(left, parseCidr('10.0.0.0/8')!)).toEqual([]);
  });

  it('splits the address space at every edge of the given ranges', () => {
    const pieces = splitAddressSpace([parseCidr('10.0.0.0/8')!, parseCidr('10.1.0.0/16')!], [4]);
    expect(pieces.map(formatRange)).toEqual(['0.0.0.0-9.255.255.255', '10.0.0.0-10.0.255.255', '10.1.0.0-10.1.255.255', '10.2.0.0-10.255.255.255', '11.0.0.0-255.255.255.255']);
    expect(splitAddressSpace([], [4]).map(formatRange)).toEqual(['0.0.0.0-255.255.255.255']);
  });
});
