import { purl } from '../purl.js';
import type { FileRequest, ImageFiles, OsInfo, Package, PackageAnalyzer } from '../types.js';
import { readGoBuildInfo, type GoModule } from './go-buildinfo.js';

const MAX_BINARY = 256 * 1024 * 1024;
/** The Go runtime alone is larger than this: smaller executables are C programs and are not kept. */
const MIN_BINARY = 256 * 1024;
/** Executables that cannot be Go binaries: shared libraries and scripts. */
const NOT_GO = /\.(so(\.\d+)*|sh|bash|py|pl|rb|js|jar|txt|conf)$/;

/** OSV Go records write versions without the `v` prefix; the purl keeps Go's own spelling. */
function goPackage(path: string, version: string, location: string): Package {
  const slash = path.lastIndexOf('/');
  const ns = slash > 0 ? path.slice(0, slash) : undefined;
  const name = slash > 0 ? path.slice(slash + 1) : path;
  return {
    type: 'golang',
    name: path,
    version: version.replace(/^v/, ''),
    ecosystem: 'Go',
    purl: purl('golang', ns, name, version),
    location,
  };
}

function effective(m: GoModule): { path: string; version: string } {
  return m.replace?.version ? { path: m.replace.path, version: m.replace.version } : { path: m.path, version: m.version };
}

export function packagesFromGoBinary(buf: Buffer, location: string): Package[] {
  const info = readGoBuildInfo(buf);
  if (!info) return [];
  const out: Package[] = [];
  const stdlib = info.goVersion.replace(/^go/, '');
  if (/^\d/.test(stdlib)) out.push(goPackage('stdlib', `v${stdlib}`, location));
  // `(devel)` is the main module built from a checkout: it has no version to look up.
  if (info.main && info.main.version && info.main.version !== '(devel)') out.push(goPackage(info.main.path, info.main.version, location));
  for (const dep of info.deps) {
    const e = effective(dep);
    if (e.version) out.push(goPackage(e.path, e.version, location));
  }
  return out;
}

export const goBinaryAnalyzer: PackageAnalyzer = {
  name: 'go-binary',
  wants: (file: FileRequest) =>
    (file.mode & 0o111) !== 0 && file.size >= MIN_BINARY && file.size <= MAX_BINARY && !NOT_GO.test(file.path),
  analyze(files: ImageFiles, _os: OsInfo | undefined, _notes: string[]): Package[] {
    const out: Package[] = [];
    for (const path of [...files.files.keys()].sort()) {
      if (NOT_GO.test(path)) continue;
      const buf = files.get(path);
      if (buf) for (const p of packagesFromGoBinary(buf, path)) out.push(p);
    }
    return out;
  },
};
