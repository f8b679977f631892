import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request as httpsRequest } from 'node:https';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWebhookServer, KEEP_ALIVE_TIMEOUT_SECONDS, ListenError, type WebhookServer } from '../../src/admission/server.js';
import { connect as tlsConnect } from 'node:tls';
import type { ReviewPolicy } from '../../src/admission/review.js';
import { testCertificate } from '../helpers/fake-arm.js';
import { reviewPolicy, WORKLOAD_RULES } from './review-policy.js';

function policy(over: Partial<ReviewPolicy> = {}): ReviewPolicy {
  return reviewPolicy({ exemptNamespaces: ['trusted-*'], exemptUsers: ['system:serviceaccount:flux-system:*'], ...over });
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => Record<string, unknown>;
}

function call(port: number, ca: string, opts: { method?: string; path?: string; body?: string | Buffer; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port, method: opts.method ?? 'POST', path: opts.path ?? '/validate', ca, agent: false, headers: { 'content-type': 'application/json', ...opts.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> });
        });
      },
    );
    // The server may answer and close before an oversized body is fully sent; the answer is what counts.
    req.on('error', reject);
    req.end(opts.body);
  });
}

const GOOD_POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web' },
  spec: {
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      {
        name: 'app',
        image: 'contoso.azurecr.io/web:1.4.2@sha256:0000000000000000000000000000000000000000000000000000000000000000',
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
      },
    ],
  },
};

const PRIVILEGED_POD = {
  ...GOOD_POD,
  spec: { ...GOOD_POD.spec, containers: [{ ...GOOD_POD.spec.containers[0], securityContext: { privileged: true } }] },
};

function review(object: unknown, request: Record<string, unknown> = {}): string {
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: { uid: 'f0b8-4c1e', operation: 'CREATE', namespace: 'shop', name: 'web', userInfo: { username: 'alice@contoso.com' }, object, ...request },
  });
}

type Response = { uid: string; allowed: boolean; status?: { code: number; message: string }; warnings?: string[]; auditAnnotations?: Record<string, string> };

function responseOf(reply: Reply): Response {
  expect(reply.status).toBe(200);
  const body = reply.json();
  expect(body.apiVersion).toBe('admission.k8s.io/v1');
  expect(body.kind).toBe('AdmissionReview');
  return body.response as Response;
}

describe('webhook serve', () => {
  const cert = testCertificate();
  const dir = mkdtempSync(join(tmpdir(), 'palisade-webhook-'));
  const certFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  writeFileSync(certFile, cert.cert);
  writeFileSync(keyFile, cert.key);
  const servers: Record<string, { server: WebhookServer; port: number }> = {};
  const start = async (name: string, p: ReviewPolicy) => {
    const server = createWebhookServer({ policy: p, certFile, keyFile, host: '127.0.0.1', port: 0, log: () => undefined });
    servers[name] = { server, port: await server.listen() };
  };
  const port = (name: string) => servers[name]!.port;

  beforeAll(async () => {
    await start('enforce', policy({ exceptions: [{ rule: 'workload/privileged-container', resources: ['legacy/*/*'], reason: 'vendor agent (SEC-9)', expires: undefined }] }));
    await start('warn', policy({ mode: 'warn' }));
    await start('audit', policy({ mode: 'audit' }));
  });
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((s) => s.server.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('admits a compliant pod and echoes the request uid', async () => {
    const r = responseOf(await call(port('enforce'), cert.cert, { body: review(GOOD_POD) }));
    expect(r).toEqual({ uid: 'f0b8-4c1e', allowed: true });
  });

  it('refuses a privileged pod in enforce mode, naming the rule in the status message', async () => {
    const r = responseOf(await call(port('enforce'), cert.cert, { body: review(PRIVILEGED_POD) }));
    expect(r.uid).toBe('f0b8-4c1e');
    expect(r.allowed).toBe(false);
    expect(r.status?.code).toBe(403);
    expect(r.status?.message).toContain('Pod shop/web');
    expect(r.status?.message).toContain('workload/privileged-container (critical)');
  });

  it('judges only findings at or above --fail-on', async () => {
    const strict = createWebhookServer({ policy: policy({ failOn: 'critical', rules: WORKLOAD_RULES.filter((r) => r.meta.id !== 'workload/privileged-container' && !r.meta.id.startsWith('pss/')) }), certFile, keyFile, host: '127.0.0.1', port: 0, log: () => undefined });
    try {
      const p = await strict.listen();
      expect(responseOf(await call(p, cert.cert, { body: review(PRIVILEGED_POD) })).allowed).toBe(true);
    } finally {
      await strict.close();
    }
  });

  it('admits what a live config exception covers', async () => {
    const r = responseOf(await call(port('enforce'), cert.cert, { body: review(PRIVILEGED_POD, { namespace: 'legacy' }) }));
    // What an exception lets through is recorded in the audit event, naming the exception's reason.
    expect(r).toEqual({ uid: 'f0b8-4c1e', allowed: true, auditAnnotations: { suppressed: 'workload/privileged-container (exception: vendor agent (SEC-9))' } });
  });

  it('admits a refused object with warnings in warn mode', async () => {
    const r = responseOf(await call(port('warn'), cert.cert, { body: review(PRIVILEGED_POD) }));
    expect(r.allowed).toBe(true);
    expect(r.status).toBeUndefined();
    expect(r.warnings?.some((w) => w.startsWith('palisade workload/privileged-container (critical):'))).toBe(true);
    expect(r.warnings?.every((w) => w.length <= 240)).toBe(true);
  });

  it('admits a refused object with audit annotations in audit mode', async () => {
    const r = responseOf(await call(port('audit'), cert.cert, { body: review(PRIVILEGED_POD) }));
    expect(r.allowed).toBe(true);
    expect(r.warnings).toBeUndefined();
    expect(r.auditAnnotations?.['workload.privileged-container']).toMatch(/^critical: /);
    for (const key of Object.keys(r.auditAnnotations ?? {})) expect(key).toMatch(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/);
  });

  it('answers a dry run exactly as the real request, and counts no decision for it', async () => {
    const before = await call(port('warn'), cert.cert, { method: 'GET', path: '/metrics' });
    const dry = responseOf(await call(port('warn'), cert.cert, { body: review(PRIVILEGED_POD, { dryRun: true }) }));
    const real = responseOf(await call(port('warn'), cert.cert, { body: review(PRIVILEGED_POD) }));
    expect(dry).toEqual(real);
    const decisions = (text: string) => Number(/palisade_webhook_decisions_total\{rule="workload\/privileged-container",decision="warned"\} (\d+)/.exec(text)?.[1] ?? 0);
    const after = await call(port('warn'), cert.cert, { method: 'GET', path: '/metrics' });
    expect(decisions(after.text) - decisions(before.text)).toBe(1);
  });

  it('admits objects of an exempt namespace unexamined', async () => {
    expect(responseOf(await call(port('enforce'), cert.cert, { body: review(PRIVILEGED_POD, { namespace: 'trusted-infra' }) }))).toEqual({ uid: 'f0b8-4c1e', allowed: true });
    // Unexamined, so not even a warning.
    expect(responseOf(await call(port('warn'), cert.cert, { body: review(PRIVILEGED_POD, { namespace: 'trusted-infra' }) }))).toEqual({ uid: 'f0b8-4c1e', allowed: true });
  });

  it('admits requests of an exempt user unexamined', async () => {
    const body = review(PRIVILEGED_POD, { userInfo: { username: 'system:serviceaccount:flux-system:kustomize-controller' } });
    expect(responseOf(await call(port('enforce'), cert.cert, { body }))).toEqual({ uid: 'f0b8-4c1e', allowed: true });
    expect(responseOf(await call(port('warn'), cert.cert, { body }))).toEqual({ uid: 'f0b8-4c1e', allowed: true });
  });

  it('refuses an UPDATE that makes a pod template privileged, and admits objects of kinds no rule reads', async () => {
    // A Pod's securityContext cannot change on update (the API server's validation refuses it before
    // any webhook is called); a Deployment's template can.
    const deployment = (pod: { spec: unknown }) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: pod.spec } } });
    const update = responseOf(await call(port('enforce'), cert.cert, { body: review(deployment(PRIVILEGED_POD), { operation: 'UPDATE', oldObject: deployment(GOOD_POD) }) }));
    expect(update.allowed).toBe(false);
    const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'leader' }, spec: { holderIdentity: 'web-0' } };
    expect(responseOf(await call(port('enforce'), cert.cert, { body: review(lease, { name: 'leader' }) }))).toEqual({ uid: 'f0b8-4c1e', allowed: true });
  });

  it('allows DELETE and CONNECT whatever the old object holds', async () => {
    for (const operation of ['DELETE', 'CONNECT']) {
      const body = review(null, { operation, oldObject: PRIVILEGED_POD });
      expect(responseOf(await call(port('enforce'), cert.cert, { body }))).toEqual({ uid: 'f0b8-4c1e', allowed: true });
    }
  });

  it('answers 400 with a JSON message to malformed JSON, a non-AdmissionReview body and a missing uid', async () => {
    const cases: Array<[string, RegExp]> = [
      ['{"apiVersion": ', /not JSON/],
      ['[1,2]', /not a JSON object/],
      [JSON.stringify({ apiVersion: 'v1', kind: 'Pod' }), /expected kind AdmissionReview/],
      [JSON.stringify({ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: { uid: 'x' } }), /expected apiVersion admission.k8s.io\/v1/],
      [JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }), /has no request/],
      [JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { operation: 'CREATE' } }), /request.uid is missing/],
    ];
    for (const [body, message] of cases) {
      const reply = await call(port('enforce'), cert.cert, { body });
      expect(reply.status).toBe(400);
      expect(reply.headers['content-type']).toBe('application/json');
      expect(String(reply.json().message)).toMatch(message);
    }
    // Still serving afterwards.
    expect(responseOf(await call(port('enforce'), cert.cert, { body: review(GOOD_POD) })).allowed).toBe(true);
  });

  it('answers 400 to a body over 3 MiB, declared or streamed, and keeps serving', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 10, 0x20);
    const declared = await call(port('enforce'), cert.cert, { body: big });
    expect(declared.status).toBe(400);
    expect(String(declared.json().message)).toMatch(/larger than 3145728 bytes/);
    const streamed = await call(port('enforce'), cert.cert, { body: big, headers: { 'transfer-encoding': 'chunked' } });
    expect(streamed.status).toBe(400);
    expect(responseOf(await call(port('enforce'), cert.cert, { body: review(GOOD_POD) })).allowed).toBe(true);
  });

  it('lets the client read the 400 for an oversized body on every try, then serves the next request on the same connection', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (body: string | Buffer) =>
      new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
        const req = httpsRequest({ host: '127.0.0.1', port: port('enforce'), method: 'POST', path: '/validate', ca: cert.cert, agent, headers: { 'content-type': 'application/json' } }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
        });
        req.on('error', reject);
        req.end(body);
      });
    try {
      const big = Buffer.alloc(3 * 1024 * 1024 + 4096, 0x20);
      for (let i = 0; i < 5; i++) expect((await send(big)).status).toBe(400);
      // The client hands the socket back to the agent once it has finished writing the body, which may
      // come after the answer: wait until the agent holds it (a socket the server closed never comes back).
      for (let i = 0; i < 200 && Object.keys(agent.freeSockets).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      const next = await send(review(GOOD_POD));
      expect(next).toEqual({ status: 200, reused: true });
    } finally {
      agent.destroy();
    }
  });

  it('answers 405 to another method on /validate and 404 to another path', async () => {
    const get = await call(port('enforce'), cert.cert, { method: 'GET' });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    const other = await call(port('enforce'), cert.cert, { path: '/mutate', body: review(GOOD_POD) });
    expect(other.status).toBe(404);
    expect(String(other.json().message)).toContain('/mutate');
  });

  it('serves /healthz and /readyz, and accepts no connection once closed', async () => {
    expect((await call(port('enforce'), cert.cert, { method: 'GET', path: '/healthz' })).status).toBe(200);
    expect((await call(port('enforce'), cert.cert, { method: 'GET', path: '/readyz' })).status).toBe(200);
    const fresh = createWebhookServer({ policy: policy(), certFile, keyFile, host: '127.0.0.1', port: 0, log: () => undefined });
    const p = await fresh.listen();
    await fresh.close();
    await expect(call(p, cert.cert, { method: 'GET', path: '/readyz' })).rejects.toThrow();
  });

  it('on shutdown answers /readyz 503 at once, keeps answering admission requests through the delay, then closes', async () => {
    const fresh = createWebhookServer({ policy: policy(), certFile, keyFile, host: '127.0.0.1', port: 0, log: () => undefined });
    const p = await fresh.listen();
    const started = Date.now();
    let closed = false;
    const stopping = fresh.shutdown(400).then(() => (closed = true));
    const ready = await call(p, cert.cert, { method: 'GET', path: '/readyz' });
    expect(ready.status).toBe(503);
    const during = await call(p, cert.cert, { body: review(PRIVILEGED_POD) });
    expect(responseOf(during).allowed).toBe(false);
    // Keep-alive clients are told to reconnect, through the Service, to a replica that is staying.
    expect(during.headers.connection).toBe('close');
    expect(closed).toBe(false);
    await stopping;
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    await expect(call(p, cert.cert, { method: 'GET', path: '/healthz' })).rejects.toThrow();
  });

  it('with no shutdown delay closes at once', async () => {
    const fresh = createWebhookServer({ policy: policy(), certFile, keyFile, host: '127.0.0.1', port: 0, log: () => undefined });
    const p = await fresh.listen();
    await fresh.shutdown(0);
    await expect(call(p, cert.cert, { method: 'GET', path: '/readyz' })).rejects.toThrow();
  });

  it('destroys a connection that never sent a request once the request timeout has passed after closing', async () => {
    const fresh = createWebhookServer({ policy: policy(), certFile, keyFile, host: '127.0.0.1', port: 0, log: () => undefined, forceCloseAfterMs: 300 });
    const p = await fresh.listen();
    const silent = tlsConnect({ host: '127.0.0.1', port: p, ca: cert.cert, servername: 'localhost' });
    await new Promise<void>((ok, fail) => silent.once('secureConnect', ok).once('error', fail));
    const dropped = new Promise<void>((ok) => silent.once('close', () => ok()));
    const started = Date.now();
    // Without the destroy, server.close waits on this socket for as long as the client keeps it.
    await fresh.shutdown(100);
    await dropped;
    expect(Date.now() - started).toBeLessThan(3000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
  });

  it('keeps idle keep-alive connections longer than the API server client does (90 s)', () => {
    expect(servers.enforce!.server.server.keepAliveTimeout).toBeGreaterThan(90_000);
    expect(KEEP_ALIVE_TIMEOUT_SECONDS).toBeGreaterThan(90);
  });

  it('says a port is in use in words, as an error of its own kind', async () => {
    const second = createWebhookServer({ policy: policy(), certFile, keyFile, host: '127.0.0.1', port: port('enforce'), log: () => undefined });
    const failure = await second.listen().then(
      () => undefined,
      (e: unknown) => e,
    );
    await second.close();
    expect(failure).toBeInstanceOf(ListenError);
    expect((failure as Error).message).toBe(`cannot listen on 127.0.0.1:${port('enforce')}: the port is already in use (another webhook serve, or another program); choose another with --port`);
  });

  it('refuses TLS below 1.2', async () => {
    const attempt = new Promise<void>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port: port('enforce'), path: '/healthz', ca: cert.cert, agent: false, maxVersion: 'TLSv1.1', minVersion: 'TLSv1' }, () => resolve());
      req.on('error', reject);
      req.end();
    });
    await expect(attempt).rejects.toThrow();
  });

  it('exposes request counts by code, a latency histogram and decisions by rule on /metrics', async () => {
    const fresh = createWebhookServer({ policy: policy(), certFile, keyFile, host: '127.0.0.1', port: 0, log: () => undefined });
    const p = await fresh.listen();
    try {
      await call(p, cert.cert, { body: review(GOOD_POD) });
      await call(p, cert.cert, { body: review(PRIVILEGED_POD) });
      await call(p, cert.cert, { body: 'nonsense' });
      const metrics = await call(p, cert.cert, { method: 'GET', path: '/metrics' });
      expect(metrics.headers['content-type']).toContain('text/plain; version=0.0.4');
      const text = metrics.text;
      expect(text).toContain('palisade_webhook_requests_total{code="200"} 2');
      expect(text).toContain('palisade_webhook_requests_total{code="400"} 1');
      expect(text).toContain('# TYPE palisade_webhook_request_duration_seconds histogram');
      expect(text).toContain('palisade_webhook_request_duration_seconds_bucket{le="+Inf"} 3');
      expect(text).toContain('palisade_webhook_request_duration_seconds_count 3');
      expect(text).toContain('palisade_webhook_decisions_total{rule="workload/privileged-container",decision="denied"} 1');
      // Buckets are cumulative.
      const buckets = [...text.matchAll(/_bucket\{le="[^"]+"\} (\d+)/g)].map((m) => Number(m[1]));
      expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
    } finally {
      await fresh.close();
    }
  });
  it('counts admission requests only: probes and scrapes leave the request counter and the histogram alone', async () => {
    const fresh = createWebhookServer({ policy: policy(), certFile, keyFile, host: '127.0.0.1', port: 0, log: () => undefined });
    const p = await fresh.listen();
    try {
      for (const path of ['/healthz', '/readyz', '/metrics', '/healthz']) expect((await call(p, cert.cert, { method: 'GET', path })).status).toBe(200);
      const idle = (await call(p, cert.cert, { method: 'GET', path: '/metrics' })).text;
      // An API server that no longer reaches the webhook leaves no request series to rise.
      expect(idle).not.toMatch(/^palisade_webhook_requests_total\{/m);
      expect(idle).toContain('palisade_webhook_request_duration_seconds_count 0');
      await call(p, cert.cert, { body: review(GOOD_POD) });
      await call(p, cert.cert, { method: 'GET', path: '/readyz' });
      const after = (await call(p, cert.cert, { method: 'GET', path: '/metrics' })).text;
      expect(after).toContain('palisade_webhook_requests_total{code="200"} 1');
      expect(after).toContain('palisade_webhook_request_duration_seconds_count 1');
    } finally {
      await fresh.close();
    }
  });
});
