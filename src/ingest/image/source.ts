/**
 * What every image reader (docker-save tarball, OCI layout, registry) hands the layer walker: the image's
 * config and its layers in order, each openable as a stream of the compressed blob whose digest is checked
 * as it streams.
 */
import type { Readable } from 'node:stream';
import { jsonSyntaxPosition } from '../../core/json-error.js';

export interface ImageHistory {
  created?: string;
  createdBy?: string;
  emptyLayer: boolean;
}

/** The parts of the OCI image config the scanner uses (the whole JSON is kept in `raw`). */
export interface ImageConfig {
  os: string;
  architecture: string;
  variant?: string;
  env: string[];
  user?: string;
  history: ImageHistory[];
  /** Uncompressed layer digests (`rootfs.diff_ids`). */
  diffIds: string[];
  raw: Record<string, unknown>;
}

export interface ImageLayer {
  /** Position in the image, 0 = base. */
  index: number;
  /** Digest of the blob as stored (compressed, for registries and OCI layouts). */
  digest: string;
  mediaType: string;
  /** Size of the blob in bytes. */
  size: number;
  /** Opens the blob; the stream fails with an error naming the blob if its bytes do not match `digest`. */
  open(): Promise<Readable>;
}

export type ImageSourceKind = 'docker-archive' | 'oci-layout' | 'oci-archive' | 'registry';

export interface ImageSource {
  /** How to name the image in messages: the normalised reference, or the path with its tag. */
  readonly ref: string;
  readonly kind: ImageSourceKind;
  /** Digest of the image manifest; absent for legacy `docker save` archives, which hold no manifest. */
  readonly manifestDigest?: string;
  /**
   * Registry references the image is known by: the one a registry image was pulled by; for an archive or
   * layout, its `RepoTags` or the annotations that name a whole reference. Empty when the input names none.
   */
  readonly names: readonly string[];
  readonly configDigest: string;
  readonly config: ImageConfig;
  readonly layers: readonly ImageLayer[];
  /** What the reader noticed but could work around (e.g. which of several images in an archive it chose). */
  readonly notes: readonly string[];
  /** Releases open files. */
  close(): Promise<void>;
}

/** An image that could not be opened or read: the message names the image and, where it applies, the blob. */
export class ImageError extends Error {
  override name = 'ImageError';
}

export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerTar: 'application/vnd.docker.image.rootfs.diff.tar',
} as const;

export function isIndexMediaType(mediaType: string | undefined): boolean {
  return mediaType === MEDIA.ociIndex || mediaType === MEDIA.dockerList;
}

export function isManifestMediaType(mediaType: string | undefined): boolean {
  return mediaType === MEDIA.ociManifest || mediaType === MEDIA.dockerManifest;
}

/**
 * JSON of image metadata (manifest.json, index.json, a manifest, the config). A syntax error says where and
 * why, never quoting the text around it as JSON.parse's message does: a config may hold secrets in its Env.
 */
export function parseMetadataJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const err = jsonSyntaxPosition(text);
    if (!err) throw new ImageError(`${what} is not JSON`);
    throw new ImageError(`${what} is not JSON: ${err.reason} (line ${err.line}, column ${err.column})`);
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Refuses manifests of OCI artifacts that are not container images (Helm charts, signatures, SBOMs):
 * their layers are not filesystem tars.
 */
export function assertImageConfig(config: Descriptor, what: string): void {
  const t = config.mediaType;
  if (t !== '' && t !== MEDIA.ociConfig && t !== MEDIA.dockerConfig) {
    throw new ImageError(`${what}: not a container image (its config is ${t})`);
  }
}

/** Reads the image config JSON; `what` names the image in the error. */
export function parseImageConfig(text: string, what: string): ImageConfig {
  const json = parseMetadataJson(text, `${what}: image config`);
  const raw = record(json);
  if (!raw) throw new ImageError(`${what}: image config is not a JSON object`);
  const inner = record(raw.config) ?? {};
  const rootfs = record(raw.rootfs) ?? {};
  const history = Array.isArray(raw.history) ? raw.history : [];
  const config: ImageConfig = {
    os: str(raw.os) ?? '',
    architecture: str(raw.architecture) ?? '',
    env: Array.isArray(inner.Env) ? inner.Env.filter((e): e is string => typeof e === 'string') : [],
    history: history.map((h) => {
      const r = record(h) ?? {};
      const out: ImageHistory = { emptyLayer: r.empty_layer === true };
      const created = str(r.created);
      const createdBy = str(r.created_by);
      if (created !== undefined) out.created = created;
      if (createdBy !== undefined) out.createdBy = createdBy;
      return out;
    }),
    diffIds: Array.isArray(rootfs.diff_ids) ? rootfs.diff_ids.filter((d): d is string => typeof d === 'string') : [],
    raw,
  };
  const variant = str(raw.variant);
  if (variant !== undefined) config.variant = variant;
  const user = str(inner.User);
  if (user !== undefined && user !== '') config.user = user;
  return config;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

/** Reads a descriptor (OCI or Docker) from JSON, or undefined when it is not one. */
export function toDescriptor(value: unknown): Descriptor | undefined {
  const r = record(value);
  if (!r) return undefined;
  const digest = str(r.digest);
  if (digest === undefined || typeof r.size !== 'number') return undefined;
  const d: Descriptor = { mediaType: str(r.mediaType) ?? '', digest, size: r.size };
  const p = record(r.platform);
  if (p) {
    d.platform = {};
    const os = str(p.os);
    const architecture = str(p.architecture);
    const variant = str(p.variant);
    if (os !== undefined) d.platform.os = os;
    if (architecture !== undefined) d.platform.architecture = architecture;
    if (variant !== undefined) d.platform.variant = variant;
  }
  const a = record(r.annotations);
  if (a) d.annotations = Object.fromEntries(Object.entries(a).filter((e): e is [string, string] => typeof e[1] === 'string'));
  return d;
}

export interface ParsedManifest {
  kind: 'index' | 'manifest';
  mediaType: string;
  /** Index: the manifests it lists. Manifest: the config. */
  manifests: Descriptor[];
  config?: Descriptor;
  layers: Descriptor[];
}

/** Parses an index or a manifest; the media type comes from the transport when it says one, else from the body. */
export function parseManifest(text: string, what: string, transportType?: string): ParsedManifest {
  const r = record(parseMetadataJson(text, `${what}: manifest`));
  if (!r) throw new ImageError(`${what}: manifest is not a JSON object`);
  if (r.schemaVersion === 1) throw new ImageError(`${what}: Docker schema 1 manifests are not supported (push the image again with a current client)`);
  const bodyType = str(r.mediaType);
  const type = transportType && (isIndexMediaType(transportType) || isManifestMediaType(transportType)) ? transportType : bodyType;
  const isIndex = isIndexMediaType(type) || (type === undefined && Array.isArray(r.manifests));
  if (isIndex) {
    const manifests = (Array.isArray(r.manifests) ? r.manifests : []).map(toDescriptor).filter((d): d is Descriptor => d !== undefined);
    return { kind: 'index', mediaType: type ?? MEDIA.ociIndex, manifests, layers: [] };
  }
  const config = toDescriptor(r.config);
  if (!config) throw new ImageError(`${what}: manifest has no config descriptor`);
  if (!Array.isArray(r.layers)) throw new ImageError(`${what}: manifest has no layers`);
  const layers: Descriptor[] = [];
  for (const l of r.layers) {
    const d = toDescriptor(l);
    if (!d) throw new ImageError(`${what}: manifest lists a malformed layer descriptor`);
    layers.push(d);
  }
  return { kind: 'manifest', mediaType: type ?? MEDIA.ociManifest, manifests: [], config, layers };
}
