import type { ReviewPolicy } from '../../src/admission/review.js';
import { DEFAULT_SETTINGS } from '../../src/core/settings.js';
import { RULES } from '../../src/rules/index.js';

/** The rules a webhook runs: the workload and Pod Security ones. */
export const WORKLOAD_RULES = RULES.filter((r) => r.meta.id.startsWith('workload/') || r.meta.id.startsWith('pss/'));

/** An enforcing policy at `high` over the workload rules, with no exceptions or exemptions unless given. */
export function reviewPolicy(over: Partial<ReviewPolicy> = {}): ReviewPolicy {
  return {
    rules: WORKLOAD_RULES,
    settings: DEFAULT_SETTINGS,
    exceptions: [],
    allowIgnoreAnnotation: true,
    aksManaged: true,
    mode: 'enforce',
    failOn: 'high',
    exemptNamespaces: [],
    exemptUsers: [],
    ...over,
  };
}
