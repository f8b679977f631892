import { describe, expect, it } from 'vitest';
import { didYouMean, nearestIds } from '../../src/core/suggest.js';
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
