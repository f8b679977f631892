/** Builds small container images in memory: layer tars, OCI layouts, docker-save archives. */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';

export interface LayerEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'fifo';
  content?: string | Buffer;
  linkname?: string;
  mode?: number;
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export async function tarOf(entries: readonly LayerEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (c: unknown) => chunks.push(c as Buffer));
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  for (const e of entries) {
    const type = e.type ?? (e.content !== undefined ? 'file' : 'directory');
    const header = { name: e.name, type, mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644), ...(e.linkname !== undefined ? { linkname: e.linkname } : {}) };
    if (type === 'file') pack.entry(header, Buffer.from(e.content ?? ''));
    else pack.entry({ ...header, size: 0 });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** A tar of a name → bytes map (an OCI layout or a docker-save archive). */
export function tarFiles(files: ReadonlyMap<string, Buffer>): Promise<Buffer> {
  return tarOf([...files].map(([name, content]) => ({ name, content })));
}

export async function writeTree(dir: string, files: ReadonlyMap<string, Buffer>): Promise<void> {
  for (const [name, content] of files) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface BuiltImage {
  platform: Platform;
  config: Buffer;
  configDigest: string;
  manifest: Buffer;
  manifestDigest: string;
  manifestMediaType: string;
  /** Layer blobs as stored (gzipped unless `gzip: false`). */
  layers: { digest: string; blob: Buffer; diffId: string; tar: Buffer; mediaType: string }[];
  /** Every blob by digest (config and layers). */
  blobs: Map<string, Buffer>;
}

export function buildImage(
  layerTars: readonly Buffer[],
  opts: { platform?: Platform; gzip?: boolean; docker?: boolean; env?: string[]; user?: string } = {},
): BuiltImage {
  const platform = opts.platform ?? { os: 'linux', architecture: 'amd64' };
  const gzip = opts.gzip ?? true;
  const layers = layerTars.map((t) => {
    const blob = gzip ? gzipSync(t) : t;
    const mediaType = opts.docker
      ? 'application/vnd.docker.image.rootfs.diff.tar.gzip'
      : gzip
        ? 'application/vnd.oci.image.layer.v1.tar+gzip'
        : 'application/vnd.oci.image.layer.v1.tar';
    return { digest: sha256(blob), blob, diffId: sha256(t), tar: t, mediaType };
  });
  const config = Buffer.from(
    JSON.stringify({
      ...platform,
      config: { Env: opts.env ?? ['PATH=/usr/bin'], ...(opts.user ? { User: opts.user } : {}) },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history: layers.map((_, i) => ({ created: '2026-01-01T00:00:00Z', created_by: `step ${i}` })),
    }),
  );
  const configDigest = sha256(config);
  const manifestMediaType = opts.docker ? 'application/vnd.docker.distribution.manifest.v2+json' : 'application/vnd.oci.image.manifest.v1+json';
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: manifestMediaType,
      config: { mediaType: opts.docker ? 'application/vnd.docker.container.image.v1+json' : 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.blob.length })),
    }),
  );
  const blobs = new Map<string, Buffer>([[configDigest, config], ...layers.map((l) => [l.digest, l.blob] as [string, Buffer])]);
  return { platform, config, configDigest, manifest, manifestDigest: sha256(manifest), manifestMediaType, layers, blobs };
}

export function buildIndex(images: readonly BuiltImage[]): { body: Buffer; digest: string; mediaType: string } {
  const mediaType = 'application/vnd.oci.image.index.v1+json';
  const body = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      manifests: images.map((i) => ({ mediaType: i.manifestMediaType, digest: i.manifestDigest, size: i.manifest.length, platform: i.platform })),
    }),
  );
  return { body, digest: sha256(body), mediaType };
}

function blobName(digest: string): string {
  return `blobs/sha256/${digest.slice(7)}`;
}

/** The files of an OCI layout holding the images (one index entry each, or one multi-platform index when `multiArch`). */
export function ociLayoutFiles(images: readonly BuiltImage[], opts: { tags?: string[]; multiArch?: boolean } = {}): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  files.set('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
  for (const img of images) {
    files.set(blobName(img.manifestDigest), img.manifest);
    for (const [d, b] of img.blobs) files.set(blobName(d), b);
  }
  let manifests: object[];
  if (opts.multiArch) {
    const index = buildIndex(images);
    files.set(blobName(index.digest), index.body);
    const tag = opts.tags?.[0];
    manifests = [{ mediaType: index.mediaType, digest: index.digest, size: index.body.length, ...(tag ? { annotations: { 'org.opencontainers.image.ref.name': tag } } : {}) }];
  } else {
    manifests = images.map((img, i) => {
      const tag = opts.tags?.[i];
      return { mediaType: img.manifestMediaType, digest: img.manifestDigest, size: img.manifest.length, ...(tag ? { annotations: { 'org.opencontainers.image.ref.name': tag } } : {}) };
    });
  }
  files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, manifests })));
  return files;
}

/** `docker save` as Docker < 25 wrote it: `<id>/layer.tar`, `<config hex>.json`, manifest.json. */
export function dockerSaveLegacy(img: BuiltImage, repoTags: string[]): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const configName = `${img.configDigest.slice(7)}.json`;
  files.set(configName, img.config);
  const layerNames = img.layers.map((l, i) => {
    const name = `${createHash('sha256').update(`${i}${l.diffId}`).digest('hex')}/layer.tar`;
    files.set(name, l.tar);
    files.set(name.replace('layer.tar', 'VERSION'), Buffer.from('1.0'));
    return name;
  });
  files.set('manifest.json', Buffer.from(JSON.stringify([{ Config: configName, RepoTags: repoTags, Layers: layerNames }])));
  return files;
}

/** `docker save` as Docker 25+ writes it: an OCI layout (uncompressed layers) plus manifest.json pointing into blobs/. */
export function dockerSaveOci(img: BuiltImage, repoTags: string[]): Map<string, Buffer> {
  const plain = buildImage(img.layers.map((l) => l.tar), { platform: img.platform, gzip: false });
  const files = ociLayoutFiles([plain], { tags: repoTags.map((t) => t.split(':').pop() ?? t) });
  files.set(
    'manifest.json',
    Buffer.from(JSON.stringify([{ Config: blobName(plain.configDigest), RepoTags: repoTags, Layers: plain.layers.map((l) => blobName(l.digest)) }])),
  );
  return files;
}
