import { describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { get as httpsGet } from 'node:https';
import { generateCertificates } from '../../src/admission/manifests.js';
import { certificateExpiryNotice, createWebhookServer } from '../../src/admission/server.js';
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

function metricsText(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpsGet({ host: '127.0.0.1', port, path: '/metrics', agent: false, rejectUnauthorized: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
  });
}

const expiryGauge = (text: string) => Number(/^palisade_webhook_certificate_expiry_timestamp_seconds (\d+)$/m.exec(text)?.[1]);

describe('webhook certificate expiry', () => {
  it('exports the expiry as a gauge and warns at start and on reload once it is within 30 days', async () => {
    const yearLong = generateCertificates('expiry-test', 365);
    const twoDays = testCertificate();
    const dir = mkdtempSync(join(tmpdir(), 'palisade-webhook-expiry-'));
    const certFile = join(dir, 'tls.crt');
    const keyFile = join(dir, 'tls.key');
    writeFileSync(certFile, yearLong.cert);
    writeFileSync(keyFile, yearLong.key);
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
      expect(logs.filter((l) => l.startsWith('warning:'))).toEqual([]);
      expect(expiryGauge(await metricsText(port))).toBe(new Date(new X509Certificate(yearLong.cert).validTo).getTime() / 1000);
      writeFileSync(keyFile, twoDays.key);
      writeFileSync(certFile, twoDays.cert);
      const twoDaysEnd = new Date(new X509Certificate(twoDays.cert).validTo).getTime() / 1000;
      expect(await until(async () => expiryGauge(await metricsText(port)) === twoDaysEnd, 3000)).toBe(true);
      expect(logs.find((l) => l.startsWith('warning:'))).toMatch(/^warning: the serving certificate \S+tls\.crt expires on .* UTC, in \d day\(s\): after that every call will fail TLS/);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('words an expired certificate, one within the notice and one beyond it', () => {
    const now = new Date('2027-03-10T12:00:00Z');
    expect(certificateExpiryNotice(new Date('2027-03-10T11:00:00Z'), now)).toMatch(/^expired on 2027-03-10 11:00 UTC: every call will fail TLS and failurePolicy Ignore admits everything unchecked/);
    expect(certificateExpiryNotice(new Date('2027-03-10T18:00:00Z'), now)).toContain('in less than a day');
    expect(certificateExpiryNotice(new Date('2027-04-09T11:00:00Z'), now)).toContain('in 29 day(s)');
    expect(certificateExpiryNotice(new Date('2027-04-09T13:00:00Z'), now)).toBeUndefined();
  });
});
