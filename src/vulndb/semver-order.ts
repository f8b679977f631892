import type { VersionComparator } from './versions/index.js';

/**
 * SemVer 2.0 precedence as OSV's `SEMVER` range type means it, lenient the way OSV data needs: a
 * leading `v` (Go), and fewer than three core numbers (`0.1` in crates.io records) read as zero-padded.
 * Build metadata is ignored.
 */

interface Parsed {
  core: bigint[];
  pre: string[];
}

const SHAPE = /^v?(\d+(?:\.\d+)*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

function parse(v: string): Parsed | undefined {
  const m = SHAPE.exec(v.trim());
  if (!m) return undefined;
  const core = (m[1] as string).split('.').map((n) => BigInt(n));
  while (core.length < 3) core.push(0n);
  return { core, pre: m[2] === undefined ? [] : m[2].split('.') };
}

function compareIdent(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (an) return -1;
  if (bn) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareParsed(a: Parsed, b: Parsed): number {
  const n = Math.max(a.core.length, b.core.length);
  for (let i = 0; i < n; i++) {
    const x = a.core[i] ?? 0n;
    const y = b.core[i] ?? 0n;
    if (x !== y) return x < y ? -1 : 1;
  }
  // A pre-release sorts before its release.
  if (a.pre.length === 0 || b.pre.length === 0) return (b.pre.length === 0 ? 0 : 1) - (a.pre.length === 0 ? 0 : 1);
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const c = compareIdent(a.pre[i] as string, b.pre[i] as string);
    if (c !== 0) return c;
  }
  return a.pre.length - b.pre.length;
}

export const semverOrder: VersionComparator = {
  compare(a, b) {
    const x = parse(a);
    const y = parse(b);
    if (!x || !y) return x ? 1 : y ? -1 : a < b ? -1 : a > b ? 1 : 0;
    return Math.sign(compareParsed(x, y));
  },
  isValid: (v) => parse(v) !== undefined,
};
