/**
 * Files of a local image (an OCI layout directory, or a tar archive read in place) behind one small
 * interface, and the steps every local and remote reader shares: reading a small blob with a size cap and
 * its digest checked, and wrapping layer descriptors into ImageLayers whose streams verify themselves.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { posix, join } from 'node:path';
import { Readable } from 'node:stream';
import { indexTar, type TarMember } from './tar-index.js';
import { sha256Digest, verifyingStream, assertDigest } from './digest.js';
import { ImageError, type Descriptor, type ImageLayer } from './source.js';

export interface BlobStore {
  /** Names the store in messages (the path). */
  readonly where: string;
  has(name: string): boolean | Promise<boolean>;
  read(name: string, maxBytes: number): Promise<Buffer>;
  open(name: string): Promise<{ stream: Readable; size: number }>;
}

export function blobPath(digest: string, what: string): string {
  assertDigest(digest, what);
  return `blobs/sha256/${digest.slice('sha256:'.length)}`;
}

export class DirectoryStore implements BlobStore {
  constructor(readonly where: string) {}
  private full(name: string): string {
    const clean = posix.normalize(name);
    if (clean.startsWith('..') || posix.isAbsolute(clean)) throw new ImageError(`${this.where}: refusing path "${name}" outside the layout`);
    return join(this.where, clean);
  }
  async has(name: string): Promise<boolean> {
    return stat(this.full(name)).then((s) => s.isFile(), () => false);
  }
  async read(name: string, maxBytes: number): Promise<Buffer> {
    const path = this.full(name);
    const s = await stat(path).catch(() => undefined);
    if (!s?.isFile()) throw new ImageError(`${this.where}: ${name} is missing`);
    if (s.size > maxBytes) throw new ImageError(`${this.where}: ${name} is ${s.size} bytes, over the ${maxBytes}-byte limit for metadata`);
    return readFile(path);
  }
  async open(name: string): Promise<{ stream: Readable; size: number }> {
    const path = this.full(name);
    const s = await stat(path).catch(() => undefined);
    if (!s?.isFile()) throw new ImageError(`${this.where}: ${name} is missing`);
    return { stream: createReadStream(path), size: s.size };
  }
}

export class TarStore implements BlobStore {
  private constructor(readonly where: string, private readonly members: Map<string, TarMember>) {}

  static async open(path: string): Promise<TarStore> {
    return new TarStore(path, await indexTar(path));
  }

  /** Follows symlinks and hard links between members (old `docker save` links repeated layers). */
  private member(name: string): TarMember | undefined {
    let current = posix.normalize(name);
    for (let hops = 0; hops < 8; hops++) {
      const m = this.members.get(current);
      if (!m) return undefined;
      if (m.type === '2') current = posix.normalize(posix.join(posix.dirname(current), m.linkname));
      else if (m.type === '1') current = posix.normalize(m.linkname.replace(/^(\.\/|\/)+/, ''));
      else return m.type === '0' || m.type === '\0' || m.type === '7' ? m : undefined;
    }
    return undefined;
  }
  has(name: string): boolean {
    return this.member(name) !== undefined;
  }
  async read(name: string, maxBytes: number): Promise<Buffer> {
    const { stream, size } = await this.open(name);
    if (size > maxBytes) {
      stream.destroy();
      throw new ImageError(`${this.where}: ${name} is ${size} bytes, over the ${maxBytes}-byte limit for metadata`);
    }
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }
  async open(name: string): Promise<{ stream: Readable; size: number }> {
    const m = this.member(name);
    if (!m) throw new ImageError(`${this.where}: ${name} is missing from the archive`);
    const stream = m.size === 0 ? Readable.from([]) : createReadStream(this.where, { start: m.offset, end: m.offset + m.size - 1 });
    return { stream, size: m.size };
  }
  /** Size of a member (links followed), or undefined when missing. */
  sizeOf(name: string): number | undefined {
    return this.member(name)?.size;
  }
  names(): string[] {
    return [...this.members.keys()];
  }
}

export const MAX_METADATA_BYTES = 8 * 1024 * 1024;

/** A manifest, index or config blob from a store, its digest and size checked. */
export async function readVerifiedBlob(store: BlobStore, desc: Descriptor, what: string): Promise<Buffer> {
  if (desc.size > MAX_METADATA_BYTES) throw new ImageError(`${what}: ${desc.digest} declares ${desc.size} bytes, over the ${MAX_METADATA_BYTES}-byte limit for metadata`);
  const data = await store.read(blobPath(desc.digest, what), MAX_METADATA_BYTES);
  const got = sha256Digest(data);
  if (got !== desc.digest) throw new ImageError(`${what}: blob ${desc.digest} does not match its digest (content hashes to ${got})`);
  return data;
}

/** Joins a raw stream and its verifier so that an error on either fails the one stream the caller holds. */
export function verified(raw: Readable, digest: string, size: number | undefined, what: string): Readable {
  const check = verifyingStream(digest, size, what);
  raw.on('error', (e) => check.destroy(e));
  check.on('close', () => raw.destroy());
  return raw.pipe(check);
}

export function layersFrom(descs: readonly Descriptor[], what: string, openRaw: (d: Descriptor) => Promise<Readable>): ImageLayer[] {
  return descs.map((d, index) => ({
    index,
    digest: d.digest,
    mediaType: d.mediaType,
    size: d.size,
    open: async () => verified(await openRaw(d), d.digest, d.size, what),
  }));
}
