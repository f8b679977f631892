import { globMatch } from './glob.js';

/**
 * Container image references as the container runtimes read them (the grammar of
 * distribution/reference): `[registry/]repository[:tag][@digest]`.
 */
/** A parsed reference; shared between callers (parses are cached), hence read-only. */
export interface ImageReference {
  /** The reference as written, without tag and digest (`myreg:5000/team/app`, `nginx`). */
  readonly name: string;
  /** Registry host (with port), lowercased; `docker.io` when the reference names none. */
  readonly registry: string;
  /** True when the reference names its registry rather than falling back to Docker Hub. */
  readonly registryExplicit: boolean;
  /** Repository path inside the registry (`library/nginx` for `nginx`). */
  readonly repository: string;
  readonly tag?: string;
  /** `algorithm:encoded` as written after `@`. */
  readonly digest?: string;
}

export const DOCKER_HUB = 'docker.io';

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const HOST = /^(?:\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(?::\d+)?$/;

/**
 * Parses an image reference. Returns undefined when the string is not a valid reference (empty,
 * whitespace, an unrendered template such as `{{ .Values.image }}` or `${TAG}`): rules cannot judge it.
 */
// Every image rule parses the same few thousand references: parse each once.
const PARSED = new Map<string, ImageReference | undefined>();

export function parseImageReference(image: string): ImageReference | undefined {
  if (PARSED.has(image)) return PARSED.get(image);
  const ref = parse(image);
  if (PARSED.size >= 20_000) PARSED.clear();
  PARSED.set(image, ref);
  return ref;
}

function parse(image: string): ImageReference | undefined {
  if (image === '' || /\s/.test(image)) return undefined;
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (digest === '' || !digest.includes(':')) return undefined;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }
  const name = rest;
  let registry = DOCKER_HUB;
  let registryExplicit = false;
  let repository = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    // Docker's rule: the first component is a registry host when it looks like one.
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase()) {
      if (!HOST.test(first)) return undefined;
      registry = first.toLowerCase();
      registryExplicit = true;
      repository = rest.slice(slash + 1);
    }
  }
  if (registry === 'index.docker.io') registry = DOCKER_HUB;
  if (repository === '' || !repository.split('/').every((c) => PATH_COMPONENT.test(c))) return undefined;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  return { name, registry, registryExplicit, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

// OCI image-spec descriptor digests: registered algorithms have a fixed lowercase-hex encoding.
const DIGEST = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;
// A Map, not an object: an algorithm named `constructor` must not find Object's constructor.
const REGISTERED_DIGESTS = new Map<string, RegExp>([
  ['sha256', /^[a-f0-9]{64}$/],
  ['sha512', /^[a-f0-9]{128}$/],
  ['blake3', /^[a-f0-9]{64}$/],
]);

/** Does a digest follow the OCI digest grammar (and the exact encoding of a registered algorithm)? */
export function isValidDigest(digest: string): boolean {
  const m = DIGEST.exec(digest);
  if (!m) return false;
  const encoding = REGISTERED_DIGESTS.get(m[1] as string);
  return encoding ? encoding.test(m[2] as string) : true;
}

/**
 * The tag that makes what runs change with every pull, or undefined when the reference is pinned.
 * A digest pins whatever the tag says; no tag means `latest`, which always moves; other tags move
 * when they match one of `mutableTags` (exact, case-sensitive, `*` and `?` as wildcards).
 */
export function mutableTagOf(ref: ImageReference, mutableTags: readonly string[] = ['latest']): string | undefined {
  if (ref.digest !== undefined) return undefined;
  const tag = ref.tag ?? 'latest';
  if (tag === 'latest' || mutableTags.some((p) => globMatch(p, tag))) return tag;
  return undefined;
}

/**
 * The pull policy the API server fills in when a container leaves imagePullPolicy unset: Always
 * for the tag `latest` (or no tag and no digest, which means latest), IfNotPresent otherwise —
 * a digest without a tag included. Only `latest` counts here, whatever tags the settings call mutable.
 */
export function defaultPullPolicy(ref: ImageReference): 'Always' | 'IfNotPresent' {
  const tag = ref.tag ?? (ref.digest === undefined ? 'latest' : undefined);
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/**
 * The names a repository glob is matched against: as written (`myreg:5000/team/app`), Docker's
 * short form (`nginx`, `bitnami/redis`) and fully qualified (`docker.io/library/nginx`).
 */
export function repositoryNames(ref: ImageReference): string[] {
  const full = `${ref.registry}/${ref.repository}`;
  const short = ref.registry !== DOCKER_HUB ? full : ref.repository.startsWith('library/') ? ref.repository.slice('library/'.length) : ref.repository;
  return [...new Set([ref.name, short, full])];
}

/** Does the image's repository match one of `globs` (`*` crosses `/`)? */
export function repositoryMatches(ref: ImageReference, globs: readonly string[]): boolean {
  if (globs.length === 0) return false;
  const names = repositoryNames(ref);
  return globs.some((g) => names.some((n) => globMatch(g, n)));
}

/**
 * `registry` matches `pattern`: an exact host[:port], or `*.suffix` for any subdomain of suffix. Port 443
 * is HTTPS's own, so `host:443` is the same registry as `host` on either side.
 */
export function registryMatches(registry: string, pattern: string): boolean {
  const host = withoutHttpsPort(registry);
  const p = registryPattern(pattern);
  if (p.startsWith('*.')) return host.endsWith(p.slice(1));
  return host === p;
}

/** A trusted-registry pattern as `registryMatches` compares it: trimmed, lowercase, Docker Hub by one name, no :443. */
export function registryPattern(pattern: string): string {
  const p = withoutHttpsPort(pattern.trim().toLowerCase());
  return p === 'index.docker.io' ? DOCKER_HUB : p;
}

function withoutHttpsPort(host: string): string {
  return host.endsWith(':443') ? host.slice(0, -':443'.length) : host;
}

/**
 * `registry/repository[:tag][@digest]`, with Docker Hub's defaults made explicit (`docker.io`, `library/`,
 * `:latest` when neither tag nor digest is given). Undefined for text that is not an image reference.
 */
export function canonicalImageRef(image: string): string | undefined {
  const ref = parseImageReference(image);
  if (ref === undefined) return undefined;
  const tag = ref.tag ?? (ref.digest === undefined ? 'latest' : undefined);
  return `${ref.registry}/${ref.repository}${tag !== undefined ? `:${tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}
