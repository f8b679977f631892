import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
