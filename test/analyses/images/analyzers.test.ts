import { describe, expect, it } from 'vitest';
import { imageFilesFrom } from '../../../src/analyses/images/image-files.js';
import { analyzeImagePackages, PACKAGE_ANALYZERS, wantsImageFile } from '../../../src/analyses/images/packages/index.js';
import { MAX_PACKAGE_DB_BYTES } from '../../../src/analyses/images/packages/os-package.js';
import type { FileRequest, PackageAnalyzer } from '../../../src/analyses/images/types.js';

describe('package analyser registry', () => {
  it('registers one analyser per package source, OS package managers first', () => {
    expect(PACKAGE_ANALYZERS.map((a) => a.name)).toEqual(['dpkg', 'apk', 'rpm', 'npm', 'python', 'dotnet', 'go-binary', 'java']);
  });

  it.each([
    { file: { path: 'etc/os-release', size: 300, mode: 0o644 }, wanted: true },
    { file: { path: 'var/lib/dpkg/status', size: 600_000, mode: 0o644 }, wanted: true },
    { file: { path: 'usr/bin/kubectl', size: 50_000_000, mode: 0o755 }, wanted: true },
    { file: { path: 'usr/share/doc/README', size: 3000, mode: 0o644 }, wanted: false },
    { file: { path: 'etc/passwd', size: 900, mode: 0o644 }, wanted: false },
  ])('the walker keeps $file.path: $wanted', ({ file, wanted }) => {
    expect(wantsImageFile(file)).toBe(wanted);
  });

  it('analyses a small image: OS first, then each analyser on the files it wanted', () => {
    const files = imageFilesFrom({
      'etc/os-release': 'ID=alpine\nVERSION_ID=3.19.0\n',
      'lib/apk/db/installed': 'P:musl\nV:1.2.4_git20230717-r4\nA:x86_64\no:musl\n',
      'app/node_modules/express/package.json': '{"name":"express","version":"4.18.2"}',
      'app/requirements.txt': 'flask',
    });
    const notes: string[] = [];
    const { os, packages } = analyzeImagePackages(files, notes);
    expect(os).toEqual({ id: 'alpine', versionId: '3.19.0', osvEcosystem: 'Alpine:v3.19' });
    expect(packages.map((p) => `${p.ecosystem} ${p.name}@${p.version}`)).toEqual(['Alpine:v3.19 musl@1.2.4_git20230717-r4', 'npm express@4.18.2']);
    expect(notes).toEqual([]);
  });

  it('a failing analyser is an error of the image and the others still run', () => {
    const failing: PackageAnalyzer = {
      name: 'failing',
      wants: (f: FileRequest) => f.path === 'x',
      analyze: () => {
        throw new Error('boom');
      },
    };
    const notes: string[] = [];
    const result = analyzeImagePackages(imageFilesFrom({ x: 'y', 'lib/apk/db/installed': 'P:a\nV:1-r0\n' }), notes, [failing, ...PACKAGE_ANALYZERS]);
    expect(result.packages.map((p) => p.name)).toEqual(['a']);
    expect(result.errors).toEqual(['the failing analyser failed (boom); its packages are not listed']);
    expect(notes).toEqual([]);
  });

  it('a package database over the size limit is an error naming the file and the limit', () => {
    const huge = Buffer.alloc(MAX_PACKAGE_DB_BYTES + 1, 'Package: a\nVersion: 1\n\n');
    const result = analyzeImagePackages(imageFilesFrom(new Map([['var/lib/dpkg/status', huge]])), []);
    expect(result.packages).toEqual([]);
    expect(result.errors).toEqual([
      `var/lib/dpkg/status is ${MAX_PACKAGE_DB_BYTES + 1} bytes, over the ${MAX_PACKAGE_DB_BYTES}-byte limit for a package database; refused, so its dpkg packages are not listed`,
    ]);
  });

  it.each([
    { path: 'lib/apk/db/installed', stanza: (i: number) => `P:p${i}\nV:1-r0\n\n` },
    { path: 'var/lib/dpkg/status', stanza: (i: number) => `Package: p${i}\nVersion: 1\n\n` },
  ])('lists every package of a $path of 200k entries', ({ path, stanza }) => {
    const text = Array.from({ length: 200_000 }, (_, i) => stanza(i)).join('');
    const notes: string[] = [];
    const result = analyzeImagePackages(imageFilesFrom({ 'etc/os-release': 'ID=alpine\nVERSION_ID=3.19.0\n', [path]: text }), notes);
    expect(result.errors).toEqual([]);
    expect(notes).toEqual([]);
    expect(result.packages).toHaveLength(200_000);
  });
});
