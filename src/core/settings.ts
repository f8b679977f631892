/** Settings rules read, from `.palisade.yaml` (`settings:`) or their defaults. */
export interface RuleSettings {
  /** Registry host patterns images may come from; `*.` matches any subdomain. */
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
}

export const DEFAULT_SETTINGS: RuleSettings = {
  trustedRegistries: ['*.azurecr.io', 'mcr.microsoft.com'],
  pssVersion: 'latest',
  mutableTags: ['latest'],
  digestExemptImages: [],
};
