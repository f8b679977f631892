import type { Rule } from '../core/rule.js';
import { PSS_RULES } from './pss/index.js';
import dangerousCapabilityAdded from './workload/dangerous-capability-added.js';
import imageNotPinnedByDigest from './workload/image-not-pinned-by-digest.js';
import imagePullPolicyNotAlways from './workload/image-pull-policy-not-always.js';
import imageTagLatest from './workload/image-tag-latest.js';
import nakedPod from './workload/naked-pod.js';
import noCpuLimit from './workload/no-cpu-limit.js';
import noCpuRequest from './workload/no-cpu-request.js';
import noMemoryLimit from './workload/no-memory-limit.js';
import noMemoryRequest from './workload/no-memory-request.js';
import runsAsRootGroup from './workload/runs-as-root-group.js';
import lowUidOrGid from './workload/low-uid-or-gid.js';
import sensitiveHostPath from './workload/sensitive-host-path.js';
import sudoInCommand from './workload/sudo-in-command.js';
import untrustedRegistry from './workload/untrusted-registry.js';
import writableHostPath from './workload/writable-host-path.js';
import writableRootFilesystem from './workload/writable-root-filesystem.js';
import secretInEnv from './workload/secret-in-env.js';
import secretInConfigmap from './workload/secret-in-configmap.js';
import secretInManifest from './workload/secret-in-manifest.js';
import secretAsEnvVar from './workload/secret-as-env-var.js';
import automountServiceAccountToken from './workload/automount-service-account-token.js';
import defaultServiceAccount from './workload/default-service-account.js';
import serviceAccountTokenWithPermissions from './workload/service-account-token-with-permissions.js';
import missingPodSecurityLabels from './namespace/missing-pod-security-labels.js';

/** The catalog: every rule Palisade has. Order here is the order of `palisade rules`. */
export const RULES: readonly Rule[] = [
  ...PSS_RULES,
  sensitiveHostPath,
  writableHostPath,
  dangerousCapabilityAdded,
  runsAsRootGroup,
  lowUidOrGid,
  writableRootFilesystem,
  sudoInCommand,
  untrustedRegistry,
  imageTagLatest,
  imagePullPolicyNotAlways,
  imageNotPinnedByDigest,
  noMemoryLimit,
  noMemoryRequest,
  noCpuLimit,
  noCpuRequest,
  nakedPod,
  secretInEnv,
  secretInConfigmap,
  secretInManifest,
  secretAsEnvVar,
  automountServiceAccountToken,
  defaultServiceAccount,
  serviceAccountTokenWithPermissions,
  missingPodSecurityLabels,
];
