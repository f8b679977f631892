import { describe, expect, it } from 'vitest';
import { dpkg } from '../../../src/vulndb/versions/dpkg.js';
import { expectOrder } from './order.js';

describe('dpkg version order', () => {
  it('compares epochs first and numerically, a missing epoch being 0', () => {
    expectOrder(dpkg, [
      ['1:0.1', '>', '9.9'],
      ['0:4.2-1', '=', '4.2-1'],
      ['10:1.0', '>', '9:7.0'],
      ['007:1.0', '=', '7:1.0'],
    ]);
  });

  it('sorts tilde before everything, even the end of the part', () => {
    expectOrder(dpkg, [
      ['3.1~rc2', '<', '3.1'],
      ['3.1~rc2', '<', '3.1~rc3'],
      ['3.1~~', '<', '3.1~'],
      ['3.1~~a', '<', '3.1~'],
      ['5.2-3~bpo12+1', '<', '5.2-3'],
      ['5.2-3+deb12u1', '>', '5.2-3'],
    ]);
  });

  it('puts letters before other characters and digit runs compare numerically', () => {
    expectOrder(dpkg, [
      ['2.10', '>', '2.9'],
      ['2.009', '=', '2.9'],
      ['1.0a', '<', '1.0+'],
      ['1.0a', '<', '1.0.'],
      ['1.0', '<', '1.0a'],
      ['1.0Z', '<', '1.0a'],
    ]);
  });

  it('splits the revision at the last hyphen and treats a missing revision like "0"', () => {
    expectOrder(dpkg, [
      ['1.2-3-4', '>', '1.2-3-3'],
      ['1.2-3-4', '<', '1.2-4-1'],
      ['6.1', '=', '6.1-0'],
      ['6.1', '<', '6.1-1'],
      ['2.4-10', '>', '2.4-9ubuntu2'],
    ]);
  });

  it('keeps arbitrarily long numbers exact', () => {
    expectOrder(dpkg, [['1.20240101000000000001', '>', '1.20240101000000000000']]);
  });

  it('reports Debian policy validity', () => {
    expect(dpkg.isValid('1:2.30-4+deb12u1')).toBe(true);
    expect(dpkg.isValid('2.30~rc1')).toBe(true);
    expect(dpkg.isValid('abc')).toBe(false);
    expect(dpkg.isValid('')).toBe(false);
    expect(dpkg.isValid('1.0 beta')).toBe(false);
    expect(dpkg.isValid('1.0-rev_1')).toBe(false);
    expect(dpkg.isValid('1:2:3')).toBe(true);
    expect(dpkg.isValid('2:3')).toBe(true);
    expect(dpkg.isValid('1.0:2')).toBe(false);
  });
});
