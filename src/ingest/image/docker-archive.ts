/**
 * `docker save` tarballs: `manifest.json` lists each image's config and layer files. Docker before 25 wrote
 * `<id>/layer.tar` (uncompressed, so its digest is the layer's diff_id); Docker 25+ writes an OCI layout in the
 * same tar and points manifest.json at `blobs/sha256/...`. Both are read through manifest.json; the OCI index,
 * when there, supplies the manifest digest.
 */
import { MAX_METADATA_BYTES, TarStore, layersFrom, readVerifiedBlob } from './blob-store.js';
import { sha256Digest } from './digest.js';
import { canonicalImageRef } from '../../core/image-reference.js';
import { ImageError, MEDIA, parseImageConfig, parseManifest, parseMetadataJson, type Descriptor, type ImageSource } from './source.js';

interface ArchiveEntry {
  config: string;
  repoTags: string[];
  layers: string[];
}

const BLOB_PATH = /^blobs\/sha256\/([a-f0-9]{64})$/;

function parseArchiveManifest(text: string, what: string): ArchiveEntry[] {
  const json = parseMetadataJson(text, `${what}: manifest.json`);
  if (!Array.isArray(json)) throw new ImageError(`${what}: manifest.json is not a list`);
  return json.map((e: unknown, i) => {
    const r = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
    if (typeof r.Config !== 'string' || !Array.isArray(r.Layers) || !r.Layers.every((l) => typeof l === 'string')) {
      throw new ImageError(`${what}: manifest.json entry ${i} lacks Config or Layers`);
    }
    const repoTags = Array.isArray(r.RepoTags) ? r.RepoTags.filter((t): t is string => typeof t === 'string') : [];
    return { config: r.Config, repoTags, layers: r.Layers as string[] };
  });
}

/**
 * The image to read. An archive of several images needs a tag: picking one would scan an image the user
 * may not have meant (skopeo refuses the same way).
 */
function chooseEntry(entries: ArchiveEntry[], tag: string | undefined, what: string): ArchiveEntry {
  if (entries.length === 0) throw new ImageError(`${what}: manifest.json lists no images`);
  const all = entries.flatMap((e) => e.repoTags);
  if (tag !== undefined) {
    const want = canonicalImageRef(tag) ?? tag;
    const found = entries.find((e) => e.repoTags.some((t) => t === tag || canonicalImageRef(t) === want));
    if (!found) throw new ImageError(`${what}: no image tagged "${tag}"; the archive has ${all.length ? all.join(', ') : 'no tagged images'}`);
    return found;
  }
  if (entries.length === 1) return entries[0] as ArchiveEntry;
  throw new ImageError(`${what}: the archive holds ${entries.length} images; choose one by tag as PATH:TAG (${all.length ? all.join(', ') : 'they have no tags'})`);
}

/** The manifest in the archive's OCI layout whose config is ours, when the archive has one (Docker 25+). */
async function findManifestDigest(store: TarStore, configDigest: string, what: string): Promise<{ digest: string; layers: Descriptor[] } | undefined> {
  if (!store.has('index.json')) return undefined;
  try {
    const index = parseManifest((await store.read('index.json', MAX_METADATA_BYTES)).toString('utf8'), what, MEDIA.ociIndex);
    const queue = [...index.manifests];
    for (let seen = 0; queue.length > 0 && seen < 64; seen++) {
      const d = queue.shift() as Descriptor;
      if (!store.has(`blobs/sha256/${d.digest.slice(7)}`)) continue;
      const m = parseManifest((await readVerifiedBlob(store, d, what)).toString('utf8'), what, d.mediaType || undefined);
      if (m.kind === 'index') for (const d of m.manifests) queue.push(d);
      else if (m.config?.digest === configDigest) return { digest: d.digest, layers: m.layers };
    }
  } catch {
    // The OCI index is optional here: manifest.json already describes the image.
  }
  return undefined;
}

export async function openDockerArchive(path: string, opts: { tag?: string; display?: string } = {}): Promise<ImageSource> {
  const store = await TarStore.open(path);
  const archive = opts.display ?? path;
  if (!store.has('manifest.json')) throw new ImageError(`${archive}: not a docker save archive (no manifest.json)`);
  const entries = parseArchiveManifest((await store.read('manifest.json', MAX_METADATA_BYTES)).toString('utf8'), archive);
  const entry = chooseEntry(entries, opts.tag, archive);
  const what = entry.repoTags[0] ? `${archive} (${entry.repoTags[0]})` : archive;
  const configBytes = await store.read(entry.config, MAX_METADATA_BYTES);
  const configDigest = sha256Digest(configBytes);
  const named = BLOB_PATH.exec(entry.config) ?? /^([a-f0-9]{64})\.json$/.exec(entry.config);
  if (named && `sha256:${named[1]}` !== configDigest) {
    throw new ImageError(`${what}: config ${entry.config} does not match its digest (content hashes to ${configDigest})`);
  }
  const config = parseImageConfig(configBytes.toString('utf8'), what);
  const oci = await findManifestDigest(store, configDigest, what);
  const descs: Descriptor[] = [];
  for (const [i, layerPath] of entry.layers.entries()) {
    const m = BLOB_PATH.exec(layerPath);
    const digest = m ? `sha256:${m[1]}` : config.diffIds[i];
    if (!digest) throw new ImageError(`${what}: layer ${i} (${layerPath}) has no digest (neither a blob path nor a diff_id in the config)`);
    const size = store.sizeOf(layerPath);
    if (size === undefined) throw new ImageError(`${what}: layer ${i} (${layerPath}) is missing from the archive`);
    descs.push({ digest, size, mediaType: oci?.layers[i]?.mediaType ?? MEDIA.dockerLayerTar });
  }
  const byDigest = new Map(entry.layers.map((p, i) => [descs[i]?.digest, p]));
  const source: ImageSource = {
    ref: what,
    names: entry.repoTags,
    kind: 'docker-archive',
    configDigest,
    config,
    layers: layersFrom(descs, what, async (d) => (await store.open(byDigest.get(d.digest) ?? '')).stream),
    notes: [],
    close: async () => {},
  };
  return oci ? { ...source, manifestDigest: oci.digest } : source;
}
