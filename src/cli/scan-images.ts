/**
 * `palisade scan --images`: every image the workloads name, read once each (deduplicated by canonical
 * reference, then by manifest digest; a few at a time, package lists cached by digest), joined to the scan as
 * ContainerImage resources.
 */
import { imageUsers } from '../analyses/images/image-users.js';
import { errorMessage, type InputError, type InputNote } from '../core/errors.js';
import type { ImageReport } from '../analyses/images/types.js';
import type { Resource } from '../core/resource.js';
import { imageResource } from '../analyses/images/image-resource.js';
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
  /** `flag`: the `--db` the database was named by (see OpenedVulnDb), repeated in each image's verify command. */
  db: VulnDb & { readonly flag?: string },
  opts: ScanImagesOptions = {},
): Promise<{ resources: Resource[]; errors: InputError[]; notes: InputNote[] }> {
  const refs = referencedImages(resources);
  const out = { resources: [] as Resource[], errors: [] as InputError[], notes: [] as InputNote[] };
  const reports: ImageReport[] = [];
  const dbFlag = opts.dbFlag ?? db.flag;
  const scanOpts: ImageScanOptions = { ...opts, listedInRun: opts.listedInRun ?? new Map(), ...(dbFlag !== undefined ? { dbFlag } : {}) };
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < refs.length; i = next++) {
      const ref = refs[i] as string;
      opts.onImage?.(ref);
      try {
        // docker:// makes it a registry pull even when a file of that name happens to exist.
        const scanned = await scanImage(`docker://${ref}`, db, scanOpts);
        // Named by the canonical reference, which is how the workloads are joined to it.
        reports.push({ ...scanned.report, ref });
        for (const message of scanned.errors) out.errors.push({ source: ref, message });
        for (const message of scanned.notes) out.notes.push({ source: ref, message });
      } catch (e) {
        out.errors.push({ source: ref, message: `image not scanned: ${errorMessage(e)}` });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 3, refs.length)) }, worker));
  for (const report of sameImageMerged(reports)) out.resources.push(imageResource(report, report.ref));
  // Workers finish in any order: keep the report stable.
  out.resources.sort((a, b) => a.name.localeCompare(b.name));
  return out;
}

/**
 * One report per image: workloads naming the same manifest by tag and by digest run one image, whose
 * vulnerabilities are reported once with every workload as a user. It is named by a tagged reference when
 * one exists (the name people know it by); the other references join it as `refs`.
 */
export function sameImageMerged(reports: readonly ImageReport[]): ImageReport[] {
  const byImage = new Map<string, ImageReport[]>();
  for (const r of reports) {
    const key = r.digest ?? r.ref;
    byImage.set(key, [...(byImage.get(key) ?? []), r]);
  }
  return [...byImage.values()].map((group) => {
    const names = group.map((r) => r.ref).sort((a, b) => Number(a.includes('@')) - Number(b.includes('@')) || a.localeCompare(b));
    const [name, ...others] = names as [string, ...string[]];
    const first = group.find((r) => r.ref === name) as ImageReport;
    const refs = [...new Set([...others, ...group.flatMap((r) => r.refs ?? [])])].filter((r) => r !== name);
    return refs.length > 0 ? { ...first, refs } : first;
  });
}
