import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importPaths } from '../../src/vulndb/import.js';
import { VulnMatcher } from '../../src/vulndb/match.js';
import { SCHEMA_VERSION, VulnStore } from '../../src/vulndb/store.js';
import { affected, osvRecord, pkg, tempDir, writeRecords } from '../helpers/osv-fixtures.js';
import { buildZip } from '../helpers/zip-writer.js';

const stores: VulnStore[] = [];
function store(): VulnStore {
  const s = new VulnStore(join(tempDir(), 'osv.sqlite'));
  stores.push(s);
  return s;
}
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

const lodash = osvRecord('GHSA-aaaa-bbbb-cccc', [affected('npm', 'lodash', [{ introduced: '0' }, { fixed: '4.17.21' }])], { aliases: ['CVE-2021-0001'] });
const requests = osvRecord('PYSEC-2023-1', [affected('PyPI', 'Requests_Lib', [{ introduced: '2.3.0' }, { fixed: '2.31.0' }])]);

function ids(s: VulnStore, p: ReturnType<typeof pkg>): string[] {
  return new VulnMatcher(s).match([p]).map((m) => m.records.join('+'));
}

describe('db import', () => {
  it('imports an all.zip export and indexes its packages', () => {
    const dir = tempDir();
    const zip = join(dir, 'all.zip');
    writeFileSync(zip, buildZip([{ name: `${lodash.id}.json`, data: JSON.stringify(lodash) }, { name: `${requests.id}.json`, data: JSON.stringify(requests), method: 'store' }]));
    const s = store();
    const r = importPaths(s, [zip]);
    expect(r.counts).toEqual({ stored: 2, unchanged: 0, withdrawn: 0, malformed: 0, byEcosystem: { npm: 1, PyPI: 1 } });
    expect(r.errors).toEqual([]);
    expect(ids(s, pkg('npm', 'lodash', '4.17.20'))).toEqual(['GHSA-aaaa-bbbb-cccc']);
    // PEP 503: case and runs of -_. are one spelling.
    expect(ids(s, pkg('PyPI', 'requests.lib', '2.30'))).toEqual(['PYSEC-2023-1']);
    expect(s.schemaVersion).toBe(SCHEMA_VERSION);
  });

  it('imports folders of JSON recursively', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'npm', 'nested'), { recursive: true });
    writeRecords(join(dir, 'npm', 'nested'), [lodash]);
    writeRecords(dir, [requests]);
    writeFileSync(join(dir, 'notes.txt'), 'not a record');
    const s = store();
    expect(importPaths(s, [dir]).counts.stored).toBe(2);
  });

  it('counts malformed records with their source and goes on', () => {
    const dir = tempDir();
    const zip = join(dir, 'all.zip');
    writeFileSync(
      zip,
      buildZip([
        { name: 'broken.json', data: '{"id": "X",' },
        { name: 'noid.json', data: '{"modified": "2024-01-01T00:00:00Z"}' },
        { name: 'twokeys.json', data: JSON.stringify(osvRecord('BAD-1', [{ package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0', fixed: '1.0.0' }] }] }])) },
        { name: 'good.json', data: JSON.stringify(lodash) },
      ]),
    );
    const s = store();
    const r = importPaths(s, [zip]);
    expect(r.counts.stored).toBe(1);
    expect(r.counts.malformed).toBe(3);
    expect(r.unreadable).toBe(0);
    expect(r.errors.map((e) => e.source)).toEqual([`${zip}!broken.json`, `${zip}!noid.json`, `${zip}!twokeys.json`]);
    expect(r.errors[0]?.message).toMatch(/^not valid JSON/);
    expect(r.errors[1]?.message).toBe('not an OSV record: missing id');
    expect(r.errors[2]?.message).toMatch(/BAD-1: affected\[0\]\.ranges\[0\] has an event that is not one of/);
  });

  it('reports an unreadable input by name and imports the others', () => {
    const dir = writeRecords(tempDir(), [lodash]);
    const notZip = join(tempDir(), 'x.zip');
    writeFileSync(notZip, 'hello');
    const s = store();
    const r = importPaths(s, [join(dir, 'missing.zip'), notZip, dir]);
    expect(r.unreadable).toBe(2);
    expect(r.errors.map((e) => e.source)).toEqual([join(dir, 'missing.zip'), notZip]);
    expect(r.errors[1]?.message).toMatch(/not a zip archive/);
    expect(r.counts.stored).toBe(1);
  });

  it('refuses a zip bomb entry and imports the rest of the archive', () => {
    const zip = join(tempDir(), 'all.zip');
    writeFileSync(zip, buildZip([{ name: 'bomb.json', data: Buffer.alloc(8 << 20, 0x20) }, { name: 'good.json', data: JSON.stringify(lodash) }]));
    const s = store();
    const r = importPaths(s, [zip]);
    expect(r.errors).toEqual([{ source: `${zip}!bomb.json`, message: 'compression ratio over 200:1 (zip bomb?)' }]);
    expect(r.counts).toMatchObject({ stored: 1, malformed: 1 });
  });

  it('stores withdrawn records as withdrawn; they never match', () => {
    const s = store();
    const withdrawn = { ...lodash, withdrawn: '2024-02-01T00:00:00Z' };
    const r = importPaths(s, [writeRecords(tempDir(), [withdrawn])]);
    expect(r.counts).toMatchObject({ stored: 0, withdrawn: 1 });
    expect(s.get(lodash.id)?.withdrawn).toBe(true);
    expect(ids(s, pkg('npm', 'lodash', '1.0.0'))).toEqual([]);
    expect(s.status()).toMatchObject({ records: 1, live: 0, withdrawn: 1 });
  });

  it('a newer modified replaces the record; an older or equal one does not', () => {
    const s = store();
    importPaths(s, [writeRecords(tempDir(), [lodash])]);
    const newer = { ...lodash, modified: '2024-06-01T00:00:00Z', affected: [affected('npm', 'lodash', [{ introduced: '0' }, { fixed: '4.17.22' }])] };
    let r = importPaths(s, [writeRecords(tempDir(), [newer])]);
    expect(r.counts).toMatchObject({ stored: 1, unchanged: 0 });
    expect(new VulnMatcher(s).match([pkg('npm', 'lodash', '4.17.21')]).map((m) => m.fixedVersions)).toEqual([['4.17.22']]);
    // Re-importing the older copy leaves the newer one in place.
    r = importPaths(s, [writeRecords(tempDir(), [lodash])]);
    expect(r.counts).toMatchObject({ stored: 0, unchanged: 1 });
    expect(ids(s, pkg('npm', 'lodash', '4.17.21'))).toEqual(['GHSA-aaaa-bbbb-cccc']);
    // The same modified time withdrawn: the withdrawal wins.
    r = importPaths(s, [writeRecords(tempDir(), [{ ...newer, withdrawn: '2024-06-01T00:00:00Z' }])]);
    expect(r.counts).toMatchObject({ withdrawn: 1 });
    expect(ids(s, pkg('npm', 'lodash', '4.17.21'))).toEqual([]);
  });

  it('keeps import history and counts per ecosystem', () => {
    const s = store();
    const dir = writeRecords(tempDir(), [lodash, requests, osvRecord('DSA-1-1', [affected('Debian:12', 'openssl', [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u2' }])])]);
    importPaths(s, [dir]);
    const st = s.status();
    expect(st.ecosystems.map((e) => [e.ecosystem, e.records])).toEqual([
      ['Debian', 1],
      ['PyPI', 1],
      ['npm', 1],
    ]);
    expect(st.imports).toHaveLength(1);
    expect(st.imports[0]).toMatchObject({ source: dir, stored: 3 });
    expect(st.lastImport).toBe(st.imports[0]?.finishedAt);
  });
});
