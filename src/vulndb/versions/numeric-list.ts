import type { VersionComparator } from './index.js';
import { compareDigits, compareStrings } from './compare-text.js';

/**
 * Versions that are plain lists of numbers (CRAN's `numeric_version`, Hackage's Cabal versions):
 * compared number by number, and a list that is a prefix of another sorts first, so trailing zeros
 * count (`0.1.0` < `0.1.0.0`).
 *
 * Text that is not such a list is ordered by its runs of digits, then before a valid version with
 * the same numbers, then by code unit, which keeps the order total; isValid() is false for it.
 */
function numberList(separators: RegExp, valid: RegExp): VersionComparator {
  const key = (text: string): { numbers: string[]; valid: boolean; text: string } => {
    const v = text.trim();
    const ok = valid.test(v);
    return { numbers: ok ? v.split(separators) : (v.match(/[0-9]+/g) ?? []), valid: ok, text: v };
  };
  return {
    compare(a, b) {
      const x = key(a);
      const y = key(b);
      const n = Math.min(x.numbers.length, y.numbers.length);
      for (let i = 0; i < n; i++) {
        const c = compareDigits(x.numbers[i] ?? '0', y.numbers[i] ?? '0');
        if (c !== 0) return c;
      }
      if (x.numbers.length !== y.numbers.length) return x.numbers.length < y.numbers.length ? -1 : 1;
      if (x.valid !== y.valid) return x.valid ? 1 : -1;
      return x.valid ? 0 : compareStrings(x.text, y.text);
    },
    isValid(version) {
      return valid.test(version.trim());
    },
  };
}

/** CRAN package versions: numbers separated by `.` or `-` (`1.0-2` = `1.0.2`). */
export const cran = numberList(/[.-]/, /^[0-9]+(?:[.-][0-9]+)*$/);

/** Hackage (Cabal) versions: numbers separated by `.`. */
export const hackage = numberList(/\./, /^[0-9]+(?:\.[0-9]+)*$/);
