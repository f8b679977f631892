import type { VersionComparator } from './index.js';
import { compareDigits, compareStrings, isAsciiLetter, isDigit } from './compare-text.js';

/**
 * RPM versions, `[epoch:]version[-release]`, ordered as rpm's `rpmvercmp` does: runs of digits
 * compare numerically, runs of letters by byte order, a digit run is newer than a letter run, other
 * characters only separate runs, `~` sorts before everything (pre-releases) and `^` after the base
 * version but before any further run (post-release snapshots).
 *
 * Splitting follows rpm: an epoch is a leading run of digits followed by `:`; the release is after
 * the last `-`. A missing epoch is 0; a missing release sorts before any release, even an empty one.
 * rpm accepts nearly any text, so every string is ordered the same way; isValid() only rejects
 * empty text, whitespace, and text without a single letter or digit.
 */
interface Evr {
  epoch: string;
  version: string;
  release: string | undefined;
}

function parse(text: string): Evr {
  const m = /^([0-9]*):/.exec(text);
  let epoch = '0';
  let rest = text;
  if (m) {
    epoch = m[1] === '' ? '0' : (m[1] ?? '0');
    rest = text.slice(m[0].length);
  }
  const dash = rest.lastIndexOf('-');
  if (dash < 0) return { epoch, version: rest, release: undefined };
  return { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) };
}

const isAlnum = (c: string | undefined): boolean => isDigit(c) || isAsciiLetter(c);

/** rpmvercmp over one version or release string. */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a[i]) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !isAlnum(b[j]) && b[j] !== '~' && b[j] !== '^') j++;
    const ca = a[i];
    const cb = b[j];
    if (ca === '~' || cb === '~') {
      if (ca !== '~') return 1;
      if (cb !== '~') return -1;
      i++;
      j++;
      continue;
    }
    if (ca === '^' || cb === '^') {
      if (ca === undefined) return -1;
      if (cb === undefined) return 1;
      if (ca !== '^') return 1;
      if (cb !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (ca === undefined || cb === undefined) break;
    const numeric = isDigit(ca);
    const inRun = numeric ? isDigit : isAsciiLetter;
    const si = i;
    while (i < a.length && inRun(a[i])) i++;
    const sj = j;
    while (j < b.length && inRun(b[j])) j++;
    const ra = a.slice(si, i);
    const rb = b.slice(sj, j);
    // Runs of different kinds: the numeric one is newer.
    if (rb === '') return numeric ? 1 : -1;
    const c = numeric ? compareDigits(ra, rb) : compareStrings(ra, rb);
    if (c !== 0) return c;
  }
  const restA = i < a.length;
  const restB = j < b.length;
  if (!restA && !restB) return 0;
  return restA ? 1 : -1;
}

export const rpm: VersionComparator = {
  compare(a, b) {
    const x = parse(a);
    const y = parse(b);
    const c = rpmvercmp(x.epoch, y.epoch) || rpmvercmp(x.version, y.version);
    if (c !== 0) return c;
    if (x.release === undefined || y.release === undefined) {
      return x.release === y.release ? 0 : x.release === undefined ? -1 : 1;
    }
    return rpmvercmp(x.release, y.release);
  },
  isValid(version) {
    return version !== '' && !/\s/.test(version) && /[A-Za-z0-9]/.test(version);
  },
};
