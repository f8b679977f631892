import { RulePlan, ruleFailure, runRules, supersede } from '../core/engine.js';
import { findingId, type Finding } from '../core/finding.js';
import { stableField } from '../core/field-path.js';
import { Inventory } from '../core/inventory.js';
import type { Resource, ResourceRef } from '../core/resource.js';
import { ResourceContext, verifyCommand, type ReportInput, type Rule } from '../core/rule.js';
import type { RuleSettings } from '../core/settings.js';
import { atLeast, type Severity } from '../core/severity.js';
import type { Suppressor } from '../core/suppress.js';
import { podOf } from '../core/workload.js';

/**
 * `evaluate` of core/engine.ts for one admitted object at a time, with the work that depends only on
 * the rules done once for the life of the webhook: the rules of each kind, with and without a pod,
 * and which rules supersede which. The engine prepares that per call, which costs nothing once per
 * scan and a large share of an admission request.
 *
 * Findings come out as the engine's, in the same order, superseded and suppressed alike, with two
 * fields left for later: `id` and `verify`. Hashing an id and writing a kubectl command for every
 * finding of every request cost more than the rules of a hardened object; a request needs them only
 * for its violations, which `complete` fills in.
 */
export class ObjectEvaluator {
  private readonly plan: RulePlan;

  /**
   * With a `threshold`, the rules whose findings cannot reach it are left out (see `reaching`): a
   * request needs only the findings it refuses, warns or annotates for.
   */
  constructor(
    readonly rules: readonly Rule[],
    threshold?: Severity,
  ) {
    this.plan = new RulePlan(threshold !== undefined ? reaching(rules, threshold) : rules);
  }

  /** The rules this evaluator runs (all of them, or those that can reach its threshold), in their order. */
  rulesRun(): readonly Rule[] {
    return this.plan.rules;
  }

  /** Every rule on the one object (an Inventory of that object alone); errors name the rule that threw. */
  evaluate(resource: Resource, settings: RuleSettings, suppressor: Suppressor): { findings: Finding[]; errors: string[] } {
    const errors: string[] = [];
    const pod = podOf(resource);
    const candidates = this.plan.candidates(resource.kind, pod !== undefined);
    if (candidates.length === 0) return { findings: [], errors };
    const ctx = new AdmissionContext(resource, new Inventory([resource]), settings, pod, this.plan.ids);
    runRules(ctx, candidates, (rule, e) => errors.push(ruleFailure(rule, resource, e)));
    if (ctx.found.length === 0) return { findings: [], errors };
    const findings = supersede(ctx.found, this.plan.supersedes);
    suppressor.apply(resource, findings);
    return { findings, errors };
  }
}

/** Fills in what `evaluate` left out of these findings: the stable id and the verify command. */
export function complete(findings: readonly Finding[], resource: Resource): void {
  for (const f of findings) {
    if (f.id === '') f.id = findingId(f.rule, f.resource, f.container, stableField(resource.object, f.field));
    f.verify ??= verifyCommand(resource, f.field);
  }
}


/**
 * The rules whose findings can reach `threshold` (by `maxSeverity`, else `severity`: the rule tester
 * holds every rule to it), and the rules those supersede: a superseding rule's finding is dropped when
 * the rule it supersedes reports the same field, so that rule must run whatever its own severity.
 */
function reaching(rules: readonly Rule[], threshold: Severity): Rule[] {
  const byId = new Map(rules.map((r) => [r.meta.id, r]));
  const kept = new Set(rules.filter((r) => atLeast(r.meta.maxSeverity ?? r.meta.severity, threshold)));
  for (const rule of [...kept]) {
    // Superseding goes one step: a superseded rule's own findings are not dropped for it.
    for (const id of rule.supersedes ?? []) {
      const superseded = byId.get(id);
      if (superseded) kept.add(superseded);
    }
  }
  return rules.filter((r) => kept.has(r));
}

/**
 * The engine's context, leaving the id and the generated verify command for `complete` (see above): most
 * of what a review reports is dropped. A keyed finding gets its id now, since the key is not kept.
 */
class AdmissionContext extends ResourceContext {
  protected override idOf(ref: ResourceRef, input: ReportInput): string {
    return input.key === undefined ? '' : super.idOf(ref, input);
  }

  protected override verifyOf(input: ReportInput): string | undefined {
    return input.verify;
  }
}
