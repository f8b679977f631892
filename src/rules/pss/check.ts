import { Memo } from '../../core/memo.js';
import type { FrameworkRef } from '../../core/frameworks.js';
import { asObj, type Obj } from '../../core/resource.js';
import { defineRule, type Rule, type RuleCel, type RuleMeta } from '../../core/rule.js';
import { containersOf, type ContainerView, type PodView } from '../../core/workload.js';

export { inUserNamespace, isWindowsPod } from '../../core/workload.js';
export { CEL_USER_NAMESPACE, CEL_WINDOWS_POD } from '../../core/cel.js';

/** A Pod Security Standards version, `[major, minor]`. */
export type PssVersion = readonly [number, number];

/** The newest policy version whose semantics Palisade implements; `latest` means this one. */
export const LATEST_PSS_VERSION: PssVersion = [1, 37];

export type PssLevel = 'baseline' | 'restricted';

/** One offending field: a finding in `palisade scan`, a fragment of the verdict in `palisade pss`. */
export interface PssItem {
  field: string;
  container?: string;
  message: string;
  observed?: unknown;
  expected?: unknown;
  /** Cross-references of this item alone (besides the `pss` one), when they differ per field. */
  frameworks?: FrameworkRef[];
}

/** A check's refusal, worded like the Pod Security Admission message: `reason (detail)`. */
export interface PssOutcome {
  reason: string;
  detail: string;
  items: PssItem[];
}

/** One behaviour of a check, in force from `since` until the next entry's `since`. */
export interface PssVersionedCheck {
  since: PssVersion;
  /** Checks this one replaces at the restricted level while it is in force. */
  overrides?: readonly PssCheck[];
  evaluate(pod: PodView): PssOutcome | undefined;
  /**
   * The same behaviour as CEL (see `CelValidation`): true exactly when `evaluate` finds nothing. Kept
   * beside `evaluate` so that a change to one is a change to both; test/admission checks they agree.
   */
  cel: string;
}

/** A Pod Security Admission check under its upstream id, with its version history (newest last). */
export interface PssCheck {
  id: string;
  level: PssLevel;
  versions: readonly PssVersionedCheck[];
}

export interface PssRule extends Rule {
  pss: PssCheck;
}

export function compareVersions(a: PssVersion, b: PssVersion): number {
  return a[0] - b[0] || a[1] - b[1];
}

export function formatVersion(v: PssVersion): string {
  return `v${v[0]}.${v[1]}`;
}

/** Parses `latest`, `v1.30` or `1.30`. Versions newer than the newest known behave like it, as upstream does. */
export function parsePssVersion(text: string): PssVersion | undefined {
  if (text === 'latest') return LATEST_PSS_VERSION;
  // Pod Security Admission's form, `v1.N` without leading zeros (the `v` may be left out here): `v1.025`
  // and `v2.0` name no version it knows, and are refused rather than read as another one.
  const m = /^v?(1)\.(0|[1-9]\d*)$/.exec(text);
  if (!m) return undefined;
  const v: PssVersion = [Number(m[1]), Number(m[2])];
  return compareVersions(v, LATEST_PSS_VERSION) > 0 ? LATEST_PSS_VERSION : v;
}

let lastSetting: string | undefined;
let lastVersion: PssVersion = LATEST_PSS_VERSION;

/** The version a scan's settings ask for; the CLI has already refused invalid ones. Parsed once per setting. */
export function settingsVersion(setting: string): PssVersion {
  if (setting !== lastSetting) {
    lastVersion = parsePssVersion(setting) ?? LATEST_PSS_VERSION;
    lastSetting = setting;
  }
  return lastVersion;
}

/** The behaviour of a check at a version, or undefined when the check did not exist yet. */
export function versionedCheck(check: PssCheck, version: PssVersion): PssVersionedCheck | undefined {
  let found: PssVersionedCheck | undefined;
  for (const v of check.versions) if (compareVersions(v.since, version) <= 0) found = v;
  return found;
}

// CEL fragments shared by the checks' `cel` forms.

/** The pod securityContext, as a CEL optional. */
export const CEL_POD_SC = 'variables.spec.?securityContext';
/** A container's securityContext (the container is `c`), as a CEL optional. */
export const CEL_SC = 'c.?securityContext';

/** CEL: every container (init, regular, ephemeral) passes `test`, which reads the container as `c`. */
export function celEveryContainer(test: string): string {
  return `variables.containers.all(c, ${test})`;
}

// Helpers shared by the checks, mirroring how the API types read.

export function podSecurityContext(pod: PodView): Obj | undefined {
  return asObj(pod.spec.securityContext);
}

export function securityContext(c: ContainerView): Obj | undefined {
  return asObj(c.spec.securityContext);
}

const VISIT_ORDER = new Memo<PodView, readonly ContainerView[]>();

/** Every container, in the order Pod Security Admission visits them: init, regular, ephemeral. */
export function allContainers(pod: PodView): readonly ContainerView[] {
  return VISIT_ORDER.of(pod, (p) => {
    const all = containersOf(p);
    return [...all.filter((c) => c.kind === 'initContainers'), ...all.filter((c) => c.kind !== 'initContainers')];
  });
}

/** A manifest value as text for a message, whatever its type (hostile input may put objects anywhere). */
export function display(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  try {
    return JSON.stringify(v) ?? typeof v;
  } catch {
    return typeof v;
  }
}

export function joinQuote(items: readonly string[]): string {
  return items.map((s) => JSON.stringify(s)).join(', ');
}

export function pluralize(singular: string, plural: string, n: number): string {
  return n === 1 ? singular : plural;
}

export function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/** Container names of the items, de-duplicated, in order. */
export function containerNames(items: readonly PssItem[]): string[] {
  return unique(items.flatMap((i) => (i.container !== undefined ? [i.container] : [])));
}

/**
 * A check's outcome, undefined when nothing offends. Checks return undefined before building the
 * detail when they found nothing: most pods pass, and a scan runs every check on every pod.
 */
export function outcome(reason: string, detail: string, items: PssItem[]): PssOutcome | undefined {
  return items.length ? { reason, detail, items } : undefined;
}

// A restricted rule re-reads what the baseline check it replaces found on the same pod; both run
// on every pod of a scan, so each check's outcome is computed once per pod. Kept in an array by the
// check's number (a Map per pod grew and rehashed on every pod).
const NOT_YET = Symbol('not evaluated yet');
const OUTCOMES = new Memo<PodView, Array<PssOutcome | undefined | typeof NOT_YET>>();
const CHECK_NUMBERS = new Map<PssVersionedCheck, number>();

function outcomeFor(check: PssVersionedCheck, pod: PodView): PssOutcome | undefined {
  let n = CHECK_NUMBERS.get(check);
  if (n === undefined) CHECK_NUMBERS.set(check, (n = CHECK_NUMBERS.size));
  let perPod = OUTCOMES.get(pod);
  if (!perPod) OUTCOMES.set(pod, (perPod = []));
  while (perPod.length <= n) perPod.push(NOT_YET);
  const known = perPod[n];
  if (known !== NOT_YET) return known;
  const result = check.evaluate(pod);
  perPod[n] = result;
  return result;
}

/** The scan rule of each check; a replaced check's rule is defined before the check that replaces it. */
const RULE_IDS = new WeakMap<PssCheck, string>();

export interface PssRuleDefinition {
  meta: Omit<RuleMeta, 'frameworks' | 'pillar'> & { frameworks?: FrameworkRef[] };
  check: PssCheck;
  /** Hardening rules that report the same fields with more nuance; when they run, they own the field. */
  supersedes?: readonly string[];
}

/**
 * A Pod Security check as a scan rule: the rule applies the check at the configured policy version
 * and reports one finding per offending field. The `pss` framework reference names the upstream id.
 */
export function pssRule(def: PssRuleDefinition): PssRule {
  const { check } = def;
  const pssRef: FrameworkRef = { framework: 'pss', level: check.level, id: check.id };
  const rule = defineRule({
    meta: {
      ...def.meta,
      pillar: 'configuration',
      frameworks: [pssRef, ...(def.meta.frameworks ?? [])],
    },
    target: { pods: true },
    check(ctx) {
      const pod = ctx.pod();
      const version = settingsVersion(ctx.settings.pssVersion);
      const behaviour = versionedCheck(check, version);
      if (!pod || !behaviour) return;
      const result = outcomeFor(behaviour, pod);
      if (!result) return;
      for (const item of result.items) {
        // One fixed shape, no spreads: an absent container or frameworks reads as undefined either way.
        ctx.report({
          field: item.field,
          container: item.container,
          message: item.message,
          evidence: { observed: item.observed, expected: item.expected },
          frameworks: item.frameworks ? [pssRef, ...item.frameworks] : undefined,
        });
      }
    },
  });
  // The rule ids of the checks this one replaces at restricted (the engine drops double reports).
  const supersedes = [
    ...[...new Set(check.versions.flatMap((v) => v.overrides ?? []))].map((c) => RULE_IDS.get(c)).filter((id): id is string => id !== undefined),
    ...(def.supersedes ?? []),
  ];
  RULE_IDS.set(check, def.meta.id);
  // The CEL form of the behaviour in force at the configured version, as check() picks it.
  const cel: RuleCel = {
    validation(settings) {
      const version = settingsVersion(settings.pssVersion);
      const behaviour = versionedCheck(check, version);
      if (behaviour) return { expression: behaviour.cel };
      const first = check.versions[0];
      return { inactive: `Pod Security Standards ${formatVersion(version)} do not have the ${check.id} check${first ? ` (it exists from ${formatVersion(first.since)})` : ''}` };
    },
  };
  return { ...rule, pss: check, cel, ...(supersedes.length ? { supersedes } : {}) };
}
