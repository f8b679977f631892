import type { ExceptionConfig } from '../core/config.js';
import type { Finding } from '../core/finding.js';
import { isActive } from '../core/finding.js';
import { globMatch } from '../core/glob.js';
import { asObj, asString, isObj, toResource, type Obj } from '../core/resource.js';
import type { Rule } from '../core/rule.js';
import type { RuleSettings } from '../core/settings.js';
import { atLeast, severityRank, type Severity } from '../core/severity.js';
import { createSuppressor } from '../core/suppress.js';
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
  dryRun?: boolean;
  object?: unknown;
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
  skipped?: 'operation' | 'exempt-namespace' | 'exempt-user' | 'no-object';
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
  return {
    request: {
      uid,
      ...(operation !== undefined ? { operation } : {}),
      ...(namespace !== undefined ? { namespace } : {}),
      ...(name !== undefined ? { name } : {}),
      ...(request.dryRun === true ? { dryRun: true } : {}),
      ...(request.object !== undefined ? { object: request.object } : {}),
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
  // The API server sends the namespace in the request; a created object's metadata may lack it.
  const withNamespace = object && namespace !== undefined && meta && meta.namespace === undefined ? { ...object, metadata: { ...meta, namespace } } : object;
  const resource = withNamespace ? toResource(withNamespace, { file: 'admission-request', line: 1 }) : undefined;
  if (!resource) return allow('no-object');
  const suppressor = createSuppressor({
    exceptions: policy.exceptions,
    allowAnnotations: policy.allowIgnoreAnnotation,
    aksManaged: policy.aksManaged,
    now,
    configSource: 'config',
  });
  const { findings, errors } = evaluatorFor(policy.rules, policy.failOn).evaluate(resource, policy.settings, suppressor);
  const violations = findings.filter((f) => isActive(f) && atLeast(f.severity, policy.failOn));
  complete(violations, resource);
  const response: AdmissionResponse = { uid: request.uid, allowed: true };
  if (violations.length > 0) {
    if (policy.mode === 'enforce') {
      response.allowed = false;
      response.status = { code: 403, reason: 'Forbidden', message: denialMessage(resource.kind, namespace, resource.name, violations) };
    } else if (policy.mode === 'warn') {
      response.warnings = violations.map(warningText);
    } else {
      response.auditAnnotations = auditAnnotations(violations);
    }
  }
  return { response, violations, errors };
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

function warningText(f: Finding): string {
  const text = `palisade ${f.rule} (${f.severity}): ${f.message}`;
  return text.length > MAX_WARNING ? `${text.slice(0, MAX_WARNING - 3)}...` : text;
}

/**
 * Audit annotation keys become `<webhook name>/<key>` in the audit event, so a key must be a qualified
 * name's name part: 63 characters of letters, digits, `-`, `_` and `.`. A rule id's `/` becomes `.`.
 */
export function auditKey(ruleId: string): string {
  return ruleId.replace(/[^A-Za-z0-9_.-]/g, '.').slice(0, 63).replace(/[^A-Za-z0-9]+$/, '');
}

function auditAnnotations(violations: readonly Finding[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of byRule(violations)) out[auditKey(f.rule)] = `${f.severity}: ${f.message}`;
  return out;
}
