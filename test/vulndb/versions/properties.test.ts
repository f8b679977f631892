import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { VersionComparator } from '../../../src/vulndb/versions/index.js';
import { apk } from '../../../src/vulndb/versions/apk.js';
import { dpkg } from '../../../src/vulndb/versions/dpkg.js';
import { maven } from '../../../src/vulndb/versions/maven.js';
import { nuget } from '../../../src/vulndb/versions/nuget.js';
import { pep440 } from '../../../src/vulndb/versions/pep440.js';
import { rpm } from '../../../src/vulndb/versions/rpm.js';
import { rubygems } from '../../../src/vulndb/versions/rubygems.js';
import { semver } from '../../../src/vulndb/versions/semver.js';

const RUNS = { numRuns: 300 };

/** Text made of the given pieces; few pieces so that generated versions often share prefixes. */
const textOf = (pieces: string[], min: number, max: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...pieces), { minLength: min, maxLength: max }).map((p) => p.join(''));

const small = fc.constantFrom('0', '1', '2', '9', '10', '01');
const opt = (a: fc.Arbitrary<string>): fc.Arbitrary<string> => fc.option(a, { nil: '' });

const dpkgVersion = fc
  .tuple(opt(small.map((e) => `${e}:`)), fc.constantFrom('0', '1', '2', '10'), textOf(['.', '1', '2', '10', 'a', 'b', '~', '+', '~rc'], 0, 4), opt(textOf(['1', '2', 'a', '~', '+', 'deb', '.'], 1, 3).map((r) => `-${r}`)))
  .map(([e, first, rest, rev]) => `${e}${first}${rest}${rev}`);

const rpmVersion = fc
  .tuple(opt(small.map((e) => `${e}:`)), textOf(['1', '2', '10', '01', '.', 'a', 'b', 'rc', '~', '^', '_'], 1, 5), opt(textOf(['1', '2', '.', 'el', '9', '~', '^'], 0, 3).map((r) => `-${r}`)))
  .map(([e, v, r]) => `${e}${v}${r}`);

const semverVersion = fc
  .tuple(
    fc.tuple(small, small, small).map((p) => p.map((n) => n.replace(/^0(?=.)/, '')).join('.')),
    opt(fc.array(fc.constantFrom('alpha', 'beta', 'rc', '0', '1', '2', '10', 'x-y', 'Alpha'), { minLength: 1, maxLength: 3 }).map((p) => `-${p.join('.')}`)),
    opt(fc.constantFrom('+build', '+incompatible', '+1.2')),
  )
  .map(([core, pre, build]) => `${core}${pre}${build}`);

const apkVersion = fc
  .tuple(
    fc.array(small, { minLength: 1, maxLength: 3 }).map((n) => n.join('.')),
    opt(fc.constantFrom('a', 'b', 'z')),
    fc.array(fc.tuple(fc.constantFrom('alpha', 'beta', 'pre', 'rc', 'cvs', 'svn', 'git', 'hg', 'p'), opt(small)), { maxLength: 2 }).map((s) => s.map(([n, d]) => `_${n}${d}`).join('')),
    opt(small.map((r) => `-r${r}`)),
  )
  .map(([n, l, s, r]) => `${n}${l}${s}${r}`);

// Maven's ComparableVersion itself is not transitive when a zero sits before a `-` (it drops the
// zero: `1.0-1` < `1.0.alpha` < `1` < `1.0-1`), so for Maven only reflexivity and antisymmetry are
// properties; the fixtures check the order.
const mavenVersion = fc
  .tuple(
    fc.array(small, { minLength: 1, maxLength: 3 }).map((n) => n.join('.')),
    fc.array(fc.tuple(fc.constantFrom('.', '-', ''), fc.constantFrom('alpha', 'beta', 'rc', 'cr', 'sp', 'ga', 'final', 'snapshot', 'jre', '1', '0', '2')), { maxLength: 2 }),
  )
  .map(([n, q]) => `${n}${q.map(([sep, word]) => `${sep}${word}`).join('')}`);
const pep440Version = fc
  .tuple(
    opt(fc.constantFrom('1!')),
    fc.array(small, { minLength: 1, maxLength: 3 }).map((n) => n.join('.')),
    opt(fc.constantFrom('a1', 'b2', 'rc1', 'a10')),
    opt(fc.constantFrom('.post1', '.post2', '-3')),
    opt(fc.constantFrom('.dev0', '.dev5')),
    opt(fc.constantFrom('+local', '+1', '+local.2', '+a.b')),
  )
  .map((p) => p.join(''));
const nugetVersion = fc
  .tuple(fc.array(small, { minLength: 1, maxLength: 4 }).map((n) => n.join('.')), opt(fc.constantFrom('-beta', '-BETA.2', '-rc.1', '-1')))
  .map((p) => p.join(''));
const gemVersion = textOf(['1', '2', '0', '10', '.', 'a', 'rc', 'pre', '-'], 1, 6).map((v) => `1${v}`);

const CASES: Array<[string, VersionComparator, fc.Arbitrary<string>, { transitive: boolean }]> = [
  ['dpkg', dpkg, dpkgVersion, { transitive: true }],
  ['rpm', rpm, rpmVersion, { transitive: true }],
  ['semver', semver, semverVersion, { transitive: true }],
  ['apk', apk, apkVersion, { transitive: true }],
  ['maven', maven, mavenVersion, { transitive: false }],
  ['pep440', pep440, pep440Version, { transitive: true }],
  ['nuget', nuget, nugetVersion, { transitive: true }],
  ['rubygems', rubygems, gemVersion, { transitive: true }],
];

describe.each(CASES)('%s comparator properties', (_name, comparator, version, { transitive }) => {
  it('orders every version equal to itself', () => {
    fc.assert(
      fc.property(version, (v) => comparator.compare(v, v) === 0),
      RUNS,
    );
  });

  it('is antisymmetric', () => {
    fc.assert(
      fc.property(version, version, (a, b) => Math.sign(comparator.compare(a, b)) === -Math.sign(comparator.compare(b, a))),
      RUNS,
    );
  });

  it('orders arbitrary text too: each string equal to itself, pairs antisymmetric', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 16 }), fc.string({ maxLength: 16 }), (a, b) => {
        const ab = comparator.compare(a, b);
        return Number.isFinite(ab) && comparator.compare(a, a) === 0 && Math.sign(ab) === -Math.sign(comparator.compare(b, a));
      }),
      RUNS,
    );
  });

  if (!transitive) return;

  it('is transitive', () => {
    fc.assert(
      fc.property(version, version, version, (a, b, c) => {
        const ab = comparator.compare(a, b);
        const bc = comparator.compare(b, c);
        const ac = comparator.compare(a, c);
        if (ab <= 0 && bc <= 0) return ac <= 0;
        if (ab >= 0 && bc >= 0) return ac >= 0;
        return true;
      }),
      RUNS,
    );
  });

  it('sorts lists consistently with every pairwise comparison', () => {
    fc.assert(
      fc.property(fc.array(version, { minLength: 2, maxLength: 12 }), (list) => {
        const sorted = [...list].sort((x, y) => comparator.compare(x, y));
        for (let i = 0; i < sorted.length; i++) {
          for (let j = i + 1; j < sorted.length; j++) {
            if (comparator.compare(sorted[i] ?? '', sorted[j] ?? '') > 0) return false;
          }
        }
        return true;
      }),
      RUNS,
    );
  });
});
