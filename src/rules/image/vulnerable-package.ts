import { registryReferenceOf } from '../../analyses/images/image-input.js';
import { usersOfImage } from '../../analyses/images/image-users.js';
import type { ImageReport, ImageVulnerability } from '../../analyses/images/types.js';
import { parseImageReference } from '../../core/image-reference.js';
import { shellQuote, defineRule } from '../../core/rule.js';
import type { Severity } from '../../core/severity.js';
import { IMAGE_KIND, imageReportOf } from '../../analyses/images/image-resource.js';

// `unknown`: nobody has rated it yet — a remark, not a guess at how bad it is.
const SEVERITY: Record<ImageVulnerability['severity'], Severity> = { critical: 'critical', high: 'high', medium: 'medium', low: 'low', negligible: 'info', unknown: 'info' };

/** Why a vulnerability has no fixed version, as its source says. */
const NO_FIX: Record<NonNullable<ImageVulnerability['fixStatus']> | 'not-yet', string> = {
  'not-yet': 'no fixed version published yet',
  'will-not-fix': 'the distribution will not fix it',
  'fix-deferred': 'the distribution has deferred the fix',
  'end-of-life': 'no fix: the release is past its end of life',
};

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
    remediation: 'Rebuild the image on a base and packages at or above the fixed version, then roll out the new digest.',
    references: ['https://osv.dev/', 'https://learn.microsoft.com/azure/aks/concepts-security#build-security'],
  },
  target: { kinds: [IMAGE_KIND] },
  check(ctx) {
    const report = imageReportOf(ctx.resource);
    if (report === undefined) return;
    const users = usersOfImage(ctx.inventory, report);
    const usedBy = users.slice(0, USERS_SHOWN).map((u) => `${u.resource.namespace ?? '(no namespace)'}/${u.resource.kind}/${u.resource.name} (container ${u.container})`);
    if (users.length > USERS_SHOWN) usedBy.push(`and ${users.length - USERS_SHOWN} more`);
    const verify = `palisade image scan ${shellQuote(rescanInput(report))} -f json`;
    // Shown where the image is named, so a pull request that changes the tag is annotated on that line.
    const first = users[0];
    const location = first && { ...first.resource.source, field: first.field };
    for (const v of report.vulnerabilities) {
      const pkg = `${v.package.name} ${v.package.version}`;
      const fix = v.fixedVersions.length > 0 ? `fixed in ${v.fixedVersions.join(', ')}` : NO_FIX[v.fixStatus ?? 'not-yet'];
      const rated = v.severity === 'unknown' ? ' (severity not rated yet)' : '';
      ctx.report({
        key: `${v.id}\u0000${v.package.name}\u0000${v.package.version}`,
        message: `${v.id} in ${pkg}: ${fix}${rated}`,
        severity: SEVERITY[v.severity],
        evidence: {
          observed: v.package.version,
          expected: v.fixedVersions.length > 0 ? `>= ${v.fixedVersions[0]}` : `a fixed version (${NO_FIX[v.fixStatus ?? 'not-yet']})`,
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
