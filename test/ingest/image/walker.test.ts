import { describe, expect, it } from 'vitest';
import { readImageFiles } from '../../../src/ingest/image/walker.js';
import type { FileRequest } from '../../../src/analyses/images/types.js';
import { sha256, tarOf } from './build.js';
import { gz, memorySource } from './memory-source.js';

const all = () => true;
const only = (...paths: string[]) => (f: FileRequest) => paths.includes(f.path);
const text = (b: Buffer | undefined) => b?.toString('utf8');

describe('readImageFiles: merging layers', () => {
  it('applies later layers over earlier ones and whiteouts remove files and directories', async () => {
    const base = await tarOf([
      { name: 'etc/' },
      { name: 'etc/keep', content: 'base' },
      { name: 'etc/gone', content: 'x' },
      { name: 'etc/replaced', content: 'old' },
      { name: 'var/lib/old/', type: 'directory' },
      { name: 'var/lib/old/a', content: 'a' },
    ]);
    const top = await tarOf([
      { name: 'etc/.wh.gone', content: '' },
      { name: 'etc/replaced', content: 'new' },
      { name: 'var/lib/.wh.old', content: '' },
    ]);
    const r = await readImageFiles(memorySource([gz(base), gz(top)]), all);
    expect(r.errors).toEqual([]);
    expect(r.complete).toBe(true);
    expect([...r.files.files.keys()].sort()).toEqual(['etc/keep', 'etc/replaced']);
    expect(text(r.files.get('etc/replaced'))).toBe('new');
    expect(r.stats.layers).toBe(2);
  });

  it('an opaque directory hides lower contents but keeps what its own layer writes, whatever the entry order', async () => {
    const base = await tarOf([
      { name: 'app/old.txt', content: 'old' },
      { name: 'app/sub/deep.txt', content: 'deep' },
      { name: 'other/stay.txt', content: 'stay' },
    ]);
    // The new file comes before the opaque marker in the tar: it must survive.
    const top = await tarOf([
      { name: 'app/new.txt', content: 'new' },
      { name: 'app/.wh..wh..opq', content: '' },
    ]);
    const r = await readImageFiles(memorySource([gz(base), gz(top)]), all);
    expect([...r.files.files.keys()].sort()).toEqual(['app/new.txt', 'other/stay.txt']);
  });

  it('a whiteout in one layer does not hide a file the same layer re-creates', async () => {
    const base = await tarOf([{ name: 'd/f', content: 'one' }, { name: 'd/g', content: 'lower' }]);
    const top = await tarOf([{ name: 'd/f', content: 'two' }, { name: '.wh.d', content: '' }]);
    const r = await readImageFiles(memorySource([gz(base), gz(top)]), all);
    expect([...r.files.files.keys()]).toEqual(['d/f']);
    expect(text(r.files.get('d/f'))).toBe('two');
  });

  it('reads plain (uncompressed) tar layers and normalises ./ and absolute names', async () => {
    const layer = await tarOf([{ name: './etc/hostname', content: 'h' }, { name: '/usr/bin/tool', content: 't', mode: 0o755 }]);
    const seen: FileRequest[] = [];
    const r = await readImageFiles(memorySource([layer]), (f) => (seen.push(f), true));
    expect([...r.files.files.keys()].sort()).toEqual(['etc/hostname', 'usr/bin/tool']);
    expect(seen.find((f) => f.path === 'usr/bin/tool')).toEqual({ path: 'usr/bin/tool', size: 1, mode: 0o755 });
  });

  it('keeps only wanted files and lists them under a prefix', async () => {
    const layer = await tarOf([
      { name: 'var/lib/dpkg/status.d/a', content: 'A' },
      { name: 'var/lib/dpkg/status.d/b', content: 'B' },
      { name: 'usr/share/big', content: 'x'.repeat(1000) },
    ]);
    const r = await readImageFiles(memorySource([gz(layer)]), (f) => f.path.startsWith('var/lib/dpkg/'));
    expect(r.files.under('var/lib/dpkg/status.d/')).toEqual(['var/lib/dpkg/status.d/a', 'var/lib/dpkg/status.d/b']);
    expect(r.files.under('var/lib/dpkg/status')).toEqual(['var/lib/dpkg/status.d/a', 'var/lib/dpkg/status.d/b']);
    expect(r.files.get('usr/share/big')).toBeUndefined();
    expect(r.stats.keptBytes).toBe(2);
  });
});

describe('readImageFiles: links', () => {
  it('resolves a wanted symlink (etc/os-release → ../usr/lib/os-release) to its target in the root', async () => {
    const layer = await tarOf([
      { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
      { name: 'usr/lib/os-release', content: 'ID=debian\n' },
    ]);
    const r = await readImageFiles(memorySource([gz(layer)]), only('etc/os-release'));
    expect(text(r.files.get('etc/os-release'))).toBe('ID=debian\n');
    expect(r.notes.filter((n) => n.includes('second time'))).toEqual([]);
  });

  it('resolves an absolute link whose target came in an earlier layer by reading that layer again', async () => {
    const base = await tarOf([{ name: 'usr/lib/os-release', content: 'ID=alpine\n' }]);
    const top = await tarOf([{ name: 'etc/os-release', type: 'symlink', linkname: '/usr/lib/os-release' }]);
    const r = await readImageFiles(memorySource([gz(base), gz(top)]), only('etc/os-release'));
    expect(text(r.files.get('etc/os-release'))).toBe('ID=alpine\n');
    expect(r.notes.some((n) => n.includes('layer 1/2') && n.includes('second time'))).toBe(true);
  });

  it('finds a kept file through a directory symlink (usr-merge lib → usr/lib) without listing it twice', async () => {
    const layer = await tarOf([
      { name: 'lib', type: 'symlink', linkname: 'usr/lib' },
      { name: 'usr/lib/apk/db/installed', content: 'P:musl\n' },
    ]);
    const r = await readImageFiles(memorySource([gz(layer)]), only('usr/lib/apk/db/installed'));
    expect(text(r.files.get('lib/apk/db/installed'))).toBe('P:musl\n');
    expect([...r.files.files.keys()]).toEqual(['usr/lib/apk/db/installed']);
    expect(r.files.under('lib/')).toEqual([]);
  });

  it('resolves a wanted link whose target path runs through a directory symlink', async () => {
    const layer = await tarOf([
      { name: 'usr/lib/os-release', content: 'ID=fedora\n' },
      { name: 'lib', type: 'symlink', linkname: 'usr/lib' },
      { name: 'etc/os-release', type: 'symlink', linkname: '../lib/os-release' },
    ]);
    const r = await readImageFiles(memorySource([gz(layer)]), only('etc/os-release'));
    expect(text(r.files.get('etc/os-release'))).toBe('ID=fedora\n');
  });

  it('gives a hard link the content of the file it names', async () => {
    const layer = await tarOf([
      { name: 'usr/bin/a', content: 'same bytes' },
      { name: 'usr/bin/b', type: 'link', linkname: 'usr/bin/a' },
    ]);
    const r = await readImageFiles(memorySource([gz(layer)]), all);
    expect(text(r.files.get('usr/bin/b'))).toBe('same bytes');
  });

  it('gives a wanted hard link the bytes of an unwanted earlier file by reading that layer again', async () => {
    const base = await tarOf([{ name: 'usr/bin/real', content: 'payload' }]);
    const top = await tarOf([{ name: 'usr/bin/alias', type: 'link', linkname: 'usr/bin/real' }]);
    const r = await readImageFiles(memorySource([gz(base), gz(top)]), only('usr/bin/alias'));
    expect(text(r.files.get('usr/bin/alias'))).toBe('payload');
    expect([...r.files.files.keys()]).toEqual(['usr/bin/alias']);
  });

  it('drops a wanted link that a later layer whites out', async () => {
    const base = await tarOf([
      { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
      { name: 'usr/lib/os-release', content: 'ID=debian\n' },
    ]);
    const top = await tarOf([{ name: 'etc/.wh.os-release', content: '' }]);
    const r = await readImageFiles(memorySource([gz(base), gz(top)]), only('etc/os-release'));
    expect(r.files.files.size).toBe(0);
  });

  it('refuses a symlink that climbs out of the root and names the image', async () => {
    const layer = await tarOf([{ name: 'etc/os-release', type: 'symlink', linkname: '../../../../host/etc/shadow' }]);
    const r = await readImageFiles(memorySource([gz(layer)], { ref: 'evil/image:1' }), only('etc/os-release'));
    expect(r.files.get('etc/os-release')).toBeUndefined();
    expect(r.notes.some((n) => n.startsWith('evil/image:1: etc/os-release') && n.includes('outside the image root'))).toBe(true);
  });

  it('stops at symlink loops', async () => {
    const layer = await tarOf([
      { name: 'a', type: 'symlink', linkname: 'b' },
      { name: 'b', type: 'symlink', linkname: 'a' },
    ]);
    const r = await readImageFiles(memorySource([gz(layer)]), only('a'));
    expect(r.files.files.size).toBe(0);
    expect(r.notes.some((n) => n.includes('more than 40 symlinks'))).toBe(true);
  });
});

describe('readImageFiles: hostile layers', () => {
  it('skips entries whose names climb out of the root, with a note naming image and layer', async () => {
    const layer = await tarOf([{ name: '../../etc/passwd', content: 'root' }, { name: 'ok', content: 'fine' }]);
    const blob = gz(layer);
    const r = await readImageFiles(memorySource([blob], { ref: 'evil/image:1' }), all);
    expect([...r.files.files.keys()]).toEqual(['ok']);
    expect(r.notes).toContain(`evil/image:1: layer 1/1 (${sha256(blob).slice(0, 19)}): entry "../../etc/passwd" climbs out of the image root; skipped`);
  });

  it('refuses a decompression bomb by ratio', async () => {
    const layer = await tarOf([{ name: 'zeros', content: Buffer.alloc(4 * 1024 * 1024) }]);
    const r = await readImageFiles(memorySource([gz(layer)]), all, { ratioCheckAfterBytes: 1024 * 1024, maxCompressionRatio: 50 });
    expect(r.complete).toBe(false);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^test\/image:1: layer 1\/1 \(sha256:[0-9a-f]{12}\): .*decompression bomb/);
  });

  it('refuses an image whose layers expand past the total byte cap', async () => {
    const a = await tarOf([{ name: 'a', content: Buffer.alloc(300_000, 1) }]);
    const b = await tarOf([{ name: 'b', content: Buffer.alloc(300_000, 2) }]);
    const r = await readImageFiles(memorySource([gz(a), gz(b)]), all, { maxUncompressedBytes: 500_000 });
    expect(r.complete).toBe(false);
    expect(r.stats.layers).toBe(1);
    expect(r.errors[0]).toMatch(/layer 2\/2 .*past 500000 uncompressed bytes/);
  });

  it('skips an oversized wanted file with a note and keeps the rest', async () => {
    const layer = await tarOf([{ name: 'big', content: Buffer.alloc(5000) }, { name: 'small', content: 's' }]);
    const r = await readImageFiles(memorySource([gz(layer)]), all, { maxFileBytes: 1000 });
    expect([...r.files.files.keys()]).toEqual(['small']);
    expect(r.notes.some((n) => n.includes('big is 5000 bytes, over the 1000-byte limit'))).toBe(true);
  });

  it('stops at the entry cap', async () => {
    const layer = await tarOf(Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, content: 'x' })));
    const r = await readImageFiles(memorySource([gz(layer)]), all, { maxEntries: 10 });
    expect(r.complete).toBe(false);
    expect(r.errors[0]).toMatch(/more than 10 entries/);
  });

  it('ignores device files and fifos', async () => {
    const layer = await tarOf([
      { name: 'dev/null', type: 'character-device' },
      { name: 'run/pipe', type: 'fifo' },
      { name: 'etc/x', content: 'x' },
    ]);
    const r = await readImageFiles(memorySource([gz(layer)]), all);
    expect([...r.files.files.keys()]).toEqual(['etc/x']);
    expect(r.notes).toContain('test/image:1: 2 device and fifo entries ignored');
  });

  it('fails a layer whose bytes do not match its digest, naming the blob', async () => {
    const layer = gz(await tarOf([{ name: 'a', content: 'a' }]));
    const claimed = sha256('something else');
    const r = await readImageFiles(memorySource([layer], { digests: [claimed] }), all);
    expect(r.complete).toBe(false);
    expect(r.errors[0]).toContain(`blob ${claimed} does not match its digest`);
  });

  it('reports a corrupt gzip layer', async () => {
    const blob = gz(await tarOf([{ name: 'a', content: 'a'.repeat(10000) }]));
    const broken = Buffer.concat([blob.subarray(0, 20), Buffer.alloc(200, 7)]);
    const r = await readImageFiles(memorySource([broken]), all);
    expect(r.complete).toBe(false);
    expect(r.errors[0]).toMatch(/test\/image:1: layer 1\/1 .*corrupt layer/);
  });

  it('says clearly when zstd cannot be decompressed on this Node.js', async () => {
    const zstdMagic = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]);
    const r = await readImageFiles(memorySource([zstdMagic]), all);
    const z = (await import('node:zlib')) as unknown as { createZstdDecompress?: unknown };
    if (z.createZstdDecompress) expect(r.errors[0]).toMatch(/layer 1\/1/);
    else expect(r.errors[0]).toMatch(/zstd-compressed and this Node\.js .* cannot decompress zstd/);
  });

  it('treats a throwing file selector as "not wanted" and notes it once', async () => {
    const layer = await tarOf([{ name: 'a', content: 'a' }, { name: 'b', content: 'b' }]);
    const r = await readImageFiles(memorySource([gz(layer)]), () => {
      throw new Error('boom');
    });
    expect(r.files.files.size).toBe(0);
    expect(r.notes.filter((n) => n.includes('file selector failed'))).toHaveLength(1);
  });
});
