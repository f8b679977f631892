import type { VersionComparator } from './index.js';
import { compareDigits, isDigit } from './compare-text.js';

/**
 * Packagist (Composer) versions, ordered like PHP's `version_compare` after dropping a leading
 * `v`/`V`: the text splits into parts at `.`, `-`, `_`, `+` and at every switch between digits and
 * non-digits. Two numbers compare numerically (exactly, however long). Words rank by their leading
 * special form, case-sensitively: `dev` < `alpha`/`a` < `beta`/`b` < `RC`/`rc` < `#` < `pl`/`p`,
 * and any other word below `dev`; a number counts as `#` against a word. When one version has
 * parts left over, a leading number makes it newer; otherwise each left-over word is weighed
 * against `#` until one differs.
 *
 * Every string orders this way; isValid() accepts what Composer's own version parser would take in
 * spirit: a leading number, then only letters, digits and separators.
 */
const FORMS: Array<[string, number]> = [
  ['dev', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['RC', 3],
  ['rc', 3],
  ['#', 4],
  ['pl', 5],
  ['p', 5],
];
const NUMBER_FORM = 4;

function form(word: string): number {
  for (const [name, order] of FORMS) if (word.startsWith(name)) return order;
  return -1;
}

function parts(text: string): string[] {
  const v = text.trim().replace(/^[vV]/, '');
  const out: string[] = [];
  let current = '';
  for (const c of v) {
    if (c === '.' || c === '-' || c === '_' || c === '+') {
      if (current !== '') out.push(current);
      current = '';
      continue;
    }
    if (current !== '' && isDigit(current[current.length - 1]) !== isDigit(c)) {
      out.push(current);
      current = '';
    }
    current += c;
  }
  if (current !== '') out.push(current);
  return out;
}

function comparePart(a: string, b: string): number {
  const na = isDigit(a[0]);
  const nb = isDigit(b[0]);
  if (na && nb) return compareDigits(a, b);
  const fa = na ? NUMBER_FORM : form(a);
  const fb = nb ? NUMBER_FORM : form(b);
  return Math.sign(fa - fb);
}

/** Parts one version has beyond the other: a number wins outright, words are weighed against `#`. */
function compareTail(extra: readonly string[]): number {
  for (const part of extra) {
    if (isDigit(part[0])) return 1;
    const c = Math.sign(form(part) - NUMBER_FORM);
    if (c !== 0) return c;
  }
  return 0;
}

export const composer: VersionComparator = {
  compare(a, b) {
    const x = parts(a);
    const y = parts(b);
    const n = Math.min(x.length, y.length);
    for (let i = 0; i < n; i++) {
      const c = comparePart(x[i] ?? '', y[i] ?? '');
      if (c !== 0) return c;
    }
    if (x.length > n) return compareTail(x.slice(n));
    if (y.length > n) return -compareTail(y.slice(n));
    return 0;
  },
  isValid(version) {
    return /^[vV]?[0-9][0-9A-Za-z.+_-]*$/.test(version.trim());
  },
};
