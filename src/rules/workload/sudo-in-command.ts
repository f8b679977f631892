import type { FrameworkRef } from '../../core/frameworks.js';
import { asArray } from '../../core/resource.js';
import { defineRule } from '../../core/rule.js';
import { describe } from './lib/containers.js';
import { celString, JS_WHITESPACE_CLASS } from '../../core/cel.js';

// `sudo` in command position: at the start of an argument or script, after a shell separator, a
// quote that opens a nested script, `$(`, or a word that runs the next one (`then`, `do`, `exec`, ...),
// by name or by path. A path or word that only names it (`test -x /usr/bin/sudo`, `apt-get remove sudo`,
// `echo 'no sudo here'`) runs nothing.
const STARTS = ['^', "[;&|\n(`{'\"]", '\\$\\(', '(?:^|[^\\w])(?:then|do|else|exec|xargs|env|nohup|time|command)\\s'];
const SUDO = new RegExp(`(?:${STARTS.join('|')})\\s*(?:[\\w/.-]*/)?sudo(?=$|[\\s;&|)'"\`])`);

// The same test for RE2, which has neither lookahead nor JavaScript's \s: the character after sudo is
// matched instead of looked at, which decides the same for a yes-or-no test.
const WS = `[${JS_WHITESPACE_CLASS}]`;
const SUDO_CEL = celString(
  `(?:^|[;&|\n(\`{'"]|\\$\\(|(?:^|[^A-Za-z0-9_])(?:then|do|else|exec|xargs|env|nohup|time|command)${WS})${WS}*(?:[A-Za-z0-9_/.-]*/)?sudo(?:$|[${JS_WHITESPACE_CLASS};&|)'"\`])`,
);

const FRAMEWORKS: FrameworkRef[] = [
  { framework: 'kubescape', id: 'C-0062' },
  { framework: 'mitre', id: 'T1548.003' },
];

export default defineRule({
  meta: {
    id: 'workload/sudo-in-command',
    title: 'Container runs sudo',
    severity: 'medium',
    pillar: 'configuration',
    frameworks: FRAMEWORKS,
    description:
      'A container whose command or arguments call sudo expects to gain root inside the container: the image ' +
      'carries a setuid sudo binary and a sudoers entry, and the pod cannot run with allowPrivilegeEscalation: ' +
      'false. Any process that gets into the container can use the same path to root. sudo counts where it runs: ' +
      'first in the command or a script line, after a shell separator (;, &&, |, $( ...), by name or by path. Words ' +
      'that only contain sudo (pseudo, visudo, sudo-helper) and arguments that only name it (test -x /usr/bin/sudo, ' +
      'apt-get remove sudo, an echo) are not matched.',
    remediation:
      'Build the image so that the application runs as its own non-root user without sudo; do root-only setup ' +
      'at build time or in an init container, and set allowPrivilegeEscalation: false.',
    references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/'],
  },
  target: { pods: true },
  cel: {
    validation: () => ({ expression: `variables.containers.all(c, c.?command.orValue([]).all(a, !a.matches(${SUDO_CEL})) && c.?args.orValue([]).all(a, !a.matches(${SUDO_CEL})))` }),
  },
  check(ctx) {
    for (const c of ctx.containers()) {
      const hit = (['command', 'args'] as const)
        .flatMap((key) => asArray(c.spec[key]).map((v, i) => ({ key, i, v })))
        .find(({ v }) => typeof v === 'string' && SUDO.test(v));
      if (!hit) continue;
      ctx.report({
        container: c.name,
        field: c.path(`${hit.key}[${hit.i}]`),
        // The command line itself is not repeated: it may carry a password (`sudo mysql -p...`).
        message: `${describe(c)} runs sudo in its ${hit.key === 'command' ? 'command' : 'arguments'} (${hit.key}[${hit.i}])`,
        evidence: { observed: `sudo in ${hit.key}[${hit.i}]`, expected: 'no sudo in command or args' },
        // Kubescape's control reads the command only.
        frameworks: hit.key === 'command' ? FRAMEWORKS : FRAMEWORKS.filter((f) => f.framework !== 'kubescape'),
      });
    }
  },
});
