import type { CelValidation, Rule } from '../core/rule.js';
import type { RuleSettings } from '../core/settings.js';
import { isPodBearing, POD_BEARING_KINDS } from '../core/workload.js';

/** How a binding acts on a refused object: `validationActions`. */
export type AdmissionMode = 'deny' | 'warn' | 'audit';
export const ADMISSION_MODES: readonly AdmissionMode[] = ['deny', 'warn', 'audit'];
export const ACTIONS: Readonly<Record<AdmissionMode, string>> = { deny: 'Deny', warn: 'Warn', audit: 'Audit' };

export const POLICY_API_VERSION = 'admissionregistration.k8s.io/v1';

type PodBearingKind = (typeof POD_BEARING_KINDS)[number];

/** Where the API serves each pod-bearing kind. Pods also take ephemeral containers through a subresource. */
const KIND_RESOURCES: Record<PodBearingKind, { group: string; resources: string[] }> = {
  Pod: { group: '', resources: ['pods', 'pods/ephemeralcontainers'] },
  ReplicationController: { group: '', resources: ['replicationcontrollers'] },
  Deployment: { group: 'apps', resources: ['deployments'] },
  ReplicaSet: { group: 'apps', resources: ['replicasets'] },
  StatefulSet: { group: 'apps', resources: ['statefulsets'] },
  DaemonSet: { group: 'apps', resources: ['daemonsets'] },
  Job: { group: 'batch', resources: ['jobs'] },
  CronJob: { group: 'batch', resources: ['cronjobs'] },
};

/**
 * The variables rules' CEL reads (`CelValidation`), whatever the kind of the object. Kubernetes evaluates
 * only the branch for the object's kind; its informational type check may still warn about the others.
 */
export const COMMON_VARIABLES: ReadonlyArray<{ name: string; expression: string }> = [
  {
    name: 'spec',
    expression: "object.kind == 'Pod' ? object.spec : (object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec)",
  },
  {
    name: 'containers',
    expression: 'variables.spec.?initContainers.orValue([]) + variables.spec.?containers.orValue([]) + variables.spec.?ephemeralContainers.orValue([])',
  },
  {
    name: 'annotations',
    expression:
      "object.kind == 'Pod' ? object.metadata.?annotations.orValue({}) : (object.kind == 'CronJob' ? " +
      'object.spec.jobTemplate.spec.template.?metadata.?annotations.orValue({}) : object.spec.template.?metadata.?annotations.orValue({}))',
  },
];

/**
 * Objects are checked when created, and on update only when the pod they describe changes: a Pod's spec,
 * a controller's pod template. A noncompliant workload that exists already can still be labelled, scaled
 * (the Deployment controller scales ReplicaSets by updating spec.replicas), paused, suspended or have its
 * finalizers removed; a rollout that fixes it can still scale its old ReplicaSet down.
 */
export const MATCH_CONDITIONS = [
  {
    name: 'created-or-pod-changed',
    expression:
      "request.operation != 'UPDATE' || (object.kind == 'Pod' ? object.spec != oldObject.spec : " +
      "(object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template != oldObject.spec.jobTemplate.spec.template : " +
      'object.spec.template != oldObject.spec.template))',
  },
];

export interface GeneratedPolicy {
  rule: Rule;
  validation: CelValidation;
  /** The kinds the policy matches. */
  kinds: PodBearingKind[];
  /** The policy's variables, in order: the common ones it reads, then its own. */
  variables: Array<{ name: string; expression: string }>;
  policy: Record<string, unknown>;
  binding: Record<string, unknown>;
}

export interface NotEnforced {
  rule: string;
  /** `unsupported`: CEL cannot decide the rule; `inactive`: at these settings the rule checks nothing. */
  why: 'unsupported' | 'inactive';
  reason: string;
}

export interface PolicySet {
  policies: GeneratedPolicy[];
  notEnforced: NotEnforced[];
  mode: AdmissionMode;
  excludedNamespaces: string[];
}

export interface PolicyOptions {
  settings: RuleSettings;
  mode: AdmissionMode;
  /** Namespaces the bindings leave out (`kubernetes.io/metadata.name NotIn`). */
  excludedNamespaces: readonly string[];
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

/**
 * One ValidatingAdmissionPolicy and its binding per rule whose CEL form applies at the settings; every
 * other selected rule is listed with the reason it is not enforced.
 */
export function admissionPolicies(rules: readonly Rule[], opts: PolicyOptions): PolicySet {
  const policies: GeneratedPolicy[] = [];
  const notEnforced: NotEnforced[] = [];
  const excluded = [...opts.excludedNamespaces];
  for (const rule of rules) {
    const id = rule.meta.id;
    if (!rule.cel) {
      notEnforced.push({ rule: id, why: 'unsupported', reason: reasonWithoutCel(rule) });
      continue;
    }
    if ('unsupported' in rule.cel) {
      notEnforced.push({ rule: id, why: 'unsupported', reason: rule.cel.unsupported });
      continue;
    }
    const kinds = 'pods' in rule.target ? [...POD_BEARING_KINDS] : rule.target.kinds.filter((k): k is PodBearingKind => isPodBearing(k));
    if (kinds.length === 0) {
      notEnforced.push({ rule: id, why: 'unsupported', reason: 'it checks objects other than pods and their controllers, which these policies do not match' });
      continue;
    }
    const result = rule.cel.validation(opts.settings);
    if ('inactive' in result) {
      notEnforced.push({ rule: id, why: 'inactive', reason: result.inactive });
      continue;
    }
    const own = result.variables ?? [];
    const variables = [...variablesRead([result.expression, ...own.map((v) => v.expression)]), ...own];
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
        matchConstraints: { resourceRules: resourceRules(kinds) },
        matchConditions: MATCH_CONDITIONS,
        variables,
        validations: [{ expression: result.expression, message: `${rule.meta.title} (${id})`, reason: 'Forbidden' }],
      },
    };
    const binding = {
      apiVersion: POLICY_API_VERSION,
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name, labels: metadata.labels, annotations: { 'palisade.io/rule': id } },
      spec: {
        policyName: name,
        validationActions: [ACTIONS[opts.mode]],
        matchResources: {
          namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: excluded }] },
        },
      },
    };
    policies.push({ rule, validation: result, kinds, variables, policy, binding });
  }
  return { policies, notEnforced, mode: opts.mode, excludedNamespaces: excluded };
}

/** resourceRules for the kinds, one per API group, CREATE and UPDATE. */
function resourceRules(kinds: readonly PodBearingKind[]) {
  const byGroup = new Map<string, string[]>();
  for (const kind of kinds) {
    const { group, resources } = KIND_RESOURCES[kind];
    byGroup.set(group, [...(byGroup.get(group) ?? []), ...resources]);
  }
  return [...byGroup].map(([group, resources]) => ({ apiGroups: [group], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources }));
}
