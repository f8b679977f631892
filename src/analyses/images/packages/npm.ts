import { purl } from '../purl.js';
import type { FileRequest, ImageFiles, OsInfo, Package, PackageAnalyzer } from '../types.js';
import { parseJsonFile } from './json-file.js';

const MAX_LOCK = 64 * 1024 * 1024;
const MAX_MANIFEST = 1024 * 1024;
/** `node_modules/<name>/package.json` or `node_modules/@scope/<name>/package.json`, at any depth. */
const INSTALLED_MANIFEST = /(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/@.][^/]*\/package\.json$/;

function npmPackage(name: string, version: string, location: string, license?: unknown): Package {
  const scoped = name.startsWith('@') && name.includes('/');
  const ns = scoped ? name.slice(0, name.indexOf('/')) : undefined;
  const bare = scoped ? name.slice(name.indexOf('/') + 1) : name;
  const pkg: Package = { type: 'npm', name, version, ecosystem: 'npm', purl: purl('npm', ns, bare, version), location };
  if (typeof license === 'string' && license) pkg.licenses = [license];
  return pkg;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The package name of a lockfile v2/v3 `packages` key: the part after the last `node_modules/`. */
function nameFromLockKey(key: string): string | undefined {
  const at = key.lastIndexOf('node_modules/');
  return at < 0 ? undefined : key.slice(at + 'node_modules/'.length) || undefined;
}

/**
 * Packages of a package-lock.json (v1 nested `dependencies`, v2/v3 flat `packages`). Entries marked
 * `"dev": true` are left out: images are built with `npm ci --omit=dev`, which keeps the lockfile listing
 * devDependencies that were never installed.
 */
export function parsePackageLock(text: string, location: string, notes: string[]): Package[] {
  const doc = parseJsonFile(text, location, notes);
  if (!isRecord(doc)) return [];
  const out: Package[] = [];
  if (isRecord(doc.packages)) {
    for (const [key, entry] of Object.entries(doc.packages)) {
      if (key === '' || !isRecord(entry) || entry.link === true || entry.dev === true) continue;
      const name = typeof entry.name === 'string' ? entry.name : nameFromLockKey(key);
      if (!name || typeof entry.version !== 'string') continue;
      out.push(npmPackage(name, entry.version, location, entry.license));
    }
    return out;
  }
  const walk = (deps: unknown): void => {
    if (!isRecord(deps)) return;
    for (const [name, entry] of Object.entries(deps)) {
      // A dev dependency's own dependencies are dev too (npm marks them so), so the subtree is skipped whole.
      if (!isRecord(entry) || entry.dev === true) continue;
      // v1 `version` of a linked or git dependency is a URL or `file:` spec, not a version.
      if (typeof entry.version === 'string' && !/^(file:|link:|git|https?:)/.test(entry.version)) {
        out.push(npmPackage(name, entry.version, location));
      }
      walk(entry.dependencies);
    }
  };
  walk(doc.dependencies);
  return out;
}

/** The package an installed `node_modules/<name>/package.json` describes, if it names one. */
export function parseInstalledManifest(text: string, location: string): Package | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(doc) || typeof doc.name !== 'string' || typeof doc.version !== 'string') return undefined;
  return npmPackage(doc.name, doc.version, location, doc.license);
}

/** Every `node_modules/` directory (with its trailing slash) an installed manifest's path goes through. */
function nodeModulesDirsOf(manifestPath: string): string[] {
  const dirs: string[] = [];
  for (let at = manifestPath.indexOf('node_modules/'); at >= 0; at = manifestPath.indexOf('node_modules/', at + 1)) {
    if (at === 0 || manifestPath[at - 1] === '/') dirs.push(manifestPath.slice(0, at + 'node_modules/'.length));
  }
  return dirs;
}

/** The `node_modules/` directory a lockfile describes: beside a package-lock.json, around a hidden .package-lock.json. */
function nodeModulesOfLock(lockPath: string): string {
  const dir = lockPath.slice(0, lockPath.lastIndexOf('/') + 1);
  return lockPath.endsWith('.package-lock.json') ? dir : `${dir}node_modules/`;
}

export const npmAnalyzer: PackageAnalyzer = {
  name: 'npm',
  wants(file: FileRequest): boolean {
    const base = file.path.slice(file.path.lastIndexOf('/') + 1);
    if (base === 'package-lock.json') return file.size <= MAX_LOCK && !file.path.includes('node_modules/');
    if (base === '.package-lock.json') return file.size <= MAX_LOCK && file.path.endsWith('node_modules/.package-lock.json');
    return base === 'package.json' && file.size <= MAX_MANIFEST && INSTALLED_MANIFEST.test(file.path);
  },
  analyze(files: ImageFiles, _os: OsInfo | undefined, notes: string[]): Package[] {
    const found: Package[] = [];
    const paths = [...files.files.keys()].sort();
    const installed = paths.filter((path) => INSTALLED_MANIFEST.test(path));
    for (const path of installed) {
      const buf = files.get(path);
      const p = buf && parseInstalledManifest(buf.toString('utf8'), path);
      if (p) found.push(p);
    }
    const treesPresent = new Set(installed.flatMap(nodeModulesDirsOf));
    for (const path of paths) {
      const base = path.slice(path.lastIndexOf('/') + 1);
      if (base !== 'package-lock.json' && base !== '.package-lock.json') continue;
      // The installed tree is what the container runs: a lockfile beside it would only add packages that
      // were omitted at install time or removed (whited out) by a later layer.
      if (treesPresent.has(nodeModulesOfLock(path))) continue;
      const buf = files.get(path);
      if (buf) for (const p of parsePackageLock(buf.toString('utf8'), path, notes)) found.push(p);
    }
    const seen = new Set<string>();
    return found.filter((p) => {
      const key = `${p.name}@${p.version}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  },
};
