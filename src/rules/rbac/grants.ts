import { asArray, asObj, asString, isObj, stringMap } from '../../core/resource.js';
import { shellQuote, type RuleContext } from '../../core/rule.js';
import type { Severity } from '../../core/severity.js';
import { grantedPart, permissionIndexOf, type AccessQuery, type PolicyRule, type Subject } from '../../analyses/rbac/permission-index.js';

/** One PermissionIndex per scanned inventory, shared by every rbac rule. */
export const permissionIndex = permissionIndexOf;

/** A permission a rule looks for, with the words used in messages (`create pods/exec`). */
export interface Permission {
  verb: string;
  resource: string;
  subresource?: string;
  apiGroup: string;
  /** One object by name: grants restricted by resourceNames to it count too. */
  name?: string;
}

export function permissionLabel(p: Permission): string {
  const res = p.subresource ? `${p.resource}/${p.subresource}` : p.resource;
  return `${p.verb} ${p.apiGroup ? `${res}.${p.apiGroup}` : res}${p.name !== undefined ? ` ${p.name}` : ''}`;
}

/** What one subject of the binding under check holds of the permissions asked about. */
export interface SubjectGrant {
  subject: Subject;
  /** Index in the binding's `subjects`. */
  index: number;
  permissions: Permission[];
  rules: PolicyRule[];
}

/** The binding's namespace (a namespace-less RoleBinding lands in `default`), null for a ClusterRoleBinding. */
export function bindingNamespace(ctx: RuleContext): string | null {
  return ctx.resource.kind === 'RoleBinding' ? (ctx.resource.namespace ?? 'default') : null;
}

const BROAD_SYSTEM_GROUPS = new Set(['system:authenticated', 'system:unauthenticated', 'system:anonymous', 'system:serviceaccounts']);

/**
 * Control-plane identities (`system:masters`, `system:kube-scheduler`, `system:node:...`) hold
 * their rights by design. The broad built-in groups and anonymous are not exempt: binding to them
 * hands the right to every caller, and a `system:serviceaccount:` user is an ordinary workload.
 */
export function isSystemSubject(s: Subject): boolean {
  if (s.kind === 'ServiceAccount' || !s.name.startsWith('system:')) return false;
  if (BROAD_SYSTEM_GROUPS.has(s.name) || s.name.startsWith('system:serviceaccounts:') || s.name.startsWith('system:serviceaccount:')) return false;
  return true;
}

/**
 * The bootstrap policy's bindings (`kubernetes.io/bootstrapping: rbac-defaults`) give each controller of
 * kube-controller-manager its rights as a ServiceAccount of kube-system (`system:controller:replicaset-controller`
 * → `kube-system/replicaset-controller`): control-plane identities too. Another subject added to such a
 * binding is not, and is still reported.
 */
export function isControlPlaneGrant(ctx: RuleContext, s: Subject): boolean {
  if (isSystemSubject(s)) return true;
  if (s.kind !== 'ServiceAccount' || s.namespace !== 'kube-system') return false;
  return stringMap(asObj(ctx.resource.object.metadata)?.labels)['kubernetes.io/bootstrapping'] === 'rbac-defaults';
}

/**
 * The effective rules (aggregation expanded) of the binding under check, by rule index, each cut to
 * what the binding can grant: a RoleBinding grants no cluster-scoped resource and no non-resource URL.
 */
function bindingRules(ctx: RuleContext, subject: Subject): Map<number, PolicyRule> {
  const out = new Map<number, PolicyRule>();
  for (const h of permissionIndex(ctx.inventory).can(subject)) {
    if (!sameBinding(ctx, h.via.binding)) continue;
    const granted = grantedPart(h);
    if (granted) out.set(h.via.ruleIndex, granted);
  }
  return out;
}

function sameBinding(ctx: RuleContext, b: { kind: string; namespace: string | null; name: string }): boolean {
  return b.kind === ctx.resource.kind && b.name === ctx.resource.name && b.namespace === bindingNamespace(ctx);
}

function subjectIndex(ctx: RuleContext, s: Subject): number {
  const ns = bindingNamespace(ctx);
  return asArray(ctx.resource.object.subjects).findIndex((raw) => {
    if (!isObj(raw) || raw.kind !== s.kind || raw.name !== s.name) return false;
    return s.kind !== 'ServiceAccount' || (asString(raw.namespace) || ns) === s.namespace;
  });
}

/**
 * Per subject of the binding under check, which of `permissions` the binding grants it, as the
 * RBAC authorizer decides (a RoleBinding only in its namespace, cluster-scoped resources only
 * through ClusterRoleBindings).
 */
export function grantsOf(ctx: RuleContext, permissions: readonly Permission[], opts: { skipSystem?: boolean; namespace?: string } = {}): SubjectGrant[] {
  const index = permissionIndex(ctx.inventory);
  const ns = bindingNamespace(ctx) ?? opts.namespace ?? null;
  const bySubject = new Map<string, SubjectGrant & { ruleIndexes: Set<number> }>();
  for (const p of permissions) {
    const q: AccessQuery = { verb: p.verb, resource: p.resource, apiGroup: p.apiGroup, ...(p.subresource ? { subresource: p.subresource } : {}), ...(p.name !== undefined ? { name: p.name } : {}), ...(ns !== null ? { namespace: ns } : {}) };
    for (const g of index.whoCan(q, (ref) => sameBinding(ctx, ref))) {
      if (opts.skipSystem && isControlPlaneGrant(ctx, g.subject)) continue;
      const key = `${g.subject.kind}\0${g.subject.namespace ?? ''}\0${g.subject.name}`;
      let entry = bySubject.get(key);
      if (!entry) bySubject.set(key, (entry = { subject: g.subject, index: subjectIndex(ctx, g.subject), permissions: [], rules: [], ruleIndexes: new Set() }));
      if (!entry.permissions.includes(p)) entry.permissions.push(p);
      entry.ruleIndexes.add(g.via.ruleIndex);
    }
  }
  const out: SubjectGrant[] = [];
  let rules: Map<number, PolicyRule> | undefined;
  for (const e of bySubject.values()) {
    rules ??= bindingRules(ctx, e.subject);
    const picked = [...e.ruleIndexes].sort((a, b) => a - b).flatMap((i) => rules?.get(i) ?? []);
    out.push({ subject: e.subject, index: e.index, permissions: e.permissions, rules: picked });
  }
  return out.sort((a, b) => a.index - b.index);
}

/** Each permission restricted to each name: the objects that make it dangerous (cluster-admin for bind, ...). */
export function namedPermissions(permissions: readonly Permission[], names: readonly string[]): Permission[] {
  return names.flatMap((name) => permissions.map((p) => ({ ...p, name })));
}

/**
 * `grantsOf` for `permissions` on any object, plus grants restricted by resourceNames that still reach one
 * of the `named` objects. A subject already holding a permission on every object is reported for that alone.
 */
export function grantsOnAnyOrNamed(
  ctx: RuleContext,
  permissions: readonly Permission[],
  named: readonly Permission[],
  opts: { skipSystem?: boolean; namespace?: string } = {},
): SubjectGrant[] {
  const any = grantsOf(ctx, permissions, opts);
  const restricted = grantsOf(ctx, named, opts);
  const held = new Set(any.map(grantKey));
  return [...any, ...restricted.filter((g) => !held.has(grantKey(g)))].sort((a, b) => a.index - b.index);
}

/** Which subject of the binding under check a grant is for: two answers about one binding meet on it. */
export function grantKey(g: SubjectGrant): string {
  return `${g.index}\0${g.subject.kind}\0${g.subject.namespace ?? ''}\0${g.subject.name}`;
}

/** Every effective rule of the binding under check (aggregation expanded), or [] when its role is missing. */
export function heldRules(ctx: RuleContext): PolicyRule[] {
  const ns = bindingNamespace(ctx);
  for (const raw of asArray(ctx.resource.object.subjects)) {
    const kind = asString(asObj(raw)?.kind);
    const name = asString(asObj(raw)?.name);
    if (!name || (kind !== 'User' && kind !== 'Group' && kind !== 'ServiceAccount')) continue;
    const namespace = kind === 'ServiceAccount' ? asString(asObj(raw)?.namespace) || ns : undefined;
    if (kind === 'ServiceAccount' && !namespace) continue;
    const rules = bindingRules(ctx, { kind, name, ...(namespace ? { namespace } : {}) });
    return [...rules.entries()].sort(([a], [b]) => a - b).map(([, r]) => r);
  }
  return [];
}

export function subjectText(s: Subject): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount ${s.namespace ?? ''}/${s.name}` : `${s.kind} ${s.name}`;
}

export function ruleText(r: PolicyRule): string {
  const list = (xs: string[]) => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;
  const parts = [`apiGroups: ${list(r.apiGroups)}`, `resources: ${list(r.resources)}`];
  if (r.resourceNames.length) parts.push(`resourceNames: ${list(r.resourceNames)}`);
  if (r.nonResourceURLs.length) parts.push(`nonResourceURLs: ${list(r.nonResourceURLs)}`);
  parts.push(`verbs: ${list(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}

export function roleText(ctx: RuleContext): string {
  const ref = asObj(ctx.resource.object.roleRef);
  return `${asString(ref?.kind) ?? 'role'} ${asString(ref?.name) ?? '?'}`;
}

export function bindingText(ctx: RuleContext): string {
  const ns = bindingNamespace(ctx);
  return `${ctx.resource.kind} ${ns ? `${ns}/` : ''}${ctx.resource.name}`;
}

/** `in namespace X` or `cluster-wide`. */
export function scopeText(ctx: RuleContext): string {
  const ns = bindingNamespace(ctx);
  return ns ? `in namespace ${ns}` : 'cluster-wide';
}

/** `kubectl auth can-i VERB RESOURCE --as=...` for the subject, in the binding's scope. */
export function canIVerify(ctx: RuleContext, s: Subject, p: Permission): string {
  const resource = `${p.apiGroup ? `${p.resource}.${p.apiGroup}` : p.resource}${p.name !== undefined ? `/${p.name}` : ''}`;
  // `can-i create pods/exec` would ask about a pod named exec: kubectl takes a subresource as a flag.
  const sub = p.subresource ? ` --subresource=${shellQuote(p.subresource)}` : '';
  const as =
    s.kind === 'ServiceAccount'
      ? `--as=${shellQuote(`system:serviceaccount:${s.namespace ?? ''}:${s.name}`)}`
      : s.kind === 'Group'
        ? `--as=palisade-probe --as-group=${shellQuote(s.name)}`
        : `--as=${shellQuote(s.name)}`;
  const ns = bindingNamespace(ctx);
  const scope = ns ? ` -n ${shellQuote(ns)}` : ' --all-namespaces';
  return `kubectl auth can-i ${shellQuote(p.verb)} ${shellQuote(resource)}${sub} ${as}${scope}`;
}

/**
 * `az role assignment list` narrowed to one assignment. The name comes from the input, so anything but
 * a plain name (role assignments are GUIDs) is escaped for JMESPath's quotes and then for the shell.
 */
export function roleAssignmentVerify(name: string): string {
  const query = `[?name=='${name.replace(/[\\']/g, (c) => `\\${c}`)}']`;
  return `az role assignment list --all --query ${/^[A-Za-z0-9._-]+$/.test(name) ? `"${query}"` : shellQuote(query)} -o table`;
}

/** Reports one finding per subject holding any of `permissions` through the binding under check. */
export function reportGrants(ctx: RuleContext, grants: readonly SubjectGrant[], expected: string, severity?: Severity): void {
  for (const g of grants) {
    const first = g.permissions[0];
    if (!first) continue;
    ctx.report({
      ...(severity !== undefined ? { severity } : {}),
      message: `${subjectText(g.subject)} can ${g.permissions.map(permissionLabel).join(', ')} ${scopeText(ctx)} through ${roleText(ctx)} (${bindingText(ctx)})`,
      field: g.index >= 0 ? `subjects[${g.index}]` : 'roleRef',
      evidence: { observed: g.rules.map(ruleText).join('; ') || roleText(ctx), expected },
      verify: canIVerify(ctx, g.subject, first),
    });
  }
}

/** `kubectl get clusterrole NAME -o yaml` (or the Role in the binding's namespace). */
export function roleVerify(ctx: RuleContext): string {
  const ref = asObj(ctx.resource.object.roleRef);
  const kind = asString(ref?.kind) === 'Role' ? 'role' : 'clusterrole';
  const ns = bindingNamespace(ctx);
  return `kubectl get ${kind} ${shellQuote(asString(ref?.name) ?? '')}${kind === 'role' && ns ? ` -n ${shellQuote(ns)}` : ''} -o yaml`;
}

/** The binding's subjects as the authorizer reads them, with their index. */
export function bindingSubjects(ctx: RuleContext): Array<{ subject: Subject; index: number }> {
  const ns = bindingNamespace(ctx);
  const out: Array<{ subject: Subject; index: number }> = [];
  asArray(ctx.resource.object.subjects).forEach((raw, index) => {
    if (!isObj(raw)) return;
    const kind = asString(raw.kind);
    const name = asString(raw.name);
    if (!name) return;
    if (kind === 'User' || kind === 'Group') out.push({ subject: { kind, name }, index });
    else if (kind === 'ServiceAccount') {
      const namespace = asString(raw.namespace) || ns;
      if (namespace) out.push({ subject: { kind, name, namespace }, index });
    }
  });
  return out;
}

/** `kubectl get rolebinding NAME -n NS -o yaml`. */
export function kubectlBindingVerify(ctx: RuleContext): string {
  const ns = bindingNamespace(ctx);
  return `kubectl get ${ctx.resource.kind.toLowerCase()} ${shellQuote(ctx.resource.name)}${ns ? ` -n ${shellQuote(ns)}` : ''} -o yaml`;
}
