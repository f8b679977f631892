import { isDeepStrictEqual } from 'node:util';
import type { ExceptionConfig } from '../core/config.js';
import type { Finding } from '../core/finding.js';
import { isActive } from '../core/finding.js';
import { globMatch } from '../core/glob.js';
import { asObj, asString, isObj, toResource, type Obj, type Resource } from '../core/resource.js';
import type { Rule } from '../core/rule.js';
import type { RuleSettings } from '../core/settings.js';
import { atLeast, severityRank, type Severity } from '../core/severity.js';
import { createSuppressor, IGNORE_ANNOTATION, readIgnoreAnnotations } from '../core/suppress.js';
import { podOf, podSpecParts, walkPath } from '../core/workload.js';
import { excusingHostNetworkPorts } from '../rules/workload/lib/host-network-ports.js';
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
 * exceptions and `palisade.io/ignore` annotations apply as in a scan (what excuses the object from
 * workload/host-namespace also excuses the host ports hostNetwork sets: host-network-ports.ts), and the mode turns violations
 * into a refusal, warnings or audit annotations. The decision does not depend on `dryRun`: the API server must get the same answer
 * whether or not it will persist the object, and the webhook has no side effects to skip.
 *
 * An UPDATE is judged only when it changes the pod (a Pod's spec, a controller's pod template), as the
 * generated admission policies do: scaling an old ReplicaSet down, removing a finalizer or adding a
 * label must go through on objects admitted before enforcement, or rollouts that fix them stall and
 * deletions hang. A controller's changed template is judged whole. A Pod's own update can change
 * little but its images (see `changedImageContainers`): it is judged on the image rules of the
 * containers whose image changed, and admitted when none did. An update of the `ephemeralcontainers`
 * or `resize` subresource is judged on what it adds: `kubectl debug` with a sound debug container
 * goes through on a pod that already violates.
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
  const imagesChanged = before && !judgesAdditions && isPodUpdate(request, resource) ? changedImageContainers(before, resource) : undefined;
  if (imagesChanged?.size === 0) return allow('pod-unchanged');
  if (before && !judgesAdditions && !imagesChanged && !podChanged(before, resource)) return allow('pod-unchanged');
  const judge = (r: Resource) => {
    const suppressor = excusingHostNetworkPorts(
      createSuppressor({
        exceptions: policy.exceptions,
        allowAnnotations: policy.allowIgnoreAnnotation,
        aksManaged: policy.aksManaged,
        now,
        configSource: 'config',
      }),
    );
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
  const onChangedImage = (f: Finding) => judgesImage(f) && f.container !== undefined && imagesChanged?.has(f.container) === true;
  if (imagesChanged) violations = violations.filter(onChangedImage);
  complete(violations, resource);
  const response: AdmissionResponse = { uid: request.uid, allowed: true };
  // What an exception or annotation let through is written to the audit log in every mode: an
  // exemption at admission must leave a trace.
  const excused = judgesAdditions ? [] : imagesChanged ? judged.excused.filter(onChangedImage) : judged.excused;
  if (excused.length > 0) response.auditAnnotations = { [SUPPRESSED_KEY]: excusedText(excused) };
  // In every mode: whoever applies the controller learns now why its Pods will be refused.
  const misplaced = misplacedAnnotationWarning(resource, excused);
  if (misplaced !== undefined) response.warnings = [misplaced];
  if (violations.length > 0) {
    if (policy.mode === 'enforce') {
      response.allowed = false;
      response.status = { code: 403, reason: 'Forbidden', message: denialMessage(resource.kind, namespace, resource.name, violations) };
    } else if (policy.mode === 'warn') {
      response.warnings = [...(response.warnings ?? []), ...warningsFor(violations)];
    } else {
      response.auditAnnotations = { ...response.auditAnnotations, ...auditAnnotations(violations) };
    }
  }
  return { response, violations, errors };
}

/**
 * The warning for a controller that a `palisade.io/ignore` annotation on its own metadata excuses from
 * rules its pod template's annotation does not name: the controller is admitted (and a Deployment's
 * ReplicaSet, which copies its annotations), but its Pods inherit only the template's annotations and
 * are judged without it, so in enforce mode the workload never gets Pods. The scan reads the
 * annotation where the webhook does; only the Pods, which the scan of manifests never sees, lack it.
 */
function misplacedAnnotationWarning(resource: Resource, excused: readonly Finding[]): string | undefined {
  const pod = podOf(resource);
  if (!pod || resource.kind === 'Pod') return undefined;
  const read = readIgnoreAnnotations(resource);
  const { own } = read;
  if (!own) return undefined;
  // A template whose metadata is the object's own (a YAML alias) carries the same annotation to the pods.
  const template = pod.metadata === resource.object.metadata ? own : read.template;
  const reachesPods = (rule: string) => template !== undefined && template.reason !== '' && template.rules.some((g) => globMatch(g, rule));
  const rules = [...new Set(excused.filter((f) => f.suppressed?.kind === 'annotation' && own.rules.some((g) => globMatch(g, f.rule)) && !reachesPods(f.rule)).map((f) => f.rule))];
  if (rules.length === 0) return undefined;
  const text = `palisade: Pods do not inherit the ${resource.kind}'s ${IGNORE_ANNOTATION}; move it to the pod template`;
  // The rules it names when they fit; the audit annotation of excused rules names them all.
  const named = `${text} (${rules.join(', ')})`;
  return named.length <= MAX_WARNING ? named : text;
}

/** Subresources whose updates add to a pod rather than change it: judged on what they add. */
const ADDING_SUBRESOURCES: ReadonlySet<string> = new Set(['ephemeralcontainers', 'resize']);

function requestResource(object: Obj | undefined, namespace: string | undefined): Resource | undefined {
  const meta = asObj(object?.metadata);
  // The API server sends the namespace in the request; a created object's metadata may lack it.
  const withNamespace = object && namespace !== undefined && meta && meta.namespace === undefined ? { ...object, metadata: { ...meta, namespace } } : object;
  return withNamespace ? toResource(withNamespace, { file: 'admission-request', line: 1 }) : undefined;
}

/** An update of a Pod itself, not of one of its subresources (`status`, `ephemeralcontainers`, `resize`...). */
function isPodUpdate(request: AdmissionRequest, resource: Resource): boolean {
  return resource.kind === 'Pod' && request.operation === 'UPDATE' && request.subResource === undefined;
}

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/**
 * The names of a Pod's containers whose image an update changes. The API server lets an update of a
 * Pod change little of its spec (ValidatePodUpdate): the images, activeDeadlineSeconds, added
 * tolerations, terminationGracePeriodSeconds and removed scheduling gates. Of these only an image
 * can bring a new violation; the other settings were judged when the pod was created, or predate
 * enforcement, and judging them again would refuse routine updates of a pod that already violates: a
 * toleration the node lifecycle controller adds, a scheduling gate removed, a deadline set, `kubectl set image`.
 */
function changedImageContainers(before: Resource, after: Resource): Set<string> {
  const images = (r: Resource) => {
    const out = new Map<string, unknown>();
    for (const list of CONTAINER_LISTS) {
      const containers = walkPath(r.object, ['spec', list]);
      if (!Array.isArray(containers)) continue;
      for (const c of containers) {
        const name = asString(asObj(c)?.name);
        if (name !== undefined) out.set(name, asObj(c)?.image);
      }
    }
    return out;
  };
  const old = images(before);
  return new Set([...images(after)].filter(([name, image]) => !old.has(name) || old.get(name) !== image).map(([name]) => name));
}

/** A finding about a container's image or how it is pulled: what a changed image can make or unmake. */
function judgesImage(f: Finding): boolean {
  return f.field !== undefined && /\.(image|imagePullPolicy)$/.test(f.field);
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

/** The violations grouped by rule, most severe rule first, each group in the order found. */
function groupByRule(violations: readonly Finding[]): Finding[][] {
  const groups = new Map<string, Finding[]>();
  for (const f of violations) {
    const group = groups.get(f.rule);
    if (group) group.push(f);
    else groups.set(f.rule, [f]);
  }
  return [...groups.values()].sort((a, b) => severityRank(a[0]!.severity) - severityRank(b[0]!.severity) || a[0]!.rule.localeCompare(b[0]!.rule));
}

/** One finding per violated rule, most severe first (its first finding speaks for it). */
function byRule(violations: readonly Finding[]): Finding[] {
  return groupByRule(violations).map((group) => group[0]!);
}

/**
 * How much of a denial one rule may take. Every finding of a rule is named while they fit (two
 * privileged containers are both named: fixing one would only bring the next refusal); past this the
 * rest are counted, so a pod of many containers still gets a message a terminal shows whole.
 */
const MAX_DENIAL_PER_RULE = 600;

const moreOfRule = (n: number) => `and ${n} more finding(s) of this rule`;

function denialLine(group: readonly Finding[]): string {
  const first = group[0]!;
  const head = `${first.rule} (${first.severity}): `;
  const named: string[] = [];
  let used = head.length;
  for (const [i, f] of group.entries()) {
    const left = group.length - i - 1;
    const reserve = left > 0 ? moreOfRule(left).length + 2 : 0;
    // The first finding is always named, whatever its length: the rule must say something.
    if (i > 0 && used + f.message.length + 2 + reserve > MAX_DENIAL_PER_RULE) {
      named.push(moreOfRule(group.length - i));
      break;
    }
    named.push(f.message);
    used += f.message.length + 2;
  }
  return head + named.join('; ');
}

function denialMessage(kind: string, namespace: string | undefined, name: string, violations: readonly Finding[]): string {
  const lines = groupByRule(violations).map(denialLine);
  return `palisade refused ${kind} ${namespace ? `${namespace}/` : ''}${name}: ${lines.join('; ')}`;
}

/**
 * Kubernetes asks that a warning be at most 120 characters (longer ones may be truncated; past 256
 * they are): one line per rule, its first finding shortened to fit, and how many more it has.
 */
const MAX_WARNING = 120;
// Past 4096 characters of warnings from all webhooks together the API server drops the rest: leave
// the other webhooks room, and say how many rules were left out rather than lose them silently.
const MAX_WARNINGS_TOTAL = 2048;

function warningText(group: readonly Finding[]): string {
  const first = group[0]!;
  const head = `palisade ${first.rule} (${first.severity}): `;
  const tail = group.length > 1 ? ` (+${group.length - 1} more)` : '';
  const room = MAX_WARNING - head.length - tail.length;
  const message = first.message.length > room ? `${first.message.slice(0, Math.max(0, room - 3))}...` : first.message;
  return (head + message + tail).slice(0, MAX_WARNING);
}

/** One warning per violated rule, most severe first, within the budget. */
function warningsFor(violations: readonly Finding[]): string[] {
  const groups = groupByRule(violations);
  const out: string[] = [];
  let used = 0;
  for (const [i, group] of groups.entries()) {
    const text = warningText(group);
    const rest = groups.length - i - 1;
    const reserve = rest > 0 ? 64 : 0;
    if (used + text.length + reserve > MAX_WARNINGS_TOTAL) {
      out.push(`palisade: ${groups.length - i} more rule(s) violated; run palisade scan on the object`);
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
  for (const group of groupByRule(violations)) {
    const f = group[0]!;
    out[auditKey(f.rule)] = `${f.severity}: ${f.message}${group.length > 1 ? ` (+${group.length - 1} more)` : ''}`;
  }
  return out;
}
