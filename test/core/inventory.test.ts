import { describe, expect, it } from 'vitest';
import { Inventory, selectorMatches } from '../../src/core/inventory.js';
import { parseResources } from '../helpers/rule-tester.js';

const inv = new Inventory(
  parseResources(`
apiVersion: v1
kind: ServiceAccount
metadata: {name: api, namespace: shop}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: chart-sa}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: web}}
`),
);

describe('Inventory', () => {
  it('finds objects by kind, namespace and name', () => {
    expect(inv.get('ServiceAccount', 'shop', 'api')?.name).toBe('api');
    expect(inv.get('ServiceAccount', 'payments', 'api')).toBeUndefined();
  });
  it('lets a namespace-less manifest stand in for any namespace', () => {
    expect(inv.get('ServiceAccount', 'shop', 'chart-sa')?.name).toBe('chart-sa');
    expect(inv.get('ServiceAccount', null, 'chart-sa')?.name).toBe('chart-sa');
  });
  it('adds the kubernetes.io/metadata.name label to namespace labels', () => {
    expect(inv.namespaceLabels('shop')).toEqual({ team: 'web', 'kubernetes.io/metadata.name': 'shop' });
    expect(inv.namespaceLabels('nope')).toBeUndefined();
  });
});

describe('selectorMatches', () => {
  const labels = { app: 'web', tier: 'front' };
  it.each([
    [{}, true],
    [{ matchLabels: { app: 'web' } }, true],
    [{ matchLabels: { app: 'api' } }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, false],
    [{ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'Bogus' }] }, false],
    [undefined, false],
    // Only string values of matchLabels count, as stringMap reads them; an own `__proto__` key is no label.
    [{ matchLabels: { app: 'web', replicas: 3 } }, true],
    [{ matchLabels: ['api'] }, true],
    [JSON.parse('{"matchLabels":{"__proto__":"x","app":"web"}}'), true],
  ])('%j → %s', (selector, want) => {
    expect(selectorMatches(selector, labels)).toBe(want);
  });
});
