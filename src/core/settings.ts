/** Settings rules read, from `.palisade.yaml` (`settings:`) or their defaults. */
export interface RuleSettings {
  /** Registry host patterns images may come from; `*.` matches any subdomain. */
  trustedRegistries: string[];
  /** Pod Security Standards version the PSS rules apply (`latest` or `vX.Y`). */
  pssVersion: string;
}

export const DEFAULT_SETTINGS: RuleSettings = {
  trustedRegistries: ['*.azurecr.io', 'mcr.microsoft.com'],
  pssVersion: 'latest',
};
