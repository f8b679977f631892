/**
 * The build information the Go linker embeds in every binary (Go ≥ 1.13): a 32-byte header starting with
 * `\xff Go buildinf:`, then the toolchain version and the module information. Go ≥ 1.18 writes both as
 * varint-length strings right after the header (flag bit 2); older toolchains write two pointers to Go
 * string headers, which need the ELF program headers to turn into file offsets.
 */

export const BUILDINFO_MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER_SIZE = 32;
const FLAG_BIG_ENDIAN = 0x1;
const FLAG_INLINE = 0x2;
/** Module info is framed by these 16-byte sentinels (cmd/go's modload infoStart/infoEnd). */
const SENTINEL_LEN = 16;
const MAX_STRING = 16 * 1024 * 1024;

export interface GoModule {
  path: string;
  version: string;
  replace?: { path: string; version?: string };
}

export interface GoBuildInfo {
  /** Toolchain version as written, e.g. `go1.21.5` (experiment suffixes dropped). */
  goVersion: string;
  main?: GoModule;
  deps: GoModule[];
}

function readUvarint(buf: Buffer, at: number): { value: number; next: number } | undefined {
  let value = 0;
  let shift = 0;
  for (let i = at; i < buf.length && i < at + 10; i++) {
    const b = buf[i] ?? 0;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return { value, next: i + 1 };
    shift += 7;
  }
  return undefined;
}

function inlineStrings(buf: Buffer, at: number): [Buffer, Buffer] | undefined {
  const out: Buffer[] = [];
  let pos = at;
  for (let i = 0; i < 2; i++) {
    const len = readUvarint(buf, pos);
    if (!len || len.value > MAX_STRING || len.next + len.value > buf.length) return undefined;
    out.push(buf.subarray(len.next, len.next + len.value));
    pos = len.next + len.value;
  }
  return out.length === 2 ? [out[0] as Buffer, out[1] as Buffer] : undefined;
}

/** File offset of a virtual address in an ELF binary's loadable segments. */
function elfMapper(buf: Buffer): ((addr: bigint) => number | undefined) | undefined {
  if (buf.length < 52 || buf.readUInt32BE(0) !== 0x7f454c46) return undefined;
  const is64 = buf[4] === 2;
  const le = buf[5] === 1;
  const u16 = (o: number): number => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number): number => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const uptr = (o: number): bigint => (is64 ? (le ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o)) : BigInt(u32(o)));
  const phoff = Number(is64 ? uptr(0x20) : BigInt(u32(0x1c)));
  const phentsize = u16(is64 ? 0x36 : 0x2a);
  const phnum = u16(is64 ? 0x38 : 0x2c);
  const segs: Array<{ vaddr: bigint; offset: bigint; filesz: bigint }> = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + (is64 ? 56 : 32) > buf.length) break;
    if (u32(at) !== 1) continue; // PT_LOAD
    if (is64) segs.push({ offset: uptr(at + 8), vaddr: uptr(at + 16), filesz: uptr(at + 32) });
    else segs.push({ offset: BigInt(u32(at + 4)), vaddr: BigInt(u32(at + 8)), filesz: BigInt(u32(at + 16)) });
  }
  return (addr) => {
    for (const s of segs) {
      if (addr >= s.vaddr && addr < s.vaddr + s.filesz) return Number(s.offset + (addr - s.vaddr));
    }
    return undefined;
  };
}

/** The pre-1.18 layout: two pointers to Go string headers {data pointer, length}. */
function pointerStrings(buf: Buffer, at: number, ptrSize: number, bigEndian: boolean): [Buffer, Buffer] | undefined {
  const map = elfMapper(buf);
  if (!map) return undefined;
  const readPtr = (off: number): bigint | undefined => {
    if (off < 0 || off + ptrSize > buf.length) return undefined;
    if (ptrSize === 8) return bigEndian ? buf.readBigUInt64BE(off) : buf.readBigUInt64LE(off);
    return BigInt(bigEndian ? buf.readUInt32BE(off) : buf.readUInt32LE(off));
  };
  const readString = (headerAddr: bigint | undefined): Buffer | undefined => {
    if (headerAddr === undefined) return undefined;
    const hdr = map(headerAddr);
    if (hdr === undefined) return undefined;
    const dataAddr = readPtr(hdr);
    const len = readPtr(hdr + ptrSize);
    if (dataAddr === undefined || len === undefined || len > BigInt(MAX_STRING)) return undefined;
    const data = map(dataAddr);
    if (data === undefined || data + Number(len) > buf.length) return undefined;
    return buf.subarray(data, data + Number(len));
  };
  const version = readString(readPtr(at + 16));
  const mod = readString(readPtr(at + 16 + ptrSize));
  return version === undefined || mod === undefined ? undefined : [version, mod];
}

/** Module lines of the module info: `path`, `mod`, `dep` and `=>` (replaces the line before it). */
export function parseModInfo(modinfo: Buffer | string): { main?: GoModule; deps: GoModule[] } {
  let bytes = typeof modinfo === 'string' ? Buffer.from(modinfo, 'utf8') : modinfo;
  // Framed by 16-byte binary sentinels when it is at least 33 bytes and its last newline sits before the end one.
  if (bytes.length >= 2 * SENTINEL_LEN + 1 && bytes[bytes.length - SENTINEL_LEN - 1] === 0x0a) {
    bytes = bytes.subarray(SENTINEL_LEN, bytes.length - SENTINEL_LEN);
  }
  const text = bytes.toString('utf8');
  let main: GoModule | undefined;
  const deps: GoModule[] = [];
  let last: GoModule | undefined;
  for (const line of text.split('\n')) {
    const f = line.split('\t');
    if (f[0] === 'mod' && f[1]) {
      main = { path: f[1], version: f[2] ?? '' };
      last = main;
    } else if (f[0] === 'dep' && f[1]) {
      last = { path: f[1], version: f[2] ?? '' };
      deps.push(last);
    } else if (f[0] === '=>' && f[1] && last) {
      last.replace = f[2] ? { path: f[1], version: f[2] } : { path: f[1] };
    }
  }
  return main ? { main, deps } : { deps };
}

/** The build info of a Go binary, or undefined when the buffer carries none. */
export function readGoBuildInfo(buf: Buffer): GoBuildInfo | undefined {
  let at = buf.indexOf(BUILDINFO_MAGIC);
  // The magic text can also sit in rodata of binaries that link debug/buildinfo: try every occurrence.
  while (at >= 0) {
    if (at + HEADER_SIZE <= buf.length) {
      const ptrSize = buf[at + 14] ?? 0;
      const flags = buf[at + 15] ?? 0;
      let strings: [Buffer, Buffer] | undefined;
      if (flags & FLAG_INLINE) strings = inlineStrings(buf, at + HEADER_SIZE);
      else if (ptrSize === 4 || ptrSize === 8) strings = pointerStrings(buf, at, ptrSize, (flags & FLAG_BIG_ENDIAN) !== 0);
      const version = strings?.[0].toString('utf8');
      if (strings && version?.startsWith('go')) {
        const goVersion = version.split(/\s+/)[0] ?? version;
        return { goVersion, ...parseModInfo(strings[1]) };
      }
    }
    at = buf.indexOf(BUILDINFO_MAGIC, at + 1);
  }
  return undefined;
}

/** Encodes a Go ≥ 1.18 build info blob (header + inline strings), for tests and fixtures. */
export function encodeGoBuildInfo(goVersion: string, modinfo: Buffer | string): Buffer {
  const header = Buffer.alloc(HEADER_SIZE);
  BUILDINFO_MAGIC.copy(header, 0);
  header[14] = 8;
  header[15] = FLAG_INLINE;
  const varint = (n: number): Buffer => {
    const bytes: number[] = [];
    let v = n;
    while (v >= 0x80) {
      bytes.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    bytes.push(v);
    return Buffer.from(bytes);
  };
  const v = Buffer.from(goVersion, 'utf8');
  const m = typeof modinfo === 'string' ? Buffer.from(modinfo, 'utf8') : modinfo;
  return Buffer.concat([header, varint(v.length), v, varint(m.length), m]);
}
