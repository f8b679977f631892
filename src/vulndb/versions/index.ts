import { apk } from './apk.js';
import { composer } from './composer.js';
import { dpkg } from './dpkg.js';
import { maven } from './maven.js';
import { nuget } from './nuget.js';
import { cran, hackage } from './numeric-list.js';
import { pep440 } from './pep440.js';
import { pub } from './pub.js';
import { rpm } from './rpm.js';
import { rubygems } from './rubygems.js';
import { semver } from './semver.js';

/**
 * Version ordering per OSV ecosystem. `comparatorFor('Debian:12')` → the dpkg comparator; the part of an
 * ecosystem name before the first `:` selects it. Undefined for ecosystems without a comparator.
 */
export interface VersionComparator {
  /** Negative, zero or positive as a sorts before, equal to, or after b. Never throws. */
  compare(a: string, b: string): number;
  /** Whether the text is a version this ecosystem can order (invalid versions never match a range). */
  isValid(version: string): boolean;
}

/** OSV ecosystem name (without the `:release` suffix) → comparator. */
const BY_ECOSYSTEM: ReadonlyMap<string, VersionComparator> = new Map<string, VersionComparator>([
  ['Debian', dpkg],
  ['Ubuntu', dpkg],
  ['Alpine', apk],
  ['Wolfi', apk],
  ['Chainguard', apk],
  ['Red Hat', rpm],
  ['Rocky Linux', rpm],
  ['AlmaLinux', rpm],
  ['Azure Linux', rpm],
  ['Mariner', rpm],
  ['SUSE', rpm],
  ['openSUSE', rpm],
  ['npm', semver],
  ['crates.io', semver],
  ['Go', semver],
  ['Hex', semver],
  ['Maven', maven],
  ['NuGet', nuget],
  ['PyPI', pep440],
  ['RubyGems', rubygems],
  ['Packagist', composer],
  ['Pub', pub],
  ['CRAN', cran],
  ['Hackage', hackage],
]);

export function comparatorFor(ecosystem: string): VersionComparator | undefined {
  const colon = ecosystem.indexOf(':');
  return BY_ECOSYSTEM.get(colon < 0 ? ecosystem : ecosystem.slice(0, colon));
}
