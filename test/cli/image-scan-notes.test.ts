import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { runCli } from '../helpers/cli.js';
import { affected, osvRecord, tempDir, writeRecords } from '../helpers/osv-fixtures.js';
import { buildImage, ociLayoutFiles, tarFiles, tarOf, writeTree } from '../ingest/image/build.js';

/** An OCI layout of one image of these layers, tagged 1.0. */
async function layoutOf(...layers: Buffer[]): Promise<string> {
  const dir = tempDir();
  await writeTree(dir, ociLayoutFiles([buildImage(layers)], { tags: ['1.0'] }));
  return dir;
}

const layer = (files: Record<string, string>) => tarFiles(new Map(Object.entries(files).map(([k, v]) => [k, Buffer.from(v)])));
const env = () => ({ PALISADE_IMAGE_CACHE: tempDir(), PALISADE_DB: join(tempDir(), 'absent.sqlite') });

let db: string;

beforeAll(async () => {
  const records = writeRecords(tempDir(), [
    osvRecord('AZL-0001', [affected('Azure Linux:3', 'openssl', [{ introduced: '0' }, { fixed: '3.3.2-1.azl3' }])], {
      aliases: ['CVE-2024-5535'],
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
    }),
  ]);
  db = join(tempDir(), 'osv.sqlite');
  const imported = await runCli(['db', 'import', records, '--db', db]);
  expect(imported.code, imported.stderr).toBe(0);
});

async function scanJson(layout: string): Promise<{ code: number | null; report: Report; stderr: string }> {
  const r = await runCli(['image', 'scan', `${layout}:1.0`, '--db', db, '-f', 'json'], { env: env() });
  return { code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}

describe('palisade image scan: images whose packages cannot all be matched', () => {
  it('reads the rpm manifest of a distroless Azure Linux image and matches its OS packages', async () => {
    const layout = await layoutOf(
      await layer({
        'etc/os-release': 'NAME="Microsoft Azure Linux"\nVERSION="3.0.20240727"\nID=azurelinux\nVERSION_ID="3.0"\n',
        'var/lib/rpmmanifest/container-manifest-2':
          'filesystem\t1.1-20.azl3\t1718929591\t(none)\tx86_64\tfilesystem-1.1-20.azl3.src.rpm\n' +
          'openssl-libs\t3.3.0-2.azl3\t1718929591\t(none)\tx86_64\topenssl-3.3.0-2.azl3.src.rpm\n',
      }),
    );
    const { code, report } = await scanJson(layout);
    expect(code).toBe(1);
    expect(report.findings.map((f) => f.message)).toEqual(['CVE-2024-5535 in openssl-libs 3.3.0-2.azl3: fixed in 3.3.2-1.azl3']);
    expect(report.notes).toEqual([]);
  });

  it('says, in the JSON report, that the OS packages of an OS without an OSV ecosystem were not matched', async () => {
    const layout = await layoutOf(
      await layer({
        'etc/os-release': 'PRETTY_NAME="Kali GNU/Linux Rolling"\nID=kali\nVERSION_ID="2024.2"\n',
        'var/lib/dpkg/status': 'Package: openssl\nStatus: install ok installed\nArchitecture: amd64\nVersion: 3.0.11-1\n',
      }),
    );
    const { code, report, stderr } = await scanJson(layout);
    expect(code).toBe(0);
    expect(report.findings).toEqual([]);
    expect(report.notes.map((n) => n.message)).toEqual([expect.stringMatching(/^1 OS package found, but Kali GNU\/Linux Rolling has no OSV ecosystem .*not matched/)]);
    // The notes are in the report, not repeated on stderr.
    expect(stderr).not.toContain('no OSV ecosystem');
  });

  it('says the same of Debian testing, which has no version number', async () => {
    const layout = await layoutOf(
      await layer({
        'etc/os-release': 'PRETTY_NAME="Debian GNU/Linux trixie/sid"\nID=debian\n',
        'etc/debian_version': 'trixie/sid\n',
        'var/lib/dpkg/status': 'Package: openssl\nStatus: install ok installed\nArchitecture: amd64\nVersion: 3.0.11-1\n',
      }),
    );
    const { report } = await scanJson(layout);
    expect(report.notes.map((n) => n.message)).toEqual([expect.stringContaining('Debian GNU/Linux trixie/sid has no OSV ecosystem')]);
  });

  it('puts the notes of the layer walk in the JSON report: an entry climbing out of the root, OS packages without os-release', async () => {
    const layout = await layoutOf(
      await tarOf([
        { name: 'var/lib/dpkg/status', content: 'Package: openssl\nStatus: install ok installed\nArchitecture: amd64\nVersion: 3.0.11-1\n' },
        { name: '../../escaped', content: 'x' },
      ]),
    );
    const { report } = await scanJson(layout);
    const messages = report.notes.map((n) => n.message);
    expect(messages).toContainEqual(expect.stringContaining('skipped'));
    expect(messages).toContain(`OS packages found but no os-release: they cannot be matched to an OS release's advisories`);
    expect(report.notes.every((n) => n.source === `${layout}:1.0` || n.source.includes(layout))).toBe(true);
  });
});
