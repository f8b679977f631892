import type { Evidence, Finding } from './finding.js';
import { findingId } from './finding.js';
import { stableField } from './field-path.js';
import type { FrameworkRef } from './frameworks.js';
import type { Inventory } from './inventory.js';
import { refOf, type Provenance, type Resource, type ResourceRef } from './resource.js';
import type { Pillar, Severity } from './severity.js';
import { containersOf, kubectlKind, podOf, type ContainerSelection, type ContainerView, type PodView } from './workload.js';
import type { RuleSettings } from './settings.js';

export interface RuleMeta {
  /** `domain/kebab-case-what-is-wrong`; never changes once released. */
  id: string;
  title: string;
  severity: Severity;
  /**
   * The most severe a finding of this rule can be, for the few rules that raise some findings above
   * `severity` (a LoadBalancer with no policy behind it). Unset, `severity` is the most severe; the
   * admission webhook leaves out rules that cannot reach its threshold.
   */
  maxSeverity?: Severity;
  pillar: Pillar;
  frameworks: FrameworkRef[];
  description: string;
  remediation: string;
  references: string[];
}

/**
 * The rule as one validation of a Kubernetes ValidatingAdmissionPolicy. `expression` is CEL that is true
 * when the object passes: exactly when `check()` reports nothing above severity info on it (info findings
 * are remarks, not violations). It reads `object` and the variables every generated policy defines —
 * `variables.spec` (the pod spec, whatever the kind), `variables.containers` (init, regular and ephemeral
 * containers) and `variables.annotations` (the pod's annotations) — plus its own `variables`, if any.
 * Only functions Kubernetes offers in every supported version are used (see src/admission/README.md).
 */
export interface CelValidation {
  expression: string;
  /** Policy variables the expression reads besides the common ones, in order (each may read the ones before). */
  variables?: ReadonlyArray<{ name: string; expression: string }>;
  /**
   * The rule judges containers' images (and how they are pulled) and nothing else. An update of a Pod can
   * change little but its images, so such a rule alone is judged on a Pod's own update, on the containers
   * whose image changed, as the webhook does; the others were judged when the pod was created.
   */
  imagesOnly?: true;
}

/** Why, at these settings, a rule with a CEL form checks nothing (an empty trusted list, a check not yet in force). */
export interface CelInactive {
  inactive: string;
}

/**
 * How the API server can enforce a rule in CEL, or why it cannot decide what the rule decides. `failOn`,
 * when given, is the least severity the policy refuses: a rule whose findings carry severities of their
 * own must then refuse only what `check()` reports at or above it, as the webhook does. Rules whose
 * findings all carry the rule's severity ignore it (they are left out below it).
 */
export type RuleCel = { validation(settings: RuleSettings, failOn?: Severity): CelValidation | CelInactive } | { unsupported: string };

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
  /**
   * Tells apart findings of one rule on the same field (one per vulnerability of an image): mixed into
   * the finding id so each keeps its own stable id.
   */
  key?: string;
  /** Narrows the rule's cross-references for this finding (a hostPID finding is not kubescape's hostNetwork control). */
  frameworks?: FrameworkRef[];
  /** Where to show the finding instead of the resource's own source (see `Provenance.field`). */
  location?: Provenance;
}

export interface RuleContext {
  readonly resource: Resource;
  readonly inventory: Inventory;
  readonly settings: RuleSettings;
  /** The pod or pod template of a pod-bearing resource. */
  pod(): PodView | undefined;
  containers(which?: ContainerSelection): readonly ContainerView[];
  report(input: ReportInput): void;
  /**
   * Whether the rule with this id runs in the same evaluation: a rule whose finding another one already
   * makes on another object (a namespace's open workloads, named on the Namespace) leaves it to that one.
   */
  runs(ruleId: string): boolean;
}

export interface Rule {
  meta: RuleMeta;
  target: RuleTarget;
  check(ctx: RuleContext): void;
  /**
   * Rules whose finding on the same field of the same resource already says what this one would
   * (the baseline capabilities check for the restricted one; cluster-admin for each of its parts):
   * when both run, this rule's finding there is dropped. One problem, one finding.
   */
  supersedes?: readonly string[];
  /**
   * What the rule needs besides the object it checks to decide (the pod's ServiceAccount, the RBAC
   * that grants it): the admission webhook, which is sent one object, leaves such a rule to the scan
   * rather than guess. Objects the API server itself applies before a validating webhook sees the pod
   * (a LimitRange's defaults) are not counted.
   */
  joins?: string;
  /**
   * The rule as an admission validation in CEL (`palisade admission policies`), or the reason CEL cannot
   * decide it (the rule reads other objects, or decodes what CEL cannot). Absent: no CEL form yet.
   */
  cel?: RuleCel;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}

/** The domains whose rules judge one workload object on its own: what an admission request carries. */
const ONE_OBJECT_DOMAINS: ReadonlySet<string> = new Set(['workload', 'pss']);

/**
 * Whether a rule judges one workload object on its own, with nothing else read: a rule of those domains
 * that needs no other object (`joins`). What the admission webhook runs, and what a scan that could not
 * read a file whole can still say is fixed elsewhere.
 */
export function judgesOneObject(rule: Rule): boolean {
  return ONE_OBJECT_DOMAINS.has(rule.meta.id.split('/')[0] ?? '') && rule.joins === undefined;
}

export function ruleApplies(rule: Rule, resource: Resource, pod: PodView | undefined = podOf(resource)): boolean {
  if ('pods' in rule.target) return pod !== undefined;
  return rule.target.kinds.includes(resource.kind);
}

/** Quotes a word for a POSIX shell unless it is plainly safe: names come from untrusted manifests. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9._/:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * `kubectl get deploy web -n shop -o FORMAT[='TEMPLATE']`, every word that comes from the manifest
 * quoted for the shell, the template always single-quoted.
 */
export function kubectlGet(resource: Resource, format: string, template?: string): string {
  const output = template === undefined ? format : `${format}='${quoteTemplate(template)}'`;
  return `${kubectlGetPrefix(resource)}${output}`;
}

/** `kubectl get deploy web -n shop -o `: what every kubectlGet of a resource starts with. */
function kubectlGetPrefix(resource: Resource): string {
  const ns = resource.namespace ? ` -n ${shellQuote(resource.namespace)}` : '';
  return `kubectl get ${kubectlKind(resource.kind)} ${shellQuote(resource.name)}${ns} -o `;
}

/** A template for inside single quotes. */
function quoteTemplate(template: string): string {
  return template.includes("'") ? template.replace(/'/g, `'\\''`) : template;
}

/** `spec.containers[0].image` → `kubectl get deploy web -n shop -o jsonpath='{.spec.containers[0].image}'`. */
export function verifyCommand(resource: Resource, field: string | undefined): string {
  return verifySuffix(kubectlGetPrefix(resource), field);
}

function verifySuffix(prefix: string, field: string | undefined): string {
  return field ? `${prefix}jsonpath='{.${quoteTemplate(field)}}'` : `${prefix}yaml`;
}

/**
 * The context rules see for one resource. The engine makes one per resource and runs every rule
 * through it (methods on the prototype, no closures per rule run: a scan runs millions of them).
 */
export class ResourceContext implements RuleContext {
  /** The rule being run; its meta goes into each finding. */
  rule!: Rule;
  /** Findings reported so far, in order. */
  readonly found: Finding[] = [];
  private podView: PodView | undefined | null;
  private ref: ResourceRef | undefined;
  /** The start of the generated verify commands, the same for every finding of the resource. */
  private kubectlPrefix: string | undefined;

  constructor(
    readonly resource: Resource,
    readonly inventory: Inventory,
    readonly settings: RuleSettings,
    pod: PodView | undefined | null = null,
    /** The ids of the rules of the evaluation; undefined: the rule being run alone. */
    private readonly running?: ReadonlySet<string>,
  ) {
    this.podView = pod;
  }

  runs(ruleId: string): boolean {
    return this.running ? this.running.has(ruleId) : ruleId === this.rule.meta.id;
  }

  pod(): PodView | undefined {
    if (this.podView === null) this.podView = podOf(this.resource);
    return this.podView;
  }

  containers(which?: ContainerSelection): readonly ContainerView[] {
    const p = this.pod();
    return p ? containersOf(p, which) : [];
  }

  report(input: ReportInput): void {
    const { rule, resource } = this;
    // One ref object for all findings of this resource: they only read it.
    const ref = (this.ref ??= refOf(resource));
    // One literal with a fixed shape (no spreads): a large scan creates hundreds of thousands of
    // these. An absent container or field stays undefined, which JSON leaves out.
    this.found.push({
      id: this.idOf(ref, input),
      rule: rule.meta.id,
      title: rule.meta.title,
      severity: input.severity ?? rule.meta.severity,
      pillar: rule.meta.pillar,
      resource: ref,
      container: input.container,
      field: input.field,
      message: input.message,
      remediation: rule.meta.remediation,
      // Shared with the resource: locating a finding replaces the object, never edits it.
      location: input.location ?? resource.source,
      frameworks: input.frameworks ?? rule.meta.frameworks,
      evidence: input.evidence ?? {},
      verify: this.verifyOf(input),
    });
  }

  /** The finding's stable id. A context that reports many findings it mostly drops may leave it for later. */
  protected idOf(ref: ResourceRef, input: ReportInput): string {
    // Two roots calling one module make two resources of one name: each instance keeps its own id.
    const instance = this.resource.origin?.instance;
    const key = instance === undefined ? input.key : `${input.key ?? ''}\u0000instance ${instance}`;
    return findingId(this.rule.meta.id, ref, input.container, stableField(this.resource.object, input.field), key);
  }

  /** The rule's verify command, else the generated one; none for an Azure resource, which kubectl cannot show. */
  protected verifyOf(input: ReportInput): string | undefined {
    if (input.verify !== undefined) return input.verify;
    if (isAzureKind(this.resource.kind)) return undefined;
    return verifySuffix((this.kubectlPrefix ??= kubectlGetPrefix(this.resource)), input.field);
  }
}

/**
 * Azure resources are named by their ARM type (`Microsoft.Authorization/roleAssignments`); a Kubernetes
 * kind never holds a slash.
 */
export function isAzureKind(kind: string): boolean {
  return kind.includes('/');
}

/** Runs one rule on one resource and returns what it reported. */
export function runRule(rule: Rule, resource: Resource, inventory: Inventory, settings: RuleSettings, pod: PodView | undefined | null = null): Finding[] {
  const ctx = new ResourceContext(resource, inventory, settings, pod);
  ctx.rule = rule;
  rule.check(ctx);
  return ctx.found;
}
