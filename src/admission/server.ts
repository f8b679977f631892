import { X509Certificate } from 'node:crypto';
import { readFileSync, unwatchFile, watchFile, type Stats } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { errorMessage } from '../core/errors.js';
import { WebhookMetrics, type Decision } from './metrics.js';
import { admissionReviewResponse, parseAdmissionReview, reviewRequest, type ReviewPolicy } from './review.js';

/** The API server sends at most a few hundred KiB; Kubernetes objects are capped at about 1.5 MiB in etcd. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** How much of a refused body is read and dropped, in multiples of the limit, before the connection is cut. */
const DRAIN_FACTOR = 4;

export interface WebhookServerOptions {
  policy: ReviewPolicy;
  certFile: string;
  keyFile: string;
  host?: string;
  port?: number;
  /** How often the certificate files are checked for changes, in milliseconds. */
  certPollMs?: number;
  maxBodyBytes?: number;
  /** Where operational messages go (certificate reloads, rule errors); stderr by default. */
  log?: (message: string) => void;
  /**
   * How long a closing server waits for its connections before destroying them, in milliseconds:
   * REQUEST_TIMEOUT_SECONDS unless given (tests).
   */
  forceCloseAfterMs?: number;
  /** The clock the certificate's expiry is measured against (tests). */
  now?: () => Date;
}

/**
 * How long a stopping webhook keeps serving after it starts answering /readyz 503, in seconds. The
 * Service's endpoints still name a terminating pod until the endpoint controller and every node's
 * kube-proxy have caught up, which takes a few seconds; requests routed there meanwhile must still
 * get an answer, or failurePolicy Ignore admits them unchecked.
 */
export const DEFAULT_SHUTDOWN_DELAY_SECONDS = 10;

/** The longest a request may take to arrive, in seconds: what a closing server may still wait for. */
export const REQUEST_TIMEOUT_SECONDS = 10;

/**
 * How long an idle keep-alive connection is kept, in seconds. The API server's client pools its
 * connections and closes an idle one after 90 s (Go's http.Transport IdleConnTimeout): a server that
 * closed it sooner (Node's default is 5 s) could close it just as a request is sent on it, and that
 * call fails, which failurePolicy Ignore turns into an unchecked admission.
 */
export const KEEP_ALIVE_TIMEOUT_SECONDS = 120;

/** How many days before the serving certificate expires the webhook starts warning, at start and on each reload. */
export const CERTIFICATE_NOTICE_DAYS = 30;

export interface WebhookServer {
  readonly server: Server;
  readonly metrics: WebhookMetrics;
  /** Resolves with the port once listening. */
  listen(): Promise<number>;
  /** Stops accepting, answers /readyz 503, closes the connections and stops watching the certificates. */
  close(): Promise<void>;
  /**
   * Answers /readyz 503 at once, keeps serving for `delayMs` (closing each connection after its next
   * answer, so clients reconnect to another replica), then closes.
   */
  shutdown(delayMs: number): Promise<void>;
  /** How many times a changed certificate pair was loaded. */
  readonly reloads: number;
}

const VALIDATE_PATH = '/validate';

const DECISION: Record<ReviewPolicy['mode'], Decision> = { enforce: 'denied', warn: 'warned', audit: 'audited' };

/**
 * The validating webhook over HTTPS (TLS 1.2 or later). `POST /validate` answers AdmissionReview v1;
 * `/healthz`, `/readyz` and `/metrics` serve the kubelet and Prometheus. Every answer is JSON or text
 * written here: a bad request is a 400 with a message, never an exception that ends the process.
 */
export function createWebhookServer(opts: WebhookServerOptions): WebhookServer {
  const log = opts.log ?? ((m: string) => process.stderr.write(`palisade webhook: ${m}\n`));
  const maxBody = opts.maxBodyBytes ?? MAX_BODY_BYTES;
  const metrics = new WebhookMetrics();
  const now = opts.now ?? (() => new Date());
  let ready = false;
  let draining = false;
  let reloads = 0;
  const initialCert = readFileSync(opts.certFile);
  const server = createServer({
    cert: initialCert,
    key: readFileSync(opts.keyFile),
    minVersion: 'TLSv1.2',
  });
  noteCertificate(initialCert);
  // The API server's own timeout is a few seconds; a client that trickles its request must not hold a socket.
  server.requestTimeout = REQUEST_TIMEOUT_SECONDS * 1000;
  server.headersTimeout = 5_000;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_SECONDS * 1000;
  // Every socket, from the TCP accept on: one that connected and never sent a request is not an idle
  // HTTP connection, and neither server.close nor closeIdleConnections ends it.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  /**
   * Exports the certificate's expiry and warns when it is near: past it every call fails TLS and
   * failurePolicy Ignore admits everything, with nothing else to tell.
   */
  function noteCertificate(pem: Buffer): void {
    let notAfter: Date;
    try {
      notAfter = new Date(new X509Certificate(pem).validTo);
    } catch {
      return;
    }
    metrics.setCertificateExpiry(notAfter);
    const notice = certificateExpiryNotice(notAfter, now());
    if (notice) log(`warning: the serving certificate ${opts.certFile} ${notice}`);
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    // Only admission requests count: the kubelet's probes and Prometheus' scrapes go on when the API
    // server no longer reaches the webhook, and would hide that outage in the request rate.
    if (path === VALIDATE_PATH) {
      const started = process.hrtime.bigint();
      res.on('finish', () => metrics.observeRequest(res.statusCode, Number(process.hrtime.bigint() - started) / 1e9));
    }
    // A keep-alive client would go on sending to this pod; closing after the answer makes it reconnect
    // through the Service, which no longer routes here.
    if (draining) res.setHeader('connection', 'close');
    try {
      route(req, res, path);
    } catch (e) {
      log(`internal error: ${errorMessage(e)}`);
      if (!res.headersSent) sendJson(res, 500, { message: 'internal error' });
      else res.destroy();
    }
  });
  // A client that breaks TLS or sends garbage gets its socket closed; the process carries on.
  server.on('tlsClientError', () => undefined);
  server.on('clientError', (_err, socket) => socket.destroy());

  function route(req: IncomingMessage, res: ServerResponse, path: string): void {
    if (path === '/healthz') return sendText(res, 200, 'ok\n');
    if (path === '/readyz') return ready ? sendText(res, 200, 'ready\n') : sendText(res, 503, 'not ready\n');
    if (path === '/metrics') return sendText(res, 200, metrics.render(), 'text/plain; version=0.0.4; charset=utf-8');
    if (path !== VALIDATE_PATH) return sendJson(res, 404, { message: `no such path: ${path}` });
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendJson(res, 405, { message: `${req.method ?? 'this method'} is not allowed on /validate; send POST` });
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBody) return tooLarge(req, res, 0);
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBody) {
        refused = true;
        chunks.length = 0;
        req.off('data', onData);
        tooLarge(req, res, size);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (!refused) answer(Buffer.concat(chunks, size), res);
    });
  }

  /**
   * Refuses a body over the limit and drops the rest of it as it arrives. Closing the connection at once
   * would reset it while the client is still sending, and a reset can discard the answer before the
   * client reads it: so the rest is read and dropped, up to a few times the limit (the request
   * timeout bounds a client that trickles), and past that the connection is cut.
   */
  function tooLarge(req: IncomingMessage, res: ServerResponse, alreadyRead: number): void {
    let dropped = alreadyRead;
    req.on('data', (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > maxBody * DRAIN_FACTOR) req.socket.destroy();
    });
    req.on('error', () => res.destroy());
    sendJson(res, 400, { message: `the request body is larger than ${maxBody} bytes` });
  }

  function answer(body: Buffer, res: ServerResponse): void {
    let decoded: unknown;
    try {
      decoded = JSON.parse(body.toString('utf8'));
    } catch (e) {
      return sendJson(res, 400, { message: `the body is not JSON: ${errorMessage(e)}` });
    }
    const parsed = parseAdmissionReview(decoded);
    if ('error' in parsed) return sendJson(res, 400, { message: parsed.error });
    const outcome = reviewRequest(parsed.request, opts.policy);
    for (const e of outcome.errors) log(e);
    // Dry runs count as requests but not as decisions: nothing will be created, so nothing was stopped.
    if (!parsed.request.dryRun) {
      const decision = DECISION[opts.policy.mode];
      for (const rule of new Set(outcome.violations.map((f) => f.rule))) metrics.observeDecision(rule, decision);
    }
    sendJson(res, 200, admissionReviewResponse(outcome.response));
  }

  // Polling rather than fs.watch: a mounted Secret changes by swapping a symlink two levels up, which
  // fs.watch on the file does not see on every platform; a stat every few seconds always does.
  const pollMs = opts.certPollMs ?? 5_000;
  const onChange = (curr: Stats, prev: Stats) => {
    if (curr.mtimeMs === prev.mtimeMs && curr.size === prev.size && curr.ino === prev.ino) return;
    try {
      const cert = readFileSync(opts.certFile);
      server.setSecureContext({ cert, key: readFileSync(opts.keyFile), minVersion: 'TLSv1.2' });
      reloads++;
      log(`loaded the certificate again from ${opts.certFile}`);
      noteCertificate(cert);
    } catch (e) {
      // Half-written files or a key that does not match yet: keep serving with the previous pair.
      log(`kept the previous certificate: ${errorMessage(e)}`);
    }
  };
  watchFile(opts.certFile, { interval: pollMs, persistent: false }, onChange);
  watchFile(opts.keyFile, { interval: pollMs, persistent: false }, onChange);

  return {
    server,
    metrics,
    get reloads() {
      return reloads;
    },
    listen() {
      return new Promise((resolve, reject) => {
        const failed = (e: NodeJS.ErrnoException) => reject(listenError(e, opts.host ?? '0.0.0.0', opts.port ?? 8443));
        server.once('error', failed);
        server.listen(opts.port ?? 8443, opts.host ?? '0.0.0.0', () => {
          server.off('error', failed);
          ready = true;
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    close,
    async shutdown(delayMs: number) {
      ready = false;
      draining = true;
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      await close();
    },
  };

  /**
   * Stops accepting and closes the idle connections; what is left gets the request timeout to finish
   * (a request still arriving, an answer being written), and is then destroyed, so that a client that
   * connected and never sent anything cannot keep the process past the kubelet's grace period.
   */
  function close(): Promise<void> {
    ready = false;
    unwatchFile(opts.certFile, onChange);
    unwatchFile(opts.keyFile, onChange);
    return new Promise((resolve) => {
      const force = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, opts.forceCloseAfterMs ?? REQUEST_TIMEOUT_SECONDS * 1000);
      server.close(() => {
        clearTimeout(force);
        resolve();
      });
      server.closeIdleConnections();
    });
  }
}

/** `expires on <date>, in N days` when the certificate ends within CERTIFICATE_NOTICE_DAYS, `expired on <date>` once it has. */
export function certificateExpiryNotice(notAfter: Date, now: Date): string | undefined {
  const left = notAfter.getTime() - now.getTime();
  const date = notAfter.toISOString().slice(0, 16).replace('T', ' ');
  const consequence = 'fail TLS and failurePolicy Ignore admits everything unchecked: renew it';
  if (left <= 0) return `expired on ${date} UTC: every call will ${consequence}`;
  if (left > CERTIFICATE_NOTICE_DAYS * 86_400_000) return undefined;
  const days = Math.floor(left / 86_400_000);
  return `expires on ${date} UTC, in ${days === 0 ? 'less than a day' : `${days} day(s)`}: after that every call will ${consequence}`;
}

/** A failure to listen, saying what to do about the usual causes. */
export class ListenError extends Error {
  constructor(message: string, readonly code?: string) {
    super(message);
    this.name = 'ListenError';
  }
}

function listenError(e: NodeJS.ErrnoException, host: string, port: number): ListenError {
  const where = `${host}:${port}`;
  if (e.code === 'EADDRINUSE') return new ListenError(`cannot listen on ${where}: the port is already in use (another webhook serve, or another program); choose another with --port`, e.code);
  if (e.code === 'EACCES') return new ListenError(`cannot listen on ${where}: permission denied (ports below 1024 need privileges; the manifests use 8443)`, e.code);
  if (e.code === 'EADDRNOTAVAIL') return new ListenError(`cannot listen on ${where}: no interface of this machine has that address`, e.code);
  return new ListenError(`cannot listen on ${where}: ${errorMessage(e)}`, e.code);
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendText(res: ServerResponse, code: number, text: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(code, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
