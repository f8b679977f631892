import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { openStore, parseStoreSpec } from '../../src/store/index.js';
import { finding, report } from './fixtures.js';

describe('parseStoreSpec', () => {
  it('reads sqlite:FILE, sqlite:///path and a bare path as SQLite', () => {
    expect(parseStoreSpec('sqlite:history.db')).toEqual({ backend: 'sqlite', file: 'history.db' });
    expect(parseStoreSpec('sqlite:///var/lib/palisade/h.db')).toEqual({ backend: 'sqlite', file: '/var/lib/palisade/h.db' });
    expect(parseStoreSpec('./data/h.db')).toEqual({ backend: 'sqlite', file: './data/h.db' });
    expect(parseStoreSpec('C:\\palisade\\h.db')).toEqual({ backend: 'sqlite', file: 'C:\\palisade\\h.db' });
  });

  it('reads postgres:// and postgresql:// URLs as PostgreSQL, whole', () => {
    const url = 'postgres://palisade:s3cret@db.example:5432/history?sslmode=require';
    expect(parseStoreSpec(url)).toEqual({ backend: 'postgres', url });
    expect(parseStoreSpec('postgresql://db/h')).toEqual({ backend: 'postgres', url: 'postgresql://db/h' });
  });

  it('refuses an empty spec, an empty file and an unknown scheme as usage errors', () => {
    expect(() => parseStoreSpec('')).toThrow(UsageError);
    expect(() => parseStoreSpec('sqlite:')).toThrow(/no file after sqlite:/);
    expect(() => parseStoreSpec('mysql://db/h')).toThrow(/unknown store "mysql"/);
  });
});

describe('openStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-open-store-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens a SQLite file in WAL mode with its schema migrated', async () => {
    const file = join(dir, 'h.db');
    const store = await openStore(`sqlite:${file}`);
    expect(store.backend).toBe('sqlite');
    expect((await store.status()).version).toBe(1);
    await store.saveScan('prod', report([finding('workload/a', 'web')]));
    await store.close();
    // Bytes 18 and 19 of a SQLite header are the write and read format versions: 2 means WAL.
    const header = readFileSync(file).subarray(18, 20);
    expect([...header]).toEqual([2, 2]);
  });

  it("creates a new SQLite file readable by its owner alone: the history maps the cluster's weak spots", async () => {
    const file = join(dir, 'private.db');
    const store = await openStore(`sqlite:${file}`);
    await store.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('names a damaged file or a directory given as the store, as a usage error', async () => {
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, 'this is not a database, just text that is long enough to look like a header'.repeat(20));
    await expect(openStore(`sqlite:${garbage}`)).rejects.toThrow(new RegExp(`^store ${garbage}: .*damaged`));
    await expect(openStore(`sqlite:${garbage}`)).rejects.toThrow(UsageError);
    await expect(openStore(`sqlite:${dir}`)).rejects.toThrow(new RegExp(`^store ${dir}: `));
  });

  it('rejects an unknown scheme before touching anything', async () => {
    await expect(openStore('redis://localhost/0')).rejects.toThrow(UsageError);
  });
});
