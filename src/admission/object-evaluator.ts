import { supersede } from '../core/engine.js';
import { errorMessage } from '../core/errors.js';
import { findingId, type Finding } from '../core/finding.js';
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
  private readonly byKind = new Map<string, readonly Rule[]>();
  private readonly podRules: readonly Rule[];
  private readonly withPod = new Map<string, readonly Rule[]>();
  private readonly supersedes: ReadonlyMap<string, ReadonlySet<string>>;
  private readonly selected: readonly Rule[];

  /**
   * With a `threshold`, the rules whose findings cannot reach it are left out (see `reaching`): a
   * request needs only the findings it refuses, warns or annotates for.
   */
  constructor(
    readonly rules: readonly Rule[],
    threshold?: Severity,
  ) {
    this.selected = threshold !== undefined ? reaching(rules, threshold) : rules;
    const byKind = new Map<string, Rule[]>();
    for (const rule of this.selected) {
      if ('kinds' in rule.target) for (const k of rule.target.kinds) byKind.set(k, [...(byKind.get(k) ?? []), rule]);
    }
    for (const [k, list] of byKind) this.byKind.set(k, list);
    this.podRules = this.selected.filter((r) => 'pods' in r.target);
    const selected = new Set(this.selected.map((r) => r.meta.id));
    this.supersedes = new Map(
      this.selected.flatMap((r) => {
        const replaced = (r.supersedes ?? []).filter((id) => selected.has(id));
        return replaced.length ? [[r.meta.id, new Set(replaced)] as const] : [];
      }),
    );
  }

  /** The rules this evaluator runs (all of them, or those that can reach its threshold), in their order. */
  rulesRun(): readonly Rule[] {
    return this.selected;
  }

  /** The rules a resource of this kind gets, as the engine picks them: pod rules first, then the kind's. */
  private candidates(kind: string, pod: boolean): readonly Rule[] {
    if (!pod) return this.byKind.get(kind) ?? NO_RULES;
    let list = this.withPod.get(kind);
    if (!list) this.withPod.set(kind, (list = [...this.podRules, ...(this.byKind.get(kind) ?? [])]));
    return list;
  }

  /** Every rule on the one object (an Inventory of that object alone); errors name the rule that threw. */
  evaluate(resource: Resource, settings: RuleSettings, suppressor: Suppressor): { findings: Finding[]; errors: string[] } {
    const errors: string[] = [];
    const pod = podOf(resource);
    const candidates = this.candidates(resource.kind, pod !== undefined);
    if (candidates.length === 0) return { findings: [], errors };
    const ctx = new AdmissionContext(resource, new Inventory([resource]), settings, pod);
    for (const rule of candidates) {
      ctx.rule = rule;
      const before = ctx.found.length;
      try {
        rule.check(ctx);
      } catch (e) {
        // A rule that throws half-way must not leave half its findings behind.
        ctx.found.length = before;
        errors.push(`rule ${rule.meta.id} failed on ${resource.kind}/${resource.name}: ${errorMessage(e)}`);
      }
    }
    if (ctx.found.length === 0) return { findings: [], errors };
    const findings = supersede(ctx.found, this.supersedes);
    suppressor.apply(resource, findings);
    return { findings, errors };
  }
}

/** Fills in what `evaluate` left out of these findings: the stable id and the verify command. */
export function complete(findings: readonly Finding[], resource: Resource): void {
  for (const f of findings) {
    if (f.id === '') f.id = findingId(f.rule, f.resource, f.container, f.field);
    f.verify ??= verifyCommand(resource, f.field);
  }
}

const NO_RULES: readonly Rule[] = [];

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
