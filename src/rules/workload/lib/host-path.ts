import { posix } from 'node:path';
import { asArray, asObj, asString } from '../../../core/resource.js';
import type { ContainerView, PodView } from '../../../core/workload.js';

export interface HostPathVolume {
  name: string;
  index: number;
  /** The path as written. */
  path: string;
}

/** Every hostPath volume of a pod, with its index in spec.volumes. */
export function hostPathVolumes(pod: PodView): HostPathVolume[] {
  const out: HostPathVolume[] = [];
  asArray(pod.spec.volumes).forEach((raw, index) => {
    const v = asObj(raw);
    const path = asString(asObj(v?.hostPath)?.path);
    if (v && path !== undefined) out.push({ name: asString(v.name) ?? `#${index}`, index, path });
  });
  return out;
}

/** Containers that mount a volume, with the index of the mount. */
export function mountsOf(containers: readonly ContainerView[], volume: string): { container: ContainerView; index: number; mount: Record<string, unknown> }[] {
  const out: { container: ContainerView; index: number; mount: Record<string, unknown> }[] = [];
  for (const container of containers) {
    asArray(container.spec.volumeMounts).forEach((raw, index) => {
      const mount = asObj(raw);
      if (mount && mount.name === volume) out.push({ container, index, mount });
    });
  }
  return out;
}

/**
 * `/var//run/./docker.sock/` → `/var/run/docker.sock`: collapses repeated slashes, `.` and `..` (never
 * above the root) and drops a trailing slash. A relative path is taken from the root, as the kubelet does.
 */
export function normalizeHostPath(raw: string): string {
  const p = posix.normalize(raw.startsWith('/') ? raw : `/${raw}`);
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}
