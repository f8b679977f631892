/**
 * OCI image layouts (`index.json`, `oci-layout`, `blobs/sha256/...`), as a directory or as a tar of one
 * (`skopeo copy ... oci-archive:`, `umoci`, `docker buildx --output type=oci`).
 */
import { blobPath, readVerifiedBlob, layersFrom, MAX_METADATA_BYTES, type BlobStore } from './blob-store.js';
import { sha256Digest } from './digest.js';
import { selectPlatform, formatPlatform, type Platform } from './platform.js';
import { assertImageConfig, ImageError, parseImageConfig, parseManifest, type Descriptor, type ImageSource, type ImageSourceKind } from './source.js';

const REF_NAME = 'org.opencontainers.image.ref.name';
const CONTAINERD_NAME = 'io.containerd.image.name';

function tagsOf(d: Descriptor): string[] {
  const out: string[] = [];
  const ref = d.annotations?.[REF_NAME];
  if (ref) out.push(ref);
  const full = d.annotations?.[CONTAINERD_NAME];
  if (full) out.push(full);
  return out;
}

/**
 * The whole references a layout's entry is annotated with. `ref.name` may be a reference
 * (`skopeo copy ... oci:DIR:registry/repo:tag`) or a bare tag (`1.0`, as Docker writes it), which names no image.
 */
function referencesOf(d: Descriptor): string[] {
  return [...new Set(tagsOf(d).filter((t) => t.includes(':') || t.includes('/')))];
}

function matchesTag(d: Descriptor, tag: string): boolean {
  return tagsOf(d).some((t) => t === tag || t.endsWith(`:${tag}`));
}

/** Picks the image from a layout's top-level index: by tag when given, by platform when several remain. */
export function chooseTopLevel(manifests: readonly Descriptor[], tag: string | undefined, platform: Platform, what: string): Descriptor {
  let candidates = [...manifests];
  if (tag !== undefined) {
    candidates = candidates.filter((d) => matchesTag(d, tag));
    if (candidates.length === 0) {
      const tags = manifests.flatMap(tagsOf);
      throw new ImageError(`${what}: no image tagged "${tag}"; the layout has ${tags.length ? tags.join(', ') : 'no tagged images'}`);
    }
  }
  if (candidates.length === 1) return candidates[0] as Descriptor;
  if (candidates.length === 0) throw new ImageError(`${what}: index.json lists no images`);
  // Entries of one tag (or none) that differ by platform are one image built for several platforms;
  // entries under different tags are different images, whatever platform each says it is for.
  if (candidates.every((d) => d.platform) && new Set(candidates.map((d) => tagsOf(d)[0])).size === 1) return selectPlatform(candidates, platform, what);
  const tags = candidates.flatMap(tagsOf);
  throw new ImageError(`${what}: the layout holds ${candidates.length} images; choose one by tag as PATH:TAG (${tags.length ? tags.join(', ') : 'they have no tags'})`);
}

export interface ResolvedManifest {
  manifestDigest: string;
  configDesc: Descriptor;
  layers: Descriptor[];
  notes: string[];
}

/** Follows index → manifest (choosing the platform) until an image manifest, reading from the store. */
export async function resolveFromStore(store: BlobStore, start: Descriptor, platform: Platform, what: string): Promise<ResolvedManifest> {
  let desc = start;
  const notes: string[] = [];
  for (let depth = 0; depth < 4; depth++) {
    const text = (await readVerifiedBlob(store, desc, what)).toString('utf8');
    const m = parseManifest(text, `${what} (${desc.digest})`, desc.mediaType || undefined);
    if (m.kind === 'manifest' && m.config) return { manifestDigest: desc.digest, configDesc: m.config, layers: m.layers, notes };
    desc = selectPlatform(m.manifests, platform, what);
    notes.push(`${what}: chose ${formatPlatform(desc.platform ?? {})} (${desc.digest}) from a multi-platform index`);
  }
  throw new ImageError(`${what}: indexes nest deeper than 4 levels`);
}

export async function openOciLayout(
  store: BlobStore,
  kind: ImageSourceKind,
  opts: { tag?: string; platform: Platform; display: string; close?: () => Promise<void> },
): Promise<ImageSource> {
  const what = opts.display;
  if (!(await store.has('index.json'))) throw new ImageError(`${what}: not an OCI image layout (no index.json)`);
  const indexText = (await store.read('index.json', MAX_METADATA_BYTES)).toString('utf8');
  const index = parseManifest(indexText, `${what}: index.json`, 'application/vnd.oci.image.index.v1+json');
  const top = chooseTopLevel(index.manifests, opts.tag, opts.platform, what);
  const resolved = await resolveFromStore(store, top, opts.platform, what);
  assertImageConfig(resolved.configDesc, what);
  const configText = (await readVerifiedBlob(store, resolved.configDesc, what)).toString('utf8');
  const config = parseImageConfig(configText, what);
  return {
    ref: what,
    names: referencesOf(top),
    kind,
    manifestDigest: resolved.manifestDigest,
    configDigest: resolved.configDesc.digest ?? sha256Digest(configText),
    config,
    layers: layersFrom(resolved.layers, what, async (d) => (await store.open(blobPath(d.digest, what))).stream),
    notes: resolved.notes,
    close: opts.close ?? (async () => {}),
  };
}
