import { requirementHolds, selectorMatches, type Inventory } from '../../core/inventory.js';
import { asArray, asObj, asString, isObj, type Obj } from '../../core/resource.js';
import type { Direction } from './policy.js';
import { calicoSelector, type LabelKnowledge } from './calico-selector.js';

/**
 * Whether a policy of another engine can apply somewhere: `yes` (it can, as far as the manifests tell),
 * `no` (it cannot), or `unknown` (its selector is written in a form that is not read, or names labels the
 * scan does not have).
 */
export type Applies = 'yes' | 'no' | 'unknown';

/** Every `yes`: `no` wins over `unknown`, which wins over `yes`. */
function allOf(answers: Iterable<Applies>): Applies {
  let out: Applies = 'yes';
  for (const a of answers) {
    if (a === 'no') return 'no';
    if (a === 'unknown') out = 'unknown';
  }
  return out;
}

/** Any `yes`: `yes` wins over `unknown`, which wins over `no`. */
function anyOf(answers: Iterable<Applies>): Applies {
  let out: Applies = 'no';
  for (const a of answers) {
    if (a === 'yes') return 'yes';
    if (a === 'unknown') out = 'unknown';
  }
  return out;
}

const NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * A namespace's labels as far as the scan knows them: all of them with its Namespace object, otherwise only
 * the name label the API server sets (`complete` false: any other label is unknown).
 */
interface NamespaceLabels {
  labels: Record<string, string>;
  complete: boolean;
}

function namespaceLabelsOf(inventory: Inventory, namespace: string): NamespaceLabels {
  const labels = inventory.namespaceLabels(namespace);
  return labels ? { labels, complete: true } : { labels: { [NAME_LABEL]: namespace }, complete: false };
}

/** The requirements of a Kubernetes label selector, matchLabels as `In [value]`; undefined when malformed. */
function requirementsOf(selector: Obj): Array<{ key: string; operator: unknown; values: string[] }> | undefined {
  const out: Array<{ key: string; operator: unknown; values: string[] }> = [];
  const matchLabels = asObj(selector.matchLabels) ?? {};
  for (const [key, v] of Object.entries(matchLabels)) {
    if (typeof v !== 'string') return undefined;
    out.push({ key, operator: 'In', values: [v] });
  }
  for (const e of asArray(selector.matchExpressions)) {
    const expr = asObj(e);
    const key = asString(expr?.key);
    if (!expr || key === undefined) return undefined;
    out.push({ key, operator: expr.operator, values: asArray(expr.values).filter((x): x is string => typeof x === 'string') });
  }
  return out;
}

/** A Kubernetes label selector over namespaces (AdminNetworkPolicy subjects). Absent matches none. */
function namespaceSelectorApplies(selector: unknown, ns: NamespaceLabels): Applies {
  if (!isObj(selector)) return 'no';
  const reqs = requirementsOf(selector);
  if (!reqs) return 'unknown';
  if (!ns.complete && reqs.some((r) => r.key !== NAME_LABEL)) return 'unknown';
  return selectorMatches(selector, ns.labels) ? 'yes' : 'no';
}

/**
 * A Cilium endpointSelector against the pods of a namespace. Cilium labels pods with their namespace
 * (`io.kubernetes.pod.namespace`) and their namespace's labels (`io.cilium.k8s.namespace.labels.<key>`);
 * any other key is a pod label, which some pod of the namespace may carry.
 */
function ciliumEndpointSelectorApplies(selector: Obj, namespace: string, ns: NamespaceLabels): Applies {
  const reqs = requirementsOf(selector);
  if (!reqs) return 'unknown';
  return allOf(
    reqs.map((r): Applies => {
      const key = r.key.replace(/^(k8s|any):/, '');
      if (key === 'io.kubernetes.pod.namespace') return requirementHolds(r.operator, r.values, { [key]: namespace }, key) ? 'yes' : 'no';
      const nsLabel = key.startsWith('io.cilium.k8s.namespace.labels.') ? key.slice('io.cilium.k8s.namespace.labels.'.length) : undefined;
      if (nsLabel === undefined) return 'yes';
      if (!ns.complete && nsLabel !== NAME_LABEL) return 'unknown';
      return requirementHolds(r.operator, r.values, ns.labels, nsLabel) ? 'yes' : 'no';
    }),
  );
}

/**
 * A Calico selector over what `label` knows: whether it can select something there. A term about a pod
 * label may hold for some pod (`maybe`), which is a yes.
 */
function calicoSelectorApplies(expr: string, label: (key: string) => LabelKnowledge): Applies {
  const answer = calicoSelector(expr, label);
  return answer === 'maybe' ? 'yes' : answer;
}

function calicoNamespaceLabel(ns: NamespaceLabels, namespace: string, key: string): { value: string | undefined } | 'unknown' {
  if (key === 'projectcalico.org/name' || key === NAME_LABEL) return { value: namespace };
  // Only the namespace's own labels: `constructor` is no label of `{}`.
  return ns.complete ? { value: Object.prototype.hasOwnProperty.call(ns.labels, key) ? ns.labels[key] : undefined } : 'unknown';
}

/** A GlobalNetworkPolicy: its namespaceSelector over namespace labels, its selector over the namespace's endpoints. */
function calicoGlobalApplies(spec: Obj, namespace: string, ns: NamespaceLabels): Applies {
  const nsSelector = asString(spec.namespaceSelector);
  const selector = asString(spec.selector);
  return allOf([
    nsSelector === undefined ? 'yes' : calicoSelectorApplies(nsSelector, (k) => calicoNamespaceLabel(ns, namespace, k)),
    selector === undefined
      ? 'yes'
      : calicoSelectorApplies(selector, (k) => {
          if (k === 'projectcalico.org/namespace') return { value: namespace };
          if (k.startsWith('pcns.')) return calicoNamespaceLabel(ns, namespace, k.slice('pcns.'.length));
          return 'maybe';
        }),
  ]);
}

/** Calico: `types`, or without them Ingress unless there are only egress rules, Egress when there are egress rules. */
function calicoDirections(spec: Obj): Set<Direction> {
  const types = asArray(spec.types).map((t) => String(t).toLowerCase());
  if (types.length) return new Set(types.filter((t): t is Direction => t === 'ingress' || t === 'egress'));
  const out = new Set<Direction>();
  const hasEgress = asArray(spec.egress).length > 0;
  if (asArray(spec.ingress).length > 0 || !hasEgress) out.add('ingress');
  if (hasEgress) out.add('egress');
  return out;
}

/** Cilium: a rule section in a direction, an allow or a deny one, puts the endpoints it selects under policy there. */
function ciliumDirections(spec: Obj): Set<Direction> {
  const out = new Set<Direction>();
  if ('ingress' in spec || 'ingressDeny' in spec) out.add('ingress');
  if ('egress' in spec || 'egressDeny' in spec) out.add('egress');
  return out;
}

/** AdminNetworkPolicy and its kin: rules in a direction. */
function adminDirections(spec: Obj): Set<Direction> {
  const out = new Set<Direction>();
  if (asArray(spec.ingress).length > 0) out.add('ingress');
  if (asArray(spec.egress).length > 0) out.add('egress');
  return out;
}

/** The Cilium rules of a policy: its spec and the rules of its `specs` list. */
function ciliumSpecs(object: Obj): Obj[] {
  return [asObj(object.spec), ...asArray(object.specs).map(asObj)].filter((s): s is Obj => s !== undefined);
}

function ciliumApplies(object: Obj, namespace: string, ns: NamespaceLabels, direction: Direction, clusterWide: boolean): Applies {
  return anyOf(
    ciliumSpecs(object).map((spec): Applies => {
      if (!ciliumDirections(spec).has(direction)) return 'no';
      // A nodeSelector makes it a host policy: it applies to the nodes, not to pods.
      if (isObj(spec.nodeSelector) && !isObj(spec.endpointSelector)) return 'no';
      const selector = asObj(spec.endpointSelector);
      if (!selector) return 'unknown';
      return clusterWide ? ciliumEndpointSelectorApplies(selector, namespace, ns) : 'yes';
    }),
  );
}

function adminApplies(spec: Obj, ns: NamespaceLabels, direction: Direction): Applies {
  if (!adminDirections(spec).has(direction)) return 'no';
  const subject = asObj(spec.subject);
  if (!subject) return 'unknown';
  if ('namespaces' in subject) return namespaceSelectorApplies(subject.namespaces, ns);
  const pods = asObj(subject.pods);
  // The podSelector may pick any pod of the namespaces it names.
  if (pods) return namespaceSelectorApplies(pods.namespaceSelector, ns);
  return 'unknown';
}

/**
 * Whether a policy of another engine (its object, served under API group `group`) can apply to pods of `namespace` in
 * `direction`. A namespaced one is already known to be in the namespace; only its direction is read.
 */
export function otherPolicyApplies(
  inventory: Inventory,
  policy: { group: string; resource: { object: Obj }; clusterWide: boolean },
  namespace: string,
  direction: Direction,
): Applies {
  const { object } = policy.resource;
  const spec = asObj(object.spec) ?? {};
  const ns = namespaceLabelsOf(inventory, namespace);
  if (policy.group === 'cilium.io') return ciliumApplies(object, namespace, ns, direction, policy.clusterWide);
  if (policy.group === 'policy.networking.k8s.io') return adminApplies(spec, ns, direction);
  // Calico.
  if (!calicoDirections(spec).has(direction)) return 'no';
  return policy.clusterWide ? calicoGlobalApplies(spec, namespace, ns) : 'yes';
}
