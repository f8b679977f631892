import { compareDigits, compareStrings } from './compare-text.js';

/**
 * SemVer §11 precedence of dot-separated pre-release identifiers: numeric identifiers compare
 * numerically and sort before alphanumeric ones, which compare in ASCII order; a shorter list that
 * is a prefix of a longer one sorts first. `fold` lower-cases alphanumeric identifiers first
 * (NuGet compares them case-insensitively).
 */
export function comparePrerelease(a: readonly string[], b: readonly string[], fold = false): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    const nx = /^[0-9]+$/.test(x);
    const ny = /^[0-9]+$/.test(y);
    let c: number;
    if (nx && ny) c = compareDigits(x, y);
    else if (nx !== ny) c = nx ? -1 : 1;
    else c = fold ? compareStrings(x.toLowerCase(), y.toLowerCase()) : compareStrings(x, y);
    if (c !== 0) return c;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}
