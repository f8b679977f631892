/**
 * Answers a registry's 401: parses the `WWW-Authenticate` challenge and gets what it asks for — Basic with the
 * docker credentials, a Bearer token from the challenge's realm (anonymous, Basic, or an OAuth2 refresh token),
 * or, for Azure Container Registry, an Entra token exchanged for an ACR refresh token and then an access token.
 */
import type { TokenCredential } from '@azure/identity';
import type { RegistryCredential } from './docker-config.js';

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `Bearer realm="...",service="...",scope="..."` (and `Basic realm="..."`). */
export function parseChallenge(header: string): Challenge | undefined {
  const m = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?/g;
  for (const p of (m[2] ?? '').matchAll(re)) params[(p[1] ?? '').toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
  return { scheme: (m[1] ?? '').toLowerCase(), params };
}

export const ACR_ENTRA_SCOPE = 'https://containerregistry.azure.net/.default';

export function isAcrHost(host: string): boolean {
  return /\.azurecr\.(io|cn|us)$/i.test(host.replace(/:\d+$/, ''));
}

export interface TokenRequest {
  challenge: Challenge;
  /** `repository:<name>:pull`, used when the challenge carries no scope. */
  scope: string;
  registry: string;
  credential?: RegistryCredential;
  /** Entra sign-in for ACR; when set and the registry is ACR, used if no docker credential exists. */
  azure?: () => Promise<TokenCredential>;
  acr: boolean;
  fetch: typeof fetch;
  maxBytes: number;
}

async function readJson(res: Response, what: string, maxBytes: number): Promise<Record<string, unknown>> {
  const text = await boundedText(res, maxBytes, what);
  if (!res.ok) throw new Error(`${what} answered HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`);
  try {
    const json = JSON.parse(text) as unknown;
    if (typeof json === 'object' && json !== null) return json as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new Error(`${what} did not answer with a JSON object`);
}

/** Reads a response body up to a cap, so a hostile server cannot exhaust memory. */
export async function boundedText(res: Response, maxBytes: number, what: string): Promise<string> {
  return (await boundedBody(res, maxBytes, what)).toString('utf8');
}

export async function boundedBody(res: Response, maxBytes: number, what: string): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw new Error(`${what}: response of ${declared} bytes is over the ${maxBytes}-byte limit`);
  }
  if (!res.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new Error(`${what}: response is over the ${maxBytes}-byte limit`);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

function basic(c: RegistryCredential): string {
  return `Basic ${Buffer.from(`${c.username ?? ''}:${c.password ?? ''}`).toString('base64')}`;
}

/** The `tid` claim of an Entra access token (the tenant ACR's exchange wants); undefined if unreadable. */
function tenantOf(jwt: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { tid?: unknown };
    return typeof payload.tid === 'string' ? payload.tid : undefined;
  } catch {
    return undefined;
  }
}

function form(values: Record<string, string | undefined>): URLSearchParams {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined) body.set(k, v);
  return body;
}

async function acrAccessToken(req: TokenRequest, realm: URL, service: string, scope: string): Promise<string> {
  const credential = await (req.azure as () => Promise<TokenCredential>)();
  const entra = await credential.getToken(ACR_ENTRA_SCOPE);
  if (!entra) throw new Error(`${req.registry}: no Entra token for ${ACR_ENTRA_SCOPE}; sign in with az login or use workload identity`);
  const exchange = new URL('/oauth2/exchange', realm);
  const refresh = await readJson(
    await req.fetch(exchange, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ grant_type: 'access_token', service, tenant: tenantOf(entra.token), access_token: entra.token }),
    }),
    `${req.registry}: ACR token exchange (${exchange.pathname})`,
    req.maxBytes,
  );
  if (typeof refresh.refresh_token !== 'string') throw new Error(`${req.registry}: ACR token exchange returned no refresh_token`);
  return oauthRefresh(req, realm, service, scope, refresh.refresh_token);
}

async function oauthRefresh(req: TokenRequest, realm: URL, service: string, scope: string, refreshToken: string): Promise<string> {
  const res = await readJson(
    await req.fetch(realm, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ grant_type: 'refresh_token', service, scope, refresh_token: refreshToken, client_id: 'palisade' }),
    }),
    `${req.registry}: token endpoint ${realm.origin}${realm.pathname}`,
    req.maxBytes,
  );
  const token = res.access_token ?? res.token;
  if (typeof token !== 'string') throw new Error(`${req.registry}: token endpoint returned no access_token`);
  return token;
}

/** The `Authorization` header value that answers the challenge, or undefined when it cannot be answered. */
export async function authorize(req: TokenRequest): Promise<string | undefined> {
  const { challenge, credential } = req;
  if (challenge.scheme === 'basic') {
    return credential?.username !== undefined ? basic(credential) : undefined;
  }
  if (challenge.scheme !== 'bearer') return undefined;
  const realmText = challenge.params.realm;
  if (!realmText) throw new Error(`${req.registry}: Bearer challenge without a realm`);
  let realm: URL;
  try {
    realm = new URL(realmText);
  } catch {
    throw new Error(`${req.registry}: Bearer challenge realm "${realmText}" is not a URL`);
  }
  if (realm.protocol !== 'https:' && realm.protocol !== 'http:') throw new Error(`${req.registry}: token realm must be http(s)`);
  const service = challenge.params.service ?? req.registry;
  const scope = challenge.params.scope ?? req.scope;
  if (req.acr && !credential && req.azure) return `Bearer ${await acrAccessToken(req, realm, service, scope)}`;
  if (credential?.identityToken) return `Bearer ${await oauthRefresh(req, realm, service, scope, credential.identityToken)}`;
  const url = new URL(realm);
  url.searchParams.set('service', service);
  for (const s of scope.split(' ')) if (s) url.searchParams.append('scope', s);
  const headers: Record<string, string> = {};
  if (credential?.username !== undefined) headers.authorization = basic(credential);
  const res = await readJson(await req.fetch(url, { headers }), `${req.registry}: token endpoint ${realm.origin}${realm.pathname}`, req.maxBytes);
  const token = res.token ?? res.access_token;
  if (typeof token !== 'string') throw new Error(`${req.registry}: token endpoint returned no token`);
  return `Bearer ${token}`;
}
