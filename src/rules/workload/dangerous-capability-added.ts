import { DEFAULT_CAPABILITIES } from '../pss/capabilities-baseline.js';
import { celString, JS_WHITESPACE_CLASS, upperCaseRegex } from '../../core/cel.js';
import type { FrameworkRef } from '../../core/frameworks.js';
import { asArray, asObj } from '../../core/resource.js';
import { defineRule } from '../../core/rule.js';
import { atLeast, type Severity } from '../../core/severity.js';
import { describe } from './lib/containers.js';

interface Capability {
  severity: Severity;
  /** What the capability lets a process do. */
  grants: string;
  /** Does it open a path from the container to the node? */
  escape: boolean;
}

const CAPABILITIES: Record<string, Capability> = {
  ALL: { severity: 'high', grants: 'every capability, nearly what privileged: true gives', escape: true },
  SYS_ADMIN: { severity: 'high', grants: 'mount filesystems, create namespaces and most administration calls', escape: true },
  SYS_MODULE: { severity: 'high', grants: 'load modules into the node kernel', escape: true },
  SYS_PTRACE: { severity: 'high', grants: 'trace and inject code into other processes (node processes with hostPID)', escape: true },
  DAC_READ_SEARCH: { severity: 'medium', grants: 'read any file and open files by handle, outside the container root', escape: true },
  SYS_RAWIO: { severity: 'medium', grants: 'raw access to devices and I/O ports', escape: true },
  BPF: { severity: 'medium', grants: 'load BPF programs into the node kernel', escape: true },
  PERFMON: { severity: 'medium', grants: 'kernel performance monitoring, which reads kernel memory layout', escape: false },
  SYS_BOOT: { severity: 'medium', grants: 'reboot the node or load a new kernel', escape: true },
  NET_ADMIN: { severity: 'medium', grants: 'reconfigure interfaces, routes and firewall rules (the node ones with hostNetwork)', escape: false },
  NET_RAW: { severity: 'medium', grants: 'raw sockets, for spoofing and sniffing on the pod network', escape: false },
  MAC_ADMIN: { severity: 'medium', grants: 'change the AppArmor or SELinux policy', escape: true },
  MAC_OVERRIDE: { severity: 'medium', grants: 'override mandatory access control', escape: true },
  SETPCAP: { severity: 'medium', grants: 'change capability sets and securebits', escape: false },
  SYS_TIME: { severity: 'medium', grants: 'set the node clock, which is not namespaced', escape: false },
  SYSLOG: { severity: 'medium', grants: 'read the kernel log, which leaks kernel addresses', escape: false },
  AUDIT_CONTROL: { severity: 'medium', grants: 'change or switch off kernel auditing on the node', escape: false },
};

// Kubescape's default insecureCapabilities list (C-0046); other capabilities here are not in it.
const KUBESCAPE_INSECURE = new Set([
  'SETPCAP', 'NET_ADMIN', 'NET_RAW', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_PTRACE', 'SYS_ADMIN', 'SYS_BOOT',
  'MAC_OVERRIDE', 'MAC_ADMIN', 'PERFMON', 'ALL', 'BPF',
]);

/**
 * `cap_sys_admin`, `CAP_SYS_ADMIN` and `sys_admin` are all taken for SYS_ADMIN. Runtimes disagree: CRI-O
 * accepts the prefix, containerd (AKS's runtime) puts `CAP_` in front of whatever it is given, so that
 * `CAP_SYS_ADMIN` there names no capability. The manifest asks for it either way, and Pod Security's
 * baseline refuses it.
 */
function capabilityName(raw: string): string {
  const upper = raw.trim().toUpperCase();
  return upper.startsWith('CAP_') ? upper.slice(4) : upper;
}

/**
 * The CEL twin of capabilityName(raw) in CAPABILITIES, for the capabilities at or above `failOn`:
 * trimmed, upper-cased as JavaScript does (the regex spells out every character that upper-cases to the
 * name), with or without CAP_.
 */
function capabilityRegex(failOn: Severity | undefined): string | undefined {
  const names = Object.entries(CAPABILITIES).filter(([, cap]) => failOn === undefined || atLeast(cap.severity, failOn)).map(([n]) => upperCaseRegex(n));
  if (names.length === 0) return undefined;
  return `^[${JS_WHITESPACE_CLASS}]*(?:${upperCaseRegex('CAP_')})?(?:${names.join('|')})[${JS_WHITESPACE_CLASS}]*$`;
}

function frameworksFor(name: string, cap: Capability, raw: string): FrameworkRef[] {
  const refs: FrameworkRef[] = [];
  // Pod Security's baseline check fails on the same entry (it compares names exactly); that rule
  // leaves the field to this one, so the finding carries its reference.
  if (!DEFAULT_CAPABILITIES.includes(raw)) refs.push({ framework: 'pss', level: 'baseline', id: 'capabilities_baseline' });
  if (KUBESCAPE_INSECURE.has(name)) refs.push({ framework: 'kubescape', id: 'C-0046' });
  // Kubescape's privileged-container control fails on SYS_ADMIN as well.
  if (name === 'SYS_ADMIN') refs.push({ framework: 'kubescape', id: 'C-0057' }, { framework: 'trivy', id: 'KSV005' });
  refs.push({ framework: 'trivy', id: 'KSV022' });
  if (cap.escape) refs.push({ framework: 'mitre', id: 'T1611' });
  return refs;
}

export default defineRule({
  meta: {
    id: 'workload/dangerous-capability-added',
    title: 'Container adds a dangerous Linux capability',
    severity: 'high',
    pillar: 'configuration',
    // Without the Pod Security reference, --framework pss-baseline would leave this rule out and
    // workload/non-default-capability would report the same entries under its own id, which exceptions and
    // baselines written for this rule do not name. frameworksFor() gives it only to entries Pod Security refuses.
    frameworks: [
      { framework: 'pss', level: 'baseline', id: 'capabilities_baseline' },
      { framework: 'kubescape', id: 'C-0046' },
      { framework: 'kubescape', id: 'C-0057' },
      { framework: 'trivy', id: 'KSV005' },
      { framework: 'trivy', id: 'KSV022' },
      { framework: 'mitre', id: 'T1611' },
    ],
    description:
      'Capabilities split root into pieces; some pieces reach far beyond the container. This rule reports each ' +
      'entry of securityContext.capabilities.add that names one of them (case does not matter, with or without ' +
      'the CAP_ prefix: CRI-O grants CAP_SYS_ADMIN as SYS_ADMIN, containerd, the runtime of AKS nodes, prefixes CAP_ ' +
      'again and grants nothing, and Pod Security refuses it either way). ALL, SYS_ADMIN, SYS_MODULE and SYS_PTRACE are high: each is a known step to the node. ' +
      'The others (DAC_READ_SEARCH, SYS_RAWIO, BPF, PERFMON, SYS_BOOT, NET_ADMIN, NET_RAW, MAC_ADMIN, ' +
      'MAC_OVERRIDE, SETPCAP, SYS_TIME, SYSLOG, AUDIT_CONTROL) are medium. The Pod Security Standards baseline ' +
      'forbids all of them but SETPCAP; this rule adds the reason and a severity per capability. NET_RAW and ' +
      'SETPCAP are in the runtime default set, so adding them changes something only after drop: [ALL]; they are ' +
      'reported anyway, since the manifest asks for them.',
    remediation:
      'Remove the capability from securityContext.capabilities.add; drop ALL and add back only what the ' +
      'application needs (NET_BIND_SERVICE is usually enough).',
    references: [
      'https://man7.org/linux/man-pages/man7/capabilities.7.html',
      'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container',
    ],
  },
  target: { pods: true },
  cel: {
    // At --fail-on high only ALL, SYS_ADMIN, SYS_MODULE and SYS_PTRACE are refused, as the webhook refuses
    // only those findings; the medium ones are left to warnings and reports.
    validation: (_settings, failOn) => {
      const regex = capabilityRegex(failOn);
      return { expression: regex === undefined ? 'true' : `variables.containers.all(c, c.?securityContext.?capabilities.?add.orValue([]).all(a, !a.matches(${celString(regex)})))` };
    },
  },
  check(ctx) {
    for (const c of ctx.containers()) {
      const add = asObj(asObj(c.spec.securityContext)?.capabilities)?.add;
      asArray(add).forEach((raw, i) => {
        if (typeof raw !== 'string') return;
        const name = capabilityName(raw);
        const cap = CAPABILITIES[name];
        if (!cap) return;
        ctx.report({
          container: c.name,
          field: c.path(`securityContext.capabilities.add[${i}]`),
          message: `${describe(c)} adds capability ${raw}: ${cap.grants}`,
          severity: cap.severity,
          // Whether the capability alone is a known way out of the container: attack paths step to the node only then.
          evidence: { observed: raw, expected: `no ${name} in capabilities.add`, escapesToNode: cap.escape },
          frameworks: frameworksFor(name, cap, raw),
        });
      });
    }
  },
});
