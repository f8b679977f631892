import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVulnDb } from '../../src/vulndb/match.js';
import { VulnStore } from '../../src/vulndb/store.js';
import { DEFAULT_ECOSYSTEMS, exportUrl, updateDb } from '../../src/vulndb/update.js';
import { osvEcosystemFor } from '../../src/analyses/images/os-release.js';
import { baseEcosystem } from '../../src/vulndb/osv.js';
import { affected, osvRecord, pkg, tempDir } from '../helpers/osv-fixtures.js';
import { buildZip } from '../helpers/zip-writer.js';

const npmZip = buildZip([{ name: 'GHSA-aaaa-bbbb-cccc.json', data: JSON.stringify(osvRecord('GHSA-aaaa-bbbb-cccc', [affected('npm', 'lodash', [{ introduced: '0' }, { fixed: '4.17.21' }])])) }]);
const azureZip = buildZip([{ name: 'CVE-2024-1.json', data: JSON.stringify(osvRecord('AZL-1', [affected('Azure Linux:3', 'openssl', [{ introduced: '0' }, { fixed: '3.3.2-1.azl3' }])])) }]);

let server: Server;
let base: string;
const requests: Array<{ url: string; ifNoneMatch?: string; ifModifiedSince?: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({
      url: req.url ?? '',
      ...(req.headers['if-none-match'] ? { ifNoneMatch: req.headers['if-none-match'] } : {}),
      ...(req.headers['if-modified-since'] ? { ifModifiedSince: req.headers['if-modified-since'] } : {}),
    });
    switch (req.url) {
      case '/npm/all.zip':
        if (req.headers['if-none-match'] === '"v1"') {
          res.writeHead(304).end();
          return;
        }
        res.writeHead(200, { etag: '"v1"', 'content-length': npmZip.length }).end(npmZip);
        return;
      case '/Azure%20Linux/all.zip':
        if (req.headers['if-modified-since'] === 'Tue, 01 Oct 2024 00:00:00 GMT') {
          res.writeHead(304).end();
          return;
        }
        res.writeHead(200, { 'last-modified': 'Tue, 01 Oct 2024 00:00:00 GMT' }).end(azureZip);
        return;
      case '/PyPI/all.zip':
        res.writeHead(404, 'Not Found').end('no such object');
        return;
      case '/Go/all.zip':
        res.writeHead(500, 'Internal Server Error').end();
        return;
      case '/Maven/all.zip':
        // Promise the whole archive, send half, hang up.
        res.writeHead(200, { 'content-length': npmZip.length });
        res.write(npmZip.subarray(0, npmZip.length >> 1), () => res.destroy());
        return;
      case '/NuGet/all.zip':
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login page</html>');
        return;
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

describe('db update', () => {
  it('builds export URLs the way the bucket names them', () => {
    expect(exportUrl('https://osv-vulnerabilities.storage.googleapis.com/', 'Rocky Linux')).toBe('https://osv-vulnerabilities.storage.googleapis.com/Rocky%20Linux/all.zip');
  });

  it('downloads and imports, then skips unchanged exports by ETag or Last-Modified', async () => {
    const file = join(tempDir(), 'osv.sqlite');
    const store = new VulnStore(file);
    try {
      const first = await updateDb(store, { url: base, ecosystems: ['npm', 'Azure Linux'] });
      expect(first.errors).toEqual([]);
      expect(first.ecosystems.map((e) => [e.ecosystem, e.outcome, e.counts?.stored])).toEqual([
        ['npm', 'updated', 1],
        ['Azure Linux', 'updated', 1],
      ]);
      expect(store.status().imports.map((i) => i.source).sort()).toEqual([`${base}/Azure%20Linux/all.zip`, `${base}/npm/all.zip`]);
      requests.length = 0;
      const second = await updateDb(store, { url: base, ecosystems: ['npm', 'Azure Linux'] });
      expect(second.ecosystems.map((e) => e.outcome)).toEqual(['unchanged', 'unchanged']);
      expect(requests).toEqual([
        { url: '/npm/all.zip', ifNoneMatch: '"v1"' },
        { url: '/Azure%20Linux/all.zip', ifModifiedSince: 'Tue, 01 Oct 2024 00:00:00 GMT' },
      ]);
    } finally {
      store.close();
    }
    const db = openVulnDb(file);
    expect(db.match([pkg('npm', 'lodash', '4.17.20'), pkg('Azure Linux:3', 'openssl', '3.3.0-1.azl3')]).map((m) => m.id)).toEqual(['GHSA-aaaa-bbbb-cccc', 'AZL-1']);
    db.close();
  });

  it('names the URL of each failure and still updates the other ecosystems', async () => {
    const store = new VulnStore(join(tempDir(), 'osv.sqlite'));
    try {
      const r = await updateDb(store, { url: base, ecosystems: ['PyPI', 'Go', 'Maven', 'NuGet', 'npm'] });
      expect(r.ecosystems.map((e) => [e.ecosystem, e.outcome])).toEqual([
        ['PyPI', 'failed'],
        ['Go', 'failed'],
        ['Maven', 'failed'],
        ['NuGet', 'failed'],
        ['npm', 'updated'],
      ]);
      const bySource = Object.fromEntries(r.errors.map((e) => [e.source, e.message]));
      expect(bySource[`${base}/PyPI/all.zip`]).toBe('HTTP 404 Not Found');
      expect(bySource[`${base}/Go/all.zip`]).toBe('HTTP 500 Internal Server Error');
      expect(bySource[`${base}/Maven/all.zip`]).toMatch(/^download cut short/);
      expect(bySource[`${base}/NuGet/all.zip`]).toMatch(/^cannot read: not a zip archive/);
      // A failed download leaves no validators behind, so the next update fetches it again.
      expect(store.download(`${base}/Maven/all.zip`)).toBeUndefined();
    } finally {
      store.close();
    }
  });

  it('refuses a download over the size cap', async () => {
    const store = new VulnStore(join(tempDir(), 'osv.sqlite'));
    try {
      const r = await updateDb(store, { url: base, ecosystems: ['npm', 'Azure Linux'], maxBytes: 100 });
      expect(r.errors).toEqual([
        { source: `${base}/npm/all.zip`, message: `download of ${npmZip.length} bytes is over the 100-byte limit` },
        { source: `${base}/Azure%20Linux/all.zip`, message: 'download is over the 100-byte limit' },
      ]);
    } finally {
      store.close();
    }
  });
});

describe('the default ecosystems of db update', () => {
  // Every OS the image scanner gives an OSV ecosystem, with a release that maps.
  it.each([
    ['debian', '12', undefined],
    ['ubuntu', '22.04', '22.04.4 LTS (Jammy Jellyfish)'],
    ['alpine', '3.19.0', undefined],
    ['azurelinux', '3.0', undefined],
    ['mariner', '2.0', undefined],
    ['cbl-mariner', '1.0', undefined],
    ['rhel', '9.3', undefined],
    ['rocky', '9.3', undefined],
    ['almalinux', '9.3', undefined],
    ['wolfi', '20230201', undefined],
    ['chainguard', '20230214', undefined],
  ])('cover the images of %s %s, so the documented update leaves none unmatched', (id, versionId, version) => {
    const eco = osvEcosystemFor(id, versionId, version);
    expect(eco).toBeDefined();
    expect(DEFAULT_ECOSYSTEMS as readonly string[]).toContain(baseEcosystem(eco as string));
  });
});
