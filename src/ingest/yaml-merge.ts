import { defineMappingTag, defineScalarTag, EVENT_ALIAS, EVENT_DOCUMENT, EVENT_MAPPING, EVENT_POP, EVENT_SCALAR, EVENT_SEQUENCE, getScalarValue, mapTag, mergeTag, NOT_RESOLVED, parseEvents, SCALAR_STYLE_PLAIN } from 'js-yaml';

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

/** How many of the merged mapping's keys js-yaml has still to ask about, while a merge is applied. */
let mergeLeft = 0;
/**
 * Something other than a merge happened since the last merged mapping was applied (a key was read or
 * written, a mapping begun, a `<<` read): the next merged mapping starts a new `<<`, not the next
 * mapping of the same list. js-yaml applies the mappings of one `<<` list one after the other, with
 * nothing read between them.
 */
let boundary = true;
/** The merged mapping being applied is the first of its `<<`, until it writes into its target. */
let fresh = false;
/** The mapping the last merged mapping was applied to. */
let runTarget: object | undefined;
/** A merge ran in this load: until then no write needs recording. */
let anyMerge = false;
/** The key a merge is about to write. */
let mergeWrite: string | undefined;
/** The keys of a mapping that a merged mapping of its current `<<` wrote: the later mappings of that list leave them. */
const MERGED = new WeakMap<object, Set<string>>();

/** The key as the object holds it; undefined for a complex key, which a plain object cannot hold. */
function keyText(key: unknown): string | undefined {
  return key !== null && typeof key === 'object' ? undefined : String(key);
}

export const goYamlMapTag = defineMappingTag<Record<string, unknown>>(mapTag.tagName, {
  create: () => {
    boundary = true;
    return {};
  },
  identify: mapTag.identify,
  represent: mapTag.represent,
  get: mapTag.get,
  keys: (source) => {
    const keys = [...mapTag.keys(source)];
    if (boundary) fresh = true;
    boundary = false;
    anyMerge = true;
    mergeLeft = keys.length;
    return keys;
  },
  has: (target, key) => {
    if (mergeLeft === 0) {
      boundary = true;
      return mapTag.has(target, key);
    }
    mergeLeft--;
    // A new `<<` (or a merge into another mapping) overwrites what an earlier `<<` merged, as any later key does.
    if (fresh || target !== runTarget) {
      MERGED.delete(target);
      fresh = false;
      runTarget = target;
    }
    const k = keyText(key);
    if (k === undefined) return false;
    if (MERGED.get(target)?.has(k)) return true;
    mergeWrite = k;
    return false;
  },
  addPair: (target, key, value) => {
    const error = mapTag.addPair(target, key, value);
    if (error || !anyMerge) return error;
    const k = keyText(key) as string;
    if (mergeWrite === k) {
      let merged = MERGED.get(target);
      if (!merged) MERGED.set(target, (merged = new Set()));
      merged.add(k);
    } else {
      boundary = true;
      MERGED.get(target)?.delete(k);
    }
    mergeWrite = undefined;
    return '';
  },
});

/** Starts a document afresh: a load that failed half-way may have left a merge half applied. */
export function forgetMergeKeys(): void {
  mergeLeft = 0;
  boundary = true;
  fresh = false;
  runTarget = undefined;
  anyMerge = false;
  mergeWrite = undefined;
}

/**
 * The `<<` key, plain (go-yaml merges only the scalar `<<`: an explicit `!!merge ""` is the key "" to
 * it, so it is refused here), and a boundary between merges.
 */
export const countedMergeTag = defineScalarTag<'<<'>(mergeTag.tagName, {
  implicit: true,
  implicitFirstChars: ['<'],
  resolve: (source, isExplicit, tagName) => {
    if (source !== '<<') return NOT_RESOLVED;
    boundary = true;
    return mergeTag.resolve(source, isExplicit, tagName);
  },
  identify: mergeTag.identify,
  represent: mergeTag.represent,
});

/** The spellings of the merge tag itself, which both readers take for a merge. */
const MERGE_TAGS: ReadonlySet<string> = new Set(['!!merge', '!<tag:yaml.org,2002:merge>']);

/**
 * Where a `<<` key is written so that go-yaml and js-yaml read it apart: with any tag but the merge tag
 * (`! <<:` and its verbatim spellings `!<!>`, `!<%21>` are a merge key to go-yaml and a plain key to
 * js-yaml), or as an alias of a plain `<<` (`&m <<` then `*m :` is a plain key to go-yaml and a merge to
 * js-yaml). Only keys count: a `<<` value is read alike. Read from the parser's events, so that a `<<`
 * in a string or a block scalar (a shell here-document) counts for nothing; a text without `!` or `&`
 * has neither. Undefined when there is none, and for text that does not parse, whose error the load
 * reports.
 */
export function ambiguousMergeKey(text: string, maxDepth: number): number | undefined {
  if (!text.includes('<<') || (!text.includes('!') && !text.includes('&'))) return undefined;
  let events: ReturnType<typeof parseEvents>;
  try {
    events = parseEvents(text, { maxDepth });
  } catch {
    return undefined;
  }
  // Per open collection, whether it is a mapping and how many nodes it holds so far: even ones are keys.
  const open: Array<{ mapping: boolean; nodes: number }> = [];
  const isKey = () => {
    const top = open[open.length - 1];
    if (!top) return false;
    return top.mapping && top.nodes++ % 2 === 0;
  };
  const mergeAnchors = new Set<string>();
  for (const e of events) {
    if (e.type === EVENT_POP) open.pop();
    else if (e.type === EVENT_DOCUMENT) open.push({ mapping: false, nodes: 0 });
    else if (e.type === EVENT_MAPPING || e.type === EVENT_SEQUENCE) {
      isKey();
      open.push({ mapping: e.type === EVENT_MAPPING, nodes: 0 });
    } else if (e.type === EVENT_ALIAS) {
      if (isKey() && mergeAnchors.has(text.slice(e.anchorStart, e.anchorEnd))) return e.anchorStart;
    } else if (e.type === EVENT_SCALAR) {
      const key = isKey();
      if (e.valueEnd - e.valueStart > 4 || getScalarValue(text, e) !== '<<') continue;
      const tag = e.tagStart >= 0 ? text.slice(e.tagStart, e.tagEnd) : undefined;
      if (key && tag !== undefined && !MERGE_TAGS.has(tag)) return e.valueStart;
      if (tag === undefined && e.style === SCALAR_STYLE_PLAIN && e.anchorStart >= 0) mergeAnchors.add(text.slice(e.anchorStart, e.anchorEnd));
    }
  }
  return undefined;
}
