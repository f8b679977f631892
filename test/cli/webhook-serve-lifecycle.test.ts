import { describe, expect, it } from 'vitest';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exceptionExpiryWarnings } from '../../src/cli/webhook.js';
import { CLI_ENTRY, tempTree } from '../helpers/cli.js';
import { testCertificate } from '../helpers/fake-arm.js';

const DAY = 86_400_000;
const dateIn = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

function startServe(args: string[]): { child: ChildProcessWithoutNullStreams; port: Promise<number>; stderr: () => string } {
  const child = spawn(process.execPath, [...CLI_ENTRY, 'webhook', 'serve', '--port', '0', '--host', '127.0.0.1', ...args], { env: { ...process.env, NO_COLOR: '1' } });
  let err = '';
  const port = new Promise<number>((ok, fail) => {
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on https:\/\/127\.0\.0\.1:(\d+)\/validate/.exec(err);
      if (m) ok(Number(m[1]));
    });
    child.on('exit', () => fail(new Error(err)));
  });
  return { child, port, stderr: () => err };
}

function get(port: number, ca: string, path: string): Promise<number> {
  return new Promise((ok, fail) => {
    const req = httpsRequest({ host: '127.0.0.1', port, method: 'GET', path, ca, agent: false }, (res) => {
      res.resume();
      res.on('end', () => ok(res.statusCode ?? 0));
    });
    req.on('error', fail);
    req.end();
  });
}

function tlsFiles(): { dir: string; args: string[]; ca: string } {
  const { cert, key } = testCertificate();
  const dir = tempTree({});
  writeFileSync(join(dir, 'tls.crt'), cert);
  writeFileSync(join(dir, 'tls.key'), key);
  return { dir, args: ['--tls-cert', join(dir, 'tls.crt'), '--tls-key', join(dir, 'tls.key')], ca: cert };
}

describe('palisade webhook serve: stopping', () => {
  it('on SIGTERM answers /readyz 503 at once, keeps serving through --shutdown-delay, then exits 0', async () => {
    const tls = tlsFiles();
    const { child, port, stderr } = startServe([...tls.args, '--shutdown-delay', '1.5']);
    const exited = new Promise<{ code: number | null; at: number }>((ok) => child.once('exit', (code) => ok({ code, at: Date.now() })));
    try {
      const p = await port;
      expect(await get(p, tls.ca, '/readyz')).toBe(200);
      const signalled = Date.now();
      child.kill('SIGTERM');
      await new Promise((ok) => setTimeout(ok, 300));
      expect(await get(p, tls.ca, '/readyz')).toBe(503);
      expect(await get(p, tls.ca, '/healthz')).toBe(200);
      const { code, at } = await exited;
      expect(code, stderr()).toBe(0);
      expect(at - signalled).toBeGreaterThanOrEqual(1400);
      expect(stderr()).toContain('stopping');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses a port already in use with a usage error that says so (exit 2)', async () => {
    const tls = tlsFiles();
    const first = startServe([...tls.args, '--shutdown-delay', '0']);
    try {
      const p = await first.port;
      const { child, port } = startServe([...tls.args, '--shutdown-delay', '0', '--port', String(p)]);
      const code = await new Promise<number | null>((ok) => child.once('exit', ok));
      await expect(port).rejects.toThrow(`palisade: cannot listen on 127.0.0.1:${p}: the port is already in use`);
      await expect(port).rejects.not.toThrow('internal error');
      expect(code).toBe(2);
    } finally {
      const exited = new Promise((ok) => first.child.once('exit', ok));
      first.child.kill('SIGTERM');
      await exited;
    }
  });

  it('refuses a --shutdown-delay that is not a number of seconds', async () => {
    const tls = tlsFiles();
    const { child, port } = startServe([...tls.args, '--shutdown-delay', 'soon']);
    const code = await new Promise<number | null>((ok) => child.once('exit', ok));
    await expect(port).rejects.toThrow('--shutdown-delay takes a number of seconds');
    expect(code).toBe(2);
  });
});

describe('palisade webhook serve: user exemptions', () => {
  it('warns at start that a user exemption does not reach what controllers create from that user\'s objects', async () => {
    const tls = tlsFiles();
    const { child, port, stderr } = startServe([...tls.args, '--shutdown-delay', '0', '--exempt-user', 'system:serviceaccount:flux-system:*']);
    try {
      await port;
      const lines = stderr().split('\n').filter((l) => l.startsWith('palisade: warning:'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('webhook.exemptUsers (system:serviceaccount:flux-system:*) admits only what those users create or change themselves');
      expect(lines[0]).toContain('write an exception for namespace/Kind/name');
    } finally {
      const exited = new Promise((ok) => child.once('exit', ok));
      child.kill('SIGTERM');
      await exited;
    }
  });
});

describe('palisade webhook serve: exceptions that expired or are about to', () => {
  it('warns once at start, on stderr, of each exception expired or expiring within 14 days, as the scan words it', async () => {
    const tls = tlsFiles();
    const config = [
      'exceptions:',
      '  - rule: workload/privileged-container',
      '    resources: ["shop/Deployment/old-agent"]',
      '    reason: vendor agent (SEC-1)',
      `    expires: ${dateIn(-3)}`,
      '  - rule: workload/host-namespace',
      '    resources: ["shop/Deployment/node-exporter"]',
      '    reason: node metrics (SEC-2)',
      `    expires: ${dateIn(5)}`,
      '  - rule: workload/run-as-root',
      '    resources: ["shop/*/*"]',
      '    reason: migration (SEC-3)',
      `    expires: ${dateIn(90)}`,
      '',
    ].join('\n');
    writeFileSync(join(tls.dir, 'palisade.yaml'), config);
    const { child, port, stderr } = startServe([...tls.args, '--shutdown-delay', '0', '--config', join(tls.dir, 'palisade.yaml')]);
    try {
      await port;
      const lines = stderr().split('\n').filter((l) => l.startsWith('palisade: warning:'));
      expect(lines).toHaveLength(2);
      expect(lines[0]).toContain(`exception for workload/privileged-container on shop/Deployment/old-agent expired on ${dateIn(-3)} and no longer applies`);
      expect(lines[1]).toContain(`exception for workload/host-namespace on shop/Deployment/node-exporter expires on ${dateIn(5)}, within 14 days`);
      expect(stderr()).not.toContain('run-as-root');
    } finally {
      const exited = new Promise((ok) => child.once('exit', ok));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('counts an exception as live through the whole of its expiry date', () => {
    const now = new Date('2027-03-10T12:00:00Z');
    const ex = (expires: string | undefined) => ({ rule: 'workload/*', resources: ['*/*/*'], reason: 'r', expires });
    expect(exceptionExpiryWarnings([ex(undefined)], 'c.yaml', now)).toEqual([]);
    expect(exceptionExpiryWarnings([ex('2027-04-30')], 'c.yaml', now)).toEqual([]);
    expect(exceptionExpiryWarnings([ex('2027-03-10')], 'c.yaml', now)[0]?.message).toContain('expires on 2027-03-10, within 14 days');
    expect(exceptionExpiryWarnings([ex('2027-03-23')], 'c.yaml', now)[0]?.message).toContain('within 14 days');
    expect(exceptionExpiryWarnings([ex('2027-03-25')], 'c.yaml', now)).toEqual([]);
    expect(exceptionExpiryWarnings([ex('2027-03-09')], 'c.yaml', now)[0]).toEqual({ source: 'c.yaml', message: expect.stringContaining('expired on 2027-03-09') as unknown });
  });

  it('warns that an exception for an object without a namespace excuses nothing at admission', () => {
    const warnings = exceptionExpiryWarnings([{ rule: 'workload/privileged-container', resources: ['-/DaemonSet/node-agent', 'ops/DaemonSet/node-agent'], reason: 'r', expires: undefined }], 'c.yaml');
    expect(warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^exception for workload\/privileged-container: resource "-\/DaemonSet\/node-agent" matches manifests without a namespace only/)]);
  });
});
