import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestPaths } from '../../src/ingest/files.js';

const pod = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers: [{name: c, image: x}]\n`;

const dir = mkdtempSync(join(tmpdir(), 'palisade-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ingestPaths over a directory', () => {
  mkdirSync(join(dir, 'k8s/base'), { recursive: true });
  writeFileSync(join(dir, 'k8s/base/web.yaml'), pod('web'));
  writeFileSync(join(dir, 'k8s/notes.txt'), 'not a manifest');
  symlinkSync(join(dir, 'k8s/base/web.yaml'), join(dir, 'k8s/linked.yaml'));
  symlinkSync(join(dir, 'gone.yaml'), join(dir, 'k8s/dangling.yaml'));
  symlinkSync(join(dir, 'gone.txt'), join(dir, 'k8s/dangling.txt'));
  symlinkSync(join(dir, 'k8s'), join(dir, 'k8s/base/loop'));
  symlinkSync(join(dir, 'k8s/self.yml'), join(dir, 'k8s/self.yml'));

  it('reads linked manifests, follows directory links once, and names each link it cannot read', async () => {
    const r = await ingestPaths([join(dir, 'k8s')], { parsePool: false });
    expect(r.resources.map((x) => [x.name, x.source.file])).toEqual([
      ['web', join(dir, 'k8s/base/web.yaml')],
      ['web', join(dir, 'k8s/linked.yaml')],
    ]);
    // A dangling link to a manifest is an input error, as the file named directly would be; one to a
    // file Palisade does not read is not.
    expect(r.errors).toEqual([
      { source: join(dir, 'k8s/dangling.yaml'), message: 'cannot read: no such file or directory' },
      { source: join(dir, 'k8s/self.yml'), message: 'cannot read: too many levels of symbolic links' },
    ]);
  });
});

describe('ingestPaths over a directory reached both through a link and for real', () => {
  it('names the files by their real path, whichever the sorted walk meets first', async () => {
    const tree = join(dir, 'tree');
    mkdirSync(join(tree, 'sub'), { recursive: true });
    mkdirSync(join(tree, 'loop'));
    writeFileSync(join(tree, 'sub/a.yaml'), pod('a'));
    // `loop` sorts before `sub`: its link to ../sub used to win.
    symlinkSync(join(tree, 'sub'), join(tree, 'loop/sub2'));
    const r = await ingestPaths([tree], { parsePool: false });
    expect(r.resources.map((x) => x.source.file)).toEqual([join(tree, 'sub/a.yaml')]);
  });
});

describe('ingestPaths and text encodings', () => {
  it('refuses a file that is not UTF-8, naming the line of the first bad byte, and reads the others', async () => {
    const enc = join(dir, 'enc');
    mkdirSync(enc);
    // `image: ng\xff\xfeinx` on line 6: decoded as it is, the reference would silently become `ng��inx`.
    const [head, tail] = pod('a').split('x}]');
    const bytes = Buffer.concat([Buffer.from(`${head}ng`), Buffer.from([0xff, 0xfe]), Buffer.from(`inx}]${tail}`)]);
    writeFileSync(join(enc, 'latin1.yaml'), bytes);
    // A lone continuation byte, an overlong and a surrogate are not UTF-8 either; é is.
    writeFileSync(join(enc, 'overlong.yaml'), Buffer.concat([Buffer.from('apiVersion: v1\nkind: Pod\nmetadata: {name: é}\n# '), Buffer.from([0xc0, 0xaf]), Buffer.from('\n')]));
    writeFileSync(join(enc, 'surrogate.yaml'), Buffer.concat([Buffer.from('# '), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(`\n${pod('s')}`)]));
    writeFileSync(join(enc, 'ok.yaml'), pod('é'));
    const r = await ingestPaths([enc], { parsePool: false });
    expect(r.resources.map((x) => x.name)).toEqual(['é']);
    expect(r.errors).toEqual([
      { source: join(enc, 'latin1.yaml'), line: 6, message: 'invalid UTF-8: save the file as UTF-8' },
      { source: join(enc, 'overlong.yaml'), line: 4, message: 'invalid UTF-8: save the file as UTF-8' },
      { source: join(enc, 'surrogate.yaml'), line: 1, message: 'invalid UTF-8: save the file as UTF-8' },
    ]);
  });

  it('leaves UTF-16 and binary files to be refused by name', async () => {
    const enc = join(dir, 'enc16');
    mkdirSync(enc);
    writeFileSync(join(enc, 'utf16.yaml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(pod('w'), 'utf16le')]));
    writeFileSync(join(enc, 'binary.yaml'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0xff, 0xfe]));
    const r = await ingestPaths([enc], { parsePool: false });
    expect(r.errors.map((e) => e.message)).toEqual(['binary file refused (not YAML or JSON)', 'UTF-16 text refused: save the file as UTF-8']);
  });
});

describe('a pipe named on the command line (scan <(helm template ...))', () => {
  const pipeDir = mkdtempSync(join(tmpdir(), 'palisade-fifo-'));
  afterAll(() => rmSync(pipeDir, { recursive: true, force: true }));

  const fifo = (name: string, text: string): string => {
    const path = join(pipeDir, name);
    execFileSync('mkfifo', [path]);
    // Opening a pipe to write waits for its reader: the write goes on while the scan reads.
    const writer = createWriteStream(path);
    // The reader may stop before the end (the limit): the rest has nowhere to go.
    writer.on('error', () => undefined);
    writer.end(text);
    return path;
  };

  it('is read like standard input', async () => {
    const path = fifo('manifests', 'apiVersion: v1\nkind: Pod\nmetadata: {name: piped}\nspec: {containers: [{name: c, image: nginx}]}\n');
    const r = await ingestPaths([path], { parsePool: false });
    expect(r.errors).toEqual([]);
    expect(r.resources.map((x) => x.name)).toEqual(['piped']);
  });

  it('is read up to the file limit and no further, since a pipe tells no size', async () => {
    const path = fifo('endless', `# ${'x'.repeat(5000)}\n`);
    const r = await ingestPaths([path], { parsePool: false, limits: { maxFileBytes: 1000 } });
    expect(r.errors).toEqual([{ source: path, message: 'input refused: over the 1000-byte limit' }]);
  });
});
