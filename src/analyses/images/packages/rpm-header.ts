/**
 * The rpm header format as rpmdb stores it (a header blob without the 8-byte lead magic):
 * big-endian int32 index count and data length, then 16-byte index entries (tag, type, offset, count),
 * then the data store the offsets point into.
 */

export const RPMTAG = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  LICENSE: 1014,
  ARCH: 1022,
  SOURCERPM: 1044,
  OLDFILENAMES: 1027,
  DIRINDEXES: 1116,
  BASENAMES: 1117,
  DIRNAMES: 1118,
} as const;

const TYPE_INT32 = 4;
const TYPE_STRING = 6;
const TYPE_STRING_ARRAY = 8;
const TYPE_I18NSTRING = 9;

/** Bounds that no real header reaches; a blob past them is corrupt. */
const MAX_ENTRIES = 100_000;
const MAX_DATA = 256 * 1024 * 1024;

export interface RpmHeader {
  name?: string;
  version?: string;
  release?: string;
  epoch?: number;
  license?: string;
  arch?: string;
  sourceRpm?: string;
  /**
   * The files the package installed, as absolute paths: `DIRNAMES[DIRINDEXES[i]] + BASENAMES[i]` (rpm ≥ 4.x),
   * else the older `OLDFILENAMES`. Decoded when asked for, so that a database's headers can be kept between
   * readers without holding every file path of the image at once.
   */
  files(): string[];
}

/** One index entry of a header blob; its offset points into the data store. */
interface HeaderEntry {
  type: number;
  offset: number;
  count: number;
}

/**
 * Reads the tags Palisade needs from one header blob, in one walk of its index. Where a tag is repeated the
 * last entry counts. Throws on a blob whose index does not fit.
 */
export function parseRpmHeader(blob: Buffer): RpmHeader {
  if (blob.length < 8) throw new Error('rpm header shorter than its preamble');
  const il = blob.readInt32BE(0);
  const dl = blob.readInt32BE(4);
  if (il < 0 || il > MAX_ENTRIES || dl < 0 || dl > MAX_DATA) throw new Error(`rpm header counts out of range (${il} entries, ${dl} bytes)`);
  const dataStart = 8 + il * 16;
  if (dataStart + dl > blob.length) throw new Error('rpm header longer than its blob');
  const data = blob.subarray(dataStart, dataStart + dl);
  const str = (offset: number): string | undefined => {
    if (offset < 0 || offset >= data.length) return undefined;
    const end = data.indexOf(0, offset);
    return data.toString('utf8', offset, end < 0 ? data.length : end);
  };
  // A file list is made of up to three tags, which the walk sets before files() is asked for.
  let basenames: HeaderEntry | undefined;
  let dirnames: HeaderEntry | undefined;
  let dirindexes: HeaderEntry | undefined;
  let oldFilenames: HeaderEntry | undefined;
  const out: RpmHeader = { files: () => fileList(data, basenames, dirnames, dirindexes, oldFilenames) };
  for (let i = 0; i < il; i++) {
    const at = 8 + i * 16;
    const tag = blob.readInt32BE(at);
    const type = blob.readInt32BE(at + 4);
    const offset = blob.readInt32BE(at + 8);
    const count = blob.readInt32BE(at + 12);
    const isString = type === TYPE_STRING || type === TYPE_I18NSTRING || type === TYPE_STRING_ARRAY;
    switch (tag) {
      case RPMTAG.NAME:
        if (isString) out.name = str(offset);
        break;
      case RPMTAG.VERSION:
        if (isString) out.version = str(offset);
        break;
      case RPMTAG.RELEASE:
        if (isString) out.release = str(offset);
        break;
      case RPMTAG.LICENSE:
        if (isString) out.license = str(offset);
        break;
      case RPMTAG.ARCH:
        if (isString) out.arch = str(offset);
        break;
      case RPMTAG.SOURCERPM:
        if (isString) out.sourceRpm = str(offset);
        break;
      case RPMTAG.EPOCH:
        if (type === TYPE_INT32 && count >= 1 && offset >= 0 && offset + 4 <= data.length) out.epoch = data.readInt32BE(offset);
        break;
      case RPMTAG.BASENAMES:
        basenames = { type, offset, count };
        break;
      case RPMTAG.DIRNAMES:
        dirnames = { type, offset, count };
        break;
      case RPMTAG.DIRINDEXES:
        dirindexes = { type, offset, count };
        break;
      case RPMTAG.OLDFILENAMES:
        oldFilenames = { type, offset, count };
        break;
      default:
        break;
    }
  }
  return out;
}

function fileList(data: Buffer, basenames: HeaderEntry | undefined, dirnames: HeaderEntry | undefined, dirindexes: HeaderEntry | undefined, oldFilenames: HeaderEntry | undefined): string[] {
  const bases = stringArray(data, basenames);
  if (bases.length === 0) return stringArray(data, oldFilenames);
  const dirs = stringArray(data, dirnames);
  const indexes = int32Array(data, dirindexes);
  return bases.flatMap((base, i) => {
    const dir = dirs[indexes[i] ?? -1];
    return dir === undefined ? [] : [`${dir}${base}`];
  });
}

function stringArray(data: Buffer, e: HeaderEntry | undefined): string[] {
  if (!e || e.type !== TYPE_STRING_ARRAY || e.offset < 0 || e.count < 0) return [];
  const out: string[] = [];
  let at = e.offset;
  for (let i = 0; i < e.count && at < data.length; i++) {
    const end = data.indexOf(0, at);
    out.push(data.toString('utf8', at, end < 0 ? data.length : end));
    if (end < 0) break;
    at = end + 1;
  }
  return out;
}

function int32Array(data: Buffer, e: HeaderEntry | undefined): number[] {
  if (!e || e.type !== TYPE_INT32 || e.offset < 0 || e.count < 0) return [];
  const n = Math.min(e.count, Math.floor((data.length - e.offset) / 4));
  return Array.from({ length: Math.max(0, n) }, (_, i) => data.readInt32BE(e.offset + i * 4));
}

/** The source package name of a source rpm file name: `openssl-3.0.7-6.el9.src.rpm` → `openssl`. */
export function sourceRpmName(sourceRpm: string): string | undefined {
  const base = sourceRpm.replace(/\.(src|nosrc)\.rpm$/, '');
  const parts = base.split('-');
  if (parts.length < 3) return undefined;
  return parts.slice(0, -2).join('-');
}

/** Encodes a header blob (tests and fixtures): strings, string arrays and int32 values by tag. */
export function encodeRpmHeader(tags: Array<{ tag: number; value: string | number | string[] | number[] }>): Buffer {
  const index: Buffer[] = [];
  const store: Buffer[] = [];
  let size = 0;
  for (const { tag, value } of tags) {
    let type: number;
    let count: number;
    let bytes: Buffer;
    if (typeof value === 'number' || (Array.isArray(value) && typeof value[0] === 'number')) {
      // int32 values are 4-byte aligned in the store.
      const pad = (4 - (size % 4)) % 4;
      if (pad) {
        store.push(Buffer.alloc(pad));
        size += pad;
      }
      const ints = typeof value === 'number' ? [value] : (value as number[]);
      type = TYPE_INT32;
      count = ints.length;
      bytes = Buffer.alloc(4 * ints.length);
      ints.forEach((v, i) => bytes.writeInt32BE(v, i * 4));
    } else if (Array.isArray(value)) {
      type = TYPE_STRING_ARRAY;
      count = value.length;
      bytes = Buffer.concat((value as string[]).map((v) => Buffer.from(`${v}\0`, 'utf8')));
    } else {
      type = TYPE_STRING;
      count = 1;
      bytes = Buffer.from(`${value}\0`, 'utf8');
    }
    const entry = Buffer.alloc(16);
    entry.writeInt32BE(tag, 0);
    entry.writeInt32BE(type, 4);
    entry.writeInt32BE(size, 8);
    entry.writeInt32BE(count, 12);
    index.push(entry);
    store.push(bytes);
    size += bytes.length;
  }
  const pre = Buffer.alloc(8);
  pre.writeInt32BE(index.length, 0);
  pre.writeInt32BE(size, 4);
  return Buffer.concat([pre, ...index, ...store]);
}
