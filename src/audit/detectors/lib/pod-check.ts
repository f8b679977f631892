import type { DetectorCheck } from '../../detector.js';
import type { ResolvedSettings } from '../../resolved-settings.js';
import type { GlobList } from '../../settings.js';
import { imagesOf, isPodCreate, objectName, podSpecOf, trustedPod, type Spec } from './pod.js';

/**
 * The check shared by detectors that read the spec of a pod being created: `find` lists what is wrong
 * (empty when nothing is); trusted pods (by image) stay quiet; a body AKS did not log is undetermined.
 */
export function podSpecCheck(
  settings: ResolvedSettings,
  trusted: GlobList,
  what: string,
  find: (spec: Spec) => string[],
  message: (pod: string, found: string[], images: string[]) => string,
): DetectorCheck {
  return (ev, ctx) => {
    if (!isPodCreate(ev)) return;
    const body = podSpecOf(ev);
    if (body === 'omitted') return ctx.undetermined(what);
    if (body === 'absent') return;
    const found = find(body.spec);
    if (found.length === 0 || trustedPod(ev, body.spec, settings, trusted)) return;
    ctx.report({ message: message(objectName(ev), found, imagesOf(body.spec)) });
  };
}

export function imageList(images: string[]): string {
  return images.length ? ` (images ${images.join(', ')})` : '';
}
