import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_PACKAGE_DB_BYTES } from '../../src/analyses/images/packages/os-package.js';
import type { Report } from '../../src/core/report.js';
import { runCli } from '../helpers/cli.js';
import { affected, osvRecord, tempDir, writeRecords } from '../helpers/osv-fixtures.js';
import { buildImage, dockerSaveOci, ociLayoutFiles, tarFiles, writeTree } from '../ingest/image/build.js';

const status = `Package: libc6
Status: install ok installed
Architecture: amd64
Source: glibc
Version: 2.36-9+deb12u4

Package: bash
Status: install ok installed
Architecture: amd64
Version: 5.2.15-2+b2
`;

let layout: string;
let db: string;
const env = () => ({ PALISADE_IMAGE_CACHE: tempDir(), PALISADE_DB: join(tempDir(), 'absent.sqlite') });

beforeAll(async () => {
  // Two layers: the OS, then an application whose lockfile a later layer would override.
  const os = await tarFiles(
    new Map([
      ['etc/os-release', Buffer.from('ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n')],
      ['var/lib/dpkg/status', Buffer.from(status)],
    ]),
  );
  const app = await tarFiles(new Map([['app/package-lock.json', Buffer.from(JSON.stringify({ lockfileVersion: 3, packages: { '': { name: 'app' }, 'node_modules/lodash': { version: '4.17.20' } } }))]]));
  layout = tempDir();
  await writeTree(layout, ociLayoutFiles([buildImage([os, app])], { tags: ['1.0'] }));
  const records = writeRecords(tempDir(), [
    osvRecord('DEBIAN-CVE-2024-0001', [affected('Debian:12', 'glibc', [{ introduced: '0' }, { fixed: '2.36-9+deb12u7' }])], {
      upstream: ['CVE-2024-0001'],
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
    }),
    osvRecord('DEBIAN-CVE-2019-0002', [affected('Debian:12', 'bash', [{ introduced: '0' }, { fixed: '5.0-1' }])]),
    osvRecord('GHSA-35jh-r3h4-6jhm', [affected('npm', 'lodash', [{ introduced: '0' }, { fixed: '4.17.21' }], { type: 'SEMVER' })], {
      aliases: ['CVE-2021-23337'],
      database_specific: { severity: 'HIGH' },
    }),
    osvRecord('GHSA-unfixed-0001', [affected('npm', 'lodash', [{ introduced: '0' }])], { database_specific: { severity: 'MODERATE' } }),
    osvRecord('ALPINE-CVE-2024-0003', [affected('Alpine:v3.19', 'p199999', [{ introduced: '0' }, { fixed: '2-r0' }])], { database_specific: { severity: 'HIGH' } }),
  ]);
  db = join(tempDir(), 'osv.sqlite');
  const imported = await runCli(['db', 'import', records, '--db', db]);
  expect(imported.code, imported.stderr).toBe(0);
});

describe('palisade image scan', () => {
  it('reports each vulnerable package once per vulnerability, OS packages by their source package', async () => {
    const r = await runCli(['image', 'scan', `${layout}:1.0`, '--db', db, '-f', 'json'], { env: env() });
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.findings.map((f) => [f.rule, f.severity, f.message])).toEqual([
      ['image/vulnerable-package', 'critical', 'CVE-2024-0001 in libc6 2.36-9+deb12u4: fixed in 2.36-9+deb12u7'],
      ['image/vulnerable-package', 'high', 'CVE-2021-23337 in lodash 4.17.20: fixed in 4.17.21'],
      ['image/vulnerable-package', 'medium', 'GHSA-unfixed-0001 in lodash 4.17.20: no fixed version published yet'],
    ]);
    expect(report.findings[1]?.evidence.aliases).toEqual(['GHSA-35jh-r3h4-6jhm']);
    expect(report.findings[0]?.resource).toMatchObject({ kind: 'ContainerImage' });
  });

  it('writes SARIF under a category of its own, so a scan log uploaded from the same job does not replace it', async () => {
    const r = await runCli(['image', 'scan', `${layout}:1.0`, '--db', db, '-f', 'sarif'], { env: env() });
    expect(r.code, r.stderr).toBe(1);
    const log = JSON.parse(r.stdout) as { runs: Array<{ automationDetails: { id: string } }> };
    expect(log.runs[0]?.automationDetails.id).toBe('palisade/image/');
    const named = await runCli(['image', 'scan', `${layout}:1.0`, '--db', db, '-f', 'sarif', '--sarif-category', 'images/web'], { env: env() });
    expect((JSON.parse(named.stdout) as typeof log).runs[0]?.automationDetails.id).toBe('images/web/');
  });

  it('leaves out unfixed vulnerabilities with --ignore-unfixed, and passes below --fail-on', async () => {
    const r = await runCli(['image', 'scan', `${layout}:1.0`, '--db', db, '-f', 'json', '--ignore-unfixed', '--fail-on', 'critical'], { env: env() });
    const report = JSON.parse(r.stdout) as Report;
    expect(report.findings.map((f) => f.message.split(' ')[0])).toEqual(['CVE-2024-0001', 'CVE-2021-23337']);
    expect(r.code).toBe(1);
    const quiet = await runCli(['image', 'scan', `${layout}:1.0`, '--db', db, '--ignore-unfixed', '--fail-on', 'none'], { env: env() });
    expect(quiet.code).toBe(0);
  });

  it('writes a CycloneDX SBOM of every package without needing the database', async () => {
    const r = await runCli(['image', 'scan', `${layout}:1.0`, '--sbom', 'cyclonedx'], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    const bom = JSON.parse(r.stdout) as { specVersion: string; components: Array<{ type: string; name: string; version: string }> };
    expect(bom.specVersion).toBe('1.5');
    expect(bom.components.map((c) => `${c.type} ${c.name}@${c.version}`).sort()).toEqual([
      'library bash@5.2.15-2+b2',
      'library libc6@2.36-9+deb12u4',
      'library lodash@4.17.20',
      'operating-system debian@12',
    ]);
  });

  it('verify repeats a local input as given, without a digest appended to the path', async () => {
    const r = await runCli(['image', 'scan', `${layout}:1.0`, '--db', db, '-f', 'json'], { env: env() });
    const report = JSON.parse(r.stdout) as Report;
    // The scan named its database with --db, so the command does too: it runs as written, without PALISADE_DB.
    expect(new Set(report.findings.map((f) => f.verify))).toEqual(new Set([`palisade image scan ${layout}:1.0 --db ${db} -f json`]));
    const args = (report.findings[0]?.verify ?? '').split(' ').slice(1);
    const again = await runCli(args, { env: env() });
    expect(again.code, again.stderr).toBe(1);
    expect((JSON.parse(again.stdout) as Report).findings.map((f) => f.id)).toEqual(report.findings.map((f) => f.id));
  });

  it('names the image of an archive in the SBOM by its RepoTags and manifest digest, never by the file path', async () => {
    const files = dockerSaveOci(buildImage([await tarFiles(new Map([['etc/os-release', Buffer.from('ID=debian\nVERSION_ID="12"\n')]]))]), ['myacr.azurecr.io/team/app:1.0']);
    const manifestDigest = (JSON.parse(files.get('index.json')?.toString() ?? '{}') as { manifests: Array<{ digest: string }> }).manifests[0]?.digest ?? '';
    const path = join(tempDir(), 'deb.tar');
    writeFileSync(path, await tarFiles(files));
    const r = await runCli(['image', 'scan', path, '--sbom', 'cyclonedx'], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    const bom = JSON.parse(r.stdout) as { metadata: { component: { purl: string; version: string } } };
    expect(bom.metadata.component.version).toBe(manifestDigest);
    expect(bom.metadata.component.purl).toBe(`pkg:oci/app@${encodeURIComponent(manifestDigest)}?repository_url=myacr.azurecr.io/team/app&tag=1.0`);
  });

  it('caches the package list by digest: the second scan does not read the layers', async () => {
    const e = env();
    const copy = tempDir();
    cpSync(layout, copy, { recursive: true });
    await runCli(['image', 'scan', `${copy}:1.0`, '--db', db], { env: e });
    expect(readdirSync(e.PALISADE_IMAGE_CACHE).filter((f) => f.startsWith('sha256-'))).toHaveLength(1);
    // Without its layer blobs the image can no longer be read: only the cache can answer.
    for (const blob of readdirSync(join(copy, 'blobs/sha256'))) {
      const file = join(copy, 'blobs/sha256', blob);
      // Layers are the gzip blobs; the manifest and config stay.
      if (readFileSync(file).subarray(0, 2).equals(Buffer.from([0x1f, 0x8b]))) rmSync(file);
    }
    const again = await runCli(['image', 'scan', `${copy}:1.0`, '--db', db, '-f', 'json'], { env: e });
    expect(again.code, again.stderr).toBe(1);
    expect((JSON.parse(again.stdout) as Report).findings).toHaveLength(3);
    const uncached = await runCli(['image', 'scan', `${copy}:1.0`, '--db', db, '--no-cache'], { env: e });
    expect(uncached.code).toBe(2);
  });

  it('says which database is missing, and which image cannot be read (exit 2)', async () => {
    const noDb = await runCli(['image', 'scan', `${layout}:1.0`], { env: env() });
    expect(noDb.code).toBe(2);
    expect(noDb.stderr).toMatch(/no vulnerability database at .*absent\.sqlite; run palisade db update/);
    const noImage = await runCli(['image', 'scan', join(layout, 'nope.tar'), '--db', db], { env: env() });
    expect(noImage.code).toBe(2);
    expect(noImage.stderr).toMatch(/^palisade: error: \S*nope\.tar: no such file or directory/);
    expect(noImage.stderr).not.toMatch(/nope\.tar: \S*nope\.tar: /);
  });

  it('names an image whose layer does not match its digest once, as an error (exit 2)', async () => {
    const files = ociLayoutFiles([buildImage([await tarFiles(new Map([['etc/os-release', Buffer.from('ID=alpine\n')]]))])]);
    const layer = [...files].find(([, b]) => b.subarray(0, 2).equals(Buffer.from([0x1f, 0x8b])))?.[0] as string;
    files.set(layer, gzipSync(await tarFiles(new Map([['etc/os-release', Buffer.from('ID=evil\n')]]))));
    const dir = tempDir();
    await writeTree(dir, files);
    const r = await runCli(['image', 'scan', dir, '--db', db, '-f', 'json'], { env: env() });
    expect(r.code).toBe(2);
    // The tampered layer's gzip size varies with the tar header's time: larger than declared is caught first.
    expect(r.stderr).toMatch(new RegExp(`^palisade: error: ${dir}: blob sha256:[0-9a-f]{64} (does not match its digest|is larger than the \\d+ bytes its descriptor declares)`, 'm'));
    expect(r.stderr.split(dir)).toHaveLength(2);
    const sbom = await runCli(['image', 'scan', dir, '--sbom', 'spdx'], { env: env() });
    expect(sbom.code).toBe(2);
    expect(sbom.stderr).toMatch(new RegExp(`^palisade: error: ${dir}: blob `, 'm'));
  });

  it('matches every package of a database of 200k entries', async () => {
    const installed = Array.from({ length: 200_000 }, (_, i) => `P:p${i}\nV:1-r0\n\n`).join('');
    const dir = tempDir();
    const layer = await tarFiles(new Map([['etc/os-release', Buffer.from('ID=alpine\nVERSION_ID=3.19.0\n')], ['lib/apk/db/installed', Buffer.from(installed)]]));
    await writeTree(dir, ociLayoutFiles([buildImage([layer])]));
    const r = await runCli(['image', 'scan', dir, '--db', db, '-f', 'json'], { env: env() });
    expect(r.code, r.stderr).toBe(1);
    expect((JSON.parse(r.stdout) as Report).findings.map((f) => f.message)).toEqual(['ALPINE-CVE-2024-0003 in p199999 1-r0: fixed in 2-r0']);
  });

  it('fails the scan (exit 2) when an analyser refuses its input, naming the image and the analyser', async () => {
    const dir = tempDir();
    const huge = Buffer.alloc(MAX_PACKAGE_DB_BYTES + 1, 'P:busybox\nV:1.36.0-r9\n\n');
    await writeTree(dir, ociLayoutFiles([buildImage([await tarFiles(new Map([['lib/apk/db/installed', huge]]))])]));
    const r = await runCli(['image', 'scan', dir, '--db', db, '-f', 'json'], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`palisade: error: ${dir}: lib/apk/db/installed is ${huge.length} bytes, over the ${MAX_PACKAGE_DB_BYTES}-byte limit for a package database; refused, so its apk packages are not listed\n`);
    expect((JSON.parse(r.stdout) as Report).errors).toHaveLength(1);
  });
});
