/**
 * Which workloads run which image: the join between the image pillar and the rest. References are compared
 * in their canonical form (`nginx` ≡ `docker.io/library/nginx:latest`), since manifests spell them many ways,
 * and by digest for workloads that pin one.
 */
import { Memo } from '../../core/memo.js';
import { canonicalImageRef, parseImageReference } from '../../core/image-reference.js';
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

/** What names an image: a reference, the other references it is known by, and its manifest digest. */
export interface ImageIdentity {
  ref: string;
  refs?: readonly string[];
  digest?: string;
}

/**
 * The containers that run an image. A container naming a tag runs it when the image is known by that tag;
 * one pinning a digest (`repo@sha256:...`, with or without a tag) runs it when the digest is the image's in
 * one of the repositories the image is known in, since the runtime pulls by digest whatever the tag says.
 */
export function usersOfImage(inventory: Inventory, image: string | ImageIdentity): readonly ImageUser[] {
  const identity = typeof image === 'string' ? { ref: image } : image;
  const { tagged, pinned } = namesOf(identity);
  const index = JOIN.of(inventory, joinIndex);
  const found = new Set<ImageUser>();
  for (const key of tagged) for (const u of index.byTag.get(key) ?? []) found.add(u);
  for (const key of pinned) for (const u of index.byDigest.get(key) ?? []) found.add(u);
  // In the inventory's order, whichever spelling of the reference each container used.
  return [...found].sort((a, b) => (index.position.get(a.resource) ?? 0) - (index.position.get(b.resource) ?? 0));
}

interface JoinIndex {
  /** `registry/repo:tag` → containers naming that tag without a digest. */
  byTag: Map<string, ImageUser[]>;
  /** `registry/repo@digest` → containers pinning that digest, with or without a tag. */
  byDigest: Map<string, ImageUser[]>;
  position: Map<Resource, number>;
}

const JOIN = new Memo<Inventory, JoinIndex>();

function joinIndex(inventory: Inventory): JoinIndex {
  const index: JoinIndex = { byTag: new Map(), byDigest: new Map(), position: new Map(inventory.resources.map((r, i) => [r, i])) };
  for (const [canonical, list] of imageUsersOf(inventory)) {
    const ref = parseImageReference(canonical);
    if (ref === undefined) continue;
    const [map, key] = ref.digest !== undefined ? [index.byDigest, `${ref.registry}/${ref.repository}@${ref.digest}`] : [index.byTag, canonical];
    map.set(key, [...(map.get(key) ?? []), ...list]);
  }
  return index;
}

/** The canonical tagged references (`registry/repo:tag`) and pinned ones (`registry/repo@digest`) an image answers to. */
function namesOf(identity: ImageIdentity): { tagged: Set<string>; pinned: Set<string> } {
  const tagged = new Set<string>();
  const pinned = new Set<string>();
  for (const name of [identity.ref, ...(identity.refs ?? [])]) {
    const ref = parseImageReference(name);
    if (ref === undefined) continue;
    const repository = `${ref.registry}/${ref.repository}`;
    if (ref.digest !== undefined) pinned.add(`${repository}@${ref.digest}`);
    // A reference with a digest names that digest's image; its tag says nothing about what the tag holds now.
    else tagged.add(`${repository}:${ref.tag ?? 'latest'}`);
    const digest = identity.digest ?? ref.digest;
    if (digest !== undefined) pinned.add(`${repository}@${digest}`);
  }
  return { tagged, pinned };
}
