import type { TokenCredential } from '@azure/identity';
import { errorMessage } from '../core/errors.js';
import { isObj } from '../core/resource.js';
import { entraDisplayName } from './entra-names.js';

export const GRAPH_ENDPOINT = 'https://graph.microsoft.com';
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
/** The most ids `directoryObjects/getByIds` takes in one call. */
export const GRAPH_IDS_PER_CALL = 1000;
/** What Graph needs to read the names of users, groups and service principals. */
export const GRAPH_PERMISSION = 'Directory.Read.All (or User.Read.All, Group.Read.All and Application.Read.All)';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A thousand full directory objects (service principals carry their keys' metadata) stay well below this. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface GraphLookupOptions {
  /** Defaults to DefaultAzureCredential (az login, workload identity, AZURE_* environment variables, managed identity). */
  credential?: TokenCredential;
  /** Where to send the calls (tests, a proxy); the token is still asked for `scope`. */
  endpoint?: string;
  /** The token's scope (another cloud's Graph); default Microsoft Graph's. */
  scope?: string;
  /** The HTTP client (default: Node's fetch). */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  signal?: AbortSignal;
  /** Retries of a throttled call (429, 503), each after the Retry-After Graph gives (at most a minute). */
  maxRetries?: number;
}

export interface GraphLookup {
  /** Display name by object id, spelt as asked. */
  names: Map<string, string>;
  /** Why some or all ids stay unnamed, in words that say what to do. */
  warnings: string[];
}

class GraphRefused extends Error {
  constructor(
    message: string,
    /** 401 and 403 refuse every later call too. */
    readonly final: boolean,
  ) {
    super(message);
  }
}

/** One line of a message, shortened. */
function brief(message: string): string {
  const line = message.split('\n').map((s) => s.trim()).find(Boolean) ?? '';
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

/** The body as text, refusing one larger than the bound (a proxy's endless answer). */
async function readBody(res: Response): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > MAX_BODY_BYTES) throw new GraphRefused(`the answer is ${declared} bytes, more than the ${MAX_BODY_BYTES} allowed`, false);
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) throw new GraphRefused(`the answer is more than the ${MAX_BODY_BYTES} bytes allowed`, false);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `code: message` of Graph's error body (`{"error": {"code", "message"}}`), when it has one. */
function graphError(text: string): string {
  try {
    const body: unknown = JSON.parse(text);
    const error = isObj(body) && isObj(body.error) ? body.error : undefined;
    const code = typeof error?.code === 'string' ? error.code : '';
    const message = typeof error?.message === 'string' ? brief(error.message) : '';
    return [code, message].filter(Boolean).join(': ');
  } catch {
    return '';
  }
}

/** How long to wait before a retry, in ms: Graph's Retry-After, else a backoff; at most a minute. */
function retryDelayMs(res: Response, attempt: number): number {
  const after = Number(res.headers.get('retry-after'));
  const seconds = Number.isFinite(after) && after >= 0 ? after : 2 ** attempt;
  return Math.min(seconds, 60) * 1000;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason as Error)), { once: true });
  });
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET']);

/** Why fetch failed: its own message is only "fetch failed"; the cause says. */
function networkFailure(e: unknown, endpoint: string): string {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const message = typeof cause?.message === 'string' ? cause.message : errorMessage(e);
  if (code && /CERT|SELF_SIGNED|TLS/.test(code))
    return `the TLS certificate of ${endpoint} is not trusted (${code}); behind a TLS-inspecting proxy, set NODE_EXTRA_CA_CERTS to its CA certificate`;
  if (code && NETWORK_CODES.has(code)) return `cannot reach ${endpoint} (${code})`;
  return `cannot reach ${endpoint}: ${brief(message)}`;
}

/**
 * Display names of Entra object ids through Microsoft Graph (`POST /v1.0/directoryObjects/getByIds`,
 * users, groups and service principals, a thousand ids a call), read-only. Ids that are not GUIDs are
 * not asked for. Nothing throws: a refused token (401, 403 — the permission is named), a network
 * failure or a malformed answer is a warning, and the ids it leaves unnamed are shown as ids.
 */
export async function lookupEntraNames(ids: Iterable<string>, options: GraphLookupOptions = {}): Promise<GraphLookup> {
  const names = new Map<string, string>();
  const warnings: string[] = [];
  // Graph answers in lower case; a binding may spell an id in upper case.
  const asked = new Map<string, string[]>();
  for (const id of ids) {
    if (!GUID.test(id)) continue;
    const key = id.toLowerCase();
    const spellings = asked.get(key);
    if (!spellings) asked.set(key, [id]);
    else if (!spellings.includes(id)) spellings.push(id);
  }
  if (asked.size === 0) return { names, warnings };

  const endpoint = (options.endpoint ?? GRAPH_ENDPOINT).replace(/\/+$/, '');
  const doFetch = options.fetch ?? ((url: string, init: RequestInit) => fetch(url, init));
  const maxRetries = options.maxRetries ?? 3;
  let token: string;
  try {
    const credential = options.credential ?? new (await import('@azure/identity')).DefaultAzureCredential();
    const got = await credential.getToken(options.scope ?? GRAPH_SCOPE, options.signal ? { abortSignal: options.signal } : {});
    if (!got) throw new Error('the credential gave no token');
    token = got.token;
  } catch (e) {
    if (e instanceof Error && e.name === 'AbortError') throw e;
    warnings.push(
      `Microsoft Graph: no Azure credential could get a token (${brief(errorMessage(e))}); sign in with az login or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET — object ids are shown without names`,
    );
    return { names, warnings };
  }

  const call = async (batch: readonly string[]): Promise<unknown[]> => {
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await doFetch(`${endpoint}/v1.0/directoryObjects/getByIds`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ ids: batch, types: ['user', 'group', 'servicePrincipal'] }),
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (e) {
        if (e instanceof Error && e.name === 'AbortError') throw e;
        throw new GraphRefused(networkFailure(e, endpoint), true);
      }
      if ((res.status === 429 || res.status === 503) && attempt < maxRetries) {
        await res.body?.cancel();
        await sleep(retryDelayMs(res, attempt), options.signal);
        continue;
      }
      const text = await readBody(res);
      const said = `${res.status}${graphError(text) ? ` ${graphError(text)}` : ''}`;
      if (res.status === 401 || res.status === 403)
        throw new GraphRefused(`the signed-in identity needs ${GRAPH_PERMISSION} on Microsoft Graph (${said})`, true);
      if (res.status === 429) throw new GraphRefused(`${said}: still throttled after ${maxRetries} retries; try again later`, true);
      if (res.status < 200 || res.status >= 300) throw new GraphRefused(said, false);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new GraphRefused('the answer is not JSON', false);
      }
      if (!isObj(body) || !Array.isArray(body.value)) throw new GraphRefused('the answer has no value list', false);
      return body.value;
    }
  };

  const keys = [...asked.keys()];
  let unnamed = 0;
  for (let i = 0; i < keys.length; i += GRAPH_IDS_PER_CALL) {
    const batch = keys.slice(i, i + GRAPH_IDS_PER_CALL);
    let objects: unknown[];
    try {
      objects = await call(batch);
    } catch (e) {
      if (!(e instanceof GraphRefused)) throw e;
      warnings.push(`Microsoft Graph: getByIds for ${batch.length} object id${batch.length === 1 ? '' : 's'}: ${e.message} — shown without names`);
      if (e.final) break;
      continue;
    }
    for (const o of objects) {
      if (!isObj(o) || typeof o.id !== 'string') continue;
      const name = entraDisplayName(o);
      // Without read access to a type, Graph returns its objects with nothing but their type and id.
      if (name === undefined) unnamed++;
      else for (const spelling of asked.get(o.id.toLowerCase()) ?? []) names.set(spelling, name);
    }
  }
  if (unnamed > 0)
    warnings.push(`Microsoft Graph returned ${unnamed} object${unnamed === 1 ? '' : 's'} without a name: the signed-in identity may lack ${GRAPH_PERMISSION}`);
  return { names, warnings };
}
