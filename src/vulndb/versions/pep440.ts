import type { VersionComparator } from './index.js';
import { compareDigits, compareStrings } from './compare-text.js';

/**
 * Python package versions (PyPI), ordered as PEP 440 and the `packaging` library do: epoch, release
 * (trailing zeros ignored), then pre-release (a < b < rc; `.devN` alone sorts before any
 * pre-release), post-release, dev-release, and finally the local label (`+…`, segments compared
 * numerically when both are numbers, and letters before numbers).
 *
 * Text that is not PEP 440 is a "legacy" version, as older `packaging` ordered it: after every valid
 * version's epoch, i.e. before all valid versions, split into number and word runs (`pre`,
 * `preview` and `rc` read as `c`, `dev` as `@`, `-` as `final-`). isValid() is true only for
 * PEP 440 versions.
 */

// The public PEP 440 grammar (appendix B of the PEP), with its spellings normalised below.
const PEP440 =
  /^\s*v?(?:(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\.[0-9]+)*)(?<pre>[-_.]?(?<preL>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<preN>[0-9]+)?)?(?<post>(?:-(?<postN1>[0-9]+))|(?:[-_.]?(?<postL>post|rev|r)[-_.]?(?<postN2>[0-9]+)?))?(?<dev>[-_.]?(?<devL>dev)[-_.]?(?<devN>[0-9]+)?)?)(?:\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$/i;

/** Sort key element: numbers and strings compare within kind; the infinities bracket everything. */
type Bound = 'min' | 'max';

interface Pep440 {
  epoch: string;
  release: string[];
  pre: Bound | [string, string];
  post: Bound | string;
  dev: Bound | string;
  local: string[] | undefined;
}

function preLetter(l: string): string {
  const x = l.toLowerCase();
  if (x === 'alpha' || x === 'a') return 'a';
  if (x === 'beta' || x === 'b') return 'b';
  return 'rc';
}

function parsePep440(text: string): Pep440 | undefined {
  const g = PEP440.exec(text)?.groups;
  if (!g || g.release === undefined) return undefined;
  const release = g.release.split('.');
  while (release.length > 1 && /^0+$/.test(release[release.length - 1] ?? '')) release.pop();
  const hasPost = g.post !== undefined;
  const hasDev = g.dev !== undefined;
  let pre: Pep440['pre'];
  if (g.preL !== undefined) pre = [preLetter(g.preL), g.preN ?? '0'];
  else pre = !hasPost && hasDev ? 'min' : 'max';
  return {
    epoch: g.epoch ?? '0',
    release,
    pre,
    post: hasPost ? (g.postN1 ?? g.postN2 ?? '0') : 'min',
    dev: hasDev ? (g.devN ?? '0') : 'max',
    local: g.local === undefined ? undefined : g.local.toLowerCase().split(/[-_.]/),
  };
}

function compareBound<T>(a: Bound | T, b: Bound | T, inner: (x: T, y: T) => number): number {
  const ra = a === 'min' ? -1 : a === 'max' ? 1 : 0;
  const rb = b === 'min' ? -1 : b === 'max' ? 1 : 0;
  if (ra !== rb || ra !== 0) return ra === rb ? 0 : ra < rb ? -1 : 1;
  return inner(a as T, b as T);
}

function compareLocal(a: string[] | undefined, b: string[] | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    const nx = /^[0-9]+$/.test(x);
    const ny = /^[0-9]+$/.test(y);
    const c = nx && ny ? compareDigits(x, y) : nx !== ny ? (nx ? 1 : -1) : compareStrings(x, y);
    if (c !== 0) return c;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function compareRelease(a: string[], b: string[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareDigits(a[i] ?? '0', b[i] ?? '0');
    if (c !== 0) return c;
  }
  return 0;
}

function comparePep440(a: Pep440, b: Pep440): number {
  return (
    compareDigits(a.epoch, b.epoch) ||
    compareRelease(a.release, b.release) ||
    compareBound(a.pre, b.pre, (x, y) => compareStrings(x[0], y[0]) || compareDigits(x[1], y[1])) ||
    compareBound(a.post, b.post, compareDigits) ||
    compareBound(a.dev, b.dev, compareDigits) ||
    compareLocal(a.local, b.local)
  );
}

const LEGACY_REPLACEMENTS: Record<string, string> = { pre: 'c', preview: 'c', '-': 'final-', rc: 'c', dev: '@' };

/** The legacy key: runs of digits (zero-padded to 8) and other runs prefixed with `*`. */
function legacyKey(text: string): string[] {
  const parts: string[] = [];
  const pieces = text.toLowerCase().split(/([0-9]+|[a-z]+|\.|-)/);
  const runs = [...pieces.map((p) => LEGACY_REPLACEMENTS[p] ?? p).filter((p) => p !== '' && p !== '.'), null];
  for (const run of runs) {
    const part = run === null ? '*final' : /^[0-9]/.test(run) ? run.padStart(8, '0') : `*${run}`;
    if (part.startsWith('*')) {
      if (part < '*final') {
        while (parts[parts.length - 1] === '*final-') parts.pop();
      }
      while (parts[parts.length - 1] === '00000000') parts.pop();
    }
    parts.push(part);
  }
  return parts;
}

function compareLegacy(a: string[], b: string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareStrings(a[i] ?? '', b[i] ?? '');
    if (c !== 0) return c;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export const pep440: VersionComparator = {
  compare(a, b) {
    const x = parsePep440(a);
    const y = parsePep440(b);
    if (x && y) return comparePep440(x, y);
    if (x || y) return x ? 1 : -1;
    return compareLegacy(legacyKey(a), legacyKey(b));
  },
  isValid(version) {
    return parsePep440(version) !== undefined;
  },
};
