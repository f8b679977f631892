import type { VersionComparator } from './index.js';
import { compareDigits, compareStrings } from './compare-text.js';

/**
 * Alpine package versions (apk), `number{.number}…{letter}{_suffix{number}}…{~hash}{-rN}` as
 * apk-package(5) describes them, compared field by field:
 *
 * 1. the dotted numbers, pairwise; numerically, except that after the first a number written
 *    with a leading zero compares as text (`1.05` < `1.1`), as apk does; when one side has more
 *    numbers it is newer (`1.0` < `1.0.0`);
 * 2. the optional single lower-case letter (none sorts first);
 * 3. the suffixes, pairwise: alpha < beta < pre < rc < (none) < cvs < svn < git < hg < p, then
 *    their numbers (a missing number is 0);
 * 4. the `-rN` package revision: a version without one sorts before `-r0` (apk runs out of tokens
 *    first) unless text follows that revision, and `-r` alone counts as `-r0`;
 * 5. text left over after the grammar: a version with leftovers sorts before the same one without.
 *
 * The `~hash` is skipped (commit hashes carry no order). When both sides break the grammar
 * (text where a revision or the end should be), apk can only compare them as strings, and so do
 * we; isValid() is false for them and for any leftovers.
 */
interface ApkVersion {
  numbers: string[];
  letter: string;
  suffixes: Array<{ weight: number; number: string }>;
  revision: string | undefined;
  rest: string;
  /** Text where a revision or the end should have been. */
  broken: boolean;
}

const SUFFIX_ORDER = ['alpha', 'beta', 'pre', 'rc', '', 'cvs', 'svn', 'git', 'hg', 'p'];
const NO_SUFFIX = { weight: SUFFIX_ORDER.indexOf(''), number: '0' };

function parse(text: string): ApkVersion {
  let s = text.trim();
  const numbers = /^(?:[0-9]+\.?)*/.exec(s)?.[0] ?? '';
  s = s.slice(numbers.length);
  const letter = /^[a-z]/.test(s) ? s.slice(0, 1) : '';
  s = s.slice(letter.length);
  const suffixes: ApkVersion['suffixes'] = [];
  for (let m = /^_(alpha|beta|pre|rc|cvs|svn|git|hg|p)([0-9]*)/.exec(s); m; m = /^_(alpha|beta|pre|rc|cvs|svn|git|hg|p)([0-9]*)/.exec(s)) {
    suffixes.push({ weight: SUFFIX_ORDER.indexOf(m[1] ?? ''), number: m[2] || '0' });
    s = s.slice(m[0].length);
  }
  s = s.slice(/^~[0-9a-f]+/.exec(s)?.[0].length ?? 0);
  let revision: string | undefined;
  let broken = false;
  if (s !== '') {
    const m = /^-r([0-9]*)/.exec(s);
    if (m) {
      revision = m[1] || '0';
      s = s.slice(m[0].length);
    } else broken = true;
  }
  return { numbers: numbers === '' ? [] : numbers.split('.'), letter, suffixes, revision, rest: s, broken };
}

function compareNumber(a: string, b: string, index: number): number {
  if (index > 0 && (a.startsWith('0') || b.startsWith('0') || a === '' || b === '')) return compareStrings(a, b);
  return compareDigits(a, b);
}

function compareApk(x: ApkVersion, y: ApkVersion): number {
  for (let i = 0; i < Math.min(x.numbers.length, y.numbers.length); i++) {
    const c = compareNumber(x.numbers[i] ?? '', y.numbers[i] ?? '', i);
    if (c !== 0) return c;
  }
  // apk reaches the end (or a letter or suffix) on the shorter side while the other still has a number.
  if (x.numbers.length !== y.numbers.length) return x.numbers.length < y.numbers.length ? -1 : 1;
  if (x.letter !== y.letter) return x.letter === '' ? -1 : y.letter === '' ? 1 : compareStrings(x.letter, y.letter);
  for (let i = 0; i < Math.max(x.suffixes.length, y.suffixes.length); i++) {
    const p = x.suffixes[i] ?? NO_SUFFIX;
    const q = y.suffixes[i] ?? NO_SUFFIX;
    if (p.weight !== q.weight) return p.weight < q.weight ? -1 : 1;
    const c = compareDigits(p.number, q.number);
    if (c !== 0) return c;
  }
  if (x.revision !== undefined && y.revision !== undefined) {
    const c = compareDigits(x.revision, y.revision);
    if (c !== 0) return c;
  } else if (x.revision !== y.revision && !x.broken && !y.broken) {
    // As in apk, garbage after the revision sorts lowest of all, below a version that just ends.
    const withRevision = x.revision === undefined ? y : x;
    const sign = x.revision === undefined ? -1 : 1;
    return withRevision.rest === '' ? sign : -sign;
  }
  if ((x.rest === '') !== (y.rest === '')) return x.rest === '' ? 1 : -1;
  return 0;
}

export const apk: VersionComparator = {
  compare(a, b) {
    const x = parse(a);
    const y = parse(b);
    if (x.broken && y.broken) return compareStrings(a.trim(), b.trim());
    return compareApk(x, y);
  },
  isValid(version) {
    const v = parse(version);
    return !v.broken && v.rest === '' && v.numbers.length > 0 && !v.numbers.includes('');
  },
};
