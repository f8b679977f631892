import type { ExceptionConfig } from '../core/config.js';
import { celString, JS_WHITESPACE_CLASS } from '../core/cel.js';
import { globMatch, globRegexSource } from '../core/glob.js';
import { canMatchResourceKey, IGNORE_ANNOTATION } from '../core/suppress.js';

/**
 * The `.palisade.yaml` exceptions and `palisade.io/ignore` annotations as policy matchConditions: an
 * object they excuse is not matched by the rule's policy, as the scan and the webhook mark its findings
 * suppressed. The expressions cannot read the policy's variables (matchConditions are evaluated before
 * them), so each spells out the paths it reads.
 */

/** The request's namespace, `-` for an object without one, as exception resources write it. */
const NAMESPACE = "(request.namespace == '' ? '-' : request.namespace)";

const CONTROLLER_REFS = "object.metadata.?ownerReferences.orValue([]).filter(o, o.?controller.orValue(false) == true)";
/** The value of a label of the object, '' when it has none. */
const label = (key: string) => `(${celString(key)} in object.metadata.?labels.orValue({}) ? object.metadata.labels[${celString(key)}] : '')`;

/** The controller keys of a ReplicaSet owner named `<controller>-<hash>`, the hash in the object's label. */
function hashedOwnerKeys(hashLabel: string, controller: string): string {
  const hash = label(hashLabel);
  return (
    `${CONTROLLER_REFS}.filter(o, o.kind == 'ReplicaSet' && ${hash} != '' && o.name.endsWith('-' + ${hash}))` +
    `.map(o, ${NAMESPACE} + '/${controller}/' + o.name.substring(0, size(o.name) - size(${hash}) - 1))`
  );
}

/** The controller keys of a Job owner whose name ends in `-` and a suffix matching `suffix`. */
function suffixedJobKeys(suffix: string, controller: string): string {
  return (
    `${CONTROLLER_REFS}.filter(o, o.kind == 'Job' && o.name.matches(${celString(`^.+-${suffix}$`)}))` +
    `.map(o, ${NAMESPACE} + '/${controller}/' + o.name.substring(0, o.name.lastIndexOf('-')))`
  );
}

/**
 * The `namespace/kind/name` keys an exception is matched against, kinds in lower case: the object's
 * own, and those `controllerKeys` (core/suppress.ts) derives from its controller owner reference: the
 * owner itself, the Deployment of a ReplicaSet named `<deployment>-<pod-template-hash>`, the Argo Rollout
 * of one named `<rollout>-<rollouts-pod-template-hash>`, the CronJob of a Job named `<cronjob>-<scheduled
 * minute>`, the KEDA ScaledJob of one named `<scaledjob>-<generated suffix>`. The API server allows one
 * controller reference per object; the owner's own owner is not in the request.
 */
export const SUBJECT_KEYS =
  `[${NAMESPACE} + '/' + object.kind.lowerAscii() + '/' + object.metadata.?name.orValue('')] + ` +
  `${CONTROLLER_REFS}.map(o, ${NAMESPACE} + '/' + o.kind.lowerAscii() + '/' + o.name) + ` +
  `${hashedOwnerKeys('pod-template-hash', 'deployment')} + ${hashedOwnerKeys('rollouts-pod-template-hash', 'rollout')} + ` +
  `${suffixedJobKeys('[0-9]+', 'cronjob')} + ${suffixedJobKeys('[bcdfghjklmnpqrstvwxz2456789]{5}', 'scaledjob')}`;

/** A regex body matching exactly the text itself, in RE2 and JavaScript alike. */
function literalRegex(text: string): string {
  return text.replace(/[.+*?^${}()|[\]\\]/g, '\\$&');
}

/** The CEL that holds when `text` matches one of the globs, as `globMatch` (core/glob.ts) decides. */
function matchesAnyGlob(text: string, globs: readonly string[]): string {
  return globs.map((g) => (/[*?]/.test(g) ? `${text}.matches(${celString(globRegexSource(g))})` : `${text} == ${celString(g)}`)).join(' || ');
}

/**
 * The matchConditions that leave out what the webhook admits unexamined (`webhook.exemptNamespaces`,
 * `webhook.exemptUsers`), with the globs read as the webhook reads them: namespaces on the request's
 * namespace, users on the requesting user's name.
 */
export function exemptionConditions(exemptNamespaces: readonly string[], exemptUsers: readonly string[]): Array<{ name: string; expression: string }> {
  const out: Array<{ name: string; expression: string }> = [];
  if (exemptNamespaces.length) out.push({ name: 'not-exempt-namespace', expression: `!(${matchesAnyGlob('request.namespace', [...new Set(exemptNamespaces)])})` });
  // The API server sends a user name with every request; the webhook exempts none without one.
  if (exemptUsers.length) out.push({ name: 'not-exempt-user', expression: `!(request.userInfo.username != '' && (${matchesAnyGlob('request.userInfo.username', [...new Set(exemptUsers)])}))` });
  return out;
}

/** The CEL that holds when one of the exceptions covers the object; undefined when none can match. */
export function exceptedCondition(exceptions: readonly ExceptionConfig[]): string | undefined {
  // A resource that can match no namespace/Kind/name key matches nothing in a scan either; `shop/*` can,
  // its `*` running across the slashes as it does in the scan and the webhook.
  const globs = [...new Set(exceptions.flatMap((ex) => ex.resources).filter(canMatchResourceKey))];
  if (globs.length === 0) return undefined;
  // Resources match whatever the case (core/suppress.ts lower-cases both sides).
  const tests = globs.map((g) => (/[*?]/.test(g) ? `k.matches(${celString(globRegexSource(g.toLowerCase()))})` : `k == ${celString(g.toLowerCase())}`));
  return `(${SUBJECT_KEYS}).exists(k, ${tests.join(' || ')})`;
}

/** Where each kind keeps the annotations of its pods, when they are not the object's own. */
const TEMPLATE_ANNOTATIONS =
  "(object.kind == 'Pod' ? {} : (object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.?metadata.?annotations.orValue({}) : " +
  "(object.kind == 'ScaledJob' ? object.spec.jobTargetRef.template.?metadata.?annotations.orValue({}) : object.spec.?template.?metadata.?annotations.orValue({}))))";

/** The annotation's values, on the object and on its pod template (what its pods inherit), '' where absent: each applies, as in a scan. */
const IGNORE_VALUES =
  `[(${celString(IGNORE_ANNOTATION)} in object.metadata.?annotations.orValue({}) ? object.metadata.annotations[${celString(IGNORE_ANNOTATION)}] : ''), ` +
  `(${celString(IGNORE_ANNOTATION)} in ${TEMPLATE_ANNOTATIONS} ? ${TEMPLATE_ANNOTATIONS}[${celString(IGNORE_ANNOTATION)}] : '')]`;

/**
 * A regex body for the entries of an annotation that name the rule: its id, or a glob whose only
 * wildcard is a trailing `*` (`*`, `workload/*`, `workload/image-*`). Any glob matching the id cannot be
 * recognised by one regex of reasonable size; the others apply in scan and the webhook only.
 */
function ruleEntryRegex(ruleId: string): string {
  const chars = [...ruleId].map(literalRegex);
  const prefixes = chars.reduceRight((inner, ch) => `(?:${ch}${inner})?`, '');
  return `(?:${chars.join('')}|${prefixes}[*]+)`;
}

/**
 * The CEL that holds when a `palisade.io/ignore` annotation excuses the object from the rule:
 * `rule-a,rule-b -- reason` (`parseIgnoreAnnotation`, core/suppress.ts), naming the rule, with a reason
 * that is not blank: an annotation without one does not apply in a scan either.
 */
export function ignoredCondition(ruleId: string): string {
  const ws = `[${JS_WHITESPACE_CLASS}]`;
  // Entries are the text between commas, trimmed; `[^,]` crosses line breaks in RE2 and JavaScript alike.
  const names = `^(?:[^,]*,)*${ws}*${ruleEntryRegex(ruleId)}${ws}*(?:,[^,]*)*$`;
  return (
    `${IGNORE_VALUES}.exists(v, v.indexOf('--') >= 0 && v.substring(0, v.indexOf('--')).matches(${celString(names)}) && ` +
    `v.substring(v.indexOf('--') + 2).matches(${celString(`[^${JS_WHITESPACE_CLASS}]`)}))`
  );
}

/** Whether an exception's rule (an id or a glob) names the rule. */
export function namesRule(ex: ExceptionConfig, ruleId: string): boolean {
  return globMatch(ex.rule, ruleId);
}
