import { completedWithSuccess, isCreate, isSystemIdentity, writtenObject, type AuditEvent } from '../../event.js';
import type { ResolvedSettings } from '../../resolved-settings.js';
import type { GlobList } from '../../settings.js';

export type Spec = Record<string, unknown>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A pod created (not a subresource such as exec or binding) and stored, by a create or by a server-side
 * apply patch answered 201. A refused one never ran: an admission policy did its job, and its controller
 * retrying would repeat the alert for nothing. (A pod's containers, volumes and host namespaces cannot be
 * changed once it exists, so only its creation says what it runs with.)
 */
export function isPodCreate(ev: AuditEvent): boolean {
  return isCreate(ev) && ev.objectRef.resource === 'pods' && ev.objectRef.subresource === undefined && completedWithSuccess(ev);
}

/**
 * The pod spec of a create request: `spec` when the body (or, failing it, the stored pod of the response)
 * was logged, `omitted` when AKS replaced it (the detector cannot decide), `absent` when the audit level
 * does not log bodies.
 */
export function podSpecOf(ev: AuditEvent): { spec: Spec } | 'omitted' | 'absent' {
  const body = writtenObject(ev, 'spec');
  if (typeof body === 'string') return body;
  return isRecord(body.spec) ? { spec: body.spec } : 'absent';
}

/** Containers, init containers and ephemeral containers, each with the list it came from. */
export function containersOf(spec: Spec): Array<{ c: Record<string, unknown>; list: string }> {
  const out: Array<{ c: Record<string, unknown>; list: string }> = [];
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    const arr = spec[list];
    if (!Array.isArray(arr)) continue;
    for (const c of arr) if (isRecord(c)) out.push({ c, list });
  }
  return out;
}

export function imagesOf(spec: Spec): string[] {
  return containersOf(spec).map(({ c }) => (typeof c.image === 'string' ? c.image : ''));
}

export function containerName(c: Record<string, unknown>): string {
  return typeof c.name === 'string' ? c.name : '?';
}

/** `registry/repo:tag@sha256:…` → `registry/repo`. */
export function imageRepository(image: string): string {
  const at = image.indexOf('@');
  const noDigest = at >= 0 ? image.slice(0, at) : image;
  const colon = noDigest.lastIndexOf(':');
  return colon > noDigest.lastIndexOf('/') ? noDigest.slice(0, colon) : noDigest;
}

export function imageMatches(list: GlobList, image: string): boolean {
  return list.has(image) || list.has(imageRepository(image));
}

/**
 * Whether every image of the pod is trusted for this detector: listed for it or for all detectors, or
 * the pod is an AKS add-on (in an AKS namespace, every image from AKS's registry, created by the
 * cluster's own machinery: a controller or the kubelet). A person creating such a pod by hand is not
 * vouched for: mcr.microsoft.com serves general-purpose images with shells too (azure-cli, busybox for
 * node debugging). A pod without images is not trusted: there is nothing to vouch for it.
 */
export function trustedPod(ev: AuditEvent, spec: Spec, settings: ResolvedSettings, list: GlobList): boolean {
  const images = imagesOf(spec);
  if (images.length === 0) return false;
  const ns = ev.objectRef.namespace ?? '';
  if (settings.aksNamespaces.has(ns) && isSystemIdentity(ev.user.username) && images.every((i) => imageMatches(settings.aksImages, i))) return true;
  return images.every((i) => imageMatches(list, i) || imageMatches(settings.trustedImages.all, i));
}

/** `ns/name` of the object an event is about; generated names (pods of a ReplicaSet) fall back to the body. */
export function objectName(ev: AuditEvent): string {
  let name = ev.objectRef.name;
  if (!name) {
    const meta = isRecord(ev.responseObject) && isRecord(ev.responseObject.metadata) ? ev.responseObject.metadata : isRecord(ev.requestObject) && isRecord(ev.requestObject.metadata) ? ev.requestObject.metadata : undefined;
    name = typeof meta?.name === 'string' ? meta.name : typeof meta?.generateName === 'string' ? `${meta.generateName}*` : '?';
  }
  return ev.objectRef.namespace ? `${ev.objectRef.namespace}/${name}` : name;
}

export { isRecord };
