import { purl } from '../purl.js';
import type { FileRequest, ImageFiles, OsInfo, Package, PackageAnalyzer } from '../types.js';
import { DEFAULT_ZIP_LIMITS, readZip, type ZipLimits } from '../../../core/zip.js';

const MAX_ARCHIVE = 256 * 1024 * 1024;
const ARCHIVE = /\.(jar|war|ear)$/i;
const POM_PROPERTIES = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/;
const MANIFEST = 'META-INF/MANIFEST.MF';
/** Nested archives are read up to this size; pom.properties and manifests are far smaller. */
const NESTED_MAX = 64 * 1024 * 1024;
const ARCHIVE_LIMITS: ZipLimits = { ...DEFAULT_ZIP_LIMITS, maxEntryBytes: NESTED_MAX, maxTotalBytes: 4 * MAX_ARCHIVE };

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

/** The entries of an archive Palisade reads: pom.properties, the manifest and (at the top level) nested archives. */
function wantedEntries(buf: Buffer, location: string, notes: string[], nested: boolean): Map<string, Buffer> | undefined {
  const out = new Map<string, Buffer>();
  try {
    for (const e of readZip(buf, (name) => POM_PROPERTIES.test(name) || name === MANIFEST || (nested && ARCHIVE.test(name)), ARCHIVE_LIMITS)) {
      if ('error' in e) notes.push(`${location}!/${e.name}: ${e.error}; skipped`);
      else out.set(e.name, e.data);
    }
  } catch (e) {
    notes.push(`${location}: not a readable archive (${(e as Error).message}); skipped`);
    return undefined;
  }
  return out;
}

/** Packages of one archive: every `META-INF/maven/<g>/<a>/pom.properties`, else what MANIFEST.MF says. */
function archivePackages(buf: Buffer, location: string, notes: string[], nestedDepth: number): Package[] {
  const entries = wantedEntries(buf, location, notes, nestedDepth === 0);
  if (entries === undefined) return [];
  const out: Package[] = [];
  for (const [name, content] of entries) {
    if (!POM_PROPERTIES.test(name)) continue;
    const props = parseProperties(content.toString('utf8'));
    const g = props.get('groupId');
    const a = props.get('artifactId');
    const v = props.get('version');
    if (g && a && v) out.push(mavenPackage(g, a, v, location));
  }
  if (out.length === 0) {
    const manifest = entries.get(MANIFEST);
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
    for (const [name, inner] of entries) {
      if (ARCHIVE.test(name)) for (const p of archivePackages(inner, `${location}!/${name}`, notes, nestedDepth + 1)) out.push(p);
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
      if (buf) for (const p of packagesFromJavaArchive(buf, path, notes)) out.push(p);
    }
    return out;
  },
};
