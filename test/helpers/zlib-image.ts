import { join } from 'node:path';
import { expect } from 'vitest';
import { buildImage, tarFiles } from '../ingest/image/build.js';
import type { FakeRegistry } from '../ingest/image/fake-registry.js';
import { runCli } from './cli.js';
import { affected, osvRecord, tempDir, writeRecords } from './osv-fixtures.js';

// The commands that pull images are tested on one package and one advisory, so their findings agree.

/** Pushes `repo:tag`: a Debian 12 image whose only installed package is zlib1g at `zlibVersion`. */
export async function pushZlibImage(registry: FakeRegistry, repo: string, tag: string, zlibVersion: string): Promise<void> {
  const layer = await tarFiles(
    new Map([
      ['etc/os-release', Buffer.from('ID=debian\nVERSION_ID="12"\n')],
      ['var/lib/dpkg/status', Buffer.from(`Package: zlib1g\nStatus: install ok installed\nSource: zlib\nVersion: ${zlibVersion}\n`)],
    ]),
  );
  const img = buildImage([layer]);
  for (const [digest, blob] of img.blobs) registry.putBlob(digest, blob);
  registry.putManifest(repo, tag, img.manifest, img.manifestMediaType);
}

/** Imports a vulnerability database of one critical advisory, CVE-2023-45853 in Debian 12's zlib before 1:1.3-1; returns its path. */
export async function importZlibAdvisory(): Promise<string> {
  const records = writeRecords(tempDir(), [
    osvRecord('DEBIAN-CVE-2023-45853', [affected('Debian:12', 'zlib', [{ introduced: '0' }, { fixed: '1:1.3-1' }])], {
      upstream: ['CVE-2023-45853'],
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
    }),
  ]);
  const db = join(tempDir(), 'osv.sqlite');
  expect((await runCli(['db', 'import', records, '--db', db])).code).toBe(0);
  return db;
}
