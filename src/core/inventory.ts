import { isObj, stringMap, type Resource } from './resource.js';
import { podOf, type PodView } from './workload.js';

export interface InventoryOptions {
  /**
   * Display names of principals that resources name by an opaque id (a directory's object ids),
   * known from outside the resources. Shown beside the ids; nothing is matched by them.
   */
  displayNames?: ReadonlyMap<string, string>;
}

/**
 * The read-only model every rule sees: all resources of one scan, indexed by kind and by
 * kind/namespace/name. Built once; lookups are O(1).
 */
export class Inventory {
  readonly resources: readonly Resource[];
  readonly displayNames: ReadonlyMap<string, string>;
  private readonly byKindIndex = new Map<string, Resource[]>();
  private readonly byKey = new Map<string, Resource>();
  /** What analyses and rules derive from this inventory (indexes, models); see memo.ts. */
  memo?: Map<object, unknown>;

  constructor(resources: readonly Resource[], options: InventoryOptions = {}) {
    this.resources = resources;
    this.displayNames = options.displayNames ?? new Map();
    for (const r of resources) {
      let list = this.byKindIndex.get(r.kind);
      if (!list) this.byKindIndex.set(r.kind, (list = []));
      list.push(r);
      this.byKey.set(Inventory.key(r.kind, r.namespace, r.name), r);
    }
  }

  private static key(kind: string, namespace: string | null, name: string): string {
    return `${kind}\u0000${namespace ?? ''}\u0000${name}`;
  }

  get size(): number {
    return this.resources.length;
  }

  byKind(kind: string): readonly Resource[] {
    return this.byKindIndex.get(kind) ?? [];
  }

  get(kind: string, namespace: string | null, name: string): Resource | undefined {
    return (
      this.byKey.get(Inventory.key(kind, namespace, name)) ??
      // A manifest without a namespace lands in whatever namespace it is applied to (`kubectl -n`,
      // `helm install -n`), so it stands in for an object of any namespace that has no exact match.
      (namespace !== null ? this.byKey.get(Inventory.key(kind, null, name)) : undefined) ??
      (namespace === null ? this.byKey.get(Inventory.key(kind, 'default', name)) : undefined)
    );
  }

  /** Resources whose labels match a label selector (`matchLabels` and `matchExpressions`). */
  select(kind: string, namespace: string | null, selector: unknown): Resource[] {
    return this.byKind(kind).filter(
      (r) => (namespace === null || r.namespace === namespace) && selectorMatches(selector, stringMap((r.object.metadata as { labels?: unknown } | undefined)?.labels)),
    );
  }

  /** Every pod and pod template in the inventory. */
  *podTemplates(): Generator<PodView> {
    for (const r of this.resources) {
      const pod = podOf(r);
      if (pod) yield pod;
    }
  }

  /** Labels of a namespace, including the `kubernetes.io/metadata.name` label the API server sets. */
  namespaceLabels(name: string): Record<string, string> | undefined {
    const ns = this.get('Namespace', null, name);
    if (!ns) return undefined;
    return { ...stringMap((ns.object.metadata as { labels?: unknown } | undefined)?.labels), 'kubernetes.io/metadata.name': name };
  }
}

/** Kubernetes label-selector semantics. An empty selector matches everything; an absent one matches nothing. */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  if (!isObj(selector)) return false;
  // The string-valued labels of matchLabels, read in place rather than copied with stringMap: selectors
  // are matched against every pod group of a scan. `__proto__` is skipped as stringMap's copy drops it.
  const matchLabels = selector.matchLabels;
  if (isObj(matchLabels)) {
    for (const k in matchLabels) {
      if (!Object.prototype.hasOwnProperty.call(matchLabels, k) || k === '__proto__') continue;
      const v = matchLabels[k];
      if (typeof v === 'string' && labels[k] !== v) return false;
    }
  }
  const exprs = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  for (const e of exprs) {
    if (!isObj(e) || typeof e.key !== 'string') return false;
    const values = Array.isArray(e.values) ? e.values.filter((x): x is string => typeof x === 'string') : [];
    if (!requirementHolds(e.operator, values, labels, e.key)) return false;
  }
  return true;
}

/**
 * One label requirement (`key operator values`) against a label set, in Kubernetes semantics: NotIn and
 * DoesNotExist match an object without the key, and an unknown operator matches nothing. Only the set's
 * own keys count: `constructor` is no label of `{}`.
 */
export function requirementHolds(operator: unknown, values: readonly string[], labels: Record<string, string>, key: string): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, key);
  switch (operator) {
    case 'In':
      return has && values.includes(labels[key] as string);
    case 'NotIn':
      return !has || !values.includes(labels[key] as string);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      return false;
  }
}
