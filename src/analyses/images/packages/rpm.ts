import Database from 'better-sqlite3';
import { purl } from '../purl.js';
import type { FileRequest, ImageFiles, OsInfo, Package, PackageAnalyzer } from '../types.js';
import { assertPackageDbSize, distroNamespace, distroQualifier, linesOf } from './os-package.js';
import { parseRpmHeader, sourceRpmName, type RpmHeader } from './rpm-header.js';

const SQLITE_DBS = ['var/lib/rpm/rpmdb.sqlite', 'usr/lib/sysimage/rpm/rpmdb.sqlite'];
/** BerkeleyDB (`Packages`) and NDB (`Packages.db`) rpmdbs: recognised so the report can say they were not read. */
const OTHER_DBS = ['var/lib/rpm/Packages', 'var/lib/rpm/Packages.db', 'usr/lib/sysimage/rpm/Packages', 'usr/lib/sysimage/rpm/Packages.db'];

const MAX_DB = 512 * 1024 * 1024;

/**
 * The package list distroless Azure Linux and CBL-Mariner images carry instead of an rpmdb: one
 * `rpm -qa --queryformat` line per package, tab-separated.
 */
export const RPM_MANIFEST = 'var/lib/rpmmanifest/container-manifest-2';
const MAX_MANIFEST = 16 * 1024 * 1024;

/** The header blobs of an rpm sqlite database (`Packages(hnum, blob)`), in install order. */
function readBlobs(buf: Buffer): Buffer[] {
  // rpm keeps its sqlite database in WAL mode; an in-memory copy cannot open a WAL database, and an
  // image's database is checkpointed on close, so the copy is switched to the rollback journal (bytes 18-19).
  const copy = Buffer.from(buf);
  if (copy.length >= 20 && copy[18] === 2 && copy[19] === 2) {
    copy[18] = 1;
    copy[19] = 1;
  }
  const db = new Database(copy, { readonly: true });
  try {
    const rows = db.prepare('SELECT blob FROM Packages ORDER BY hnum').all() as Array<{ blob: unknown }>;
    return rows.map((r) => r.blob).filter((b): b is Buffer => Buffer.isBuffer(b));
  } finally {
    db.close();
  }
}

/** The headers of one rpm sqlite database that parse, in install order, and how many did not. */
export interface RpmDbHeaders {
  headers: RpmHeader[];
  unreadable: number;
}

function parseRpmDb(buf: Buffer): RpmDbHeaders {
  const headers: RpmHeader[] = [];
  let unreadable = 0;
  for (const blob of readBlobs(buf)) {
    try {
      headers.push(parseRpmHeader(blob));
    } catch {
      unreadable++;
    }
  }
  return { headers, unreadable };
}

/**
 * Databases the package list has read and the owned-files reader has not yet taken: both need every
 * header, so an image's database is opened, and each header walked, once per scan. The owned-files reader
 * deletes what it takes, so nothing is kept past the scan (src/core/memo.ts says why a module-level WeakMap
 * must not hold on to values).
 */
const UNTAKEN = new WeakMap<Buffer, RpmDbHeaders | Error>();

function readOnce(buf: Buffer): RpmDbHeaders | Error {
  let read = UNTAKEN.get(buf);
  if (read === undefined) {
    try {
      read = parseRpmDb(buf);
    } catch (e) {
      read = e instanceof Error ? e : new Error(String(e));
    }
  }
  return read;
}

/** The headers of an rpm sqlite database, kept for takeRpmDbHeaders. Throws when the database cannot be read. */
export function readRpmDbHeaders(buf: Buffer): RpmDbHeaders {
  const read = readOnce(buf);
  UNTAKEN.set(buf, read);
  if (read instanceof Error) throw read;
  return read;
}

/** The headers readRpmDbHeaders kept for this database (read now if it did not), no longer kept. Throws like it. */
export function takeRpmDbHeaders(buf: Buffer): RpmDbHeaders {
  const read = readOnce(buf);
  UNTAKEN.delete(buf);
  if (read instanceof Error) throw read;
  return read;
}

export function packagesFromRpmHeaders({ headers, unreadable }: RpmDbHeaders, location: string, os: OsInfo | undefined, notes: string[]): Package[] {
  const out: Package[] = [];
  for (const h of headers) {
    // gpg-pubkey entries are imported signing keys, not software.
    if (!h.name || !h.version || h.name === 'gpg-pubkey') continue;
    const version = h.release ? `${h.version}-${h.release}` : h.version;
    const full = h.epoch !== undefined && h.epoch > 0 ? `${h.epoch}:${version}` : version;
    const pkg: Package = {
      type: 'rpm',
      name: h.name,
      version: full,
      purl: purl('rpm', distroNamespace(os, 'redhat'), h.name, version, {
        arch: h.arch,
        epoch: h.epoch !== undefined && h.epoch > 0 ? String(h.epoch) : undefined,
        distro: distroQualifier(os),
      }),
      location,
      sourceName: (h.sourceRpm && sourceRpmName(h.sourceRpm)) || h.name,
    };
    if (os?.osvEcosystem) pkg.ecosystem = os.osvEcosystem;
    if (h.arch) pkg.arch = h.arch;
    if (h.license) pkg.licenses = [h.license];
    out.push(pkg);
  }
  if (unreadable > 0) notes.push(`${location}: ${unreadable} rpm header(s) could not be read and were skipped`);
  return out;
}

/** The architecture field of a manifest line: a word such as `x86_64` or `noarch`, never a number or `(none)`. */
function isArch(field: string | undefined): field is string {
  return field !== undefined && /^[a-z][a-z0-9_]*$/i.test(field) && field !== 'none';
}

/**
 * One line of `container-manifest-2`. Mariner 2.0 writes ten fields (name, version-release, install time,
 * build time, vendor, epoch, size, arch, signature, source rpm); Azure Linux 3.0 images also carry a shorter
 * six-field form (name, version-release, install time, epoch, arch, source rpm). Both start with name and
 * version-release and end with the source rpm, with the arch just before it or at field 8.
 */
function parseManifestLine(line: string): { name: string; versionRelease: string; epoch?: number; arch?: string; sourceRpm?: string } | undefined {
  const f = line.split('\t');
  const [name, versionRelease] = f;
  if (!name || !versionRelease || f.length < 2) return undefined;
  const last = f.at(-1);
  const sourceRpm = last !== undefined && /\.(src|nosrc)\.rpm$/.test(last) ? last : undefined;
  // A line shorter than the six-field form has no arch field: the one before last is its name or version.
  const arch = f.length === 10 ? f[7] : f.length >= 6 ? f.at(-2) : undefined;
  const epochField = f.length === 10 ? f[5] : f.length === 6 ? f[3] : undefined;
  const epoch = epochField !== undefined && /^\d+$/.test(epochField) ? Number(epochField) : undefined;
  return { name, versionRelease, ...(epoch !== undefined && epoch > 0 ? { epoch } : {}), ...(isArch(arch) ? { arch } : {}), ...(sourceRpm ? { sourceRpm } : {}) };
}

/** Packages of a `container-manifest-2` (read as Trivy reads it: the image's package list when it has no rpmdb). */
export function packagesFromRpmManifest(text: string, location: string, os: OsInfo | undefined, notes: string[]): Package[] {
  const out: Package[] = [];
  let bad = 0;
  for (const [line] of linesOf(text)) {
    if (line.trim() === '') continue;
    const entry = parseManifestLine(line);
    if (!entry || !entry.versionRelease.includes('-')) {
      bad++;
      continue;
    }
    if (entry.name === 'gpg-pubkey') continue;
    const full = entry.epoch !== undefined ? `${entry.epoch}:${entry.versionRelease}` : entry.versionRelease;
    const pkg: Package = {
      type: 'rpm',
      name: entry.name,
      version: full,
      purl: purl('rpm', distroNamespace(os, 'redhat'), entry.name, entry.versionRelease, {
        arch: entry.arch,
        epoch: entry.epoch !== undefined ? String(entry.epoch) : undefined,
        distro: distroQualifier(os),
      }),
      location,
      sourceName: (entry.sourceRpm && sourceRpmName(entry.sourceRpm)) || entry.name,
    };
    if (os?.osvEcosystem) pkg.ecosystem = os.osvEcosystem;
    if (entry.arch) pkg.arch = entry.arch;
    out.push(pkg);
  }
  if (bad > 0) notes.push(`${location}: ${bad} line(s) without a name and version-release were skipped`);
  return out;
}

export const rpmAnalyzer: PackageAnalyzer = {
  name: 'rpm',
  wants(file: FileRequest): boolean {
    // Kept at any size (up to the walker's own limit) so that one over MAX_MANIFEST is refused by name, not missed.
    if (file.path === RPM_MANIFEST) return true;
    if (SQLITE_DBS.includes(file.path)) return file.size <= MAX_DB;
    // Only the fact that the file exists is used; the cap keeps a huge one from being held.
    return OTHER_DBS.includes(file.path) && file.size <= MAX_DB;
  },
  analyze(files: ImageFiles, os: OsInfo | undefined, notes: string[]): Package[] {
    const out: Package[] = [];
    for (const path of SQLITE_DBS) {
      const buf = files.get(path);
      if (!buf) continue;
      let db: RpmDbHeaders;
      try {
        db = readRpmDbHeaders(buf);
      } catch (e) {
        notes.push(`${path}: rpm database not readable (${(e as Error).message})`);
        continue;
      }
      for (const p of packagesFromRpmHeaders(db, path, os, notes)) out.push(p);
    }
    const readSqlite = SQLITE_DBS.some((p) => files.get(p));
    // Distroless Azure Linux and Mariner images have no rpmdb, only the manifest; where both exist the rpmdb is the record.
    const manifest = readSqlite ? undefined : files.get(RPM_MANIFEST);
    if (manifest) {
      assertPackageDbSize(manifest, RPM_MANIFEST, MAX_MANIFEST, 'a package list, and was not read');
      for (const p of packagesFromRpmManifest(manifest.toString('utf8'), RPM_MANIFEST, os, notes)) out.push(p);
    }
    // Fedora keeps a BerkeleyDB leftover beside its sqlite database; the note is for images with no sqlite one.
    for (const path of OTHER_DBS) {
      if (!readSqlite && !manifest && files.get(path)) notes.push(`${path}: BerkeleyDB/NDB rpm databases are not read; packages of this image from rpm are not listed`);
    }
    return out;
  },
};
