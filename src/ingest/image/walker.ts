/**
 * The one layer walker: streams each layer of an image once (gzip, zstd or plain tar, told apart by their
 * first bytes), keeps the files the analysers asked for, and applies whiteouts so the result is the merged
 * filesystem a container would see. Hostile layers are bounded: paths escaping the root, symlinks leading out
 * of it, decompression bombs, oversized files and floods of entries are refused with a message naming the
 * image and the layer; nothing throws.
 */
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import * as tar from 'tar-stream';
import type { FileRequest, ImageFiles } from '../../analyses/images/types.js';
import { LayeredFilesystem, normalizePath, OPAQUE, WHITEOUT_PREFIX, type FileNode, type FileOrigin } from './filesystem.js';
import { ImageError, type ImageLayer, type ImageSource } from './source.js';

export interface WalkLimits {
  /** Uncompressed tar bytes read over the whole image. */
  maxUncompressedBytes: number;
  /** Uncompressed ÷ compressed bytes of a layer, checked once a layer passes `ratioCheckAfterBytes`. */
  maxCompressionRatio: number;
  ratioCheckAfterBytes: number;
  /** Largest single file kept for the analysers (larger ones are skipped with a note). */
  maxFileBytes: number;
  /** All kept file contents together. */
  maxKeptBytes: number;
  /** Tar entries over the whole image. */
  maxEntries: number;
  /** Symlinks followed when resolving one path. */
  maxLinkHops: number;
}

export const DEFAULT_WALK_LIMITS: WalkLimits = {
  maxUncompressedBytes: 8 * 1024 ** 3,
  // Real layers compress 2–10×; gzip tops out near 1000×, so 250× past 256 MiB is a bomb, not a layer.
  maxCompressionRatio: 250,
  ratioCheckAfterBytes: 256 * 1024 ** 2,
  // Go binaries and Java archives up to 256 MiB are read by the package analysers.
  maxFileBytes: 256 * 1024 ** 2,
  maxKeptBytes: 1024 ** 3,
  maxEntries: 1_000_000,
  maxLinkHops: 40,
};

export interface WalkStats {
  layers: number;
  entries: number;
  compressedBytes: number;
  uncompressedBytes: number;
  keptFiles: number;
  keptBytes: number;
}

export interface ImageFileResult {
  files: ImageFiles;
  /** Things skipped or worked around (oversized file, link out of the root, device files). */
  notes: string[];
  /** Failures that leave the result incomplete (bad digest, bomb, corrupt layer); reading stops at the first. */
  errors: string[];
  /** False when a layer could not be read to its end: later layers were not applied. */
  complete: boolean;
  stats: WalkStats;
}

export class MapImageFiles implements ImageFiles {
  /** `canonical` maps a path reached through directory symlinks (`lib/x` when `lib → usr/lib`) to the stored one. */
  constructor(
    readonly files: ReadonlyMap<string, Buffer>,
    private readonly canonical: (path: string) => string | undefined = () => undefined,
  ) {}
  get(path: string): Buffer | undefined {
    const p = normalizePath(path) ?? path;
    const direct = this.files.get(p);
    if (direct) return direct;
    const real = this.canonical(p);
    return real === undefined ? undefined : this.files.get(real);
  }
  /** Plain prefix match (as imageFilesFrom in analyses/images does), so `usr/lib/python3` also finds `usr/lib/python3.12/...`. */
  under(prefix: string): string[] {
    this.sorted ??= [...this.files.keys()].sort();
    return this.sorted.filter((k) => k.startsWith(prefix));
  }
  private sorted: string[] | undefined;
}

type Compression = 'gzip' | 'zstd' | 'none';

function compressionOf(head: Buffer): Compression | 'bzip2' | 'xz' {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  if (head.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
  if (head[0] === 0xfd && head.subarray(1, 6).toString('latin1') === '7zXZ\0') return 'xz';
  return 'none';
}

/** zstd needs node:zlib's createZstdDecompress (Node ≥ 22.15); looked up at run time so Node 20 still loads this module. */
function zstdDecompressor(): Transform | undefined {
  const z = zlib as unknown as { createZstdDecompress?: () => Transform };
  return z.createZstdDecompress?.();
}

function short(digest: string): string {
  return digest.startsWith('sha256:') ? digest.slice(0, 19) : digest;
}

/** A tar entry as tar-stream yields it (its own types do not export the name). */
type Entry = tar.Extract extends AsyncIterable<infer S> ? S : never;

interface LayerHandlers {
  /** Called for each entry with its normalised path; consumes or drains the entry. */
  entry(path: string, header: tar.Header, entry: Entry): Promise<void>;
}

export async function readImageFiles(
  source: ImageSource,
  wants: (f: FileRequest) => boolean,
  limits: Partial<WalkLimits> = {},
): Promise<ImageFileResult> {
  const lim: WalkLimits = { ...DEFAULT_WALK_LIMITS, ...limits };
  // The walk's own notes: what opening the image noted is on the source, for the caller to report once.
  const notes: string[] = [];
  const errors: string[] = [];
  const stats: WalkStats = { layers: 0, entries: 0, compressedBytes: 0, uncompressedBytes: 0, keptFiles: 0, keptBytes: 0 };
  const fs = new LayeredFilesystem(lim.maxLinkHops);
  const total = source.layers.length;
  const where = (layer: ImageLayer) => `${source.ref}: layer ${layer.index + 1}/${total} (${short(layer.digest)})`;
  /** Paths whose wants() said yes although they are links: resolved once every layer is applied. */
  const wantedLinks = new Set<string>();
  /** Lexical targets of wanted links, kept when met later so most links need no second read. */
  const linkTargets = new Set<string>();
  let wantsFailed = false;

  const ask = (req: FileRequest): boolean => {
    try {
      return wants(req);
    } catch (e) {
      if (!wantsFailed) notes.push(`${source.ref}: a file selector failed on ${req.path} (${(e as Error).message}); treating as not wanted`);
      wantsFailed = true;
      return false;
    }
  };

  async function readEntry(entry: Entry, size: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    const buf = Buffer.concat(chunks);
    return buf.length === size ? buf : buf.subarray(0, size);
  }

  /** Streams one layer through the decompressor and the tar parser, with the byte bounds enforced. */
  async function streamLayer(layer: ImageLayer, handlers: LayerHandlers): Promise<void> {
    const raw = await layer.open();
    const it = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const head: Buffer[] = [];
    let headLen = 0;
    let ended = false;
    while (headLen < 6) {
      const n = await it.next();
      if (n.done) {
        ended = true;
        break;
      }
      head.push(n.value);
      headLen += n.value.length;
    }
    const first = Buffer.concat(head);
    const kind = compressionOf(first);
    let compressed = 0;
    const counted = Readable.from(
      (async function* () {
        compressed += first.length;
        stats.compressedBytes += first.length;
        if (first.length) yield first;
        if (ended) return;
        for (;;) {
          const n = await it.next();
          if (n.done) return;
          compressed += n.value.length;
          stats.compressedBytes += n.value.length;
          yield n.value;
        }
      })(),
      { objectMode: false },
    );
    let decompress: Transform | undefined;
    // 256 KiB output pieces instead of 16: a layer of hundreds of megabytes is a sixteenth of the callbacks.
    if (kind === 'gzip') decompress = zlib.createGunzip({ chunkSize: 256 * 1024 });
    else if (kind === 'zstd') {
      decompress = zstdDecompressor();
      if (!decompress) {
        raw.destroy();
        throw new ImageError(`${where(layer)}: the layer is zstd-compressed and this Node.js (${process.version}) cannot decompress zstd (needs Node ≥ 22.15)`);
      }
    } else if (kind === 'bzip2' || kind === 'xz') {
      raw.destroy();
      throw new ImageError(`${where(layer)}: ${kind}-compressed layers are not supported`);
    }
    let uncompressed = 0;
    const bound = new Transform({
      transform(chunk: Buffer, _enc, done: TransformCallback) {
        uncompressed += chunk.length;
        stats.uncompressedBytes += chunk.length;
        if (stats.uncompressedBytes > lim.maxUncompressedBytes) {
          done(new ImageError(`${where(layer)}: image expands past ${lim.maxUncompressedBytes} uncompressed bytes; refused as a decompression bomb`));
        } else if (kind !== 'none' && uncompressed > lim.ratioCheckAfterBytes && uncompressed / Math.max(compressed, 1) > lim.maxCompressionRatio) {
          done(new ImageError(`${where(layer)}: ${compressed} compressed bytes expand to over ${uncompressed} (ratio above ${lim.maxCompressionRatio}); refused as a decompression bomb`));
        } else done(null, chunk);
      },
    });
    const extract = tar.extract();
    const piping = decompress ? pipeline(counted, decompress, bound, extract) : pipeline(counted, bound, extract);
    piping.catch(() => {});
    try {
      for await (const entry of extract) {
        if (++stats.entries > lim.maxEntries) throw new ImageError(`${where(layer)}: more than ${lim.maxEntries} entries in the image; refused`);
        const header = entry.header;
        const path = normalizePath(header.name);
        if (path === undefined) {
          notes.push(`${where(layer)}: entry ${JSON.stringify(header.name)} climbs out of the image root; skipped`);
          entry.resume();
          continue;
        }
        if (path === '') {
          entry.resume();
          continue;
        }
        await handlers.entry(path, header, entry);
      }
      await piping;
    } catch (e) {
      raw.destroy();
      counted.destroy();
      // A bound or digest failure upstream surfaces here as the parser's own error; prefer the one that says why.
      const err = await piping.then(() => e, (pipeErr: unknown) => (pipeErr instanceof ImageError ? pipeErr : e));
      if (err instanceof ImageError) throw err;
      const message = (err as Error).message;
      throw new ImageError(`${where(layer)}: ${/^Z_|incorrect header|unexpected end|invalid/i.test(message) || (err as { code?: string }).code?.startsWith('Z_') ? 'corrupt layer' : 'cannot read layer'} (${message})`);
    }
  }

  let devices = 0;
  const applyLayer = (layer: ImageLayer): LayerHandlers => ({
    entry: async (path, header, entry) => {
      const l = layer.index;
      const slash = path.lastIndexOf('/');
      const dir = slash < 0 ? '' : path.slice(0, slash);
      const base = slash < 0 ? path : path.slice(slash + 1);
      const refused = (why: string | undefined) => {
        if (why) notes.push(`${where(layer)}: ${header.name}: ${why}; skipped`);
      };
      if (base.startsWith(WHITEOUT_PREFIX)) {
        entry.resume();
        if (base === OPAQUE) refused(fs.opaque(dir, l));
        else if (!base.startsWith(`${WHITEOUT_PREFIX}${WHITEOUT_PREFIX}`)) refused(fs.whiteout(dir, base.slice(WHITEOUT_PREFIX.length), l));
        return;
      }
      const mode = (header.mode ?? 0o644) & 0o7777;
      switch (header.type) {
        case 'directory':
          entry.resume();
          refused(fs.put(path, { kind: 'dir', layer: l, children: new Map() }));
          return;
        case 'symlink': {
          entry.resume();
          const target = header.linkname ?? '';
          refused(fs.put(path, { kind: 'symlink', layer: l, target }));
          // Asked with size 0: what the link leads to may not have been read yet.
          if (ask({ path, size: 0, mode })) {
            wantedLinks.add(path);
            const lexical = normalizePath(target.startsWith('/') ? target : `${dir}/${target}`);
            if (lexical !== undefined) linkTargets.add(lexical);
          }
          return;
        }
        case 'link': {
          entry.resume();
          const targetPath = normalizePath(header.linkname ?? '');
          const found = targetPath === undefined ? undefined : fs.lookup(targetPath, false);
          if (!found || !found.ok || found.node?.kind !== 'file') {
            notes.push(`${where(layer)}: hard link ${path} → ${header.linkname ?? ''} has no file to point at; skipped`);
            return;
          }
          const target = found.node;
          const node: FileNode = { kind: 'file', layer: l, size: target.size, mode, origin: target.origin };
          if (target.content) node.content = target.content;
          node.wanted = ask({ path, size: target.size, mode });
          refused(fs.put(path, node));
          if (node.wanted && !target.content) wantedLinks.add(path);
          return;
        }
        case 'file':
        case 'contiguous-file': {
          const size = header.size ?? 0;
          const origin: FileOrigin = { layer: l, name: path };
          const node: FileNode = { kind: 'file', layer: l, size, mode, origin };
          node.wanted = ask({ path, size, mode });
          const wanted = node.wanted || linkTargets.has(path);
          if (wanted && size > lim.maxFileBytes) {
            notes.push(`${where(layer)}: ${path} is ${size} bytes, over the ${lim.maxFileBytes}-byte limit for one file; skipped`);
            entry.resume();
          } else if (wanted && stats.keptBytes + size > lim.maxKeptBytes) {
            notes.push(`${where(layer)}: ${path} would take kept files past ${lim.maxKeptBytes} bytes; skipped`);
            entry.resume();
          } else if (wanted) {
            node.content = await readEntry(entry, size);
            stats.keptBytes += size;
          } else entry.resume();
          refused(fs.put(path, node));
          return;
        }
        case 'character-device':
        case 'block-device':
        case 'fifo':
          devices++;
          entry.resume();
          return;
        default:
          entry.resume();
          notes.push(`${where(layer)}: ${path}: entry type ${String(header.type)} ignored`);
      }
    },
  });

  let complete = true;
  for (const layer of source.layers) {
    try {
      await streamLayer(layer, applyLayer(layer));
      stats.layers++;
    } catch (e) {
      errors.push(e instanceof ImageError ? e.message : `${where(layer)}: ${(e as Error).message}`);
      complete = false;
      break;
    }
  }
  if (devices > 0) notes.push(`${source.ref}: ${devices} device and fifo entries ignored`);

  const files = new Map<string, Buffer>();
  for (const [path, node] of fs.walk()) {
    // Files kept only because a wanted link points at them are listed under the link's path, not their own.
    if (node.kind === 'file' && node.content && node.wanted) files.set(path, node.content);
  }

  // Wanted paths that are links: resolve inside the root; fetch contents a first pass could not know it needed.
  const missing = new Map<number, Map<string, FileNode>>();
  const aliases: [string, FileNode][] = [];
  for (const path of [...wantedLinks].sort()) {
    const found = fs.lookup(path, true);
    if (!found.ok) {
      // The reason starts with the path it was asked for.
      notes.push(`${source.ref}: ${found.reason}; not followed`);
      continue;
    }
    if (found.node?.kind !== 'file') continue;
    const node = found.node;
    if (node.content) {
      files.set(path, node.content);
      continue;
    }
    if (node.size > lim.maxFileBytes) {
      notes.push(`${source.ref}: ${path} (→ ${found.path}) is ${node.size} bytes, over the ${lim.maxFileBytes}-byte limit for one file; skipped`);
      continue;
    }
    aliases.push([path, node]);
    const perLayer = missing.get(node.origin.layer) ?? new Map<string, FileNode>();
    perLayer.set(node.origin.name, node);
    missing.set(node.origin.layer, perLayer);
  }
  if (complete && missing.size > 0) {
    for (const [index, wanted] of [...missing].sort((a, b) => a[0] - b[0])) {
      const layer = source.layers[index] as ImageLayer;
      try {
        await streamLayer(layer, {
          entry: async (path, header, entry) => {
            const node = wanted.get(path);
            if (node && !node.content && (header.type === 'file' || header.type === 'contiguous-file') && stats.keptBytes + node.size <= lim.maxKeptBytes) {
              node.content = await readEntry(entry, header.size ?? 0);
              stats.keptBytes += node.size;
            } else entry.resume();
          },
        });
        notes.push(`${where(layer)}: read a second time for link targets found only after it (${[...wanted.keys()].join(', ')})`);
      } catch (e) {
        errors.push(e instanceof ImageError ? e.message : `${where(layer)}: ${(e as Error).message}`);
      }
    }
    for (const [path, node] of aliases) if (node.content) files.set(path, node.content);
  }
  stats.keptFiles = files.size;
  const canonical = (path: string): string | undefined => {
    const found = fs.lookup(path, true);
    return found.ok && found.node?.kind === 'file' ? found.path : undefined;
  };
  return { files: new MapImageFiles(files, canonical), notes, errors, complete, stats };
}
