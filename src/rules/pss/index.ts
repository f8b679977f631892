import type { PodView } from '../../core/workload.js';
import allowPrivilegeEscalation from './allow-privilege-escalation.js';
import appArmor from './apparmor.js';
import capabilitiesBaseline from './capabilities-baseline.js';
import capabilitiesRestricted from './capabilities-restricted.js';
import { formatVersion, versionedCheck, type PssCheck, type PssLevel, type PssRule, type PssVersion, type PssVersionedCheck } from './check.js';
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

/** The strictest Pod Security level a set of pods all meet, and the pod and check that keep it from a stricter one. */
export interface LevelFit {
  level: PssLevel | 'privileged';
  /** The first pod (in input order) that fails the next stricter level, and the check it fails. */
  held?: { pod: PodView; check: string };
}

interface InForce {
  id: string;
  behaviour: PssVersionedCheck;
}

interface LevelChecks {
  baseline: InForce[];
  /** The restricted-level checks in force: with baseline met, passing them is meeting restricted. */
  restricted: InForce[];
}

const LEVEL_CHECKS = new Map<string, LevelChecks>();

function levelChecks(version: PssVersion): LevelChecks {
  const key = formatVersion(version);
  let checks = LEVEL_CHECKS.get(key);
  if (!checks) {
    const inForce = (level: PssLevel, only?: PssLevel): InForce[] =>
      effectiveChecks(level, version).flatMap((c) => {
        const behaviour = versionedCheck(c, version);
        return behaviour && (only === undefined || c.level === only) ? [{ id: c.id, behaviour }] : [];
      });
    checks = { baseline: inForce('baseline'), restricted: inForce('restricted', 'restricted') };
    LEVEL_CHECKS.set(key, checks);
  }
  return checks;
}

/** The first check the pod fails, by id. */
function firstFailing(checks: readonly InForce[], pod: PodView): string | undefined {
  for (const c of checks) if (c.behaviour.evaluate(pod) !== undefined) return c.id;
  return undefined;
}

/**
 * The strictest level every pod meets, as Pod Security Admission would judge them at `version`. It stops
 * at the first pod that needs privileged, and checks the rest against baseline only once one fails
 * restricted: namespaces full of hardened pods cost one pass over them, others less.
 */
export function strictestLevel(pods: Iterable<PodView>, version: PssVersion): LevelFit {
  const { baseline, restricted } = levelChecks(version);
  let fit: LevelFit = { level: 'restricted' };
  for (const pod of pods) {
    const failedBaseline = firstFailing(baseline, pod);
    if (failedBaseline !== undefined) return { level: 'privileged', held: { pod, check: failedBaseline } };
    if (fit.level !== 'restricted') continue;
    const failedRestricted = firstFailing(restricted, pod);
    if (failedRestricted !== undefined) fit = { level: 'baseline', held: { pod, check: failedRestricted } };
  }
  return fit;
}
