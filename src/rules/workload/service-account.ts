import type { FrameworkRef } from '../../core/frameworks.js';
import type { Inventory } from '../../core/inventory.js';
import { Memo } from '../../core/memo.js';
import { asArray, asObj, asString, type Resource } from '../../core/resource.js';
import type { PodView } from '../../core/workload.js';

/** Why the rules that depend on whether a token is mounted have no CEL form. */
/** What the token-mount rules read besides the pod. */
export const TOKEN_MOUNT_JOINS = "the pod's ServiceAccount, whose automountServiceAccountToken decides when the pod spec leaves it unset";

export const TOKEN_MOUNT_CEL_UNSUPPORTED =
  "when the pod spec leaves automountServiceAccountToken unset, the pod's ServiceAccount decides, and an admission policy cannot read that other object";

/**
 * The cross-references of workload/automount-service-account-token. workload/service-account-token-with-permissions
 * takes its place on an automounted token that RBAC grants permissions to, and carries them.
 */
export const AUTOMOUNT_TOKEN_FRAMEWORKS: readonly FrameworkRef[] = [
  { framework: 'kubescape', id: 'C-0034' },
  { framework: 'kubescape', id: 'C-0190' },
  { framework: 'trivy', id: 'KSV036' },
  { framework: 'checkov', id: 'CKV_K8S_38' },
  { framework: 'cis-aks', id: '4.1.6' },
  { framework: 'mitre', id: 'T1528' },
];

/** The ServiceAccount a pod runs as, and the field that says so (or would). */
export interface PodServiceAccount {
  name: string;
  /** The field that names it; `serviceAccountName` (absent) when the pod relies on `default`. */
  field: string;
  /** How the pod picked it. */
  via: 'serviceAccountName' | 'serviceAccount' | 'unset';
}

/**
 * `serviceAccountName`, else the deprecated `serviceAccount` alias (the API server still honours it
 * when serviceAccountName is empty), else `default`.
 */
export function podServiceAccount(pod: PodView): PodServiceAccount {
  const name = asString(pod.spec.serviceAccountName);
  if (name) return { name, field: `${pod.specPath}.serviceAccountName`, via: 'serviceAccountName' };
  const legacy = asString(pod.spec.serviceAccount);
  if (legacy) return { name: legacy, field: `${pod.specPath}.serviceAccount`, via: 'serviceAccount' };
  return { name: 'default', field: `${pod.specPath}.serviceAccountName`, via: 'unset' };
}

export type TokenMountReason =
  /** The pod spec sets automountServiceAccountToken: true (it wins over the ServiceAccount). */
  | 'pod-true'
  /** The pod spec sets it to false. */
  | 'pod-false'
  /** Unset in the pod; the ServiceAccount sets it to false. */
  | 'sa-false'
  /** Unset in the pod; the ServiceAccount is in the input and does not set it to false. */
  | 'sa-allows'
  /** Unset in the pod; the ServiceAccount is not in the input, and the API default is to mount. */
  | 'sa-missing';

export interface TokenMount {
  mounted: boolean;
  reason: TokenMountReason;
  serviceAccount: PodServiceAccount;
  /** The ServiceAccount object, when the input has it. */
  serviceAccountObject?: Resource;
  /** `automountServiceAccountToken` in the pod spec (present or not). */
  field: string;
}

// Three rules ask the same pod; worked out once per pod (and inventory), read-only after.
const TOKEN_MOUNTS = new Memo<PodView, { inventory: Inventory; mount: TokenMount }>();

/** Kubernetes' rule: the pod's automountServiceAccountToken wins when set; else the ServiceAccount's; else true. */
export function tokenMount(pod: PodView, inventory: Inventory): TokenMount {
  const known = TOKEN_MOUNTS.get(pod);
  if (known?.inventory === inventory) return known.mount;
  const mount = decideTokenMount(pod, inventory);
  TOKEN_MOUNTS.set(pod, { inventory, mount });
  return mount;
}

function decideTokenMount(pod: PodView, inventory: Inventory): TokenMount {
  const sa = podServiceAccount(pod);
  const field = `${pod.specPath}.automountServiceAccountToken`;
  const podValue = pod.spec.automountServiceAccountToken;
  const saObject = inventory.get('ServiceAccount', pod.resource.namespace, sa.name);
  const base = { serviceAccount: sa, field, ...(saObject ? { serviceAccountObject: saObject } : {}) };
  if (podValue === true) return { ...base, mounted: true, reason: 'pod-true' };
  if (podValue === false) return { ...base, mounted: false, reason: 'pod-false' };
  if (!saObject) return { ...base, mounted: true, reason: 'sa-missing' };
  if (saObject.object.automountServiceAccountToken === false) return { ...base, mounted: false, reason: 'sa-false' };
  return { ...base, mounted: true, reason: 'sa-allows' };
}

/** Does the pod project a ServiceAccount token itself (a `projected` volume with a `serviceAccountToken` source)? */
export function projectsServiceAccountToken(pod: PodView): boolean {
  return asArray(pod.spec.volumes).some((v) =>
    asArray(asObj(asObj(v)?.projected)?.sources).some((s) => asObj(s)?.serviceAccountToken !== undefined),
  );
}
