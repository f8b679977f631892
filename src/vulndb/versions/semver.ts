import type { VersionComparator } from './index.js';
import { compareDigits } from './compare-text.js';
import { comparePrerelease } from './prerelease.js';

/**
 * SemVer 2.0 precedence (npm, crates.io, Go modules, Hex): major.minor.patch numerically, a
 * version with a pre-release sorts before the same version without one, pre-release identifiers per
 * §11, build metadata (including Go's `+incompatible`) ignored. A leading `v` (Go tags) is accepted.
 *
 * Loose text found in advisories is ordered rather than rejected, deterministically: the leading
 * run of dot-separated numbers is the core (missing parts count as 0, extra parts are compared
 * too, so `1.2` = `1.2.0` and `1.2.3.1` > `1.2.3`); after it, text from `-` up to `+` is the
 * pre-release, `+…` is ignored, and any other trailing text counts as a pre-release. Such versions
 * are not isValid().
 */
interface Parsed {
  core: string[];
  prerelease: string[];
}

const STRICT = /^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-((?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

function parse(text: string): Parsed {
  let v = text.trim();
  if (v.startsWith('v') || v.startsWith('V')) v = v.slice(1);
  const m = /^[0-9]+(?:\.[0-9]+)*/.exec(v);
  const core = m ? m[0].split('.') : [];
  let rest = v.slice(m ? m[0].length : 0);
  const plus = rest.indexOf('+');
  if (plus >= 0) rest = rest.slice(0, plus);
  if (rest.startsWith('-')) rest = rest.slice(1);
  else if (rest !== '' && rest.startsWith('.')) rest = rest.slice(1);
  return { core, prerelease: rest === '' ? [] : rest.split('.') };
}

export function compareSemverCore(a: readonly string[], b: readonly string[]): number {
  const n = Math.max(a.length, b.length, 3);
  for (let i = 0; i < n; i++) {
    const c = compareDigits(a[i] ?? '0', b[i] ?? '0');
    if (c !== 0) return c;
  }
  return 0;
}

export const semver: VersionComparator = {
  compare(a, b) {
    const x = parse(a);
    const y = parse(b);
    const c = compareSemverCore(x.core, y.core);
    if (c !== 0) return c;
    if (x.prerelease.length === 0 || y.prerelease.length === 0) {
      return x.prerelease.length === y.prerelease.length ? 0 : x.prerelease.length === 0 ? 1 : -1;
    }
    return comparePrerelease(x.prerelease, y.prerelease);
  },
  isValid(version) {
    return STRICT.test(version);
  },
};
