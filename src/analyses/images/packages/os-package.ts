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
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
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
      current = { fields: new Map(), line: i + 1 };
      out.push(current);
    }
    lastKey = line.slice(0, colon);
    current.fields.set(lastKey, line.slice(colon + 1).trim());
  }
  return out;
}
