/** Small ordering helpers shared by the ecosystem comparators. */

/** -1, 0 or 1 for the sign of n (comparators return only these, so callers can test equality directly). */
export function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/**
 * Orders two runs of ASCII digits by numeric value without converting them to numbers, so
 * arbitrarily long components (dates, hashes turned into numbers) keep exact order.
 */
export function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Code-unit (byte-like for ASCII) order, as C's strcmp gives for the ASCII versions ecosystems use. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

export function isAsciiLetter(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}
