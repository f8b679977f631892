/**
 * `palisade scan --images`: every image the workloads name, read once each (deduplicated by canonical
 * reference, a few at a time, package lists cached by digest), joined to the scan as ContainerImage resources.
 */
import { imageUsers } from '../analyses/images/image-users.js';
import { errorMessage, type InputError, type InputNote } from '../core/errors.js';
import type { Resource } from '../core/resource.js';
import { imageResource } from '../ingest/image-resource.js';
import type { VulnDb } from '../vulndb/index.js';
import { scanImage, type ImageScanOptions } from './image-pipeline.js';

/** The distinct images (canonical references) the pod-bearing resources name, sorted. */
export function referencedImages(resources: readonly Resource[]): string[] {
  return [...imageUsers(resources).keys()].sort();
}

export interface ScanImagesOptions extends ImageScanOptions {
  /** Images read at the same time (registry pulls are network-bound, analysis CPU-bound). */
  concurrency?: number;
  onImage?: (ref: string) => void;
}

export async function scanReferencedImages(
  resources: readonly Resource[],
  db: VulnDb,
  opts: ScanImagesOptions = {},
): Promise<{ resources: Resource[]; errors: InputError[]; notes: InputNote[] }> {
  const refs = referencedImages(resources);
  const out = { resources: [] as Resource[], errors: [] as InputError[], notes: [] as InputNote[] };
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < refs.length; i = next++) {
      const ref = refs[i] as string;
      opts.onImage?.(ref);
      try {
        // docker:// makes it a registry pull even when a file of that name happens to exist.
        const scanned = await scanImage(`docker://${ref}`, db, opts);
        // Named by the canonical reference, which is how the workloads are joined to it.
        out.resources.push(imageResource({ ...scanned.report, ref }, ref));
        for (const message of scanned.errors) out.errors.push({ source: ref, message });
        for (const message of scanned.notes) out.notes.push({ source: ref, message });
      } catch (e) {
        out.errors.push({ source: ref, message: `image not scanned: ${errorMessage(e)}` });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 3, refs.length)) }, worker));
  // Workers finish in any order: keep the report stable.
  out.resources.sort((a, b) => a.name.localeCompare(b.name));
  return out;
}
