/**
 * A registry speaking the OCI Distribution API on 127.0.0.1, with blob downloads redirected (307) to a second
 * "storage" server, and a choice of authentication: none, Basic, Bearer tokens from a token endpoint, or the
 * Azure Container Registry exchange (Entra token → refresh token → access token).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RegistryAuth = 'none' | 'basic' | 'bearer' | 'acr';

export interface FakeRegistryOptions {
  auth?: RegistryAuth;
  /** Basic credentials the registry (basic) or its token endpoint (bearer) accepts; bearer without them is anonymous. */
  user?: { username: string; password: string };
  /** The Entra token the ACR exchange accepts. */
  entraToken?: string;
}

export interface LoggedRequest {
  method: string;
  url: string;
  authorization?: string;
  accept?: string;
  body?: string;
}

export interface FakeRegistry {
  host: string;
  /** Every request the registry, token endpoint and storage saw, in order. */
  log: LoggedRequest[];
  storageLog: LoggedRequest[];
  putManifest(repo: string, ref: string, body: Buffer, mediaType: string): void;
  putBlob(digest: string, body: Buffer): void;
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeRegistry(opts: FakeRegistryOptions = {}): Promise<FakeRegistry> {
  const auth = opts.auth ?? 'none';
  const manifests = new Map<string, { body: Buffer; mediaType: string }>();
  const blobs = new Map<string, Buffer>();
  const log: LoggedRequest[] = [];
  const storageLog: LoggedRequest[] = [];
  const validTokens = new Set<string>();
  let tokenCount = 0;

  const storage = createServer((req, res) => {
    storageLog.push({ method: req.method ?? '', url: req.url ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    const blob = blobs.get(decodeURIComponent((req.url ?? '').replace('/storage/', '')));
    if (!blob) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': blob.length }).end(blob);
  });
  const storagePort = await listen(storage);

  const server = createServer((req, res) => void handle(req, res));
  const port = await listen(server);
  const host = `127.0.0.1:${port}`;
  const basicHeader = opts.user ? `Basic ${Buffer.from(`${opts.user.username}:${opts.user.password}`).toString('base64')}` : undefined;

  function issue(): string {
    const token = `tok-${++tokenCount}`;
    validTokens.add(token);
    return token;
  }

  function authorized(req: IncomingMessage): boolean {
    const a = req.headers.authorization;
    if (auth === 'none') return true;
    if (auth === 'basic') return a !== undefined && a === basicHeader;
    return a !== undefined && a.startsWith('Bearer ') && validTokens.has(a.slice(7));
  }

  function challenge(res: ServerResponse, repo: string): void {
    const header =
      auth === 'basic'
        ? 'Basic realm="fake"'
        : auth === 'acr'
          ? `Bearer realm="http://${host}/oauth2/token",service="${host}",scope="repository:${repo}:pull"`
          : `Bearer realm="http://${host}/token",service="fake-registry",scope="repository:${repo}:pull"`;
    res.writeHead(401, { 'www-authenticate': header, 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${host}`);
    const body = req.method === 'POST' ? await bodyOf(req) : undefined;
    log.push({
      method: req.method ?? '',
      url: url.pathname + url.search,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      ...(req.headers.accept ? { accept: req.headers.accept } : {}),
      ...(body !== undefined ? { body } : {}),
    });
    const json = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));

    if (url.pathname === '/token' && auth === 'bearer') {
      if (opts.user && req.headers.authorization !== basicHeader) return void json(401, { details: 'bad credentials' });
      return void json(200, { token: issue(), expires_in: 300 });
    }
    if (url.pathname === '/oauth2/exchange' && auth === 'acr') {
      const form = new URLSearchParams(body);
      if (form.get('grant_type') !== 'access_token' || form.get('access_token') !== opts.entraToken || form.get('service') !== host) {
        return void json(401, { errors: [{ code: 'UNAUTHORIZED', message: 'bad exchange' }] });
      }
      return void json(200, { refresh_token: 'acr-refresh' });
    }
    if (url.pathname === '/oauth2/token' && auth === 'acr') {
      const form = new URLSearchParams(body);
      if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== 'acr-refresh' || !form.get('scope')?.startsWith('repository:')) {
        return void json(401, { errors: [{ code: 'UNAUTHORIZED', message: 'bad refresh' }] });
      }
      return void json(200, { access_token: issue() });
    }
    if (url.pathname === '/v2/' || url.pathname === '/v2') {
      if (!authorized(req)) return challenge(res, '');
      return void json(200, {});
    }
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    if (!m) return void json(404, { errors: [{ code: 'NOT_FOUND' }] });
    const [, repo = '', kind, ref = ''] = m;
    if (!authorized(req)) return challenge(res, repo);
    if (kind === 'manifests') {
      const found = manifests.get(`${repo}@${ref}`);
      if (!found) return void json(404, { errors: [{ code: 'MANIFEST_UNKNOWN', message: `manifest unknown: ${ref}` }] });
      res.writeHead(200, { 'content-type': found.mediaType, 'docker-content-digest': `${ref.startsWith('sha256:') ? ref : 'sha256:unset'}`, 'content-length': found.body.length });
      return void res.end(req.method === 'HEAD' ? undefined : found.body);
    }
    if (!blobs.has(ref)) return void json(404, { errors: [{ code: 'BLOB_UNKNOWN', message: `blob unknown: ${ref}` }] });
    res.writeHead(307, { location: `http://127.0.0.1:${storagePort}/storage/${encodeURIComponent(ref)}` }).end();
  }

  return {
    host,
    log,
    storageLog,
    putManifest(repo, ref, body, mediaType) {
      manifests.set(`${repo}@${ref}`, { body, mediaType });
    },
    putBlob(digest, body) {
      blobs.set(digest, body);
    },
    close: () =>
      Promise.all([new Promise<void>((r) => server.close(() => r())), new Promise<void>((r) => storage.close(() => r()))]).then(() => undefined),
  };
}
