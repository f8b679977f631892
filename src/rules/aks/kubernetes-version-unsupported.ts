import { aksVerify, CLUSTER_KINDS, type Setting } from '../../analyses/aks/index.js';
import { defineRule, type RuleContext } from '../../core/rule.js';
import { clusterOf, fieldOf, POOL_RULE_KINDS, poolsToCheck, reportUnknown, text } from './lib/cluster-settings.js';

interface Version {
  major: number;
  minor: number;
  patch?: number;
}

function parseVersion(v: string): Version | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?$/.exec(v.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), ...(m[3] !== undefined ? { patch: Number(m[3]) } : {}) };
}

/** Negative when `v` is older than `min`. A `major.minor` version (AKS picks its newest patch) meets any patch minimum. */
function compare(v: Version, min: Version): number {
  if (v.major !== min.major) return v.major - min.major;
  if (v.minor !== min.minor) return v.minor - min.minor;
  if (v.patch === undefined || min.patch === undefined) return 0;
  return v.patch - min.patch;
}

// Long-term support adds a year (about three minors) after community support ends; its exact window is
// known only to the service, so a version in that range is reported as a question, not a failure.
const LTS_MINORS = 3;

function checkVersion(ctx: RuleContext, subject: string, s: Setting, min: Version, minText: string, lts: boolean, verify: string): void {
  if (!s.known) return reportUnknown(ctx, subject, s, `>= ${minText}`, verify);
  if (s.absent) return;
  const raw = text(s) ?? (typeof s.value === 'number' ? String(s.value) : undefined);
  const v = raw === undefined ? undefined : parseVersion(raw);
  if (!v) {
    ctx.report({
      field: fieldOf(s),
      severity: 'info',
      message: `${subject}: Kubernetes version ${JSON.stringify(s.value)} is not a version this rule can compare with ${minText}`,
      evidence: { observed: s.value, expected: `>= ${minText}` },
      verify,
    });
    return;
  }
  if (compare(v, min) >= 0) return;
  if (lts && v.major === min.major && v.minor >= min.minor - LTS_MINORS) {
    ctx.report({
      field: fieldOf(s),
      severity: 'info',
      message: `${subject} runs Kubernetes ${raw}, below ${minText}, on the long-term support plan: check that ${v.major}.${v.minor} is still in its LTS window`,
      evidence: { observed: raw, expected: `>= ${minText}`, supportPlan: 'AKSLongTermSupport' },
      verify,
    });
    return;
  }
  ctx.report({
    field: fieldOf(s),
    message: `${subject} runs Kubernetes ${raw}, below the supported minimum ${minText}`,
    evidence: { observed: raw, expected: `>= ${minText}` },
    verify,
  });
}

export default defineRule({
  meta: {
    id: 'aks/kubernetes-version-unsupported',
    title: 'Cluster or node pool runs an unsupported Kubernetes version',
    severity: 'high',
    pillar: 'configuration',
    frameworks: [{ framework: 'azure-policy', id: 'fb893a29-21bb-418c-a157-e99480ec364c' }],
    description:
      'AKS supports three Kubernetes minor versions for about a year each; after that a version gets no ' +
      'security patches (unless the cluster pays for long-term support), and known Kubernetes CVEs stay open. ' +
      'The control plane (kubernetesVersion) and each node pool (orchestratorVersion; a pool without one follows ' +
      'the control plane) are compared with settings.aks.minKubernetesVersion, numerically; where the source ' +
      'says what runs (currentKubernetesVersion, currentOrchestratorVersion in az aks show and ARM GET), that ' +
      'patch is compared instead of a declared minor alias. A cluster on the ' +
      'AKSLongTermSupport plan slightly below the minimum is reported as info: its LTS window decides.',
    remediation:
      'Upgrade the control plane, then every node pool (az aks upgrade --kubernetes-version <version>; ' +
      'az aks nodepool upgrade), and set an auto-upgrade channel so it does not fall behind again. ' +
      'az aks get-upgrades lists the versions a cluster can move to.',
    references: [
      'https://learn.microsoft.com/azure/aks/supported-kubernetes-versions',
      'https://learn.microsoft.com/azure/aks/upgrade-aks-cluster',
      'https://learn.microsoft.com/azure/aks/long-term-support',
    ],
  },
  target: { kinds: [...POOL_RULE_KINDS] },
  check(ctx) {
    const minText = ctx.settings.aks.minKubernetesVersion;
    const min = parseVersion(minText);
    if (!min) return;
    const pools = poolsToCheck(ctx.resource, ctx.inventory);
    const own = CLUSTER_KINDS.includes(ctx.resource.kind) ? clusterOf(ctx) : undefined;
    const cluster = own ?? pools[0]?.cluster;
    const plan = cluster?.get('supportPlan');
    const lts = plan !== undefined && plan.known && text(plan)?.toLowerCase() === 'akslongtermsupport';
    // What runs, where the source says it (`az aks show`, ARM GET): the declared version may be a minor alone
    // (`1.34`), which AKS keeps on its latest patch; the current one is the exact patch.
    const running = (get: (path: string) => Setting, current: string, declared: string): [Setting, string] => {
      const c = get(current);
      return c.known && !c.absent ? [c, current] : [get(declared), declared];
    };
    if (own) {
      const [s, path] = running((p) => own.get(p), 'currentKubernetesVersion', 'kubernetesVersion');
      checkVersion(ctx, `cluster ${own.name}`, s, min, minText, lts, aksVerify(own, path));
    }
    for (const t of pools) {
      const [s, path] = running((p) => t.pool.get(p), 'currentOrchestratorVersion', 'orchestratorVersion');
      checkVersion(ctx, t.label, s, min, minText, lts, t.verify(path));
    }
  },
});
