import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenOnLoopback, testCertificate, type FakeResponse } from './fake-arm.js';

/**
 * A Microsoft Graph stand-in for tests: HTTPS on 127.0.0.1 with the certificate of the run, answering
 * `POST /v1.0/directoryObjects/getByIds` with Graph's own shapes — `{"@odata.context", "value": [...]}`
 * with each object's `@odata.type`, and `{"error": {"code", "message", "innerError"}}` for errors.
 */

type Json = Record<string, unknown>;

export interface FakeGraphRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or the text when it is not JSON. */
  body: unknown;
}

export interface FakeGraphOptions {
  /** Directory objects as Graph returns them (`graphUser`, `graphGroup`, `graphServicePrincipal`). */
  objects?: Json[];
  /** Answers before the route: return a response to inject a fault. `count` counts getByIds calls, this one included. */
  intercept?: (req: FakeGraphRequest, count: number) => FakeResponse | undefined;
}

export interface FakeGraph {
  endpoint: string;
  ca: string;
  requests: FakeGraphRequest[];
  close(): Promise<void>;
}

/** Graph's error body, as it sends it. */
export function graphError(status: number, code: string, message: string): FakeResponse {
  return {
    status,
    body: { error: { code, message, innerError: { date: '2026-11-26T12:00:00', 'request-id': 'fake-request', 'client-request-id': 'fake-client-request' } } },
  };
}

export const DENIED = graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');

export function graphUser(id: string, displayName: string, userPrincipalName: string): Json {
  return {
    '@odata.type': '#microsoft.graph.user',
    id,
    businessPhones: [],
    displayName,
    givenName: displayName.split(' ')[0] ?? null,
    jobTitle: null,
    mail: userPrincipalName,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: displayName.split(' ').slice(1).join(' ') || null,
    userPrincipalName,
  };
}

export function graphGroup(id: string, displayName: string): Json {
  return {
    '@odata.type': '#microsoft.graph.group',
    id,
    deletedDateTime: null,
    classification: null,
    createdDateTime: '2026-03-01T09:00:00Z',
    description: null,
    displayName,
    groupTypes: [],
    mail: null,
    mailEnabled: false,
    mailNickname: displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
    securityEnabled: true,
    securityIdentifier: 'S-1-12-1-0-0-0-0',
    visibility: null,
  };
}

export function graphServicePrincipal(id: string, displayName: string, servicePrincipalType: 'Application' | 'ManagedIdentity' = 'Application'): Json {
  return {
    '@odata.type': '#microsoft.graph.servicePrincipal',
    id,
    accountEnabled: true,
    appDisplayName: servicePrincipalType === 'Application' ? displayName : null,
    appId: '00000000-0000-4000-8000-00000000ffff',
    displayName,
    servicePrincipalNames: ['00000000-0000-4000-8000-00000000ffff'],
    servicePrincipalType,
    keyCredentials: [],
    passwordCredentials: [],
  };
}

const TYPE_OF: Record<string, string> = { user: '#microsoft.graph.user', group: '#microsoft.graph.group', serviceprincipal: '#microsoft.graph.servicePrincipal' };

export async function startFakeGraph(options: FakeGraphOptions = {}): Promise<FakeGraph> {
  const objects = new Map((options.objects ?? []).map((o) => [String(o.id).toLowerCase(), o]));
  const requests: FakeGraphRequest[] = [];
  let calls = 0;
  let endpoint = '';

  const route = (req: FakeGraphRequest): FakeResponse => {
    if (!/^Bearer \S+/.test(String(req.headers.authorization ?? '')))
      return graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    if (req.path.toLowerCase() !== '/v1.0/directoryobjects/getbyids') return graphError(400, 'BadRequest', `Resource not found for the segment '${req.path.split('/').pop() ?? ''}'.`);
    if (req.method !== 'POST') return graphError(405, 'Request_BadRequest', 'The HTTP method is not allowed for this resource.');
    const body = req.body as { ids?: unknown; types?: unknown } | undefined;
    const ids = Array.isArray(body?.ids) ? body.ids : undefined;
    if (!ids || ids.length === 0) return graphError(400, 'Request_BadRequest', "Invalid value specified for property 'ids' of resource 'DirectoryObject'.");
    if (ids.length > 1000) return graphError(400, 'Request_BadRequest', 'The number of ids in the request exceeds the limit of 1000.');
    const types = Array.isArray(body?.types) ? body.types.map((t) => TYPE_OF[String(t).toLowerCase()]) : undefined;
    const value = ids.flatMap((id) => {
      const o = objects.get(String(id).toLowerCase());
      return o && (!types || types.includes(String(o['@odata.type']))) ? [o] : [];
    });
    return { status: 200, body: { '@odata.context': `${endpoint}/v1.0/$metadata#directoryObjects`, value } };
  };

  const { key, cert } = testCertificate();
  const server: Server = createServer({ key, cert }, (incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (c: Buffer) => chunks.push(c));
    incoming.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // kept as text
      }
      const req: FakeGraphRequest = { method: incoming.method ?? 'GET', path: new URL(incoming.url ?? '/', 'https://127.0.0.1').pathname, headers: incoming.headers, body };
      requests.push(req);
      const res = options.intercept?.(req, ++calls) ?? route(req);
      const out = res.raw ?? JSON.stringify(res.body ?? {});
      outgoing.writeHead(res.status, {
        'content-type': 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8',
        'request-id': `fake-${requests.length}`,
        ...res.headers,
        'content-length': Buffer.byteLength(out),
      });
      outgoing.end(out);
    });
  });
  const listening = await listenOnLoopback(server);
  endpoint = listening.endpoint;
  return { endpoint, ca: cert, requests, close: listening.close };
}

/**
 * A fetch that trusts `ca`: Node's own fetch takes no CA per call (only NODE_EXTRA_CA_CERTS, read at
 * start-up), so in-process tests reach the fake through https with the same request and response.
 */
export function fetchTrusting(ca: string): (url: string, init: RequestInit) => Promise<Response> {
  return (url, init) =>
    new Promise((resolve, reject) => {
      const req = request(url, { method: init.method ?? 'GET', headers: init.headers as Record<string, string>, ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
          resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0, headers }));
        });
      });
      req.on('error', reject);
      req.end(typeof init.body === 'string' ? init.body : undefined);
    });
}

/**
 * The environment that lets a spawned CLI sign in and reach fake Azure endpoints: an `az` on PATH that
 * hands out a fixed token (DefaultAzureCredential narrowed to the Azure CLI credential), the fakes'
 * certificate through NODE_EXTRA_CA_CERTS, and their endpoints. `az.log` in `dir` records each call.
 */
export function azureCliEnv(ca: string, endpoints: { arm?: string; graph?: string }): { env: Record<string, string>; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-az-'));
  const az = join(dir, 'az');
  writeFileSync(
    az,
    `#!/bin/sh\necho "$@" >> "${join(dir, 'az.log')}"\n` +
      `echo '{"accessToken":"test-token","expiresOn":"2099-01-01 00:00:00.000000","expires_on":4070908800,"subscription":"00000000-0000-4000-8000-000000000001","tenant":"00000000-0000-4000-8000-0000000000aa","tokenType":"Bearer"}'\n`,
  );
  chmodSync(az, 0o755);
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, ca);
  return {
    dir,
    env: {
      PATH: `${dir}:${process.env.PATH ?? ''}`,
      AZURE_TOKEN_CREDENTIALS: 'AzureCliCredential',
      NODE_EXTRA_CA_CERTS: caFile,
      ...(endpoints.arm ? { PALISADE_ARM_ENDPOINT: endpoints.arm } : {}),
      ...(endpoints.graph ? { PALISADE_GRAPH_ENDPOINT: endpoints.graph } : {}),
    },
  };
}
