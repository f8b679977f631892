import { describe, expect, it } from 'vitest';
import { imageFilesFrom } from '../../../src/analyses/images/image-files.js';
import { analyzeImagePackages, wantsImageFile } from '../../../src/analyses/images/packages/index.js';
import { MAX_PACKAGE_DB_BYTES } from '../../../src/analyses/images/packages/os-package.js';
import { osOwnedFiles } from '../../../src/analyses/images/packages/owned-files.js';
import { encodeRpmHeader, RPMTAG } from '../../../src/analyses/images/packages/rpm-header.js';
import { buildZip } from '../../helpers/zip-writer.js';
import { sqliteRpmdb } from '../../helpers/rpmdb.js';

const DEBIAN = 'ID=debian\nVERSION_ID="12"\n';
const URLLIB3_INFO = 'Metadata-Version: 2.1\nName: urllib3\nVersion: 1.26.12\n\n';
const REQUESTS = 'Metadata-Version: 2.1\nName: requests\nVersion: 2.30.0\n\n';

function names(files: Record<string, string | Buffer>): string[] {
  return analyzeImagePackages(imageFilesFrom(files), []).packages.map((p) => `${p.type}:${p.name}`);
}


describe('language packages an OS package installed', () => {
  it('leaves out Python metadata a dpkg package lists, and keeps what pip installed', () => {
    const files = {
      'etc/os-release': DEBIAN,
      'var/lib/dpkg/status': 'Package: python3-urllib3\nStatus: install ok installed\nArchitecture: all\nVersion: 1.26.12-1\n',
      'var/lib/dpkg/info/python3-urllib3.list':
        '/.\n/usr/lib/python3/dist-packages/urllib3-1.26.12.egg-info\n/usr/lib/python3/dist-packages/urllib3-1.26.12.egg-info/PKG-INFO\n',
      'usr/lib/python3/dist-packages/urllib3-1.26.12.egg-info/PKG-INFO': URLLIB3_INFO,
      'app/venv/lib/python3.11/site-packages/requests-2.30.0.dist-info/METADATA': REQUESTS,
    };
    expect(names(files)).toEqual(['deb:python3-urllib3', 'pypi:requests']);
    // Without the file list nothing says dpkg owns it: it is read as a PyPI package.
    const { 'var/lib/dpkg/info/python3-urllib3.list': _list, ...unowned } = files;
    expect(names(unowned)).toEqual(['deb:python3-urllib3', 'pypi:requests', 'pypi:urllib3']);
  });

  it('notes a dpkg file list over 16 MiB, which is not read, and what that leaves matched again', () => {
    const path = 'var/lib/dpkg/info/python3-urllib3.list';
    expect(wantsImageFile({ path, size: 17 * 1024 * 1024, mode: 0o644 })).toBe(true);
    const huge = Buffer.alloc(16 * 1024 * 1024 + 1, '/usr/lib/python3/dist-packages/x\n');
    const notes: string[] = [];
    const owned = osOwnedFiles(imageFilesFrom({ [path]: huge, 'var/lib/dpkg/info/zlib1g.list': '/usr/lib/libz.so.1\n' }), notes);
    expect([...owned]).toEqual(['usr/lib/libz.so.1']);
    expect(notes).toEqual([
      `${path} is ${huge.length} bytes, over the 16777216-byte limit for a file list, and was not read: language packages (PyPI, npm, ...) among its files are matched against their own ecosystem as well`,
    ]);
  });

  it("carries that note into the image's analysis", () => {
    const path = 'var/lib/dpkg/info/python3-urllib3.list';
    const notes: string[] = [];
    analyzeImagePackages(imageFilesFrom({ 'etc/os-release': DEBIAN, [path]: Buffer.alloc(16 * 1024 * 1024 + 1, 'x\n') }), notes);
    expect(notes.some((n) => n.startsWith(`${path} is `) && n.includes('was not read'))).toBe(true);
  });

  it('reads the md5sums of distroless status.d: a jar listed there is the OS package\'s, one copied in is not', () => {
    const jar = buildZip([{ name: 'META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties', data: 'groupId=org.apache.logging.log4j\nartifactId=log4j-core\nversion=2.19.0\n' }]);
    const files = {
      'etc/os-release': DEBIAN,
      'var/lib/dpkg/status.d/liblog4j2-java': 'Package: liblog4j2-java\nArchitecture: all\nVersion: 2.19.0-2\n',
      'var/lib/dpkg/status.d/liblog4j2-java.md5sums': '0123456789abcdef0123456789abcdef  usr/share/java/log4j-core-2.19.0.jar\n',
      'usr/share/java/log4j-core-2.19.0.jar': jar,
      'opt/app/lib/log4j-core-2.19.0.jar': jar,
    };
    const owned = analyzeImagePackages(imageFilesFrom(files), []);
    expect(owned.packages.map((p) => `${p.name} ${p.location}`)).toEqual(['liblog4j2-java var/lib/dpkg/status.d/liblog4j2-java', 'org.apache.logging.log4j:log4j-core opt/app/lib/log4j-core-2.19.0.jar']);
    expect(wantsImageFile({ path: 'var/lib/dpkg/status.d/liblog4j2-java.md5sums', size: 100, mode: 0o644 })).toBe(true);
    expect(wantsImageFile({ path: 'var/lib/dpkg/info/python3-urllib3.list', size: 100, mode: 0o644 })).toBe(true);
    expect(wantsImageFile({ path: 'var/lib/dpkg/info/python3-urllib3.md5sums', size: 100, mode: 0o644 })).toBe(false);
  });

  it('leaves out Python metadata an apk package lists (F: directory, R: file)', () => {
    const files = {
      'etc/os-release': 'ID=alpine\nVERSION_ID=3.19.0\n',
      'lib/apk/db/installed':
        'P:py3-urllib3\nV:1.26.18-r0\nA:noarch\no:py3-urllib3\nF:usr/lib/python3.11/site-packages/urllib3-1.26.18.dist-info\nR:METADATA\nR:RECORD\n',
      'usr/lib/python3.11/site-packages/urllib3-1.26.18.dist-info/METADATA': 'Metadata-Version: 2.1\nName: urllib3\nVersion: 1.26.18\n\n',
      'app/lib/python3.11/site-packages/requests-2.30.0.dist-info/METADATA': REQUESTS,
    };
    expect(names(files)).toEqual(['apk:py3-urllib3', 'pypi:requests']);
  });

  it('does not read the files of an apk database over the package database limit, and says what that leaves matched again', () => {
    const path = 'lib/apk/db/installed';
    const metadata = 'usr/lib/python3.11/site-packages/urllib3-1.26.18.dist-info/METADATA';
    const huge = Buffer.alloc(MAX_PACKAGE_DB_BYTES + 1, 'P:py3-urllib3\nV:1.26.18-r0\nF:usr/lib/python3.11/site-packages/urllib3-1.26.18.dist-info\nR:METADATA\n\n');
    const notes: string[] = [];
    const result = analyzeImagePackages(
      imageFilesFrom({ 'etc/os-release': 'ID=alpine\nVERSION_ID=3.19.0\n', [path]: huge, [metadata]: 'Metadata-Version: 2.1\nName: urllib3\nVersion: 1.26.18\n\n' }),
      notes,
    );
    expect(result.errors).toEqual([
      `${path} is ${huge.length} bytes, over the ${MAX_PACKAGE_DB_BYTES}-byte limit for a package database; refused, so its apk packages are not listed`,
    ]);
    expect(notes).toEqual([
      `${path} is ${huge.length} bytes, over the ${MAX_PACKAGE_DB_BYTES}-byte limit for a package database, and was not read: language packages (PyPI, npm, ...) among its files are matched against their own ecosystem as well`,
    ]);
    expect(result.packages.map((p) => `${p.type}:${p.name}`)).toEqual(['pypi:urllib3']);
  });

  it('leaves out Python metadata in a directory an rpm package lists', () => {
    const header = encodeRpmHeader([
      { tag: RPMTAG.NAME, value: 'python3-urllib3' },
      { tag: RPMTAG.VERSION, value: '1.26.5' },
      { tag: RPMTAG.RELEASE, value: '3.el9' },
      { tag: RPMTAG.ARCH, value: 'noarch' },
      { tag: RPMTAG.SOURCERPM, value: 'python-urllib3-1.26.5-3.el9.src.rpm' },
      { tag: RPMTAG.BASENAMES, value: ['urllib3-1.26.5-py3.9.egg-info'] },
      { tag: RPMTAG.DIRINDEXES, value: [0] },
      { tag: RPMTAG.DIRNAMES, value: ['/usr/lib/python3.9/site-packages/'] },
    ]);
    const files = {
      'etc/os-release': 'ID=rocky\nVERSION_ID="9.3"\n',
      'var/lib/rpm/rpmdb.sqlite': sqliteRpmdb([header]),
      'usr/lib/python3.9/site-packages/urllib3-1.26.5-py3.9.egg-info/PKG-INFO': 'Metadata-Version: 2.1\nName: urllib3\nVersion: 1.26.5\n\n',
    };
    expect(names(files)).toEqual(['rpm:python3-urllib3']);
  });
});
