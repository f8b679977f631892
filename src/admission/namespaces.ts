import { AKS_SYSTEM_NAMESPACES } from '../core/aks-managed.js';

/**
 * Namespaces the generated policies leave alone by default: those where AKS deploys and reconciles its
 * own components (Palisade's list of AKS-managed namespaces, the service-mesh add-on's among them) and
 * Kubernetes' own. Their pods are Microsoft's or Kubernetes' to run; refusing them breaks the cluster
 * (a node agent that cannot start) and the operator cannot change their manifests anyway.
 */
export const DEFAULT_EXCLUDED_NAMESPACES: readonly string[] = [
  ...AKS_SYSTEM_NAMESPACES,
  'kube-node-lease',
  'kube-public',
];

/** A namespace name as the API accepts it (an RFC 1123 label). */
export function isNamespaceName(name: string): boolean {
  return name.length <= 63 && /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/.test(name);
}

/** The default exclusions plus the given ones, each once, in order. */
export function excludedNamespaces(extra: readonly string[]): string[] {
  return [...new Set([...DEFAULT_EXCLUDED_NAMESPACES, ...extra])];
}

/**
 * Namespaces the webhook must not be installed in: the default namespace and those of
 * DEFAULT_EXCLUDED_NAMESPACES. The manifests label their Namespace object (Pod Security restricted,
 * managed by Palisade), so applying them would relabel a namespace others share, `kubectl delete -f`
 * would delete it, and the webhook would stop examining the namespace it sits in.
 */
export function isSharedNamespace(name: string): boolean {
  return name === 'default' || DEFAULT_EXCLUDED_NAMESPACES.includes(name);
}
