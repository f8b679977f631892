import { describe, expect, it } from 'vitest';
import { maven } from '../../../src/vulndb/versions/maven.js';
import { expectOrder } from './order.js';

describe('Maven version order', () => {
  it('ranks the well-known qualifiers', () => {
    expectOrder(maven, [
      ['5.0-alpha', '<', '5.0-beta'],
      ['5.0-beta', '<', '5.0-milestone'],
      ['5.0-milestone', '<', '5.0-rc'],
      ['5.0-rc', '=', '5.0-cr'],
      ['5.0-rc', '<', '5.0-SNAPSHOT'],
      ['5.0-SNAPSHOT', '<', '5.0'],
      ['5.0', '=', '5.0.GA'],
      ['5.0', '=', '5.0-Final'],
      ['5.0', '=', '5.0.RELEASE'],
      ['5.0', '<', '5.0-sp1'],
      ['5.0-sp1', '<', '5.0-zeta'],
      ['5.0-jre', '<', '5.0-zeta'],
    ]);
  });

  it('reads a, b and m followed by a digit as alpha, beta and milestone', () => {
    expectOrder(maven, [
      ['5.0a2', '=', '5.0-alpha-2'],
      ['5.0b3', '=', '5.0-beta-3'],
      ['5.0m4', '=', '5.0-milestone-4'],
      ['5.0-a', '>', '5.0-alpha'],
    ]);
  });

  it('drops trailing nulls and pads with them', () => {
    expectOrder(maven, [
      ['7', '=', '7.0.0'],
      ['7-0', '=', '7'],
      ['7.0.1', '>', '7'],
      ['7.0-final-0', '=', '7'],
    ]);
  });

  it('orders by separator and kind: .qualifier < -qualifier < -number < .number', () => {
    expectOrder(maven, [
      ['3.2.xyz', '<', '3.2-xyz'],
      ['3.2-xyz', '<', '3.2-1'],
      ['3.2-1', '<', '3.2.1'],
      ['3.2.jre8', '>', '3.2'],
    ]);
  });

  it('compares numbers exactly and ignores case', () => {
    expectOrder(maven, [
      ['1.10', '>', '1.9'],
      ['1.007', '=', '1.7'],
      ['99999999999999999999.1', '<', '100000000000000000000'],
      ['2.0-RC1', '=', '2.0-rc1'],
    ]);
  });

  it('treats any non-blank text as a Maven version', () => {
    expect(maven.isValid('2.5.0.Final')).toBe(true);
    expect(maven.isValid('whatever-1')).toBe(true);
    expect(maven.isValid(' ')).toBe(false);
  });
});
