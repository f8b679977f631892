import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { comparatorFor } from '../src/vulndb/versions/index.js';
import { CORPUS_DIR, type SuiteResult } from './corpus.js';

/** OSV's version-ordering golden files (one `a <op> b` pair per line), below the corpus. */
export const OSV_VERSIONS_CORPUS = 'osv/semver-fixtures';

/** Fixture file prefix → the ecosystem whose comparator must agree with it. */
const FILES: Array<[prefix: string, ecosystem: string]> = [
  ['debian', 'Debian'],
  ['alpine', 'Alpine'],
  ['redhat', 'Red Hat'],
  ['semver', 'npm'],
  ['pypi', 'PyPI'],
  ['maven', 'Maven'],
  ['nuget', 'NuGet'],
  ['rubygems', 'RubyGems'],
  ['packagist', 'Packagist'],
  ['pub', 'Pub'],
  ['cran', 'CRAN'],
  ['hackage', 'Hackage'],
];

/** The fixtures carry no index.json; the folder with its README is the marker. */
export function osvVersionsAvailable(): boolean {
  return existsSync(join(CORPUS_DIR, OSV_VERSIONS_CORPUS, 'README.md'));
}

const MIRROR: Record<string, string> = { '<': '>', '>': '<', '=': '=' };

function opOf(n: number): string {
  return n < 0 ? '<' : n > 0 ? '>' : '=';
}

/**
 * Every pair is checked in both directions (compare(b, a) must give the mirrored answer), as the
 * upstream test does; a pair counts as agreed only when both directions agree.
 */
export function runOsvVersions(): SuiteResult {
  const result: SuiteResult = { suite: 'osv-versions', total: 0, agreed: 0, misses: [], notes: [] };
  const dir = join(CORPUS_DIR, OSV_VERSIONS_CORPUS);
  for (const [prefix, ecosystem] of FILES) {
    const comparator = comparatorFor(ecosystem);
    for (const file of [`${prefix}-versions.txt`, `${prefix}-versions-generated.txt`]) {
      const path = join(dir, file);
      if (!existsSync(path)) continue;
      let total = 0;
      let agreed = 0;
      const lines = readFileSync(path, 'utf8').split('\n');
      lines.forEach((raw, index) => {
        const line = raw.trim();
        if (line === '' || line.startsWith('#') || line.startsWith('//')) return;
        const [a, op, b] = line.split(' ');
        if (a === undefined || b === undefined || op === undefined || !(op in MIRROR)) {
          result.notes.push(`${file}:${index + 1}: unreadable line skipped`);
          return;
        }
        total++;
        if (!comparator) {
          result.misses.push(`${file}:${index + 1}: no comparator for ${ecosystem}`);
          return;
        }
        const forward = opOf(comparator.compare(a, b));
        const backward = opOf(comparator.compare(b, a));
        if (forward === op && backward === MIRROR[op]) agreed++;
        else result.misses.push(`${file}:${index + 1}: ${line} (got ${a} ${forward} ${b}, ${b} ${backward} ${a})`);
      });
      result.total += total;
      result.agreed += agreed;
      result.notes.push(`${ecosystem} ${file}: ${agreed}/${total} = ${total ? ((100 * agreed) / total).toFixed(2) : '100.00'}%`);
    }
  }
  return result;
}
