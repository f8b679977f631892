import { randomUUID } from 'node:crypto';
import { parseImageReference } from '../../../core/image-reference.js';
import { registryReferenceOf } from '../image-input.js';
import type { OsInfo, Package } from '../types.js';

/** The image an SBOM describes. */
export interface SbomImage {
  /** The reference as given (`registry/repo:tag`, a tar path, ...). */
  ref: string;
  /** Manifest digest `sha256:<hex>` when known (a legacy `docker save` archive has no manifest, so none). */
  digest?: string;
  /**
   * Registry references the image is known by (the pulled reference, RepoTags, layout annotations); empty
   * when a local input names none. Left out, `ref` itself is taken for a registry reference when it is one.
   */
  names?: readonly string[];
}

export interface SbomInput {
  image: SbomImage;
  os?: OsInfo;
  packages: readonly Package[];
  /** Creation time written into the document; defaults to now. */
  created?: Date;
  /** The generating tool; defaults to Palisade's name and version. */
  tool?: { name: string; version: string };
  /**
   * The document's UUID (CycloneDX serialNumber, SPDX documentNamespace). Both formats want every document
   * told apart, even one of an unchanged image, so it defaults to a random one.
   */
  documentId?: string;
}

export const DEFAULT_TOOL = { name: 'palisade', version: '0.1.0' };

/** The UUID naming one SBOM document: the given one, else a fresh random (version 4) UUID. */
export function documentUuid(input: SbomInput): string {
  return input.documentId ?? randomUUID();
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Packages in a fixed order (purl, then location) so equal inputs serialise identically. */
export function sortedPackages(packages: readonly Package[]): Package[] {
  return [...packages].sort((a, b) => cmp(a.purl, b.purl) || cmp(a.location, b.location));
}

/** Packages grouped by purl (the same package found in several places is one component with several locations). */
export function groupByPurl(packages: readonly Package[]): Array<{ pkg: Package; locations: string[] }> {
  const groups = new Map<string, { pkg: Package; locations: string[] }>();
  for (const p of sortedPackages(packages)) {
    const g = groups.get(p.purl);
    if (g) {
      if (!g.locations.includes(p.location)) g.locations.push(p.location);
    } else groups.set(p.purl, { pkg: p, locations: [p.location] });
  }
  return [...groups.values()];
}

/**
 * The OCI purl of the image when its manifest digest is known (purl-spec `oci`): the name is the last
 * segment of the repository, the version the manifest digest, `repository_url` the registry repository
 * (`docker.io/library/debian`) with its `tag`, when a registry reference names the image. A local input
 * that names none gets no qualifiers, and a name from its path.
 */
export function imagePurl(image: SbomImage): string | undefined {
  if (!image.digest) return undefined;
  const named = (image.names ?? [image.ref]).map(registryReferenceOf).find((r) => r !== undefined);
  const ref = named === undefined ? undefined : parseImageReference(named);
  // purl-spec's oci examples encode the digest's `:` and leave the `/` of repository_url readable.
  const version = encodeURIComponent(image.digest);
  if (ref === undefined) {
    const name = localName(image.ref);
    return name === undefined ? undefined : `pkg:oci/${name}@${version}`;
  }
  const repository = `${ref.registry}/${ref.repository}`;
  const name = repository.slice(repository.lastIndexOf('/') + 1);
  const qualifiers = [`repository_url=${encodeURIComponent(repository).replace(/%2F/g, '/')}`, ...(ref.tag !== undefined ? [`tag=${encodeURIComponent(ref.tag)}`] : [])];
  return `pkg:oci/${name}@${version}?${qualifiers.join('&')}`;
}

/** `/x/app.tar`, `/x/layout:1.0`, `/x/app.tar (repo:tag)` → `app`, `layout`: the input's last path segment. */
function localName(input: string): string | undefined {
  const path = input.replace(/\s+\(.*\)$/, '');
  const last = path.slice(path.lastIndexOf('/') + 1);
  const name = last
    .replace(/:.*$/, '')
    .replace(/\.(?:tar|tar\.gz|tgz|tar\.zst)$/i, '')
    .toLowerCase();
  return /^[a-z0-9][a-z0-9._-]*$/.test(name) ? name : undefined;
}
