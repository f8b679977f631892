/**
 * Container image references as the container runtimes read them (the grammar of
 * distribution/reference): `[registry/]repository[:tag][@digest]`.
 */
export interface ImageReference {
  /** Registry host (with port), lowercased; `docker.io` when the reference names none. */
  registry: string;
  /** True when the reference names its registry rather than falling back to Docker Hub. */
  registryExplicit: boolean;
  /** Repository path inside the registry (`library/nginx` for `nginx`). */
  repository: string;
  tag?: string;
  /** `algorithm:encoded` as written after `@`. */
  digest?: string;
}

export const DOCKER_HUB = 'docker.io';

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const HOST = /^(?:\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(?::\d+)?$/;

/**
 * Parses an image reference. Returns undefined when the string is not a valid reference (empty,
 * whitespace, an unrendered template such as `{{ .Values.image }}` or `${TAG}`): rules cannot judge it.
 */
export function parseImageReference(image: string): ImageReference | undefined {
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
  return { registry, registryExplicit, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

// OCI image-spec descriptor digests: registered algorithms have a fixed lowercase-hex encoding.
const DIGEST = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;
const REGISTERED_DIGESTS: Record<string, RegExp> = {
  sha256: /^[a-f0-9]{64}$/,
  sha512: /^[a-f0-9]{128}$/,
  blake3: /^[a-f0-9]{64}$/,
};

/** Does a digest follow the OCI digest grammar (and the exact encoding of a registered algorithm)? */
export function isValidDigest(digest: string): boolean {
  const m = DIGEST.exec(digest);
  if (!m) return false;
  const encoding = REGISTERED_DIGESTS[m[1] as string];
  return encoding ? encoding.test(m[2] as string) : true;
}

/**
 * True when the reference names no digest and its tag is `latest` or absent (which means `latest`):
 * what runs can change with every pull.
 */
export function hasMutableTag(ref: ImageReference): boolean {
  return ref.digest === undefined && (ref.tag === undefined || ref.tag === 'latest');
}

/** `registry` matches `pattern`: an exact host[:port], or `*.suffix` for any subdomain of suffix. */
export function registryMatches(registry: string, pattern: string): boolean {
  const p = pattern.trim().toLowerCase();
  if (p.startsWith('*.')) return registry.endsWith(p.slice(1));
  return registry === (p === 'index.docker.io' ? DOCKER_HUB : p);
}
