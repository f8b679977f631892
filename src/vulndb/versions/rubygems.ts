import type { VersionComparator } from './index.js';
import { compareDigits, compareStrings } from './compare-text.js';

/**
 * RubyGems versions, ordered as `Gem::Version#<=>`: `-` reads as `.pre.`, the text splits into runs
 * of digits and runs of letters; trailing zeros are dropped from the numeric head and from the part
 * after the first letter run; then segments compare pairwise (missing ones are 0), a letter segment
 * sorting before a number (so any letter makes a pre-release), letters by byte order.
 *
 * Text outside the Gem::Version grammar is ordered the same way over whatever runs it contains;
 * isValid() is false for it.
 */
type Segment = string;

const VALID = /^\s*([0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)?\s*$/;

const isNumber = (s: Segment): boolean => /^[0-9]/.test(s);

function dropTrailingZeros(segments: Segment[]): Segment[] {
  let end = segments.length;
  while (end > 0 && /^0+$/.test(segments[end - 1] ?? '')) end--;
  return segments.slice(0, end);
}

function canonicalSegments(text: string): Segment[] {
  const version = text.trim().replace(/-/g, '.pre.');
  const segments = version.match(/[0-9]+|[a-z]+/gi) ?? [];
  const firstWord = segments.findIndex((s) => !isNumber(s));
  if (firstWord < 0) return dropTrailingZeros(segments);
  return [...dropTrailingZeros(segments.slice(0, firstWord)), ...dropTrailingZeros(segments.slice(firstWord))];
}

export const rubygems: VersionComparator = {
  compare(a, b) {
    const x = canonicalSegments(a);
    const y = canonicalSegments(b);
    const n = Math.max(x.length, y.length);
    for (let i = 0; i < n; i++) {
      const p = x[i] ?? '0';
      const q = y[i] ?? '0';
      const np = isNumber(p);
      const nq = isNumber(q);
      const c = np && nq ? compareDigits(p, q) : np !== nq ? (np ? 1 : -1) : compareStrings(p, q);
      if (c !== 0) return c;
    }
    return 0;
  },
  isValid(version) {
    return VALID.test(version) && version.trim() !== '';
  },
};
