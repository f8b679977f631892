import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { internetFacingWorkload } from '../analyses/paths/estates.js';
import { runCli, tempTree } from '../helpers/cli.js';
import { affected, osvRecord, tempDir, writeRecords } from '../helpers/osv-fixtures.js';
import { buildImage, tarFiles } from '../ingest/image/build.js';
import { startFakeRegistry, type FakeRegistry } from '../ingest/image/fake-registry.js';

let registry: FakeRegistry;
let db: string;

beforeAll(async () => {
  registry = await startFakeRegistry();
  const layer = await tarFiles(
    new Map([
      ['etc/os-release', Buffer.from('ID=debian\nVERSION_ID="12"\n')],
      ['var/lib/dpkg/status', Buffer.from('Package: zlib1g\nStatus: install ok installed\nSource: zlib\nVersion: 1:1.2.13.dfsg-1\n')],
    ]),
  );
  const img = buildImage([layer]);
  for (const [digest, blob] of img.blobs) registry.putBlob(digest, blob);
  registry.putManifest('shop/web', '1.0', img.manifest, img.manifestMediaType);
  const records = writeRecords(tempDir(), [
    osvRecord('DEBIAN-CVE-2023-45853', [affected('Debian:12', 'zlib', [{ introduced: '0' }, { fixed: '1:1.3-1' }])], {
      upstream: ['CVE-2023-45853'],
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
    }),
  ]);
  db = join(tempDir(), 'osv.sqlite');
  expect((await runCli(['db', 'import', records, '--db', db])).code).toBe(0);
});

afterAll(async () => {
  await registry?.close();
});


interface Paths {
  paths: { entryPoint: string; target: { kind: string }; steps: { rule?: string; text: string }[] }[];
  errors: unknown[];
}

describe('palisade paths --images', () => {
  it('pulls the images the workloads name: their exploitable vulnerabilities become steps', async () => {
    const dir = tempTree({ 'web.yaml': internetFacingWorkload(`${registry.host}/shop/web:1.0`) });
    const without = JSON.parse((await runCli(['paths', 'web.yaml', '-f', 'json', '--fail-on', 'none'], { cwd: dir })).stdout) as Paths;
    const internet = (p: Paths) => p.paths.find((x) => x.entryPoint === 'internet' && x.target.kind === 'node')!;
    expect(internet(without).steps.map((s) => s.rule)).not.toContain('image/vulnerable-package');

    const r = await runCli(['paths', 'web.yaml', '--images', '--db', db, '-f', 'json', '--fail-on', 'none'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const withImages = JSON.parse(r.stdout) as Paths;
    expect(withImages.errors).toEqual([]);
    const path = internet(withImages);
    expect(path.steps.map((s) => s.rule)).toEqual(['network/load-balancer-without-source-ranges', 'image/vulnerable-package', 'workload/privileged-container']);
  });

  it('reports an image it cannot pull as an input error (exit 2)', async () => {
    const dir = tempTree({ 'web.yaml': internetFacingWorkload(`${registry.host}/shop/missing:1.0`) });
    const r = await runCli(['paths', 'web.yaml', '--images', '--db', db, '-f', 'json'], { cwd: dir });
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as { errors: { source: string; message: string }[] };
    expect(report.errors).toEqual([expect.objectContaining({ source: `${registry.host}/shop/missing:1.0`, message: expect.stringContaining('image not scanned') })]);
  });
});
