import { describe, expect, it } from 'vitest';
import { imageFilesFrom } from '../../../src/analyses/images/image-files.js';
import { dpkgAnalyzer } from '../../../src/analyses/images/packages/dpkg.js';
import type { OsInfo } from '../../../src/analyses/images/types.js';

const DEBIAN: OsInfo = { id: 'debian', versionId: '12', osvEcosystem: 'Debian:12' };

const STATUS = `Package: libssl3
Status: install ok installed
Priority: optional
Architecture: amd64
Multi-Arch: same
Source: openssl
Version: 3.0.11-1~deb12u2
Description: Secure Sockets Layer toolkit - shared libraries
 This package is part of the OpenSSL project's implementation of the SSL
 and TLS cryptographic protocols for secure communication over the
 .
 Internet.

Package: bsdutils
Status: install ok installed
Architecture: amd64
Source: util-linux (2.38.1-5+b1)
Version: 1:2.38.1-5+b1

Package: git
Status: deinstall ok config-files
Architecture: amd64
Version: 1:2.39.2-1.1

Package: tzdata
Status: hold ok installed
Architecture: all
Version: 2024a-0+deb12u1

Package: broken
Status: install ok installed
`;

describe('dpkg analyser', () => {
  it('lists installed packages with source names, source versions, epochs and purls', () => {
    const notes: string[] = [];
    const pkgs = dpkgAnalyzer.analyze(imageFilesFrom({ 'var/lib/dpkg/status': STATUS }), DEBIAN, notes);
    expect(pkgs).toEqual([
      {
        type: 'deb',
        name: 'libssl3',
        version: '3.0.11-1~deb12u2',
        ecosystem: 'Debian:12',
        sourceName: 'openssl',
        arch: 'amd64',
        purl: 'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12',
        location: 'var/lib/dpkg/status',
      },
      {
        type: 'deb',
        name: 'bsdutils',
        version: '1:2.38.1-5+b1',
        ecosystem: 'Debian:12',
        sourceName: 'util-linux',
        sourceVersion: '2.38.1-5+b1',
        arch: 'amd64',
        purl: 'pkg:deb/debian/bsdutils@1:2.38.1-5%2Bb1?arch=amd64&distro=debian-12',
        location: 'var/lib/dpkg/status',
      },
      {
        type: 'deb',
        name: 'tzdata',
        version: '2024a-0+deb12u1',
        ecosystem: 'Debian:12',
        sourceName: 'tzdata',
        arch: 'all',
        purl: 'pkg:deb/debian/tzdata@2024a-0%2Bdeb12u1?arch=all&distro=debian-12',
        location: 'var/lib/dpkg/status',
      },
    ]);
    expect(notes).toEqual(['var/lib/dpkg/status:30: dpkg stanza without Package or Version skipped']);
  });

  it('reads distroless status.d files (one stanza each, no Status field) and ignores md5sums', () => {
    const files = imageFilesFrom({
      'var/lib/dpkg/status.d/base-files': 'Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n',
      'var/lib/dpkg/status.d/libc6': 'Package: libc6\nSource: glibc\nVersion: 2.36-9+deb12u4\nArchitecture: amd64\n',
    });
    const pkgs = dpkgAnalyzer.analyze(files, DEBIAN, []);
    expect(pkgs.map((p) => `${p.name} ${p.sourceName} ${p.location}`)).toEqual([
      'base-files base-files var/lib/dpkg/status.d/base-files',
      'libc6 glibc var/lib/dpkg/status.d/libc6',
    ]);
  });

  it('without an OS the packages have no ecosystem and a debian purl without distro', () => {
    const pkgs = dpkgAnalyzer.analyze(imageFilesFrom({ 'var/lib/dpkg/status': 'Package: a\nStatus: install ok installed\nVersion: 1.0\n' }), undefined, []);
    expect(pkgs[0]?.ecosystem).toBeUndefined();
    expect(pkgs[0]?.purl).toBe('pkg:deb/debian/a@1.0');
  });

  it.each([
    { path: 'var/lib/dpkg/status', wanted: true },
    { path: 'var/lib/dpkg/status.d/libc6', wanted: true },
    { path: 'var/lib/dpkg/status.d/libc6.md5sums', wanted: false },
    { path: 'var/lib/dpkg/status-old', wanted: false },
    { path: 'var/lib/dpkg/info/libc6.list', wanted: false },
  ])('wants $path: $wanted', ({ path, wanted }) => {
    expect(dpkgAnalyzer.wants({ path, size: 100, mode: 0o644 })).toBe(wanted);
  });
});
