import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImage } from '../../../src/ingest/image/open.js';
import { readImageFiles } from '../../../src/ingest/image/walker.js';
import { buildImage, ociLayoutFiles, tarOf, writeTree } from './build.js';

const REGISTRY = '/usr/bin/docker-registry';
const hasSkopeo = spawnSync('skopeo', ['--version'], { stdio: 'ignore' }).status === 0;
const available = existsSync(REGISTRY) && hasSkopeo;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${url} did not answer within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!available)('a real registry (Debian docker-registry) fed by skopeo', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  let port: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'palisade-distribution-'));
    port = await freePort();
    const config = [
      'version: 0.1',
      'log: { level: error }',
      'storage:',
      `  filesystem: { rootdirectory: ${join(dir, 'storage')} }`,
      'http:',
      `  addr: 127.0.0.1:${port}`,
    ].join('\n');
    await writeFile(join(dir, 'config.yml'), config);
    child = spawn(REGISTRY, ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
    await waitFor(`http://127.0.0.1:${port}/v2/`, 15_000);
  }, 30_000);

  afterAll(async () => {
    child?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it('pulls an image pushed with skopeo copy', async () => {
    const img = buildImage([
      await tarOf([
        { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
        { name: 'usr/lib/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
      ]),
    ]);
    const layout = join(dir, 'layout');
    await writeTree(layout, ociLayoutFiles([img], { tags: ['1'] }));
    const copy = spawnSync('skopeo', ['copy', '--insecure-policy', '--dest-tls-verify=false', `oci:${layout}:1`, `docker://127.0.0.1:${port}/x:1`], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(copy.stderr).toBe('');
    expect(copy.status).toBe(0);
    const source = await openImage(`127.0.0.1:${port}/x:1`, { dockerConfigDir: join(dir, 'no-docker-config') });
    expect(source.configDigest).toBe(img.configDigest);
    const r = await readImageFiles(source, (f) => f.path === 'etc/os-release');
    expect(r.errors).toEqual([]);
    expect(r.files.get('etc/os-release')?.toString()).toBe('ID=debian\nVERSION_ID="12"\n');
  }, 60_000);
});
