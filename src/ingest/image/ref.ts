/**
 * Image references as Docker writes them (`alpine`, `ghcr.io/org/app:1.2`, `repo@sha256:...`), parsed into
 * registry, repository, tag and digest, and printed back in one normalised form so that two spellings of the
 * same image (`alpine`, `docker.io/library/alpine:latest`) compare equal.
 */

export interface ImageRef {
  /** Registry as written or implied: `docker.io` for Docker Hub (its API lives at registry-1.docker.io). */
  registry: string;
  /** Repository path, e.g. `library/alpine`, `org/app`. */
  repository: string;
  /** Tag; `latest` when neither a tag nor a digest was given. */
  tag?: string;
  /** `sha256:<64 hex>` when pinned. */
  digest?: string;
}

export class ImageRefError extends Error {
  override name = 'ImageRefError';
}

export const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Parses a reference the way `docker pull` reads it. Throws ImageRefError on anything it would refuse. */
export function imageRefFromString(input: string): ImageRef {
  let rest = input.trim();
  if (rest.startsWith('docker://')) rest = rest.slice('docker://'.length);
  if (rest === '') throw new ImageRefError('empty image reference');
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new ImageRefError(`${input}: digest must be sha256:<64 lowercase hex>`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new ImageRefError(`${input}: invalid tag "${tag}"`);
  }
  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first.toLowerCase();
    parts.shift();
  }
  if (DOCKER_HUB_ALIASES.has(registry)) {
    registry = DOCKER_HUB;
    if (parts.length === 1) parts.unshift('library');
  }
  if (parts.length === 0 || parts.some((p) => !COMPONENT.test(p))) {
    throw new ImageRefError(`${input}: invalid repository name "${parts.join('/')}" (lowercase letters, digits and . _ - separators)`);
  }
  if (tag === undefined && digest === undefined) tag = 'latest';
  const ref: ImageRef = { registry, repository: parts.join('/') };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/** `registry/repository[:tag][@digest]`, always with the registry (the normalised form used to deduplicate). */
export function formatImageRef(ref: ImageRef): string {
  return `${ref.registry}/${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** Host (and port) the registry's HTTP API answers on. */
export function registryApiHost(ref: ImageRef): string {
  return ref.registry === DOCKER_HUB ? 'registry-1.docker.io' : ref.registry;
}

/** What to ask the registry's manifest endpoint for: the digest when pinned, else the tag. */
export function manifestReference(ref: ImageRef): string {
  return ref.digest ?? ref.tag ?? 'latest';
}
