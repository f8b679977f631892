import { describe, expect, it } from 'vitest';
import { imageFilesFrom } from '../../../src/analyses/images/image-files.js';
import { apkAnalyzer } from '../../../src/analyses/images/packages/apk.js';
import { MAX_PACKAGE_DB_BYTES, PackageDbRefused } from '../../../src/analyses/images/packages/os-package.js';
import type { OsInfo } from '../../../src/analyses/images/types.js';

const ALPINE: OsInfo = { id: 'alpine', versionId: '3.18.4', osvEcosystem: 'Alpine:v3.18' };

const INSTALLED = `C:Q1abc=
P:libcrypto3
V:3.1.4-r0
A:x86_64
L:Apache-2.0
o:openssl
F:lib
R:libcrypto.so.3
a:0:0:755

P:noversion
A:x86_64

P:musl
V:1.2.4-r2
A:x86_64
L:MIT
F:lib
R:ld-musl-x86_64.so.1
`;

describe('apk analyser', () => {
  it('lists packages with origin as source name, skipping stanzas without V: with a note', () => {
    const notes: string[] = [];
    const pkgs = apkAnalyzer.analyze(imageFilesFrom({ 'lib/apk/db/installed': INSTALLED }), ALPINE, notes);
    expect(pkgs).toEqual([
      {
        type: 'apk',
        name: 'libcrypto3',
        version: '3.1.4-r0',
        ecosystem: 'Alpine:v3.18',
        sourceName: 'openssl',
        arch: 'x86_64',
        licenses: ['Apache-2.0'],
        purl: 'pkg:apk/alpine/libcrypto3@3.1.4-r0?arch=x86_64&distro=3.18.4',
        location: 'lib/apk/db/installed',
      },
      {
        type: 'apk',
        name: 'musl',
        version: '1.2.4-r2',
        ecosystem: 'Alpine:v3.18',
        sourceName: 'musl',
        arch: 'x86_64',
        licenses: ['MIT'],
        purl: 'pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=3.18.4',
        location: 'lib/apk/db/installed',
      },
    ]);
    expect(notes).toEqual(["lib/apk/db/installed:11: apk stanza 'noversion' without V: skipped"]);
  });

  it('reads a database without a trailing blank line and with CRLF endings', () => {
    const pkgs = apkAnalyzer.analyze(imageFilesFrom({ 'lib/apk/db/installed': 'P:a\r\nV:1-r0\r\n\r\nP:b\r\nV:2-r0' }), ALPINE, []);
    expect(pkgs.map((p) => `${p.name}@${p.version}`)).toEqual(['a@1-r0', 'b@2-r0']);
  });

  it('lists a stanza repeated many times once', () => {
    const pkgs = apkAnalyzer.analyze(imageFilesFrom({ 'lib/apk/db/installed': 'P:busybox\nV:1.36.0-r9\nA:x86_64\n\n'.repeat(1000) }), ALPINE, []);
    expect(pkgs.map((p) => `${p.name}@${p.version}`)).toEqual(['busybox@1.36.0-r9']);
  });

  it('refuses a database over the size limit, naming the file and the limit', () => {
    const huge = Buffer.alloc(MAX_PACKAGE_DB_BYTES + 1, 'P:a\nV:1-r0\n\n');
    const files = imageFilesFrom(new Map([['lib/apk/db/installed', huge]]));
    expect(() => apkAnalyzer.analyze(files, ALPINE, [])).toThrow(PackageDbRefused);
    expect(() => apkAnalyzer.analyze(files, ALPINE, [])).toThrow(`lib/apk/db/installed is ${MAX_PACKAGE_DB_BYTES + 1} bytes, over the ${MAX_PACKAGE_DB_BYTES}-byte limit for a package database`);
  });

  it.each([
    { path: 'lib/apk/db/installed', wanted: true },
    { path: 'lib/apk/db/triggers', wanted: false },
    { path: 'usr/lib/apk/db/installed', wanted: false },
  ])('wants $path: $wanted', ({ path, wanted }) => {
    expect(apkAnalyzer.wants({ path, size: 100, mode: 0o644 })).toBe(wanted);
  });
});
