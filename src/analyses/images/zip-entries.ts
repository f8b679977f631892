import { inflateRawSync } from 'node:zlib';

/**
 * A small, bounded reader of zip archives held in memory (jar, war, ear): the central directory lists
 * the entries, and an entry is read only when asked for, inflated with a cap on its output. Encrypted
 * entries and methods other than stored and deflate are not read.
 */

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

export interface ZipLimits {
  maxEntries: number;
  /** Largest entry read() inflates. */
  maxEntrySize: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 200_000, maxEntrySize: 64 * 1024 * 1024 };

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CEN = 0x02014b50;
const LOC = 0x04034b50;

function findEocd(buf: Buffer): number {
  // The end record is 22 bytes plus a comment of at most 65535 bytes.
  const stop = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= stop; i--) {
    if (buf.readUInt32LE(i) === EOCD) return i;
  }
  return -1;
}

/** The entries of the archive's central directory. Throws when the buffer is not a readable zip. */
export function zipEntries(buf: Buffer, limits: ZipLimits = DEFAULT_ZIP_LIMITS): ZipEntry[] {
  const eocd = findEocd(buf);
  if (eocd < 0) throw new Error('no zip end-of-central-directory record');
  let count = buf.readUInt16LE(eocd + 10);
  let cdOffset = buf.readUInt32LE(eocd + 16);
  if ((count === 0xffff || cdOffset === 0xffffffff) && eocd >= 20 && buf.readUInt32LE(eocd - 20) === EOCD64_LOCATOR) {
    const at = Number(buf.readBigUInt64LE(eocd - 20 + 8));
    if (at + 56 > buf.length || buf.readUInt32LE(at) !== EOCD64) throw new Error('zip64 end record out of place');
    count = Number(buf.readBigUInt64LE(at + 32));
    cdOffset = Number(buf.readBigUInt64LE(at + 48));
  }
  if (count > limits.maxEntries) throw new Error(`zip has ${count} entries, more than ${limits.maxEntries}`);
  const out: ZipEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CEN) throw new Error('zip central directory truncated');
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    let compressedSize = buf.readUInt32LE(p + 20);
    let size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    let localHeaderOffset = buf.readUInt32LE(p + 42);
    const name = buf.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLen);
    // Zip64 sizes and offset live in extra field 0x0001, in this order, for the fields set to 0xffffffff.
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd && e + 4 <= buf.length) {
      const id = buf.readUInt16LE(e);
      const len = buf.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === 0xffffffff && q + 8 <= e + 4 + len) {
          size = Number(buf.readBigUInt64LE(q));
          q += 8;
        }
        if (compressedSize === 0xffffffff && q + 8 <= e + 4 + len) {
          compressedSize = Number(buf.readBigUInt64LE(q));
          q += 8;
        }
        if (localHeaderOffset === 0xffffffff && q + 8 <= e + 4 + len) localHeaderOffset = Number(buf.readBigUInt64LE(q));
      }
      e += 4 + len;
    }
    if (!(flags & 0x1)) out.push({ name, method, compressedSize, size, localHeaderOffset });
    p = extraEnd + commentLen;
  }
  return out;
}

/** The content of one entry, or undefined when it is too large, of an unknown method, or damaged. */
export function readZipEntry(buf: Buffer, entry: ZipEntry, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Buffer | undefined {
  if (entry.size > limits.maxEntrySize) return undefined;
  const at = entry.localHeaderOffset;
  if (at + 30 > buf.length || buf.readUInt32LE(at) !== LOC) return undefined;
  const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
  const end = start + entry.compressedSize;
  if (end > buf.length) return undefined;
  const raw = buf.subarray(start, end);
  if (entry.method === 0) return raw;
  if (entry.method !== 8) return undefined;
  try {
    return inflateRawSync(raw, { maxOutputLength: Math.max(1, limits.maxEntrySize) });
  } catch {
    return undefined;
  }
}
