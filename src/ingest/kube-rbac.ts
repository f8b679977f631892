import type { Obj } from '../core/resource.js';
import { LIVE_KINDS, type LiveKind } from './kube-kinds.js';

export const SCANNER_NAME = 'palisade';

/**
 * The verbs the reader uses on a kind: it only lists, but for the one Namespace it gets with -n
 * (readCluster reads a namespace so that rights in that namespace alone are enough).
 */
export function scannerVerbs(k: LiveKind): string[] {
  return k.kind === 'Namespace' ? ['get', 'list'] : ['list'];
}

/**
 * The scanner's own grant of Secrets, accepted with its reason on the objects themselves, so that a
 * scan of a cluster where the role is applied (or of its manifests) does not fail on it, while the
 * finding stays in the report as suppressed, reason and all.
 */
export const SCANNER_SECRETS_EXCEPTION =
  'rbac/can-read-secrets -- Palisade lists Secrets as metadata only (names, labels, owners; never the values), ' +
  'but RBAC cannot limit a list to metadata: this account can read every Secret value, so keep it for the scanner alone';

const SCANNER_ANNOTATIONS = { 'palisade.io/ignore': SCANNER_SECRETS_EXCEPTION };

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
    metadata: { name, labels: { 'app.kubernetes.io/name': SCANNER_NAME, 'app.kubernetes.io/component': 'scanner' }, annotations: SCANNER_ANNOTATIONS },
    rules,
  };
}

/** The binding of that role to the scanner's ServiceAccount. */
export function scannerClusterRoleBinding(namespace = SCANNER_NAME, name = SCANNER_NAME): Obj {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    // rbac/can-read-secrets is reported on the binding, which grants the role to the account.
    metadata: { name, labels: { 'app.kubernetes.io/name': SCANNER_NAME, 'app.kubernetes.io/component': 'scanner' }, annotations: SCANNER_ANNOTATIONS },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: [{ kind: 'ServiceAccount', name: SCANNER_NAME, namespace }],
  };
}
