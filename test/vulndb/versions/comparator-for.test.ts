import { describe, expect, it } from 'vitest';
import { apk } from '../../../src/vulndb/versions/apk.js';
import { composer } from '../../../src/vulndb/versions/composer.js';
import { dpkg } from '../../../src/vulndb/versions/dpkg.js';
import { comparatorFor } from '../../../src/vulndb/versions/index.js';
import { maven } from '../../../src/vulndb/versions/maven.js';
import { nuget } from '../../../src/vulndb/versions/nuget.js';
import { cran, hackage } from '../../../src/vulndb/versions/numeric-list.js';
import { pep440 } from '../../../src/vulndb/versions/pep440.js';
import { pub } from '../../../src/vulndb/versions/pub.js';
import { rpm } from '../../../src/vulndb/versions/rpm.js';
import { rubygems } from '../../../src/vulndb/versions/rubygems.js';
import { semver } from '../../../src/vulndb/versions/semver.js';

describe('comparatorFor', () => {
  it.each([
    ['Debian:12', dpkg],
    ['Debian', dpkg],
    ['Ubuntu:22.04:LTS', dpkg],
    ['Ubuntu:Pro:18.04:LTS', dpkg],
    ['Alpine:v3.18', apk],
    ['Red Hat:enterprise_linux:9::appstream', rpm],
    ['Rocky Linux:9', rpm],
    ['AlmaLinux:9', rpm],
    ['Azure Linux:3', rpm],
    ['Mariner:2', rpm],
    ['SUSE:Linux Enterprise Server 15 SP5', rpm],
    ['openSUSE:Leap 15.5', rpm],
    ['npm', semver],
    ['crates.io', semver],
    ['Go', semver],
    ['Hex', semver],
    ['PyPI', pep440],
    ['Maven', maven],
    ['NuGet', nuget],
    ['RubyGems', rubygems],
    ['Packagist', composer],
    ['Pub', pub],
    ['CRAN', cran],
    ['Hackage', hackage],
  ])('selects by the name before the first colon: %s', (ecosystem, comparator) => {
    expect(comparatorFor(ecosystem)).toBe(comparator);
  });

  it('has no comparator for unknown ecosystems or a different spelling', () => {
    expect(comparatorFor('GIT')).toBeUndefined();
    expect(comparatorFor('debian:12')).toBeUndefined();
    expect(comparatorFor('')).toBeUndefined();
  });
});
