import { isActive, type Finding } from '../core/finding.js';
import { summarize, type Report } from '../core/report.js';
import type { InputError } from '../core/errors.js';
import { LIVE_KINDS, qualifiedResource } from '../ingest/kube-kinds.js';
import type { StoredScan } from '../store/index.js';

/**
 * Why a finding of an earlier scan stands in a later one: the later read could not read what the
 * finding may rest on (a kind the cluster refused to list, a file that did not parse), so it decided
 * nothing about it. Kept in the finding's `evidence.notRechecked`.
 */
export interface NotRechecked {
  /** The scan that last decided the finding. */
  lastCheckedScan: number;
  /** What the read could not read: kinds (`ClusterRoleBinding`) or files. */
  unread: string[];
}

export function notRecheckedOf(f: Finding): NotRechecked | undefined {
  const value = f.evidence.notRechecked as Partial<NotRechecked> | undefined;
  if (typeof value !== 'object' || value === null || typeof value.lastCheckedScan !== 'number' || !Array.isArray(value.unread)) return undefined;
  return { lastCheckedScan: value.lastCheckedScan, unread: value.unread.filter((u): u is string => typeof u === 'string') };
}

/**
 * For an active finding of the previous scan that this scan does not have: the unread inputs it may
 * rest on, when this scan could not decide it; undefined when it could (the finding is fixed).
 * `waiting` is set when the finding was itself carried into the previous scan.
 */
export type Undecided = (f: Finding, waiting: NotRechecked | undefined) => readonly string[] | undefined;

export interface CarriedReport {
  report: Report;
  carried: number;
}

const resourceKey = (f: Finding) => `${f.resource.kind}/${f.resource.namespace ?? ''}/${f.resource.name}`;

/**
 * The objects of the carried findings this read did not see (none of its findings is on them): they
 * still count toward the estate's size, so that the score, relative to that size, does not move on a gap.
 */
function unreadResources(current: readonly Finding[], carried: readonly Finding[]): number {
  const seen = new Set(current.map(resourceKey));
  return new Set(carried.map(resourceKey).filter((k) => !seen.has(k))).size;
}

/**
 * The report with the previous scan's findings that this scan could not decide carried over, marked
 * as not re-checked, so that what a read missed never shows as fixed: the score, the counts, the diff
 * and the PolicyReports all go on counting them until a read decides them again.
 */
export function carryOver(current: Report, previous: StoredScan | undefined, undecided: Undecided, source: string): CarriedReport {
  if (!previous) return { report: current, carried: 0 };
  const present = new Set(current.findings.map((f) => f.id));
  const carried: Finding[] = [];
  const unreadNamed = new Set<string>();
  for (const f of previous.report.findings) {
    if (!isActive(f) || present.has(f.id)) continue;
    const waiting = notRecheckedOf(f);
    const unread = undecided(f, waiting);
    if (unread === undefined || unread.length === 0) continue;
    for (const u of unread) unreadNamed.add(u);
    const mark: NotRechecked = { lastCheckedScan: waiting?.lastCheckedScan ?? previous.scan.id, unread: [...unread] };
    carried.push({ ...f, evidence: { ...f.evidence, notRechecked: mark } });
  }
  if (carried.length === 0) return { report: current, carried: 0 };
  const findings = [...current.findings, ...carried];
  const resources = current.summary.resources + unreadResources(current.findings, carried);
  const note = {
    source,
    message: `${carried.length} ${carried.length === 1 ? 'finding' : 'findings'} of earlier scans carried over, not re-checked: ${[...unreadNamed].sort().join(', ')} could not be read, so this scan decides nothing about what rests on them (evidence.notRechecked names the scan that last did)`,
  };
  return { report: { ...current, findings, summary: summarize(findings, resources), notes: [...current.notes, note] }, carried: carried.length };
}

const KIND_OF_RESOURCE = new Map(LIVE_KINDS.map((k) => [qualifiedResource(k), k.kind]));

/**
 * The kinds whose lists a cluster read's errors say could not be read (`cannot list
 * clusterrolebindings.rbac.authorization.k8s.io: forbidden ...`). Read from the words, since a stored
 * report keeps nothing else, so that the last stored scan and this one are read alike.
 */
export function unreadKinds(errors: readonly InputError[]): Set<string> {
  const kinds = new Set<string>();
  for (const e of errors) {
    const resource = /^cannot list ([^\s:]+)/.exec(e.message)?.[1];
    const kind = resource !== undefined ? KIND_OF_RESOURCE.get(resource) : undefined;
    if (kind !== undefined) kinds.add(kind);
  }
  return kinds;
}

/**
 * Which findings a cluster read with unread kinds cannot decide. The rules read kinds besides their
 * own (a binding makes a workload's account an admin), so which finding rests on which kind is not
 * known: when a kind the last scan read is unread now, every finding of the last scan this read lacks
 * waits for that kind; a finding already waiting goes on waiting while its kinds stay unread. A kind
 * unread at both reads decides nothing either way, so the two compare as they are.
 */
export function undecidedByKinds(now: ReadonlySet<string>, before: ReadonlySet<string>) {
  const newly = [...now].filter((k) => !before.has(k)).sort();
  return (_f: Finding, waiting: NotRechecked | undefined): string[] | undefined => {
    if (waiting) {
      const still = waiting.unread.filter((k) => now.has(k));
      return still.length ? still : undefined;
    }
    return newly.length ? newly : undefined;
  };
}

/** Findings located in a file this read could not parse are not decided by it. */
export function undecidedByFiles(errors: readonly InputError[]) {
  const failed = new Set(errors.map((e) => e.source));
  return (f: Finding): string[] | undefined => {
    const file = f.location?.file;
    return file !== undefined && failed.has(file) ? [file] : undefined;
  };
}
