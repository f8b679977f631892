/**
 * One image, end to end: open it (tarball, OCI layout or registry), walk its layers once keeping only the
 * files the package analysers ask for, list its packages, and match them against the vulnerability
 * database. Shared by `palisade image scan` and `palisade scan --images`.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeImagePackages, wantsImageFile } from '../analyses/images/index.js';
import type { FileRequest, ImageReport, ImageVulnerability, OsInfo, Package } from '../analyses/images/types.js';
import { errorMessage } from '../core/errors.js';
import { parseImageReference } from '../core/image-reference.js';
import { openImage, readImageFiles, type ImageSource, type WalkLimits } from '../ingest/image/index.js';
import type { VulnDb, VulnMatch } from '../vulndb/index.js';

export interface ImageScanOptions {
  /** `os/arch[/variant]`, default linux/amd64. */
  platform?: string;
  /** Plain HTTP and unverified TLS for registries other than loopback. */
  insecure?: boolean;
  limits?: Partial<WalkLimits>;
  /** Directory of package lists by image digest: an image already read is not read again. */
  cacheDir?: string;
  /** Vulnerabilities that have no fixed version are left out. */
  ignoreUnfixed?: boolean;
  /**
   * Package lists of the images read in this run, by digest: an image named twice (by tag and by digest)
   * is walked once.
   */
  listedInRun?: Map<string, Promise<CachedPackages>>;
  /** The `--db` the scan was given: the command that reads the image again must name the same database. */
  dbFlag?: string;
}

export interface ImageScanOutcome {
  report: ImageReport;
  /** Registry references the image is known by (see ImageSource.names). */
  names: readonly string[];
  os?: OsInfo;
  packages: Package[];
  /** Remarks about the image, without its name: the caller names it (as `report.ref`) once. */
  notes: string[];
  /**
   * Problems that make the package list incomplete (a layer that could not be read, an analyser that
   * failed), without the image's name like `notes`.
   */
  errors: string[];
  /** Whether the package list came from the cache. */
  cached: boolean;
}

/** Bump when analysers change what they find, so cached package lists are read again. */
const CACHE_VERSION = 3;

export interface CachedPackages {
  version: number;
  os?: OsInfo;
  packages: Package[];
}

export async function scanImage(input: string, db: VulnDb | undefined, opts: ImageScanOptions = {}): Promise<ImageScanOutcome> {
  const source = await openImage(input, {
    ...(opts.platform !== undefined ? { platform: opts.platform } : {}),
    ...(opts.insecure !== undefined ? { insecure: opts.insecure } : {}),
  });
  try {
    // Legacy docker save archives hold no manifest: their config digest keys the cache but names no image.
    const cacheKey = source.manifestDigest ?? source.configDigest;
    const notes = [...source.notes];
    const errors: string[] = [];
    let listed = readCache(opts.cacheDir, cacheKey);
    let cached = listed !== undefined;
    if (listed === undefined) {
      const earlier = opts.listedInRun?.get(cacheKey);
      if (earlier !== undefined) {
        listed = await earlier;
        cached = true;
      } else {
        const listing = listPackages(source, opts.limits, notes, errors);
        const shared = listing.then((l) => l.listed);
        // Whoever awaits it sees a failure; unawaited it must not become an unhandled rejection.
        shared.catch(() => undefined);
        opts.listedInRun?.set(cacheKey, shared);
        const { listed: fresh, complete } = await listing;
        listed = fresh;
        // An incomplete list is not cached: the next run tries again.
        if (complete) writeCache(opts.cacheDir, cacheKey, listed, notes);
      }
    }
    const { packages, os } = listed;
    const unmatched = unmatchableOsPackagesNote(os, packages);
    if (unmatched !== undefined) notes.push(unmatched);
    let vulnerabilities = db === undefined ? [] : db.match(packages).map(toImageVulnerability);
    if (opts.ignoreUnfixed) vulnerabilities = vulnerabilities.filter((v) => v.fixedVersions.length > 0);
    const report: ImageReport = {
      ref: source.ref,
      ...(source.manifestDigest !== undefined ? { digest: source.manifestDigest } : {}),
      rescan: rescanInput(input, source),
      ...(opts.dbFlag !== undefined ? { rescanOptions: ['--db', opts.dbFlag] } : {}),
      ...otherNames(source),
      packageCount: packages.length,
      vulnerabilities,
      source: 'palisade',
      ...(os !== undefined ? { os } : {}),
    };
    const unnamed = (m: string) => withoutName(m, source.ref);
    return { report, names: source.names, packages, notes: notes.map(unnamed), errors: errors.map(unnamed), cached, ...(os !== undefined ? { os } : {}) };
  } finally {
    await source.close();
  }
}

const OS_PACKAGE_TYPES: ReadonlySet<string> = new Set(['deb', 'apk', 'rpm']);

/**
 * Why the image's OS packages cannot be matched, when they cannot: no os-release, or an OS (or a release:
 * Debian testing has no number) that no OSV ecosystem covers. Their vulnerabilities would otherwise be
 * missing without a word, and the image would look clean.
 */
export function unmatchableOsPackagesNote(os: OsInfo | undefined, packages: readonly Package[]): string | undefined {
  const count = packages.filter((p) => OS_PACKAGE_TYPES.has(p.type)).length;
  if (count === 0) return undefined;
  if (os === undefined) return `OS packages found but no os-release: they cannot be matched to an OS release's advisories`;
  if (os.osvEcosystem !== undefined) return undefined;
  const release = os.prettyName ?? `${os.id}${os.versionId !== undefined ? ` ${os.versionId}` : ''}`;
  return `${count} OS package${count === 1 ? '' : 's'} found, but ${release} has no OSV ecosystem (an unknown distribution, or a release without a version number such as a testing one): ${count === 1 ? 'it was' : 'they were'} not matched against any advisories`;
}

/** Walks the image's layers once and lists its packages; `complete` when nothing stopped either. */
async function listPackages(
  source: ImageSource,
  limits: Partial<WalkLimits> | undefined,
  notes: string[],
  errors: string[],
): Promise<{ listed: CachedPackages; complete: boolean }> {
  // The Go analyser needs to know which files are executable; the walker only tells wants() that.
  const modes = new Map<string, FileRequest>();
  const walked = await readImageFiles(
    source,
    (f) => {
      if (!wantsImageFile(f)) return false;
      modes.set(f.path, f);
      return true;
    },
    limits,
  );
  // One at a time: a hostile layer can make hundreds of thousands of notes, too many to spread.
  for (const n of walked.notes) notes.push(n);
  for (const e of walked.errors) errors.push(e);
  const found = analyzeImagePackages(walked.files, notes, undefined, modes);
  for (const e of found.errors) errors.push(e);
  const listed = { version: CACHE_VERSION, packages: found.packages, ...(found.os !== undefined ? { os: found.os } : {}) };
  return { listed, complete: walked.complete && found.errors.length === 0 };
}

/** The registry references of the image other than the one it is reported under: workloads may use any. */
function otherNames(source: ImageSource): { refs?: string[] } {
  const refs = source.names.filter((n) => n !== source.ref);
  return refs.length > 0 ? { refs } : {};
}

/**
 * What reads the same image again. A local archive or layout is named as it was given (`PATH`, `PATH:TAG`):
 * a digest appended to a path names nothing. A registry image is pinned to the digest just read, so the
 * command checks this image and not whatever the tag points to later.
 */
function rescanInput(input: string, source: ImageSource): string {
  if (source.kind !== 'registry' || source.manifestDigest === undefined) return input;
  const ref = parseImageReference(input.replace(/^docker:(?:\/\/)?/, ''));
  if (ref === undefined) return input;
  return `${ref.name}${ref.tag !== undefined ? `:${ref.tag}` : ''}@${source.manifestDigest}`;
}

/** The readers and the walker name the image at the start of each message; the caller names it instead. */
function withoutName(message: string, ref: string): string {
  return message.startsWith(`${ref}: `) ? message.slice(ref.length + 2) : message;
}

// The database's info is a rating below low (negligible, unimportant, a CVSS score of 0), not the absence of one.
const SEVERITY_OF: Record<string, ImageVulnerability['severity']> = { critical: 'critical', high: 'high', medium: 'medium', low: 'low', info: 'negligible' };

export function toImageVulnerability(m: VulnMatch): ImageVulnerability {
  const p = m.package;
  return {
    id: m.id,
    aliases: m.aliases,
    package: { name: p.name, version: p.version, type: p.type, purl: p.purl, location: p.location, ...(p.ecosystem !== undefined ? { ecosystem: p.ecosystem } : {}) },
    fixedVersions: m.fixedVersions,
    ...(m.fixStatus !== undefined ? { fixStatus: m.fixStatus } : {}),
    severity: (m.severity !== undefined ? SEVERITY_OF[m.severity] : undefined) ?? 'unknown',
    ...(m.cvss !== undefined ? { cvss: { version: m.cvss.version, vector: m.cvss.vector, ...(m.cvss.score !== undefined ? { score: m.cvss.score } : {}) } } : {}),
    ...(m.summary !== undefined ? { summary: m.summary } : {}),
  };
}

function cacheFile(dir: string, digest: string): string {
  return join(dir, `${digest.replace(/[^A-Za-z0-9]/g, '-')}.json`);
}

function readCache(dir: string | undefined, digest: string): CachedPackages | undefined {
  if (dir === undefined) return undefined;
  try {
    const c = JSON.parse(readFileSync(cacheFile(dir, digest), 'utf8')) as CachedPackages;
    return c.version === CACHE_VERSION && Array.isArray(c.packages) ? c : undefined;
  } catch {
    // Absent or unreadable: read the image.
    return undefined;
  }
}

function writeCache(dir: string | undefined, digest: string, listed: CachedPackages, notes: string[]): void {
  if (dir === undefined) return;
  try {
    mkdirSync(dir, { recursive: true });
    const file = cacheFile(dir, digest);
    // Written beside and renamed: a scan running at the same time never reads half a file.
    writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(listed));
    renameSync(`${file}.${process.pid}.tmp`, file);
  } catch (e) {
    notes.push(`image cache ${dir}: ${errorMessage(e)} (the image will be read again next time)`);
  }
}
