import type { VersionComparator } from './index.js';
import { compareDigits, compareStrings, isDigit } from './compare-text.js';

/**
 * Maven versions, ordered by Maven's version order specification (what `ComparableVersion`
 * implements): the lower-cased text splits into tokens at `.`, at `-`, and at every switch between
 * digits and letters (which counts as a `-`); an empty token is `0`. Trailing null tokens (`0`, ``,
 * `ga`, `final`, `release`) are trimmed, then again before every remaining `-`, from the end.
 *
 * Tokens compare pairwise; a missing token is the null of the kind it faces (`0` for a number,
 * the release qualifier `` for a qualifier). By separator and kind,
 * `.qualifier` < `-qualifier` < `-number` < `.number` (a `-` opens a nested list in Maven, and a
 * qualifier sorts before a list, a list before a number); within a kind
 * numbers compare numerically and qualifiers rank alpha < beta < milestone < rc = cr < snapshot <
 * "" = ga = final = release < sp < anything else (alphabetically). `a`, `b` and `m` directly
 * followed by a digit mean alpha, beta and milestone.
 *
 * Every string is a Maven version; isValid() only rejects empty text and whitespace.
 */
interface Token {
  sep: '.' | '-';
  numeric: boolean;
  /** Digits without leading zeros, or the canonical qualifier. */
  value: string;
}

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Record<string, string> = { ga: '', final: '', release: '', cr: 'rc' };
const SHORT: Record<string, string> = { a: 'alpha', b: 'beta', m: 'milestone' };

/** Qualifier rank: known qualifiers by position, unknown ones after all of them, alphabetically. */
function rank(qualifier: string): string {
  const i = QUALIFIERS.indexOf(qualifier);
  return i < 0 ? `${QUALIFIERS.length}-${qualifier}` : String(i);
}

function isNull(t: Token): boolean {
  return t.numeric ? t.value === '0' : t.value === '';
}

function tokenize(text: string): Token[] {
  const version = text.trim().toLowerCase();
  const tokens: Token[] = [];
  let sep: '.' | '-' = '.';
  let start = 0;
  const push = (end: number, followedByDigit: boolean): void => {
    const raw = version.slice(start, end);
    if (raw === '' || isDigit(raw[0])) {
      tokens.push({ sep, numeric: true, value: raw.replace(/^0+/, '') || '0' });
    } else {
      const word = followedByDigit ? (SHORT[raw] ?? raw) : raw;
      tokens.push({ sep, numeric: false, value: ALIASES[word] ?? word });
    }
  };
  for (let i = 0; i < version.length; i++) {
    const c = version[i];
    if (c === '.' || c === '-') {
      push(i, false);
      sep = c;
      start = i + 1;
    } else if (i > start && isDigit(c) !== isDigit(version[i - 1])) {
      push(i, isDigit(c));
      sep = '-';
      start = i;
    }
  }
  if (version.length > start) push(version.length, false);
  return trim(tokens);
}

function trim(tokens: Token[]): Token[] {
  const out = [...tokens];
  while (out.length > 0 && isNull(out[out.length - 1] as Token)) out.pop();
  for (let i = out.length - 1; i > 0; i--) {
    if ((out[i] as Token).sep !== '-') continue;
    while (i > 0 && isNull(out[i - 1] as Token)) {
      out.splice(i - 1, 1);
      i--;
    }
  }
  return out;
}

/** .qualifier < -qualifier < -number < .number */
function tier(t: Token): number {
  if (!t.numeric) return t.sep === '.' ? 0 : 1;
  return t.sep === '-' ? 2 : 3;
}

function compareTokens(a: Token, b: Token): number {
  const ta = tier(a);
  const tb = tier(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.numeric ? compareDigits(a.value, b.value) : compareStrings(rank(a.value), rank(b.value));
}

/** The null a missing token stands for: of the same kind and separator as the token it faces. */
function nullLike(other: Token): Token {
  return { sep: other.sep, numeric: other.numeric, value: other.numeric ? '0' : '' };
}

export const maven: VersionComparator = {
  compare(a, b) {
    const x = tokenize(a);
    const y = tokenize(b);
    const n = Math.max(x.length, y.length);
    for (let i = 0; i < n; i++) {
      const p = x[i];
      const q = y[i];
      const c = p && q ? compareTokens(p, q) : p ? compareTokens(p, nullLike(p)) : q ? compareTokens(nullLike(q), q) : 0;
      if (c !== 0) return c;
    }
    return 0;
  },
  isValid(version) {
    return version.trim() !== '' && !/\s/.test(version.trim());
  },
};
