import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { runCli, tempTree } from '../helpers/cli.js';
import { tempDir } from '../helpers/osv-fixtures.js';
import { shopDeployment } from '../helpers/shop-deployment.js';
import { importZlibAdvisory, pushZlibImage } from '../helpers/zlib-image.js';
import { buildImage, tarFiles } from '../ingest/image/build.js';
import { startFakeRegistry, type FakeRegistry } from '../ingest/image/fake-registry.js';

let registry: FakeRegistry;
let db: string;

const deployment = (name: string, images: string[]) => shopDeployment(name, images.map((image, i) => ({ name: `c${i}`, image })));

beforeAll(async () => {
  registry = await startFakeRegistry();
  await pushZlibImage(registry, 'shop/web', '1.0', '1:1.2.13.dfsg-1');
  await pushZlibImage(registry, 'shop/api', '2.0', '1:1.3.1-1');
  db = await importZlibAdvisory();
});

afterAll(async () => {
  await registry?.close();
});

describe('palisade scan --images', () => {
  it('reads each referenced image once and names every workload that runs it', async () => {
    const web = `${registry.host}/shop/web:1.0`;
    const dir = tempTree({
      'deploy.yaml': deployment('web', [web]) + deployment('web-canary', [web]) + deployment('api', [`${registry.host}/shop/api:2.0`]),
    });
    const r = await runCli(['scan', 'deploy.yaml', '--images', '--db', db, '--pillar', 'images', '--rule', 'image/*', '-f', 'json'], {
      cwd: dir,
      env: { PALISADE_IMAGE_CACHE: tempDir() },
    });
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    const vulns = report.findings.filter((f) => f.rule === 'image/vulnerable-package');
    // zlib 1.3.1 in the api image is fixed: one finding, on the web image.
    expect(vulns.map((f) => [f.resource.name, f.severity, f.message])).toEqual([[web, 'critical', 'CVE-2023-45853 in zlib1g 1:1.2.13.dfsg-1: fixed in 1:1.3-1']]);
    expect(vulns[0]?.evidence.usedBy).toEqual(['shop/Deployment/web (container c0)', 'shop/Deployment/web-canary (container c0)']);
    const manifestGets = registry.log.filter((l) => l.method === 'GET' && l.url.includes('/shop/web/manifests/'));
    expect(manifestGets).toHaveLength(1);
  });

  it('reports an image named by tag in one workload and by digest in another once, with both users', async () => {
    const layer = await tarFiles(
      new Map([
        ['etc/os-release', Buffer.from('ID=debian\nVERSION_ID="12"\n')],
        ['var/lib/dpkg/status', Buffer.from('Package: zlib1g\nStatus: install ok installed\nSource: zlib\nVersion: 1:1.2.13.dfsg-1\n')],
      ]),
    );
    const img = buildImage([layer]);
    for (const [digest, blob] of img.blobs) registry.putBlob(digest, blob);
    registry.putManifest('shop/pinned', '3.0', img.manifest, img.manifestMediaType);
    registry.putManifest('shop/pinned', img.manifestDigest, img.manifest, img.manifestMediaType);
    const byTag = `${registry.host}/shop/pinned:3.0`;
    const byDigest = `${registry.host}/shop/pinned@${img.manifestDigest}`;
    const dir = tempTree({ 'deploy.yaml': deployment('tagged', [byTag]) + deployment('pinned', [byDigest]) });
    const r = await runCli(['scan', 'deploy.yaml', '--images', '--db', db, '--rule', 'image/*', '-f', 'json'], { cwd: dir, env: { PALISADE_IMAGE_CACHE: tempDir() } });
    expect(r.code, r.stderr).toBe(1);
    const vulns = (JSON.parse(r.stdout) as Report).findings.filter((f) => f.rule === 'image/vulnerable-package');
    expect(vulns.map((f) => [f.resource.name, f.message])).toEqual([[byTag, 'CVE-2023-45853 in zlib1g 1:1.2.13.dfsg-1: fixed in 1:1.3-1']]);
    expect(vulns[0]?.evidence.usedBy).toEqual(['shop/Deployment/tagged (container c0)', 'shop/Deployment/pinned (container c0)']);
    // The scan named its database with --db: the command that checks the image again names it too.
    expect(vulns[0]?.verify).toBe(`palisade image scan ${byTag}@${img.manifestDigest} --db ${db} -f json`);
    // One walk of the layers for both references.
    expect(registry.log.filter((l) => l.method === 'GET' && l.url.includes(`/blobs/${img.layers[0]?.digest}`))).toHaveLength(1);
  });

  it('reports an image it cannot pull as an input error and scans the rest (exit 2)', async () => {
    const dir = tempTree({ 'deploy.yaml': deployment('gone', [`${registry.host}/shop/gone:1`]) + deployment('api', [`${registry.host}/shop/api:2.0`]) });
    const r = await runCli(['scan', 'deploy.yaml', '--images', '--db', db, '--rule', 'image/*', '-f', 'json'], { cwd: dir, env: { PALISADE_IMAGE_CACHE: tempDir() } });
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.errors).toEqual([expect.objectContaining({ source: `${registry.host}/shop/gone:1`, message: expect.stringMatching(/^image not scanned: /) })]);
  });

  it('needs the vulnerability database', async () => {
    const dir = tempTree({ 'deploy.yaml': deployment('api', [`${registry.host}/shop/api:2.0`]) });
    const r = await runCli(['scan', 'deploy.yaml', '--images', '--db', join(tempDir(), 'none.sqlite')], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no vulnerability database at .*none\.sqlite/);
  });
});
