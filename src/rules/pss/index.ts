import type { PodView } from '../../core/workload.js';
import allowPrivilegeEscalation from './allow-privilege-escalation.js';
import appArmor from './apparmor.js';
import capabilitiesBaseline from './capabilities-baseline.js';
import capabilitiesRestricted from './capabilities-restricted.js';
import { versionedCheck, type PssCheck, type PssLevel, type PssRule, type PssVersion } from './check.js';
import hostNamespaces from './host-namespaces.js';
import hostPathVolumes from './host-path-volumes.js';
import hostPorts from './host-ports.js';
import hostProbes from './host-probes.js';
import privileged from './privileged.js';
import procMountBaseline from './proc-mount-baseline.js';
import procMountRestricted from './proc-mount-restricted.js';
import restrictedVolumes from './restricted-volumes.js';
import runAsNonRoot from './run-as-non-root.js';
import runAsUser from './run-as-user.js';
import seccompBaseline from './seccomp-baseline.js';
import seccompRestricted from './seccomp-restricted.js';
import selinux from './selinux.js';
import sysctls from './sysctls.js';
import windowsHostProcess from './windows-host-process.js';

/** Every Pod Security Standards check as a scan rule, baseline first, in upstream's order. */
export const PSS_RULES: readonly PssRule[] = [
  privileged,
  hostNamespaces,
  hostPathVolumes,
  hostPorts,
  hostProbes,
  capabilitiesBaseline,
  appArmor,
  selinux,
  procMountBaseline,
  seccompBaseline,
  sysctls,
  windowsHostProcess,
  allowPrivilegeEscalation,
  capabilitiesRestricted,
  restrictedVolumes,
  runAsNonRoot,
  runAsUser,
  seccompRestricted,
  procMountRestricted,
];

export const PSS_CHECKS: readonly PssCheck[] = PSS_RULES.map((r) => r.pss);

/**
 * The checks in force at a level and version, as Pod Security Admission selects them: every
 * baseline check that exists at the version, plus (for restricted) every restricted check, minus
 * the baseline checks a restricted check in force replaces.
 */
export function effectiveChecks(level: PssLevel, version: PssVersion): PssCheck[] {
  const inForce = PSS_CHECKS.filter((c) => (level === 'restricted' || c.level === 'baseline') && versionedCheck(c, version));
  const replaced = new Set(inForce.flatMap((c) => versionedCheck(c, version)?.overrides ?? []).map((o) => o.id));
  return inForce.filter((c) => !replaced.has(c.id));
}

export interface PssViolation {
  check: string;
  message: string;
  fields: string[];
}

export interface PssVerdict {
  allowed: boolean;
  violations: PssViolation[];
}

/** The Pod Security Admission verdict for one pod or pod template. */
export function evaluatePod(pod: PodView, level: PssLevel, version: PssVersion): PssVerdict {
  const violations: PssViolation[] = [];
  for (const check of effectiveChecks(level, version)) {
    const result = versionedCheck(check, version)?.evaluate(pod);
    if (result) violations.push({ check: check.id, message: `${result.reason} (${result.detail})`, fields: result.items.map((i) => i.field) });
  }
  return { allowed: violations.length === 0, violations };
}
