import { defineMappingTag, defineScalarTag, mapTag, mergeTag, NOT_RESOLVED } from 'js-yaml';

/*
 * Merge keys (`<<`) as go-yaml v2 applies them behind kubectl, Helm and the API server: at the place
 * the `<<` stands, so the merged keys overwrite those written before it and the keys written after
 * it overwrite them; of a list of merged mappings the first wins. YAML's own merge, which js-yaml
 * follows, never overwrites a key written in the mapping: `privileged: false` then `<<: *root` is
 * false to it and true to the cluster, a way to hide a privileged container from a scanner.
 *
 * js-yaml merges by asking the source mapping's tag for its keys (`keys`), then, for each of them in
 * turn, whether the target has the key (`has`: skipped when it does) before writing it (`addPair`).
 * This mapping tag answers that question go-yaml's way while a merge runs, and js-yaml's own (for its
 * duplicate-key check) at any other time.
 */

/**
 * The merge being applied: how many of the merged mapping's keys js-yaml has still to ask about, and
 * whether it is the first mapping of its `<<` (which forgets what an earlier `<<` of the target wrote).
 */
let merging: { left: number; first: boolean } | undefined;
/** `<<` keys read whose first merged mapping has not been applied yet (a merged mapping may hold its own). */
let mergeKeysPending = 0;
/** The key a merge is about to write. */
let mergeWrite: string | undefined;
/** The keys of a mapping that a merged mapping wrote: a later mapping of the same merge list leaves them. */
const MERGED = new WeakMap<object, Set<string>>();

/** The key as the object holds it; undefined for a complex key, which a plain object cannot hold. */
function keyText(key: unknown): string | undefined {
  return key !== null && typeof key === 'object' ? undefined : String(key);
}

export const goYamlMapTag = defineMappingTag<Record<string, unknown>>(mapTag.tagName, {
  create: () => ({}),
  identify: mapTag.identify,
  represent: mapTag.represent,
  get: mapTag.get,
  keys: (source) => {
    const keys = [...mapTag.keys(source)];
    const first = mergeKeysPending > 0;
    if (first) mergeKeysPending--;
    merging = keys.length > 0 ? { left: keys.length, first } : undefined;
    return keys;
  },
  has: (target, key) => {
    if (merging === undefined) return mapTag.has(target, key);
    // A second `<<` in one mapping overwrites what the first merged, as any later key does.
    if (merging.first) {
      MERGED.delete(target);
      merging.first = false;
    }
    if (--merging.left === 0) merging = undefined;
    const k = keyText(key);
    if (k === undefined) return false;
    if (MERGED.get(target)?.has(k)) return true;
    mergeWrite = k;
    return false;
  },
  addPair: (target, key, value) => {
    const error = mapTag.addPair(target, key, value);
    if (error) return error;
    const k = keyText(key) as string;
    if (mergeWrite === k) {
      let merged = MERGED.get(target);
      if (!merged) MERGED.set(target, (merged = new Set()));
      merged.add(k);
    } else MERGED.get(target)?.delete(k);
    mergeWrite = undefined;
    return '';
  },
});

/** Starts a document afresh: a load that failed half-way may have left a `<<` counted and not applied. */
export function forgetMergeKeys(): void {
  mergeKeysPending = 0;
  merging = undefined;
  mergeWrite = undefined;
}

/** The `<<` key, counted as it is read, so that the merge it starts is known for the first of its mappings. */
export const countedMergeTag = defineScalarTag<'<<'>(mergeTag.tagName, {
  implicit: true,
  implicitFirstChars: ['<'],
  resolve: (source, isExplicit, tagName) => {
    const value = mergeTag.resolve(source, isExplicit, tagName);
    if (value !== NOT_RESOLVED) mergeKeysPending++;
    return value;
  },
  identify: mergeTag.identify,
  represent: mergeTag.represent,
});
