import { aksManagedReason } from './aks-managed.js';
import type { ExceptionConfig } from './config.js';
import type { InputNote } from './errors.js';
import type { Finding } from './finding.js';
import { globMatch } from './glob.js';
import type { Inventory } from './inventory.js';
import { refKey, stringMap } from './resource.js';

export const IGNORE_ANNOTATION = 'palisade.io/ignore';

export interface SuppressOptions {
  exceptions: readonly ExceptionConfig[];
  allowAnnotations: boolean;
  aksManaged: boolean;
  now: Date;
  /** Where the exceptions came from, to name in warnings. */
  configSource: string;
}

/** `2027-01-31` means the end of that day (UTC): an exception is valid through its expiry date. */
function expiryTime(expires: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(expires) ? Date.parse(`${expires}T23:59:59.999Z`) : Date.parse(expires);
}

/** Parses `rule-a,rule-b -- reason`; a rule entry may be a glob. */
export function parseIgnoreAnnotation(value: string): { rules: string[]; reason: string } {
  const [rulesPart = '', ...rest] = value.split('--');
  const reason = rest.join('--').trim();
  return {
    rules: rulesPart.split(',').map((s) => s.trim()).filter(Boolean),
    reason,
  };
}

/**
 * Marks findings that do not count: matched by a live exception in the config, by a
 * `palisade.io/ignore` annotation on the resource, or (profile) on an AKS-managed component.
 * Suppressed findings stay in the report with their reason. Returns warnings (expired exceptions,
 * annotations without a reason, annotations refused by the config).
 */
export function applySuppressions(findings: Finding[], inventory: Inventory, opts: SuppressOptions): InputNote[] {
  const warnings: InputNote[] = [];
  const live: ExceptionConfig[] = [];
  for (const ex of opts.exceptions) {
    if (ex.expires !== undefined && expiryTime(ex.expires) < opts.now.getTime()) {
      warnings.push({ source: opts.configSource, message: `exception for ${ex.rule} on ${ex.resources.join(', ')} expired on ${ex.expires} and no longer applies (reason was: ${ex.reason})` });
    } else live.push(ex);
  }
  const annotationWarned = new Set<string>();
  for (const f of findings) {
    const key = refKey(f.resource);
    const ex = live.find((e) => globMatch(e.rule, f.rule) && e.resources.some((g) => globMatch(g, key)));
    if (ex) {
      f.suppressed = { kind: 'exception', reason: ex.reason, ...(ex.expires !== undefined ? { expires: ex.expires } : {}) };
      continue;
    }
    const resource = inventory.get(f.resource.kind, f.resource.namespace, f.resource.name);
    if (!resource) continue;
    const annotation = stringMap((resource.object.metadata as { annotations?: unknown } | undefined)?.annotations)[IGNORE_ANNOTATION];
    if (annotation !== undefined) {
      const { rules, reason } = parseIgnoreAnnotation(annotation);
      if (rules.some((r) => globMatch(r, f.rule))) {
        if (!opts.allowAnnotations) {
          if (!annotationWarned.has(key)) warnings.push({ source: resource.source.file, line: resource.source.line, message: `${IGNORE_ANNOTATION} on ${key} ignored: the config does not allow annotation exemptions` });
          annotationWarned.add(key);
        } else {
          if (!reason && !annotationWarned.has(key)) {
            warnings.push({ source: resource.source.file, line: resource.source.line, message: `${IGNORE_ANNOTATION} on ${key} gives no reason (write "rule-id -- reason")` });
            annotationWarned.add(key);
          }
          f.suppressed = { kind: 'annotation', reason: reason || 'no reason given' };
          continue;
        }
      }
    }
    if (opts.aksManaged) {
      const why = aksManagedReason(resource);
      if (why) f.suppressed = { kind: 'provider-managed', reason: why };
    }
  }
  return warnings;
}
