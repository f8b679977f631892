import { purl } from '../purl.js';
import type { FileRequest, ImageFiles, OsInfo, Package, PackageAnalyzer } from '../types.js';
import { readZipEntry, zipEntries, type ZipEntry } from '../zip-entries.js';

const MAX_ARCHIVE = 256 * 1024 * 1024;
const ARCHIVE = /\.(jar|war|ear)$/i;
/** Small text entries (pom.properties, MANIFEST.MF) are read with this cap. */
const TEXT_LIMITS = { maxEntries: 200_000, maxEntrySize: 1024 * 1024 };
const NESTED_LIMITS = { maxEntries: 200_000, maxEntrySize: 64 * 1024 * 1024 };

function mavenPackage(groupId: string, artifactId: string, version: string, location: string): Package {
  return {
    type: 'maven',
    name: `${groupId}:${artifactId}`,
    version,
    ecosystem: 'Maven',
    purl: purl('maven', groupId, artifactId, version),
    location,
  };
}

/** `key=value` lines of a Java properties file (comments with `#` or `!`). */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const m = line.match(/^([^=:\s]+)\s*[=:]\s*(.*)$/);
    if (m?.[1]) out.set(m[1], (m[2] ?? '').trim());
  }
  return out;
}

/** Main attributes of a MANIFEST.MF (up to the first blank line; 72-byte lines continue with a space). */
export function parseManifest(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    if (line.startsWith(' ') && last) {
      out.set(last, (out.get(last) ?? '') + line.slice(1));
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim();
    out.set(last, line.slice(colon + 1).trim());
  }
  return out;
}

/** `name-1.2.3.jar` → { artifact: 'name', version: '1.2.3' } when the file name carries a version. */
function fromFileName(path: string): { artifact: string; version: string } | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1).replace(ARCHIVE, '');
  const m = base.match(/^(.+?)-(\d[\w.+-]*)$/);
  return m?.[1] && m[2] ? { artifact: m[1], version: m[2] } : undefined;
}

/** Packages of one archive: every `META-INF/maven/<g>/<a>/pom.properties`, else what MANIFEST.MF says. */
function archivePackages(buf: Buffer, location: string, notes: string[], nestedDepth: number): Package[] {
  let entries: ZipEntry[];
  try {
    entries = zipEntries(buf, TEXT_LIMITS);
  } catch (e) {
    notes.push(`${location}: not a readable archive (${(e as Error).message}); skipped`);
    return [];
  }
  const out: Package[] = [];
  for (const entry of entries) {
    if (!/^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(entry.name)) continue;
    const content = readZipEntry(buf, entry, TEXT_LIMITS);
    if (!content) continue;
    const props = parseProperties(content.toString('utf8'));
    const g = props.get('groupId');
    const a = props.get('artifactId');
    const v = props.get('version');
    if (g && a && v) out.push(mavenPackage(g, a, v, location));
  }
  if (out.length === 0) {
    const manifestEntry = entries.find((e) => e.name === 'META-INF/MANIFEST.MF');
    const manifest = manifestEntry && readZipEntry(buf, manifestEntry, TEXT_LIMITS);
    const attrs = manifest ? parseManifest(manifest.toString('utf8')) : new Map<string, string>();
    const file = fromFileName(location);
    const symbolic = attrs.get('Bundle-SymbolicName')?.split(';')[0]?.trim();
    const group = attrs.get('Implementation-Vendor-Id') ?? (symbolic?.includes('.') ? symbolic.slice(0, symbolic.lastIndexOf('.')) : undefined);
    const artifact = file?.artifact ?? (symbolic?.includes('.') ? symbolic.slice(symbolic.lastIndexOf('.') + 1) : attrs.get('Implementation-Title'));
    const version = attrs.get('Implementation-Version') ?? attrs.get('Bundle-Version') ?? file?.version;
    if (group && artifact && version) out.push(mavenPackage(group, artifact, version, location));
    else if (nestedDepth === 0 || file) notes.push(`${location}: no Maven coordinates (pom.properties or manifest); not listed`);
  }
  if (nestedDepth === 0) {
    for (const entry of entries) {
      if (!ARCHIVE.test(entry.name)) continue;
      const inner = readZipEntry(buf, entry, NESTED_LIMITS);
      if (!inner) {
        notes.push(`${location}!/${entry.name}: nested archive larger than ${NESTED_LIMITS.maxEntrySize} bytes or unreadable; skipped`);
        continue;
      }
      out.push(...archivePackages(inner, `${location}!/${entry.name}`, notes, nestedDepth + 1));
    }
  }
  return out;
}

export function packagesFromJavaArchive(buf: Buffer, location: string, notes: string[]): Package[] {
  const seen = new Set<string>();
  return archivePackages(buf, location, notes, 0).filter((p) => {
    const key = `${p.purl}\0${p.location}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export const javaAnalyzer: PackageAnalyzer = {
  name: 'java',
  wants: (file: FileRequest) => ARCHIVE.test(file.path) && file.size <= MAX_ARCHIVE,
  analyze(files: ImageFiles, _os: OsInfo | undefined, notes: string[]): Package[] {
    const out: Package[] = [];
    for (const path of [...files.files.keys()].sort()) {
      if (!ARCHIVE.test(path)) continue;
      const buf = files.get(path);
      if (buf) out.push(...packagesFromJavaArchive(buf, path, notes));
    }
    return out;
  },
};
