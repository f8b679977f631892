import { describe, expect, it } from 'vitest';
import { semver } from '../../../src/vulndb/versions/semver.js';
import { expectOrder } from './order.js';

describe('SemVer order', () => {
  it('compares major, minor and patch numerically', () => {
    expectOrder(semver, [
      ['2.10.0', '>', '2.9.0'],
      ['2.0.10', '>', '2.0.9'],
      ['10.0.0', '>', '9.99.99'],
    ]);
  });

  it('puts a pre-release before its release and orders identifiers per §11', () => {
    expectOrder(semver, [
      ['4.0.0-rc.1', '<', '4.0.0'],
      ['4.0.0-alpha', '<', '4.0.0-alpha.0'],
      ['4.0.0-alpha.9', '<', '4.0.0-alpha.10'],
      ['4.0.0-alpha.99', '<', '4.0.0-alpha.x'],
      ['4.0.0-Beta', '<', '4.0.0-alpha'],
      ['4.0.0-rc10', '<', '4.0.0-rc9'],
      ['4.0.0-0', '<', '4.0.0-a'],
    ]);
  });

  it('ignores build metadata, including Go +incompatible', () => {
    expectOrder(semver, [
      ['2.1.0+build.7', '=', '2.1.0+build.8'],
      ['v2.1.0+incompatible', '=', '2.1.0'],
      ['v2.1.0+incompatible', '<', 'v2.1.1'],
      ['4.0.0-rc.1+abc', '<', '4.0.0'],
    ]);
  });

  it('accepts a leading v and Go pseudo-versions', () => {
    expectOrder(semver, [
      ['v1.4.0', '=', '1.4.0'],
      ['v0.0.0-20230101120000-abcdef123456', '<', 'v0.0.0-20230202120000-012345abcdef'],
      ['v1.2.4-0.20230101120000-abcdef123456', '<', 'v1.2.4'],
      ['v1.2.4-0.20230101120000-abcdef123456', '>', 'v1.2.3'],
    ]);
  });

  it('orders loose versions by their numbers, padding missing parts with 0', () => {
    expectOrder(semver, [
      ['1.2', '=', '1.2.0'],
      ['1.2.3.1', '>', '1.2.3'],
      ['1.2.3a', '<', '1.2.3'],
    ]);
  });

  it('is valid only for strict SemVer with an optional v', () => {
    expect(semver.isValid('1.2.3-rc.1+sha.5')).toBe(true);
    expect(semver.isValid('v1.2.3')).toBe(true);
    expect(semver.isValid('1.2')).toBe(false);
    expect(semver.isValid('01.2.3')).toBe(false);
    expect(semver.isValid('1.2.3-01')).toBe(false);
  });
});
