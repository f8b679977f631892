import type { Obj } from '../core/resource.js';
import { LIVE_KINDS, type LiveKind } from './kube-kinds.js';

export const SCANNER_NAME = 'palisade';

/** The verbs the reader needs on a kind: it only lists, and a metadata-only kind gets nothing more than list. */
export function scannerVerbs(k: LiveKind): string[] {
  return k.metadataOnly ? ['list'] : ['get', 'list'];
}

/**
 * The ClusterRole a live read needs, derived from the same table the reader lists from: one rule per
 * API group and verb set, read verbs only.
 */
export function scannerClusterRole(name = SCANNER_NAME): Obj {
  const rules: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }> = [];
  for (const k of LIVE_KINDS) {
    const verbs = scannerVerbs(k);
    const rule = rules.find((r) => r.apiGroups[0] === k.group && r.verbs.join() === verbs.join());
    if (rule) rule.resources.push(k.resource);
    else rules.push({ apiGroups: [k.group], resources: [k.resource], verbs });
  }
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, labels: { 'app.kubernetes.io/name': SCANNER_NAME, 'app.kubernetes.io/component': 'scanner' } },
    rules,
  };
}

/** The binding of that role to the scanner's ServiceAccount. */
export function scannerClusterRoleBinding(namespace = SCANNER_NAME, name = SCANNER_NAME): Obj {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: { 'app.kubernetes.io/name': SCANNER_NAME, 'app.kubernetes.io/component': 'scanner' } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: [{ kind: 'ServiceAccount', name: SCANNER_NAME, namespace }],
  };
}
