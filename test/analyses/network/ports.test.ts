import { describe, expect, it } from 'vitest';
import { ConnectionSet, ConnectionTable } from '../../../src/analyses/network/ports.js';

describe('ConnectionSet', () => {
  it('merges overlapping and adjacent port ranges in a union', () => {
    const set = ConnectionSet.of('TCP', 80).union(ConnectionSet.of('TCP', 81, 90)).union(ConnectionSet.of('TCP', 100)).union(ConnectionSet.of('TCP', 85, 95));
    expect(set.toString()).toBe('TCP 80-95,100');
  });

  it('intersects per protocol', () => {
    const a = ConnectionSet.of('TCP', 1, 1000).union(ConnectionSet.of('UDP', 53));
    const b = ConnectionSet.of('TCP', 443).union(ConnectionSet.of('TCP', 900, 2000)).union(ConnectionSet.of('SCTP', 53));
    expect(a.intersect(b).toString()).toBe('TCP 443,900-1000');
    expect(a.intersect(ConnectionSet.of('SCTP', 1, 65535)).isEmpty()).toBe(true);
  });

  it('prints protocols in the order SCTP, TCP, UDP, joined by commas', () => {
    expect(ConnectionSet.of('UDP', 53).union(ConnectionSet.of('TCP', 53)).union(ConnectionSet.of('SCTP', 9)).toString()).toBe('SCTP 9,TCP 53,UDP 53');
  });

  it('is All Connections only when every port of all three protocols is open', () => {
    expect(ConnectionSet.ALL.toString()).toBe('All Connections');
    const almost = ConnectionSet.allOf('TCP').union(ConnectionSet.allOf('UDP')).union(ConnectionSet.of('SCTP', 1, 65534));
    expect(almost.toString()).toBe('SCTP 1-65534,TCP 1-65535,UDP 1-65535');
    expect(almost.union(ConnectionSet.of('SCTP', 65535)).isAll()).toBe(true);
  });

  it('clamps ports to 1-65535 and answers membership', () => {
    expect(ConnectionSet.of('TCP', 0, 70000).toString()).toBe('TCP 1-65535');
    expect(ConnectionSet.of('TCP', 8000, 8080).has('TCP', 8080)).toBe(true);
    expect(ConnectionSet.of('TCP', 8000, 8080).has('UDP', 8080)).toBe(false);
  });
});

describe('ConnectionTable', () => {
  it('gives equal sets one id and memoizes unions and intersections', () => {
    const t = new ConnectionTable();
    const a = t.id(ConnectionSet.of('TCP', 80));
    expect(t.id(ConnectionSet.of('TCP', 80, 80))).toBe(a);
    const b = t.id(ConnectionSet.of('TCP', 443));
    const u = t.union(a, b);
    expect(t.get(u).toString()).toBe('TCP 80,443');
    expect(t.union(b, a)).toBe(u);
    expect(t.meet(u, b)).toBe(b);
    expect(t.meet(a, b)).toBe(ConnectionTable.NONE);
    expect(t.union(a, ConnectionTable.ALL)).toBe(ConnectionTable.ALL);
  });
});
