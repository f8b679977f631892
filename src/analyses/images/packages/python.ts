import { normalizePypiName, purl, pypiPurlName } from '../purl.js';
import type { FileRequest, ImageFiles, OsInfo, Package, PackageAnalyzer } from '../types.js';

const MAX_METADATA = 8 * 1024 * 1024;

/** `*.dist-info/METADATA`, `*.egg-info/PKG-INFO`, or an `*.egg-info` file (the same format, written by distutils). */
function isMetadataPath(path: string): boolean {
  return /\.dist-info\/METADATA$/.test(path) || /\.egg-info\/PKG-INFO$/.test(path) || /\.egg-info$/.test(path);
}

/** Name, Version and License of core metadata (RFC-822 headers up to the first blank line). */
export function parsePythonMetadata(text: string, location: string, notes: string[]): Package | undefined {
  const headers = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    if (line.startsWith(' ') || line.startsWith('\t')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).toLowerCase();
    if (!headers.has(key)) headers.set(key, line.slice(colon + 1).trim());
  }
  const name = headers.get('name');
  const version = headers.get('version');
  if (!name || !version) {
    notes.push(`${location}: Python metadata without Name or Version skipped`);
    return undefined;
  }
  // The purl's spelling is the one shown; matching looks the PEP 503 form up (src/vulndb/names.ts).
  const shown = pypiPurlName(name);
  const pkg: Package = { type: 'pypi', name: shown, version, ecosystem: 'PyPI', purl: purl('pypi', undefined, shown, version), location };
  const licence = headers.get('license-expression') ?? headers.get('license');
  if (licence && licence !== 'UNKNOWN' && !licence.includes('\n')) pkg.licenses = [licence];
  return pkg;
}

export const pythonAnalyzer: PackageAnalyzer = {
  name: 'python',
  wants: (file: FileRequest) => file.size <= MAX_METADATA && isMetadataPath(file.path),
  analyze(files: ImageFiles, _os: OsInfo | undefined, notes: string[]): Package[] {
    const out: Package[] = [];
    const seen = new Set<string>();
    for (const path of [...files.files.keys()].sort()) {
      if (!isMetadataPath(path)) continue;
      const buf = files.get(path);
      const p = buf && parsePythonMetadata(buf.toString('utf8'), path, notes);
      if (!p) continue;
      const key = `${normalizePypiName(p.name)}@${p.version}@${path.slice(0, path.lastIndexOf('/'))}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(p);
    }
    return out;
  },
};
