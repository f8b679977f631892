import { describe, expect, it } from 'vitest';
import { rubygems } from '../../../src/vulndb/versions/rubygems.js';
import { expectOrder } from './order.js';

describe('RubyGems version order', () => {
  it('compares numeric segments, ignoring trailing zeros', () => {
    expectOrder(rubygems, [
      ['7.1', '=', '7.1.0.0'],
      ['7.1.10', '>', '7.1.9'],
      ['7.1.0.1', '>', '7.1'],
    ]);
  });

  it('makes any letter a pre-release that sorts before the release', () => {
    expectOrder(rubygems, [
      ['7.1.0.rc1', '<', '7.1.0'],
      ['7.1.0.beta2', '<', '7.1.0.rc1'],
      ['7.1.0.rc1', '<', '7.1.0.rc2'],
      ['7.1.0.rc1', '>', '7.0.9'],
      ['7.1.0-rc1', '=', '7.1.0.pre.rc1'],
      ['7.1.0.rc1', '=', '7.1.0rc1'],
    ]);
  });

  it('reports Gem::Version validity', () => {
    expect(rubygems.isValid('7.1.0.rc1')).toBe(true);
    expect(rubygems.isValid('7.1.0-rc.1')).toBe(true);
    expect(rubygems.isValid('seven')).toBe(false);
  });
});
