import { describe, expect, it } from 'vitest';
import type { OsvAffected } from '../../src/vulndb/osv.js';
import { evaluateAffected } from '../../src/vulndb/ranges.js';

function check(entry: OsvAffected, ecosystem: string, versions: Record<string, boolean>): void {
  const got = Object.fromEntries(Object.keys(versions).map((v) => [v, evaluateAffected(entry, ecosystem, v).affected]));
  expect(got).toEqual(versions);
}

const range = (events: object[], type = 'ECOSYSTEM'): OsvAffected => ({ package: { ecosystem: 'npm', name: 'p' }, ranges: [{ type, events }] });

describe('OSV range semantics', () => {
  it('introduced is inclusive and fixed exclusive', () => {
    check(range([{ introduced: '1.2.0' }, { fixed: '1.4.0' }]), 'npm', { '1.1.9': false, '1.2.0': true, '1.3.9': true, '1.4.0': false, '2.0.0': false });
  });

  it('introduced "0" means from the first version', () => {
    check(range([{ introduced: '0' }, { fixed: '0.5.0' }]), 'npm', { '0.0.0': true, '0.4.9': true, '0.5.0': false });
  });

  it('an introduced without an end affects every later version', () => {
    check(range([{ introduced: '2.0.0' }]), 'npm', { '1.9.9': false, '2.0.0': true, '99.0.0': true });
  });

  it('last_affected is inclusive', () => {
    check(range([{ introduced: '0.1.0' }, { last_affected: '0.2.0' }]), 'npm', { '0.1.0': true, '0.2.0': true, '0.2.1': false });
  });

  it('limit bounds the range', () => {
    check(range([{ introduced: '1.0.0' }, { limit: '1.5.0' }]), 'npm', { '1.0.0': true, '1.4.9': true, '1.5.0': false, '2.0.0': false });
    check(range([{ introduced: '1.0.0' }, { limit: '*' }]), 'npm', { '9.0.0': true });
  });

  it('sorts events by version before walking them', () => {
    const entry: OsvAffected = {
      package: { ecosystem: 'npm', name: 'p' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '3.2.0' }, { fixed: '3.2.22' }, { introduced: '4.2.0' }, { fixed: '4.2.2' }, { introduced: '4.0.0' }, { fixed: '4.1.11' }] }],
    };
    check(entry, 'npm', { '3.1.0': false, '3.2.0': true, '3.2.22': false, '4.0.0': true, '4.1.10': true, '4.1.11': false, '4.2.0': true, '4.2.1': true, '4.2.2': false });
  });

  it('reports the fix of the interval the version falls in', () => {
    const entry = range([{ introduced: '4.2.0' }, { fixed: '4.2.2' }, { introduced: '4.0.0' }, { fixed: '4.1.11' }]);
    expect(evaluateAffected(entry, 'npm', '4.1.0')).toEqual({ affected: true, fixed: ['4.1.11'] });
    expect(evaluateAffected(entry, 'npm', '4.2.1')).toEqual({ affected: true, fixed: ['4.2.2'] });
    expect(evaluateAffected(range([{ introduced: '0' }, { last_affected: '1.0.0' }]), 'npm', '0.5.0')).toEqual({ affected: true, fixed: [] });
  });

  it('explicit versions match with or without ranges', () => {
    check({ package: { ecosystem: 'PyPI', name: 'p' }, versions: ['1.0', '1.1'] }, 'PyPI', { '1.0': true, '1.1': true, '1.2': false });
    check({ ...range([{ introduced: '2.0.0' }, { fixed: '2.1.0' }]), versions: ['1.0.0'] }, 'npm', { '1.0.0': true, '2.0.5': true, '1.5.0': false });
  });

  it('SEMVER ranges honour pre-releases and read short versions', () => {
    check(range([{ introduced: '2.1.1-0' }, { fixed: '3.0.0' }], 'SEMVER'), 'npm', { '2.1.0': false, '2.1.1-0': true, '2.1.1-beta': true, '2.1.1': true, '3.0.0-rc.1': true, '3.0.0': false });
    check({ package: { ecosystem: 'crates.io', name: 'time' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0.1' }, { last_affected: '0.2' }] }] }, 'crates.io', {
      '0.0.9': false,
      '0.1.0': true,
      '0.2.0': true,
      '0.2.1': false,
    });
    check(range([{ introduced: '0' }, { fixed: '1.6.0' }], 'SEMVER'), 'Go', { 'v1.5.0': true, 'v1.6.0': false });
  });

  it('ignores GIT ranges but keeps the versions beside them', () => {
    const entry: OsvAffected = { package: { ecosystem: 'PyPI', name: 'p' }, ranges: [{ type: 'GIT', repo: 'https://example.com/r', events: [{ introduced: '0' }, { fixed: 'abc123' }] }], versions: ['2.0'] };
    check(entry, 'PyPI', { '1.0': false, '2.0': true });
  });

  it('uses the ecosystem ordering for ECOSYSTEM ranges', () => {
    check(range([{ introduced: '0' }, { fixed: '1.2.1-2.2+wheezy3' }]), 'Debian:7', { '1.2.1-2.2+wheezy2': true, '1.2.1-2.2': true, '1.2.1-2.2+wheezy3': false, '1.2.1-2.3': false });
    check(range([{ introduced: '0' }, { fixed: '10.4.25-r0' }]), 'Alpine:v3.12', { '10.4.24-r3': true, '10.4.25-r0': false, '10.4.25-r1': false });
    check(range([{ introduced: '2.3.0' }, { fixed: '2.31.0' }]), 'PyPI', { '2.2.9': false, '2.3': true, '2.30.0': true, '2.31.0rc1': true, '2.31.0': false });
  });

  it('invalid versions never match, not even when listed', () => {
    check({ package: { ecosystem: 'PyPI', name: 'gradio' }, versions: ['4.36.1', '4.36.-1'] }, 'PyPI', { '4.36.1': true, '4.36.-1': false });
    check(range([{ introduced: '0' }]), 'npm', { 'not a version': false });
  });

  it('a range with a bound that cannot be ordered is not evaluated', () => {
    check(range([{ introduced: '0' }, { fixed: 'garbage!' }]), 'npm', { '1.0.0': false });
  });

  it('ecosystems without an ordering match listed versions only', () => {
    check({ package: { ecosystem: 'Unknown', name: 'p' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }], versions: ['1'] }, 'Unknown', { '1': true, '2': false });
  });
});
