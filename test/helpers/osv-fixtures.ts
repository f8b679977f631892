import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Package } from '../../src/analyses/images/types.js';
import type { OsvAffected, OsvRecord } from '../../src/vulndb/osv.js';

/** An OSV record with the fields every record has, plus the given ones. */
export function osvRecord(id: string, affected: OsvAffected[], extra: Partial<OsvRecord> = {}): OsvRecord {
  return { schema_version: '1.6.0', id, modified: '2024-01-01T00:00:00Z', published: '2023-12-01T00:00:00Z', affected, ...extra };
}

/** One affected entry: ECOSYSTEM range from events (pass `type` for SEMVER/GIT). */
export function affected(ecosystem: string, name: string, events: OsvAffected['ranges'] extends (infer R)[] | undefined ? R extends { events: infer E } ? E : never : never, more: Partial<OsvAffected> & { type?: string } = {}): OsvAffected {
  const { type = 'ECOSYSTEM', ...rest } = more;
  return { package: { ecosystem, name }, ranges: [{ type, events }], ...rest };
}

const TYPES: Record<string, Package['type']> = { npm: 'npm', PyPI: 'pypi', Go: 'golang', Maven: 'maven', NuGet: 'nuget', Debian: 'deb', Ubuntu: 'deb', Alpine: 'apk' };

/** A package as the image analysers report it. */
export function pkg(ecosystem: string, name: string, version: string, extra: Partial<Package> = {}): Package {
  const type = TYPES[ecosystem.split(':')[0] ?? ''] ?? 'npm';
  return { type, name, version, ecosystem, purl: `pkg:${type}/${name}@${version}`, location: 'test', ...extra };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'palisade-vulndb-'));
}

/** Writes records as `<dir>/<id>.json` and returns the directory. */
export function writeRecords(dir: string, records: readonly OsvRecord[]): string {
  for (const r of records) writeFileSync(join(dir, `${r.id}.json`), JSON.stringify(r));
  return dir;
}
