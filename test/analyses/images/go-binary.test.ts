import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { imageFilesFrom } from '../../../src/analyses/images/image-files.js';
import { goBinaryAnalyzer, packagesFromGoBinary } from '../../../src/analyses/images/packages/go-binary.js';
import { BUILDINFO_MAGIC, encodeGoBuildInfo, parseModInfo, readGoBuildInfo } from '../../../src/analyses/images/packages/go-buildinfo.js';

const START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const END = Buffer.from('f932433186182072008242104116d8f2', 'hex');
/** Module info framed by the binary sentinels the Go linker writes around it. */
const framed = (text: string): Buffer => Buffer.concat([START, Buffer.from(text, 'utf8'), END]);

const MODINFO = [
  'path\texample.com/cmd/server',
  'mod\texample.com/server\tv1.4.0\th1:abc=',
  'dep\tgithub.com/google/uuid\tv1.3.0\th1:x=',
  'dep\tgolang.org/x/net\tv0.10.0\th1:y=',
  '=>\tgolang.org/x/net\tv0.17.0\th1:z=',
  'dep\texample.com/local\tv0.0.0',
  '=>\t../local\t',
  'build\t-compiler=gc',
  '',
].join('\n');

/** A binary-like buffer: filler, the build info blob at a 16-byte boundary, more filler. */
function binaryWith(blob: Buffer): Buffer {
  return Buffer.concat([Buffer.alloc(4096, 0x90), blob, Buffer.alloc(2048, 0)]);
}

/** A minimal little-endian ELF64 whose one PT_LOAD maps the file at 0x400000, holding pre-1.18 pointer build info. */
function elfWithPointerBuildInfo(goVersion: string, modinfo: Buffer): Buffer {
  const buf = Buffer.alloc(0x1000);
  const base = 0x400000n;
  buf.writeUInt32BE(0x7f454c46, 0);
  buf[4] = 2; // ELFCLASS64
  buf[5] = 1; // little-endian
  buf.writeBigUInt64LE(64n, 0x20); // e_phoff
  buf.writeUInt16LE(56, 0x36); // e_phentsize
  buf.writeUInt16LE(1, 0x38); // e_phnum
  buf.writeUInt32LE(1, 64); // PT_LOAD
  buf.writeBigUInt64LE(0n, 64 + 8); // p_offset
  buf.writeBigUInt64LE(base, 64 + 16); // p_vaddr
  buf.writeBigUInt64LE(BigInt(buf.length), 64 + 32); // p_filesz
  BUILDINFO_MAGIC.copy(buf, 0x200);
  buf[0x200 + 14] = 8;
  buf[0x200 + 15] = 0;
  buf.writeBigUInt64LE(base + 0x300n, 0x210);
  buf.writeBigUInt64LE(base + 0x310n, 0x218);
  const v = Buffer.from(goVersion, 'latin1');
  const m = modinfo;
  buf.writeBigUInt64LE(base + 0x400n, 0x300);
  buf.writeBigUInt64LE(BigInt(v.length), 0x308);
  buf.writeBigUInt64LE(base + 0x500n, 0x310);
  buf.writeBigUInt64LE(BigInt(m.length), 0x318);
  v.copy(buf, 0x400);
  m.copy(buf, 0x500);
  return buf;
}

describe('Go build info', () => {
  it('reads the inline (Go >= 1.18) format: toolchain, main module, deps and replacements', () => {
    const info = readGoBuildInfo(binaryWith(encodeGoBuildInfo('go1.21.5 X:boringcrypto', framed(MODINFO))));
    expect(info).toEqual({
      goVersion: 'go1.21.5',
      main: { path: 'example.com/server', version: 'v1.4.0' },
      deps: [
        { path: 'github.com/google/uuid', version: 'v1.3.0' },
        { path: 'golang.org/x/net', version: 'v0.10.0', replace: { path: 'golang.org/x/net', version: 'v0.17.0' } },
        { path: 'example.com/local', version: 'v0.0.0', replace: { path: '../local' } },
      ],
    });
  });

  it('reads the pointer (Go < 1.18) format through the ELF program headers', () => {
    const info = readGoBuildInfo(elfWithPointerBuildInfo('go1.16.15', framed(MODINFO)));
    expect(info?.goVersion).toBe('go1.16.15');
    expect(info?.main).toEqual({ path: 'example.com/server', version: 'v1.4.0' });
    expect(info?.deps).toHaveLength(3);
  });

  it('skips a magic string that is not a build info header and finds the real one after it', () => {
    const decoy = Buffer.concat([BUILDINFO_MAGIC, Buffer.from([8, 0]), Buffer.alloc(16)]);
    const buf = Buffer.concat([decoy, Buffer.alloc(64), binaryWith(encodeGoBuildInfo('go1.22.0', framed(MODINFO)))]);
    expect(readGoBuildInfo(buf)?.goVersion).toBe('go1.22.0');
  });

  it.each([
    { name: 'no magic', buf: Buffer.alloc(8192, 0x41) },
    { name: 'a truncated header', buf: Buffer.concat([Buffer.alloc(100), BUILDINFO_MAGIC]) },
    { name: 'an inline length past the end', buf: Buffer.concat([encodeGoBuildInfo('go1.21.0', 'x').subarray(0, 32), Buffer.from([0xff, 0xff, 0x7f])]) },
  ])('finds nothing in $name', ({ buf }) => {
    expect(readGoBuildInfo(buf)).toBeUndefined();
  });

  it('reads module info without sentinels too', () => {
    expect(parseModInfo('mod\tm\tv1.0.0\n').main).toEqual({ path: 'm', version: 'v1.0.0' });
  });
});

describe('Go binary analyser', () => {
  it('lists stdlib, the main module and effective dependency versions without the v prefix', () => {
    const pkgs = packagesFromGoBinary(binaryWith(encodeGoBuildInfo('go1.21.5', framed(MODINFO))), 'usr/local/bin/server');
    expect(pkgs.map((p) => `${p.name}@${p.version} ${p.purl}`)).toEqual([
      'stdlib@1.21.5 pkg:golang/stdlib@v1.21.5',
      'example.com/server@1.4.0 pkg:golang/example.com/server@v1.4.0',
      'github.com/google/uuid@1.3.0 pkg:golang/github.com/google/uuid@v1.3.0',
      'golang.org/x/net@0.17.0 pkg:golang/golang.org/x/net@v0.17.0',
      'example.com/local@0.0.0 pkg:golang/example.com/local@v0.0.0',
    ]);
    expect(pkgs.every((p) => p.ecosystem === 'Go' && p.type === 'golang' && p.location === 'usr/local/bin/server')).toBe(true);
  });

  it('leaves out a main module built from a checkout ((devel))', () => {
    const pkgs = packagesFromGoBinary(binaryWith(encodeGoBuildInfo('go1.22.1', framed('mod\texample.com/x\t(devel)\t\n'))), 'x');
    expect(pkgs.map((p) => p.name)).toEqual(['stdlib']);
  });

  it('analyses the executables it is given', () => {
    const files = imageFilesFrom({ 'usr/bin/server': binaryWith(encodeGoBuildInfo('go1.21.5', framed(MODINFO))), 'usr/bin/tool': Buffer.alloc(2048) });
    expect(goBinaryAnalyzer.analyze(files, undefined, []).map((p) => p.location)).toEqual(Array(5).fill('usr/bin/server'));
  });

  it.skipIf(!existsSync('/usr/bin/umoci'))('reads the toolchain of a real Go binary on this machine (umoci)', () => {
    expect(readGoBuildInfo(readFileSync('/usr/bin/umoci'))?.goVersion).toMatch(/^go1\.\d+/);
  });

  it.each([
    { path: 'usr/bin/server', size: 10_000_000, mode: 0o755, wanted: true },
    { path: 'usr/bin/server', size: 10_000_000, mode: 0o644, wanted: false },
    { path: 'usr/bin/huge', size: 300 * 1024 * 1024, mode: 0o755, wanted: false },
    { path: 'usr/bin/tiny', size: 100_000, mode: 0o755, wanted: false },
    { path: 'usr/lib/libfoo.so.1', size: 100_000, mode: 0o755, wanted: false },
    { path: 'usr/bin/entrypoint.sh', size: 2000, mode: 0o755, wanted: false },
  ])('wants $path ($size bytes, mode $mode): $wanted', ({ path, size, mode, wanted }) => {
    expect(goBinaryAnalyzer.wants({ path, size, mode })).toBe(wanted);
  });
});
