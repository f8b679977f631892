/**
 * Which workloads run which image: the join between the image pillar and the rest. References are compared
 * in their canonical form (`nginx` ≡ `docker.io/library/nginx:latest`), since manifests spell them many ways.
 */
import { Memo } from '../../core/memo.js';
import { canonicalImageRef } from '../../core/image-reference.js';
import type { Inventory } from '../../core/inventory.js';
import type { Resource } from '../../core/resource.js';
import { containersOf, podOf } from '../../core/workload.js';

export interface ImageUser {
  resource: Resource;
  container: string;
  /** Dotted path of the container's `image` field. */
  field: string;
}

/** Every image reference the inventory's workloads use (canonical form), each with the containers that use it. */
export function imageUsersOf(inventory: Inventory): ReadonlyMap<string, readonly ImageUser[]> {
  return USERS.of(inventory, (inv) => imageUsers(inv.resources));
}

const USERS = new Memo<Inventory, ReadonlyMap<string, readonly ImageUser[]>>();

/** The images (canonical references) the pod-bearing resources name, each with the containers that use it. */
export function imageUsers(resources: readonly Resource[]): Map<string, ImageUser[]> {
  const users = new Map<string, ImageUser[]>();
  for (const resource of resources) {
    const pod = podOf(resource);
    if (pod === undefined) continue;
    for (const c of containersOf(pod)) {
      const image = c.spec.image;
      const canonical = typeof image === 'string' ? canonicalImageRef(image) : undefined;
      if (canonical === undefined) continue;
      const list = users.get(canonical) ?? [];
      list.push({ resource, container: c.name, field: c.path('image') });
      users.set(canonical, list);
    }
  }
  return users;
}

/** The containers that run an image, found by its canonical reference. */
export function usersOfImage(inventory: Inventory, ref: string): readonly ImageUser[] {
  const canonical = canonicalImageRef(ref);
  return canonical === undefined ? [] : (imageUsersOf(inventory).get(canonical) ?? []);
}
