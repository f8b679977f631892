import { isIP } from 'node:net';

/** A proxy setting that cannot be used; the message names the setting and never its user or password. */
export class ProxyRefused extends Error {
  override name = 'ProxyRefused';
}

/**
 * The proxy kubectl would use for the API server from the environment, when the kubeconfig names
 * none (`proxy-url` wins): Go's rules (golang.org/x/net/http/httpproxy), which client-go follows.
 *
 * - HTTPS_PROXY (or https_proxy) for an https server, HTTP_PROXY (or http_proxy) for an http one; a
 *   value without a scheme is an http:// proxy. The first of the pair that is set and not empty wins,
 *   so an empty HTTPS_PROXY does not hide https_proxy.
 * - NO_PROXY (or no_proxy, the same way): `*` for every host; an IP address or CIDR block; a domain, which
 *   covers its subdomains (`example.com`, `.example.com` and `*.example.com` for the subdomains alone),
 *   with an optional `:port`.
 * - localhost and loopback addresses are never proxied.
 *
 * Throws ProxyRefused for a value that is not a proxy URL or names a SOCKS proxy: asked for a proxy,
 * the read must not go to the server directly.
 */
export function proxyFromEnvironment(server: URL, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const https = server.protocol === 'https:';
  const chosen = https ? firstSet(env, 'HTTPS_PROXY', 'https_proxy') : firstSet(env, 'HTTP_PROXY', 'http_proxy');
  if (!chosen) return undefined;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(chosen.value) ? chosen.value : `http://${chosen.value}`;
  checkProxyUrl(withScheme, chosen.name);
  const host = server.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const port = server.port || (https ? '443' : '80');
  if (!useProxy(host, port, (firstSet(env, 'NO_PROXY', 'no_proxy')?.value ?? '').toLowerCase())) return undefined;
  return withScheme;
}

/** The first of an upper- and lower-case variable pair that is set and not empty, as Go's getEnvAny. */
function firstSet(env: NodeJS.ProcessEnv, upper: string, lower: string): { name: string; value: string } | undefined {
  for (const name of [upper, lower]) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
  return undefined;
}

/**
 * Refuses a proxy URL the connection cannot use: one that does not parse (a bad port, host or
 * %-escape), or a scheme other than http and https. `setting` names where it came from (HTTPS_PROXY,
 * proxy-url). SOCKS proxies, which kubectl supports, are refused by name rather than skipped.
 */
export function checkProxyUrl(raw: string, setting: string): void {
  const invalid = () => new ProxyRefused(`${setting} is not a valid proxy URL`);
  let url: URL;
  try {
    url = new URL(raw.trim());
    // The proxy agent decodes user and password: a malformed %-escape would fail there, later and blamed elsewhere.
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
  } catch {
    throw invalid();
  }
  if (/^socks/i.test(url.protocol))
    throw new ProxyRefused(`${setting} ${url.protocol}//${url.host} is not supported: use an http(s) proxy`);
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) throw invalid();
}

function useProxy(host: string, port: string, noProxy: string): boolean {
  if (host === 'localhost' || isLoopback(host)) return false;
  for (const entry of noProxy.split(',').map((e) => e.trim()).filter(Boolean)) {
    if (entry === '*') return false;
    if (entry.includes('/')) {
      if (inCidr(host, entry)) return false;
      continue;
    }
    if (isIP(entry)) {
      if (entry === host) return false;
      continue;
    }
    const { name, entryPort } = splitPort(entry);
    if (entryPort !== undefined && entryPort !== port) continue;
    if (isIP(name)) {
      if (name === host) return false;
      continue;
    }
    const bare = name.replace(/^\*\./, '.');
    if (bare.startsWith('.') ? host.endsWith(bare) : host === bare || host.endsWith(`.${bare}`)) return false;
  }
  return true;
}

function splitPort(entry: string): { name: string; entryPort?: string } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(entry);
  return m && !isIP(entry) ? { name: m[1] ?? entry, entryPort: m[2] } : { name: entry.replace(/^\[(.*)\]$/, '$1') };
}

function isLoopback(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || /^0{0,4}(:0{0,4}){6}:0{0,3}1$/.test(host);
  return false;
}

/** Whether an IPv4 or IPv6 address lies in a CIDR block. */
function inCidr(host: string, cidr: string): boolean {
  const [base = '', bitsText = ''] = cidr.split('/');
  const family = isIP(host);
  if (family === 0 || family !== isIP(base)) return false;
  const bits = Number(bitsText);
  const width = family === 4 ? 32 : 128;
  if (!Number.isInteger(bits) || bits < 0 || bits > width) return false;
  const a = toBigInt(host, family);
  const b = toBigInt(base, family);
  const shift = BigInt(width - bits);
  return a >> shift === b >> shift;
}

function toBigInt(ip: string, family: number): bigint {
  if (family === 4) return ip.split('.').reduce((n, part) => (n << 8n) + BigInt(Number(part)), 0n);
  const [head = '', tail] = ip.split('::');
  const parts = (s: string) => (s === '' ? [] : s.split(':'));
  const h = parts(head);
  const t = tail === undefined ? [] : parts(tail);
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((n, g) => (n << 16n) + BigInt(parseInt(g || '0', 16)), 0n);
}
