/**
 * Values derived from an object, stored on the object they are derived from.
 *
 * A module-level `WeakMap` keyed by short-lived objects looks free but is not: V8's young-generation
 * collector treats the entries of a WeakMap that lives in the old generation as strong, so every key
 * and value put there survives each scavenge until the next full collection. In a long-running
 * process (the admission webhook, `palisade serve`) the pod views and one-object inventories of each
 * request were promoted that way, and scavenges grew from about one millisecond to ten. Kept on its
 * owner, a derived value dies with the owner in the first scavenge.
 */

/** An object that may carry derived values: `memo` is left undefined until something is derived. */
export interface MemoOwner {
  memo?: Map<object, unknown>;
}

/** One kind of derived value; the Memo instance itself is the key on each owner. */
export class Memo<K extends MemoOwner, V> {
  get(owner: K): V | undefined {
    return owner.memo?.get(this) as V | undefined;
  }

  has(owner: K): boolean {
    return owner.memo?.has(this) ?? false;
  }

  set(owner: K, value: V): void {
    (owner.memo ??= new Map()).set(this, value);
  }

  /** The value derived from `owner`, made by `make` the first time it is asked for. */
  of(owner: K, make: (owner: K) => V): V {
    const memo = (owner.memo ??= new Map());
    if (memo.has(this)) return memo.get(this) as V;
    const value = make(owner);
    memo.set(this, value);
    return value;
  }
}
