import { createHash } from 'node:crypto';
import type { OsInfo, Package } from '../types.js';

/** The image an SBOM describes. */
export interface SbomImage {
  /** The reference as given (`registry/repo:tag`, a tar path, ...). */
  ref: string;
  /** Manifest digest `sha256:<hex>` when known: it names the image, so it seeds the document's UUID. */
  digest?: string;
}

export interface SbomInput {
  image: SbomImage;
  os?: OsInfo;
  packages: readonly Package[];
  /** Creation time written into the document; defaults to now. */
  created?: Date;
  /** The generating tool; defaults to Palisade's name and version. */
  tool?: { name: string; version: string };
}

export const DEFAULT_TOOL = { name: 'palisade', version: '0.1.0' };

/**
 * A name-based UUID (RFC 9562 version 5 layout over SHA-1) of the image: the same image digest gives the
 * same serialNumber/documentNamespace whenever it is scanned. Without a digest the reference and the
 * package list stand in for it.
 */
export function imageUuid(input: SbomInput): string {
  const seed = input.image.digest
    ? `palisade-image:${input.image.digest}`
    : `palisade-image-ref:${input.image.ref}\n${sortedPackages(input.packages)
        .map((p) => `${p.purl}\t${p.location}`)
        .join('\n')}`;
  const h = createHash('sha1').update(seed).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
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

/** The OCI purl of the image when its digest is known (`pkg:oci/name@sha256%3A...?repository_url=...`). */
export function imagePurl(image: SbomImage): string | undefined {
  if (!image.digest) return undefined;
  const noDigest = image.ref.split('@')[0] ?? image.ref;
  // Strip a tag (a `:` after the last `/`), keep a registry port.
  const lastSlash = noDigest.lastIndexOf('/');
  const colon = noDigest.indexOf(':', lastSlash + 1);
  const repo = colon >= 0 ? noDigest.slice(0, colon) : noDigest;
  const name = repo.slice(repo.lastIndexOf('/') + 1).toLowerCase();
  if (!name || !/^[a-z0-9._-]+$/.test(name)) return undefined;
  // purl-spec's oci examples leave the `/` of repository_url readable and encode the digest's `:`.
  const q = repo.includes('/') ? `?repository_url=${encodeURIComponent(repo.toLowerCase()).replace(/%2F/g, '/')}` : '';
  return `pkg:oci/${name}@${encodeURIComponent(image.digest)}${q}`;
}
