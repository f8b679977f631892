import { registryReferenceOf } from '../../analyses/images/image-input.js';
import { usersOfImage } from '../../analyses/images/image-users.js';
import type { ImageReport, ImageVulnerability } from '../../analyses/images/types.js';
import { parseImageReference } from '../../core/image-reference.js';
import { shellQuote, defineRule } from '../../core/rule.js';
import type { Severity } from '../../core/severity.js';
import { IMAGE_KIND, imageReportOf } from '../../analyses/images/image-resource.js';
import { comparatorFor, type VersionComparator } from '../../vulndb/versions/index.js';

// `unknown`: nobody has rated it yet — a remark, not a guess at how bad it is.
const SEVERITY: Record<ImageVulnerability['severity'], Severity> = { critical: 'critical', high: 'high', medium: 'medium', low: 'low', negligible: 'info', unknown: 'info' };

type FixState = NonNullable<ImageVulnerability['fixStatus']> | 'not-yet';

/** Why a vulnerability has no fixed version, as its source says. */
const NO_FIX: Record<FixState, string> = {
  'not-yet': 'no fixed version published yet',
  'will-not-fix': 'the distribution will not fix it',
  'fix-deferred': 'the distribution has deferred the fix',
  'end-of-life': 'no fix: the release is past its end of life',
};

/** The state to reach when no fixed version is listed: a version to move to only where one is coming. */
const UNFIXED_EXPECTED: Record<FixState, string> = {
  'not-yet': 'a fixed version, once one is published',
  'will-not-fix': 'the package removed, or the risk accepted (the distribution will not fix it)',
  'fix-deferred': 'a fixed version, once the distribution ships its deferred fix',
  'end-of-life': 'a supported release of the base image (this one is past its end of life)',
};

/** What to do about one finding, by whether and why a fix exists; the rule's remediation sums these up. */
function remediationFor(v: ImageVulnerability, target: string | undefined): string {
  if (target !== undefined) return `Rebuild the image with ${v.package.name} ${target} (a newer base image or package update), then roll out the new digest.`;
  const advice: Record<FixState, string> = {
    'not-yet':
      'No fixed version is published yet: update the database and scan again to see when one is; meanwhile remove the package if the image does not need it, or record an exception for the accepted risk.',
    'will-not-fix':
      'The distribution will not fix it (it rates the issue as no or minor security impact): no rebuild will change this finding. Remove the package or move to a base image without it, or record an exception for the accepted risk.',
    'fix-deferred':
      'The distribution has deferred the fix: remove the package or move to a base image without it, or record an exception for the accepted risk until the fix is published.',
    'end-of-life': 'The release is past its end of life and gets no fixes: rebuild the image on a supported release of its base, then roll out the new digest.',
  };
  return advice[v.fixStatus ?? 'not-yet'];
}

/** OSV ecosystem of a purl type, so an imported report's package (which names no ecosystem) is ordered right. */
const ECOSYSTEM_OF_PURL_TYPE: Readonly<Record<string, string>> = {
  deb: 'Debian',
  apk: 'Alpine',
  rpm: 'Red Hat',
  npm: 'npm',
  pypi: 'PyPI',
  maven: 'Maven',
  golang: 'Go',
  nuget: 'NuGet',
  gem: 'RubyGems',
  cargo: 'crates.io',
  composer: 'Packagist',
};

/** OSV ecosystem of a package type as Palisade, Trivy (`Type`) or Grype (`artifact.type`) names it. */
const ECOSYSTEM_OF_TYPE: Readonly<Record<string, string>> = {
  ...ECOSYSTEM_OF_PURL_TYPE,
  debian: 'Debian',
  ubuntu: 'Ubuntu',
  alpine: 'Alpine',
  wolfi: 'Wolfi',
  chainguard: 'Chainguard',
  redhat: 'Red Hat',
  'node-pkg': 'npm',
  'python-pkg': 'PyPI',
  python: 'PyPI',
  jar: 'Maven',
  'java-archive': 'Maven',
  gobinary: 'Go',
  'go-module': 'Go',
  'dotnet-core': 'NuGet',
  dotnet: 'NuGet',
  gemspec: 'RubyGems',
};

function comparatorOf(pkg: ImageVulnerability['package']): VersionComparator | undefined {
  if (pkg.ecosystem !== undefined) return comparatorFor(pkg.ecosystem);
  const purlType = pkg.purl?.match(/^pkg:([a-z0-9.+-]+)\//i)?.[1]?.toLowerCase();
  const eco = (purlType !== undefined ? ECOSYSTEM_OF_PURL_TYPE[purlType] : undefined) ?? (pkg.type !== undefined ? ECOSYSTEM_OF_TYPE[pkg.type.toLowerCase()] : undefined);
  return eco === undefined ? undefined : comparatorFor(eco);
}

/**
 * The version to move to: the lowest fixed version above the installed one, in the package's ecosystem
 * order (a report may list the fix of an older line first: `1.1.9, 2.0.1` for 2.0.0). Without an order
 * to go by, every listed fix is named.
 */
function fixTarget(v: ImageVulnerability): string | undefined {
  if (v.fixedVersions.length === 0) return undefined;
  const cmp = comparatorOf(v.package);
  if (cmp === undefined) return v.fixedVersions.length === 1 ? `>= ${v.fixedVersions[0]}` : `>= one of ${v.fixedVersions.join(', ')}`;
  const sorted = [...v.fixedVersions].sort((a, b) => cmp.compare(a, b));
  const above = sorted.find((f) => cmp.compare(f, v.package.version) > 0);
  return `>= ${above ?? sorted.at(-1)}`;
}

/** The finding's key: one finding per vulnerability of a package version, wherever in the image it is. */
function findingKey(v: ImageVulnerability): string {
  return `${v.id}\u0000${v.package.name}\u0000${v.package.version}`;
}

/**
 * One entry per finding key: a package installed at several paths (two copies of a jar, a library in
 * two virtualenvs) is one vulnerability to fix, reported once with every path, so its id stays the
 * same however many copies there are.
 */
function groupedByKey(vulns: readonly ImageVulnerability[]): Array<{ v: ImageVulnerability; locations: string[] }> {
  const groups = new Map<string, { v: ImageVulnerability; locations: Set<string>; fixed: Set<string> }>();
  for (const v of vulns) {
    const key = findingKey(v);
    const g = groups.get(key) ?? { v, locations: new Set<string>(), fixed: new Set<string>() };
    groups.set(key, g);
    if (typeof v.package.location === 'string') g.locations.add(v.package.location);
    for (const f of v.fixedVersions) g.fixed.add(f);
  }
  return [...groups.values()].map((g) => ({ v: { ...g.v, fixedVersions: [...g.fixed] }, locations: [...g.locations].sort() }));
}

/**
 * The input that reads the same image again: the scan's own (a local PATH[:TAG] as given, REF@digest for a
 * registry), else for an imported report its reference pinned to the digest when both are known.
 */
function rescanInput(report: ImageReport): string {
  if (report.rescan !== undefined) return report.rescan;
  const name = registryReferenceOf(report.ref);
  const ref = name === undefined ? undefined : parseImageReference(name);
  if (ref === undefined || report.digest === undefined) return report.ref;
  return `${ref.name}${ref.tag !== undefined ? `:${ref.tag}` : ''}@${report.digest}`;
}

/** How many users an image's finding names; the rest are counted. */
const USERS_SHOWN = 10;

export default defineRule({
  meta: {
    id: 'image/vulnerable-package',
    title: 'Image contains a package with a known vulnerability',
    severity: 'high',
    maxSeverity: 'critical',
    pillar: 'images',
    frameworks: [
      { framework: 'cis-aks', id: '5.1.1' },
      { framework: 'mitre', id: 'T1190' },
    ],
    description:
      'A package in the image has a published vulnerability (OSV, or the imported scanner report). Each finding takes the ' +
      "vulnerability's own severity, from its CVSS score or its distribution's rating, and names the workloads that run the image.",
    remediation:
      'When a fixed version is published, rebuild the image on a base and packages at or above it, then roll out the new digest. ' +
      'When there is none (not yet, deferred, or the distribution will not fix it), remove the package or change the base image, or record an exception ' +
      'for the accepted risk; a release past its end of life needs a supported base. Each finding says which applies (evidence.remediation).',
    references: ['https://osv.dev/', 'https://learn.microsoft.com/azure/aks/concepts-security#build-security'],
  },
  target: { kinds: [IMAGE_KIND] },
  check(ctx) {
    const report = imageReportOf(ctx.resource);
    if (report === undefined) return;
    const users = usersOfImage(ctx.inventory, report);
    const usedBy = users.slice(0, USERS_SHOWN).map((u) => `${u.resource.namespace ?? '(no namespace)'}/${u.resource.kind}/${u.resource.name} (container ${u.container})`);
    if (users.length > USERS_SHOWN) usedBy.push(`and ${users.length - USERS_SHOWN} more`);
    const options = (report.rescanOptions ?? []).map((o) => ` ${shellQuote(o)}`).join('');
    const verify = `palisade image scan ${shellQuote(rescanInput(report))}${options} -f json`;
    // Shown where the image is named, so a pull request that changes the tag is annotated on that line.
    const first = users[0];
    const location = first && { ...first.resource.source, field: first.field };
    for (const { v, locations } of groupedByKey(report.vulnerabilities)) {
      const pkg = `${v.package.name} ${v.package.version}`;
      const fix = v.fixedVersions.length > 0 ? `fixed in ${v.fixedVersions.join(', ')}` : NO_FIX[v.fixStatus ?? 'not-yet'];
      const rated = v.severity === 'unknown' ? ' (severity not rated yet)' : '';
      const target = fixTarget(v);
      ctx.report({
        key: findingKey(v),
        message: `${v.id} in ${pkg}: ${fix}${rated}`,
        severity: SEVERITY[v.severity],
        evidence: {
          observed: v.package.version,
          expected: target ?? UNFIXED_EXPECTED[v.fixStatus ?? 'not-yet'],
          remediation: remediationFor(v, target),
          ...(locations.length > 0 ? { locations } : {}),
          ...(v.fixStatus !== undefined ? { fixStatus: v.fixStatus } : {}),
          vulnerability: v.id,
          aliases: v.aliases,
          package: v.package,
          fixedVersions: v.fixedVersions,
          ...(v.cvss !== undefined ? { cvss: v.cvss } : {}),
          ...(v.summary !== undefined ? { summary: v.summary } : {}),
          ...(report.digest !== undefined ? { digest: report.digest } : {}),
          usedBy,
        },
        verify,
        location,
      });
    }
  },
});
