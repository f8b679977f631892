import { describe, expect, it } from 'vitest';
import { readImageReports } from '../../src/ingest/image-reports.js';

function read(files: Record<string, unknown>) {
  return readImageReports(Object.keys(files), (f) => {
    const v = files[f];
    return typeof v === 'string' ? v : JSON.stringify(v);
  });
}

const trivyImage = {
  SchemaVersion: 2,
  ArtifactName: 'registry.example.com/shop/web:1.4',
  ArtifactType: 'container_image',
  Metadata: { OS: { Family: 'debian', Name: '12.5' }, RepoDigests: ['registry.example.com/shop/web@sha256:abc'] },
  Results: [
    {
      Target: 'registry.example.com/shop/web:1.4 (debian 12.5)',
      Class: 'os-pkgs',
      Type: 'debian',
      Vulnerabilities: [
        {
          VulnerabilityID: 'CVE-2024-0727',
          VendorIDs: ['DSA-5615-1'],
          PkgName: 'openssl',
          PkgIdentifier: { PURL: 'pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12.5' },
          InstalledVersion: '3.0.11-1~deb12u2',
          FixedVersion: '3.0.13-1~deb12u1',
          SeveritySource: 'nvd',
          Severity: 'MEDIUM',
          Title: 'openssl: denial of service via null dereference',
          CVSS: { nvd: { V3Vector: 'CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H', V3Score: 5.5 } },
        },
        // The same vulnerability listed a second time for another source package path: one finding.
        { VulnerabilityID: 'DSA-5615-1', PkgName: 'openssl', InstalledVersion: '3.0.11-1~deb12u2', FixedVersion: '3.0.13-1~deb12u1', Severity: 'HIGH' },
        { VulnerabilityID: 'CVE-2011-3374', PkgName: 'apt', InstalledVersion: '2.6.1', Severity: 'LOW' },
      ],
    },
    { Target: 'app/package-lock.json', Class: 'lang-pkgs', Type: 'npm', Vulnerabilities: [{ VulnerabilityID: 'GHSA-35jh-r3h4-6jhm', PkgName: 'lodash', InstalledVersion: '4.17.20', FixedVersion: '4.17.21', Severity: 'UNKNOWN' }] },
    { Target: 'usr/bin/app', Class: 'lang-pkgs', Type: 'gobinary' },
  ],
};

const grype = {
  descriptor: { name: 'grype', version: '0.80.0' },
  source: { type: 'image', target: { userInput: 'alpine:3.18', manifestDigest: 'sha256:def', tags: ['alpine:3.18'] } },
  distro: { name: 'alpine', version: '3.18.4' },
  matches: [
    {
      vulnerability: { id: 'CVE-2023-5363', severity: 'High', fix: { versions: ['3.1.4-r0'], state: 'fixed' }, cvss: [] },
      relatedVulnerabilities: [{ id: 'CVE-2023-5363', description: 'Incorrect cipher key length', cvss: [{ version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', metrics: { baseScore: 7.5 } }] }],
      artifact: { name: 'libcrypto3', version: '3.1.3-r0', type: 'apk', purl: 'pkg:apk/alpine/libcrypto3@3.1.3-r0?arch=x86_64&distro=alpine-3.18.4' },
    },
    {
      vulnerability: { id: 'GHSA-c2qf-rxjj-qqgw', severity: 'Negligible', fix: { versions: [], state: 'not-fixed' } },
      relatedVulnerabilities: [{ id: 'CVE-2022-25883' }],
      artifact: { name: 'semver', version: '7.5.1', type: 'npm' },
    },
  ],
};

describe('readImageReports', () => {
  it('reads a Trivy image report: one entry per vulnerability, aliases merged, a CVE as the id', () => {
    const { reports, errors } = read({ 'trivy.json': trivyImage });
    expect(errors).toEqual([]);
    expect(reports).toHaveLength(1);
    const r = reports[0];
    expect(r).toMatchObject({ ref: 'registry.example.com/shop/web:1.4', digest: 'sha256:abc', os: { id: 'debian', versionId: '12.5' }, source: 'trivy', file: 'trivy.json' });
    expect(r?.vulnerabilities.map((v) => `${v.id} ${v.package.name} ${v.severity} [${v.aliases.join(',')}] ${v.fixedVersions.join(',')}`)).toEqual([
      'CVE-2024-0727 openssl high [DSA-5615-1] 3.0.13-1~deb12u1',
      'CVE-2011-3374 apt low [] ',
      'GHSA-35jh-r3h4-6jhm lodash unknown [] 4.17.21',
    ]);
    expect(r?.vulnerabilities[0]?.cvss).toEqual({ version: '3.1', vector: 'CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H', score: 5.5 });
    expect(r?.vulnerabilities[0]?.package.purl).toMatch(/^pkg:deb\/debian\/openssl@/);
  });

  it('reads a Trivy cluster report: one image per workload image, results joined', () => {
    const k8s = {
      ClusterName: 'aks1',
      Resources: [
        { Namespace: 'shop', Kind: 'Deployment', Name: 'web', Metadata: [{ RepoTags: ['nginx:1.25'], RepoDigests: ['nginx@sha256:111'] }], Results: [{ Target: 'nginx:1.25 (debian 12.1)', Type: 'debian', Vulnerabilities: [{ VulnerabilityID: 'CVE-1', PkgName: 'zlib1g', InstalledVersion: '1', Severity: 'CRITICAL' }] }] },
        { Namespace: 'shop', Kind: 'Deployment', Name: 'api', Metadata: [{ RepoTags: ['nginx:1.25'] }], Results: [{ Target: 'nginx:1.25 (debian 12.1)', Type: 'debian', Vulnerabilities: [{ VulnerabilityID: 'CVE-1', PkgName: 'zlib1g', InstalledVersion: '1', Severity: 'CRITICAL' }] }] },
        { Namespace: 'shop', Kind: 'ConfigMap', Name: 'cfg', Results: [{ Target: 'cfg', Misconfigurations: [] }] },
      ],
    };
    const { reports } = read({ 'k8s.json': k8s });
    expect(reports.map((r) => [r.ref, r.digest, r.vulnerabilities.map((v) => v.id)])).toEqual([['nginx:1.25', 'sha256:111', ['CVE-1']]]);
  });

  it('puts each result of a workload of several images on the image its Target names', () => {
    const vuln = (id: string, pkg: string) => ({ VulnerabilityID: id, PkgName: pkg, InstalledVersion: '1', Severity: 'HIGH' });
    const k8s = {
      ClusterName: 'aks1',
      Resources: [
        {
          Namespace: 'shop',
          Kind: 'Deployment',
          Name: 'web',
          Metadata: [
            { OS: { Family: 'debian', Name: '12.5' }, RepoTags: ['myacr.azurecr.io/team/app:1.0'], RepoDigests: ['myacr.azurecr.io/team/app@sha256:aaa'] },
            { OS: { Family: 'alpine', Name: '3.19.1' }, RepoTags: ['myacr.azurecr.io/team/sidecar:2.0'], RepoDigests: ['myacr.azurecr.io/team/sidecar@sha256:bbb'] },
          ],
          Results: [
            { Target: 'myacr.azurecr.io/team/app:1.0 (debian 12.5)', Class: 'os-pkgs', Type: 'debian', Vulnerabilities: [vuln('CVE-1', 'openssl')] },
            { Target: 'app/package-lock.json', Class: 'lang-pkgs', Type: 'npm', Vulnerabilities: [vuln('CVE-2', 'lodash')] },
            { Target: 'myacr.azurecr.io/team/sidecar:2.0 (alpine 3.19.1)', Class: 'os-pkgs', Type: 'alpine', Vulnerabilities: [vuln('CVE-3', 'busybox')] },
            { Target: 'usr/local/bin/proxy', Class: 'lang-pkgs', Type: 'gobinary', Vulnerabilities: [vuln('CVE-4', 'stdlib')] },
          ],
        },
      ],
    };
    const { reports } = read({ 'k8s.json': k8s });
    expect(reports.map((r) => [r.ref, r.digest, r.os?.id, r.vulnerabilities.map((v) => v.id)])).toEqual([
      ['myacr.azurecr.io/team/app:1.0', 'sha256:aaa', 'debian', ['CVE-1', 'CVE-2']],
      ['myacr.azurecr.io/team/sidecar:2.0', 'sha256:bbb', 'alpine', ['CVE-3', 'CVE-4']],
    ]);
    expect(reports[1]?.refs).toEqual(['myacr.azurecr.io/team/sidecar@sha256:bbb']);
  });

  it('names an image scanned from a tarball by its tags and knows its digests (Trivy --input, Grype docker-archive:)', () => {
    const trivyTar = { ...trivyImage, ArtifactName: 'app.tar', Metadata: { ...trivyImage.Metadata, RepoTags: ['registry.example.com/shop/web:1.4', 'registry.example.com/shop/web:latest'] } };
    const grypeTar = {
      ...grype,
      source: { type: 'image', target: { userInput: 'docker-archive:/tmp/alpine.tar', manifestDigest: 'sha256:def', tags: ['alpine:3.18'], repoDigests: ['alpine@sha256:def'] } },
    };
    const { reports } = read({ 'trivy.json': trivyTar, 'grype.json': grypeTar });
    expect(reports.map((r) => [r.ref, r.digest, r.refs])).toEqual([
      ['registry.example.com/shop/web:1.4', 'sha256:abc', ['registry.example.com/shop/web:latest', 'registry.example.com/shop/web@sha256:abc']],
      ['alpine:3.18', 'sha256:def', ['alpine@sha256:def']],
    ]);
  });

  it('says when the distribution will not fix a vulnerability (Trivy will_not_fix, Grype wont-fix)', () => {
    const trivyWontFix = {
      ...trivyImage,
      Results: [{ Target: 'x (debian 12.5)', Class: 'os-pkgs', Type: 'debian', Vulnerabilities: [{ VulnerabilityID: 'CVE-2005-2541', PkgName: 'tar', InstalledVersion: '1.34', Status: 'will_not_fix', Severity: 'LOW' }, { VulnerabilityID: 'CVE-9', PkgName: 'tar', InstalledVersion: '1.34', Status: 'affected', Severity: 'LOW' }] }],
    };
    const grypeWontFix = { ...grype, matches: [{ vulnerability: { id: 'CVE-2005-2541', severity: 'Low', fix: { versions: [], state: 'wont-fix' } }, artifact: { name: 'tar', version: '1.34', type: 'deb' } }] };
    const { reports } = read({ 'trivy.json': trivyWontFix, 'grype.json': grypeWontFix });
    expect(reports.flatMap((r) => r.vulnerabilities.map((v) => [v.id, v.fixStatus]))).toEqual([
      ['CVE-2005-2541', 'will-not-fix'],
      ['CVE-9', undefined],
      ['CVE-2005-2541', 'will-not-fix'],
    ]);
  });

  it('reads a severity no scanner writes as unknown, even one named like an object property', () => {
    const odd = { ...trivyImage, Results: [{ Target: 'x (debian 12.5)', Class: 'os-pkgs', Type: 'debian', Vulnerabilities: ['constructor', 'toString', 'HIGH'].map((Severity, i) => ({ VulnerabilityID: `CVE-${i}`, PkgName: 'tar', InstalledVersion: '1.34', Severity })) }] };
    const { reports } = read({ 'trivy.json': odd });
    expect(reports.flatMap((r) => r.vulnerabilities.map((v) => v.severity))).toEqual(['unknown', 'unknown', 'high']);
  });

  it('reads a Grype report: fixes only when fixed, CVSS from the related CVE, negligible as negligible (rated, below low)', () => {
    const { reports, errors } = read({ 'grype.json': grype });
    expect(errors).toEqual([]);
    const r = reports[0];
    expect(r).toMatchObject({ ref: 'alpine:3.18', digest: 'sha256:def', os: { id: 'alpine', versionId: '3.18.4' }, source: 'grype', file: 'grype.json' });
    expect(r?.vulnerabilities.map((v) => `${v.id} ${v.package.name}@${v.package.version} ${v.severity} [${v.aliases.join(',')}] ${v.fixedVersions.join(',')}`)).toEqual([
      'CVE-2023-5363 libcrypto3@3.1.3-r0 high [] 3.1.4-r0',
      'CVE-2022-25883 semver@7.5.1 negligible [GHSA-c2qf-rxjj-qqgw] ',
    ]);
    expect(r?.vulnerabilities[0]?.cvss).toEqual({ version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', score: 7.5 });
  });

  it('names the file that is not JSON or not a scanner report, and reads the others', () => {
    const { reports, errors } = read({ 'broken.json': '{"Results": [', 'other.json': { kind: 'Deployment' }, 'grype.json': grype });
    expect(reports.map((r) => r.ref)).toEqual(['alpine:3.18']);
    expect(errors.map((e) => e.source)).toEqual(['broken.json', 'other.json']);
    expect(errors[0]?.message).toMatch(/^not a JSON image report/);
    expect(errors[1]?.message).toMatch(/neither a Trivy JSON report/);
  });

  it('places broken JSON by line and column without quoting it, and says when a report cannot be read', () => {
    const { errors } = read({ 'leaky.json': '{"Results": [{"Target": "DB_PASSWORD=Zq9secretValue" oops}]}' });
    expect(errors).toEqual([{ source: 'leaky.json', message: "not a JSON image report: invalid JSON at line 1, column 54: expected ',' or '}'" }]);
    const missing = readImageReports(['/nonexistent/trivy.json']);
    expect(missing.errors).toEqual([{ source: '/nonexistent/trivy.json', message: 'cannot read: no such file or directory' }]);
  });
});
