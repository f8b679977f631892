import { describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { generateCertificates } from '../../src/admission/manifests.js';
import { createWebhookServer } from '../../src/admission/server.js';
import { DEFAULT_SETTINGS } from '../../src/core/settings.js';
import { testCertificate } from '../helpers/fake-arm.js';

/** The fingerprint of the certificate the server presents on a new connection. */
function presented(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    // The certificates name other hosts: this checks which one is served, not whom to trust.
    const req = httpsRequest({ host: '127.0.0.1', port, path: '/healthz', agent: false, rejectUnauthorized: false }, (res) => {
      resolve((res.socket as TLSSocket).getPeerCertificate().fingerprint256);
      res.resume();
    });
    req.on('error', reject);
    req.end();
  });
}

async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

describe('webhook certificate reload', () => {
  it('serves a new certificate pair once the files change, and keeps the old one when the new files are broken', async () => {
    const first = testCertificate();
    const second = generateCertificates('reload-test', 2);
    const dir = mkdtempSync(join(tmpdir(), 'palisade-webhook-reload-'));
    const certFile = join(dir, 'tls.crt');
    const keyFile = join(dir, 'tls.key');
    writeFileSync(certFile, first.cert);
    writeFileSync(keyFile, first.key);
    const logs: string[] = [];
    const server = createWebhookServer({
      policy: { rules: [], settings: DEFAULT_SETTINGS, exceptions: [], allowIgnoreAnnotation: true, aksManaged: true, mode: 'enforce', failOn: 'high', exemptNamespaces: [], exemptUsers: [] },
      certFile,
      keyFile,
      host: '127.0.0.1',
      port: 0,
      certPollMs: 20,
      log: (m) => logs.push(m),
    });
    try {
      const port = await server.listen();
      expect(await presented(port)).toBe(new X509Certificate(first.cert).fingerprint256);
      // A key that does not match the certificate yet, as when the two files are swapped one by one.
      writeFileSync(certFile, second.cert);
      expect(await until(async () => logs.some((l) => l.startsWith('kept the previous certificate')), 3000)).toBe(true);
      expect(await presented(port)).toBe(new X509Certificate(first.cert).fingerprint256);
      writeFileSync(keyFile, second.key);
      const want = new X509Certificate(second.cert).fingerprint256;
      expect(await until(async () => (await presented(port)) === want, 3000)).toBe(true);
      expect(server.reloads).toBeGreaterThanOrEqual(1);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
