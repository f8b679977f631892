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

  it('hash the NUL-joined rule, kind, namespace, name, container, field (and key), as they always have', () => {
    const joined = (...parts: string[]) => hash64(parts.join('\u0000'));
    expect(findingId('r', ref, 'c', 'f')).toBe(joined('r', 'Deployment', 'shop', 'web', 'c', 'f'));
    expect(findingId('r', { ...ref, namespace: null }, undefined, undefined)).toBe(joined('r', 'Deployment', '', 'web', '', ''));
    expect(findingId('r', ref, 'c', 'f', 'CVE-2024-1')).toBe(joined('r', 'Deployment', 'shop', 'web', 'c', 'f', 'CVE-2024-1'));
    expect(findingId('r', ref, 'c\u00e9\ud83d\ude00', '')).toBe(joined('r', 'Deployment', 'shop', 'web', 'c\u00e9\ud83d\ude00', ''));
    // Pinned digests: the hash itself must not move.
    expect(hash64('')).toBe('488bdcb81aee8d83');
    expect(hash64('palisade')).toBe('2a1dea06f6ddcadb');
  });

  it('do not collide over a large estate', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200_000; i++) seen.add(findingId('workload/no-cpu-limit', { ...ref, name: `web-${i}` }, 'app', `spec.template.spec.containers[${i % 4}].resources.limits.cpu`));
    expect(seen.size).toBe(200_000);
  });
});
