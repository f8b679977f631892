import { UsageError } from '../core/errors.js';
import { matchesFramework, type FrameworkFilter } from '../core/frameworks.js';
import { didYouMean } from '../core/suggest.js';
import { globMatch } from '../core/glob.js';
import type { Rule } from '../core/rule.js';
import type { Pillar } from '../core/severity.js';

export interface RuleSelection {
  only: readonly string[];
  skip: readonly string[];
  framework?: FrameworkFilter;
  pillars?: readonly Pillar[];
}

/**
 * Applies --rule, --skip-rule, --framework and --pillar. An id or glob that names no rule, or a
 * selection that leaves no rule at all, is a usage error: a typo must never turn into a silent pass.
 */
export function selectRules(catalog: readonly Rule[], sel: RuleSelection): Rule[] {
  for (const pattern of [...sel.only, ...sel.skip]) {
    if (!catalog.some((r) => globMatch(pattern, r.meta.id)))
      throw new UsageError(`unknown rule ${JSON.stringify(pattern)} (see \`palisade rules\`)${pattern.includes('*') ? '' : didYouMean(pattern, catalog.map((r) => r.meta.id))}`);
  }
  const selected = catalog.filter(
    (r) =>
      (sel.only.length === 0 || sel.only.some((p) => globMatch(p, r.meta.id))) &&
      !sel.skip.some((p) => globMatch(p, r.meta.id)) &&
      (sel.framework === undefined || matchesFramework(r.meta.frameworks, sel.framework)) &&
      (sel.pillars === undefined || sel.pillars.includes(r.meta.pillar)),
  );
  if (selected.length === 0) throw new UsageError('the rule filters select no rule: nothing would be checked');
  return selected;
}
