/** Settings rules read, from `.palisade.yaml` (`settings:`) or their defaults. */
export interface RuleSettings {
  /** Where images may come from: registry hosts (`*.` matches any subdomain), or repository prefixes (`host/path/*`). */
  trustedRegistries: string[];
  /** Pod Security Standards version the PSS rules apply (`latest` or `vX.Y`). */
  pssVersion: string;
  /**
   * Image tags that move (`latest`, `stable`, `main`, ...); `*` and `?` in an entry are wildcards.
   * An image with neither tag nor digest, or with the tag `latest`, is always mutable.
   */
  mutableTags: string[];
  /**
   * Image repository globs (`mcr.microsoft.com/oss/*`, `nginx`) exempt from digest pinning, matched
   * against the name as written, Docker's short form and the fully qualified form (`docker.io/library/nginx`).
   */
  digestExemptImages: string[];
  /** AKS cluster rules. */
  aks: AksSettings;
  /** NetworkPolicy and exposure rules. */
  network: NetworkSettings;
}

export interface AksSettings {
  /**
   * Oldest Kubernetes minor (`1.34`, or `1.34.2` to also require a patch) a cluster or node pool may run.
   * 1.34 by default: AKS supports a minor for about a year after its AKS release, so as of late 2026 older
   * minors get no security patches unless the cluster pays for long-term support.
   */
  minKubernetesVersion: string;
  /** Days kube-audit logs must be kept where the scan can see the retention (storage accounts). */
  auditRetentionDays: number;
  /** Report node pools without FIPS 140 validated modules (regulated workloads). */
  requireFips: boolean;
}

export interface NetworkSettings {
  /**
   * Report namespaces without a default-deny egress NetworkPolicy. Off by default: denying egress means
   * listing every destination (DNS, the API server, Azure services), which many estates do not do yet;
   * ingress default deny is always checked.
   */
  requireDefaultDenyEgress: boolean;
}

export const DEFAULT_SETTINGS: RuleSettings = {
  trustedRegistries: ['*.azurecr.io', 'mcr.microsoft.com'],
  pssVersion: 'latest',
  mutableTags: ['latest'],
  digestExemptImages: [],
  aks: { minKubernetesVersion: '1.34', auditRetentionDays: 90, requireFips: false },
  network: { requireDefaultDenyEgress: false },
};
