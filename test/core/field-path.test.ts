import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeKey, splitPath } from '../../src/core/field-path.js';

describe('field paths', () => {
  it('splits keys and indices', () => {
    expect(splitPath('spec.containers[0].ports[12].hostPort')).toEqual(['spec', 'containers', 0, 'ports', 12, 'hostPort']);
  });
  it('honours escaped dots in map keys', () => {
    expect(splitPath(`metadata.annotations.${escapeKey('container.apparmor.security.beta.kubernetes.io/app')}`)).toEqual([
      'metadata',
      'annotations',
      'container.apparmor.security.beta.kubernetes.io/app',
    ]);
  });
  it('round-trips any key', () => {
    fc.assert(
      fc.property(fc.string(), (key) => {
        fc.pre(key !== '' && !/\[\d+\]/.test(key));
        expect(splitPath(`data.${escapeKey(key)}`)).toEqual(['data', key]);
      }),
    );
  });
});
