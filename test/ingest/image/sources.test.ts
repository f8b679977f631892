import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImage } from '../../../src/ingest/image/open.js';
import { readImageFiles } from '../../../src/ingest/image/walker.js';
import { ImageError } from '../../../src/ingest/image/source.js';
import { buildImage, sha256, dockerSaveLegacy, dockerSaveOci, ociLayoutFiles, tarFiles, tarOf, writeTree, type BuiltImage } from './build.js';

let dir: string;
let image: BuiltImage;
const osRelease = (f: { path: string }) => f.path === 'etc/os-release' || f.path === 'usr/lib/os-release';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'palisade-img-'));
  const base = await tarOf([
    { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
    { name: 'usr/lib/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
    { name: 'etc/motd', content: 'hi' },
  ]);
  const top = await tarOf([{ name: 'etc/.wh.motd', content: '' }, { name: 'app/main.js', content: 'x' }]);
  image = buildImage([base, top], { env: ['PATH=/bin', 'A=1'], user: '1000' });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectDebian(ref: string): Promise<void> {
  const source = await openImage(ref);
  const r = await readImageFiles(source, (f) => osRelease(f) || f.path === 'etc/motd');
  expect(r.errors).toEqual([]);
  expect(r.files.get('etc/os-release')?.toString()).toContain('ID=debian');
  expect(r.files.get('etc/motd')).toBeUndefined();
}

describe('openImage: local sources', () => {
  it('reads an OCI layout directory: config, layers, manifest digest', async () => {
    const path = join(dir, 'layout');
    await writeTree(path, ociLayoutFiles([image]));
    const source = await openImage(path);
    expect(source.kind).toBe('oci-layout');
    expect(source.manifestDigest).toBe(image.manifestDigest);
    expect(source.configDigest).toBe(image.configDigest);
    expect(source.config).toMatchObject({ os: 'linux', architecture: 'amd64', env: ['PATH=/bin', 'A=1'], user: '1000' });
    expect(source.config.history.map((h) => h.createdBy)).toEqual(['step 0', 'step 1']);
    expect(source.layers.map((l) => l.digest)).toEqual(image.layers.map((l) => l.digest));
    expect(source.layers.map((l) => l.size)).toEqual(image.layers.map((l) => l.blob.length));
    await expectDebian(path);
  });

  it('reads an OCI layout tar, in place', async () => {
    const path = join(dir, 'layout.tar');
    await writeFile(path, await tarFiles(ociLayoutFiles([image])));
    const source = await openImage(`oci-archive:${path}`);
    expect(source.kind).toBe('oci-archive');
    expect(source.manifestDigest).toBe(image.manifestDigest);
    await expectDebian(path);
  });

  it('reads a legacy docker save archive (<id>/layer.tar), verifying layers against diff_ids', async () => {
    const path = join(dir, 'legacy.tar');
    await writeFile(path, await tarFiles(dockerSaveLegacy(image, ['example/app:1'])));
    const source = await openImage(path);
    expect(source.kind).toBe('docker-archive');
    expect(source.ref).toBe(`${path} (example/app:1)`);
    expect(source.manifestDigest).toBeUndefined();
    expect(source.configDigest).toBe(image.configDigest);
    expect(source.layers.map((l) => l.digest)).toEqual(image.layers.map((l) => l.diffId));
    await expectDebian(path);
  });

  it('reads a docker save archive with an OCI layout inside (Docker 25+)', async () => {
    const path = join(dir, 'docker25.tar');
    const files = dockerSaveOci(image, ['example/app:1']);
    await writeFile(path, await tarFiles(files));
    const source = await openImage(`docker-archive:${path}`);
    expect(source.kind).toBe('docker-archive');
    expect(source.manifestDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(source.layers.map((l) => l.digest)).toEqual(image.layers.map((l) => l.diffId));
    await expectDebian(path);
  });

  it('picks an image by tag from a docker save archive holding several, and refuses to guess without one', async () => {
    const other = buildImage([await tarOf([{ name: 'etc/os-release', content: 'ID=other\n' }])]);
    const a = dockerSaveLegacy(image, ['example/app:1']);
    const b = dockerSaveLegacy(other, ['alpine:3']);
    const files = new Map([...a, ...b]);
    files.set('manifest.json', Buffer.from(JSON.stringify([...JSON.parse(a.get('manifest.json')?.toString() ?? '[]'), ...JSON.parse(b.get('manifest.json')?.toString() ?? '[]')])));
    const path = join(dir, 'two.tar');
    await writeFile(path, await tarFiles(files));
    await expect(openImage(path)).rejects.toThrow(/holds 2 images; choose one by tag as PATH:TAG \(example\/app:1, alpine:3\)/);
    const chosen = await openImage(path, { tag: 'docker.io/library/alpine:3' });
    expect(chosen.configDigest).toBe(other.configDigest);
    await expect(openImage(path, { tag: 'nope:1' })).rejects.toThrow(/no image tagged "nope:1"; the archive has example\/app:1, alpine:3/);
    // The tag written after the path holds a colon of its own, as docker save names images.
    expect((await openImage(`${path}:alpine:3`)).configDigest).toBe(other.configDigest);
    expect((await openImage(`docker-archive:${path}:example/app:1`)).configDigest).toBe(image.configDigest);
    await expect(openImage(`${path}:nope:1`)).rejects.toThrow(/no image tagged "nope:1"/);
  });

  it('fails a tampered layer in a docker save archive with the blob named', async () => {
    const files = dockerSaveLegacy(image, ['example/app:1']);
    const layerName = [...files.keys()].find((k) => k.endsWith('layer.tar')) as string;
    files.set(layerName, await tarOf([{ name: 'etc/os-release', content: 'ID=evil\n' }]));
    const path = join(dir, 'tampered.tar');
    await writeFile(path, await tarFiles(files));
    const r = await readImageFiles(await openImage(path), osRelease);
    expect(r.complete).toBe(false);
    expect(r.errors[0]).toContain(`blob ${image.layers[0]?.diffId} does not match its digest`);
  });

  it('chooses the platform from a multi-arch layout and lists what it offers otherwise', async () => {
    const arm = buildImage([await tarOf([{ name: 'etc/arch', content: 'arm64' }])], { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } });
    const amd = buildImage([await tarOf([{ name: 'etc/arch', content: 'amd64' }])]);
    const path = join(dir, 'multi');
    await writeTree(path, ociLayoutFiles([amd, arm], { multiArch: true, tags: ['1'] }));
    const wantArch = (f: { path: string }) => f.path === 'etc/arch';
    const def = await openImage(path);
    expect((await readImageFiles(def, wantArch)).files.get('etc/arch')?.toString()).toBe('amd64');
    expect(def.notes[0]).toMatch(/chose linux\/amd64/);
    const armSource = await openImage(path, { platform: 'linux/arm64' });
    expect(armSource.manifestDigest).toBe(arm.manifestDigest);
    expect((await readImageFiles(armSource, wantArch)).files.get('etc/arch')?.toString()).toBe('arm64');
    await expect(openImage(path, { platform: 'linux/s390x' })).rejects.toThrow('no image for platform linux/s390x; the index offers linux/amd64, linux/arm64/v8');
  });

  it('picks an image by tag from a layout with several, and says which tags exist', async () => {
    const other = buildImage([await tarOf([{ name: 'x', content: 'y' }])]);
    const path = join(dir, 'tagged');
    await writeTree(path, ociLayoutFiles([image, other], { tags: ['one', 'two'] }));
    expect((await openImage(`${path}:two`)).manifestDigest).toBe(other.manifestDigest);
    expect((await openImage(`oci:${path}`, { tag: 'one' })).manifestDigest).toBe(image.manifestDigest);
    await expect(openImage(path)).rejects.toThrow(/holds 2 images; choose one by tag as PATH:TAG \(one, two\)/);
    await expect(openImage(`${path}:three`)).rejects.toThrow(/no image tagged "three"; the layout has one, two/);
  });

  it('refuses to guess between differently tagged images of a layout even when each names its platform', async () => {
    const other = buildImage([await tarOf([{ name: 'x', content: 'y' }])]);
    const files = ociLayoutFiles([image, other], { tags: ['3.19', '22.04'] });
    const index = JSON.parse(files.get('index.json')?.toString() ?? '{}') as { manifests: Array<Record<string, unknown>> };
    for (const m of index.manifests) m.platform = { os: 'linux', architecture: 'amd64' };
    files.set('index.json', Buffer.from(JSON.stringify(index)));
    const path = join(dir, 'two-platformed');
    await writeTree(path, files);
    await expect(openImage(path)).rejects.toThrow(/holds 2 images; choose one by tag as PATH:TAG \(3\.19, 22\.04\)/);
    expect((await openImage(`${path}:22.04`)).manifestDigest).toBe(other.manifestDigest);
  });

  it('refuses a layout whose manifest does not match its digest', async () => {
    const files = ociLayoutFiles([image]);
    files.set(`blobs/sha256/${image.manifestDigest.slice(7)}`, Buffer.from(image.manifest.toString().replace('"schemaVersion":2', '"schemaVersion":2 ')));
    const path = join(dir, 'bad-manifest');
    await writeTree(path, files);
    await expect(openImage(path)).rejects.toThrow(`blob ${image.manifestDigest} does not match its digest`);
  });

  it('refuses OCI artifacts that are not container images', async () => {
    const files = ociLayoutFiles([image]);
    const helm = Buffer.from(image.manifest.toString().replace('application/vnd.oci.image.config.v1+json', 'application/vnd.cncf.helm.config.v1+json'));
    files.set(`blobs/sha256/${sha256(helm).slice(7)}`, helm);
    files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: image.manifestMediaType, digest: sha256(helm), size: helm.length }] })));
    const path = join(dir, 'helm');
    await writeTree(path, files);
    await expect(openImage(path)).rejects.toThrow('not a container image (its config is application/vnd.cncf.helm.config.v1+json)');
  });

  it('says where image metadata is not JSON without quoting it (it may hold a secret)', async () => {
    const secret = 'SECRETVALUE123';
    const broken = Buffer.from(`{"config": {"Env": ["A=1"]},\n "password": ${secret}}`);
    const expectRefused = async (path: string, what: string) => {
      const err = await openImage(path).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(err).toBeInstanceOf(ImageError);
      expect(err?.message).toBe(`${path}${what} is not JSON: expected a value (line 2, column 14)`);
      expect(err?.message).not.toContain('SECRET');
    };
    const legacy = dockerSaveLegacy(image, ['example/app:1']);
    const manifestPath = join(dir, 'secret-manifest.tar');
    await writeFile(manifestPath, await tarFiles(new Map([...legacy, ['manifest.json', broken]])));
    await expectRefused(manifestPath, ': manifest.json');
    const configPath = join(dir, 'secret-config.tar');
    const layers = [...legacy.keys()].filter((k) => k.endsWith('layer.tar'));
    const withConfig = new Map([...legacy, ['config.json', broken], ['manifest.json', Buffer.from(JSON.stringify([{ Config: 'config.json', Layers: layers }]))]]);
    await writeFile(configPath, await tarFiles(withConfig));
    await expectRefused(configPath, ': image config');
    const indexPath = join(dir, 'secret-index');
    await writeTree(indexPath, new Map([...ociLayoutFiles([image]), ['index.json', broken]]));
    await expectRefused(indexPath, ': index.json: manifest');
    const manifestBlobPath = join(dir, 'secret-manifest-blob');
    const files = ociLayoutFiles([image]);
    files.set(`blobs/sha256/${sha256(broken).slice(7)}`, broken);
    files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: image.manifestMediaType, digest: sha256(broken), size: broken.length }] })));
    await writeTree(manifestBlobPath, files);
    await expectRefused(manifestBlobPath, ` (${sha256(broken)}): manifest`);
  });

  it('explains inputs that are neither images nor references', async () => {
    const path = join(dir, 'not-an-image.tar');
    await writeFile(path, await tarOf([{ name: 'hello.txt', content: 'hi' }]));
    await expect(openImage(path)).rejects.toThrow(ImageError);
    await expect(openImage(path)).rejects.toThrow(/neither a docker save archive \(manifest.json\) nor an OCI layout/);
    await expect(openImage('Not A Ref!')).rejects.toThrow(/not an image reference/);
    await expect(openImage(path, { platform: 'linux' })).rejects.toThrow(/expected os\/arch\[\/variant\]/);
  });
});
