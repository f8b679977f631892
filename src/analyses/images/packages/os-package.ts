import type { OsInfo } from '../types.js';

/** The purl namespace of an OS package: the distribution (`debian`, `ubuntu`, `alpine`, `redhat`, ...). */
export function distroNamespace(os: OsInfo | undefined, fallback: string): string {
  if (!os) return fallback;
  return os.id === 'rhel' ? 'redhat' : os.id;
}

/** The purl `distro` qualifier: `<id>-<version>` as purl-spec's deb and rpm examples write it. */
export function distroQualifier(os: OsInfo | undefined): string | undefined {
  return os?.versionId ? `${os.id}-${os.versionId}` : undefined;
}

/**
 * Largest OS package database read (`var/lib/dpkg/status`, `lib/apk/db/installed`, one rpmdb). Real ones
 * stay under a few MiB even with every file listed; a larger one is hostile and would cost gigabytes to
 * hold as packages, so it is refused.
 */
export const MAX_PACKAGE_DB_BYTES = 64 * 1024 ** 2;

/** What makes an installed OS package one package: a database that lists it twice lists one. */
export function installedKey(name: string, version: string, arch: string | undefined): string {
  return `${name}\0${version}\0${arch ?? ''}`;
}

/** A package database the analyser refuses to read: its packages are missing, which the scan must report. */
export class PackageDbRefused extends Error {
  override name = 'PackageDbRefused';
}

/**
 * Throws PackageDbRefused, naming the file and the limit, when a package database is over the limit.
 * `kind` ends the message: what the limit is for, and anything said after it.
 */
export function assertPackageDbSize(buf: Buffer, location: string, limit = MAX_PACKAGE_DB_BYTES, kind = 'a package database'): void {
  if (buf.length > limit) {
    throw new PackageDbRefused(`${location} is ${buf.length} bytes, over the ${limit}-byte limit for ${kind}`);
  }
}

/**
 * Each line of a text with its 1-based number, `\r\n` or `\n` ended, without splitting the whole text into
 * an array first (a database of millions of lines would be held twice).
 */
export function* linesOf(text: string): Generator<[string, number]> {
  let start = 0;
  for (let n = 1; start <= text.length; n++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
    yield [line, n];
    start = end + 1;
  }
}

export interface Stanza {
  /** Field name → value; continuation lines are joined with `\n`. */
  fields: Map<string, string>;
  /** 1-based line of the stanza's first field. */
  line: number;
}

/**
 * RFC-822-style stanzas separated by blank lines, as dpkg's status file writes them: `Name: value`
 * lines, continuation lines starting with a space or tab.
 */
export function parseStanzas(text: string): Stanza[] {
  const out: Stanza[] = [];
  let current: Stanza | undefined;
  let lastKey: string | undefined;
  for (const [line, n] of linesOf(text)) {
    if (line.trim() === '') {
      current = undefined;
      lastKey = undefined;
      continue;
    }
    if ((line.startsWith(' ') || line.startsWith('\t')) && current && lastKey) {
      current.fields.set(lastKey, `${current.fields.get(lastKey) ?? ''}\n${line.slice(1)}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    if (!current) {
      current = { fields: new Map(), line: n };
      out.push(current);
    }
    lastKey = line.slice(0, colon);
    current.fields.set(lastKey, line.slice(colon + 1).trim());
  }
  return out;
}
