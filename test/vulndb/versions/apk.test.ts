import { describe, expect, it } from 'vitest';
import { apk } from '../../../src/vulndb/versions/apk.js';
import { expectOrder } from './order.js';

describe('apk version order', () => {
  it('compares dotted numbers, a longer version winning when the prefix is equal', () => {
    expectOrder(apk, [
      ['3.10.2', '>', '3.9.12'],
      ['3.10', '<', '3.10.0'],
      ['3.10.0-r0', '<', '3.10.1-r0'],
    ]);
  });

  it('compares numbers with a leading zero as text after the first', () => {
    expectOrder(apk, [
      ['2.05', '<', '2.5'],
      ['2.05', '<', '2.1'],
      ['002.1', '=', '2.1'],
    ]);
  });

  it('orders the letter after the numbers', () => {
    expectOrder(apk, [
      ['1.1.1w', '>', '1.1.1v'],
      ['1.1.1w', '>', '1.1.1'],
      ['1.1.1w', '<', '1.1.2'],
    ]);
  });

  it('ranks pre-release suffixes below the bare version and post-release ones above', () => {
    expectOrder(apk, [
      ['5.0_alpha3', '<', '5.0_beta1'],
      ['5.0_beta1', '<', '5.0_pre1'],
      ['5.0_pre1', '<', '5.0_rc1'],
      ['5.0_rc1', '<', '5.0'],
      ['5.0', '<', '5.0_cvs1'],
      ['5.0_cvs1', '<', '5.0_svn1'],
      ['5.0_svn1', '<', '5.0_git1'],
      ['5.0_git1', '<', '5.0_hg1'],
      ['5.0_hg1', '<', '5.0_p1'],
      ['5.0_p2', '>', '5.0_p1'],
      ['5.0_rc', '=', '5.0_rc0'],
      ['5.0_rc1_p2', '>', '5.0_rc1'],
      ['5.0_rc1_p2', '<', '5.0_rc2'],
    ]);
  });

  it('orders the package revision last; a missing revision sorts below -r0', () => {
    expectOrder(apk, [
      ['8.4.1-r3', '>', '8.4.1-r2'],
      ['8.4.1-r10', '>', '8.4.1-r9'],
      ['8.4.1-r9', '<', '8.4.2-r0'],
      ['8.4.1', '<', '8.4.1-r0'],
      ['8.4.1_p1-r0', '>', '8.4.1-r5'],
    ]);
  });

  it('ignores a commit hash', () => {
    expectOrder(apk, [['2.0~1a2b3c-r1', '=', '2.0~ffffff-r1']]);
  });

  it('orders broken versions deterministically: two of them as text, one below its valid twin', () => {
    expectOrder(apk, [
      ['4.1-xyz', '<', '4.1-xz'],
      ['4.1-rc', '<', '4.1'],
      ['4.1_foo', '<', '4.1'],
    ]);
  });

  it('reports validity by the apk grammar', () => {
    expect(apk.isValid('1.36.1-r15')).toBe(true);
    expect(apk.isValid('2.9.11_pre20061021-r2')).toBe(true);
    expect(apk.isValid('1.2~a1b2-r0')).toBe(true);
    expect(apk.isValid('1.2.0D')).toBe(false);
    expect(apk.isValid('1.2-beta')).toBe(false);
    expect(apk.isValid('1..2')).toBe(false);
    expect(apk.isValid('x')).toBe(false);
  });
});
