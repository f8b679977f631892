import { describe, expect, it } from 'vitest';
import { findingId, hash64 } from '../../src/core/finding.js';

const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' };

describe('finding ids', () => {
  it('are 16 hex digits and stable across runs and releases', () => {
    const id = findingId('workload/privileged-container', ref, 'app', 'spec.template.spec.containers[0].securityContext.privileged');
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    // Pinned: a changed id turns every existing exception and baseline into noise.
    expect(id).toBe(findingId('workload/privileged-container', { ...ref, apiVersion: 'extensions/v1beta1' }, 'app', 'spec.template.spec.containers[0].securityContext.privileged'));
    expect(hash64('palisade')).toBe(hash64('palisade'));
  });

  it('differ when rule, resource, container or field differ', () => {
    const base = findingId('r', ref, 'c', 'f');
    expect(new Set([base, findingId('r2', ref, 'c', 'f'), findingId('r', { ...ref, name: 'api' }, 'c', 'f'), findingId('r', ref, 'd', 'f'), findingId('r', ref, 'c', 'g'), findingId('r', { ...ref, namespace: null }, 'c', 'f')]).size).toBe(6);
  });

  it('do not collide over a large estate', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200_000; i++) seen.add(findingId('workload/no-cpu-limit', { ...ref, name: `web-${i}` }, 'app', `spec.template.spec.containers[${i % 4}].resources.limits.cpu`));
    expect(seen.size).toBe(200_000);
  });
});
