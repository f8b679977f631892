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

  it('repeats the --db the scan was given in the verify command', () => {
    const extra = `rescan: "/x/app.tar"\nrescanOptions: ["--db", "/data/my osv.sqlite"]\n`;
    const [f] = findingsFor(rule, image('/x/app.tar', opensslCve, extra));
    expect(f?.verify).toBe("palisade image scan /x/app.tar --db '/data/my osv.sqlite' -f json");
  });

  it('reports a package found at two paths once, with both paths, and the id of a single copy', () => {
    const copy = (path: string) =>
      `\n  - { id: CVE-2021-44228, aliases: [], package: { name: "org.apache.logging.log4j:log4j-core", version: 2.14.1, type: maven, ecosystem: Maven, location: ${JSON.stringify(path)} }, fixedVersions: [2.15.0], severity: critical }`;
    const two = findingsFor(rule, image('app:1', copy('opt/b/log4j-core-2.14.1.jar') + copy('opt/a/log4j-core-2.14.1.jar')));
    expect(two).toHaveLength(1);
    expect(two[0]?.evidence.locations).toEqual(['opt/a/log4j-core-2.14.1.jar', 'opt/b/log4j-core-2.14.1.jar']);
    const one = findingsFor(rule, image('app:1', copy('opt/a/log4j-core-2.14.1.jar')));
    expect(one[0]?.evidence.locations).toEqual(['opt/a/log4j-core-2.14.1.jar']);
    expect(one[0]?.id).toBe(two[0]?.id);
  });

  it.each([
    { name: "the ecosystem's order, not the listing order", pkg: '{ name: ip, version: 2.0.0, ecosystem: npm }', fixed: '["1.1.9", "2.0.1"]', expected: '>= 2.0.1' },
    { name: 'the purl type when an imported report names no ecosystem', pkg: '{ name: ip, version: 2.0.0, type: node-pkg, purl: "pkg:npm/ip@2.0.0" }', fixed: '["1.1.9", "2.0.1"]', expected: '>= 2.0.1' },
    { name: '10.x after 9.x', pkg: '{ name: x, version: 9.1.0, ecosystem: npm }', fixed: '["10.0.1", "9.2.0"]', expected: '>= 9.2.0' },
    { name: 'a Debian version', pkg: '{ name: openssl, version: 3.0.11-1~deb12u2, ecosystem: "Debian:12" }', fixed: '["3.0.13-1~deb12u1"]', expected: '>= 3.0.13-1~deb12u1' },
    { name: 'every fix, when no order is known', pkg: '{ name: x, version: "1" }', fixed: '["1.1", "2.1"]', expected: '>= one of 1.1, 2.1' },
  ])('expects the lowest fixed version above the installed one: $name', ({ pkg, fixed, expected }) => {
    const [f] = findingsFor(rule, image('app:1', `\n  - { id: CVE-1, aliases: [], package: ${pkg}, fixedVersions: ${fixed}, severity: high }`));
    expect(f?.evidence.expected).toBe(expected);
  });

  it.each([
    { status: undefined, fixed: '["2"]', expected: '>= 2', advice: /^Rebuild the image with a >= 2/ },
    { status: undefined, fixed: '[]', expected: 'a fixed version, once one is published', advice: /^No fixed version is published yet/ },
    { status: 'will-not-fix', fixed: '[]', expected: 'the package removed, or the risk accepted (the distribution will not fix it)', advice: /^The distribution will not fix it/ },
    { status: 'fix-deferred', fixed: '[]', expected: 'a fixed version, once the distribution ships its deferred fix', advice: /^The distribution has deferred the fix/ },
    { status: 'end-of-life', fixed: '[]', expected: 'a supported release of the base image (this one is past its end of life)', advice: /^The release is past its end of life/ },
  ])('advises by fix status: $status with fixes $fixed', ({ status, fixed, expected, advice }) => {
    const fixStatus = status !== undefined ? `, fixStatus: ${status}` : '';
    const [f] = findingsFor(rule, image('app:1', `\n  - { id: CVE-1, aliases: [], package: { name: a, version: "1" }, fixedVersions: ${fixed}${fixStatus}, severity: low }`));
    expect(f?.evidence.expected).toBe(expected);
    expect(f?.evidence.remediation).toMatch(advice);
    if (fixed === '[]') expect(f?.evidence.remediation).not.toMatch(/at or above/);
  });
});
