import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ZIP_LIMITS, readZip, ZipError, type ZipEntry } from '../../src/core/zip.js';
import { tempDir } from '../helpers/osv-fixtures.js';
import { buildZip } from '../helpers/zip-writer.js';

function zipFile(buf: Buffer): string {
  const file = join(tempDir(), 'all.zip');
  writeFileSync(file, buf);
  return file;
}

function texts(entries: ZipEntry[]): Array<[string, string]> {
  return entries.map((e) => [e.name, 'error' in e ? `ERROR ${e.error}` : e.data.toString()]);
}

describe('readZip', () => {
  it('reads stored and deflated entries and skips directories', () => {
    const file = zipFile(buildZip([{ name: 'dir/', data: '', method: 'store' }, { name: 'a.json', data: '{"a":1}', method: 'store' }, { name: 'b.json', data: '{"b":2}' }]));
    expect(texts([...readZip(file)])).toEqual([
      ['a.json', '{"a":1}'],
      ['b.json', '{"b":2}'],
    ]);
  });

  it('reads zip64 end records and extra fields', () => {
    const file = zipFile(buildZip([{ name: 'a.json', data: 'x'.repeat(1000) }, { name: 'b.json', data: 'y' }], { zip64: true }));
    expect(texts([...readZip(file)])).toEqual([
      ['a.json', 'x'.repeat(1000)],
      ['b.json', 'y'],
    ]);
  });

  it('reads an archive held in memory as it reads a file (Java archives inside images)', () => {
    const zip = buildZip([{ name: 'META-INF/MANIFEST.MF', data: 'Manifest-Version: 1.0\n' }, { name: 'lib/inner.jar', data: 'z'.repeat(5000), method: 'store' }], { zip64: true });
    expect(texts([...readZip(zip)])).toEqual(texts([...readZip(zipFile(zip))]));
    expect(texts([...readZip(zip, (n) => n.endsWith('.jar'), { ...DEFAULT_ZIP_LIMITS, maxEntryBytes: 1000 })])).toEqual([['lib/inner.jar', 'ERROR entry of 5000 bytes is over the 1000-byte limit']]);
  });

  it('filters entries by name', () => {
    const file = zipFile(buildZip([{ name: 'a.json', data: '1' }, { name: 'README', data: '2' }]));
    expect([...readZip(file, (n) => n.endsWith('.json'))].map((e) => e.name)).toEqual(['a.json']);
  });

  it('refuses encrypted entries and unknown compression methods, and goes on', () => {
    const file = zipFile(buildZip([{ name: 'enc.json', data: 'x', encrypted: true }, { name: 'bz.json', data: 'x', methodNumber: 12 }, { name: 'ok.json', data: 'ok' }]));
    expect(texts([...readZip(file)])).toEqual([
      ['enc.json', 'ERROR encrypted entries are not supported'],
      ['bz.json', 'ERROR compression method 12 is not supported (only stored and deflate)'],
      ['ok.json', 'ok'],
    ]);
  });

  it('refuses an entry over the size limit', () => {
    const file = zipFile(buildZip([{ name: 'big.json', data: Buffer.alloc(5000, 0x20) }, { name: 'ok.json', data: 'ok' }]));
    const out = texts([...readZip(file, undefined, { ...DEFAULT_ZIP_LIMITS, maxEntryBytes: 4096 })]);
    expect(out[0]).toEqual(['big.json', 'ERROR entry of 5000 bytes is over the 4096-byte limit']);
    expect(out[1]).toEqual(['ok.json', 'ok']);
  });

  it('refuses a zip bomb by its compression ratio', () => {
    const file = zipFile(buildZip([{ name: 'bomb.json', data: Buffer.alloc(8 << 20) }]));
    expect(texts([...readZip(file)])).toEqual([['bomb.json', 'ERROR compression ratio over 200:1 (zip bomb?)']]);
  });

  it('bounds inflation when the declared size lies', () => {
    const file = zipFile(buildZip([{ name: 'liar.json', data: Buffer.alloc(100_000, 0x61), declaredSize: 10 }]));
    const [entry] = [...readZip(file)];
    expect(entry && 'error' in entry ? entry.error : '').toMatch(/^cannot inflate/);
  });

  it('refuses an entry whose compressed size is implausible for its declared size', () => {
    const noise = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251));
    const file = zipFile(buildZip([{ name: 'big.json', data: noise, method: 'store', declaredSize: 10 }]));
    expect(texts([...readZip(file)])).toEqual([['big.json', 'ERROR compressed size 5000 is implausible for 10 bytes']]);
  });

  it('stops an archive whose total expands over the cap', () => {
    const file = zipFile(buildZip([{ name: 'a.json', data: Buffer.alloc(3000, 0x61) }, { name: 'b.json', data: Buffer.alloc(3000, 0x62) }]));
    const gen = readZip(file, undefined, { ...DEFAULT_ZIP_LIMITS, maxTotalBytes: 5000 });
    expect(gen.next().value).toMatchObject({ name: 'a.json' });
    expect(() => gen.next()).toThrow(/expands to over 5000 bytes/);
  });

  it('refuses files that are not zip archives, and truncated ones', () => {
    expect(() => [...readZip(zipFile(Buffer.from('{"id": "not a zip"}')))]).toThrow(ZipError);
    const whole = buildZip([{ name: 'a.json', data: 'x'.repeat(500) }]);
    expect(() => [...readZip(zipFile(whole.subarray(0, whole.length - 30)))]).toThrow(/no end-of-central-directory record/);
  });

  it('refuses an archive with bytes missing from the middle', () => {
    const body = deflateRawSync(Buffer.alloc(2000, 0x61));
    const whole = buildZip([{ name: 'a.json', data: Buffer.alloc(2000, 0x61) }]);
    // Move the central directory so it points past the data that remains: remove bytes from the middle of the entry data.
    const cut = Buffer.concat([whole.subarray(0, 30 + 6 + Math.floor(body.length / 2)), whole.subarray(30 + 6 + body.length)]);
    expect(() => [...readZip(zipFile(cut))]).toThrow(/outside the file|corrupt/);
  });
});
