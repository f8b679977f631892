import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorMessage } from '../core/errors.js';

/** What a handler sees: the matched path parameters and the query; the server reads no request bodies. */
export interface Request {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
}

export interface Response {
  status: number;
  headers?: Record<string, string>;
  /** Sent as JSON unless `text` is given. */
  body?: unknown;
  text?: string;
}

export type Handler = (req: Request) => Promise<Response> | Response;

/** A client mistake (400) or an unknown thing (404), answered as `{ "error": message }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Route {
  method: 'GET';
  /** `/api/scans/:id/findings`: `:name` matches one path segment. */
  pattern: string;
  /** The label requests are counted under (the pattern, so ids do not make a label per scan). */
  name: string;
  handler: Handler;
}

interface CompiledRoute extends Route {
  regex: RegExp;
  keys: string[];
}

function compile(route: Route): CompiledRoute {
  const keys: string[] = [];
  const source = route.pattern
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      keys.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { ...route, regex: new RegExp(`^${source}$`), keys };
}

export function json(body: unknown, status = 200): Response {
  return { status, body };
}

const BASE_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export interface HttpServerOptions {
  routes: readonly Route[];
  /** Called once per answered request, for metrics. */
  onRequest?: (route: string, method: string, status: number, seconds: number) => void;
  /** Where unexpected handler failures are told (they answer 500 without the detail). */
  onError?: (message: string) => void;
  /** Host header names this server answers to; any when absent. */
  allowedHost?: (hostname: string) => boolean;
}

/**
 * A server on the loopback address answers only requests sent to a loopback name: a web page the
 * operator visits could otherwise point a name of its own at 127.0.0.1 (DNS rebinding) and read the
 * whole API. On any other address the Host is the Service's or the pod's, which no list here knows.
 */
export function loopbackHosts(listenHost: string): ((hostname: string) => boolean) | undefined {
  const loopback = (h: string) => h === 'localhost' || h === '::1' || h === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(h);
  return loopback(listenHost) ? loopback : undefined;
}

function hostnameOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = /^(\[[^\]]*\]|[^:]*)(?::\d+)?$/.exec(header.trim().toLowerCase());
  return m?.[1];
}

/**
 * A small HTTP core: exact routes, GET and HEAD only, JSON errors, no request bodies read. Handlers are
 * plain functions of (params, query) that return a status and a body, so tests call them directly.
 */
export function createHttpServer(options: HttpServerOptions): Server {
  const routes = options.routes.map(compile);
  return createServer((incoming, outgoing) => {
    const started = process.hrtime.bigint();
    void answer(incoming, routes, options).then(
      ({ res, route }) => {
        send(outgoing, res, incoming.method === 'HEAD');
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        options.onRequest?.(route, incoming.method ?? 'GET', res.status, seconds);
      },
      (e: unknown) => {
        options.onError?.(errorMessage(e));
        outgoing.destroy();
      },
    );
  });
}

async function answer(incoming: IncomingMessage, routes: readonly CompiledRoute[], options: HttpServerOptions): Promise<{ res: Response; route: string }> {
  if (options.allowedHost) {
    const host = hostnameOf(incoming.headers.host);
    if (host === undefined || !options.allowedHost(host))
      return { res: json({ error: `this server answers to localhost and 127.0.0.1 only, not to Host ${JSON.stringify(incoming.headers.host ?? '')}` }, 421), route: 'unmatched' };
  }
  let url: URL;
  try {
    // Appended, not resolved: `//metrics` is a path here, not a host.
    url = new URL(`http://localhost${incoming.url ?? '/'}`);
  } catch {
    return { res: json({ error: 'malformed request target' }, 400), route: 'unmatched' };
  }
  const method = incoming.method ?? 'GET';
  for (const route of routes) {
    const m = route.regex.exec(url.pathname);
    if (!m) continue;
    if (method !== 'GET' && method !== 'HEAD') return { res: { status: 405, headers: { allow: 'GET, HEAD' }, body: { error: `${method} is not allowed here` } }, route: route.name };
    const params: Record<string, string> = {};
    try {
      route.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1] ?? '')));
    } catch {
      return { res: json({ error: 'malformed path' }, 400), route: route.name };
    }
    try {
      return { res: await route.handler({ method, path: url.pathname, params, query: url.searchParams }), route: route.name };
    } catch (e) {
      if (e instanceof HttpError) return { res: json({ error: e.message }, e.status), route: route.name };
      options.onError?.(`${method} ${url.pathname}: ${errorMessage(e)}`);
      return { res: json({ error: 'internal error' }, 500), route: route.name };
    }
  }
  return { res: json({ error: `no such path: ${url.pathname}` }, 404), route: 'unmatched' };
}

function send(outgoing: ServerResponse, res: Response, head: boolean): void {
  const text = res.text ?? `${JSON.stringify(res.body ?? null)}\n`;
  const headers = { ...BASE_HEADERS, ...(res.text === undefined ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...res.headers };
  const body = Buffer.from(text, 'utf8');
  outgoing.writeHead(res.status, { ...headers, 'content-length': body.length });
  outgoing.end(head ? undefined : body);
}

/** Listens and resolves with the bound address (`port` 0 picks a free port). */
export async function listen(server: Server, port: number, host: string): Promise<{ url: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${shown}:${address.port}`, port: address.port };
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.closeAllConnections();
    server.close((e) => (e ? reject(e) : resolve()));
  });
}
