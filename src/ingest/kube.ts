import type { KubeConfig } from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import type { RequestOptions } from 'node:https';
import { delimiter } from 'node:path';
import { errorMessage, UsageError, type InputError, type InputNote } from '../core/errors.js';
import { asObj, asString, isObj, type Obj, type Resource } from '../core/resource.js';
import { VERSION } from '../core/version.js';
import { BodyTooLarge, get, NoAnswer, type KubeAnswer } from './kube-http.js';
import { ExecCredentialCache, execConfigOf, type ExecConfig, type ExecCredential } from './kube-exec.js';
import { apiVersionOf, LIVE_KINDS, listPath, qualifiedResource, undecidedWithout, type LiveKind } from './kube-kinds.js';
import { checkProxyUrl, ProxyRefused, proxyFromEnvironment } from './kube-proxy.js';
import { kubeconfigFiles, loadKubeconfig } from './kubeconfig.js';
import { CONTROLLER_KINDS, controllerKindsOf, FOLDED_KINDS, foldedNote, keptForEphemeralContainers, OwnerIndex } from './kube-owners.js';

export interface ClusterReadOptions {
  /** The kubeconfig file; default KUBECONFIG (several files joined with the path separator), then ~/.kube/config, then the in-cluster service account. */
  kubeconfig?: string;
  /** The kubeconfig context; default its current-context. */
  context?: string;
  /** Read namespaced kinds in this namespace only (cluster-scoped kinds are still read; Namespaces as this one). */
  namespace?: string;
  /** The kinds to read (names from LIVE_KINDS); default all of them. */
  kinds?: readonly string[];
  /**
   * The kinds whose refusal (403) is an input error; the others' refusals are notes naming what they
   * leave undecided. Default: every kind, but cluster-scoped ones with `namespace` (see readCluster).
   */
  required?: readonly string[];
  /** How long a credential plugin may run; default 2 minutes, 15 when it can prompt at this terminal (see kube-exec). */
  execTimeoutMs?: number;
  /** Items per page (`limit`); default 500. */
  pageSize?: number;
  /** Lists read at the same time; default 4. */
  concurrency?: number;
  /** Largest answer accepted for one page, after decompression; default 256 MiB. */
  maxPageBytes?: number;
  /** How long the server may stay silent on one request; default 60 s. */
  timeoutMs?: number;
  /** The pause before retrying a 429 or 5xx answer when the server names none; default 1 s (the server's Retry-After wins, up to 10 s). */
  retryDelayMs?: number;
  signal?: AbortSignal;
  /** Called as each list ends (progress). */
  onList?: (done: number, total: number, objects: number) => void;
}

export interface ClusterRead {
  resources: Resource[];
  errors: InputError[];
  /** What the reader left out, and why (objects checked through their controllers). */
  notes: InputNote[];
  /** `cluster:<context>`: the provenance file of every resource and the source of every error. */
  source: string;
}

export const DEFAULT_PAGE_SIZE = 500;
export const DEFAULT_CONCURRENCY = 4;
const DEFAULT_MAX_PAGE_BYTES = 256 << 20;
const DEFAULT_TIMEOUT_MS = 60_000;
const ATTEMPTS = 3;
const MAX_RETRY_DELAY_MS = 10_000;
// 500 objects a page: ten thousand pages is five million objects, well past any cluster; a server that
// keeps sending continue tokens beyond that is looping.
const MAX_PAGES = 10_000;

const JSON_ACCEPT = 'application/json';
// The server answers with each item's metadata only: names, labels, annotations, owners, never the values.
const METADATA_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
// kubectl apply keeps the whole applied object here, a Secret's data included.
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** A reason the whole read stops (no kubeconfig, server out of reach, credentials refused). */
class ReadStopped extends Error {}

/** No HTTP answer (refused, reset, timed out, TLS): it stops the read, after retries when the connection broke off. */
class TransportFailed extends ReadStopped {
  constructor(
    message: string,
    readonly retriable: boolean,
    /** No answer within the timeout: the server may be slow on this list alone. */
    readonly timedOut = false,
  ) {
    super(message);
  }
}

// A connection that broke off mid-way may work again; a refused one, a name that does not resolve or a
// certificate that is not trusted will not.
const RETRIED_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** A list the server refused or answered badly; the other lists go on. */
class ListFailed extends Error {
  /** The server answered and refused (403, 404): the same list fails the same way next time. */
  constructor(
    message: string,
    readonly refused = false,
    /** The refusal is a 403: these credentials may not list the kind. */
    readonly forbidden = false,
  ) {
    super(message);
  }
}

const PASSING_FAILURES = new WeakSet<InputError>();
const UNREAD_KINDS = new WeakMap<InputError | InputNote, string>();

/** The kind whose list an error (or the note of a refused context kind) says could not be read, if it says that. */
export function unreadKindOf(e: InputError | InputNote): string | undefined {
  return UNREAD_KINDS.get(e);
}

/**
 * Whether a read error may not recur (a timeout, a 5xx, a 429 past its retries, a connection lost):
 * a read with one is incomplete by chance, and comparing it with the last read would show what it
 * missed as fixed. A refusal (403) is the same every time, so reads with one still compare.
 */
export function isPassingFailure(e: InputError): boolean {
  return PASSING_FAILURES.has(e);
}

interface Connection {
  kc: KubeConfig;
  context: string;
  server: URL;
  /** The credential plugin of the context's user, run here rather than by the client library (see kube-exec). */
  exec?: ExecConfig;
  execTimeoutMs?: number;
  /** The namespace the context names, for the hint when only namespace rights are held. */
  contextNamespace?: string;
  options: Required<Pick<ClusterReadOptions, 'pageSize' | 'maxPageBytes' | 'timeoutMs' | 'retryDelayMs'>> & Pick<ClusterReadOptions, 'signal'>;
  /** The server has answered some request: a later timeout is one slow list, not a server out of reach. */
  answered?: boolean;
}

function inClusterToken(): boolean {
  return existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token') && process.env.KUBERNETES_SERVICE_HOST !== undefined;
}

/** The kubeconfig as kubectl would pick it, with the context chosen; never the client library's fallback to http://localhost:8080. */
async function loadConfig(options: ClusterReadOptions): Promise<{ kc: KubeConfig; context: string; server: URL; exec?: ExecConfig; contextNamespace?: string }> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  const files = kubeconfigFiles(options.kubeconfig);
  const file = files.length ? files.join(delimiter) : undefined;
  try {
    if (files.length) loadKubeconfig(kc, files);
    else if (inClusterToken()) kc.loadFromCluster();
    else
      throw new ReadStopped(
        'no kubeconfig: KUBECONFIG is not set and ~/.kube/config does not exist (az aks get-credentials -g <group> -n <cluster> writes one)',
      );
  } catch (e) {
    if (e instanceof ReadStopped) throw e;
    throw new ReadStopped(`cannot read the kubeconfig ${file ?? '(in-cluster service account)'}: ${brief(errorMessage(e))}`);
  }
  const names = kc.getContexts().map((c) => c.name);
  if (options.context !== undefined) {
    if (!kc.getContextObject(options.context))
      throw new UsageError(`--context ${options.context}: no such context in the kubeconfig (${names.length ? `it has ${names.join(', ')}` : 'it has none'})`);
    kc.setCurrentContext(options.context);
  }
  const context = kc.getCurrentContext();
  if (!context || !kc.getContextObject(context))
    throw new ReadStopped(`the kubeconfig names no current context; choose one with --context (${names.length ? names.join(', ') : 'it has none'})`);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new ReadStopped(`context ${context} names a cluster that is not in the kubeconfig`);
  let server: URL;
  try {
    server = new URL(cluster.server);
  } catch {
    throw new ReadStopped(`context ${context}: the cluster server ${JSON.stringify(cluster.server)} is not a URL`);
  }
  // As client-go: a CA says whom to trust, skipping verification says trust anyone; both at once is a mistake.
  if (server.protocol === 'https:' && cluster.skipTLSVerify && (cluster.caData || cluster.caFile))
    throw new ReadStopped(
      `context ${context}: cluster ${cluster.name} sets both a certificate authority and insecure-skip-tls-verify: true, which kubectl refuses too (specifying a root certificates file with the insecure flag is not allowed): remove one`,
    );
  // The client library's own cluster and user objects are changed in place: they are this read's alone.
  const proxy = proxyOf(cluster, server, context);
  if (proxy !== undefined) (cluster as { proxyUrl?: string }).proxyUrl = proxy;
  const user = kc.getCurrentUser();
  const exec = execConfigOf(user);
  // The plugin runs here (stderr shown, a time limit, the credential kept): the library must not run it again.
  if (exec && user) (user as { exec?: unknown }).exec = undefined;
  const contextNamespace = kc.getContextObject(context)?.namespace || undefined;
  return { kc, context, server, ...(exec ? { exec } : {}), ...(contextNamespace ? { contextNamespace } : {}) };
}

/**
 * The proxy of the cluster: its proxy-url, else the environment's. A proxy asked for but unusable stops
 * the read with its reason, rather than failing later as a certificate or credential error.
 */
function proxyOf(cluster: { name: string; proxyUrl?: string }, server: URL, context: string): string | undefined {
  try {
    if (!cluster.proxyUrl) return proxyFromEnvironment(server);
    checkProxyUrl(cluster.proxyUrl, 'proxy-url');
    return cluster.proxyUrl;
  } catch (e) {
    if (e instanceof ProxyRefused) throw new ReadStopped(`context ${context}: cluster ${cluster.name}: ${e.message}`);
    throw e;
  }
}

/** One line of a message that may be long or span lines (a credential plugin's stderr). */
function brief(message: string): string {
  const line = message.split('\n').map((s) => s.trim()).find(Boolean) ?? '';
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

function codeOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Words for a request that got no HTTP answer. */
function transportFailure(e: unknown, conn: Connection): string {
  const code = codeOf(e);
  const server = conn.server.origin + conn.server.pathname.replace(/\/$/, '');
  if (e instanceof NoAnswer) return `the API server ${server} of context ${conn.context} did not answer within ${conn.options.timeoutMs < 1000 ? `${conn.options.timeoutMs} ms` : `${Math.round(conn.options.timeoutMs / 1000)} s`}`;
  if (code !== undefined && NETWORK_CODES.has(code))
    return `cannot reach the API server ${server} of context ${conn.context} (${code}): is the cluster running, and its address reachable from here (private cluster, VPN, authorized IP ranges)?`;
  if (code !== undefined && /CERT|SELF_SIGNED|TLS|SIGNATURE/.test(code))
    return `the TLS certificate of the API server ${server} is not trusted (${code}): check certificate-authority-data of the cluster in the kubeconfig`;
  return `cannot reach the API server ${server} of context ${conn.context}: ${brief(errorMessage(e))}`;
}

/** Words for a failure to get credentials (an exec plugin such as kubelogin, a token file). */
function credentialFailure(e: unknown, conn: Connection): string {
  const command = conn.exec?.command;
  if (command !== undefined && codeOf(e) === 'ENOENT')
    return `the credential plugin ${command} of context ${conn.context} is not installed or not on PATH${/kubelogin/.test(command) ? ' (install kubelogin: az aks install-cli)' : ''}`;
  if (command !== undefined) return `the credential plugin ${command} of context ${conn.context} failed: ${brief(errorMessage(e)) || 'no message'}`;
  return `cannot prepare the connection of context ${conn.context} (certificates, token file): ${brief(errorMessage(e))}`;
}

/** The credentials of credential plugins, kept for the process as client-go keeps them. */
const EXEC_CREDENTIALS = new ExecCredentialCache();

/** The plugin's credential, run once for the process (again after a 401 or past its expiry). */
async function execCredential(conn: Connection, exec: ExecConfig): Promise<ExecCredential> {
  try {
    return await EXEC_CREDENTIALS.get(exec, conn.execTimeoutMs !== undefined ? { timeoutMs: conn.execTimeoutMs } : {});
  } catch (e) {
    // An ExecFailed keeps the spawn error's code (ENOENT: not installed).
    throw new ReadStopped(credentialFailure(e, conn));
  }
}

/**
 * A GET with the kubeconfig's credentials applied. A plugin's credential that the server refuses (401)
 * is dropped and the plugin run once more, as client-go does when a token was revoked early.
 */
async function send(conn: Connection, path: string, query: URLSearchParams, accept: string): Promise<KubeAnswer> {
  const answer = await sendOnce(conn, path, query, accept);
  if (answer.status !== 401 || !answer.credential || !conn.exec) return answer;
  EXEC_CREDENTIALS.invalidate(conn.exec, answer.credential);
  return sendOnce(conn, path, query, accept);
}

async function sendOnce(conn: Connection, path: string, query: URLSearchParams, accept: string): Promise<KubeAnswer & { credential?: ExecCredential }> {
  const headers: Record<string, string> = { Accept: accept, 'Accept-Encoding': 'gzip', 'User-Agent': `palisade/${VERSION}` };
  const options: RequestOptions = { headers };
  const credential = conn.exec ? await execCredential(conn, conn.exec) : undefined;
  // Set before the library applies the rest: it keeps a header and a client certificate it has no value for.
  if (credential?.token) headers.Authorization = `Bearer ${credential.token}`;
  if (credential?.clientCertificateData && credential.clientKeyData) {
    options.cert = credential.clientCertificateData;
    options.key = credential.clientKeyData;
  }
  try {
    await conn.kc.applyToHTTPSOptions(options);
  } catch (e) {
    throw new ReadStopped(credentialFailure(e, conn));
  }
  const url = new URL(conn.server.href);
  // A server may sit under a path (a proxy such as Rancher's): the API paths go below it.
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  url.search = query.toString();
  try {
    const answer = await get({ options, url, maxBytes: conn.options.maxPageBytes, timeoutMs: conn.options.timeoutMs, ...(conn.options.signal ? { signal: conn.options.signal } : {}) });
    conn.answered = true;
    return credential ? { ...answer, credential } : answer;
  } catch (e) {
    if (isAbort(e) || e instanceof BodyTooLarge) throw e;
    const code = codeOf(e);
    throw new TransportFailed(transportFailure(e, conn), code !== undefined && RETRIED_CODES.has(code), e instanceof NoAnswer);
  }
}

function isAbort(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

const RETRIED = new Set([429, 500, 502, 503, 504]);

/** Waits as the server asks (Retry-After in seconds), bounded; else the given delay times the attempt. */
function retryDelay(answer: KubeAnswer, fallback: number, attempt: number): number {
  const header = answer.headers['retry-after'];
  const seconds = typeof header === 'string' ? Number(header) : NaN;
  return Math.min(Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : fallback * attempt, MAX_RETRY_DELAY_MS);
}

/**
 * Waits `ms`, or until the signal aborts. The signal may be one process-wide `serve` stop that outlives
 * every read, so the listener goes when the wait ends: one left per retry would pile up.
 */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function sendWithRetry(conn: Connection, path: string, query: URLSearchParams, accept: string): Promise<KubeAnswer> {
  for (let attempt = 1; ; attempt++) {
    let answer: KubeAnswer;
    try {
      answer = await send(conn, path, query, accept);
    } catch (e) {
      if (!(e instanceof TransportFailed) || !e.retriable || attempt >= ATTEMPTS) throw e;
      await sleep(conn.options.retryDelayMs * attempt, conn.options.signal);
      continue;
    }
    if (!RETRIED.has(answer.status) || attempt >= ATTEMPTS) return answer;
    await sleep(retryDelay(answer, conn.options.retryDelayMs, attempt), conn.options.signal);
  }
}

/** The Status object of an error answer (`{kind: Status, code, reason, message}`), when the body is one. */
function statusOf(answer: KubeAnswer): { reason?: string; message?: string } {
  try {
    const body: unknown = JSON.parse(answer.text);
    if (isObj(body) && body.kind === 'Status') return { ...(typeof body.reason === 'string' ? { reason: body.reason } : {}), ...(typeof body.message === 'string' ? { message: body.message } : {}) };
  } catch {
    // not JSON: a proxy's page, or the plain 404 of an unknown path
  }
  return {};
}

/** `in namespace shop`, `in all namespaces`, or nothing for a cluster-scoped kind. */
function scopeText(k: LiveKind, namespace: string | undefined): string {
  if (!k.namespaced) return '';
  return namespace !== undefined ? ` in namespace ${namespace}` : ' in all namespaces';
}

/** What the answer means for this list, in words that say which permission is missing. */
function listFailure(k: LiveKind, namespace: string | undefined, answer: KubeAnswer, conn: Connection): string {
  const resource = qualifiedResource(k);
  const what = `cannot list ${resource}${scopeText(k, namespace)}`;
  const status = statusOf(answer);
  if (answer.status === 403) {
    const scope = k.namespaced && namespace === undefined ? ' across the cluster (a ClusterRole bound by a ClusterRoleBinding)' : '';
    return `${what}: forbidden (needs list on ${resource}${scope})`;
  }
  if (answer.status === 401)
    return `${what}: unauthorized: the API server did not accept the credentials of context ${conn.context} (sign in again; for Entra ID, kubelogin)`;
  const said = [String(answer.status), status.reason].filter(Boolean).join(' ');
  return `${what}: ${said}${status.message ? `: ${brief(status.message)}` : ''}`;
}

/**
 * The metadata kept: everything but managedFields (field ownership) and kubectl's last-applied copy of
 * the object (the object again, as it was applied; of a Secret, its values). Both are bulky, often
 * larger than the rest of the object, and of no use to a rule.
 */
function keptMetadata(meta: Obj | undefined): Obj {
  if (!meta) return {};
  const { managedFields: _, ...rest } = meta;
  const annotations = asObj(rest.annotations);
  if (!annotations || !(LAST_APPLIED in annotations)) return rest;
  const { [LAST_APPLIED]: _applied, ...others } = annotations;
  return { ...rest, annotations: others };
}

/**
 * A list item as a Resource: apiVersion and kind filled in (list items lack them). Of a metadata-only
 * kind only the metadata is kept, whatever the server sent: a server that ignores the Accept header
 * and answers with the full objects still brings no value into the inventory.
 */
function toLiveResource(k: LiveKind, item: unknown, source: string): Resource | undefined {
  if (!isObj(item)) return undefined;
  const meta = asObj(item.metadata);
  const name = asString(meta?.name);
  if (!name) return undefined;
  const namespace = k.namespaced ? (asString(meta?.namespace) ?? null) : null;
  const apiVersion = apiVersionOf(k);
  const metadata = keptMetadata(meta);
  let object: Obj;
  if (k.metadataOnly) object = { apiVersion, kind: k.kind, metadata };
  else {
    const { apiVersion: _v, kind: _k, metadata: _m, ...rest } = item;
    object = { apiVersion, kind: k.kind, metadata, ...rest };
  }
  return {
    apiVersion,
    kind: k.kind,
    namespace,
    name,
    object,
    source: { file: source, line: 0, path: `${k.kind}/${namespace === null ? '' : `${namespace}/`}${name}` },
  };
}

/**
 * With --namespace, the one Namespace is read with a get of it: the API server authorizes that in the
 * namespace itself, so rights in that namespace alone (a RoleBinding to view) are enough, where a list
 * of Namespaces needs them cluster-wide. A namespace that does not exist is an empty answer.
 */
async function getNamespace<T>(conn: Connection, name: string, take: (item: unknown) => T | undefined): Promise<T[]> {
  const path = `/api/v1/namespaces/${encodeURIComponent(name)}`;
  const answer = await sendWithRetry(conn, path, new URLSearchParams(), JSON_ACCEPT);
  if (answer.status === 404) return [];
  if (answer.status === 401) throw credentialsRefused(conn);
  if (answer.status === 403) throw new ListFailed(`cannot get namespace ${name}: forbidden (needs get on namespaces in ${name})`, true, true);
  if (answer.status < 200 || answer.status >= 300) throw new ListFailed(`cannot get namespace ${name}: ${answer.status} ${statusOf(answer).message ?? ''}`.trim());
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    throw new ListFailed(`cannot get namespace ${name}: the answer to GET ${path} is not JSON`);
  }
  const taken = take(body);
  return taken === undefined ? [] : [taken];
}

/**
 * Every page of one list, following `metadata.continue`; undefined when the server lacks the API group
 * (404). Each item goes through `take` as its page arrives, and only what it returns is kept: a page's
 * text and parsed items are garbage once the next one is asked for, whatever the list's length.
 */
async function listKind<T>(conn: Connection, k: LiveKind, namespace: string | undefined, take: (item: unknown) => T | undefined, restart: () => void): Promise<T[] | undefined> {
  if (k.kind === 'Namespace' && namespace !== undefined) return getNamespace(conn, namespace, take);
  const path = listPath(k, namespace);
  let items: T[] = [];
  let token: string | undefined;
  let restarted = false;
  const seen = new Set<string>();
  for (let page = 0; ; page++) {
    if (page >= MAX_PAGES) throw new ListFailed(`cannot list ${qualifiedResource(k)}${scopeText(k, namespace)}: the server sent more than ${MAX_PAGES} pages`);
    const query = new URLSearchParams({ limit: String(conn.options.pageSize) });
    if (token !== undefined) query.set('continue', token);
    let answer: KubeAnswer;
    try {
      answer = await sendWithRetry(conn, path, query, k.metadataOnly ? METADATA_ACCEPT : JSON_ACCEPT);
    } catch (e) {
      if (e instanceof BodyTooLarge) throw new ListFailed(`cannot list ${qualifiedResource(k)}${scopeText(k, namespace)}: ${e.message}`);
      throw e;
    }
    if (answer.status === 404 && token === undefined) return undefined;
    // The continue token expired (410 Gone) while the pages were read: read the list again, once.
    if (answer.status === 410 && token !== undefined && !restarted) {
      restarted = true;
      items = [];
      restart();
      token = undefined;
      seen.clear();
      continue;
    }
    if (answer.status === 401) throw new ReadStopped(listFailure(k, namespace, answer, conn));
    if (answer.status < 200 || answer.status >= 300) throw new ListFailed(listFailure(k, namespace, answer, conn), answer.status === 403 || answer.status === 404, answer.status === 403);
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      throw new ListFailed(`cannot list ${qualifiedResource(k)}${scopeText(k, namespace)}: the answer to GET ${path} is not JSON`);
    }
    if (!isObj(body) || !Array.isArray(body.items))
      throw new ListFailed(`cannot list ${qualifiedResource(k)}${scopeText(k, namespace)}: the answer to GET ${path} is not a list`);
    for (const item of body.items as unknown[]) {
      const taken = take(item);
      if (taken !== undefined) items.push(taken);
    }
    const next = asString(asObj(body.metadata)?.continue);
    if (!next) return items;
    if (seen.has(next)) throw new ListFailed(`cannot list ${qualifiedResource(k)}${scopeText(k, namespace)}: the server sent the same continue token twice`);
    seen.add(next);
    token = next;
  }
}

/** A promise with its resolve at hand. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * The order the lists start in: the workload kinds first, each after the controllers it may be left to
 * (Deployments before ReplicaSets before Pods), so that a list waiting for its controllers only waits
 * for lists already under way; then the rest in table order.
 */
function readOrder(kinds: readonly LiveKind[]): LiveKind[] {
  const chained = kinds.filter((k) => FOLDED_KINDS.has(k.kind) || CONTROLLER_KINDS.has(k.kind));
  const selected = new Set(kinds.map((k) => k.kind));
  const order: LiveKind[] = [];
  const placed = new Set<string>();
  while (order.length < chained.length) {
    const next = chained.find((k) => !placed.has(k.kind) && [...controllerKindsOf(k.kind)].every((c) => placed.has(c) || !selected.has(c)));
    // The table of controllers has no cycle; were one added, the rest go in table order.
    const k = next ?? chained.find((c) => !placed.has(c.kind))!;
    order.push(k);
    placed.add(k.kind);
  }
  return [...order, ...kinds.filter((k) => !placed.has(k.kind))];
}

/** Runs `work` over `items`, at most `limit` at a time, in order of start. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

function credentialsRefused(conn: Connection): ReadStopped {
  return new ReadStopped(`the API server did not accept the credentials of context ${conn.context} (401 Unauthorized): sign in again (for Entra ID, kubelogin)`);
}

/**
 * The server answers as a Kubernetes API server and accepts the credentials. Run once before the
 * lists, so that an exec plugin signs in once, and so that a server URL that points elsewhere is an
 * error rather than an empty cluster (every list of an unknown path is a 404, which is skipped).
 */
async function probe(conn: Connection): Promise<void> {
  const answer = await sendWithRetry(conn, '/version', new URLSearchParams(), JSON_ACCEPT);
  if (answer.status === 401) throw credentialsRefused(conn);
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    body = undefined;
  }
  const ok = answer.status >= 200 && answer.status < 300 ? isObj(body) && typeof body.gitVersion === 'string' : isObj(body) && body.kind === 'Status';
  if (!ok)
    throw new ReadStopped(
      `the server ${conn.server.origin}${conn.server.pathname.replace(/\/$/, '')} of context ${conn.context} does not answer as a Kubernetes API server (GET /version: ${answer.status})`,
    );
}

/** A discovery document (`/api`, `/apis`, `/apis/GROUP/VERSION`), or undefined when the server gives none. */
async function discoveryDocument(conn: Connection, path: string): Promise<Obj | undefined> {
  const answer = await sendWithRetry(conn, path, new URLSearchParams(), JSON_ACCEPT);
  if (answer.status === 401) throw credentialsRefused(conn);
  if (answer.status < 200 || answer.status >= 300) return undefined;
  try {
    const body: unknown = JSON.parse(answer.text);
    return isObj(body) ? body : undefined;
  } catch {
    return undefined;
  }
}

/** The group versions the server serves (`v1`, `apps/v1`), from `/api` and `/apis`; undefined without discovery. */
async function servedGroupVersions(conn: Connection): Promise<Set<string> | undefined> {
  const [core, groups] = await Promise.all([discoveryDocument(conn, '/api'), discoveryDocument(conn, '/apis')]);
  if (!core || !groups || !Array.isArray(groups.groups)) return undefined;
  const served = new Set<string>(Array.isArray(core.versions) ? core.versions.filter((v): v is string => typeof v === 'string') : ['v1']);
  for (const g of groups.groups as unknown[])
    for (const v of Array.isArray(asObj(g)?.versions) ? (asObj(g)?.versions as unknown[]) : []) {
      const gv = asString(asObj(v)?.groupVersion);
      if (gv !== undefined) served.add(gv);
    }
  return served;
}

/** The resources one group version serves (`/apis/GROUP/VERSION`); undefined when the server does not say. */
async function servedResources(conn: Connection, groupVersion: string): Promise<Set<string> | undefined> {
  const doc = await discoveryDocument(conn, `/apis/${groupVersion}`);
  if (!doc || !Array.isArray(doc.resources)) return undefined;
  return new Set((doc.resources as unknown[]).flatMap((r) => asString(asObj(r)?.name) ?? []));
}

/**
 * The kinds the server serves, from discovery, which every authenticated user may read (the
 * system:discovery role). A list of an API group the server lacks is refused (403) before the server
 * looks whether the group exists when the user may not list it, so an uninstalled custom resource would
 * read as a refusal: discovery tells them apart. The core group is always there; without discovery
 * (an old or odd server) every kind is tried, and a 404 still skips one.
 */
async function servedKinds(conn: Connection, kinds: readonly LiveKind[]): Promise<LiveKind[]> {
  const served = await servedGroupVersions(conn);
  if (!served) return [...kinds];
  const grouped = kinds.filter((k) => k.group !== '' && served.has(apiVersionOf(k)));
  const versions = [...new Set(grouped.map(apiVersionOf))];
  const resources = new Map(await Promise.all(versions.map(async (gv) => [gv, await servedResources(conn, gv)] as const)));
  return kinds.filter((k) => {
    if (k.group === '') return true;
    if (!served.has(apiVersionOf(k))) return false;
    const names = resources.get(apiVersionOf(k));
    return names === undefined || names.has(k.resource);
  });
}

export function selectKinds(names: readonly string[] | undefined): LiveKind[] {
  if (names === undefined) return [...LIVE_KINDS];
  const unknown = names.filter((n) => !LIVE_KINDS.some((k) => k.kind === n));
  if (unknown.length) throw new Error(`not a kind read from clusters: ${unknown.join(', ')}`);
  return LIVE_KINDS.filter((k) => names.includes(k.kind));
}

/**
 * Reads a live cluster, read-only, through the kubeconfig (exec credential plugins such as kubelogin
 * run through the client library): every kind in LIVE_KINDS, page by page, a few lists at a time.
 * Secrets come as metadata only. Each object is a Resource from `cluster:<context>` with its place
 * (`Kind/namespace/name`) as provenance path. A kind the server does not serve (discovery, else a 404)
 * is skipped. A list the server refuses is an InputError naming the permission it needs, and the other
 * lists go on — but for a kind outside `required`, and a cluster-scoped kind with `namespace`, which
 * are noted with what they leave undecided; an unreachable server or refused credentials end the read
 * with one error. An unknown
 * --context is a UsageError. Objects a controller that was read manages (Pods, Jobs of a CronJob,
 * ReplicaSets of a Deployment) are left to it, so that a template is checked once; a note counts them.
 */
/** The note of a context kind that could not be listed, known by its kind (unreadKindOf). */
function unreadNote(source: string, k: LiveKind, message: string): InputNote {
  const note = { source, message };
  UNREAD_KINDS.set(note, k.kind);
  return note;
}

export async function readCluster(options: ClusterReadOptions = {}): Promise<ClusterRead> {
  const asked = selectKinds(options.kinds);
  let loaded;
  try {
    loaded = await loadConfig(options);
  } catch (e) {
    if (e instanceof ReadStopped) return { resources: [], errors: [{ source: `cluster:${options.context ?? 'kubeconfig'}`, message: e.message }], notes: [], source: `cluster:${options.context ?? 'kubeconfig'}` };
    throw e;
  }
  const source = `cluster:${loaded.context}`;
  const conn: Connection = {
    ...loaded,
    ...(options.execTimeoutMs !== undefined ? { execTimeoutMs: options.execTimeoutMs } : {}),
    options: {
      pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
      maxPageBytes: options.maxPageBytes ?? DEFAULT_MAX_PAGE_BYTES,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      retryDelayMs: options.retryDelayMs ?? 1000,
      ...(options.signal ? { signal: options.signal } : {}),
    },
  };
  const errors: InputError[] = [];
  const stop = (e: unknown): ClusterRead => {
    if (!(e instanceof ReadStopped)) throw e;
    errors.push({ source, message: e.message });
    return { resources: [], errors, notes: [], source };
  };
  let kinds: LiveKind[];
  try {
    await probe(conn);
    kinds = await servedKinds(conn, asked);
  } catch (e) {
    return stop(e);
  }

  const byKind = new Map<LiveKind, Resource[]>();
  const failed = new Map<LiveKind, ListFailed>();
  let stopped: ReadStopped | undefined;
  let done = 0;
  let objects = 0;
  // Objects a controller manages are left out as their pages arrive, so that ten thousand Pods are
  // never held at once: a list of such objects waits for its controllers' lists to end (read or not),
  // and an owner counts once its whole list was read, as if every list had been read first.
  const owners = new OwnerIndex();
  const folded = new Map<string, number>();
  const ended = new Map(kinds.map((k) => [k.kind, deferred()]));
  await eachLimited(readOrder(kinds), options.concurrency ?? DEFAULT_CONCURRENCY, async (k) => {
    try {
      if (stopped) return;
      const controllers = [...controllerKindsOf(k.kind)].map((kind) => ended.get(kind)?.promise);
      await Promise.all(controllers);
      if (stopped) return;
      // What this list read, left out and may own; counted only once the whole list was read.
      let read = 0;
      let left = 0;
      let pending = new OwnerIndex();
      const isController = CONTROLLER_KINDS.has(k.kind);
      const take = (item: unknown): Resource | undefined => {
        const r = toLiveResource(k, item, source);
        if (r === undefined) return undefined;
        read++;
        // An owner even when itself left out (a Pod's ReplicaSet under a Deployment).
        if (isController) pending.add(r);
        if (controllers.length === 0 || !owners.controlledByRead(r) || owners.runsOldTemplate(r)) return r;
        left++;
        return keptForEphemeralContainers(r) ? r : undefined;
      };
      const restart = () => {
        read = 0;
        left = 0;
        pending = new OwnerIndex();
      };
      try {
        const resources = (await listKind(conn, k, options.namespace, take, restart)) ?? [];
        byKind.set(k, resources);
        objects += read;
        if (left > 0) folded.set(k.kind, left);
        owners.merge(pending);
      } catch (e) {
        if (e instanceof ListFailed) failed.set(k, e);
        // One list the server is slow to answer, while it answers others, fails alone; the lists after it go on.
        else if (e instanceof TransportFailed && e.timedOut && conn.answered) failed.set(k, new ListFailed(`cannot list ${qualifiedResource(k)}${scopeText(k, options.namespace)}: ${e.message}`));
        else if (e instanceof ReadStopped) stopped ??= e;
        else throw e;
      }
      options.onList?.(++done, kinds.length, objects);
    } finally {
      ended.get(k.kind)?.resolve();
    }
  });
  // In table order, whatever order the lists ended in.
  const required = options.required ? new Set(options.required) : undefined;
  // Context kinds the credentials may not list: left out with a note, not an input error every run.
  const isContext = (k: LiveKind) =>
    (required !== undefined && !required.has(k.kind)) ||
    // With -n, rights in that namespace alone are the common case (a team's RoleBinding): cluster-scoped kinds are context then.
    (options.namespace !== undefined && !k.namespaced && k.kind !== 'Namespace');
  const notes: InputNote[] = [];
  const outOfScope: LiveKind[] = [];
  let hinted = false;
  for (const k of kinds) {
    const failure = failed.get(k);
    if (failure === undefined) continue;
    if (failure.forbidden && isContext(k)) {
      if (!k.namespaced) outOfScope.push(k);
      else notes.push(unreadNote(source, k, `${failure.message}; left out: ${undecidedWithout(k)}`));
      continue;
    }
    const error = { source, message: failure.message };
    // Refused across the cluster by a context that names a namespace: its user may hold rights there alone.
    if (!hinted && failure.forbidden && (k.namespaced || k.kind === 'Namespace') && options.namespace === undefined && conn.contextNamespace !== undefined) {
      hinted = true;
      error.message += `; only rights in namespace ${conn.contextNamespace}? try -n ${conn.contextNamespace} (the context's namespace)`;
    }
    if (!failure.refused) PASSING_FAILURES.add(error);
    UNREAD_KINDS.set(error, k.kind);
    errors.push(error);
  }
  if (outOfScope.length) {
    const undecided = [...new Set(outOfScope.map(undecidedWithout))].join('; ');
    notes.push(unreadNote(source, outOfScope[0]!, `cluster-scoped ${outOfScope.map(qualifiedResource).join(', ')} could not be listed with these credentials and were left out: ${undecided}`));
  }
  if (stopped) {
    const error = { source, message: stopped.message };
    PASSING_FAILURES.add(error);
    errors.push(error);
  }
  // A mistyped -n reads an empty namespace and would pass any gate: the Namespace list read says whether it exists.
  const namespaceKind = kinds.find((k) => k.kind === 'Namespace');
  if (options.namespace !== undefined && namespaceKind && byKind.has(namespaceKind) && byKind.get(namespaceKind)?.length === 0)
    errors.push({ source, message: `namespace ${options.namespace} does not exist in context ${loaded.context}` });
  const kept = kinds.flatMap((k) => byKind.get(k) ?? []);
  const note = foldedNote(folded);
  return { resources: kept, errors, notes: [...(note !== undefined ? [{ source, message: note }] : []), ...notes], source };
}
