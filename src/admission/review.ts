import { isDeepStrictEqual } from 'node:util';
import type { ExceptionConfig } from '../core/config.js';
import type { Finding } from '../core/finding.js';
import { isActive } from '../core/finding.js';
import { globMatch } from '../core/glob.js';
import { asObj, asString, isObj, toResource, type Obj, type Resource } from '../core/resource.js';
import type { Rule } from '../core/rule.js';
import type { RuleSettings } from '../core/settings.js';
import { atLeast, severityRank, type Severity } from '../core/severity.js';
import { createSuppressor } from '../core/suppress.js';
import { podSpecParts, walkPath } from '../core/workload.js';
import { complete, ObjectEvaluator } from './object-evaluator.js';

export const WEBHOOK_MODES = ['enforce', 'warn', 'audit'] as const;
export type WebhookMode = (typeof WEBHOOK_MODES)[number];

const API_VERSION = 'admission.k8s.io/v1';

/** What the webhook decides with: fixed for the life of the process. */
export interface ReviewPolicy {
  rules: readonly Rule[];
  settings: RuleSettings;
  exceptions: readonly ExceptionConfig[];
  allowIgnoreAnnotation: boolean;
  aksManaged: boolean;
  mode: WebhookMode;
  /** Findings of this severity or worse are violations; the others pass silently. */
  failOn: Severity;
  /** Namespace globs whose objects are admitted unexamined. */
  exemptNamespaces: readonly string[];
  /** User name globs (`system:serviceaccount:flux-system:*`) whose requests are admitted unexamined. */
  exemptUsers: readonly string[];
}

/** The part of an AdmissionReview v1 request the webhook reads. */
export interface AdmissionRequest {
  uid: string;
  operation?: string;
  namespace?: string;
  name?: string;
  /** `ephemeralcontainers`, `resize`, `status`... for a request on a subresource. */
  subResource?: string;
  dryRun?: boolean;
  object?: unknown;
  /** The object before an UPDATE. */
  oldObject?: unknown;
  userInfo?: { username?: string };
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; reason: string; message: string };
  warnings?: string[];
  auditAnnotations?: Record<string, string>;
}

/** How a request ended, for the metrics: the violations found and why nothing was examined. */
export interface ReviewOutcome {
  response: AdmissionResponse;
  violations: Finding[];
  /** Set when the object was admitted without evaluation. */
  skipped?: 'operation' | 'exempt-namespace' | 'exempt-user' | 'no-object' | 'pod-unchanged';
  /** Rules that threw on the object; the object is judged on the others. */
  errors: string[];
}

/** Reads a decoded body as an AdmissionReview v1 request, or says what is wrong with it. */
export function parseAdmissionReview(body: unknown): { request: AdmissionRequest } | { error: string } {
  if (!isObj(body)) return { error: 'the body is not a JSON object' };
  if (body.kind !== 'AdmissionReview') return { error: `expected kind AdmissionReview, got ${JSON.stringify(body.kind ?? null)}` };
  if (body.apiVersion !== API_VERSION) return { error: `expected apiVersion ${API_VERSION}, got ${JSON.stringify(body.apiVersion ?? null)}` };
  const request = asObj(body.request);
  if (!request) return { error: 'the AdmissionReview has no request' };
  const uid = request.uid;
  if (typeof uid !== 'string' || uid === '') return { error: 'request.uid is missing' };
  const user = asObj(request.userInfo);
  const username = asString(user?.username);
  const operation = asString(request.operation);
  const namespace = asString(request.namespace);
  const name = asString(request.name);
  const subResource = asString(request.subResource);
  return {
    request: {
      uid,
      ...(operation !== undefined ? { operation } : {}),
      ...(namespace !== undefined ? { namespace } : {}),
      ...(name !== undefined ? { name } : {}),
      ...(subResource ? { subResource } : {}),
      ...(request.dryRun === true ? { dryRun: true } : {}),
      ...(request.object !== undefined ? { object: request.object } : {}),
      ...(request.oldObject !== undefined && request.oldObject !== null ? { oldObject: request.oldObject } : {}),
      ...(username !== undefined ? { userInfo: { username } } : {}),
    },
  };
}

/** Wraps a response in the AdmissionReview v1 envelope the API server expects back. */
export function admissionReviewResponse(response: AdmissionResponse): Obj {
  return { apiVersion: API_VERSION, kind: 'AdmissionReview', response };
}

/**
 * Decides one request: the workload rules run on the admitted object alone (an Inventory of that one
 * object, so rules that join other objects see none; see object-evaluator.ts), the config's
 * exceptions and `palisade.io/ignore` annotations apply as in a scan, and the mode turns violations
 * into a refusal, warnings or audit annotations. The decision does not depend on `dryRun`: the API server must get the same answer
 * whether or not it will persist the object, and the webhook has no side effects to skip.
 *
 * An UPDATE is judged only when it changes the pod (a Pod's spec, a controller's pod template), as the
 * generated admission policies do: scaling an old ReplicaSet down, removing a finalizer or adding a
 * label must go through on objects admitted before enforcement, or rollouts that fix them stall and
 * deletions hang. An update of the `ephemeralcontainers` or `resize` subresource is judged on what it
 * adds: `kubectl debug` with a sound debug container goes through on a pod that already violates.
 */
export function reviewRequest(request: AdmissionRequest, policy: ReviewPolicy, now: Date = new Date()): ReviewOutcome {
  const allow = (skipped: ReviewOutcome['skipped']): ReviewOutcome => ({ response: { uid: request.uid, allowed: true }, violations: [], ...(skipped ? { skipped } : {}), errors: [] });
  // DELETE and CONNECT carry no new object to judge; refusing them would only keep bad objects around.
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return allow('operation');
  const username = request.userInfo?.username;
  if (username !== undefined && policy.exemptUsers.some((g) => globMatch(g, username))) return allow('exempt-user');
  const object = asObj(request.object);
  const meta = asObj(object?.metadata);
  const namespace = request.namespace ?? asString(meta?.namespace);
  if (namespace !== undefined && policy.exemptNamespaces.some((g) => globMatch(g, namespace))) return allow('exempt-namespace');
  const resource = requestResource(object, namespace);
  if (!resource) return allow('no-object');
  const before = request.operation === 'UPDATE' ? requestResource(asObj(request.oldObject), namespace) : undefined;
  const judgesAdditions = before !== undefined && ADDING_SUBRESOURCES.has(request.subResource ?? '');
  if (before && !judgesAdditions && !podChanged(before, resource)) return allow('pod-unchanged');
  const judge = (r: Resource) => {
    const suppressor = createSuppressor({
      exceptions: policy.exceptions,
      allowAnnotations: policy.allowIgnoreAnnotation,
      aksManaged: policy.aksManaged,
      now,
      configSource: 'config',
    });
    const { findings, errors } = evaluatorFor(policy.rules, policy.failOn).evaluate(r, policy.settings, suppressor);
    const reaching = findings.filter((f) => atLeast(f.severity, policy.failOn));
    return { violations: reaching.filter(isActive), excused: reaching.filter((f) => f.suppressed && f.suppressed.kind !== 'provider-managed'), errors };
  };
  const judged = judge(resource);
  const { errors } = judged;
  let violations = judged.violations;
  if (judgesAdditions && before) {
    const had = new Set(judge(before).violations.map(violationKey));
    violations = violations.filter((f) => !had.has(violationKey(f)));
  }
  complete(violations, resource);
  const response: AdmissionResponse = { uid: request.uid, allowed: true };
  // What an exception or annotation let through is written to the audit log in every mode: an
  // exemption at admission must leave a trace.
  const excused = judgesAdditions ? [] : judged.excused;
  if (excused.length > 0) response.auditAnnotations = { [SUPPRESSED_KEY]: excusedText(excused) };
  if (violations.length > 0) {
    if (policy.mode === 'enforce') {
      response.allowed = false;
      response.status = { code: 403, reason: 'Forbidden', message: denialMessage(resource.kind, namespace, resource.name, violations) };
    } else if (policy.mode === 'warn') {
      response.warnings = warningsFor(violations);
    } else {
      response.auditAnnotations = { ...response.auditAnnotations, ...auditAnnotations(violations) };
    }
  }
  return { response, violations, errors };
}

/** Subresources whose updates add to a pod rather than change it: judged on what they add. */
const ADDING_SUBRESOURCES: ReadonlySet<string> = new Set(['ephemeralcontainers', 'resize']);

function requestResource(object: Obj | undefined, namespace: string | undefined): Resource | undefined {
  const meta = asObj(object?.metadata);
  // The API server sends the namespace in the request; a created object's metadata may lack it.
  const withNamespace = object && namespace !== undefined && meta && meta.namespace === undefined ? { ...object, metadata: { ...meta, namespace } } : object;
  return withNamespace ? toResource(withNamespace, { file: 'admission-request', line: 1 }) : undefined;
}

/**
 * Whether an update changes what pods run: a Pod's spec, or a controller's pod template (its labels
 * and annotations included, which pods inherit). Objects that bear no pod are always judged.
 */
function podChanged(before: Resource, after: Resource): boolean {
  const parts = podSpecParts(after.kind);
  if (!parts) return true;
  const compared = after.kind === 'Pod' ? parts : parts.slice(0, -1);
  // Key order is not a change: the deep equality compares own keys whatever their order.
  return !isDeepStrictEqual(walkPath(before.object, compared), walkPath(after.object, compared));
}

/** What the finding's id is made of, before `complete` makes the id: the same violation on the old and the new object. */
function violationKey(f: Finding): string {
  return `${f.rule}\u0000${f.container ?? ''}\u0000${f.field ?? ''}`;
}

// One evaluator per rule list and threshold, made on the first request: a webhook's policy is fixed for its life.
const EVALUATORS = new WeakMap<readonly Rule[], Map<Severity, ObjectEvaluator>>();

function evaluatorFor(rules: readonly Rule[], failOn: Severity): ObjectEvaluator {
  let byThreshold = EVALUATORS.get(rules);
  if (!byThreshold) EVALUATORS.set(rules, (byThreshold = new Map()));
  let evaluator = byThreshold.get(failOn);
  if (!evaluator) byThreshold.set(failOn, (evaluator = new ObjectEvaluator(rules, failOn)));
  return evaluator;
}

/** One line per violated rule, most severe first, each rule once (its first finding speaks for it). */
function byRule(violations: readonly Finding[]): Finding[] {
  const seen = new Map<string, Finding>();
  for (const f of violations) if (!seen.has(f.rule)) seen.set(f.rule, f);
  return [...seen.values()].sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.rule.localeCompare(b.rule));
}

function denialMessage(kind: string, namespace: string | undefined, name: string, violations: readonly Finding[]): string {
  const lines = byRule(violations).map((f) => `${f.rule} (${f.severity}): ${f.message}`);
  return `palisade refused ${kind} ${namespace ? `${namespace}/` : ''}${name}: ${lines.join('; ')}`;
}

// The API server truncates long warnings and drops them past a total size; keep each readable on its own.
const MAX_WARNING = 240;
// Past 4096 characters of warnings from all webhooks together the API server drops the rest: leave
// the other webhooks room, and say how many rules were left out rather than lose them silently.
const MAX_WARNINGS_TOTAL = 2048;

function warningText(f: Finding): string {
  const text = `palisade ${f.rule} (${f.severity}): ${f.message}`;
  return text.length > MAX_WARNING ? `${text.slice(0, MAX_WARNING - 3)}...` : text;
}

/** One warning per violated rule, most severe first, within the budget. */
function warningsFor(violations: readonly Finding[]): string[] {
  const rules = byRule(violations);
  const out: string[] = [];
  let used = 0;
  for (const [i, f] of rules.entries()) {
    const text = warningText(f);
    const rest = rules.length - i - 1;
    const reserve = rest > 0 ? 64 : 0;
    if (used + text.length + reserve > MAX_WARNINGS_TOTAL) {
      out.push(`palisade: ${rules.length - i} more rule(s) violated; run palisade scan on the object to see them all`);
      break;
    }
    out.push(text);
    used += text.length;
  }
  return out;
}

/**
 * Audit annotation keys become `<webhook name>/<key>` in the audit event, so a key must be a qualified
 * name's name part: 63 characters of letters, digits, `-`, `_` and `.`. A rule id's `/` becomes `.`.
 */
export function auditKey(ruleId: string): string {
  return ruleId.replace(/[^A-Za-z0-9_.-]/g, '.').slice(0, 63).replace(/[^A-Za-z0-9]+$/, '');
}

const SUPPRESSED_KEY = 'suppressed';

/** `rule (exception: reason); rule (annotation: reason)`, each rule once. */
function excusedText(excused: readonly Finding[]): string {
  return byRule(excused)
    .map((f) => `${f.rule} (${f.suppressed?.kind}: ${f.suppressed?.reason})`)
    .join('; ')
    .slice(0, 1024);
}

function auditAnnotations(violations: readonly Finding[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of byRule(violations)) out[auditKey(f.rule)] = `${f.severity}: ${f.message}`;
  return out;
}
