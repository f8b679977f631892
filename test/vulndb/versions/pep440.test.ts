import { describe, expect, it } from 'vitest';
import { pep440 } from '../../../src/vulndb/versions/pep440.js';
import { expectOrder } from './order.js';

describe('PEP 440 order', () => {
  it('orders the phases of one release: dev < pre < final < post', () => {
    expectOrder(pep440, [
      ['2.0.dev3', '<', '2.0a1'],
      ['2.0a1.dev2', '<', '2.0a1'],
      ['2.0a1', '<', '2.0b1'],
      ['2.0b1', '<', '2.0rc1'],
      ['2.0rc1', '<', '2.0'],
      ['2.0', '<', '2.0.post1.dev1'],
      ['2.0.post1.dev1', '<', '2.0.post1'],
      ['2.0.post1', '<', '2.0.1'],
    ]);
  });

  it('normalises spellings', () => {
    expectOrder(pep440, [
      ['2.0-ALPHA-1', '=', '2.0a1'],
      ['2.0c3', '=', '2.0rc3'],
      ['2.0.preview3', '=', '2.0rc3'],
      ['2.0-r4', '=', '2.0.post4'],
      ['2.0-4', '=', '2.0.post4'],
      ['v2.0', '=', '2.0.0'],
      ['2.0rc', '=', '2.0rc0'],
    ]);
  });

  it('compares epochs before releases', () => {
    expectOrder(pep440, [
      ['1!0.1', '>', '2024.1'],
      ['0!3.0', '=', '3.0'],
    ]);
  });

  it('orders local labels after the public version, letters before numbers', () => {
    expectOrder(pep440, [
      ['3.1+ubuntu1', '>', '3.1'],
      ['3.1+cpu', '<', '3.1+1'],
      ['3.1+1.2', '<', '3.1+1.10'],
      ['3.1+abc', '<', '3.1+abc.1'],
      ['3.1+ABC', '=', '3.1+abc'],
      ['3.1+x', '<', '3.1.post0'],
    ]);
  });

  it('sorts non-PEP 440 text before every valid version, by the legacy rules', () => {
    expectOrder(pep440, [
      ['french toast', '<', '0.0.dev0'],
      ['2.0-custom', '<', '0.1'],
      ['2.0-snapshot', '<', '2.1-snapshot'],
      ['2.0-pre1', '>', '2.0-dev1'],
    ]);
  });

  it('reports PEP 440 validity', () => {
    expect(pep440.isValid('1!2.0.post1.dev3+local.7')).toBe(true);
    expect(pep440.isValid('2.0-custom')).toBe(false);
  });
});
