import type { FileRequest, ImageFiles, OsInfo } from './types.js';

/** The files OS detection reads, in order of preference. */
export const OS_RELEASE_PATHS = ['etc/os-release', 'usr/lib/os-release', 'etc/alpine-release', 'etc/debian_version'] as const;

/** Whether the walker should keep a file for detectOs (small text files only). */
export function wantsOsFile(file: FileRequest): boolean {
  return (OS_RELEASE_PATHS as readonly string[]).includes(file.path) && file.size <= 64 * 1024;
}

/** `KEY=value` lines of os-release(5); values may be quoted with `"` or `'` and use backslash escapes. */
export function parseOsRelease(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    const q = value[0];
    if ((q === '"' || q === "'") && value.endsWith(q) && value.length >= 2) {
      value = value.slice(1, -1);
      if (q === '"') value = value.replace(/\\(["\\$`])/g, '$1');
    }
    out.set(key, value);
  }
  return out;
}

/** The major number of a dotted version (`3.0` → `3`), or undefined when it does not start with digits. */
function major(version: string | undefined): string | undefined {
  return version?.match(/^(\d+)/)?.[1];
}

/**
 * The OSV ecosystem name of an OS release (ossf/osv-schema ecosystems): the release suffix is what OSV
 * records of that distribution carry. Red Hat records are scoped by product CPE (`Red Hat:enterprise_linux:9::baseos`,
 * `...::appstream`); the prefix up to the major version is returned, which a matcher compares as a prefix.
 */
export function osvEcosystemFor(id: string, versionId: string | undefined, version: string | undefined): string | undefined {
  switch (id) {
    case 'debian': {
      const m = major(versionId);
      return m ? `Debian:${m}` : undefined;
    }
    case 'ubuntu': {
      if (!versionId) return undefined;
      return /\bLTS\b/.test(version ?? '') ? `Ubuntu:${versionId}:LTS` : `Ubuntu:${versionId}`;
    }
    case 'alpine': {
      const m = versionId?.match(/^(\d+)\.(\d+)/);
      return m ? `Alpine:v${m[1]}.${m[2]}` : undefined;
    }
    case 'azurelinux': {
      const m = major(versionId);
      return m ? `Azure Linux:${m}` : undefined;
    }
    // OSV files CBL-Mariner, Azure Linux's earlier name, under Azure Linux: 2.0 is `Azure Linux:2`.
    case 'mariner':
    case 'cbl-mariner': {
      const m = major(versionId);
      return m ? `Azure Linux:${m}` : undefined;
    }
    case 'rhel': {
      const m = major(versionId);
      return m ? `Red Hat:enterprise_linux:${m}` : undefined;
    }
    case 'rocky': {
      const m = major(versionId);
      return m ? `Rocky Linux:${m}` : undefined;
    }
    case 'almalinux': {
      const m = major(versionId);
      return m ? `AlmaLinux:${m}` : undefined;
    }
    case 'wolfi':
      return 'Wolfi';
    case 'chainguard':
      return 'Chainguard';
    default:
      return undefined;
  }
}

function withEcosystem(info: OsInfo, version?: string): OsInfo {
  const eco = osvEcosystemFor(info.id, info.versionId, version);
  return eco ? { ...info, osvEcosystem: eco } : info;
}

/**
 * The image's OS from `etc/os-release` (or `usr/lib/os-release`), else `etc/alpine-release`, else
 * `etc/debian_version`. Undefined when none of them names one (scratch and distroless-static images).
 */
export function detectOs(files: ImageFiles): OsInfo | undefined {
  for (const path of ['etc/os-release', 'usr/lib/os-release']) {
    const buf = files.get(path);
    if (!buf) continue;
    const kv = parseOsRelease(buf.toString('utf8'));
    const id = kv.get('ID')?.toLowerCase();
    if (!id) continue;
    const info: OsInfo = { id };
    let versionId = kv.get('VERSION_ID');
    // Debian testing/sid and some minimal images leave VERSION_ID out; debian_version still has the number.
    if (!versionId && id === 'debian') versionId = debianVersion(files);
    if (versionId) info.versionId = versionId;
    const pretty = kv.get('PRETTY_NAME');
    if (pretty) info.prettyName = pretty;
    return withEcosystem(info, kv.get('VERSION'));
  }
  const alpine = files.get('etc/alpine-release')?.toString('utf8').trim();
  if (alpine) return withEcosystem({ id: 'alpine', versionId: alpine });
  const deb = debianVersion(files);
  if (deb) return withEcosystem({ id: 'debian', versionId: deb });
  if (files.get('etc/debian_version')) return { id: 'debian' };
  return undefined;
}

/** `etc/debian_version` when it is a release number (`12.4`), not a codename (`bookworm/sid`). */
function debianVersion(files: ImageFiles): string | undefined {
  const text = files.get('etc/debian_version')?.toString('utf8').trim();
  return text && /^\d+(\.\d+)*$/.test(text) ? text : undefined;
}
