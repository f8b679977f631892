import type { VersionComparator } from './index.js';
import { compareDigits } from './compare-text.js';
import { comparePrerelease } from './prerelease.js';

/**
 * NuGet versions: up to four numeric parts (missing parts are 0, leading zeros allowed, so
 * `1.0` = `1.0.0.0` and `1.01` = `1.1`), then an optional pre-release whose dot-separated labels
 * compare like SemVer's but case-insensitively; `+metadata` is ignored.
 *
 * Text that does not parse is ordered by its leading numbers and treats the remainder as a
 * pre-release label, so the order stays total; isValid() is false for it.
 */
interface Parsed {
  parts: string[];
  prerelease: string[];
}

const VALID = /^[0-9]+(\.[0-9]+){0,3}(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

function parse(text: string): Parsed {
  const v = text.trim();
  const m = /^[0-9]+(?:\.[0-9]+)*/.exec(v);
  const parts = m ? m[0].split('.') : [];
  let rest = v.slice(m ? m[0].length : 0);
  const plus = rest.indexOf('+');
  if (plus >= 0) rest = rest.slice(0, plus);
  if (rest.startsWith('-')) rest = rest.slice(1);
  return { parts, prerelease: rest === '' ? [] : rest.split('.') };
}

export const nuget: VersionComparator = {
  compare(a, b) {
    const x = parse(a);
    const y = parse(b);
    const n = Math.max(x.parts.length, y.parts.length, 4);
    for (let i = 0; i < n; i++) {
      const c = compareDigits(x.parts[i] ?? '0', y.parts[i] ?? '0');
      if (c !== 0) return c;
    }
    if (x.prerelease.length === 0 || y.prerelease.length === 0) {
      return x.prerelease.length === y.prerelease.length ? 0 : x.prerelease.length === 0 ? 1 : -1;
    }
    return comparePrerelease(x.prerelease, y.prerelease, true);
  },
  isValid(version) {
    return VALID.test(version.trim());
  },
};
