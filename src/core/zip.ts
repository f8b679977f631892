import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

/**
 * A small, bounded zip reader: osv.dev's exports (`<Ecosystem>/all.zip`, read from the file by offset so
 * the archive is never held in memory whole) and Java archives found in images (jar, war, ear, already in
 * memory). Reads the central directory, then only the entries asked for. Hostile archives are refused
 * with a message instead of exhausting memory: entries over a size cap, implausible compression ratios,
 * a total over a cap.
 */

export interface ZipLimits {
  /** Largest uncompressed entry accepted. */
  maxEntryBytes: number;
  /** Largest uncompressed total over the archive. */
  maxTotalBytes: number;
  /** Largest uncompressed/compressed ratio for entries over `ratioFloorBytes`. */
  maxRatio: number;
  ratioFloorBytes: number;
  /** Largest central directory read. */
  maxDirectoryBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntryBytes: 16 << 20,
  maxTotalBytes: 8 * 1024 ** 3,
  // Real OSV JSON deflates about 5-20×; a zip bomb is thousands.
  maxRatio: 200,
  ratioFloorBytes: 1 << 20,
  maxDirectoryBytes: 512 << 20,
};

export type ZipEntry = { name: string; data: Buffer } | { name: string; error: string };

export class ZipError extends Error {
  override name = 'ZipError';
}

interface DirEntry {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const WINDOW_BYTES = 4 << 20;

/** Random access to the archive's bytes: a file read by offset, or a buffer. */
interface ZipBytes {
  size: number;
  readAt(offset: number, length: number): Buffer;
  close(): void;
}

function zipBytes(source: string | Buffer): ZipBytes {
  if (Buffer.isBuffer(source))
    return { size: source.length, readAt: (offset, length) => source.subarray(offset, Math.min(source.length, offset + length)), close() {} };
  const fd = openSync(source, 'r');
  return { size: fstatSync(fd).size, readAt: (offset, length) => readAt(fd, offset, length), close: () => closeSync(fd) };
}

function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, offset + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buf : buf.subarray(0, done);
}

function u64(buf: Buffer, at: number): number {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError('zip64 size out of range');
  return Number(v);
}

function directory(bytes: ZipBytes, limits: ZipLimits): DirEntry[] {
  const fileSize = bytes.size;
  // The end record sits in the last 22 bytes plus an optional comment of up to 65535 bytes.
  const tailLen = Math.min(fileSize, 22 + 0xffff + 20);
  const tail = bytes.readAt(fileSize - tailLen, tailLen);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError('not a zip archive (no end-of-central-directory record; truncated or another format)');
  if (tail.readUInt16LE(eocd + 4) !== 0 || tail.readUInt16LE(eocd + 6) !== 0) throw new ZipError('multi-disk zip archives are not supported');
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    // Large exports (npm has hundreds of thousands of records) need the zip64 end record.
    const loc = eocd - 20;
    if (loc < 0 || tail.readUInt32LE(loc) !== ZIP64_LOCATOR) throw new ZipError('zip64 archive without a zip64 locator');
    const recOffset = u64(tail, loc + 8);
    const rec = bytes.readAt(recOffset, 56);
    if (rec.length < 56 || rec.readUInt32LE(0) !== ZIP64_EOCD) throw new ZipError('zip64 end record missing');
    count = u64(rec, 32);
    cdSize = u64(rec, 40);
    cdOffset = u64(rec, 48);
  }
  if (cdSize > limits.maxDirectoryBytes) throw new ZipError(`central directory of ${cdSize} bytes is over the ${limits.maxDirectoryBytes}-byte limit`);
  if (cdOffset + cdSize > fileSize) throw new ZipError('central directory lies outside the file (truncated archive)');
  const cd = bytes.readAt(cdOffset, cdSize);
  const entries: DirEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL) throw new ZipError(`central directory entry ${i} is corrupt`);
    const flags = cd.readUInt16LE(p + 8);
    const method = cd.readUInt16LE(p + 10);
    let compressedSize = cd.readUInt32LE(p + 20);
    let size = cd.readUInt32LE(p + 24);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    let localOffset = cd.readUInt32LE(p + 42);
    const name = cd.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLen);
    // zip64 extended information: the 64-bit values present are those whose 32-bit field is saturated, in this order.
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = cd.readUInt16LE(e);
      const len = cd.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        const take = () => {
          if (q + 8 > e + 4 + len) throw new ZipError(`zip64 field of ${name} is short`);
          const v = u64(cd, q);
          q += 8;
          return v;
        };
        if (size === 0xffffffff) size = take();
        if (compressedSize === 0xffffffff) compressedSize = take();
        if (localOffset === 0xffffffff) localOffset = take();
      }
      e += 4 + len;
    }
    entries.push({ name, flags, method, compressedSize, size, localOffset });
    p = extraEnd + commentLen;
  }
  return entries;
}

/**
 * The entries of a zip archive (a file, or a buffer) whose names pass `want`, decompressed, one at a
 * time. A refused or broken entry yields an `error` and reading goes on; a broken archive (no
 * directory, total over the cap) throws ZipError.
 */
export function* readZip(source: string | Buffer, want: (name: string) => boolean = () => true, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Generator<ZipEntry> {
  const bytes = zipBytes(source);
  try {
    const fileSize = bytes.size;
    let total = 0;
    // Entries lie one after another: reading a window at a time saves two system calls per record.
    let window: Buffer = Buffer.alloc(0);
    let windowStart = 0;
    const readCached = (offset: number, length: number): Buffer => {
      if (offset < windowStart || offset + length > windowStart + window.length) {
        window = bytes.readAt(offset, Math.min(Math.max(length, WINDOW_BYTES), Math.max(0, fileSize - offset)));
        windowStart = offset;
      }
      return window.subarray(offset - windowStart, offset - windowStart + length);
    };
    for (const d of directory(bytes, limits)) {
      if (d.name.endsWith('/') || !want(d.name)) continue;
      if (d.flags & 0x1) {
        yield { name: d.name, error: 'encrypted entries are not supported' };
        continue;
      }
      if (d.method !== 0 && d.method !== 8) {
        yield { name: d.name, error: `compression method ${d.method} is not supported (only stored and deflate)` };
        continue;
      }
      if (d.size > limits.maxEntryBytes) {
        yield { name: d.name, error: `entry of ${d.size} bytes is over the ${limits.maxEntryBytes}-byte limit` };
        continue;
      }
      // Deflate never grows data by more than a few bytes per block: a larger compressed size is a lie to make us allocate.
      if (d.compressedSize > d.size + (d.size >> 6) + 1024) {
        yield { name: d.name, error: `compressed size ${d.compressedSize} is implausible for ${d.size} bytes` };
        continue;
      }
      if (d.size > limits.ratioFloorBytes && d.size > d.compressedSize * limits.maxRatio) {
        yield { name: d.name, error: `compression ratio over ${limits.maxRatio}:1 (zip bomb?)` };
        continue;
      }
      total += d.size;
      if (total > limits.maxTotalBytes) throw new ZipError(`archive expands to over ${limits.maxTotalBytes} bytes (zip bomb?)`);
      const local = readCached(d.localOffset, 30);
      if (local.length < 30 || local.readUInt32LE(0) !== LOCAL) {
        yield { name: d.name, error: 'local header missing (truncated or corrupt archive)' };
        continue;
      }
      const start = d.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      const raw = readCached(start, d.compressedSize);
      if (raw.length < d.compressedSize) {
        yield { name: d.name, error: 'entry data is cut short (truncated archive)' };
        continue;
      }
      let data: Buffer;
      try {
        // maxOutputLength bounds the work even when the declared size lies.
        data = d.method === 0 ? raw : inflateRawSync(raw, { maxOutputLength: Math.max(d.size, 1) });
      } catch (e) {
        yield { name: d.name, error: `cannot inflate: ${e instanceof Error ? e.message : String(e)}` };
        continue;
      }
      if (data.length !== d.size) {
        yield { name: d.name, error: `entry is ${data.length} bytes, the directory says ${d.size}` };
        continue;
      }
      yield { name: d.name, data };
    }
  } finally {
    bytes.close();
  }
}

/** Whether a file starts like a zip archive (local header or empty-archive end record). */
export function looksLikeZip(head: Buffer): boolean {
  return head.length >= 4 && (head.readUInt32LE(0) === LOCAL || head.readUInt32LE(0) === EOCD);
}
