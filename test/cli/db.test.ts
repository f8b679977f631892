import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VulnStore } from '../../src/vulndb/store.js';
import { runCli } from '../helpers/cli.js';
import { affected, osvRecord, tempDir, writeRecords } from '../helpers/osv-fixtures.js';
import { buildZip } from '../helpers/zip-writer.js';

const lodash = osvRecord('GHSA-aaaa-bbbb-cccc', [affected('npm', 'lodash', [{ introduced: '0' }, { fixed: '4.17.21' }])]);
const dsa = osvRecord('DSA-1-1', [affected('Debian:12', 'openssl', [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u2' }])]);

let server: Server;
let base: string;

beforeAll(async () => {
  const zip = buildZip([{ name: 'a.json', data: JSON.stringify(lodash) }]);
  server = createServer((req, res) => {
    if (req.url === '/npm/all.zip') res.writeHead(200, { etag: '"1"' }).end(zip);
    else res.writeHead(404, 'Not Found').end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

describe('palisade db', () => {
  it('imports a folder and prints the counts', async () => {
    const db = join(tempDir(), 'osv.sqlite');
    const r = await runCli(['db', 'import', writeRecords(tempDir(), [lodash, dsa]), '--db', db]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`imported into ${db}: 2 stored, 0 unchanged, 0 withdrawn, 0 malformed\n`);
    expect(r.code).toBe(0);
  });

  it('exits 2 on an unreadable input and a malformed record, naming them, and imports the rest', async () => {
    const dir = writeRecords(tempDir(), [lodash]);
    writeFileSync(join(dir, 'bad.json'), '{');
    const db = join(tempDir(), 'osv.sqlite');
    const r = await runCli(['db', 'import', join(dir, 'absent.zip'), dir, '--db', db, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`palisade: error: ${join(dir, 'absent.zip')}: cannot read:`);
    expect(r.stderr).toContain(`palisade: error: ${join(dir, 'bad.json')}: not valid JSON`);
    expect(JSON.parse(r.stdout)).toMatchObject({ schema: 'palisade.db.import/v1', stored: 1, malformed: 1 });
  });

  it('creates no database when no input can be read', async () => {
    const db = join(tempDir(), 'osv.sqlite');
    const absent = join(tempDir(), 'absent.zip');
    const r = await runCli(['db', 'import', absent, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^palisade: error: ${absent}: cannot read: no such file or directory`));
    expect(existsSync(db)).toBe(false);
  });

  it('uses PALISADE_DB when --db is absent', async () => {
    const db = join(tempDir(), 'env.sqlite');
    const r = await runCli(['db', 'import', writeRecords(tempDir(), [lodash])], { env: { PALISADE_DB: db } });
    expect(r.code).toBe(0);
    expect(existsSync(db)).toBe(true);
  });

  it('status shows file, schema, records per ecosystem and last update', async () => {
    const db = join(tempDir(), 'osv.sqlite');
    await runCli(['db', 'import', writeRecords(tempDir(), [lodash, dsa]), '--db', db]);
    const table = await runCli(['db', 'status', '--db', db]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`^database   ${db}\nschema     1\nrecords    2 \\(2 live, 0 withdrawn\\)\nupdated    \\S+Z \\(0 days ago\\)\n\nECOSYSTEM      LIVE  LAST IMPORT\nDebian            1  \\S+Z\nnpm               1  \\S+Z\n$`));
    const json = await runCli(['db', 'status', '--db', db, '--format', 'json']);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ schema: 'palisade.db.status/v1', file: db, schemaVersion: 1, records: 2, live: 2, withdrawn: 0, warnings: [] });
    expect(report.ecosystems.map((e: { ecosystem: string; records: number }) => [e.ecosystem, e.records])).toEqual([
      ['Debian', 1],
      ['npm', 1],
    ]);
  });

  it('status counts every imported record: live plus withdrawn, and live ones per ecosystem', async () => {
    const db = join(tempDir(), 'osv.sqlite');
    const gone = { ...osvRecord('GHSA-dddd-eeee-ffff', [affected('npm', 'minimist', [{ introduced: '0' }, { fixed: '1.2.6' }])]), withdrawn: '2024-01-01T00:00:00Z' };
    const imported = await runCli(['db', 'import', writeRecords(tempDir(), [lodash, dsa, gone]), '--db', db]);
    expect(imported.stdout).toBe(`imported into ${db}: 2 stored, 0 unchanged, 1 withdrawn, 0 malformed\n`);
    const table = await runCli(['db', 'status', '--db', db]);
    // Three records imported, three held: not "2 (1 withdrawn)", which reads as two in all.
    expect(table.stdout).toContain('records    3 (2 live, 1 withdrawn)\n');
    const report = JSON.parse((await runCli(['db', 'status', '--db', db, '--format', 'json'])).stdout);
    expect(report).toMatchObject({ records: 3, live: 2, withdrawn: 1 });
    const perEcosystem = (report.ecosystems as Array<{ records: number }>).reduce((n, e) => n + e.records, 0);
    expect(perEcosystem).toBe(report.live);
  });

  it('status warns when the data is over a week old', async () => {
    const db = join(tempDir(), 'osv.sqlite');
    const store = new VulnStore(db);
    store.recordImport('old.zip', { stored: 0, unchanged: 0, withdrawn: 0, malformed: 0, byEcosystem: {} }, new Date(Date.now() - 10 * 86_400_000));
    store.close();
    const r = await runCli(['db', 'status', '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('warning: the data is 10 days old (over 7); run palisade db update');
    const json = await runCli(['db', 'status', '--db', db, '--format', 'json']);
    expect(JSON.parse(json.stdout).warnings).toEqual(['the data is 10 days old (over 7); run palisade db update']);
  });

  it('status of a missing database exits 2', async () => {
    const db = join(tempDir(), 'none.sqlite');
    const r = await runCli(['db', 'status', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`palisade: error: no database at ${db}; run palisade db update or palisade db import\n`);
    expect(existsSync(db)).toBe(false);
  });

  it('update fetches each ecosystem and exits 2 when one fails', async () => {
    const db = join(tempDir(), 'osv.sqlite');
    const r = await runCli(['db', 'update', '--url', base, '--ecosystem', 'npm', 'PyPI', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`palisade: error: ${base}/PyPI/all.zip: HTTP 404 Not Found\n`);
    expect(r.stdout).toBe(`database ${db}\n\nnpm        updated    1 stored, 0 unchanged, 0 withdrawn, 0 malformed\nPyPI       failed     HTTP 404 Not Found\n`);
    const again = await runCli(['db', 'update', '--url', base, '--ecosystem', 'npm', '--db', db, '--format', 'json']);
    expect(again.code).toBe(0);
    // The server sends no 304, so the same archive is imported again and every record is unchanged.
    expect(JSON.parse(again.stdout).ecosystems[0]).toMatchObject({ ecosystem: 'npm', outcome: 'updated', counts: { stored: 0, unchanged: 1 } });
  });
});
