import { describe, expect, it } from 'vitest';
import { imageFilesFrom } from '../../../src/analyses/images/image-files.js';
import { encodeRpmHeader, parseRpmHeader, RPMTAG, sourceRpmName } from '../../../src/analyses/images/packages/rpm-header.js';
import { rpmAnalyzer } from '../../../src/analyses/images/packages/rpm.js';
import type { OsInfo } from '../../../src/analyses/images/types.js';
import { sqliteRpmdb } from '../../helpers/rpmdb.js';

const ROCKY: OsInfo = { id: 'rocky', versionId: '9.3', osvEcosystem: 'Rocky Linux:9' };

const OPENSSL = encodeRpmHeader([
  { tag: 63, value: 'region-tag-placeholder' },
  { tag: RPMTAG.NAME, value: 'openssl-libs' },
  { tag: RPMTAG.EPOCH, value: 1 },
  { tag: RPMTAG.VERSION, value: '3.0.7' },
  { tag: RPMTAG.RELEASE, value: '25.el9_3' },
  { tag: RPMTAG.ARCH, value: 'x86_64' },
  { tag: RPMTAG.LICENSE, value: 'ASL 2.0' },
  { tag: RPMTAG.SOURCERPM, value: 'openssl-3.0.7-25.el9_3.src.rpm' },
  { tag: 1027, value: ['/usr/lib64/libssl.so.3', '/usr/lib64/libcrypto.so.3'] },
]);
const BASH = encodeRpmHeader([
  { tag: RPMTAG.NAME, value: 'bash' },
  { tag: RPMTAG.VERSION, value: '5.1.8' },
  { tag: RPMTAG.RELEASE, value: '6.el9_1' },
  { tag: RPMTAG.ARCH, value: 'x86_64' },
  { tag: RPMTAG.SOURCERPM, value: 'bash-5.1.8-6.el9_1.src.rpm' },
]);
const PUBKEY = encodeRpmHeader([
  { tag: RPMTAG.NAME, value: 'gpg-pubkey' },
  { tag: RPMTAG.VERSION, value: '350d275d' },
  { tag: RPMTAG.RELEASE, value: '6395d3ee' },
]);


describe('rpm header', () => {
  it('reads name, epoch, version, release, arch, licence, source rpm and files of an encoded header', () => {
    expect(parseRpmHeader(OPENSSL)).toEqual({
      name: 'openssl-libs',
      epoch: 1,
      version: '3.0.7',
      release: '25.el9_3',
      arch: 'x86_64',
      license: 'ASL 2.0',
      sourceRpm: 'openssl-3.0.7-25.el9_3.src.rpm',
      files: expect.any(Function),
    });
    expect(parseRpmHeader(OPENSSL).files()).toEqual(['/usr/lib64/libssl.so.3', '/usr/lib64/libcrypto.so.3']);
    expect(parseRpmHeader(BASH).files()).toEqual([]);
  });

  it('takes the last of a repeated tag, and for the package fields only an entry of their type', () => {
    const header = encodeRpmHeader([
      { tag: RPMTAG.NAME, value: 'bash' },
      { tag: RPMTAG.NAME, value: 7 },
      { tag: RPMTAG.VERSION, value: '5.1' },
      { tag: RPMTAG.VERSION, value: '5.2' },
      { tag: RPMTAG.OLDFILENAMES, value: ['/usr/bin/bash'] },
      { tag: RPMTAG.BASENAMES, value: ['sh'] },
      { tag: RPMTAG.BASENAMES, value: [1] },
    ]);
    // The name's int32 entry is not a name; the int32 BASENAMES entry leaves no base names, so the older list counts.
    const parsed = parseRpmHeader(header);
    expect(parsed).toEqual({ name: 'bash', version: '5.2', files: expect.any(Function) });
    expect(parsed.files()).toEqual(['/usr/bin/bash']);
  });

  it.each([
    { name: 'shorter than its preamble', blob: Buffer.from([0, 0, 0]) },
    { name: 'negative index count', blob: Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]) },
    { name: 'index past the blob', blob: Buffer.from([0, 0, 0, 9, 0, 0, 0, 0, 1, 2, 3]) },
  ])('rejects a header $name', ({ blob }) => {
    expect(() => parseRpmHeader(blob)).toThrow(/rpm header/);
  });

  it.each([
    ['openssl-3.0.7-25.el9_3.src.rpm', 'openssl'],
    ['python3-pip-21.2.3-7.el9.src.rpm', 'python3-pip'],
    ['kernel-5.14.0-362.8.1.el9_3.nosrc.rpm', 'kernel'],
    ['broken.src.rpm', undefined],
  ])('source package of %s is %s', (file, name) => {
    expect(sourceRpmName(file)).toBe(name);
  });
});

describe('rpm analyser', () => {
  it('lists packages of an sqlite rpmdb, skipping gpg-pubkey, with epoch in the version and purl qualifier', () => {
    const notes: string[] = [];
    const files = imageFilesFrom({ 'var/lib/rpm/rpmdb.sqlite': sqliteRpmdb([OPENSSL, PUBKEY, BASH]) });
    const pkgs = rpmAnalyzer.analyze(files, ROCKY, notes);
    expect(pkgs).toEqual([
      {
        type: 'rpm',
        name: 'openssl-libs',
        version: '1:3.0.7-25.el9_3',
        ecosystem: 'Rocky Linux:9',
        sourceName: 'openssl',
        arch: 'x86_64',
        licenses: ['ASL 2.0'],
        purl: 'pkg:rpm/rocky/openssl-libs@3.0.7-25.el9_3?arch=x86_64&distro=rocky-9.3&epoch=1',
        location: 'var/lib/rpm/rpmdb.sqlite',
      },
      {
        type: 'rpm',
        name: 'bash',
        version: '5.1.8-6.el9_1',
        ecosystem: 'Rocky Linux:9',
        sourceName: 'bash',
        arch: 'x86_64',
        purl: 'pkg:rpm/rocky/bash@5.1.8-6.el9_1?arch=x86_64&distro=rocky-9.3',
        location: 'var/lib/rpm/rpmdb.sqlite',
      },
    ]);
    expect(notes).toEqual([]);
  });

  it('reads a database left in WAL mode at usr/lib/sysimage/rpm', () => {
    const files = imageFilesFrom({ 'usr/lib/sysimage/rpm/rpmdb.sqlite': sqliteRpmdb([BASH], true) });
    expect(rpmAnalyzer.analyze(files, ROCKY, []).map((p) => p.name)).toEqual(['bash']);
  });

  it('notes unreadable headers and unreadable databases instead of throwing', () => {
    const notes: string[] = [];
    const bad = rpmAnalyzer.analyze(imageFilesFrom({ 'var/lib/rpm/rpmdb.sqlite': sqliteRpmdb([Buffer.from([0, 0, 0, 9]), BASH]) }), ROCKY, notes);
    expect(bad.map((p) => p.name)).toEqual(['bash']);
    expect(notes).toEqual(['var/lib/rpm/rpmdb.sqlite: 1 rpm header(s) could not be read and were skipped']);
    const notes2: string[] = [];
    expect(rpmAnalyzer.analyze(imageFilesFrom({ 'var/lib/rpm/rpmdb.sqlite': 'not sqlite at all' }), ROCKY, notes2)).toEqual([]);
    expect(notes2[0]).toMatch(/^var\/lib\/rpm\/rpmdb.sqlite: rpm database not readable/);
  });

  it('says BerkeleyDB and NDB databases are not read', () => {
    const notes: string[] = [];
    expect(rpmAnalyzer.analyze(imageFilesFrom({ 'var/lib/rpm/Packages': Buffer.alloc(64) }), ROCKY, notes)).toEqual([]);
    expect(notes).toEqual(['var/lib/rpm/Packages: BerkeleyDB/NDB rpm databases are not read; packages of this image from rpm are not listed']);
  });

  describe('container-manifest-2 of distroless Azure Linux and CBL-Mariner images', () => {
    const AZL: OsInfo = { id: 'azurelinux', versionId: '3.0', osvEcosystem: 'Azure Linux:3' };
    const MARINER: OsInfo = { id: 'mariner', versionId: '2.0', osvEcosystem: 'Azure Linux:2' };

    it('reads the six-field lines of Azure Linux 3.0 as its OS packages, keyed by source rpm', () => {
      const manifest =
        'filesystem\t1.1-20.azl3\t1718929591\t(none)\tx86_64\tfilesystem-1.1-20.azl3.src.rpm\n' +
        'openssl-libs\t3.3.0-2.azl3\t1718929591\t(none)\tx86_64\topenssl-3.3.0-2.azl3.src.rpm\n';
      const pkgs = rpmAnalyzer.analyze(imageFilesFrom({ 'var/lib/rpmmanifest/container-manifest-2': manifest }), AZL, []);
      expect(pkgs[1]).toEqual({
        type: 'rpm',
        name: 'openssl-libs',
        version: '3.3.0-2.azl3',
        sourceName: 'openssl',
        ecosystem: 'Azure Linux:3',
        arch: 'x86_64',
        purl: 'pkg:rpm/azurelinux/openssl-libs@3.3.0-2.azl3?arch=x86_64&distro=azurelinux-3.0',
        location: 'var/lib/rpmmanifest/container-manifest-2',
      });
      expect(pkgs.map((p) => p.name)).toEqual(['filesystem', 'openssl-libs']);
    });

    it('reads the ten-field lines of Mariner 2.0 (epoch at field 6, arch at field 8) and skips gpg-pubkey', () => {
      const manifest =
        'mariner-release\t2.0-12.cm2\t1653816591\t1653753130\tMicrosoft Corporation\t(none)\t580\tnoarch\t0\tmariner-release-2.0-12.cm2.src.rpm\n' +
        'perl-Time-Local\t1.2300-3.cm2\t1653816591\t1653753130\tMicrosoft Corporation\t2\t1234\tnoarch\t0\tperl-Time-Local-1.2300-3.cm2.src.rpm\n' +
        'gpg-pubkey\t3135ce90-5e6fda74\t1653816591\t0\t(none)\t(none)\t0\t(none)\t0\t(none)\n' +
        'garbage\n';
      const notes: string[] = [];
      const pkgs = rpmAnalyzer.analyze(imageFilesFrom({ 'var/lib/rpmmanifest/container-manifest-2': manifest }), MARINER, notes);
      expect(pkgs.map((p) => [p.name, p.version, p.arch, p.sourceName, p.ecosystem])).toEqual([
        ['mariner-release', '2.0-12.cm2', 'noarch', 'mariner-release', 'Azure Linux:2'],
        ['perl-Time-Local', '2:1.2300-3.cm2', 'noarch', 'perl-Time-Local', 'Azure Linux:2'],
      ]);
      expect(pkgs[1]?.purl).toBe('pkg:rpm/mariner/perl-Time-Local@1.2300-3.cm2?arch=noarch&distro=mariner-2.0&epoch=2');
      expect(notes).toEqual(['var/lib/rpmmanifest/container-manifest-2: 1 line(s) without a name and version-release were skipped']);
    });

    it('leaves the arch unset on a line too short to have one', () => {
      const pkgs = rpmAnalyzer.analyze(imageFilesFrom({ 'var/lib/rpmmanifest/container-manifest-2': 'zlib\t1.3-1.azl3\n' }), AZL, []);
      expect(pkgs.map((p) => [p.name, p.version, p.arch, p.purl])).toEqual([['zlib', '1.3-1.azl3', undefined, 'pkg:rpm/azurelinux/zlib@1.3-1.azl3?distro=azurelinux-3.0']]);
    });

    it('refuses a manifest over 16 MiB by name rather than scoring the image as without packages', () => {
      const path = 'var/lib/rpmmanifest/container-manifest-2';
      expect(rpmAnalyzer.wants({ path, size: 17 * 1024 * 1024, mode: 0o644 })).toBe(true);
      const line = 'zlib\t1.3-1.azl3\t0\t(none)\tx86_64\tzlib-1.3-1.azl3.src.rpm\n';
      const huge = Buffer.from(line.repeat(Math.ceil((16 * 1024 * 1024 + 1) / line.length)));
      expect(() => rpmAnalyzer.analyze(imageFilesFrom({ [path]: huge }), AZL, [])).toThrow(
        `${path} is ${huge.length} bytes, over the 16777216-byte limit for a package list, and was not read`,
      );
    });

    it('leaves the manifest alone when the image has an rpmdb, which is the record', () => {
      const files = imageFilesFrom({ 'var/lib/rpm/rpmdb.sqlite': sqliteRpmdb([BASH]), 'var/lib/rpmmanifest/container-manifest-2': 'zlib\t1.3-1.azl3\t0\t(none)\tx86_64\tzlib-1.3-1.azl3.src.rpm\n' });
      expect(rpmAnalyzer.analyze(files, AZL, []).map((p) => p.name)).toEqual(['bash']);
    });
  });

  it('reads the file list of a header: directory names by index, then the older flat list', () => {
    const split = encodeRpmHeader([
      { tag: RPMTAG.NAME, value: 'python3-urllib3' },
      { tag: RPMTAG.BASENAMES, value: ['PKG-INFO', 'urllib3'] },
      { tag: RPMTAG.DIRINDEXES, value: [0, 1] },
      { tag: RPMTAG.DIRNAMES, value: ['/usr/lib/python3.9/site-packages/urllib3-1.26.5-py3.9.egg-info/', '/usr/lib/python3.9/site-packages/'] },
    ]);
    expect(parseRpmHeader(split).files()).toEqual(['/usr/lib/python3.9/site-packages/urllib3-1.26.5-py3.9.egg-info/PKG-INFO', '/usr/lib/python3.9/site-packages/urllib3']);
    expect(parseRpmHeader(OPENSSL).files()).toEqual(['/usr/lib64/libssl.so.3', '/usr/lib64/libcrypto.so.3']);
  });

  it.each([
    { path: 'var/lib/rpmmanifest/container-manifest-2', wanted: true },
    { path: 'var/lib/rpmmanifest/container-manifest-1', wanted: false },
    { path: 'var/lib/rpm/rpmdb.sqlite', wanted: true },
    { path: 'usr/lib/sysimage/rpm/rpmdb.sqlite', wanted: true },
    { path: 'var/lib/rpm/Packages', wanted: true },
    { path: 'var/lib/rpm/Packages.db', wanted: true },
    { path: 'var/lib/rpm/rpmdb.sqlite-shm', wanted: false },
    { path: 'var/lib/rpm/Name', wanted: false },
  ])('wants $path: $wanted', ({ path, wanted }) => {
    expect(rpmAnalyzer.wants({ path, size: 1000, mode: 0o644 })).toBe(wanted);
  });
});
