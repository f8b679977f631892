import type { VersionComparator } from './index.js';
import { compareDigits, isAsciiLetter, isDigit, sign } from './compare-text.js';

/**
 * Debian package versions, `[epoch:]upstream[-revision]`, ordered as Debian Policy §5.6.12 and
 * `dpkg --compare-versions` do: epochs numerically, then upstream and revision by alternating
 * non-digit runs (letters before other characters, `~` before everything including the end) and
 * digit runs (numerically).
 *
 * Invalid text is still ordered by the same algorithm over its raw parts (an epoch that is not a
 * number counts as 0 and stays part of the upstream), so the order is total and deterministic.
 */
interface DpkgVersion {
  epoch: string;
  upstream: string;
  revision: string;
}

function parse(text: string): DpkgVersion {
  const v = text.trim();
  const colon = v.indexOf(':');
  let epoch = '0';
  let rest = v;
  if (colon > 0 && /^[0-9]+$/.test(v.slice(0, colon))) {
    epoch = v.slice(0, colon);
    rest = v.slice(colon + 1);
  }
  const dash = rest.lastIndexOf('-');
  // A version without a revision orders like one whose revision is "0" (an empty part equals zero).
  if (dash < 0) return { epoch, upstream: rest, revision: '' };
  return { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) };
}

/** Weight of one character in a non-digit run; `undefined` is the end of the string. */
function weight(c: string | undefined): number {
  if (c === undefined || isDigit(c)) return 0;
  if (isAsciiLetter(c)) return c.charCodeAt(0);
  if (c === '~') return -1;
  return c.charCodeAt(0) + 256;
}

/** Policy §5.6.12 comparison of one upstream or revision part. */
export function compareDpkgPart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const wa = weight(i < a.length && !isDigit(a[i]) ? a[i] : undefined);
      const wb = weight(j < b.length && !isDigit(b[j]) ? b[j] : undefined);
      if (wa !== wb) return sign(wa - wb);
      if (i < a.length && !isDigit(a[i])) i++;
      if (j < b.length && !isDigit(b[j])) j++;
    }
    const si = i;
    while (i < a.length && isDigit(a[i])) i++;
    const sj = j;
    while (j < b.length && isDigit(b[j])) j++;
    const c = compareDigits(a.slice(si, i), b.slice(sj, j));
    if (c !== 0) return c;
  }
  return 0;
}

export const dpkg: VersionComparator = {
  compare(a, b) {
    const x = parse(a);
    const y = parse(b);
    return compareDigits(x.epoch, y.epoch) || compareDpkgPart(x.upstream, y.upstream) || compareDpkgPart(x.revision, y.revision);
  },
  isValid(version) {
    const v = parse(version);
    if (version.trim() === '' || /\s/.test(version.trim())) return false;
    // The upstream part must start with a digit; colons are only allowed when an epoch is present,
    // hyphens only when a revision is.
    if (!/^[0-9][A-Za-z0-9.+~:-]*$/.test(v.upstream)) return false;
    if (v.upstream.includes(':') && !/^[0-9]+:/.test(version.trim())) return false;
    return /^[A-Za-z0-9.+~]*$/.test(v.revision);
  },
};
