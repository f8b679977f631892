import { describe, expect, it } from 'vitest';
import { pub } from '../../../src/vulndb/versions/pub.js';
import { expectOrder } from './order.js';

describe('Pub version order', () => {
  it('orders pre-releases before and builds after the plain version', () => {
    expectOrder(pub, [
      ['3.2.0-dev.1', '<', '3.2.0'],
      ['3.2.0', '<', '3.2.0+1'],
      ['3.2.0+1', '<', '3.2.0+2'],
      ['3.2.0+10', '>', '3.2.0+9'],
      ['3.2.0+99', '<', '3.2.0+hotfix'],
      ['3.2.0-dev.1+5', '>', '3.2.0-dev.1'],
    ]);
  });

  it('reports validity', () => {
    expect(pub.isValid('3.2.0-dev.1+5')).toBe(true);
    expect(pub.isValid('3.2')).toBe(false);
  });
});
