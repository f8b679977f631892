import { DEFAULT_CONFIG } from '../src/core/config.js';
import { evaluate } from '../src/core/engine.js';
import type { Finding } from '../src/core/finding.js';
import { Inventory } from '../src/core/inventory.js';
import type { Resource } from '../src/core/resource.js';
import type { Rule } from '../src/core/rule.js';
import { DEFAULT_SETTINGS, type RuleSettings } from '../src/core/settings.js';
import { createSuppressor } from '../src/core/suppress.js';
import { RULES } from '../src/rules/index.js';

/** Findings of the whole catalog on a set of resources, as `palisade scan` would report them. */
export function scanResources(resources: Resource[], opts: { rules?: readonly Rule[]; settings?: Partial<RuleSettings> } = {}): Finding[] {
  const inventory = new Inventory(resources);
  const suppressor = createSuppressor({
    exceptions: [],
    allowAnnotations: DEFAULT_CONFIG.annotations.allowIgnore,
    aksManaged: DEFAULT_CONFIG.profiles.aksManaged,
    now: new Date(),
    configSource: 'conformance',
  });
  const { findings } = evaluate(opts.rules ?? RULES, inventory, { ...DEFAULT_SETTINGS, ...opts.settings }, suppressor);
  return findings.filter((f) => f.suppressed === undefined);
}

/** `Kind/name` of every resource with a finding cross-referenced to `framework`/`id`. */
export function flaggedBy(findings: readonly Finding[], framework: string, id: string): Set<string> {
  const out = new Set<string>();
  for (const f of findings) if (f.frameworks.some((r) => r.framework === framework && r.id === id)) out.add(`${f.resource.kind}/${f.resource.name}`);
  return out;
}

export function rulesReferencing(framework: string, id: string): Rule[] {
  return RULES.filter((r) => r.meta.frameworks.some((f) => f.framework === framework && f.id === id));
}
