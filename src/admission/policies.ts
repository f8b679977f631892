import type { ExceptionConfig } from '../core/config.js';
import type { CelValidation, Rule } from '../core/rule.js';
import type { RuleSettings } from '../core/settings.js';
import { atLeast, type Severity } from '../core/severity.js';
import { CUSTOM_POD_BEARING_KINDS, isPodBearing, POD_BEARING_KINDS } from '../core/workload.js';
import { containerTerms, withoutSuperseded } from './container-terms.js';
import { HOST_NAMESPACE_RULE, HOST_PORT_RULE, hostNetworkPortsExcused } from './host-network-ports.js';
import { canMatchResourceKey, IGNORE_ANNOTATION, isExpired } from '../core/suppress.js';
import { exceptedCondition, exemptionConditions, ignoredCondition, namesRule } from './policy-exemptions.js';

/** How a binding acts on a refused object: `validationActions`. */
export type AdmissionMode = 'deny' | 'warn' | 'audit';
export const ADMISSION_MODES: readonly AdmissionMode[] = ['deny', 'warn', 'audit'];
export const ACTIONS: Readonly<Record<AdmissionMode, string>> = { deny: 'Deny', warn: 'Warn', audit: 'Audit' };

export const POLICY_API_VERSION = 'admissionregistration.k8s.io/v1';

/** The kinds the policies match: the built-in pod-bearing kinds and the custom ones with a pod template. */
export type PodBearingKind = (typeof POD_BEARING_KINDS)[number] | (typeof CUSTOM_POD_BEARING_KINDS)[number];
export const MATCHED_KINDS: readonly PodBearingKind[] = [...POD_BEARING_KINDS, ...CUSTOM_POD_BEARING_KINDS];

/** The subresource through which `kubectl debug` adds ephemeral containers to a running pod. */
export const EPHEMERAL_SUBRESOURCE = 'pods/ephemeralcontainers';

/**
 * Where the API serves each pod-bearing kind. Pods also take ephemeral containers through a
 * subresource. Argo Rollouts, KEDA and GitHub's Actions Runner Controller serve their kinds at v1alpha1;
 * a rule for a resource the cluster does not serve matches nothing.
 */
export const KIND_RESOURCES: Readonly<Record<PodBearingKind, { group: string; version: string; resources: string[] }>> = {
  Pod: { group: '', version: 'v1', resources: ['pods', EPHEMERAL_SUBRESOURCE] },
  ReplicationController: { group: '', version: 'v1', resources: ['replicationcontrollers'] },
  Deployment: { group: 'apps', version: 'v1', resources: ['deployments'] },
  ReplicaSet: { group: 'apps', version: 'v1', resources: ['replicasets'] },
  StatefulSet: { group: 'apps', version: 'v1', resources: ['statefulsets'] },
  DaemonSet: { group: 'apps', version: 'v1', resources: ['daemonsets'] },
  Job: { group: 'batch', version: 'v1', resources: ['jobs'] },
  CronJob: { group: 'batch', version: 'v1', resources: ['cronjobs'] },
  Rollout: { group: 'argoproj.io', version: 'v1alpha1', resources: ['rollouts'] },
  ScaledJob: { group: 'keda.sh', version: 'v1alpha1', resources: ['scaledjobs'] },
  AutoscalingRunnerSet: { group: 'actions.github.com', version: 'v1alpha1', resources: ['autoscalingrunnersets'] },
};

/** Whether the request adds ephemeral containers to a pod (`kubectl debug`). */
const ADDS_EPHEMERAL = "request.subResource == 'ephemeralcontainers'";

/** Every container of a pod spec in CEL (`spec` is `object.spec` or `oldObject.spec`). */
const allContainers = (spec: string) => `(${spec}.?initContainers.orValue([]) + ${spec}.?containers.orValue([]) + ${spec}.?ephemeralContainers.orValue([]))`;

/** A Pod's own update (not one of its subresources), which can change little but images (ValidatePodUpdate). */
const POD_OWN_UPDATE = "request.operation == 'UPDATE' && object.kind == 'Pod' && request.subResource == ''";

/** The containers of a Pod's own update whose image it changes (or that it names anew), as the webhook picks them. */
const CONTAINERS_WITH_CHANGED_IMAGE =
  `${allContainers('object.spec')}.filter(c, !${allContainers('oldObject.spec')}.exists(o, o.name == c.name && o.?image.orValue('') == c.?image.orValue('')))`;

/** The kinds whose spec.template may be absent (a Rollout with a workloadRef), in CEL. */
const OPTIONAL_TEMPLATE = "(object.kind == 'Rollout' || object.kind == 'AutoscalingRunnerSet')";

/**
 * The variables rules' CEL reads (`CelValidation`), whatever the kind of the object. Kubernetes evaluates
 * only the branch for the object's kind; its informational type check may still warn about the others.
 */
export const COMMON_VARIABLES: ReadonlyArray<{ name: string; expression: string }> = [
  {
    name: 'spec',
    // A Rollout that points at a Deployment (`spec.workloadRef`) has no template: no pod to judge, as in a scan.
    // Nor does the API server make an AutoscalingRunnerSet have one (its CRD leaves spec.template optional).
    expression:
      "object.kind == 'Pod' ? object.spec : (object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : " +
      `(object.kind == 'ScaledJob' ? object.spec.jobTargetRef.template.spec : (${OPTIONAL_TEMPLATE} ? object.spec.?template.?spec.orValue({}) : ` +
      'object.spec.template.spec)))',
  },
  {
    name: 'containers',
    // On the ephemeral containers subresource, only the containers the request adds: the webhook too
    // judges such a request on what it adds (ephemeral containers cannot be changed or removed).
    expression:
      `${ADDS_EPHEMERAL} ? object.spec.?ephemeralContainers.orValue([]).filter(c, !oldObject.spec.?ephemeralContainers.orValue([]).exists(o, o.name == c.name)) : ` +
      // On a Pod's own update only image rules run (see createdOrPodChanged), on the containers whose image changed.
      `(${POD_OWN_UPDATE} ? ${CONTAINERS_WITH_CHANGED_IMAGE} : ${allContainers('variables.spec')})`,
  },
  {
    name: 'annotations',
    expression:
      "object.kind == 'Pod' ? object.metadata.?annotations.orValue({}) : (object.kind == 'CronJob' ? " +
      "object.spec.jobTemplate.spec.template.?metadata.?annotations.orValue({}) : (object.kind == 'ScaledJob' ? " +
      'object.spec.jobTargetRef.template.?metadata.?annotations.orValue({}) : object.spec.?template.?metadata.?annotations.orValue({})))',
  },
];

/**
 * Objects are checked when created, and on update only when the pod they describe changes: a Pod's spec,
 * a controller's pod template. A noncompliant workload that exists already can still be labelled, scaled
 * (the Deployment controller scales ReplicaSets by updating spec.replicas), paused, suspended or have its
 * finalizers removed; a rollout that fixes it can still scale its old ReplicaSet down. A Pod's own update
 * can change its images and little else (a deadline, tolerations, scheduling gates): only rules that judge
 * images (`CelValidation.imagesOnly`) check it, and only when an image changed, as the webhook does.
 */
export function createdOrPodChanged(imagesOnly: boolean): { name: string; expression: string } {
  const podUpdate = imagesOnly ? `${CONTAINERS_WITH_CHANGED_IMAGE}.size() > 0` : 'false';
  return {
    name: 'created-or-pod-changed',
    expression:
      `request.operation != 'UPDATE' || (object.kind == 'Pod' ? (request.subResource != '' ? object.spec != oldObject.spec : ${podUpdate}) : ` +
      "(object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template != oldObject.spec.jobTemplate.spec.template : " +
      "(object.kind == 'ScaledJob' ? object.spec.jobTargetRef.template != oldObject.spec.jobTargetRef.template : " +
      `(${OPTIONAL_TEMPLATE} ? object.spec.?template.orValue({}) != oldObject.spec.?template.orValue({}) : ` +
      'object.spec.template != oldObject.spec.template))))',
  };
}

export interface GeneratedPolicy {
  rule: Rule;
  validation: CelValidation;
  /** The kinds the policy matches. */
  kinds: PodBearingKind[];
  /** The policy's variables, in order: the common ones it reads, then its own. */
  variables: Array<{ name: string; expression: string }>;
  policy: Record<string, unknown>;
  binding: Record<string, unknown>;
  /**
   * For a policy enforced at --fail-on only because it stands in for rules without a policy whose findings
   * reach it (see standsInFor), its own rule's being below: those rules.
   */
  inSteadOf?: string[];
}

export interface NotEnforced {
  rule: string;
  /**
   * `unsupported`: CEL cannot decide the rule; `inactive`: at these settings the rule checks nothing;
   * `below-fail-on`: none of its findings reaches the `--fail-on` severity. (A rule whose findings reach it
   * only in part refuses that part: its CEL is given the threshold.)
   */
  why: 'unsupported' | 'inactive' | 'below-fail-on';
  reason: string;
  /**
   * For a rule without a policy that generated rules take over from (`Rule.supersedes`): those whose
   * policies refuse its objects in its stead, as they refuse the fields it reports themselves (see
   * supersedingCandidates).
   */
  refusedInStead?: string[];
}

/** An exception carried into the policies that has an expiry date, which the API server cannot apply. */
export interface ExpiringException {
  rule: string;
  resources: string[];
  expires: string;
}

export interface PolicySet {
  policies: GeneratedPolicy[];
  notEnforced: NotEnforced[];
  mode: AdmissionMode;
  excludedNamespaces: string[];
  /** Namespace and user globs left out as the webhook's configuration exempts them. */
  exemptNamespaces: string[];
  exemptUsers: string[];
  /** The lowest severity enforced, when not every severity is. */
  failOn?: Severity;
  /** Exceptions in the policies that expire: the policies keep admitting after the date until generated again. */
  expiring: ExpiringException[];
  /** What the policies cannot carry out as the scan would, for stderr. */
  warnings: string[];
}

export interface PolicyOptions {
  settings: RuleSettings;
  mode: AdmissionMode;
  /** Namespaces the bindings leave out (`kubernetes.io/metadata.name NotIn`). */
  excludedNamespaces: readonly string[];
  /** The configuration's exceptions: an object they excuse is not matched by the rule's policy. */
  exceptions?: readonly ExceptionConfig[];
  /** Whether `palisade.io/ignore` annotations excuse objects, as `webhook.allowIgnoreAnnotation` lets the webhook. */
  allowIgnoreAnnotation?: boolean;
  /** Namespace globs the webhook admits unexamined (`webhook.exemptNamespaces`): left out of every policy too. */
  exemptNamespaces?: readonly string[];
  /** User name globs the webhook admits unexamined (`webhook.exemptUsers`): left out of every policy too. */
  exemptUsers?: readonly string[];
  /** Only rules whose findings can reach this severity; every rule without it. */
  failOn?: Severity;
  /** When exceptions are judged expired. */
  now?: Date;
}

/**
 * Labels AKS puts on namespaces of its own; the Admissions Enforcer leaves such namespaces out of every
 * webhook with these two expressions. matchExpressions are ANDed and name what the binding matches: a
 * namespace is matched only when it has no `control-plane` label and is not managed by AKS (a
 * namespace without the managedby label is not in [aks], so NotIn matches it).
 */
export const AKS_NAMESPACE_EXPRESSIONS: ReadonlyArray<{ key: string; operator: string; values?: string[] }> = [
  { key: 'control-plane', operator: 'DoesNotExist' },
  { key: 'kubernetes.azure.com/managedby', operator: 'NotIn', values: ['aks'] },
];

/** The namespaceSelector of a binding or webhook: the named namespaces and those AKS labels as its own left out. */
export function namespaceSelector(excluded: readonly string[]) {
  return {
    matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [...excluded] }, ...AKS_NAMESPACE_EXPRESSIONS.map((e) => ({ ...e }))],
  };
}

/** The policy (and binding) name of a rule: `workload/privileged-container` → `palisade-workload-privileged-container`. */
export function policyName(ruleId: string): string {
  return `palisade-${ruleId.replace(/\//g, '-')}`;
}

/** Why a rule that has no CEL form cannot have one, from what kind of rule it is. */
function reasonWithoutCel(rule: Rule): string {
  const domain = rule.meta.id.split('/')[0];
  if (domain === 'aks') return 'it reads AKS cluster settings from Azure Resource Manager, not an object the Kubernetes API server admits';
  if (domain === 'rbac') return 'it is decided on the permission index built from every Role, ClusterRole and binding, which one admitted object does not show';
  if (domain === 'network') return 'no CEL form is defined beside the rule (network rules mostly join NetworkPolicies, Services and pods, which one admitted object does not show)';
  return 'no CEL form is defined beside the rule';
}

/** The common variables an expression reads, directly or through another variable, in declaration order. */
function variablesRead(texts: readonly string[]): Array<{ name: string; expression: string }> {
  const needed = new Set<string>();
  const visit = (text: string) => {
    for (const v of COMMON_VARIABLES)
      if (!needed.has(v.name) && new RegExp(`\\bvariables\\.${v.name}\\b`).test(text)) {
        needed.add(v.name);
        visit(v.expression);
      }
  };
  texts.forEach(visit);
  return COMMON_VARIABLES.filter((v) => needed.has(v.name));
}

/** A rule with its CEL form in force at the settings. */
interface Candidate {
  rule: Rule;
  /** What the policy refuses: the rule's findings at or above --fail-on. */
  validation: CelValidation;
  /**
   * Where the rule reports at any severity: where it takes over from a rule it supersedes, since the scan
   * drops the other finding whatever the severity of its own.
   */
  reports: CelValidation;
  kinds: PodBearingKind[];
}

/** The severity a rule's findings can reach: its `maxSeverity`, else its severity. */
function highestSeverity(rule: Rule): Severity {
  return rule.meta.maxSeverity ?? rule.meta.severity;
}

/**
 * The selected rules without a policy that `rule` takes over from: the scan keeps their finding on a
 * field both report, and `rule`'s policy, which refuses those fields itself, is all that refuses them
 * in CEL (workload/host-path-volume for workload/sensitive-host-path).
 */
function standsInFor(rule: Rule, withoutPolicy: ReadonlyMap<string, Rule>): Rule[] {
  return (rule.supersedes ?? []).flatMap((id) => {
    const other = withoutPolicy.get(id);
    return other ? [other] : [];
  });
}

/**
 * The refusal message. The title of `workload/image-tag-latest` names only `latest`; with other
 * mutable tags configured, the message names them, since they are what the policy refuses.
 */
function validationMessage(rule: Rule, settings: RuleSettings): string {
  const id = rule.meta.id;
  const others = settings.mutableTags.filter((t) => t !== 'latest');
  if (id === 'workload/image-tag-latest' && others.length > 0) return `Image uses no tag or a mutable tag (latest, ${others.join(', ')}) (${id})`;
  return `${rule.meta.title} (${id})`;
}

/** Whether a term reads the containers, directly or through one of the rule's own variables (made of them). */
function containerReader(ownVariables: readonly string[]): (term: string) => boolean {
  const re = new RegExp(`\\bvariables\\.(?:${['containers', ...ownVariables].join('|')})\\b`);
  return (term) => re.test(term);
}

/**
 * The validation of a rule's policy. A rule that another selected rule takes over from for the same
 * field (`Rule.supersedes`: the scan drops this rule's finding where the other reports) passes on the
 * fields the other reports (`withoutSuperseded`); where the two expressions have no part in common,
 * per object: it refuses only objects the other admits.
 * On the ephemeral containers subresource, only what judges the added containers applies (`containerTerms`);
 * `undefined` there when nothing does.
 */
function validationExpressions(own: Candidate, over: readonly Candidate[]): { full: string; ephemeral: string | undefined } {
  const reads = containerReader([own.validation, ...over.map((o) => o.reports)].flatMap((v) => (v.variables ?? []).map((x) => x.name)));
  const relaxed = (expression: string, others: ReadonlyArray<string | undefined>) =>
    others.reduce<string>((text, other) => {
      if (other === undefined) return text;
      const field = withoutSuperseded(text, other);
      return field.paired ? field.expression : `(${text}) || !(${other})`;
    }, expression);
  const full = relaxed(own.validation.expression, over.map((o) => o.reports.expression));
  const ownEphemeral = containerTerms(own.validation.expression, reads);
  const ephemeral = ownEphemeral === undefined ? undefined : relaxed(ownEphemeral, over.map((o) => containerTerms(o.reports.expression, reads)));
  return { full, ephemeral };
}

/**
 * The rules that take over from `rule` among the candidates, whose policies may refuse instead (see
 * validationExpressions). A rule with no policy (no CEL form: workload/sensitive-host-path) refuses
 * nothing in its stead, so `rule`'s policy keeps refusing those fields itself: the webhook refuses the
 * same objects, under the other rule's id.
 */
function supersedingCandidates(rule: Rule, candidates: ReadonlyMap<string, Candidate>, warnings: string[]): Candidate[] {
  const own = new Map((candidates.get(rule.meta.id)?.validation.variables ?? []).map((v) => [v.name, v.expression]));
  return (rule.supersedes ?? []).flatMap((id) => {
    const other = candidates.get(id);
    if (!other) return [];
    // Both expressions run in one policy: a variable of the same name must be the same variable.
    const clash = (other.reports.variables ?? []).find((v) => own.has(v.name) && own.get(v.name) !== v.expression);
    if (clash) {
      warnings.push(`${rule.meta.id} refuses on its own where ${id} refuses too: both define variables.${clash.name} differently`);
      return [];
    }
    return [other];
  });
}

/** Whether the exceptions also excuse `ruleId` on every resource `ex` names (the same entry, or another one). */
function excusedToo(ex: ExceptionConfig, ruleId: string, exceptions: readonly ExceptionConfig[], now: Date): boolean {
  return exceptions.some((o) => namesRule(o, ruleId) && !isExpired(o, now) && ex.resources.every((r) => o.resources.includes(r) || o.resources.includes('*/*/*')));
}

/**
 * Exceptions for a rule without a policy that takes over from an enforced one: in a scan and the webhook
 * the other rule's finding is dropped before exceptions apply, so excusing the superseding rule lets the
 * object in; the enforced rule's policy, which refuses those fields itself (see supersedingCandidates),
 * still refuses it. Said, so that the stricter policy is no surprise.
 */
function unpairedExceptionWarnings(enforced: readonly Candidate[], candidates: ReadonlyMap<string, Candidate>, rules: readonly Rule[], exceptions: readonly ExceptionConfig[], now: Date): string[] {
  const selected = new Set(rules.map((r) => r.meta.id));
  return enforced.flatMap((c) =>
    (c.rule.supersedes ?? [])
      .filter((id) => selected.has(id) && !candidates.has(id))
      .flatMap((id) =>
        exceptions
          .filter((ex) => namesRule(ex, id) && !isExpired(ex, now) && !excusedToo(ex, c.rule.meta.id, exceptions, now))
          .map(
            (ex) =>
              `exception for ${ex.rule} on ${ex.resources.join(', ')}: the scan and the webhook then drop ${c.rule.meta.id} where ${id} reports, ` +
              `but ${id} has no policy, so the ${c.rule.meta.id} policy still refuses those objects (add an exception for ${c.rule.meta.id} to admit them)`,
          ),
      ),
  );
}

/**
 * Exceptions for a rule whose policy stands in for a rule without one (see standsInFor) that do not
 * excuse that rule too: the policy then admits what the other rule reports on those objects, which the
 * webhook refuses and the scan reports under the other rule's id. Said, so that the laxer policy is
 * no surprise.
 */
function standInExceptionWarnings(enforced: readonly Candidate[], standIns: ReadonlyMap<Candidate, readonly Rule[]>, exceptions: readonly ExceptionConfig[], now: Date): string[] {
  return enforced.flatMap((c) =>
    (standIns.get(c) ?? []).flatMap((other) => {
      const id = other.meta.id;
      return exceptions
        .filter((ex) => namesRule(ex, c.rule.meta.id) && !isExpired(ex, now) && !excusedToo(ex, id, exceptions, now))
        .map(
          (ex) =>
            `exception for ${ex.rule} on ${ex.resources.join(', ')}: the ${c.rule.meta.id} policy also refuses in the stead of ${id}, which has no policy, ` +
            `so the policies admit what ${id} reports on those objects, which the webhook refuses and the scan reports (add an exception for ${id} to admit them everywhere)`,
        );
    }),
  );
}

/**
 * The matchConditions of a rule's policy: changed pods only, nothing the webhook's exemptions admit
 * unexamined, and nothing an exception or annotation excuses.
 */
function matchConditions(ruleId: string, imagesOnly: boolean, opts: PolicyOptions, live: readonly ExceptionConfig[]) {
  const conditions: Array<{ name: string; expression: string }> = [createdOrPodChanged(imagesOnly), ...exemptionConditions(opts.exemptNamespaces ?? [], opts.exemptUsers ?? [])];
  const excepted = exceptedCondition(live.filter((ex) => namesRule(ex, ruleId)));
  if (excepted) conditions.push({ name: 'not-excepted', expression: `!(${excepted})` });
  if (opts.allowIgnoreAnnotation) conditions.push({ name: 'not-ignored-by-annotation', expression: `!(${ignoredCondition(ruleId)})` });
  return conditions;
}

/**
 * `-/Kind/name` (or `-/*`): an exception for objects without a namespace only, as a scan keys manifests
 * rendered without one.
 */
function namesNoNamespace(glob: string): boolean {
  return glob.startsWith('-/') && canMatchResourceKey(glob);
}

/** `-/Kind/name` resources of an exception: at admission every object the policies and the webhook judge has a namespace. */
export function noNamespaceWarnings(ex: ExceptionConfig): string[] {
  return ex.resources
    .filter(namesNoNamespace)
    .map(
      (g) =>
        `exception for ${ex.rule}: resource ${JSON.stringify(g)} matches manifests without a namespace only; at admission every object judged ` +
        `has one, so it excuses nothing here (write the namespace it is applied to, or * for any)`,
    );
}

/** The exceptions that still apply, with warnings for those that expired and those that will. */
function liveExceptions(opts: PolicyOptions, knownRules: readonly string[], warnings: string[], expiring: ExpiringException[]): ExceptionConfig[] {
  const now = opts.now ?? new Date();
  return (opts.exceptions ?? []).filter((ex) => {
    if (!knownRules.some((id) => namesRule(ex, id))) return false;
    if (isExpired(ex, now)) {
      warnings.push(`exception for ${ex.rule} on ${ex.resources.join(', ')} expired on ${ex.expires} and no longer applies (reason was: ${ex.reason})`);
      return false;
    }
    if (ex.expires !== undefined) {
      expiring.push({ rule: ex.rule, resources: [...ex.resources], expires: ex.expires });
      warnings.push(`exception for ${ex.rule} on ${ex.resources.join(', ')} expires on ${ex.expires}, but a policy has no clock: generate and apply the policies again after that day`);
    }
    for (const g of ex.resources.filter((r) => !canMatchResourceKey(r)))
      warnings.push(`exception for ${ex.rule}: resource ${JSON.stringify(g)} is not namespace/Kind/name (use - for no namespace, * for any), so it matches nothing`);
    warnings.push(...noNamespaceWarnings(ex));
    return true;
  });
}

/**
 * One ValidatingAdmissionPolicy and its binding per rule whose CEL form applies at the settings; every
 * other selected rule is listed with the reason it is not enforced.
 */
export function admissionPolicies(rules: readonly Rule[], opts: PolicyOptions): PolicySet {
  const notEnforced: NotEnforced[] = [];
  const warnings: string[] = [];
  const expiring: ExpiringException[] = [];
  const candidates = new Map<string, Candidate>();
  const withoutPolicy = new Map<string, Rule>();
  for (const rule of rules) {
    const id = rule.meta.id;
    if (!rule.cel || 'unsupported' in rule.cel) {
      notEnforced.push({ rule: id, why: 'unsupported', reason: rule.cel ? rule.cel.unsupported : reasonWithoutCel(rule) });
      withoutPolicy.set(id, rule);
      continue;
    }
    const kinds = 'pods' in rule.target ? [...MATCHED_KINDS] : rule.target.kinds.filter((k): k is PodBearingKind => isPodBearing(k));
    if (kinds.length === 0) {
      notEnforced.push({ rule: id, why: 'unsupported', reason: 'it checks objects other than pods and their controllers, which these policies do not match' });
      continue;
    }
    const result = rule.cel.validation(opts.settings, opts.failOn);
    if ('inactive' in result) {
      notEnforced.push({ rule: id, why: 'inactive', reason: result.inactive });
      continue;
    }
    const everySeverity = opts.failOn === undefined ? result : rule.cel.validation(opts.settings);
    const reports = 'inactive' in everySeverity ? { expression: 'true' } : everySeverity;
    candidates.set(id, { rule, validation: result, reports, kinds });
  }
  // The rules without a policy that each candidate's policy stands in for.
  const standIns = new Map([...candidates.values()].map((c) => [c, standsInFor(c.rule, withoutPolicy)] as const));
  const inSteadOf = new Map<Candidate, string[]>();
  const enforced = [...candidates.values()].filter((c) => {
    const { failOn } = opts;
    if (failOn === undefined) return true;
    const own = highestSeverity(c.rule);
    if (atLeast(own, failOn)) return true;
    // A policy refuses at the highest severity of its rule and of the rules it stands in for: at --fail-on
    // critical the workload/host-path-volume policy is all that refuses the critical workload/sensitive-host-path volumes.
    const reaching = (standIns.get(c) ?? []).filter((r) => atLeast(highestSeverity(r), failOn));
    if (reaching.length > 0) {
      const names = reaching.map((r) => `${r.meta.id} (${highestSeverity(r)})`).join(', ');
      warnings.push(
        `${c.rule.meta.id} (${own}) is enforced at --fail-on ${failOn} in the stead of ${names}, which has no policy: ` +
          `it refuses every object ${c.rule.meta.id} reports, where the webhook refuses only those ${reaching.map((r) => r.meta.id).join(', ')} reports`,
      );
      inSteadOf.set(c, reaching.map((r) => r.meta.id));
      return true;
    }
    notEnforced.push({ rule: c.rule.meta.id, why: 'below-fail-on', reason: `its findings are ${own} at most, below --fail-on ${failOn}` });
    return false;
  });
  for (const n of notEnforced) {
    const rule = withoutPolicy.get(n.rule);
    if (!rule) continue;
    const over = enforced.filter((c) => standIns.get(c)?.includes(rule));
    if (over.length > 0) n.refusedInStead = over.map((c) => c.rule.meta.id);
  }
  // Exceptions for workload/host-namespace also excuse the host ports hostNetwork sets, whether or not its policy is generated.
  const excusesPorts = enforced.some((c) => c.rule.meta.id === HOST_PORT_RULE) ? [HOST_NAMESPACE_RULE] : [];
  const live = liveExceptions(opts, [...enforced.map((c) => c.rule.meta.id), ...excusesPorts], warnings, expiring);
  const now = opts.now ?? new Date();
  warnings.push(...unpairedExceptionWarnings(enforced, candidates, rules, opts.exceptions ?? [], now));
  warnings.push(...standInExceptionWarnings(enforced, standIns, opts.exceptions ?? [], now));
  if (opts.allowIgnoreAnnotation && enforced.length > 0)
    warnings.push(
      `${IGNORE_ANNOTATION} annotations excuse objects in the policies when they name the rule by its id or by a glob whose only wildcard ` +
        'is a trailing * (workload/*); entries with other wildcards apply in scan and the webhook only',
      // A policy cannot warn about the object it admits; the webhook does, per object.
      `${IGNORE_ANNOTATION} on a controller's own metadata excuses the controller (and a Deployment's ReplicaSets, which copy it) but not its Pods, ` +
        "which inherit only the pod template's annotations and are refused: write it in the pod template (spec.template.metadata.annotations)",
    );
  const excluded = [...opts.excludedNamespaces];
  const policies = enforced.map((c) => {
    const policy = generatedPolicy(c, supersedingCandidates(c.rule, candidates, warnings), matchConditions(c.rule.meta.id, c.validation.imagesOnly === true, opts, live), excluded, opts, alsoAdmitted(c, live, opts));
    const instead = inSteadOf.get(c);
    return instead ? { ...policy, inSteadOf: instead } : policy;
  });
  return {
    policies,
    notEnforced,
    mode: opts.mode,
    excludedNamespaces: excluded,
    exemptNamespaces: [...(opts.exemptNamespaces ?? [])],
    exemptUsers: [...(opts.exemptUsers ?? [])],
    ...(opts.failOn ? { failOn: opts.failOn } : {}), expiring, warnings };
}

/**
 * What a rule's policy admits besides what its validation passes: for workload/host-port, the objects
 * excused from workload/host-namespace whose host ports are all those hostNetwork sets (see
 * host-network-ports.ts). Not on the ephemeral containers subresource, where the API server refuses ports.
 */
function alsoAdmitted(c: Candidate, live: readonly ExceptionConfig[], opts: PolicyOptions): string | undefined {
  return c.rule.meta.id === HOST_PORT_RULE ? hostNetworkPortsExcused(live, opts.allowIgnoreAnnotation === true) : undefined;
}

/** The policy and binding of one rule. */
function generatedPolicy(
  c: Candidate,
  over: readonly Candidate[],
  conditions: ReadonlyArray<{ name: string; expression: string }>,
  excluded: readonly string[],
  opts: PolicyOptions,
  admitted?: string,
): GeneratedPolicy {
  const { rule, validation, kinds } = c;
  const id = rule.meta.id;
  const judged = validationExpressions(c, over);
  const { ephemeral } = judged;
  const full = admitted === undefined ? judged.full : `(${judged.full}) || ${admitted}`;
  const expression = ephemeral === undefined || ephemeral === full ? full : `${ADDS_EPHEMERAL} ? (${ephemeral}) : (${full})`;
  const own = [...(validation.variables ?? [])];
  for (const o of over) for (const v of o.reports.variables ?? []) if (!own.some((w) => w.name === v.name)) own.push(v);
  const variables = [...variablesRead([expression, ...own.map((v) => v.expression)]), ...own];
  const name = policyName(id);
  const annotations: Record<string, string> = { 'palisade.io/rule': id };
  if ('pss' in rule) annotations['palisade.io/pss-version'] = opts.settings.pssVersion;
  const metadata = { name, labels: { 'app.kubernetes.io/managed-by': 'palisade' }, annotations };
  const policy = {
    apiVersion: POLICY_API_VERSION,
    kind: 'ValidatingAdmissionPolicy',
    metadata,
    spec: {
      failurePolicy: 'Fail',
      // A policy with nothing to say about added containers leaves `kubectl debug` alone, as the webhook does.
      matchConstraints: { resourceRules: resourceRules(kinds, ephemeral !== undefined) },
      matchConditions: conditions,
      variables,
      validations: [{ expression, message: validationMessage(rule, opts.settings), reason: 'Forbidden' }],
    },
  };
  const binding = {
    apiVersion: POLICY_API_VERSION,
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name, labels: metadata.labels, annotations: { 'palisade.io/rule': id } },
    spec: {
      policyName: name,
      validationActions: [ACTIONS[opts.mode]],
      matchResources: { namespaceSelector: namespaceSelector(excluded) },
    },
  };
  return { rule, validation, kinds, variables, policy, binding };
}

/** resourceRules for the kinds, one per API group and version, CREATE and UPDATE. */
export function resourceRules(kinds: readonly PodBearingKind[], ephemeral = true) {
  const byGroup = new Map<string, { group: string; version: string; resources: string[] }>();
  for (const kind of kinds) {
    const { group, version, resources } = KIND_RESOURCES[kind];
    const key = `${group}/${version}`;
    const entry = byGroup.get(key) ?? { group, version, resources: [] };
    entry.resources.push(...resources.filter((r) => ephemeral || r !== EPHEMERAL_SUBRESOURCE));
    byGroup.set(key, entry);
  }
  return [...byGroup.values()].map(({ group, version, resources }) => ({ apiGroups: [group], apiVersions: [version], operations: ['CREATE', 'UPDATE'], resources }));
}
