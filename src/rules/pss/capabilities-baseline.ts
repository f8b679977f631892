import { asArray, asObj } from '../../core/resource.js';
import { celStrings } from '../../core/cel.js';
import { allContainers, CEL_SC, celEveryContainer, containerNames, display, joinQuote, outcome, pluralize, pssRule, securityContext, unique, type PssItem } from './check.js';

/** The capabilities container runtimes grant by default; adding one of these changes nothing. */
export const DEFAULT_CAPABILITIES = [
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD',
  'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
];

export default pssRule({
  meta: {
    id: 'workload/non-default-capability',
    title: 'Container adds a capability beyond the runtime default set',
    severity: 'high',
    frameworks: [
      { framework: 'trivy', id: 'KSV022' },
      { framework: 'mitre', id: 'T1611' },
    ],
    description:
      'Capabilities outside the default runtime set (SYS_ADMIN, NET_ADMIN, SYS_PTRACE, ...) give root-like powers over the kernel and are the usual ingredient of container escapes.',
    remediation: 'Remove the capability from securityContext.capabilities.add, or replace it with a narrower design.',
    references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline'],
  },
  // workload/dangerous-capability-added reports SYS_ADMIN & co. with per-capability severity and this
  // check's reference: one finding per added capability, not two.
  supersedes: ['workload/dangerous-capability-added'],
  check: {
    id: 'capabilities_baseline',
    level: 'baseline',
    versions: [
      {
        since: [1, 0],
        cel: celEveryContainer(`${CEL_SC}.?capabilities.?add.orValue([]).all(a, a in ${celStrings(DEFAULT_CAPABILITIES)})`),
        evaluate(pod) {
          const items: PssItem[] = [];
          for (const c of allContainers(pod))
            asArray(asObj(securityContext(c)?.capabilities)?.add).forEach((cap, i) => {
              if (typeof cap === 'string' && DEFAULT_CAPABILITIES.includes(cap)) return;
              items.push({
                field: c.path(`securityContext.capabilities.add[${i}]`),
                container: c.name,
                message: `container ${c.name} adds capability ${display(cap)}`,
                observed: cap,
                expected: DEFAULT_CAPABILITIES,
              });
            });
          if (items.length === 0) return undefined;
          const names = containerNames(items);
          const caps = unique(items.map((i) => display(i.observed)));
          return outcome(
            'non-default capabilities',
            `${pluralize('container', 'containers', names.length)} ${joinQuote(names)} must not include ${joinQuote(caps)} in securityContext.capabilities.add`,
            items,
          );
        },
      },
    ],
  },
});
