/**
 * Finds the members of an uncompressed tar file (a `docker save` archive or an OCI layout tar) by reading
 * only their 512-byte headers, so a blob inside is opened later as a byte range without unpacking anything.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { ImageError } from './source.js';

export interface TarMember {
  offset: number;
  size: number;
  /** `0` file, `1` hard link, `2` symlink, `5` directory, ... */
  type: string;
  linkname: string;
}

const BLOCK = 512;

function field(buf: Buffer, start: number, length: number): string {
  const slice = buf.subarray(start, start + length);
  const end = slice.indexOf(0);
  return slice.subarray(0, end < 0 ? slice.length : end).toString('utf8');
}

function octal(buf: Buffer, start: number, length: number): number {
  const first = buf[start] ?? 0;
  if (first & 0x80) {
    // GNU base-256 for sizes over 8 GiB.
    let value = 0;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + (buf[i] ?? 0);
    return value;
  }
  const text = field(buf, start, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function paxPath(data: Buffer): { path?: string; linkpath?: string; size?: number } {
  const out: { path?: string; linkpath?: string; size?: number } = {};
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space < 0) break;
    const len = parseInt(data.subarray(pos, space).toString('ascii'), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const record = data.subarray(space + 1, pos + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    const key = record.slice(0, eq);
    const value = record.slice(eq + 1);
    if (key === 'path') out.path = value;
    else if (key === 'linkpath') out.linkpath = value;
    else if (key === 'size') out.size = Number(value);
    pos += len;
  }
  return out;
}

/** Member name → position, names normalised (no leading `./` or `/`). Later duplicates win, as tar extraction would. */
export async function indexTar(path: string, maxMembers = 100_000): Promise<Map<string, TarMember>> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw new ImageError(`${path}: cannot open (${(e as Error).message})`);
  }
  try {
    const members = new Map<string, TarMember>();
    const { size: fileSize } = await fh.stat();
    const header = Buffer.alloc(BLOCK);
    let offset = 0;
    let longName: string | undefined;
    let longLink: string | undefined;
    let pax: { path?: string; linkpath?: string; size?: number } = {};
    while (offset + BLOCK <= fileSize) {
      await fh.read(header, 0, BLOCK, offset);
      if (offset === 0 && header[0] === 0x1f && header[1] === 0x8b) {
        throw new ImageError(`${path}: the archive is gzip-compressed; decompress it first (gunzip) so its blobs can be read in place`);
      }
      if (header.every((b) => b === 0)) break;
      const magic = field(header, 257, 6);
      if (offset === 0 && !magic.startsWith('ustar')) {
        // Old v7 tars have no magic; accept them only if the checksum adds up.
        const stored = octal(header, 148, 8);
        let sum = 0;
        for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] ?? 0);
        if (sum !== stored) throw new ImageError(`${path}: not a tar archive`);
      }
      const type = String.fromCharCode(header[156] || 0x30);
      let size = octal(header, 124, 12);
      if (pax.size !== undefined) size = pax.size;
      const dataOffset = offset + BLOCK;
      if (dataOffset + size > fileSize) throw new ImageError(`${path}: truncated tar archive (member at byte ${offset} runs past the end)`);
      const next = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
      if (type === 'L' || type === 'K' || type === 'x') {
        if (size > 1024 * 1024) throw new ImageError(`${path}: tar extended header at byte ${offset} is implausibly large`);
        const data = Buffer.alloc(size);
        await fh.read(data, 0, size, dataOffset);
        if (type === 'L') longName = field(data, 0, size);
        else if (type === 'K') longLink = field(data, 0, size);
        else pax = paxPath(data);
        offset = next;
        continue;
      }
      if (type === 'g') {
        offset = next;
        continue;
      }
      // Only POSIX ustar (magic "ustar\0") has a name prefix there; GNU tar ("ustar ") keeps other fields in it.
      const prefix = magic === 'ustar' ? field(header, 345, 155) : '';
      const rawName = pax.path ?? longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
      const linkname = pax.linkpath ?? longLink ?? field(header, 157, 100);
      const name = rawName.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
      members.set(name, { offset: dataOffset, size, type, linkname });
      if (members.size > maxMembers) throw new ImageError(`${path}: more than ${maxMembers} members; refusing to index`);
      longName = longLink = undefined;
      pax = {};
      offset = next;
    }
    return members;
  } finally {
    await fh.close();
  }
}
