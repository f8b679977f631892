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
  const ids = catalog.map((r) => r.meta.id);
  for (const pattern of [...sel.only, ...sel.skip]) refuseUnknownRule(pattern, ids, '');
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

/**
 * The rules a command runs, from its config file's `rules` and its flags. `--rule` takes the place of the
 * config's `rules.only`, as a flag overrides the setting it names (Trivy, Kubescape): `rules.only: [workload/*]`
 * and `--rule workload/privileged-container` run that one rule, not every workload rule. Skips add up: both say
 * what must not run. A problem that comes from the config file names it, since the command line alone does not
 * show it. `select` narrows the catalog further (the webhook runs only what one admission request can decide).
 */
export function selectConfiguredRules(
  catalog: readonly Rule[],
  configured: { only: readonly string[]; skip: readonly string[] },
  source: string,
  flags: { rule: readonly string[]; skipRule: readonly string[]; framework?: FrameworkFilter; pillars?: readonly Pillar[] },
  select: (catalog: readonly Rule[], sel: RuleSelection) => Rule[] = selectRules,
): Rule[] {
  const ids = catalog.map((r) => r.meta.id);
  for (const [key, patterns] of [['rules.only', configured.only], ['rules.skip', configured.skip]] as const)
    for (const pattern of patterns) refuseUnknownRule(pattern, ids, `${source}: ${key}: `);
  const selection = {
    only: flags.rule.length > 0 ? flags.rule : configured.only,
    skip: [...configured.skip, ...flags.skipRule],
    ...(flags.framework ? { framework: flags.framework } : {}),
    ...(flags.pillars ? { pillars: flags.pillars } : {}),
  };
  try {
    return select(catalog, selection);
  } catch (e) {
    if (configured.skip.length === 0) throw e;
    // Empty with the config's skips, and not without them: say which setting took the rules away.
    let unskipped: Rule[];
    try {
      unskipped = select(catalog, { ...selection, skip: flags.skipRule });
    } catch {
      throw e;
    }
    const removed = unskipped.filter((r) => configured.skip.some((p) => globMatch(p, r.meta.id))).map((r) => r.meta.id);
    const patterns = configured.skip.filter((p) => removed.some((id) => globMatch(p, id)));
    throw new UsageError(
      `the rule filters select no rule: ${namesOf(removed)} ${removed.length === 1 ? 'is' : 'are'} skipped by rules.skip in ${source} ` +
        `(${patterns.map((p) => JSON.stringify(p)).join(', ')}): nothing would be checked`,
    );
  }
}

/** A usage error, after `prefix` (where the pattern was written), for an id or glob that names none of `ids`. */
function refuseUnknownRule(pattern: string, ids: readonly string[], prefix: string): void {
  if (!ids.some((id) => globMatch(pattern, id))) throw new UsageError(`${prefix}unknown rule ${JSON.stringify(pattern)} (see \`palisade rules\`)${pattern.includes('*') ? '' : didYouMean(pattern, ids)}`);
}

/** `a, b, c` with at most a few names, then how many more. */
function namesOf(names: readonly string[]): string {
  const shown = names.slice(0, 5).join(', ');
  return names.length > 5 ? `${shown} and ${names.length - 5} more` : shown;
}
