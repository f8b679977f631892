import type { VersionComparator } from './index.js';
import { compareDigits, compareStrings } from './compare-text.js';
import { compareSemverCore } from './semver.js';

/**
 * Dart Pub versions (`pub_semver`): SemVer, except that build metadata is not ignored: a version
 * with `+build` sorts after the same version without it, and builds compare like pre-releases.
 * Within pre-release and build lists a missing part sorts first, numbers before words, numbers
 * numerically, words by code unit.
 *
 * Loose text is ordered like the SemVer comparator does (leading numbers, then `-…`, then `+…`);
 * isValid() accepts only strict `major.minor.patch[-pre][+build]`.
 */
interface PubVersion {
  core: string[];
  pre: string[] | undefined;
  build: string[] | undefined;
}

const VALID = /^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

function parse(text: string): PubVersion {
  const v = text.trim().replace(/^v/, '');
  const m = /^[0-9]+(?:\.[0-9]+)*/.exec(v);
  const core = m ? m[0].split('.') : [];
  let rest = v.slice(m ? m[0].length : 0);
  let build: string[] | undefined;
  const plus = rest.indexOf('+');
  if (plus >= 0) {
    build = rest.slice(plus + 1).split('.');
    rest = rest.slice(0, plus);
  }
  if (rest.startsWith('-')) rest = rest.slice(1);
  return { core, pre: rest === '' ? undefined : rest.split('.'), build };
}

function compareParts(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^[0-9]+$/.test(x);
    const ny = /^[0-9]+$/.test(y);
    const c = nx && ny ? compareDigits(x, y) : nx !== ny ? (nx ? -1 : 1) : compareStrings(x, y);
    if (c !== 0) return c;
  }
  return 0;
}

export const pub: VersionComparator = {
  compare(a, b) {
    const x = parse(a);
    const y = parse(b);
    const c = compareSemverCore(x.core, y.core);
    if (c !== 0) return c;
    if (x.pre !== undefined || y.pre !== undefined) {
      if (x.pre === undefined) return 1;
      if (y.pre === undefined) return -1;
      const p = compareParts(x.pre, y.pre);
      if (p !== 0) return p;
    }
    if (x.build !== undefined || y.build !== undefined) {
      if (x.build === undefined) return -1;
      if (y.build === undefined) return 1;
      return compareParts(x.build, y.build);
    }
    return 0;
  },
  isValid(version) {
    return VALID.test(version.trim());
  },
};
