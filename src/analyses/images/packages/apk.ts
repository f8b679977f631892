import { purl } from '../purl.js';
import type { FileRequest, ImageFiles, OsInfo, Package, PackageAnalyzer } from '../types.js';
import { assertPackageDbSize, distroNamespace, installedKey, linesOf } from './os-package.js';

const INSTALLED = 'lib/apk/db/installed';

/**
 * Packages of an apk installed database: stanzas of `<letter>:<value>` lines separated by blank lines
 * (P name, V version, A arch, o origin = source package, L licence).
 */
export function parseApkInstalled(text: string, location: string, os: OsInfo | undefined, notes: string[]): Package[] {
  const out: Package[] = [];
  let fields = new Map<string, string>();
  let startLine = 0;
  // apk records each installed package once; a repeated stanza is listed once, so that a database of
  // one record copied a million times costs one package, not a million.
  const seen = new Set<string>();
  const flush = (): void => {
    if (fields.size === 0) return;
    const name = fields.get('P');
    const version = fields.get('V');
    const arch = fields.get('A');
    const key = name && version ? installedKey(name, version, arch) : undefined;
    if (!name || !version) {
      notes.push(`${location}:${startLine}: apk stanza ${name ? `'${name}' ` : ''}without ${name ? 'V:' : 'P:'} skipped`);
    } else if (key !== undefined && !seen.has(key)) {
      seen.add(key);
      const pkg: Package = {
        type: 'apk',
        name,
        version,
        purl: purl('apk', distroNamespace(os, 'alpine'), name, version, { arch, distro: os?.versionId }),
        location,
        sourceName: fields.get('o') ?? name,
      };
      if (os?.osvEcosystem) pkg.ecosystem = os.osvEcosystem;
      if (arch) pkg.arch = arch;
      const licence = fields.get('L');
      if (licence) pkg.licenses = [licence];
      out.push(pkg);
    }
    fields = new Map();
  };
  for (const [line, n] of linesOf(text)) {
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (line[1] !== ':') continue;
    const key = line[0] ?? '';
    // File entries (F/R/a/Z/M) repeat per file; only the first value of a package field matters.
    if (fields.size === 0) startLine = n;
    if (!fields.has(key)) fields.set(key, line.slice(2));
  }
  flush();
  return out;
}

export const apkAnalyzer: PackageAnalyzer = {
  name: 'apk',
  wants: (file: FileRequest) => file.path === INSTALLED,
  analyze(files: ImageFiles, os: OsInfo | undefined, notes: string[]): Package[] {
    const buf = files.get(INSTALLED);
    if (!buf) return [];
    assertPackageDbSize(buf, INSTALLED);
    return parseApkInstalled(buf.toString('utf8'), INSTALLED, os, notes);
  },
};
