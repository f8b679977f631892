import fc from 'fast-check';
import { expect, it } from 'vitest';
import { normalizeHostPath } from '../../../../src/rules/workload/lib/host-path.js';

it.each([
  ['/var/run/docker.sock', '/var/run/docker.sock'],
  ['/var/run/', '/var/run'],
  ['//var//run/./docker.sock', '/var/run/docker.sock'],
  ['/opt/../etc/kubernetes', '/etc/kubernetes'],
  ['/../../etc', '/etc'],
  ['etc/kubernetes', '/etc/kubernetes'],
  ['/', '/'],
  ['///', '/'],
  ['', '/'],
])('%j → %j', (raw, want) => expect(normalizeHostPath(raw)).toBe(want));

it('is idempotent and always absolute without . or .. segments', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom('', '.', '..', 'etc', 'var', 'run', 'a b')).map((parts) => parts.join('/')), (raw) => {
      const n = normalizeHostPath(raw);
      expect(n.startsWith('/')).toBe(true);
      expect(normalizeHostPath(n)).toBe(n);
      expect(n.split('/').some((s) => s === '.' || s === '..')).toBe(false);
    }),
  );
});
