import { Memo } from '../../core/memo.js';
import { asArray, asObj, asString, isObj, type Resource } from '../../core/resource.js';
import { shellQuote, type RuleContext } from '../../core/rule.js';
import type { Severity } from '../../core/severity.js';
import { grantedPart, permissionIndexOf, subjectLabel, type AccessQuery, type PermissionIndex, type PolicyRule, type Subject } from '../../analyses/rbac/permission-index.js';
import { ROLE_ASSIGNMENT_KIND } from '../../analyses/rbac/azure-access.js';
import { azureScopeText } from '../../analyses/rbac/azure-scope.js';

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
  /** Where a cluster-wide grant was asked about, when only one namespace matters (the CoreDNS ConfigMaps of kube-system). */
  namespace?: string;
}

/** The binding's namespace (a namespace-less RoleBinding lands in `default`), null for a ClusterRoleBinding. */
export function bindingNamespace(ctx: RuleContext): string | null {
  return ctx.resource.kind === 'RoleBinding' ? (ctx.resource.namespace ?? 'default') : null;
}

/** The resource under check is an Azure role assignment (Azure RBAC for Kubernetes authorization). */
export function isRoleAssignment(ctx: RuleContext): boolean {
  return ctx.resource.kind === ROLE_ASSIGNMENT_KIND;
}

/** What the role assignment under check grants on the cluster, as the index reads it. */
function assignmentGrant(ctx: RuleContext) {
  return permissionIndex(ctx.inventory).azureAssignment(ctx.resource.name);
}

/**
 * Where the binding or role assignment under check grants: a RoleBinding's namespace, an assignment's
 * namespace of the cluster, or null for cluster-wide.
 */
export function grantNamespace(ctx: RuleContext): string | null {
  if (isRoleAssignment(ctx)) return assignmentGrant(ctx)?.ref.namespace ?? null;
  return bindingNamespace(ctx);
}

/**
 * The controllers of kube-controller-manager the bootstrap policy binds (`bootstrappolicy`
 * `controller_policy.go`): each by a ClusterRoleBinding `system:controller:NAME` to its ClusterRole of
 * that name and to the ServiceAccount kube-system/NAME.
 */
const BOOTSTRAP_CONTROLLERS = [
  'attachdetach-controller', 'certificate-controller', 'clusterrole-aggregation-controller', 'cronjob-controller', 'daemon-set-controller',
  'deployment-controller', 'device-taint-eviction-controller', 'disruption-controller', 'endpoint-controller', 'endpointslice-controller',
  'endpointslicemirroring-controller', 'ephemeral-volume-controller', 'expand-controller', 'generic-garbage-collector', 'horizontal-pod-autoscaler',
  'job-controller', 'legacy-service-account-token-cleaner', 'namespace-controller', 'node-controller', 'persistent-volume-binder',
  'pod-garbage-collector', 'podcheckpoint-controller', 'pv-protection-controller', 'pvc-protection-controller', 'replicaset-controller',
  'replication-controller', 'resource-claim-controller', 'resourcequota-controller', 'root-ca-cert-publisher', 'route-controller',
  'selinux-warning-controller', 'service-account-controller', 'service-cidrs-controller', 'service-controller', 'statefulset-controller',
  'ttl-after-finished-controller', 'ttl-controller', 'validatingadmissionpolicy-status-controller', 'volumeattributesclass-protection-controller',
];

const kubeSystemAccount = (name: string) => `ServiceAccount:kube-system/${name}`;
const KUBE_CONTROLLER_MANAGER = 'User:system:kube-controller-manager';
const KUBE_SCHEDULER = 'User:system:kube-scheduler';

/** A bootstrap Role bound by a RoleBinding of its own name in kube-system (and kube-public) to the controller it is named for. */
const controllerRoleBinding = (namespace: string, controller: string): [string, { role: string; subjects: readonly string[] }] => [
  `RoleBinding/${namespace}/system:controller:${controller}`,
  { role: `system:controller:${controller}`, subjects: [kubeSystemAccount(controller)] },
];

/**
 * The upstream bootstrap policy's bindings to control-plane identities (kube-apiserver `bootstrappolicy`),
 * by `ClusterRoleBinding/NAME` or `RoleBinding/NAMESPACE/NAME`: the role each binds (a ClusterRole, or a
 * Role of the binding's namespace) and the subjects it names. Those bound to every authenticated or
 * unauthenticated caller (system:basic-user, system:discovery, system:public-info-viewer) are not here:
 * what such a binding grants is every caller's, and the rules judge it.
 */
const BOOTSTRAP_BINDINGS: ReadonlyMap<string, { role: string; subjects: readonly string[] }> = new Map([
  ['ClusterRoleBinding/cluster-admin', { role: 'cluster-admin', subjects: ['Group:system:masters'] }],
  ['ClusterRoleBinding/system:monitoring', { role: 'system:monitoring', subjects: ['Group:system:monitoring'] }],
  ['ClusterRoleBinding/system:node-proxier', { role: 'system:node-proxier', subjects: ['User:system:kube-proxy'] }],
  ['ClusterRoleBinding/system:kube-controller-manager', { role: 'system:kube-controller-manager', subjects: [KUBE_CONTROLLER_MANAGER] }],
  ['ClusterRoleBinding/system:kube-dns', { role: 'system:kube-dns', subjects: [kubeSystemAccount('kube-dns')] }],
  ['ClusterRoleBinding/system:kube-scheduler', { role: 'system:kube-scheduler', subjects: [KUBE_SCHEDULER] }],
  ['ClusterRoleBinding/system:volume-scheduler', { role: 'system:volume-scheduler', subjects: [KUBE_SCHEDULER] }],
  ...BOOTSTRAP_CONTROLLERS.map((c): [string, { role: string; subjects: readonly string[] }] => [`ClusterRoleBinding/system:controller:${c}`, { role: `system:controller:${c}`, subjects: [kubeSystemAccount(c)] }]),
  ['RoleBinding/kube-system/system::extension-apiserver-authentication-reader', { role: 'extension-apiserver-authentication-reader', subjects: [KUBE_CONTROLLER_MANAGER, KUBE_SCHEDULER] }],
  [
    'RoleBinding/kube-system/system::leader-locking-kube-controller-manager',
    { role: 'system::leader-locking-kube-controller-manager', subjects: [KUBE_CONTROLLER_MANAGER, kubeSystemAccount('kube-controller-manager'), kubeSystemAccount('leader-election-controller')] },
  ],
  ['RoleBinding/kube-system/system::leader-locking-kube-scheduler', { role: 'system::leader-locking-kube-scheduler', subjects: [KUBE_SCHEDULER, kubeSystemAccount('kube-scheduler')] }],
  controllerRoleBinding('kube-system', 'bootstrap-signer'),
  controllerRoleBinding('kube-public', 'bootstrap-signer'),
  controllerRoleBinding('kube-system', 'cloud-provider'),
  controllerRoleBinding('kube-system', 'token-cleaner'),
]);

/**
 * The subjects the upstream bootstrap binding of this kind, namespace and name names, when the binding
 * under check is bound to that binding's upstream role; none otherwise.
 */
function bootstrapSubjects(ctx: RuleContext, ns: string | null): readonly string[] {
  const known = BOOTSTRAP_BINDINGS.get(`${ctx.resource.kind}/${ns !== null ? `${ns}/` : ''}${ctx.resource.name}`);
  if (!known) return [];
  const roleRef = asObj(ctx.resource.object.roleRef);
  const roleKind = ctx.resource.kind === 'RoleBinding' ? 'Role' : 'ClusterRole';
  if (asString(roleRef?.kind) !== roleKind || asString(roleRef?.name) !== known.role) return [];
  return known.subjects;
}

/**
 * Grants the Kubernetes bootstrap policy makes by design, and not reported: its bindings give
 * control-plane users and groups their rights, and each controller of kube-controller-manager its
 * rights as a ServiceAccount of kube-system (`system:controller:replicaset-controller` →
 * `kube-system/replicaset-controller`). They are known by binding name, role and subject, with or without
 * the `kubernetes.io/bootstrapping: rbac-defaults` label: anyone who writes a binding can set the label,
 * and hand-written copies of a cluster's RBAC often drop it. A `system:` name proves nothing either: a
 * binding someone adds for `system:nodes` or `system:kube-proxy` widens what every node or proxy
 * credential may do, and is reported, as is another subject added to a bootstrap binding, or a bootstrap
 * binding's name bound to another role. `system:masters` is always left out: the API server lets its
 * members do anything whatever RBAC says, so a binding to it changes nothing.
 */
export function isControlPlaneGrant(ctx: RuleContext, s: Subject): boolean {
  return controlPlaneGrants(ctx)(s);
}

/** isControlPlaneGrant for the subjects of the binding under check, which is looked up once. */
function controlPlaneGrants(ctx: RuleContext): (s: Subject) => boolean {
  const ns = bindingNamespace(ctx);
  const known = bootstrapSubjects(ctx, ns);
  return (s) =>
    (s.kind === 'Group' && s.name === 'system:masters') ||
    (known.length > 0 && known.includes(subjectLabel(s.kind === 'ServiceAccount' ? { ...s, namespace: s.namespace ?? ns ?? '' } : s)));
}

/**
 * bindingRules already worked out, per index, binding and subject: every rbac rule asks for the rules of
 * the binding it checks. Kept per subject, as the rules of two objects of one name (a binding in two
 * files) are those of whichever names the subject.
 */
const BINDING_RULES = new Memo<PermissionIndex, Map<Resource, Map<string, ReadonlyMap<number, PolicyRule>>>>();

/**
 * The effective rules (aggregation expanded) of the binding under check, by rule index, each cut to
 * what the binding can grant: a RoleBinding grants no cluster-scoped resource and no non-resource URL.
 */
function bindingRules(ctx: RuleContext, subject: Subject): ReadonlyMap<number, PolicyRule> {
  const index = permissionIndex(ctx.inventory);
  const byBinding = BINDING_RULES.of(index, () => new Map());
  let bySubject = byBinding.get(ctx.resource);
  if (!bySubject) byBinding.set(ctx.resource, (bySubject = new Map()));
  const key = JSON.stringify([subject.kind, subject.namespace ?? null, subject.name]);
  const known = bySubject.get(key);
  if (known) return known;
  const out = new Map<number, PolicyRule>();
  for (const h of index.can(subject)) {
    if (!sameBinding(ctx, h.via.binding)) continue;
    const granted = grantedPart(h);
    if (granted) out.set(h.via.ruleIndex, granted);
  }
  bySubject.set(key, out);
  return out;
}

function sameBinding(ctx: RuleContext, b: { kind: string; namespace: string | null; name: string }): boolean {
  // The local admin credential an assignment hands out is cluster-admin, which rbac/cluster-admin-bound reports.
  if (isRoleAssignment(ctx)) return b.kind === 'AzureRoleAssignment' && b.name === ctx.resource.name;
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
  const ns = grantNamespace(ctx) ?? opts.namespace ?? null;
  const controlPlane = opts.skipSystem ? controlPlaneGrants(ctx) : undefined;
  const bySubject = new Map<string, SubjectGrant & { ruleIndexes: Set<number> }>();
  for (const p of permissions) {
    const q: AccessQuery = { verb: p.verb, resource: p.resource, apiGroup: p.apiGroup, ...(p.subresource ? { subresource: p.subresource } : {}), ...(p.name !== undefined ? { name: p.name } : {}), ...(ns !== null ? { namespace: ns } : {}) };
    for (const g of index.whoCan(q, (ref) => sameBinding(ctx, ref))) {
      if (controlPlane?.(g.subject)) continue;
      const key = `${g.subject.kind}\0${g.subject.namespace ?? ''}\0${g.subject.name}`;
      let entry = bySubject.get(key);
      if (!entry) bySubject.set(key, (entry = { subject: g.subject, index: subjectIndex(ctx, g.subject), permissions: [], rules: [], ruleIndexes: new Set() }));
      if (!entry.permissions.includes(p)) entry.permissions.push(p);
      entry.ruleIndexes.add(g.via.ruleIndex);
    }
  }
  const out: SubjectGrant[] = [];
  let rules: ReadonlyMap<number, PolicyRule> | undefined;
  for (const e of bySubject.values()) {
    rules ??= bindingRules(ctx, e.subject);
    const picked = [...e.ruleIndexes].sort((a, b) => a - b).flatMap((i) => rules?.get(i) ?? []);
    out.push({ subject: e.subject, index: e.index, permissions: e.permissions, rules: picked, ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}) });
  }
  return out.sort((a, b) => a.index - b.index);
}

/** Each permission restricted to each name: the objects that make it dangerous (cluster-admin for bind, ...). */
export function namedPermissions(permissions: readonly Permission[], names: readonly string[]): Permission[] {
  return names.flatMap((name) => permissions.map((p) => ({ ...p, name })));
}

/**
 * `grantsOf` for `permissions` on any object, plus grants restricted by resourceNames that still reach one
 * of the `named` objects. A named permission whose kind (verb and resource) the subject already holds on
 * every object adds nothing and is left out; one of another kind is added to the subject's grant
 * (impersonate any service account, and the group system:masters by name).
 */
export function grantsOnAnyOrNamed(
  ctx: RuleContext,
  permissions: readonly Permission[],
  named: readonly Permission[],
  opts: { skipSystem?: boolean; namespace?: string } = {},
): SubjectGrant[] {
  const any = grantsOf(ctx, permissions, opts);
  const restricted = grantsOf(ctx, named, opts);
  const byKey = new Map(any.map((g) => [grantKey(g), g]));
  const out = [...any];
  for (const g of restricted) {
    const held = byKey.get(grantKey(g));
    if (!held) {
      out.push(g);
      continue;
    }
    const extra = g.permissions.filter((p) => !held.permissions.some((h) => sameKind(h, p)));
    if (extra.length === 0) continue;
    const merged = { ...held, permissions: [...held.permissions, ...extra], rules: [...held.rules, ...g.rules.filter((r) => !held.rules.some((h) => ruleText(h) === ruleText(r)))] };
    out[out.indexOf(held)] = merged;
  }
  return out.sort((a, b) => a.index - b.index);
}

/** The same verb on the same resource, whichever object it names. */
function sameKind(a: Permission, b: Permission): boolean {
  return a.verb === b.verb && a.resource === b.resource && a.subresource === b.subresource && a.apiGroup === b.apiGroup;
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
  if (isRoleAssignment(ctx)) return `Azure role ${assignmentGrant(ctx)?.role.name ?? '?'}`;
  const ref = asObj(ctx.resource.object.roleRef);
  return `${asString(ref?.kind) ?? 'role'} ${asString(ref?.name) ?? '?'}`;
}

export function bindingText(ctx: RuleContext): string {
  if (isRoleAssignment(ctx)) return `role assignment ${ctx.resource.name} at ${azureScopeText(assignmentGrant(ctx)?.ref.scope)}`;
  const ns = bindingNamespace(ctx);
  return `${ctx.resource.kind} ${ns ? `${ns}/` : ''}${ctx.resource.name}`;
}

/** `in namespace X` or `cluster-wide`. */
export function scopeText(ctx: RuleContext): string {
  const ns = grantNamespace(ctx);
  return ns ? `in namespace ${ns}` : 'cluster-wide';
}

/** `kubectl auth can-i VERB RESOURCE --as=...` for the subject, in the binding's scope. */
export function canIVerify(ctx: RuleContext, s: Subject, p: Permission, namespace?: string): string {
  const resource = `${p.apiGroup ? `${p.resource}.${p.apiGroup}` : p.resource}${p.name !== undefined ? `/${p.name}` : ''}`;
  // `can-i create pods/exec` would ask about a pod named exec: kubectl takes a subresource as a flag.
  const sub = p.subresource ? ` --subresource=${shellQuote(p.subresource)}` : '';
  const as =
    s.kind === 'ServiceAccount'
      ? `--as=${shellQuote(`system:serviceaccount:${s.namespace ?? ''}:${s.name}`)}`
      : s.kind === 'Group'
        ? `--as=palisade-probe --as-group=${shellQuote(s.name)}`
        : `--as=${shellQuote(s.name)}`;
  const ns = bindingNamespace(ctx) ?? namespace;
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

const permissionsList = (permissions: readonly Permission[]) => permissions.map(permissionLabel).join(', ');

/**
 * Reports one finding per subject holding any of `permissions` through the binding under check;
 * `describe` words the permissions held (a list of them by default).
 */
export function reportGrants(ctx: RuleContext, grants: readonly SubjectGrant[], expected: string, severity?: Severity, describe: (permissions: readonly Permission[]) => string = permissionsList): void {
  for (const g of grants) {
    const first = g.permissions[0];
    if (!first) continue;
    ctx.report({
      ...(severity !== undefined ? { severity } : {}),
      message: `${subjectText(g.subject)}${displayName(ctx, g.subject)} can ${describe(g.permissions)} ${scopeText(ctx)} through ${roleText(ctx)} (${bindingText(ctx)})`,
      field: grantField(ctx, g),
      evidence: { observed: g.rules.map(ruleText).join('; ') || roleText(ctx), expected },
      verify: isRoleAssignment(ctx) ? roleAssignmentVerify(ctx.resource.name) : canIVerify(ctx, g.subject, first, g.namespace),
    });
  }
}

/**
 * Where a grant is written: the binding's subject, or an assignment's role (the field
 * rbac/cluster-admin-bound reports, so that its finding and these meet on it).
 */
function grantField(ctx: RuleContext, g: SubjectGrant): string {
  if (isRoleAssignment(ctx)) return ctx.resource.object.properties !== undefined ? 'properties.roleDefinitionId' : 'roleDefinitionId';
  return g.index >= 0 ? `subjects[${g.index}]` : 'roleRef';
}

/** ` (Devs)`: the name the input gives an Entra object id. */
function displayName(ctx: RuleContext, s: Subject): string {
  if (!isRoleAssignment(ctx)) return '';
  const name = permissionIndex(ctx.inventory).displayNames.get(s.name);
  return name ? ` (${name})` : '';
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
