import type { Evidence, Finding } from './finding.js';
import { findingId } from './finding.js';
import type { FrameworkRef } from './frameworks.js';
import type { Inventory } from './inventory.js';
import { refOf, type Resource, type ResourceRef } from './resource.js';
import type { Pillar, Severity } from './severity.js';
import { containersOf, kubectlKind, podOf, type ContainerSelection, type ContainerView, type PodView } from './workload.js';
import type { RuleSettings } from './settings.js';

export interface RuleMeta {
  /** `domain/kebab-case-what-is-wrong`; never changes once released. */
  id: string;
  title: string;
  severity: Severity;
  pillar: Pillar;
  frameworks: FrameworkRef[];
  description: string;
  remediation: string;
  references: string[];
}

/** Which resources a rule is run on. `pods` = every pod-bearing object. */
export type RuleTarget = { pods: true } | { kinds: readonly string[] };

export interface ReportInput {
  message: string;
  field?: string;
  container?: string;
  evidence?: Evidence;
  /** Overrides the rule's severity for this finding (e.g. `info` when the rule cannot decide). */
  severity?: Severity;
  /** Overrides the generated verify command. */
  verify?: string;
  /** Narrows the rule's cross-references for this finding (a hostPID finding is not kubescape's hostNetwork control). */
  frameworks?: FrameworkRef[];
}

export interface RuleContext {
  readonly resource: Resource;
  readonly inventory: Inventory;
  readonly settings: RuleSettings;
  /** The pod or pod template of a pod-bearing resource. */
  pod(): PodView | undefined;
  containers(which?: ContainerSelection): readonly ContainerView[];
  report(input: ReportInput): void;
}

export interface Rule {
  meta: RuleMeta;
  target: RuleTarget;
  check(ctx: RuleContext): void;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}

export function ruleApplies(rule: Rule, resource: Resource, pod: PodView | undefined = podOf(resource)): boolean {
  if ('pods' in rule.target) return pod !== undefined;
  return rule.target.kinds.includes(resource.kind);
}

/** `spec.containers[0].image` → `kubectl get deploy web -n shop -o jsonpath='{.spec.containers[0].image}'`. */
export function verifyCommand(resource: Resource, field: string | undefined): string {
  const ns = resource.namespace ? ` -n ${resource.namespace}` : '';
  const target = `${kubectlKind(resource.kind)} ${resource.name}${ns}`;
  if (!field) return `kubectl get ${target} -o yaml`;
  return `kubectl get ${target} -o jsonpath='{.${field}}'`;
}

/**
 * Runs one rule on one resource and returns what it reported. `pod` is the resource's PodView when the
 * caller already has it (the engine computes it once per resource for all rules).
 */
export function runRule(rule: Rule, resource: Resource, inventory: Inventory, settings: RuleSettings, pod: PodView | undefined | null = null): Finding[] {
  const found: Finding[] = [];
  // One ref object for all findings of this resource: they only read it.
  let ref: ResourceRef | undefined;
  const ctx: RuleContext = {
    resource,
    inventory,
    settings,
    pod() {
      if (pod === null) pod = podOf(resource);
      return pod;
    },
    containers(which) {
      const p = this.pod();
      return p ? containersOf(p, which) : [];
    },
    report(input) {
      ref ??= refOf(resource);
      found.push({
        id: findingId(rule.meta.id, ref, input.container, input.field),
        rule: rule.meta.id,
        title: rule.meta.title,
        severity: input.severity ?? rule.meta.severity,
        pillar: rule.meta.pillar,
        resource: ref,
        ...(input.container !== undefined ? { container: input.container } : {}),
        ...(input.field !== undefined ? { field: input.field } : {}),
        message: input.message,
        remediation: rule.meta.remediation,
        // Shared with the resource: locating a finding replaces the object, never edits it.
        location: resource.source,
        frameworks: input.frameworks ?? rule.meta.frameworks,
        evidence: input.evidence ?? {},
        verify: input.verify ?? verifyCommand(resource, input.field),
      });
    },
  };
  rule.check(ctx);
  return found;
}
