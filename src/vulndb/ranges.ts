import type { OsvAffected, OsvEvent, OsvRange } from './osv.js';
import { ecosystemOrder, rangeOrder } from './ordering.js';
import type { VersionComparator } from './versions/index.js';

/**
 * OSV's affected-version semantics (https://ossf.github.io/osv-schema/#evaluation): a version is
 * affected by an `affected[]` entry when it is listed in `versions` or falls inside one of its
 * ECOSYSTEM/SEMVER ranges. Inside a range, events are sorted by version and walked: `introduced`
 * opens an interval (`"0"` = from the beginning), `fixed` closes it before that version,
 * `last_affected` closes it after that version, `limit` bounds the whole range. GIT ranges name
 * commits, not installed versions, and are not evaluated.
 */

export interface RangeVerdict {
  affected: boolean;
  /** Fix versions of the intervals the version falls in (empty when unfixed or matched by list only). */
  fixed: string[];
}

type Kind = 'introduced' | 'fixed' | 'last_affected' | 'limit';
interface Event {
  kind: Kind;
  version: string;
}

function eventOf(e: OsvEvent): Event | undefined {
  for (const kind of ['introduced', 'fixed', 'last_affected', 'limit'] as const) {
    const version = e[kind];
    if (version !== undefined) return { kind, version };
  }
  return undefined;
}

/** Whether an event's version is an ordinary version (not the `0` / `*` sentinels). */
function isSentinel(e: Event): boolean {
  return (e.kind === 'introduced' && e.version === '0') || (e.kind === 'limit' && e.version === '*');
}

function sortEvents(events: Event[], order: VersionComparator): Event[] {
  const rank = (e: Event) => (e.kind === 'introduced' && e.version === '0' ? -1 : e.kind === 'limit' && e.version === '*' ? 1 : 0);
  return events
    .map((e, i) => ({ e, i }))
    .sort((x, y) => rank(x.e) - rank(y.e) || (rank(x.e) === 0 ? order.compare(x.e.version, y.e.version) : 0) || x.i - y.i)
    .map((x) => x.e);
}

/** One range against one version. Undefined when the range cannot be evaluated (GIT, no comparator, unorderable event). */
export function evaluateRange(range: OsvRange, ecosystem: string, version: string): RangeVerdict | undefined {
  const order = rangeOrder(range.type, ecosystem);
  if (!order) return undefined;
  if (!order.isValid(version)) return { affected: false, fixed: [] };
  const events: Event[] = [];
  for (const raw of range.events) {
    const e = eventOf(raw);
    if (!e) continue;
    // A bound that cannot be ordered makes the whole range unreadable; guessing would invent or hide findings.
    if (!isSentinel(e) && !order.isValid(e.version)) return undefined;
    events.push(e);
  }
  const sorted = sortEvents(events, order);
  for (const e of sorted) if (e.kind === 'limit' && !isSentinel(e) && order.compare(version, e.version) >= 0) return { affected: false, fixed: [] };
  let affected = false;
  let openedAt = -1;
  for (const [i, e] of sorted.entries()) {
    if (e.kind === 'introduced') {
      if (isSentinel(e) || order.compare(version, e.version) >= 0) {
        if (!affected) openedAt = i;
        affected = true;
      }
    } else if (e.kind === 'fixed') {
      if (order.compare(version, e.version) >= 0) affected = false;
    } else if (e.kind === 'last_affected') {
      if (order.compare(version, e.version) > 0) affected = false;
    }
  }
  if (!affected) return { affected: false, fixed: [] };
  // The interval the version is in closes at the first fixed/last_affected after its introduced event.
  const close = sorted.slice(openedAt + 1).find((e) => e.kind === 'fixed' || e.kind === 'last_affected');
  return { affected: true, fixed: close?.kind === 'fixed' ? [close.version] : [] };
}

/** Whether an explicit `versions` list names this version (exactly, or equal under the ecosystem's ordering). */
export function listed(versions: readonly string[] | undefined, ecosystem: string, version: string): boolean {
  if (!versions || versions.length === 0) return false;
  if (versions.includes(version)) return true;
  const order = ecosystemOrder(ecosystem);
  return order !== undefined && versions.some((v) => order.isValid(v) && order.compare(v, version) === 0);
}

/** One `affected[]` entry against one version (the caller has checked ecosystem and name). */
export function evaluateAffected(entry: OsvAffected, ecosystem: string, version: string): RangeVerdict {
  const order = ecosystemOrder(ecosystem);
  // Invalid versions never match, not even through a list that happens to contain the same text.
  if (order && !order.isValid(version)) return { affected: false, fixed: [] };
  const fixed = new Set<string>();
  let affected = false;
  for (const r of entry.ranges ?? []) {
    const v = evaluateRange(r, ecosystem, version);
    if (v?.affected) {
      affected = true;
      for (const f of v.fixed) fixed.add(f);
    }
  }
  if (!affected && listed(entry.versions, ecosystem, version)) affected = true;
  return { affected, fixed: [...fixed] };
}
