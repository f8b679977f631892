import type { FileRequest, ImageFiles, Package, PackageType } from '../types.js';
import { linesOf, MAX_PACKAGE_DB_BYTES } from './os-package.js';
import { takeRpmDbHeaders } from './rpm.js';
import type { RpmHeader } from './rpm-header.js';

/**
 * The files OS packages installed. A language package whose metadata file, binary or archive is one of
 * them (Debian's python3-urllib3, Alpine's py3-*, an rpm-shipped jar or Go binary) is the OS package's
 * copy: the distribution patches it and its own advisories cover it, so it is not matched again against
 * the language ecosystem, whose fixed versions that distribution never ships. Trivy does the same.
 */

const DPKG_INFO = 'var/lib/dpkg/info/';
const DPKG_STATUS_D = 'var/lib/dpkg/status.d/';
const APK_INSTALLED = 'lib/apk/db/installed';
const RPM_SQLITE_DBS = ['var/lib/rpm/rpmdb.sqlite', 'usr/lib/sysimage/rpm/rpmdb.sqlite'];
/** A file list over this is not a real package's; it is not read. */
const MAX_FILE_LIST = 16 * 1024 * 1024;

const LANGUAGE_TYPES: ReadonlySet<PackageType> = new Set(['npm', 'pypi', 'nuget', 'golang', 'maven']);

/**
 * dpkg's `info/<package>.list` files, and the `status.d/<package>.md5sums` of distroless images. A list over
 * MAX_FILE_LIST is kept too (up to the walker's own limit), so that its refusal is noted rather than unseen.
 */
export function wantsOwnedFileList(file: FileRequest): boolean {
  if (file.path.startsWith(DPKG_INFO)) return isDirectChild(file.path, DPKG_INFO) && file.path.endsWith('.list');
  return file.path.startsWith(DPKG_STATUS_D) && isDirectChild(file.path, DPKG_STATUS_D) && file.path.endsWith('.md5sums');
}

function isDirectChild(path: string, dir: string): boolean {
  return !path.slice(dir.length).includes('/');
}

/** An absolute or relative path as the image root sees it: no leading `/` or `./`. */
function rootRelative(path: string): string {
  return path.replace(/^\.?\/+/, '');
}

/**
 * The text of a file that lists installed files, or undefined with a note when it is over `limit` (what
 * `kind` of file that limit is for is named in the note).
 */
function boundedText(files: ImageFiles, path: string, limit: number, kind: string, notes: string[]): string | undefined {
  const buf = files.get(path);
  if (buf && buf.length > limit) {
    notes.push(
      `${path} is ${buf.length} bytes, over the ${limit}-byte limit for ${kind}, and was not read: language packages (PyPI, npm, ...) among its files are matched against their own ecosystem as well`,
    );
    return undefined;
  }
  return buf?.toString('utf8');
}

function fileListText(files: ImageFiles, path: string, notes: string[]): string | undefined {
  return boundedText(files, path, MAX_FILE_LIST, 'a file list', notes);
}

function addDpkgLists(files: ImageFiles, owned: Set<string>, notes: string[]): void {
  for (const path of files.under(DPKG_INFO)) {
    if (!path.endsWith('.list')) continue;
    for (const [line] of linesOf(fileListText(files, path, notes) ?? '')) {
      const file = rootRelative(line.trim());
      if (file !== '' && file !== '.') owned.add(file);
    }
  }
  // `<md5>  <path>`, the path relative to the root.
  for (const path of files.under(DPKG_STATUS_D)) {
    if (!path.endsWith('.md5sums')) continue;
    for (const [line] of linesOf(fileListText(files, path, notes) ?? '')) {
      const m = line.match(/^[0-9a-f]{32}\s+(.+)$/i);
      if (m?.[1]) owned.add(rootRelative(m[1]));
    }
  }
}

/**
 * apk's installed database: `F:` names a directory, the `R:` lines after it its files. Held to the limit the
 * apk package reader refuses a database over, since the files are listed in the same database.
 */
function addApkFiles(files: ImageFiles, owned: Set<string>, notes: string[]): void {
  const text = boundedText(files, APK_INSTALLED, MAX_PACKAGE_DB_BYTES, 'a package database', notes);
  if (text === undefined) return;
  let dir = '';
  for (const [line] of linesOf(text)) {
    if (line === '') dir = '';
    else if (line.startsWith('F:')) dir = rootRelative(line.slice(2));
    else if (line.startsWith('R:')) owned.add(dir ? `${dir}/${line.slice(2)}` : line.slice(2));
  }
}

function addRpmFiles(files: ImageFiles, owned: Set<string>): void {
  for (const path of RPM_SQLITE_DBS) {
    const buf = files.get(path);
    if (!buf) continue;
    // Headers that do not parse are left out here, and counted by the package reader.
    for (const header of rpmDbHeaders(buf)) for (const file of header.files()) owned.add(rootRelative(file));
  }
}

function rpmDbHeaders(buf: Buffer): RpmHeader[] {
  try {
    return takeRpmDbHeaders(buf).headers;
  } catch {
    // The package reader notes an unreadable database; no file list is known then.
    return [];
  }
}

/**
 * Every file the image's OS package databases say an installed package owns (paths relative to the root).
 * A file list or apk database over its limit is noted in `notes`.
 */
export function osOwnedFiles(files: ImageFiles, notes: string[] = []): Set<string> {
  const owned = new Set<string>();
  addDpkgLists(files, owned, notes);
  addApkFiles(files, owned, notes);
  addRpmFiles(files, owned);
  return owned;
}

/** The image file a package was read from: a nested archive (`outer.war!/WEB-INF/lib/x.jar`) is its outer file. */
function imageFileOf(p: Package): string {
  const bang = p.location.indexOf('!/');
  return bang < 0 ? p.location : p.location.slice(0, bang);
}

/** Python metadata directories (`*.dist-info`, `*.egg-info`) belong to whoever owns the directory. */
function metadataDirOf(file: string): string | undefined {
  const dir = file.slice(0, file.lastIndexOf('/'));
  return /\.(dist|egg)-info$/.test(dir) ? dir : undefined;
}

function isOsOwned(p: Package, owned: ReadonlySet<string>): boolean {
  const file = imageFileOf(p);
  if (owned.has(file)) return true;
  const dir = p.type === 'pypi' ? metadataDirOf(file) : undefined;
  return dir !== undefined && owned.has(dir);
}

/** Leaves out language packages read from files an OS package installed (see the module comment). */
export function withoutOsOwned(packages: readonly Package[], owned: ReadonlySet<string>): Package[] {
  if (owned.size === 0) return [...packages];
  return packages.filter((p) => !LANGUAGE_TYPES.has(p.type) || !isOsOwned(p, owned));
}
