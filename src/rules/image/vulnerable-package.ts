import { usersOfImage } from '../../analyses/images/image-users.js';
import type { ImageVulnerability } from '../../analyses/images/types.js';
import { shellQuote, defineRule } from '../../core/rule.js';
import type { Severity } from '../../core/severity.js';
import { IMAGE_KIND, imageReportOf } from '../../ingest/image-resource.js';

// `unknown`: nobody has rated it yet — a remark, not a guess at how bad it is.
const SEVERITY: Record<ImageVulnerability['severity'], Severity> = { critical: 'critical', high: 'high', medium: 'medium', low: 'low', negligible: 'info', unknown: 'info' };

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
    const users = usersOfImage(ctx.inventory, report.ref);
    const usedBy = users.slice(0, USERS_SHOWN).map((u) => `${u.resource.namespace ?? '(no namespace)'}/${u.resource.kind}/${u.resource.name} (container ${u.container})`);
    if (users.length > USERS_SHOWN) usedBy.push(`and ${users.length - USERS_SHOWN} more`);
    const verify = `palisade image scan ${shellQuote(report.digest !== undefined ? `${report.ref.split('@')[0]}@${report.digest}` : report.ref)} -f json`;
    for (const v of report.vulnerabilities) {
      const pkg = `${v.package.name} ${v.package.version}`;
      const fix = v.fixedVersions.length > 0 ? `fixed in ${v.fixedVersions.join(', ')}` : 'no fixed version published yet';
      const rated = v.severity === 'unknown' ? ' (severity not rated yet)' : '';
      ctx.report({
        key: `${v.id}\u0000${v.package.name}\u0000${v.package.version}`,
        message: `${v.id} in ${pkg}: ${fix}${rated}`,
        severity: SEVERITY[v.severity],
        evidence: {
          observed: v.package.version,
          expected: v.fixedVersions.length > 0 ? `>= ${v.fixedVersions[0]}` : 'a fixed version (none published yet)',
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
      });
    }
  },
});
