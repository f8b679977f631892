/** The catalogs a finding can be cross-referenced to. Peers' ids let users coming from those tools map results. */
export const FRAMEWORKS = ['pss', 'cis-aks', 'mitre', 'kubescape', 'trivy', 'kube-score', 'checkov', 'azure-policy'] as const;
export type FrameworkName = (typeof FRAMEWORKS)[number];

export interface FrameworkRef {
  framework: FrameworkName;
  id: string;
  /** Pod Security Standards level (`baseline` | `restricted`) for `pss` references. */
  level?: 'baseline' | 'restricted';
}

/** `--framework` values and which references select a rule. */
export const FRAMEWORK_FILTERS = ['pss-baseline', 'pss-restricted', 'cis-aks', 'mitre', 'all'] as const;
export type FrameworkFilter = (typeof FRAMEWORK_FILTERS)[number];

export function matchesFramework(refs: readonly FrameworkRef[], filter: FrameworkFilter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'pss-baseline':
      return refs.some((r) => r.framework === 'pss' && r.level === 'baseline');
    case 'pss-restricted':
      // Restricted includes every baseline check.
      return refs.some((r) => r.framework === 'pss');
    default:
      return refs.some((r) => r.framework === filter);
  }
}
