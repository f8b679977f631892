import { describe, expect, it } from 'vitest';
import { composer } from '../../../src/vulndb/versions/composer.js';
import { expectOrder } from './order.js';

describe('Packagist version order', () => {
  it('ranks special forms dev < alpha < beta < RC < release < patch level', () => {
    expectOrder(composer, [
      ['3.0.0-dev', '<', '3.0.0-alpha1'],
      ['3.0.0-alpha1', '<', '3.0.0-beta1'],
      ['3.0.0-beta1', '<', '3.0.0-RC1'],
      ['3.0.0-RC1', '<', '3.0.0'],
      ['3.0.0', '<', '3.0.0-p1'],
      ['3.0.0-b1', '=', '3.0.0-beta1'],
    ]);
  });

  it('splits at separators and digit/letter switches and strips a leading v', () => {
    expectOrder(composer, [
      ['3.0.0RC2', '=', '3.0.0-rc.2'],
      ['v3.0.0', '=', '3.0.0'],
      ['3.0.0.0', '>', '3.0.0'],
      ['3.0.10', '>', '3.0.9'],
    ]);
  });

  it('reports validity', () => {
    expect(composer.isValid('v2.4.1-beta3')).toBe(true);
    expect(composer.isValid('dev-main')).toBe(false);
  });
});
