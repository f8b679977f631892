import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importPaths } from '../../src/vulndb/import.js';
import { openVulnDb } from '../../src/vulndb/match.js';
import type { OsvRecord } from '../../src/vulndb/osv.js';
import { VulnStore } from '../../src/vulndb/store.js';
import { affected, osvRecord, pkg, tempDir, writeRecords } from '../helpers/osv-fixtures.js';

function dbWith(records: OsvRecord[]) {
  const file = join(tempDir(), 'osv.sqlite');
  const s = new VulnStore(file);
  importPaths(s, [writeRecords(tempDir(), records)]);
  s.close();
  return openVulnDb(file);
}

const requestsRange = [{ introduced: '2.3.0' }, { fixed: '2.31.0' }];
const pysec = osvRecord('PYSEC-2023-74', [affected('PyPI', 'requests', requestsRange)], { aliases: ['CVE-2023-32681', 'GHSA-j8r2-6x86-q33q'], summary: 'PYSEC summary' });
const ghsa = osvRecord('GHSA-j8r2-6x86-q33q', [affected('PyPI', 'requests', requestsRange)], {
  aliases: ['CVE-2023-32681'],
  summary: 'Unintended leak of Proxy-Authorization header',
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N' }],
  database_specific: { severity: 'MODERATE' },
});

describe('matching', () => {
  it('merges records of one vulnerability through aliases into one finding with the CVE as id', () => {
    const db = dbWith([pysec, ghsa]);
    const m = db.match([pkg('PyPI', 'requests', '2.30.0')]);
    db.close();
    expect(m).toHaveLength(1);
    expect(m[0]).toMatchObject({
      id: 'CVE-2023-32681',
      aliases: ['GHSA-j8r2-6x86-q33q', 'PYSEC-2023-74'],
      records: ['GHSA-j8r2-6x86-q33q', 'PYSEC-2023-74'],
      fixedVersions: ['2.31.0'],
      severity: 'medium',
      severitySource: 'cvss',
      cvss: { version: '3.1', score: 6.1 },
      ecosystem: 'PyPI',
      name: 'requests',
      version: '2.30.0',
    });
  });

  it('merges transitively and through upstream', () => {
    const a = osvRecord('UBUNTU-CVE-2025-1', [affected('Ubuntu:22.04:LTS', 'linux', [{ introduced: '0' }])], { aliases: [], upstream: ['CVE-2025-1'], severity: [{ type: 'Ubuntu', score: 'medium' }] });
    const b = osvRecord('USN-7000-1', [affected('Ubuntu:22.04:LTS', 'linux', [{ introduced: '0' }, { fixed: '5.15.0-200.1' }])], { aliases: ['UBUNTU-CVE-2025-1'] });
    const db = dbWith([a, b]);
    const [m, ...rest] = db.match([pkg('Ubuntu:22.04:LTS', 'linux-image-5.15.0-100-generic', '5.15.0-100.110', { sourceName: 'linux' })]);
    db.close();
    expect(rest).toEqual([]);
    expect(m).toMatchObject({ id: 'CVE-2025-1', records: ['UBUNTU-CVE-2025-1', 'USN-7000-1'], fixedVersions: ['5.15.0-200.1'], severity: 'medium', severitySource: 'advisory' });
  });

  it('keeps different vulnerabilities apart and picks the lowest record id without a CVE', () => {
    const db = dbWith([osvRecord('GHSA-2222-2222-2222', [affected('npm', 'x', [{ introduced: '0' }])]), osvRecord('GHSA-1111-1111-1111', [affected('npm', 'x', [{ introduced: '0' }])], { aliases: ['OSV-2020-1'] })]);
    const m = db.match([pkg('npm', 'x', '1.0.0')]);
    db.close();
    expect(m.map((v) => [v.id, v.aliases])).toEqual([
      ['GHSA-1111-1111-1111', ['OSV-2020-1']],
      ['GHSA-2222-2222-2222', []],
    ]);
  });

  it('looks OS packages up by source package and source version', () => {
    const dsa = osvRecord('DSA-3029-1', [affected('Debian:7', 'nginx', [{ introduced: '0' }, { fixed: '1.2.1-2.2+wheezy3' }], { ecosystem_specific: { urgency: 'high' } })], { aliases: ['CVE-2014-3616'] });
    const db = dbWith([dsa]);
    const hit = db.match([pkg('Debian:7', 'nginx-common', '1.2.1-2.2+wheezy2', { sourceName: 'nginx' })]);
    const binaryVersionFixed = db.match([pkg('Debian:7', 'nginx-full', '9.9', { sourceName: 'nginx', sourceVersion: '1.2.1-2.2+wheezy3' })]);
    const otherRelease = db.match([pkg('Debian:8', 'nginx', '1.0-1')]);
    const noEcosystem = db.match([{ ...pkg('Debian:7', 'nginx', '1.0-1'), ecosystem: undefined }]);
    db.close();
    expect(hit.map((m) => [m.id, m.name, m.version, m.severity, m.package.name])).toEqual([['CVE-2014-3616', 'nginx', '1.2.1-2.2+wheezy2', 'high', 'nginx-common']]);
    expect(binaryVersionFixed).toEqual([]);
    expect(otherRelease).toEqual([]);
    expect(noEcosystem).toEqual([]);
  });

  it('matches a Red Hat release against the repositories its records are scoped to, and nothing looser elsewhere', () => {
    const rhsa = osvRecord(
      'RHSA-2024:1234',
      [
        affected('Red Hat:enterprise_linux:9::baseos', 'openssl', [{ introduced: '0' }, { fixed: '1:3.0.7-27.el9' }]),
        affected('Red Hat:enterprise_linux:9::appstream', 'openssl', [{ introduced: '0' }, { fixed: '1:3.0.7-27.el9' }]),
      ],
      { aliases: ['CVE-2024-0727'] },
    );
    const rhel90 = osvRecord('RHSA-2099:1', [affected('Red Hat:enterprise_linux:90::baseos', 'openssl', [{ introduced: '0' }])]);
    const debian = osvRecord('DEBIAN-CVE-2099-1', [affected('Debian:12.1', 'zlib', [{ introduced: '0' }])]);
    const alpine = osvRecord('ALPINE-CVE-2099-2', [affected('Alpine:v3.19', 'busybox', [{ introduced: '0' }])]);
    const db = dbWith([rhsa, rhel90, debian, alpine]);
    const redHat = db.match([pkg('Red Hat:enterprise_linux:9', 'openssl-libs', '1:3.0.7-24.el9', { sourceName: 'openssl' })]);
    const redHat8 = db.match([pkg('Red Hat:enterprise_linux:8', 'openssl-libs', '1:1.1.1k-7.el8', { sourceName: 'openssl' })]);
    const looser = db.match([pkg('Debian:12', 'zlib', '1.2.13'), pkg('Alpine:v3.18', 'busybox', '1.36.1-r5'), pkg('Alpine:v3.1', 'busybox', '1.36.1-r5')]);
    db.close();
    expect(redHat.map((m) => [m.id, m.records, m.fixedVersions])).toEqual([['CVE-2024-0727', ['RHSA-2024:1234'], ['1:3.0.7-27.el9']]]);
    expect(redHat8).toEqual([]);
    expect(looser).toEqual([]);
  });

  it('a version is affected when any affected entry matches', () => {
    const rec = osvRecord('GHSA-c2qf-rxjj-qqgw', [
      affected('npm', 'semver', [{ introduced: '7.0.0' }, { fixed: '7.5.2' }]),
      affected('npm', 'semver', [{ introduced: '6.0.0' }, { fixed: '6.3.1' }]),
      affected('npm', 'semver', [{ introduced: '0' }, { fixed: '5.7.2' }]),
    ]);
    const db = dbWith([rec]);
    const got = ['5.7.1', '5.7.2', '6.0.0', '6.3.1', '7.5.1', '7.5.2'].map((v) => db.match([pkg('npm', 'semver', v)]).flatMap((m) => m.fixedVersions));
    db.close();
    expect(got).toEqual([['5.7.2'], [], ['6.3.1'], [], ['7.5.2'], []]);
  });

  it('withdrawn records never match', () => {
    const db = dbWith([osvRecord('PYSEC-2021-63', [affected('PyPI', 'cryptography', [{ introduced: '3.1' }, { fixed: '3.3.2' }])], { withdrawn: '2021-02-10T20:15:00Z' })]);
    const m = db.match([pkg('PyPI', 'cryptography', '3.2')]);
    db.close();
    expect(m).toEqual([]);
  });

  it('takes severity from a CVSS v4 vector ahead of the advisory rating', () => {
    const rec = osvRecord('GHSA-4444-4444-4444', [affected('npm', 'y', [{ introduced: '0' }])], {
      severity: [{ type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' }],
      database_specific: { severity: 'CRITICAL' },
    });
    const db = dbWith([rec]);
    const [m] = db.match([pkg('npm', 'y', '1.0.0')]);
    db.close();
    expect(m).toMatchObject({ severity: 'critical', severitySource: 'cvss', cvss: { version: '4.0', score: 9.3 } });
  });

  it('leaves severity unset when the data gives none', () => {
    const db = dbWith([osvRecord('OSV-1', [affected('npm', 'z', [{ introduced: '0' }])])]);
    const [m] = db.match([pkg('npm', 'z', '1.0.0')]);
    db.close();
    expect(m?.severity).toBeUndefined();
  });
});

describe('openVulnDb', () => {
  it('says how to create a database that does not exist', () => {
    const file = join(tempDir(), 'none.sqlite');
    expect(() => openVulnDb(file)).toThrow(`no vulnerability database at ${file}; run palisade db update or palisade db import`);
  });
});

describe('Debian urgency', () => {
  const critical = [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }];

  it('rates an issue Debian calls unimportant below low, whatever its CVSS, and says it will not be fixed', () => {
    const glibc = osvRecord('DEBIAN-CVE-2010-4756', [affected('Debian:12', 'glibc', [{ introduced: '0' }], { ecosystem_specific: { urgency: 'unimportant' } })], { severity: critical, upstream: ['CVE-2010-4756'] });
    const db = dbWith([glibc]);
    const [m] = db.match([pkg('Debian:12', 'libc6', '2.36-9+deb12u3', { sourceName: 'glibc' })]);
    db.close();
    expect(m).toMatchObject({ id: 'CVE-2010-4756', severity: 'info', severitySource: 'advisory', fixStatus: 'will-not-fix', fixedVersions: [] });
    // The score is still shown, beside Debian's own verdict.
    expect(m?.cvss?.score).toBe(9.8);
  });

  it('keeps the CVSS severity when Debian gives another urgency, and no fix status when a fix exists', () => {
    const tar = osvRecord('DEBIAN-CVE-2022-48303', [affected('Debian:12', 'tar', [{ introduced: '0' }, { fixed: '1.34+dfsg-1.2+deb12u1' }], { ecosystem_specific: { urgency: 'low' } })], { severity: critical });
    const zlib = osvRecord('DEBIAN-CVE-2023-1111', [affected('Debian:12', 'zlib', [{ introduced: '0' }, { fixed: '1:1.3-1' }], { ecosystem_specific: { urgency: 'unimportant' } })], { severity: critical });
    const db = dbWith([tar, zlib]);
    const m = db.match([pkg('Debian:12', 'tar', '1.34+dfsg-1.2'), pkg('Debian:12', 'zlib1g', '1:1.2.13.dfsg-1', { sourceName: 'zlib' })]);
    db.close();
    expect(m.map((v) => [v.name, v.severity, v.fixStatus])).toEqual([
      ['tar', 'critical', undefined],
      ['zlib', 'info', undefined],
    ]);
  });
});

describe('fixed versions', () => {
  it('are listed in the ecosystem order, not as text (9.x before 10.x)', () => {
    const r = osvRecord('GHSA-9999-9999-9999', [
      affected('npm', 'x', [{ introduced: '0' }, { fixed: '10.0.1' }], { type: 'SEMVER' }),
      affected('npm', 'x', [{ introduced: '0' }, { fixed: '9.2.0' }], { type: 'SEMVER' }),
    ]);
    const db = dbWith([r]);
    const [m] = db.match([pkg('npm', 'x', '9.1.0')]);
    db.close();
    expect(m?.fixedVersions).toEqual(['9.2.0', '10.0.1']);
  });
});

describe('PyPI names', () => {
  it('match whether the record or the package keeps the dots of the name', () => {
    const r = osvRecord('PYSEC-2020-1', [affected('PyPI', 'zope-interface', [{ introduced: '0' }, { fixed: '5.1.0' }])]);
    const db = dbWith([r]);
    const m = db.match([pkg('PyPI', 'zope.interface', '5.0.0')]);
    db.close();
    expect(m.map((v) => v.id)).toEqual(['PYSEC-2020-1']);
  });
});
