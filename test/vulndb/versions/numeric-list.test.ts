import { describe, expect, it } from 'vitest';
import { cran, hackage } from '../../../src/vulndb/versions/numeric-list.js';
import { expectOrder } from './order.js';

describe('number-list version order', () => {
  it('CRAN treats - like . and counts trailing zeros', () => {
    expectOrder(cran, [
      ['2.3-1', '=', '2.3.1'],
      ['2.3-10', '>', '2.3-9'],
      ['2.3', '<', '2.3-0'],
    ]);
    expect(cran.isValid('2.3-1')).toBe(true);
    expect(cran.isValid('2.3a')).toBe(false);
  });

  it('Hackage compares dotted numbers with longer lists newer', () => {
    expectOrder(hackage, [
      ['4.18.0', '<', '4.18.0.0'],
      ['4.18.1', '>', '4.18.0.9'],
    ]);
    expect(hackage.isValid('4.18.0.0')).toBe(true);
  });

  it('orders invalid text by its numbers, before a valid twin, then by text', () => {
    expectOrder(cran, [
      ['2.3a', '<', '2.3'],
      ['2.3a', '<', '2.3b'],
      ['2.3a', '<', '2.4'],
    ]);
  });
});
