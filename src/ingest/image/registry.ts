/**
 * Pulls an image's manifest, config and layer blobs over the OCI Distribution API (`/v2/...`), answering
 * authentication challenges (see registry-auth.ts). Plain http is used only for loopback registries or when
 * `insecure` is set; redirects are followed by hand so that credentials never travel to another origin.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { TokenCredential } from '@azure/identity';
import { verified } from './blob-store.js';
import { sha256Digest } from './digest.js';
import { dockerConfigDir, dockerCredentials, type RegistryCredential } from './docker-config.js';
import { DEFAULT_PLATFORM, formatPlatform, selectPlatform, type Platform } from './platform.js';
import { formatImageRef, manifestReference, registryApiHost, type ImageRef } from './ref.js';
import { authorize, boundedBody, isAcrHost, parseChallenge } from './registry-auth.js';
import { assertImageConfig, ImageError, MEDIA, parseImageConfig, parseManifest, type Descriptor, type ImageSource } from './source.js';

export interface RegistryOptions {
  platform?: Platform;
  /** Allow plain http (and so no TLS) for a registry that is not on loopback. */
  insecure?: boolean;
  /** Where config.json is; defaults to $DOCKER_CONFIG or ~/.docker. */
  dockerConfigDir?: string;
  /** Credentials to use instead of the docker config's. */
  credential?: RegistryCredential;
  /** Entra credential for Azure Container Registry; defaults to DefaultAzureCredential, created on first need. */
  azureCredential?: TokenCredential;
  /** Treat the registry as ACR (exchange an Entra token); default: its host ends in .azurecr.io/.cn/.us. */
  acr?: boolean;
  fetch?: typeof fetch;
}

const MANIFEST_ACCEPT = [MEDIA.ociIndex, MEDIA.ociManifest, MEDIA.dockerList, MEDIA.dockerManifest].join(', ');
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_CONFIG_BYTES = 8 * 1024 * 1024;
const MAX_TOKEN_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 5;

function isLoopback(host: string): boolean {
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return name === 'localhost' || name === '::1' || /^127\./.test(name);
}

export class RegistryClient {
  private readonly base: string;
  private readonly fetch: typeof fetch;
  private authorization: string | undefined;
  private credential: Promise<RegistryCredential | undefined> | undefined;
  private azure: Promise<TokenCredential> | undefined;

  constructor(readonly ref: ImageRef, private readonly opts: RegistryOptions = {}) {
    const host = registryApiHost(ref);
    this.base = `${opts.insecure || isLoopback(host) ? 'http' : 'https'}://${host}`;
    this.fetch = opts.fetch ?? globalThis.fetch;
  }

  private get what(): string {
    return formatImageRef(this.ref);
  }

  private credentials(): Promise<RegistryCredential | undefined> {
    this.credential ??= this.opts.credential
      ? Promise.resolve(this.opts.credential)
      : dockerCredentials(this.ref.registry, this.opts.dockerConfigDir ?? dockerConfigDir());
    return this.credential;
  }

  private azureCredential(): Promise<TokenCredential> {
    this.azure ??= this.opts.azureCredential
      ? Promise.resolve(this.opts.azureCredential)
      : import('@azure/identity').then(({ DefaultAzureCredential }) => new DefaultAzureCredential());
    return this.azure;
  }

  /** GET with redirects followed by hand and one retry after answering a 401 challenge. */
  private async get(path: string, accept?: string, method: 'GET' | 'HEAD' = 'GET'): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.follow(new URL(path, this.base), accept, method);
      if (res.status !== 401 || attempt > 0) return res;
      const header = res.headers.get('www-authenticate') ?? '';
      await res.body?.cancel();
      const challenge = parseChallenge(header);
      if (!challenge) throw new ImageError(`${this.what}: registry answered 401 without a usable WWW-Authenticate challenge`);
      let authorization: string | undefined;
      try {
        authorization = await authorize({
          challenge,
          scope: `repository:${this.ref.repository}:pull`,
          registry: this.ref.registry,
          credential: await this.credentials(),
          azure: () => this.azureCredential(),
          acr: this.opts.acr ?? isAcrHost(this.ref.registry),
          fetch: this.fetch,
          maxBytes: MAX_TOKEN_BYTES,
        });
      } catch (e) {
        throw new ImageError(`${this.what}: authentication failed: ${(e as Error).message}`);
      }
      if (!authorization) {
        throw new ImageError(`${this.what}: the registry requires ${challenge.scheme} authentication and no credentials were found (docker login, or a credential helper)`);
      }
      this.authorization = authorization;
    }
  }

  private async follow(start: URL, accept: string | undefined, method: 'GET' | 'HEAD'): Promise<Response> {
    let url = start;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const headers: Record<string, string> = { 'user-agent': 'palisade' };
      if (accept) headers.accept = accept;
      // Credentials go only to the registry itself, never to the storage a blob redirect points at.
      if (this.authorization && url.origin === new URL(this.base).origin) headers.authorization = this.authorization;
      let res: Response;
      try {
        res = await this.fetch(url, { method, headers, redirect: 'manual' });
      } catch (e) {
        const cause = (e as { cause?: { message?: string } }).cause?.message;
        throw new ImageError(`${this.what}: cannot reach ${url.origin} (${cause ?? (e as Error).message})`);
      }
      if (res.status < 300 || res.status >= 400 || res.status === 304) return res;
      const location = res.headers.get('location');
      await res.body?.cancel();
      if (!location) throw new ImageError(`${this.what}: redirect ${res.status} from ${url.pathname} without a Location`);
      const next = new URL(location, url);
      if (next.protocol !== 'https:' && !(next.protocol === 'http:' && (this.opts.insecure || isLoopback(next.host) || url.protocol === 'http:'))) {
        throw new ImageError(`${this.what}: refusing redirect to ${next.protocol}//${next.host}`);
      }
      url = next;
    }
    throw new ImageError(`${this.what}: more than ${MAX_REDIRECTS} redirects from ${start.pathname}`);
  }

  private async failure(res: Response, what: string): Promise<ImageError> {
    const body = await boundedBody(res, 64 * 1024, what).catch(() => Buffer.alloc(0));
    let detail = '';
    try {
      const errors = (JSON.parse(body.toString('utf8')) as { errors?: { code?: string; message?: string }[] }).errors ?? [];
      detail = errors.map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ');
    } catch {
      // Not the Distribution API's error JSON; the status says enough.
    }
    return new ImageError(`${this.what}: ${what}: HTTP ${res.status}${detail ? ` (${detail})` : ''}`);
  }

  /** The manifest or index at a tag or digest, its digest checked when asked for by digest. */
  async manifest(reference: string): Promise<{ digest: string; mediaType: string; body: Buffer }> {
    const path = `/v2/${this.ref.repository}/manifests/${reference}`;
    const res = await this.get(path, MANIFEST_ACCEPT);
    if (!res.ok) throw await this.failure(res, `manifest ${reference}`);
    let body: Buffer;
    try {
      body = await boundedBody(res, MAX_MANIFEST_BYTES, `manifest ${reference}`);
    } catch (e) {
      throw new ImageError(`${this.what}: ${(e as Error).message}`);
    }
    const digest = sha256Digest(body);
    if (reference.startsWith('sha256:') && digest !== reference) {
      throw new ImageError(`${this.what}: manifest ${reference} does not match its digest (content hashes to ${digest})`);
    }
    const mediaType = (res.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    return { digest, mediaType, body };
  }

  /** Whether the manifest exists, and its digest as the registry reports it (HEAD, no body). */
  async head(reference: string): Promise<{ digest?: string; mediaType?: string } | undefined> {
    const res = await this.get(`/v2/${this.ref.repository}/manifests/${reference}`, MANIFEST_ACCEPT, 'HEAD');
    await res.body?.cancel();
    if (res.status === 404) return undefined;
    if (!res.ok) throw await this.failure(res, `manifest ${reference}`);
    const out: { digest?: string; mediaType?: string } = {};
    const digest = res.headers.get('docker-content-digest');
    const type = res.headers.get('content-type');
    if (digest) out.digest = digest;
    if (type) out.mediaType = type.split(';')[0]?.trim() ?? type;
    return out;
  }

  /** A blob's bytes as they arrive, checked against the digest as they stream. */
  async blob(desc: Descriptor): Promise<Readable> {
    const res = await this.get(`/v2/${this.ref.repository}/blobs/${desc.digest}`);
    if (!res.ok || !res.body) throw await this.failure(res, `blob ${desc.digest}`);
    return verified(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), desc.digest, desc.size, this.what);
  }

  async smallBlob(desc: Descriptor, maxBytes: number): Promise<Buffer> {
    if (desc.size > maxBytes) throw new ImageError(`${this.what}: blob ${desc.digest} declares ${desc.size} bytes, over the ${maxBytes}-byte limit`);
    const chunks: Buffer[] = [];
    for await (const c of await this.blob(desc)) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }
}

export async function openRegistryImage(ref: ImageRef, opts: RegistryOptions = {}): Promise<ImageSource> {
  const client = new RegistryClient(ref, opts);
  const what = formatImageRef(ref);
  const platform = opts.platform ?? DEFAULT_PLATFORM;
  const notes: string[] = [];
  let fetched = await client.manifest(manifestReference(ref));
  let manifest = parseManifest(fetched.body.toString('utf8'), what, fetched.mediaType || undefined);
  for (let depth = 0; manifest.kind === 'index'; depth++) {
    if (depth >= 3) throw new ImageError(`${what}: indexes nest deeper than 3 levels`);
    const chosen = selectPlatform(manifest.manifests, platform, what);
    notes.push(`${what}: chose ${formatPlatform(chosen.platform ?? {})} (${chosen.digest}) from a multi-platform index`);
    fetched = await client.manifest(chosen.digest);
    manifest = parseManifest(fetched.body.toString('utf8'), what, fetched.mediaType || undefined);
  }
  const configDesc = manifest.config as Descriptor;
  assertImageConfig(configDesc, what);
  const config = parseImageConfig((await client.smallBlob(configDesc, MAX_CONFIG_BYTES)).toString('utf8'), what);
  return {
    ref: what,
    names: [what],
    kind: 'registry',
    manifestDigest: fetched.digest,
    configDigest: configDesc.digest,
    config,
    layers: manifest.layers.map((d, index) => ({ index, digest: d.digest, mediaType: d.mediaType, size: d.size, open: () => client.blob(d) })),
    notes,
    close: async () => {},
  };
}
