import { aksManagedNamespaceReason } from '../../core/aks-managed.js';
import { escapeKey } from '../../core/field-path.js';
import { defineRule } from '../../core/rule.js';
import { asObj } from '../../core/resource.js';
import { namespaceGroups } from '../network/lib/namespace-groups.js';
import { settingsVersion } from '../pss/check.js';
import { strictestLevel, type LevelFit } from '../pss/index.js';

const PREFIX = 'pod-security.kubernetes.io/';
const MODES = ['enforce', 'audit', 'warn'] as const;
const LEVELS = ['privileged', 'baseline', 'restricted'];
// Pod Security Admission's own version syntax.
const VERSION = /^(?:latest|v1\.(?:0|[1-9][0-9]*))$/;

// These hold no application pods (kube-public, kube-node-lease) or only the platform's own, which AKS
// runs privileged by design (kube-system): a label there is not the operator's decision. The namespaces
// of AKS's add-ons (gatekeeper-system, calico-system, aks-istio-ingress, ...) are AKS's too when the
// Namespace carries AKS's mark; one of those names created by the user is reported like any other.
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

/**
 * What to enforce, from the pods of the namespace in the input: the label value, and a clause for the
 * message. A namespace whose pods need privileged gets baseline advice with the pod that must change
 * first, since labelling it as the generic advice says would refuse that pod's next replacement.
 */
function advice(fit: LevelFit | undefined): { expected: string; clause: string } {
  const generic = { expected: `${PREFIX}enforce: baseline or restricted`, clause: '' };
  if (!fit) return generic;
  const held = fit.held ? `${fit.held.pod.resource.kind}/${fit.held.pod.resource.name}` : '';
  switch (fit.level) {
    case 'restricted':
      return { expected: `${PREFIX}enforce: restricted`, clause: '; every pod in the input meets restricted' };
    case 'baseline':
      return { expected: `${PREFIX}enforce: baseline`, clause: `; every pod in the input meets baseline (${held} fails restricted's ${fit.held?.check} check)` };
    case 'privileged':
      return {
        expected: `${PREFIX}enforce: baseline, once ${held} passes its ${fit.held?.check} check (or moves to a namespace of its own)`,
        clause: `; ${held} needs privileged (it fails baseline's ${fit.held?.check} check), so enforcing baseline would refuse its pods`,
      };
  }
}

/** `metadata.labels.pod-security\.kubernetes\.io/enforce`: a label key as one path segment. */
function labelField(key: string): string {
  return `metadata.labels.${escapeKey(key)}`;
}

export default defineRule({
  meta: {
    id: 'namespace/missing-pod-security-labels',
    title: 'Namespace does not enforce a Pod Security level',
    severity: 'medium',
    maxSeverity: 'high',
    pillar: 'configuration',
    // CIS AKS 4.2.x all audit the same mechanism: a Pod Security Admission policy on each namespace.
    frameworks: [
      { framework: 'cis-aks', id: '4.2.1' },
      { framework: 'cis-aks', id: '4.2.2' },
      { framework: 'cis-aks', id: '4.2.3' },
      { framework: 'cis-aks', id: '4.2.4' },
      { framework: 'cis-aks', id: '4.2.5' },
    ],
    description:
      'Pod Security Admission blocks pods that break a Pod Security Standard only in namespaces labelled ' +
      'pod-security.kubernetes.io/enforce. AKS configures no cluster-wide default, so a namespace without the ' +
      'label admits privileged, host-namespace and hostPath pods unless another admission control (Azure Policy) ' +
      'stops them. warn and audit labels report violations but never block them. The finding advises the ' +
      'strictest level every pod of the namespace in the input meets, as Pod Security Admission judges them at the ' +
      'configured version, and names the pod that keeps it from a stricter one.',
    remediation:
      'Label the namespace pod-security.kubernetes.io/enforce with the strictest level its pods meet: the finding ' +
      'names it from the pods in the input (restricted, else baseline; a pod that needs privileged must change or ' +
      'move first). Check the pods running in the cluster with `kubectl label --dry-run=server` before enforcing.',
    references: [
      'https://kubernetes.io/docs/concepts/security/pod-security-admission/',
      'https://learn.microsoft.com/azure/aks/use-psa',
    ],
  },
  target: { kinds: ['Namespace'] },
  check(ctx) {
    const ns = ctx.resource.name;
    if (SYSTEM_NAMESPACES.has(ns) || aksManagedNamespaceReason(ctx.resource) !== undefined) return;
    const labels = asObj(asObj(ctx.resource.object.metadata)?.labels) ?? {};
    const expected = `${PREFIX}enforce: baseline or restricted`;

    // An invalid value makes Pod Security Admission reject the Namespace on create and on relabelling,
    // so the manifest cannot be applied as written.
    let invalid = false;
    for (const mode of MODES) {
      for (const [suffix, valid, what] of [
        ['', (v: string) => LEVELS.includes(v), 'privileged, baseline or restricted'],
        ['-version', (v: string) => VERSION.test(v), 'latest or v1.<minor>'],
      ] as const) {
        const key = `${PREFIX}${mode}${suffix}`;
        if (!(key in labels)) continue;
        const raw = labels[key];
        if (typeof raw === 'string' && valid(raw)) continue;
        invalid = true;
        const shown = typeof raw === 'string' ? `"${raw}"` : String(raw);
        ctx.report({
          severity: 'high',
          field: labelField(key),
          message: `namespace ${ns} sets ${key} to ${shown}, which is not ${what}: Pod Security Admission rejects the namespace when it is created or relabelled`,
          evidence: { observed: `${key}: ${shown}`, expected: `${key}: ${what}` },
        });
      }
    }
    if (invalid) return;

    const enforce = labels[`${PREFIX}enforce`];
    if (enforce === 'privileged') {
      // An explicit, reviewable decision (node agents, CSI drivers need it), not an omission: reported so
      // it stays visible, at info so it does not fail a gate.
      ctx.report({
        severity: 'info',
        field: labelField(`${PREFIX}enforce`),
        message: `namespace ${ns} enforces the privileged Pod Security level: no pod is restricted here`,
        evidence: { observed: `${PREFIX}enforce: privileged`, expected },
      });
      return;
    }
    if (typeof enforce === 'string') return;

    const pods = namespaceGroups(ctx.inventory).get(ns)?.pods;
    const { expected: advised, clause } = advice(pods?.length ? strictestLevel(pods, settingsVersion(ctx.settings.pssVersion)) : undefined);
    const others = (['warn', 'audit'] as const)
      .map((mode) => [mode, labels[`${PREFIX}${mode}`]] as const)
      .filter((e): e is readonly ['warn' | 'audit', string] => typeof e[1] === 'string');
    if (others.length > 0) {
      const said = others.map(([mode, level]) => `${mode}=${level}`).join(', ');
      ctx.report({
        severity: 'low',
        field: labelField(`${PREFIX}enforce`),
        message: `namespace ${ns} sets only ${said} Pod Security labels: violations are reported but never blocked${clause}`,
        evidence: { observed: `no enforce label; ${said}`, expected: advised },
      });
      return;
    }
    ctx.report({
      field: labelField(`${PREFIX}enforce`),
      message: `namespace ${ns} has no ${PREFIX}enforce label: Pod Security Admission admits any pod in it${clause}`,
      evidence: { observed: 'no pod-security.kubernetes.io labels', expected: advised },
    });
  },
});
