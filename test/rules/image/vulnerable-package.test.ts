import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/image/vulnerable-package.js';
import { findingsFor, ruleTester } from '../../helpers/rule-tester.js';
import { shopDeployment } from '../../helpers/shop-deployment.js';

/** A ContainerImage object as Palisade's image scan (or an imported report) puts it in the inventory. */
function image(ref: string, vulns: string, extra = ''): string {
  return `apiVersion: palisade.io/v1
kind: ContainerImage
metadata: { name: ${JSON.stringify(ref)} }
ref: ${JSON.stringify(ref)}
source: palisade
${extra}vulnerabilities: ${vulns}
`;
}

const opensslCve = `
  - id: CVE-2024-0727
    aliases: [DSA-5615-1]
    package: { name: openssl, version: 3.0.11-1~deb12u2, type: deb, ecosystem: "Debian:12" }
    fixedVersions: [3.0.13-1~deb12u1]
    severity: medium
    cvss: { version: "3.1", vector: "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H", score: 5.5 }`;

const deployment = (image: string, name = 'web') => shopDeployment(name, [{ name: 'app', image }]);

ruleTester(rule, {
  valid: [
    { name: 'an image without known vulnerabilities', input: image('nginx:1.27', '[]') },
    { name: 'a workload is not an image', input: deployment('nginx:1.27') },
    { name: 'an object of another API group named ContainerImage', input: 'apiVersion: example.com/v1\nkind: ContainerImage\nmetadata: { name: x }\nvulnerabilities: []\n' },
    {
      name: 'entries without an id or a package are not trusted',
      input: image('nginx:1.27', '\n  - { package: { name: x, version: "1" }, severity: high, aliases: [], fixedVersions: [] }\n  - { id: CVE-1, severity: high, aliases: [], fixedVersions: [] }'),
    },
  ],
  invalid: [
    {
      name: 'a fixed vulnerability takes its own severity',
      input: image('docker.io/library/debian:12', opensslCve),
      findings: [{ resource: 'ContainerImage/docker.io/library/debian:12', severity: 'medium', message: 'CVE-2024-0727 in openssl 3.0.11-1~deb12u2: fixed in 3.0.13-1~deb12u1' }],
    },
    {
      name: 'an unrated, unfixed vulnerability is a remark',
      input: image('app:1', '\n  - { id: GHSA-xxxx, aliases: [], package: { name: left-pad, version: 1.0.0 }, fixedVersions: [], severity: unknown }'),
      findings: [{ severity: 'info', message: 'GHSA-xxxx in left-pad 1.0.0: no fixed version published yet (severity not rated yet)' }],
    },
    {
      // Debian's unimportant, Ubuntu's negligible: rated, below low, and not said to be unrated.
      name: 'a negligible vulnerability is a remark too',
      input: image('app:1', '\n  - { id: CVE-2023-5678, aliases: [], package: { name: libssl3, version: 3.0.11-1~deb12u2 }, fixedVersions: [], severity: negligible }'),
      findings: [{ severity: 'info', message: 'CVE-2023-5678 in libssl3 3.0.11-1~deb12u2: no fixed version published yet' }],
    },
    {
      name: 'one finding per vulnerability and package',
      input: image(
        'app:1',
        '\n  - { id: CVE-1, aliases: [], package: { name: a, version: "1" }, fixedVersions: ["2"], severity: critical }\n  - { id: CVE-1, aliases: [], package: { name: b, version: "1" }, fixedVersions: ["2"], severity: critical }\n  - { id: CVE-2, aliases: [], package: { name: a, version: "1" }, fixedVersions: [], severity: low }',
      ),
      findings: [{ severity: 'critical', message: /^CVE-1 in a 1/ }, { severity: 'critical', message: /^CVE-1 in b 1/ }, { severity: 'low', message: /^CVE-2 in a 1/ }],
    },
    {
      // Trivy's will_not_fix, Grype's wont-fix: no fix is coming, which "not published yet" would hide.
      name: 'a vulnerability the distribution will not fix says so',
      input: image('app:1', '\n  - { id: CVE-2005-2541, aliases: [], package: { name: tar, version: "1.34" }, fixedVersions: [], fixStatus: will-not-fix, severity: low }'),
      findings: [{ severity: 'low', message: 'CVE-2005-2541 in tar 1.34: the distribution will not fix it' }],
    },
  ],
});

describe('image/vulnerable-package evidence', () => {
  it('names the workloads that run the image, however they spell its reference', () => {
    const yaml = image('docker.io/library/debian:12', opensslCve) + deployment('debian:12') + deployment('docker.io/library/debian:12', 'worker') + deployment('debian:11', 'old');
    const [f] = findingsFor(rule, yaml);
    expect(f?.evidence.usedBy).toEqual(['shop/Deployment/web (container app)', 'shop/Deployment/worker (container app)']);
    expect(f?.evidence.aliases).toEqual(['DSA-5615-1']);
    expect(f?.evidence.cvss).toMatchObject({ score: 5.5 });
    expect(f?.verify).toBe('palisade image scan docker.io/library/debian:12 -f json');
  });

  it('names the workloads that pin the image by digest, in any repository it is known in, and not other digests', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const other = `sha256:${'b'.repeat(64)}`;
    const extra = `digest: "${digest}"\nrefs: ["myacr.azurecr.io/team/app@${digest}"]\n`;
    const yaml =
      image('registry.example.com/shop/web:1.4', opensslCve, extra) +
      deployment(`registry.example.com/shop/web@${digest}`, 'pinned') +
      deployment(`registry.example.com/shop/web:1.3@${digest}`, 'pinned-tagged') +
      deployment(`myacr.azurecr.io/team/app@${digest}`, 'mirror') +
      deployment(`registry.example.com/shop/web:1.4@${other}`, 'other-digest') +
      deployment(`registry.example.com/other@${digest}`, 'other-repo') +
      deployment('registry.example.com/shop/web:1.4', 'tagged');
    const [f] = findingsFor(rule, yaml);
    expect(f?.evidence.usedBy).toEqual([
      'shop/Deployment/pinned (container app)',
      'shop/Deployment/pinned-tagged (container app)',
      'shop/Deployment/mirror (container app)',
      'shop/Deployment/tagged (container app)',
    ]);
  });

  it.each([
    { name: 'a registry image: pinned to its digest', ref: 'registry.example.com/shop/web:1.4', rescan: undefined, verify: `palisade image scan registry.example.com/shop/web:1.4@sha256:${'a'.repeat(64)} -f json` },
    { name: 'an OCI layout directory: the path as given', ref: '/tmp/x/debian-oci', rescan: '/tmp/x/debian-oci', verify: 'palisade image scan /tmp/x/debian-oci -f json' },
    { name: 'one image of a docker save archive: PATH:TAG as given', ref: '/x/deb.tar (myacr.azurecr.io/team/app:1.0)', rescan: '/x/deb.tar:myacr.azurecr.io/team/app:1.0', verify: 'palisade image scan /x/deb.tar:myacr.azurecr.io/team/app:1.0 -f json' },
    { name: 'an imported report of a tarball without tags: its name as given', ref: 'app.tar', rescan: undefined, verify: 'palisade image scan app.tar -f json' },
    { name: 'a path that is no reference: left as it is', ref: '/x/app.tar', rescan: undefined, verify: 'palisade image scan /x/app.tar -f json' },
  ])('verify repeats the input that reads the image again: $name', ({ ref, rescan, verify }) => {
    const extra = `digest: "sha256:${'a'.repeat(64)}"\n${rescan !== undefined ? `rescan: ${JSON.stringify(rescan)}\n` : ''}`;
    const [f] = findingsFor(rule, image(ref, opensslCve, extra));
    expect(f?.verify).toBe(verify);
  });

  it('gives each vulnerability of an image its own stable id', () => {
    const yaml = image('app:1', '\n  - { id: CVE-1, aliases: [], package: { name: a, version: "1" }, fixedVersions: [], severity: high }\n  - { id: CVE-2, aliases: [], package: { name: a, version: "1" }, fixedVersions: [], severity: high }');
    const first = findingsFor(rule, yaml).map((f) => f.id);
    expect(new Set(first).size).toBe(2);
    expect(findingsFor(rule, yaml).map((f) => f.id)).toEqual(first);
  });
});
