/**
 * The shapes shared by the image readers (src/ingest/image), the package analysers
 * (src/analyses/images/packages) and the vulnerability matcher (src/vulndb).
 */

/** A regular file in an image layer, as the layer walker sees it before reading its content. */
export interface FileRequest {
  /** Path inside the image root, normalised: no leading `/` or `./`, `/`-separated (e.g. `var/lib/dpkg/status`). */
  path: string;
  size: number;
  /** Unix permission bits (e.g. 0o755). */
  mode: number;
}

/** The files analysers asked for, as the merged image filesystem has them (later layers and whiteouts applied). */
export interface ImageFiles {
  /** Path (as in FileRequest) → content. */
  readonly files: ReadonlyMap<string, Buffer>;
  get(path: string): Buffer | undefined;
  /** Paths under a directory prefix (e.g. `var/lib/dpkg/status.d/`), sorted. */
  under(prefix: string): string[];
}

/** The operating system of an image, from `etc/os-release` (or `etc/alpine-release`, `etc/debian_version`). */
export interface OsInfo {
  /** os-release ID, e.g. `debian`, `ubuntu`, `alpine`, `azurelinux`, `mariner`, `rhel`. */
  id: string;
  /** os-release VERSION_ID, e.g. `12`, `22.04`, `3.18.4`. */
  versionId?: string;
  prettyName?: string;
  /** The OSV ecosystem packages of this OS are recorded under, e.g. `Debian:12`, `Ubuntu:22.04:LTS`, `Alpine:v3.18`. */
  osvEcosystem?: string;
}

/** Package manager / language family a package was found by. Also the purl type. */
export type PackageType = 'deb' | 'apk' | 'rpm' | 'npm' | 'pypi' | 'nuget' | 'golang' | 'maven';

export interface Package {
  type: PackageType;
  name: string;
  version: string;
  /**
   * The OSV ecosystem to look the package up in: `Debian:12`, `Alpine:v3.18`, `npm`, `PyPI`, `Go`, `Maven`,
   * `NuGet`, ... (OS packages take the OS's ecosystem; undefined when the OS is unknown).
   */
  ecosystem?: string;
  /** OS packages: the source package (dpkg `Source:`, apk origin `o:`, rpm source rpm name), which OSV OS records are keyed by. */
  sourceName?: string;
  /** dpkg `Source: name (version)` when the source version differs from the binary one. */
  sourceVersion?: string;
  /** Package URL (https://github.com/package-url/purl-spec), e.g. `pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12`. */
  purl: string;
  /** The file the package was read from, inside the image (e.g. `var/lib/dpkg/status`). */
  location: string;
  licenses?: string[];
  arch?: string;
}

/** A package analyser: registered per file type and fed by the one layer walker (nothing reads a layer twice). */
export interface PackageAnalyzer {
  readonly name: string;
  /** Whether the walker should keep this file for analyze(). Decide from path, size and mode only. */
  wants(file: FileRequest): boolean;
  /**
   * Packages found in the files this analyser asked for. Malformed files are skipped with a note, never thrown;
   * only a package database too large to read throws (PackageDbRefused), which fails the image's scan.
   */
  analyze(files: ImageFiles, os: OsInfo | undefined, notes: string[]): Package[];
}

/** Severity of a vulnerability as its source rates it; `unknown` when nobody has rated it yet. */
/**
 * `negligible`: rated, and rated below low (Ubuntu's negligible, Debian's unimportant, Grype's Negligible,
 * a CVSS score of 0); `unknown`: nobody has rated it yet.
 */
export const VULNERABILITY_SEVERITIES = ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'] as const;
export type VulnerabilitySeverity = (typeof VULNERABILITY_SEVERITIES)[number];

/** One known vulnerability of one package in one image (aliases merged: one entry per vulnerability). */
export interface ImageVulnerability {
  /** The primary id (a CVE when the vulnerability has one, else the advisory id). */
  id: string;
  /** Every other id of the same vulnerability (GHSA, DSA, PYSEC, ...), sorted. */
  aliases: string[];
  /** `location`: the file inside the image the package was read from (as `Package.location`), when known. */
  package: { name: string; version: string; type?: PackageType | string; ecosystem?: string; purl?: string; location?: string };
  /** Versions that fix it on this package's line; empty when no fix is published. */
  fixedVersions: string[];
  /**
   * Why no fixed version is listed, when the source says: the distribution will not fix it (Trivy's
   * `will_not_fix`, Grype's `wont-fix`), has deferred the fix, or the release is past its end of life.
   * Absent when a fix may simply not be out yet.
   */
  fixStatus?: 'will-not-fix' | 'fix-deferred' | 'end-of-life';
  severity: VulnerabilitySeverity;
  cvss?: { version: string; vector?: string; score?: number };
  summary?: string;
}

/**
 * What is known about one image: from Palisade's own scan, or imported from another scanner's report.
 * This is the object of the `ContainerImage` resources the image rules check.
 */
export interface ImageReport {
  /** The image reference as the workloads (or the user) wrote it. */
  ref: string;
  /**
   * Other references the same image is known by (its other tags, `repo@sha256:...` digests, the references
   * other workloads wrote): workloads naming any of them, or pinning `digest` in one of their repositories, run it.
   */
  refs?: string[];
  /** The manifest digest, when known. */
  digest?: string;
  /**
   * What `palisade image scan` takes to read this very image again: the PATH or PATH:TAG of a local archive or
   * layout as it was given, REF@digest for a registry image. Absent for imported reports.
   */
  rescan?: string;
  /** Options the rescan needs besides the input (`--db FILE` when the scan named its database). */
  rescanOptions?: string[];
  os?: OsInfo;
  /** How many packages were found (undefined for imported reports that do not say). */
  packageCount?: number;
  vulnerabilities: ImageVulnerability[];
  /** Who produced it: `palisade`, `trivy` or `grype`. */
  source: string;
  /** The report file it was imported from. */
  file?: string;
}
