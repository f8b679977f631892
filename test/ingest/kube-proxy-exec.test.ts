import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { readCluster } from '../../src/ingest/kube.js';
import { MAX_EXEC_STDOUT_BYTES, runExecPlugin, type ExecConfig } from '../../src/ingest/kube-exec.js';
import { proxyFromEnvironment } from '../../src/ingest/kube-proxy.js';

afterEach(() => vi.unstubAllEnvs());

const AKS = new URL('https://aks-shop-dns-1234.hcp.westeurope.azmk8s.io:443');
const env = (e: Record<string, string>) => e as NodeJS.ProcessEnv;

describe('proxyFromEnvironment: validation and variable pairs', () => {
  it('takes the first non-empty of the upper- and lower-case variables, as Go does', () => {
    expect(proxyFromEnvironment(AKS, env({ HTTPS_PROXY: '', https_proxy: 'http://proxy.corp:3128' }))).toBe('http://proxy.corp:3128');
    expect(proxyFromEnvironment(AKS, env({ HTTPS_PROXY: 'http://p:1', NO_PROXY: '', no_proxy: '.azmk8s.io' }))).toBeUndefined();
  });

  it.each(['::::', 'http://[bad', 'http://proxy:99999', 'http://pro xy:3128', 'http://us%zzer:s3cret@proxy:3128', 'ftp://proxy:21'])(
    'refuses the malformed HTTPS_PROXY %s by name, without its user or password',
    (value) => {
      expect(() => proxyFromEnvironment(AKS, env({ HTTPS_PROXY: value }))).toThrow(/^HTTPS_PROXY is not a valid proxy URL$/);
    },
  );

  it('names the lower-case variable when that is the one used', () => {
    expect(() => proxyFromEnvironment(AKS, env({ https_proxy: 'http://[bad' }))).toThrow('https_proxy is not a valid proxy URL');
  });

  it('refuses a SOCKS proxy rather than connecting directly', () => {
    expect(() => proxyFromEnvironment(AKS, env({ HTTPS_PROXY: 'socks5://user:s3cret@proxy:1080' }))).toThrow(
      /^HTTPS_PROXY socks5:\/\/proxy:1080 is not supported: use an http\(s\) proxy$/,
    );
  });
});

function kubeconfig(cluster: Record<string, unknown>): string {
  const path = join(mkdtempSync(join(tmpdir(), 'palisade-kc-')), 'config');
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: 'https://kube.palisade.invalid:6443', 'insecure-skip-tls-verify': true, ...cluster } }],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'ctx',
    }),
  );
  return path;
}

describe('readCluster: proxies it cannot use', () => {
  it('stops with the reason for a socks5 proxy-url, and contacts nothing directly', async () => {
    const { errors } = await readCluster({ kubeconfig: kubeconfig({ 'proxy-url': 'socks5://127.0.0.1:9' }), retryDelayMs: 1, kinds: ['Namespace'] });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toBe('context ctx: cluster c: proxy-url socks5://127.0.0.1:9 is not supported: use an http(s) proxy');
  });

  it('blames a malformed HTTPS_PROXY, not the certificates or the credentials', async () => {
    vi.stubEnv('HTTPS_PROXY', 'http://user:s3cret@[bad');
    const { errors } = await readCluster({ kubeconfig: kubeconfig({}), retryDelayMs: 1, kinds: ['Namespace'] });
    expect(errors.map((e) => e.message)).toEqual(['context ctx: cluster c: HTTPS_PROXY is not a valid proxy URL']);
  });
});

const API = 'client.authentication.k8s.io/v1beta1';

/** A plugin that runs `body` (a node script) and is configured for `API`. */
function nodePlugin(body: string): ExecConfig {
  const script = join(mkdtempSync(join(tmpdir(), 'palisade-exec-')), 'plugin.mjs');
  writeFileSync(script, body);
  return { command: process.execPath, args: [script], env: [], apiVersion: API, interactiveMode: 'Never' };
}

const printing = (reply: unknown) => nodePlugin(`process.stdout.write(${JSON.stringify(JSON.stringify(reply))});`);

describe('runExecPlugin: replies client-go refuses', () => {
  it('accepts a reply of the configured version with an RFC 3339 expiry', async () => {
    const credential = await runExecPlugin(printing({ apiVersion: API, kind: 'ExecCredential', status: { token: 't', expirationTimestamp: '2030-01-02T03:04:05Z' } }));
    expect(credential).toEqual({ token: 't', expires: Date.parse('2030-01-02T03:04:05Z') });
  });

  it('refuses an expirationTimestamp that is not RFC 3339', async () => {
    for (const expirationTimestamp of ['tomorrow-ish', '2030-01-02', 1893553445])
      await expect(runExecPlugin(printing({ apiVersion: API, kind: 'ExecCredential', status: { token: 't', expirationTimestamp } }))).rejects.toThrow(
        /expirationTimestamp that is not an RFC 3339 time/,
      );
  });

  it('refuses a reply of another apiVersion or kind', async () => {
    await expect(runExecPlugin(printing({ apiVersion: 'v1', kind: 'Pod', status: { token: 't' } }))).rejects.toThrow(
      `printed apiVersion "v1", kind "Pod" where the kubeconfig expects apiVersion ${API}, kind ExecCredential`,
    );
    await expect(runExecPlugin(printing({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 't' } }))).rejects.toThrow(
      /expects apiVersion client\.authentication\.k8s\.io\/v1beta1/,
    );
  });

  it('stops a plugin that prints more than the limit, without running out of memory', async () => {
    const flood = nodePlugin(`const chunk = 'a'.repeat(1 << 20); const write = () => { while (process.stdout.write(chunk)); process.stdout.once('drain', write); }; write();`);
    await expect(runExecPlugin(flood, { timeoutMs: 20_000 })).rejects.toThrow(`printed more than ${MAX_EXEC_STDOUT_BYTES} bytes on stdout`);
  });
});
