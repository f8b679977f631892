import { crc32, deflateRawSync } from 'node:zlib';

/** One entry of a test archive. The overrides let tests build archives that lie or use features the reader refuses. */
export interface ZipSpec {
  name: string;
  data: Buffer | string;
  method?: 'store' | 'deflate';
  /** Sets the "encrypted" flag (the data is left as is). */
  encrypted?: boolean;
  /** Compression method number written instead of the real one. */
  methodNumber?: number;
  /** Uncompressed size written instead of the real one. */
  declaredSize?: number;
}

/**
 * Builds a zip archive in memory: local headers, data, central directory, end record. With
 * `zip64`, sizes and offsets go to zip64 extra fields and the end records are zip64 ones, as
 * large exports are written.
 */
export function buildZip(entries: readonly ZipSpec[], opts: { zip64?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const raw = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data);
    const deflate = (e.method ?? 'deflate') === 'deflate';
    const body = deflate ? deflateRawSync(raw) : raw;
    const method = e.methodNumber ?? (deflate ? 8 : 0);
    const size = e.declaredSize ?? raw.length;
    const name = Buffer.from(e.name);
    const flags = 0x800 | (e.encrypted ? 1 : 0);
    const crc = crc32(raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(opts.zip64 ? 45 : 20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(opts.zip64 ? 0xffffffff : body.length, 18);
    local.writeUInt32LE(opts.zip64 ? 0xffffffff : size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    parts.push(local, name, body);
    let extra = Buffer.alloc(0);
    if (opts.zip64) {
      extra = Buffer.alloc(4 + 24);
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(24, 2);
      extra.writeBigUInt64LE(BigInt(size), 4);
      extra.writeBigUInt64LE(BigInt(body.length), 12);
      extra.writeBigUInt64LE(BigInt(offset), 20);
    }
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(opts.zip64 ? 45 : 20, 4);
    cd.writeUInt16LE(opts.zip64 ? 45 : 20, 6);
    cd.writeUInt16LE(flags, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(opts.zip64 ? 0xffffffff : body.length, 20);
    cd.writeUInt32LE(opts.zip64 ? 0xffffffff : size, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt16LE(extra.length, 30);
    cd.writeUInt32LE(opts.zip64 ? 0xffffffff : offset, 42);
    central.push(cd, name, extra);
    offset += local.length + name.length + body.length;
  }
  const cdBuf = Buffer.concat(central);
  const tail: Buffer[] = [];
  if (opts.zip64) {
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(0x06064b50, 0);
    rec.writeBigUInt64LE(44n, 4);
    rec.writeUInt16LE(45, 12);
    rec.writeUInt16LE(45, 14);
    rec.writeBigUInt64LE(BigInt(entries.length), 24);
    rec.writeBigUInt64LE(BigInt(entries.length), 32);
    rec.writeBigUInt64LE(BigInt(cdBuf.length), 40);
    rec.writeBigUInt64LE(BigInt(offset), 48);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeBigUInt64LE(BigInt(offset + cdBuf.length), 8);
    loc.writeUInt32LE(1, 16);
    tail.push(rec, loc);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(opts.zip64 ? 0xffff : entries.length, 8);
  end.writeUInt16LE(opts.zip64 ? 0xffff : entries.length, 10);
  end.writeUInt32LE(opts.zip64 ? 0xffffffff : cdBuf.length, 12);
  end.writeUInt32LE(opts.zip64 ? 0xffffffff : offset, 16);
  return Buffer.concat([...parts, cdBuf, ...tail, end]);
}
