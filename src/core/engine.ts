import type { InputError } from './errors.js';
import { errorMessage } from './errors.js';
import type { Finding } from './finding.js';
import type { Inventory } from './inventory.js';
import { ResourceContext, ruleApplies, type Rule } from './rule.js';
import type { RuleSettings } from './settings.js';
import { podOf } from './workload.js';

export interface Evaluation {
  findings: Finding[];
  errors: InputError[];
}

/**
 * Runs every rule on every resource it targets. A rule that throws on a strange object is reported
 * as an error naming the rule and the resource; the other rules and resources still run.
 */
export function evaluate(rules: readonly Rule[], inventory: Inventory, settings: RuleSettings): Evaluation {
  const findings: Finding[] = [];
  const errors: InputError[] = [];
  const byKind = new Map<string, Rule[]>();
  const podRules = rules.filter((r) => 'pods' in r.target);
  for (const rule of rules) {
    if ('kinds' in rule.target) for (const k of rule.target.kinds) byKind.set(k, [...(byKind.get(k) ?? []), rule]);
  }
  for (const resource of inventory.resources) {
    const pod = podOf(resource);
    const candidates = pod ? [...podRules, ...(byKind.get(resource.kind) ?? [])] : (byKind.get(resource.kind) ?? []);
    const ctx = new ResourceContext(resource, inventory, settings, pod);
    for (const rule of candidates) {
      if (!ruleApplies(rule, resource, pod)) continue;
      ctx.rule = rule;
      const before = ctx.found.length;
      try {
        rule.check(ctx);
      } catch (e) {
        // A rule that throws half-way must not leave half its findings behind.
        ctx.found.length = before;
        errors.push({
          source: resource.source.file,
          line: resource.source.line,
          message: `rule ${rule.meta.id} failed on ${resource.kind}/${resource.name}: ${errorMessage(e)}`,
        });
      }
    }
    for (const f of ctx.found) findings.push(f);
  }
  return { findings, errors };
}
