import { expect } from 'vitest';
import type { VersionComparator } from '../../../src/vulndb/versions/index.js';

export type Case = [a: string, op: '<' | '=' | '>', b: string];

const SIGN = { '<': -1, '=': 0, '>': 1 } as const;

/** Asserts each pair in both directions: compare(a, b) has the stated sign and compare(b, a) the opposite. */
export function expectOrder(comparator: VersionComparator, cases: readonly Case[]): void {
  for (const [a, op, b] of cases) {
    expect(Math.sign(comparator.compare(a, b)), `${a} ${op} ${b}`).toBe(SIGN[op]);
    expect(Math.sign(comparator.compare(b, a)), `${b} mirror of ${a} ${op}`).toBe(-SIGN[op] || 0);
  }
}
