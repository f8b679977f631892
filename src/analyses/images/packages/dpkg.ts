import { purl } from '../purl.js';
import type { FileRequest, ImageFiles, OsInfo, Package, PackageAnalyzer } from '../types.js';
import { assertPackageDbSize, distroNamespace, distroQualifier, installedKey, parseStanzas } from './os-package.js';

const STATUS = 'var/lib/dpkg/status';
const STATUS_D = 'var/lib/dpkg/status.d/';

/** `install ok installed` and `hold ok installed`: the package is unpacked and configured. */
function isInstalled(status: string | undefined): boolean {
  const words = status?.trim().split(/\s+/) ?? [];
  return words.length === 3 && words[1] === 'ok' && words[2] === 'installed';
}

/** Packages of one dpkg status text (a whole `status` file, or one distroless `status.d/<name>` file). */
export function parseDpkgStatus(text: string, location: string, os: OsInfo | undefined, notes: string[]): Package[] {
  const out: Package[] = [];
  for (const stanza of parseStanzas(text)) {
    const f = stanza.fields;
    const name = f.get('Package');
    const version = f.get('Version');
    // status.d files of distroless images carry no Status field: being listed there means installed.
    if (f.has('Status') && !isInstalled(f.get('Status'))) continue;
    if (!name || !version) {
      notes.push(`${location}:${stanza.line}: dpkg stanza without Package or Version skipped`);
      continue;
    }
    const arch = f.get('Architecture');
    const pkg: Package = {
      type: 'deb',
      name,
      version,
      purl: purl('deb', distroNamespace(os, 'debian'), name, version, { arch, distro: distroQualifier(os) }),
      location,
    };
    if (os?.osvEcosystem) pkg.ecosystem = os.osvEcosystem;
    if (arch) pkg.arch = arch;
    // `Source: name` or `Source: name (version)`; without it the source package has the binary's name.
    const source = f.get('Source')?.match(/^(\S+)(?:\s+\(([^)]+)\))?/);
    pkg.sourceName = source?.[1] ?? name;
    if (source?.[2]) pkg.sourceVersion = source[2];
    out.push(pkg);
  }
  return out;
}

export const dpkgAnalyzer: PackageAnalyzer = {
  name: 'dpkg',
  wants(file: FileRequest): boolean {
    if (file.path === STATUS) return true;
    return file.path.startsWith(STATUS_D) && !file.path.slice(STATUS_D.length).includes('/') && !file.path.endsWith('.md5sums');
  },
  analyze(files: ImageFiles, os: OsInfo | undefined, notes: string[]): Package[] {
    const out: Package[] = [];
    const seen = new Set<string>();
    for (const path of [STATUS, ...files.under(STATUS_D)]) {
      const buf = files.get(path);
      if (!buf) continue;
      assertPackageDbSize(buf, path);
      for (const p of parseDpkgStatus(buf.toString('utf8'), path, os, notes)) {
        // An image with both a status file and status.d lists some packages twice.
        const key = installedKey(p.name, p.version, p.arch);
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(p);
      }
    }
    return out;
  },
};
