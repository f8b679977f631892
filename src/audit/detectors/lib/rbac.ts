import { completed, writtenObject, type AuditEvent } from '../../event.js';
import { isRecord } from './pod.js';
import { clip } from './request.js';

export interface PolicyRule {
  verbs: string[];
  resources: string[];
  nonResourceURLs: string[];
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** A Role or ClusterRole written with `verbs` (create, update, ...), once the API server answered. */
export function isRoleWrite(ev: AuditEvent, verbs: ReadonlySet<string>): boolean {
  const r = ev.objectRef.resource;
  return (r === 'roles' || r === 'clusterroles') && ev.objectRef.subresource === undefined && verbs.has(ev.verb) && completed(ev);
}

/**
 * The rules of a Role or ClusterRole written: from the request body, else from the stored object of the
 * response (a patch may leave them out); a list, `omitted` by AKS, or `absent`.
 */
export function roleRulesOf(ev: AuditEvent): PolicyRule[] | 'omitted' | 'absent' {
  const body = writtenObject(ev, 'rules');
  if (typeof body === 'string') return body;
  const rules = body.rules;
  if (!Array.isArray(rules)) return 'absent';
  return rules.filter(isRecord).map((r) => ({ verbs: strings(r.verbs), resources: strings(r.resources), nonResourceURLs: strings(r.nonResourceURLs) }));
}

export function kindOf(ev: AuditEvent): string {
  return ev.objectRef.resource === 'clusterroles' ? 'ClusterRole' : ev.objectRef.resource === 'roles' ? 'Role' : (ev.objectRef.resource ?? '?');
}

/** What the rule grants, for a message: `get,list pods`. */
export function describeRule(r: PolicyRule): string {
  const on = r.resources.length ? r.resources.join(',') : r.nonResourceURLs.join(',');
  return clip(`${r.verbs.join(',')} ${on}`, 120);
}
