import { describe, expect, it } from 'vitest';
import { rpm, rpmvercmp } from '../../../src/vulndb/versions/rpm.js';
import { expectOrder } from './order.js';

describe('rpm version order', () => {
  it('compares epoch, then version, then release', () => {
    expectOrder(rpm, [
      ['1:1.0-1.el9', '>', '2.0-1.el9'],
      ['0:3.4-2', '=', '3.4-2'],
      ['3.4-10.el9', '>', '3.4-9.el9'],
      ['3.4-2.el9_3.1', '>', '3.4-2.el9_3'],
      ['3.4', '<', '3.4-0'],
      ['3.4', '<', '3.4-'],
    ]);
  });

  it('orders digit runs numerically, letter runs by bytes, and numbers above letters', () => {
    expectOrder(rpm, [
      ['2.10', '>', '2.9'],
      ['2.010', '=', '2.10'],
      ['2.0a', '>', '2.0'],
      ['2.a', '<', '2.0'],
      ['1.0B', '<', '1.0a'],
      ['7.2_3', '=', '7.2.3'],
    ]);
  });

  it('sorts tilde before the base version', () => {
    expectOrder(rpm, [
      ['4.0~beta1', '<', '4.0'],
      ['4.0~beta1', '<', '4.0~beta2'],
      ['4.0~~', '<', '4.0~'],
      ['4.0~rc1', '>', '4.0~beta9'],
    ]);
  });

  it('sorts caret after the base version but before the next component', () => {
    expectOrder(rpm, [
      ['4.0^20240105', '>', '4.0'],
      ['4.0^20240105', '<', '4.0.1'],
      ['4.0^git3', '>', '4.0^git2'],
      ['4.0~rc1^p1', '>', '4.0~rc1'],
      ['4.0~rc1^p1', '<', '4.0'],
      ['4.0^p1~x', '<', '4.0^p1'],
    ]);
  });

  it('ignores characters that are neither letters nor digits', () => {
    expect(rpmvercmp('1..2', '1.2')).toBe(0);
    expect(rpmvercmp('1.2.ψ', '1.2.ω')).toBe(0);
  });

  it('accepts any non-blank text with a letter or digit', () => {
    expect(rpm.isValid('2:1.3.1-5.el9_2.x86_64')).toBe(true);
    expect(rpm.isValid('')).toBe(false);
    expect(rpm.isValid('~~')).toBe(false);
    expect(rpm.isValid('1.0 2')).toBe(false);
  });
});
