import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanImage, toImageVulnerability, unmatchableOsPackagesNote } from '../../src/cli/image-pipeline.js';
import type { Package } from '../../src/analyses/images/types.js';
import { buildImage, dockerSaveLegacy, ociLayoutFiles, tarFiles, tarOf, writeTree } from '../ingest/image/build.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('scanImage notes', () => {
  it('reports what opening the image noted once, beside what the walk noted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'palisade-pipeline-'));
    dirs.push(dir);
    const amd = buildImage([await tarOf([{ name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' }])]);
    const arm = buildImage([await tarOf([{ name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.20.0\n' }])], { platform: { os: 'linux', architecture: 'arm64' } });
    const path = join(dir, 'multi');
    await writeTree(path, ociLayoutFiles([amd, arm], { multiArch: true, tags: ['1'] }));
    const outcome = await scanImage(path, undefined);
    expect(outcome.notes.filter((n) => n.includes('from a multi-platform index'))).toHaveLength(1);
    expect(outcome.os?.id).toBe('debian');
  });

  it('refuses an archive of several images given without a tag, naming the tags (skopeo does the same)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'palisade-pipeline-'));
    dirs.push(dir);
    const a = buildImage([await tarOf([{ name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' }])]);
    const b = buildImage([await tarOf([{ name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.20.0\n' }])]);
    const first = dockerSaveLegacy(a, ['example/app:1']);
    const second = dockerSaveLegacy(b, ['alpine:3']);
    const files = new Map([...first, ...second]);
    const manifests = [first, second].flatMap((f) => JSON.parse(f.get('manifest.json')?.toString() ?? '[]') as unknown[]);
    files.set('manifest.json', Buffer.from(JSON.stringify(manifests)));
    const path = join(dir, 'two.tar');
    await writeFile(path, await tarFiles(files));
    await expect(scanImage(path, undefined)).rejects.toThrow(/holds 2 images; choose one by tag as PATH:TAG \(example\/app:1, alpine:3\)/);
    expect((await scanImage(`${path}:alpine:3`, undefined)).os?.id).toBe('alpine');
  });
});

describe('toImageVulnerability', () => {
  const match = (severity: 'info' | 'low' | undefined) =>
    toImageVulnerability({
      id: 'CVE-2023-5678',
      aliases: [],
      records: ['DEBIAN-CVE-2023-5678'],
      package: { name: 'libssl3', version: '3.0.11-1~deb12u2', type: 'deb', purl: 'pkg:deb/debian/libssl3@3.0.11-1~deb12u2', location: 'var/lib/dpkg/status' },
      ecosystem: 'Debian:12',
      name: 'openssl',
      version: '3.0.11-1~deb12u2',
      fixedVersions: [],
      modified: '2024-01-01T00:00:00Z',
      references: [],
      ...(severity !== undefined ? { severity } : {}),
    });

  it('keeps a rating below low (unimportant, negligible, CVSS 0) apart from no rating at all', () => {
    expect(match('info').severity).toBe('negligible');
    expect(match(undefined).severity).toBe('unknown');
    expect(match('low').severity).toBe('low');
  });
});

describe('toImageVulnerability: where the package is and why it has no fix', () => {
  it('carries the file the package was read from and the fix status of the match', () => {
    const v = toImageVulnerability({
      id: 'CVE-2010-4756',
      aliases: [],
      records: ['DEBIAN-CVE-2010-4756'],
      package: { name: 'libc6', version: '2.36-9+deb12u3', type: 'deb', purl: 'pkg:deb/debian/libc6@2.36-9+deb12u3', location: 'var/lib/dpkg/status', ecosystem: 'Debian:12' },
      ecosystem: 'Debian:12',
      name: 'glibc',
      version: '2.36-9+deb12u3',
      fixedVersions: [],
      fixStatus: 'will-not-fix',
      severity: 'info',
      modified: '2024-01-01T00:00:00Z',
      references: [],
    });
    expect(v).toMatchObject({ severity: 'negligible', fixStatus: 'will-not-fix', package: { location: 'var/lib/dpkg/status' } });
  });
});

describe('unmatchableOsPackagesNote', () => {
  const deb: Package = { type: 'deb', name: 'openssl', version: '3.0.11-1', purl: 'pkg:deb/kali/openssl@3.0.11-1', location: 'var/lib/dpkg/status' };
  const npm: Package = { type: 'npm', name: 'lodash', version: '4.17.20', ecosystem: 'npm', purl: 'pkg:npm/lodash@4.17.20', location: 'app/package-lock.json' };

  it.each([
    { name: 'a known OS release', os: { id: 'debian', versionId: '12', osvEcosystem: 'Debian:12' }, packages: [deb], note: undefined },
    { name: 'no OS packages', os: { id: 'kali', versionId: '2024.2' }, packages: [npm], note: undefined },
    { name: 'no os-release', os: undefined, packages: [deb], note: /^OS packages found but no os-release/ },
    { name: 'an OS without an OSV ecosystem', os: { id: 'kali', versionId: '2024.2', prettyName: 'Kali GNU/Linux Rolling' }, packages: [deb, npm], note: /^1 OS package found, but Kali GNU\/Linux Rolling has no OSV ecosystem/ },
    { name: 'Debian testing without a version', os: { id: 'debian' }, packages: [deb, deb], note: /^2 OS packages found, but debian has no OSV ecosystem/ },
  ])('$name', ({ os, packages, note }) => {
    const got = unmatchableOsPackagesNote(os, packages);
    if (note === undefined) expect(got).toBeUndefined();
    else expect(got).toMatch(note);
  });
});
