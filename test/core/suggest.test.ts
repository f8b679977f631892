import { describe, expect, it } from 'vitest';
import { didYouMean, nearest, nearestIds } from '../../src/core/suggest.js';
import { RULES } from '../../src/rules/index.js';

const IDS = RULES.map((r) => r.meta.id);

describe('nearestIds', () => {
  it('finds the rule a typo meant: swapped, missing and extra letters, a missing domain', () => {
    expect(nearestIds('workload/privileged-contianer', IDS)[0]).toBe('workload/privileged-container');
    expect(nearestIds('workload/privileged-containr', IDS)[0]).toBe('workload/privileged-container');
    expect(nearestIds('privileged-container', IDS)[0]).toBe('workload/privileged-container');
    expect(nearestIds('rbac/cluster-admin-bond', IDS)[0]).toBe('rbac/cluster-admin-bound');
  });

  it('suggests nothing for what resembles no rule', () => {
    expect(nearestIds('completely/unrelated-thing', IDS)).toEqual([]);
    expect(didYouMean('zzz', IDS)).toBe('');
  });

  it('words the suggestion for a message', () => {
    expect(didYouMean('workload/privileged-contianer', ['workload/privileged-container'])).toBe('; did you mean workload/privileged-container?');
  });
});

describe('nearest', () => {
  it('takes the first of the nearest candidates within the bound', () => {
    expect(nearest('gett', ['list', 'get', 'set'], 2)).toBe('get');
    expect(nearest('sett', ['get', 'set'], 2)).toBe('set');
    expect(nearest('zzzzzz', ['get', 'list'], 2)).toBeUndefined();
  });

  it('counts two swapped neighbours as one edit, or as two without swaps', () => {
    expect(nearest('lsit', ['lost', 'list'], 1)).toBe('list');
    expect(nearest('lsit', ['lost', 'list'], 2, false)).toBe('lost');
    expect(nearest('lsit', ['list'], 1, false)).toBeUndefined();
  });
});
