import type { InputError } from './errors.js';
import { errorMessage } from './errors.js';
import type { Inventory } from './inventory.js';
import { valueSourceOf, type Resource } from './resource.js';
import type { Finding } from './finding.js';
import { ResourceContext, type Rule } from './rule.js';
import type { RuleSettings } from './settings.js';
import type { Suppressor } from './suppress.js';
import { podOf } from './workload.js';

export interface Evaluation {
  findings: Finding[];
  errors: InputError[];
}

/**
 * Which rules each resource gets, and which rules supersede which, worked out once for a set of rules:
 * a scan uses it for every resource, the admission webhook for every request of its life.
 */
export class RulePlan {
  private readonly byKind = new Map<string, Rule[]>();
  private readonly podRules: readonly Rule[];
  // The rules a resource gets depend only on its kind and on whether it has a pod: one list each.
  private readonly withPod = new Map<string, readonly Rule[]>();
  /** Rule id → the ids of the rules it supersedes, among those planned. */
  readonly supersedes: ReadonlyMap<string, ReadonlySet<string>>;
  /** The ids of the planned rules. */
  readonly ids: ReadonlySet<string>;

  constructor(readonly rules: readonly Rule[]) {
    for (const rule of rules) {
      if ('kinds' in rule.target) for (const k of rule.target.kinds) this.byKind.set(k, [...(this.byKind.get(k) ?? []), rule]);
    }
    this.podRules = rules.filter((r) => 'pods' in r.target);
    const selected = new Set(rules.map((r) => r.meta.id));
    this.ids = selected;
    // Only a rule that runs can take over: with the replaced rule skipped, the replacing one reports it all.
    this.supersedes = new Map(
      rules.flatMap((r) => {
        const replaced = (r.supersedes ?? []).filter((id) => selected.has(id));
        return replaced.length ? [[r.meta.id, new Set(replaced)] as const] : [];
      }),
    );
  }

  /** The rules for a resource of this kind, with or without a pod: pod rules first, then the kind's. */
  candidates(kind: string, pod: boolean): readonly Rule[] {
    if (!pod) return this.byKind.get(kind) ?? NO_RULES;
    let list = this.withPod.get(kind);
    if (!list) this.withPod.set(kind, (list = [...this.podRules, ...(this.byKind.get(kind) ?? [])]));
    return list;
  }
}

/**
 * Runs rules on the context's resource, in order. A rule that throws half-way leaves none of its
 * findings behind, and `failed` hears of it; the other rules still run.
 */
export function runRules(ctx: ResourceContext, rules: readonly Rule[], failed: (rule: Rule, error: unknown) => void): void {
  for (const rule of rules) {
    ctx.rule = rule;
    const before = ctx.found.length;
    try {
      rule.check(ctx);
    } catch (e) {
      ctx.found.length = before;
      failed(rule, e);
    }
  }
}

/** The error of a rule that threw on a resource, naming both. */
export function ruleFailure(rule: Rule, resource: Resource, error: unknown): string {
  return `rule ${rule.meta.id} failed on ${resource.kind}/${resource.name}: ${errorMessage(error)}`;
}

/**
 * Runs every rule on every resource it targets. A rule that throws on a strange object is reported
 * as an error naming the rule and the resource; the other rules and resources still run.
 */
export function evaluate(rules: readonly Rule[], inventory: Inventory, settings: RuleSettings, suppressor?: Suppressor): Evaluation {
  const findings: Finding[] = [];
  const errors: InputError[] = [];
  const plan = new RulePlan(rules);
  for (const resource of inventory.resources) {
    const pod = podOf(resource);
    const candidates = plan.candidates(resource.kind, pod !== undefined);
    if (candidates.length === 0) continue;
    const ctx = new ResourceContext(resource, inventory, settings, pod, plan.ids);
    runRules(ctx, candidates, (rule, e) => {
      errors.push({ source: resource.source.file, line: resource.source.line, message: ruleFailure(rule, resource, e) });
    });
    if (ctx.found.length === 0) continue;
    const found = supersede(ctx.found, plan.supersedes);
    if (resource.valueSources) noteValueSources(found, resource.valueSources);
    if (resource.origin) noteOrigin(found, resource.origin);
    suppressor?.apply(resource, found);
    for (const f of found) {
      compact(f);
      findings.push(f);
    }
  }
  return { findings, errors };
}

const NO_RULES: readonly Rule[] = [];

/**
 * Says where the value came from on each finding about a field whose value is not written in its
 * resource (a Terraform variable's default, a variables file), in `evidence.valueFrom` and at the end
 * of the message, which every report shows. A field below such a value (an item of a list variable)
 * came from there too.
 */
export function noteValueSources(found: readonly Finding[], sources: Readonly<Record<string, string>>): void {
  for (const f of found) {
    if (f.field === undefined) continue;
    const from = valueSourceOf(sources, f.field);
    if (from === undefined) continue;
    f.evidence = { ...f.evidence, valueFrom: from };
    f.message = `${f.message} (value from ${from})`;
  }
}

/**
 * Says which root module a finding on a called module's resource is about: the resource and line are
 * the module's, shared by every environment that calls it, and their values may differ.
 */
function noteOrigin(found: readonly Finding[], origin: NonNullable<Resource['origin']>): void {
  for (const f of found) {
    f.message = `${f.message} (in ${origin.module} of ${origin.root})`;
    // A baseline's finding is about that root: a scan of the root can find it again, one of the module alone cannot.
    f.evidence = { ...f.evidence, rootModule: origin.root };
  }
}

/**
 * Flattens the strings a finding keeps. Template literals build rope strings, about twenty rope
 * nodes per finding (id, message, field, verify command); flattened, a finding of a large scan
 * holds a quarter less memory and the garbage collector copies a handful of objects per finding
 * instead of dozens. Reading a character is what makes V8 flatten a rope, in place.
 */
function compact(f: Finding): void {
  f.id.charCodeAt(0);
  f.message.charCodeAt(0);
  f.field?.charCodeAt(0);
  f.verify?.charCodeAt(0);
}

/**
 * Drops a finding of a rule that supersedes another (restricted capabilities over baseline ones)
 * when the superseded rule reported the same field of the same resource: one problem, one finding.
 */
export function supersede(found: Finding[], supersedes: ReadonlyMap<string, ReadonlySet<string>>): Finding[] {
  if (supersedes.size === 0 || found.length < 2 || !anyRuleIn(found, supersedes)) return found;
  // Fields reported by the rules that others supersede; usually a handful per resource.
  const replaced = new Set<string>();
  for (const ids of supersedes.values()) for (const id of ids) replaced.add(id);
  const taken = new Set<string>();
  for (const g of found) if (replaced.has(g.rule)) taken.add(`${g.rule}\u0000${g.field ?? ''}`);
  if (taken.size === 0) return found;
  return found.filter((f) => {
    const ids = supersedes.get(f.rule);
    if (!ids) return true;
    for (const id of ids) if (taken.has(`${id}\u0000${f.field ?? ''}`)) return false;
    return true;
  });
}

/** Whether some finding is of a rule in `rules`; a loop, as it runs for every resource with findings. */
function anyRuleIn(found: readonly Finding[], rules: ReadonlyMap<string, unknown>): boolean {
  for (const f of found) if (rules.has(f.rule)) return true;
  return false;
}
