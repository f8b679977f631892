/**
 * End to end on a real image: a Debian root filesystem made by debootstrap, packed by umoci, pushed by
 * skopeo to Debian's docker-registry on loopback, then pulled and scanned by Palisade. The packages it
 * lists must be exactly what dpkg itself says is installed in that root filesystem.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { runCli } from '../helpers/cli.js';
import { debianImage, debianImageUnavailable, dpkgInstalled, pushToRegistry, startRegistry, type DebianImage, type LocalRegistry } from '../helpers/debian-image.js';

const unavailable = debianImageUnavailable();
if (unavailable !== undefined) console.log(`real Debian image tests skipped: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('a real Debian image from a local registry', () => {
  let image: DebianImage;
  let registry: LocalRegistry;
  let ref: string;
  let installed: string[];
  const env = { PALISADE_IMAGE_CACHE: mkdtempSync(join(tmpdir(), 'palisade-image-cache-')) };

  beforeAll(async () => {
    image = await debianImage();
    registry = await startRegistry();
    ref = await pushToRegistry(image, registry, 'palisade-test/debian');
    installed = await dpkgInstalled(image.rootfs);
  });

  afterAll(async () => {
    await registry?.stop();
  });

  it('lists exactly the packages dpkg lists in the root filesystem (CycloneDX SBOM)', async () => {
    const r = await runCli(['image', 'scan', ref, '--sbom', 'cyclonedx'], { env });
    expect(r.code, r.stderr).toBe(0);
    const bom = JSON.parse(r.stdout) as { components: Array<{ name: string; version: string; purl?: string }> };
    const debs = bom.components.filter((c) => c.purl?.startsWith('pkg:deb/debian/')).map((c) => `${c.name} ${c.version}`).sort();
    expect(installed.length).toBeGreaterThan(50);
    expect(debs).toEqual(installed);
  });

  it('matches those packages against the vulnerability database by source package', async () => {
    const { stdout: glibc } = await runCli(['image', 'scan', ref, '--sbom', 'spdx'], { env });
    const spdx = JSON.parse(glibc) as { packages: Array<{ name: string; versionInfo?: string }> };
    const libc6 = spdx.packages.find((p) => p.name === 'libc6');
    expect(libc6?.versionInfo).toMatch(/^2\./);
    // A vulnerability fixed after the installed glibc, and one fixed long before the installed bash.
    const dir = mkdtempSync(join(tmpdir(), 'palisade-osv-'));
    writeFileSync(
      join(dir, 'glibc.json'),
      JSON.stringify({
        id: 'DEBIAN-CVE-2099-0001',
        modified: '2026-01-01T00:00:00Z',
        upstream: ['CVE-2099-0001'],
        affected: [{ package: { ecosystem: 'Debian:12', name: 'glibc' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '99:0' }] }] }],
        severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
      }),
    );
    writeFileSync(
      join(dir, 'bash.json'),
      JSON.stringify({ id: 'DEBIAN-CVE-2099-0002', modified: '2026-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'Debian:12', name: 'bash' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '4.0-1' }] }] }] }),
    );
    const db = join(dir, 'osv.sqlite');
    expect((await runCli(['db', 'import', dir, '--db', db])).code).toBe(0);
    const r = await runCli(['image', 'scan', ref, '--db', db, '-f', 'json'], { env });
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    const hits = report.findings.map((f) => f.message).sort();
    // Every binary package built from glibc carries it; bash's is fixed.
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((m) => m.startsWith('CVE-2099-0001 in '))).toBe(true);
    expect(hits.some((m) => m.startsWith('CVE-2099-0001 in libc6 '))).toBe(true);
    expect(report.findings[0]?.severity).toBe('critical');
  });
});
