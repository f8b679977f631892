import type { Inventory } from '../../core/inventory.js';
import { Memo } from '../../core/memo.js';
import { asArray, asString, isObj } from '../../core/resource.js';
import { identityOf, parseSubject, subjectLabel, type BindingRef, type Grant, type HeldRule, type PermissionIndex, type PolicyRule, type RoleRef, type Subject, type TokenSecret } from './permission-index.js';
import { azureScopeText } from './azure-scope.js';
import { AGGREGATED_DEFAULT_ROLES } from './default-roles.js';

/** The node every path ends at: rights equivalent to the `cluster-admin` ClusterRole. */
export const CLUSTER_ADMIN = 'cluster-admin';

const RBAC = 'rbac.authorization.k8s.io';
/**
 * Workload controllers: updating one rewrites its pod template, serviceAccountName included, so its
 * next pods run as any service account of the namespace. A Pod's own spec takes no such change (only
 * its images), so pods are not among them.
 */
export const WORKLOAD_CONTROLLERS: ReadonlyArray<{ kind: string; resource: string; apiGroup: string }> = [
  { kind: 'Deployment', resource: 'deployments', apiGroup: 'apps' },
  { kind: 'DaemonSet', resource: 'daemonsets', apiGroup: 'apps' },
  { kind: 'StatefulSet', resource: 'statefulsets', apiGroup: 'apps' },
  { kind: 'ReplicaSet', resource: 'replicasets', apiGroup: 'apps' },
  { kind: 'Job', resource: 'jobs', apiGroup: 'batch' },
  { kind: 'CronJob', resource: 'cronjobs', apiGroup: 'batch' },
  { kind: 'ReplicationController', resource: 'replicationcontrollers', apiGroup: '' },
];

/** What runs a pod when created: a Pod, or any workload controller. */
const POD_CREATORS: ReadonlyArray<{ resource: string; apiGroup: string }> = [{ resource: 'pods', apiGroup: '' }, ...WORKLOAD_CONTROLLERS];

const WORKLOAD_IDENTITY_PREFIX = 'workload-identity:';

/** The node of a federated service account's exchangeable token (audience api://AzureADTokenExchange). */
export function workloadIdentityKey(account: string): string {
  return `${WORKLOAD_IDENTITY_PREFIX}${account}`;
}

/** The service account whose exchangeable token the key names, or undefined for another node. */
export function workloadIdentityAccount(key: string): string | undefined {
  return key.startsWith(WORKLOAD_IDENTITY_PREFIX) ? key.slice(WORKLOAD_IDENTITY_PREFIX.length) : undefined;
}

const POD_CREATING = new Set(POD_CREATORS.map((p) => p.resource));

/**
 * Whether a step into a service account yields a token for any audience: a TokenRequest, or a pod the
 * holder runs as the account (created, or by rewriting a controller's pod template, or through a role
 * it binds to itself), which it may label for the workload identity webhook.
 */
export function mintsTokens(r: StepReason): boolean {
  if (r.resource === 'serviceaccounts/token') return true;
  if (POD_CREATING.has(r.resource)) return r.verb === 'create' || r.verb === 'update' || r.verb === 'patch';
  return r.verb === 'bind' && r.resource === 'clusterroles';
}

/** Why one step is possible: the permission used and the grant (binding and role) that holds it. */
export interface StepReason {
  verb: string;
  /** `serviceaccounts/token` for a subresource. */
  resource: string;
  /** The one object the step needs the permission on (bind on ClusterRole admin, a service account's token). */
  name?: string;
  apiGroup: string;
  /** The namespace the permission is used in; null for cluster-scoped use. */
  namespace: string | null;
  /** null on a step out of a namespace-admin node: the binding is the one the subject creates itself. */
  binding: BindingRef | null;
  role: RoleRef | null;
  /** The group through which the identity holds the grant, when it is not bound directly. */
  through?: Subject;
  /** A workload identity step: the Azure identity the service account's tokens are exchanged for. */
  identity?: { clientId: string; name?: string };
}

export interface EscalationStep {
  /** Node keys: `User:jane`, `Group:devs`, `ServiceAccount:ns/name`, `namespace-admin:ns`, `cluster-admin`. */
  from: string;
  to: string;
  because: StepReason;
}

export interface EscalationPath {
  subject: Subject;
  steps: EscalationStep[];
}

interface Edge {
  to: string;
  because: StepReason;
}

/** `namespace-admin:NS`: every right in one namespace, reached by binding an admin role there. */
export function namespaceAdminKey(namespace: string): string {
  return `namespace-admin:${namespace}`;
}

/** Node key as words: `ServiceAccount shop/ci`, `admin of namespace shop`, `cluster-admin`. */
export function nodeText(key: string, names: ReadonlyMap<string, string> = new Map()): string {
  if (key === CLUSTER_ADMIN) return CLUSTER_ADMIN;
  if (key.startsWith(WORKLOAD_IDENTITY_PREFIX)) return `a workload identity token of ${nodeText(key.slice(WORKLOAD_IDENTITY_PREFIX.length), names)}`;
  if (key.startsWith('namespace-admin:')) return `admin of namespace ${key.slice('namespace-admin:'.length)}`;
  const colon = key.indexOf(':');
  if (colon < 0) return key;
  const name = key.slice(colon + 1);
  const display = names.get(name);
  return `${key.slice(0, colon)} ${name}${display ? ` (${display})` : ''}`;
}

/** `create pods in shop`, `bind clusterroles cluster-wide`. */
export function reasonText(r: StepReason): string {
  if (r.identity) return `exchanges its token for Azure identity ${r.identity.name ?? r.identity.clientId} (workload identity, client id ${r.identity.clientId})`;
  if (r.binding?.kind === 'AksLocalAdminCredential') return `lists the local admin credential (Azure role ${r.role?.name ?? ''} at ${azureScopeText(r.binding.scope)})`;
  if (r.binding?.kind === 'AksAdminGroups') return 'is an admin group of the cluster (aadProfile.adminGroupObjectIDs)';
  if (r.role?.kind === 'AzureRole' && r.resource === 'roleAssignments') return `assigns Azure roles at ${azureScopeText(r.binding?.scope)}, so can give itself Azure Kubernetes Service RBAC Cluster Admin on the cluster (Azure role ${r.role.name})`;
  if (r.role?.kind === 'AzureRole' && r.resource === 'managedClusters') return `writes the AKS cluster, so can add itself to its admin groups (Azure role ${r.role.name} at ${azureScopeText(r.binding?.scope)})`;
  if (r.verb === '*' && r.resource === '*') {
    if (r.role?.kind === 'AzureRole') return `holds Azure role ${r.role.name} at ${azureScopeText(r.binding?.scope)}`;
    return `holds ${r.role ? `${r.role.kind} ${r.role.name}` : '*'} cluster-wide`;
  }
  if (r.role?.kind === 'AzureRole') return `${r.verb} ${r.resource}${r.namespace !== null ? ` in ${r.namespace}` : ' cluster-wide'} (Azure role ${r.role.name})`;
  return `${r.verb} ${r.resource}${r.name !== undefined ? ` ${r.name}` : ''}${r.namespace !== null ? ` in ${r.namespace}` : ' cluster-wide'}`;
}

/** `create pods in shop → ServiceAccount shop/deployer → bind clusterroles cluster-wide → cluster-admin`. */
export function pathText(steps: readonly EscalationStep[], names?: ReadonlyMap<string, string>): string {
  return steps.map((s) => `${reasonText(s.because)} → ${nodeText(s.to, names)}`).join(' → ');
}

/** A User subject named `system:serviceaccount:NS:NAME` is that ServiceAccount. */
function normalize(s: Subject): Subject {
  if (s.kind === 'User') {
    const sa = s.name.startsWith('system:serviceaccount:') ? parseSubject(s.name) : undefined;
    if (sa) return sa;
  }
  return s.kind === 'ServiceAccount' ? { kind: s.kind, name: s.name, namespace: s.namespace ?? 'default' } : { kind: s.kind, name: s.name };
}

function keyOf(s: Subject): string {
  return subjectLabel(normalize(s));
}

/** The subject keys whose grants an identity holds: itself and its groups, implicit ones included. */
function applicableKeys(s: Subject): string[] {
  const self = keyOf(s);
  const groups = identityOf(s).groups.map((g) => `Group:${g}`);
  return [self, ...groups.filter((g) => g !== self)];
}

/**
 * Whether `subject` holds what is bound to `holder`: it is that identity (a User named
 * `system:serviceaccount:NS:NAME` is that ServiceAccount), or a member of that group, implicit groups included.
 */
export function heldBy(subject: Subject, holder: Subject): boolean {
  return applicableKeys(subject).includes(keyOf(holder));
}

function bySubject(grants: readonly Grant[]): Map<string, Grant[]> {
  const out = new Map<string, Grant[]>();
  for (const g of grants) {
    const k = keyOf(g.subject);
    const list = out.get(k);
    if (list) list.push(g);
    else out.set(k, [g]);
  }
  return out;
}

function any(xs: readonly string[], v: string): boolean {
  return xs.includes('*') || xs.includes(v);
}

/** A rule that allows `verb` on `resource` of the RBAC API group (`roles`, `clusterroles`): on any object, or those it names. */
export function allowsOnRbac(r: PolicyRule, verb: string, resource: string): boolean {
  return any(r.verbs, verb) && any(r.apiGroups, RBAC) && any(r.resources, resource);
}

/** A rule that lets its holder bind ClusterRoles (any, or those it names). */
function bindsClusterRoles(r: PolicyRule): boolean {
  return allowsOnRbac(r, 'bind', 'clusterroles');
}

/** A rule that lets its holder escalate ClusterRoles (any, or those it names). */
function escalatesClusterRoles(r: PolicyRule): boolean {
  return allowsOnRbac(r, 'escalate', 'clusterroles');
}

/** Rules of which one allows every verb on every resource of every API group: cluster-admin bound cluster-wide, admin of a namespace bound there. */
function grantsEverything(rules: readonly PolicyRule[]): boolean {
  return rules.some((r) => r.resourceNames.length === 0 && r.verbs.includes('*') && r.apiGroups.includes('*') && r.resources.includes('*'));
}

/**
 * The ClusterRole, by name, that a bind rule lets its holder bind and that gives every right where it
 * is bound: `preferred` when the rule names no role (it binds any, and every cluster has the default
 * roles); else a role it names that is cluster-admin, `admin` when `namespaceAdmin`, or any role whose
 * rules hold everything. The API server checks bind with the name of the role being bound, so a rule
 * limited to such a role hands it out as surely as one naming cluster-admin.
 */
function everythingRoleBound(index: PermissionIndex, r: PolicyRule, preferred: string, namespaceAdmin: boolean): string | undefined {
  if (!bindsClusterRoles(r)) return undefined;
  const names = r.resourceNames;
  if (names.length === 0 || names.includes(preferred)) return preferred;
  return names.find((n) => n === CLUSTER_ADMIN || (namespaceAdmin && n === 'admin')) ?? names.find((n) => grantsEverything(index.clusterRoleRules(n) ?? []));
}

/** A rule that allows `verb` on every object of `resource` (a grant limited by resourceNames does not count). */
function allowsAll(r: PolicyRule, verb: string, apiGroup: string, resource: string): boolean {
  return r.resourceNames.length === 0 && any(r.verbs, verb) && any(r.apiGroups, apiGroup) && any(r.resources, resource);
}

/**
 * Rules that, bound in a namespace, make their holder any service account there: creating pods or
 * workloads, creating tokens, or impersonating service accounts (the built-in edit role does all three).
 */
function leadsToServiceAccounts(rules: readonly PolicyRule[]): boolean {
  return rules.some(
    (r) =>
      POD_CREATORS.some((p) => allowsAll(r, 'create', p.apiGroup, p.resource)) ||
      allowsAll(r, 'create', '', 'serviceaccounts/token') ||
      allowsAll(r, 'impersonate', '', 'serviceaccounts'),
  );
}

/**
 * Rules that hand whoever they are bound to more than a view of the namespace (the default edit role
 * and above): every right, a way into its service accounts, or its Secrets, long-lived tokens among them.
 */
export function reachesServiceAccounts(rules: readonly PolicyRule[]): boolean {
  return grantsEverything(rules) || leadsToServiceAccounts(rules) || rules.some((r) => ['get', 'list', 'watch'].some((v) => allowsAll(r, v, '', 'secrets')));
}

/**
 * Reads back a Secret it may create in the namespace: any, or one the rule names that does not exist
 * yet. A named Secret that exists (cert-manager's webhook reads its own CA) cannot be created again,
 * and a Secret's type cannot be changed into a token Secret. `ownNamed`: the rule is a workload's own
 * (bound to the service account its pods run as), and the Secrets it names are the ones that workload
 * creates at startup and reads back (cert-manager's webhook and `cert-manager-webhook-ca`): rendered
 * manifests never hold them, but whoever holds the account's token took it from a running pod, whose
 * Secret exists by then.
 */
function readsCreatableSecret(r: PolicyRule, namespace: string, existing: ReadonlySet<string>, ownNamed: boolean): boolean {
  if (!['get', 'list', 'watch'].some((v) => any(r.verbs, v)) || !any(r.apiGroups, '') || !any(r.resources, 'secrets')) return false;
  if (r.resourceNames.length === 0) return true;
  return !ownNamed && r.resourceNames.some((name) => !existing.has(`${namespace}/${name}`));
}

/**
 * The escalation graph of one permission index. Nodes are identities, `namespace-admin:NS` and
 * `cluster-admin`; an identity holds the grants bound to it and to its groups (a service account is
 * in `system:serviceaccounts`, `system:serviceaccounts:NS` and `system:authenticated`), so group
 * membership is not a step of its own: a step names the group in `because.through`.
 *
 * Cluster-admin equivalent, cluster-wide: `*` verbs on `*` resources in `*` API groups; bind on the
 * cluster-admin ClusterRole, or on another whose rules are `*` on everything (any role, or one by name),
 * together with create on clusterrolebindings; escalate on a (non-aggregated) ClusterRole the identity is
 * bound to (any role, or that one by name) together with update or patch of it, which it can then
 * rewrite to `*`; impersonate the group `system:masters` together with impersonating some
 * user or service account (the API server accepts Impersonate-Group only with Impersonate-User), as
 * `system:masters` bypasses authorization altogether. Bind or escalate alone grants nothing.
 *
 * Into a service account of a namespace: creating pods or workloads there; updating or patching a
 * workload controller there (its pod template takes any serviceAccountName); binding, with create on
 * rolebindings there or on clusterrolebindings, a ClusterRole that does one of these (edit); creating a Secret there (a
 * `kubernetes.io/service-account-token` Secret the token controller fills) while reading Secrets there
 * in any way (not the Secrets a workload's own role names: the workload creates them itself); creating its token, impersonating it, reading its token Secret; and, for the accounts
 * whose token the input's pods mount, exec into pods there or adding an ephemeral container to one.
 * On Azure, a principal that may write the cluster resource or assign roles at a scope holding it is
 * one step from cluster-admin.
 */
export class EscalationGraph {
  readonly edges = new Map<string, Edge[]>();
  readonly subjects = new Map<string, Subject>();
  private readonly admins = new Map<string, Edge>();
  private readonly saByNamespace = new Map<string, Set<string>>();
  /** Federated service accounts some of whose pods hold their exchangeable token. */
  private readonly exchangeTokenHolders = new Set<string>();

  constructor(
    private readonly index: PermissionIndex,
    extraSubjects: Iterable<Subject> = [],
  ) {
    const allGrants: Grant[] = [];
    const q = (query: Parameters<PermissionIndex['whoCan']>[0]) => {
      const gs = index.whoCan(query);
      allGrants.push(...gs);
      return gs;
    };
    const star = bySubject(q({ verb: '*', resource: '*', apiGroup: '*' }).filter((g) => g.scope === 'cluster'));
    const podCreators = POD_CREATORS.map((p) => ({ ...p, grants: bySubject(q({ verb: 'create', resource: p.resource, apiGroup: p.apiGroup })) }));
    // Bind and escalate are judged per subject from the rules it holds, as their grants may name the
    // roles they apply to; asked here so that their holders are nodes of the graph.
    q({ verb: 'bind', resource: 'clusterroles', apiGroup: RBAC, name: CLUSTER_ADMIN });
    q({ verb: 'escalate', resource: 'clusterroles', apiGroup: RBAC });
    const createCRB = bySubject(q({ verb: 'create', resource: 'clusterrolebindings', apiGroup: RBAC }));
    const impersonateMasters = bySubject(q({ verb: 'impersonate', resource: 'groups', apiGroup: '', name: 'system:masters' }));
    const impersonateAnyUser = bySubject(q({ verb: 'impersonate', resource: 'users', apiGroup: '' }));
    const createRBAll = q({ verb: 'create', resource: 'rolebindings', apiGroup: RBAC });
    const createSecrets = bySubject(q({ verb: 'create', resource: 'secrets', apiGroup: '' }));
    // Exec into a pod, or an ephemeral container added to it (kubectl debug), runs a process that reads the pod's token.
    const intoPods = [
      { verb: 'create', resource: 'pods/exec', grants: bySubject(q({ verb: 'create', resource: 'pods', subresource: 'exec', apiGroup: '' })) },
      { verb: 'get', resource: 'pods/exec', grants: bySubject(q({ verb: 'get', resource: 'pods', subresource: 'exec', apiGroup: '' })) },
      { verb: 'patch', resource: 'pods/ephemeralcontainers', grants: bySubject(q({ verb: 'patch', resource: 'pods', subresource: 'ephemeralcontainers', apiGroup: '' })) },
      { verb: 'update', resource: 'pods/ephemeralcontainers', grants: bySubject(q({ verb: 'update', resource: 'pods', subresource: 'ephemeralcontainers', apiGroup: '' })) },
    ];

    for (const sa of index.serviceAccounts) {
      const slash = sa.indexOf('/');
      this.addSubject({ kind: 'ServiceAccount', namespace: sa.slice(0, slash), name: sa.slice(slash + 1) });
    }
    for (const s of extraSubjects) this.addSubject(s);
    for (const link of index.identityLinks) {
      this.addSubject(link.serviceAccount);
      if (link.principal) this.addSubject(link.principal);
    }
    for (const w of index.clusterWriters) this.addSubject(w.subject);
    for (const t of index.tokenSecrets) this.addSubject({ kind: 'ServiceAccount', namespace: t.namespace, name: t.serviceAccount });
    for (const g of allGrants) this.addSubject(g.subject);

    // Per-target queries: token creation and impersonation may be limited by resourceNames.
    const tokenGrants = new Map<string, Map<string, Grant[]>>();
    const impersonateSA = new Map<string, Map<string, Grant[]>>();
    const impersonateUser = new Map<string, Map<string, Grant[]>>();
    const impersonateGroup = new Map<string, Map<string, Grant[]>>();
    for (const [key, s] of this.subjects) {
      if (s.kind === 'ServiceAccount') {
        const ns = s.namespace ?? 'default';
        tokenGrants.set(key, bySubject(index.whoCan({ verb: 'create', resource: 'serviceaccounts', subresource: 'token', apiGroup: '', namespace: ns, name: s.name })));
        impersonateSA.set(key, bySubject(index.whoCan({ verb: 'impersonate', resource: 'serviceaccounts', apiGroup: '', namespace: ns, name: s.name })));
      } else if (s.kind === 'User') impersonateUser.set(key, bySubject(index.whoCan({ verb: 'impersonate', resource: 'users', apiGroup: '', name: s.name })));
      else impersonateGroup.set(key, bySubject(index.whoCan({ verb: 'impersonate', resource: 'groups', apiGroup: '', name: s.name })));
    }
    const byHolder = (m: Map<string, Map<string, Grant[]>>) => {
      const out = new Map<string, Array<{ target: string; grants: Grant[] }>>();
      for (const [target, holders] of m)
        for (const [holder, grants] of holders) {
          if (!grants.length || !this.subjects.has(target)) continue;
          let list = out.get(holder);
          if (!list) out.set(holder, (list = []));
          list.push({ target, grants });
        }
      return out;
    };
    const tokenByHolder = byHolder(tokenGrants);
    const impersonateSAByHolder = byHolder(impersonateSA);
    const impersonateUserByHolder = byHolder(impersonateUser);
    const impersonateGroupByHolder = byHolder(impersonateGroup);
    // Reading a token Secret (get by its name, or list and watch, which return every Secret's data) is being its account.
    const tokenReaders = new Map<string, Array<{ target: string; grant: Grant; verb: string; secret: TokenSecret }>>();
    for (const secret of index.tokenSecrets) {
      const target = subjectLabel({ kind: 'ServiceAccount', namespace: secret.namespace, name: secret.serviceAccount });
      for (const [verb, name] of [['get', secret.name], ['list', undefined], ['watch', undefined]] as const) {
        for (const [holder, grants] of bySubject(index.whoCan({ verb, resource: 'secrets', apiGroup: '', namespace: secret.namespace, ...(name ? { name } : {}) }))) {
          let list = tokenReaders.get(holder);
          if (!list) tokenReaders.set(holder, (list = []));
          if (!list.some((r) => r.target === target)) list.push({ target, grant: grants[0]!, verb, secret });
        }
      }
    }
    // Per controller object: update or patch may be limited by resourceNames to it.
    const controllerWriters = new Map<string, Array<{ namespace: string; grant: Grant; verb: string; resource: string; apiGroup: string; name: string }>>();
    for (const runner of index.podRunners) {
      const c = WORKLOAD_CONTROLLERS.find((x) => x.kind === runner.kind);
      if (!c) continue;
      for (const verb of ['patch', 'update']) {
        for (const [holder, grants] of bySubject(index.whoCan({ verb, resource: c.resource, apiGroup: c.apiGroup, namespace: runner.namespace, name: runner.name }))) {
          let list = controllerWriters.get(holder);
          if (!list) controllerWriters.set(holder, (list = []));
          if (!list.some((w) => w.namespace === runner.namespace)) list.push({ namespace: runner.namespace, grant: grants[0]!, verb, resource: c.resource, apiGroup: c.apiGroup, name: runner.name });
        }
      }
    }
    // The federated accounts whose pods hold a token Entra exchanges, by namespace.
    const federatedKeys = new Set(index.identityLinks.filter((l) => l.principal).map((l) => keyOf(l.serviceAccount)));
    const exchangePods = new Map<string, Set<string>>();
    for (const runner of index.podRunners) {
      if (!runner.exchangeableToken || !federatedKeys.has(subjectLabel({ kind: 'ServiceAccount', namespace: runner.namespace, name: runner.serviceAccount }))) continue;
      let m = exchangePods.get(runner.namespace);
      if (!m) exchangePods.set(runner.namespace, (m = new Set()));
      m.add(runner.serviceAccount);
      this.exchangeTokenHolders.add(subjectLabel({ kind: 'ServiceAccount', namespace: runner.namespace, name: runner.serviceAccount }));
    }
    // The accounts some workload of the input runs as.
    const workloadAccounts = new Set(index.podRunners.map((r) => subjectLabel({ kind: 'ServiceAccount', namespace: r.namespace, name: r.serviceAccount })));
    // The accounts whose token a process in one of their pods can read, by namespace.
    const tokenPods = new Map<string, Set<string>>();
    for (const runner of index.podRunners) {
      if (!runner.automountsToken) continue;
      let m = tokenPods.get(runner.namespace);
      if (!m) tokenPods.set(runner.namespace, (m = new Set()));
      m.add(runner.serviceAccount);
    }
    const namespaces = [...this.saByNamespace.keys()].sort();
    const createRB = new Map(namespaces.map((ns) => [ns, bySubject(createRBAll.filter((g) => g.scope === 'cluster' || g.scope === ns))]));

    for (const [key, s] of this.subjects) {
      const keys = applicableKeys(s);
      const held = (m: Map<string, Grant[]> | undefined): Grant | undefined => {
        for (const k of keys) {
          const g = m?.get(k)?.[0];
          if (g) return g;
        }
        return undefined;
      };
      const reason = (g: Grant, verb: string, resource: string, apiGroup: string, namespace: string | null, name?: string): StepReason => {
        const through = keyOf(g.subject) !== key ? { through: g.subject } : {};
        return { verb, resource, ...(name !== undefined ? { name } : {}), apiGroup, namespace, binding: g.via.binding, role: g.via.role, ...through };
      };

      const admin = held(star);
      if (admin) {
        const edge = { to: CLUSTER_ADMIN, because: reason(admin, '*', '*', '*', null) };
        this.admins.set(key, edge);
        this.edges.set(key, [edge]);
        continue;
      }
      const out: Edge[] = [];
      const seen = new Set<string>();
      const add = (to: string, because: StepReason) => {
        if (to === key || seen.has(to)) return;
        seen.add(to);
        out.push({ to, because });
      };

      let heldRules: HeldRule[] | undefined;
      const allRules = () => (heldRules ??= index.can(s));
      const heldReason = (h: HeldRule, name: string, namespace: string | null): StepReason => ({ verb: 'bind', resource: 'clusterroles', name, apiGroup: RBAC, namespace, binding: h.via.binding, role: h.via.role, ...(keyOf(h.through) !== key ? { through: h.through } : {}) });
      let bindRules: HeldRule[] | undefined;
      const allBinds = () => (bindRules ??= allRules().filter((h) => bindsClusterRoles(h.rule)));
      // The bind rules limited to ClusterRoles, each with the first it names that runs pods, mints tokens or
      // impersonates service accounts (edit): asked cluster-wide and in every namespace, worked out once.
      let accountRoleBinds: Array<{ h: HeldRule; name: string }> | undefined;
      const accountBinds = () =>
        (accountRoleBinds ??= allBinds().flatMap((h) => {
          const name = h.rule.resourceNames.find((n) => leadsToServiceAccounts(index.clusterRoleRules(n) ?? []));
          return name === undefined ? [] : [{ h, name }];
        }));

      // create on clusterrolebindings with bind on a role that holds everything (by name or any role) is
      // cluster-admin; with bind on a role that runs pods or mints tokens (edit), every service account.
      if (held(createCRB)?.scope === 'cluster') {
        for (const h of allBinds()) {
          if (h.scope !== 'cluster') continue;
          const name = everythingRoleBound(index, h.rule, CLUSTER_ADMIN, false);
          if (name === undefined) continue;
          add(CLUSTER_ADMIN, heldReason(h, name, null));
          break;
        }
        const toAccounts = accountBinds().find((b) => b.h.scope === 'cluster');
        if (toAccounts) {
          for (const ns of namespaces) for (const account of this.saByNamespace.get(ns) ?? []) add(subjectLabel({ kind: 'ServiceAccount', namespace: ns, name: account }), heldReason(toAccounts.h, toAccounts.name, null));
        }
      }
      // escalate with update or patch on a ClusterRole the identity is bound to rewrites that role to `*`.
      // The API server checks escalate with the role's name, so a grant limited to it is enough.
      if (allRules().some((h) => h.scope === 'cluster' && escalatesClusterRoles(h.rule))) {
        const boundRoles = new Set<string>();
        const aggregated = new Set<string>();
        for (const h of allRules()) {
          if (h.scope !== 'cluster' || h.via.role.kind !== 'ClusterRole') continue;
          boundRoles.add(h.via.role.name);
          if (h.via.aggregatedFrom !== undefined || (h.via.role.builtin && AGGREGATED_DEFAULT_ROLES.has(h.via.role.name))) aggregated.add(h.via.role.name);
        }
        const mine = (w: Grant) => w.scope === 'cluster' && keys.includes(keyOf(w.subject));
        for (const name of boundRoles) {
          if (aggregated.has(name)) continue;
          const esc = index.whoCan({ verb: 'escalate', resource: 'clusterroles', apiGroup: RBAC, name }).find(mine);
          if (!esc || !['update', 'patch'].some((verb) => index.whoCan({ verb, resource: 'clusterroles', apiGroup: RBAC, name }).some(mine))) continue;
          add(CLUSTER_ADMIN, reason(esc, 'escalate', 'clusterroles', RBAC, null, name));
          break;
        }
      }
      const masters = held(impersonateMasters);
      if (masters) {
        const canUser = held(impersonateAnyUser) ?? [...impersonateUser.values(), ...impersonateSA.values()].map(held).find((g) => g !== undefined);
        if (canUser) add(CLUSTER_ADMIN, reason(masters, 'impersonate', 'groups', '', null, 'system:masters'));
      }

      // Pod creation runs a pod as any service account of the namespace.
      for (const p of podCreators) {
        for (const k of keys) {
          for (const g of p.grants.get(k) ?? []) {
            const targets = g.scope === 'cluster' ? namespaces : [g.scope];
            for (const ns of targets) for (const name of this.saByNamespace.get(ns) ?? []) add(subjectLabel({ kind: 'ServiceAccount', namespace: ns, name }), reason(g, 'create', p.resource, p.apiGroup, ns));
          }
        }
      }
      // Targets are looked up by the keys this subject holds grants under (itself, then its groups):
      // walking every target for every subject would be quadratic in the service accounts.
      const reach = (by: Map<string, Array<{ target: string; grants: Grant[] }>>, verb: string, resource: string, ns: (target: string) => string | null) => {
        for (const k of keys) for (const { target, grants } of by.get(k) ?? []) add(target, reason(grants[0] as Grant, verb, resource, '', ns(target), this.subjects.get(target)?.name));
      };
      const saNamespace = (target: string) => this.subjects.get(target)?.namespace ?? 'default';
      reach(tokenByHolder, 'create', 'serviceaccounts/token', saNamespace);
      reach(impersonateSAByHolder, 'impersonate', 'serviceaccounts', saNamespace);
      reach(impersonateUserByHolder, 'impersonate', 'users', () => null);
      for (const k of keys) for (const r of tokenReaders.get(k) ?? []) add(r.target, reason(r.grant, r.verb, 'secrets', '', r.secret.namespace, r.verb === 'get' ? r.secret.name : undefined));
      const everyAccount = (ns: string, because: StepReason) => {
        for (const name of this.saByNamespace.get(ns) ?? []) add(subjectLabel({ kind: 'ServiceAccount', namespace: ns, name }), because);
      };
      // Updating a workload controller rewrites its pod template, and serviceAccountName with it.
      for (const k of keys) for (const w of controllerWriters.get(k) ?? []) everyAccount(w.namespace, reason(w.grant, w.verb, w.resource, w.apiGroup, w.namespace, w.name));
      // A process started in a running pod reads the tokens the pod holds: the API token it mounts, and
      // the workload identity token of a labelled pod.
      for (const p of intoPods) {
        for (const k of keys) {
          for (const g of p.grants.get(k) ?? []) {
            const targets = g.scope === 'cluster' ? [...new Set([...tokenPods.keys(), ...exchangePods.keys()])] : [g.scope];
            for (const ns of targets) {
              for (const account of tokenPods.get(ns) ?? []) add(subjectLabel({ kind: 'ServiceAccount', namespace: ns, name: account }), reason(g, p.verb, p.resource, '', ns));
              for (const account of exchangePods.get(ns) ?? []) add(workloadIdentityKey(subjectLabel({ kind: 'ServiceAccount', namespace: ns, name: account })), reason(g, p.verb, p.resource, '', ns));
            }
          }
        }
      }
      const canImpersonateSomeUser = held(impersonateAnyUser) !== undefined || out.some((e) => e.because.verb === 'impersonate');
      if (canImpersonateSomeUser) reach(impersonateGroupByHolder, 'impersonate', 'groups', () => null);

      // Binding `admin` (or cluster-admin) in a namespace through a RoleBinding needs bind on that
      // ClusterRole, checked in the namespace, and create on rolebindings there.
      if (namespaces.length) {
        const rules = allRules();
        const inScope = (h: HeldRule, ns: string) => h.scope === 'cluster' || h.scope === ns;
        const adminBinds = allBinds().flatMap((h) => {
          const name = everythingRoleBound(index, h.rule, 'admin', true);
          return name === undefined ? [] : [{ h, name }];
        });
        for (const ns of namespaces) {
          const rb = held(createRB.get(ns));
          if (!rb) continue;
          const admin = adminBinds.find((b) => inScope(b.h, ns));
          if (admin) {
            add(namespaceAdminKey(ns), heldReason(admin.h, admin.name, ns));
            continue;
          }
          // Bind limited to other ClusterRoles: one that runs pods, mints tokens or impersonates service
          // accounts (edit) makes the identity, through a RoleBinding it writes, any service account there.
          const toAccounts = accountBinds().find((b) => inScope(b.h, ns));
          if (toAccounts) everyAccount(ns, heldReason(toAccounts.h, toAccounts.name, ns));
        }
        const runsPods = s.kind === 'ServiceAccount' && workloadAccounts.has(key);
        // create secrets: a Secret of type kubernetes.io/service-account-token naming an account of the
        // namespace is filled with its token by the token controller; reading it back (get by a name
        // the creator may choose, or list or watch) is being that account.
        for (const k of keys) {
          for (const g of createSecrets.get(k) ?? []) {
            const targets = g.scope === 'cluster' ? namespaces : [g.scope];
            for (const ns of targets) if (rules.some((r) => inScope(r, ns) && readsCreatableSecret(r.rule, ns, index.secretNames, runsPods && keyOf(r.through) === key))) everyAccount(ns, reason(g, 'create', 'secrets', '', ns));
          }
        }
        // escalate on roles lets the identity rewrite a Role it is bound to in the namespace to `*`.
        for (const r of rules) {
          if (r.scope === 'cluster' || r.via.role.kind !== 'Role') continue;
          const ns = r.scope;
          const name = r.via.role.name;
          const mine = (gs: Grant[]) => gs.some((w) => keys.includes(keyOf(w.subject)));
          const esc = index.whoCan({ verb: 'escalate', resource: 'roles', apiGroup: RBAC, namespace: ns, name }).find((w) => keys.includes(keyOf(w.subject)));
          if (!esc) continue;
          if (mine(index.whoCan({ verb: 'update', resource: 'roles', apiGroup: RBAC, namespace: ns, name })) || mine(index.whoCan({ verb: 'patch', resource: 'roles', apiGroup: RBAC, namespace: ns, name }))) {
            add(namespaceAdminKey(ns), reason(esc, 'escalate', 'roles', RBAC, ns, name));
          }
        }
      }
      this.edges.set(key, out);
    }

    // Azure: a federated service account becomes its Azure identity; a principal that may write the
    // cluster resource can add its own group to the admin groups.
    const addEdge = (from: string, edge: Edge) => {
      if (this.admins.has(from) || from === edge.to) return;
      const list = this.edges.get(from);
      if (list) list.push(edge);
      else this.edges.set(from, [edge]);
    };
    // Entra exchanges only a token for api://AzureADTokenExchange: the webhook's projected token in a
    // labelled pod, or one minted for the account. Holding the account's API server token (a mounted
    // one, a token Secret, impersonation) is not enough, so the identity hangs off a node of its own
    // that only minting steps reach (see below).
    const federated = new Set<string>();
    for (const link of index.identityLinks) {
      if (!link.principal) continue;
      const account = keyOf(link.serviceAccount);
      const to = keyOf(link.principal);
      if (!this.subjects.has(to)) continue;
      federated.add(account);
      const identity = { clientId: link.clientId, ...(link.identityName ? { name: link.identityName } : {}) };
      addEdge(workloadIdentityKey(account), { to, because: { verb: 'use', resource: 'workload identity', apiGroup: 'azure.workload.identity', namespace: link.serviceAccount.namespace ?? 'default', binding: null, role: null, identity } });
    }
    for (const w of index.clusterWriters) {
      const from = keyOf(w.subject);
      const what = w.assignsRoles ? { resource: 'roleAssignments', apiGroup: 'Microsoft.Authorization' } : { resource: 'managedClusters', apiGroup: 'Microsoft.ContainerService' };
      addEdge(from, { to: CLUSTER_ADMIN, because: { verb: 'write', ...what, namespace: null, binding: w.ref, role: w.role } });
    }

    for (const ns of namespaces) {
      const out: Edge[] = [];
      for (const name of this.saByNamespace.get(ns) ?? []) {
        out.push({ to: subjectLabel({ kind: 'ServiceAccount', namespace: ns, name }), because: { verb: 'create', resource: 'pods', apiGroup: '', namespace: ns, binding: null, role: null } });
      }
      this.edges.set(namespaceAdminKey(ns), out);
    }
    for (const edges of this.edges.values()) {
      for (const e of [...edges]) if (federated.has(e.to) && mintsTokens(e.because)) edges.push({ to: workloadIdentityKey(e.to), because: e.because });
    }
  }

  /** The grant that makes the identity cluster-admin equivalent by itself, if any. */
  adminGrant(key: string): StepReason | undefined {
    return this.admins.get(key)?.because;
  }

  private addSubject(raw: Subject): void {
    const s = normalize(raw);
    const key = subjectLabel(s);
    if (this.subjects.has(key)) return;
    this.subjects.set(key, s);
    if (s.kind === 'ServiceAccount') {
      const ns = s.namespace ?? 'default';
      let set = this.saByNamespace.get(ns);
      if (!set) this.saByNamespace.set(ns, (set = new Set()));
      set.add(s.name);
    }
  }

  /**
   * The shortest path to cluster-admin of every identity that is not already cluster-admin
   * equivalent and has one, shortest first. One breadth-first search backwards from the goal.
   */
  shortestPaths(): EscalationPath[] {
    const reverse = new Map<string, Array<{ from: string; edge: Edge }>>();
    for (const [from, edges] of this.edges) {
      for (const edge of edges) {
        const list = reverse.get(edge.to);
        if (list) list.push({ from, edge });
        else reverse.set(edge.to, [{ from, edge }]);
      }
    }
    const next = new Map<string, Edge>();
    const distance = new Map<string, number>([[CLUSTER_ADMIN, 0]]);
    const queue: string[] = [CLUSTER_ADMIN];
    for (let i = 0; i < queue.length; i++) {
      const node = queue[i]!;
      for (const { from, edge } of reverse.get(node) ?? []) {
        if (distance.has(from)) continue;
        distance.set(from, distance.get(node)! + 1);
        next.set(from, edge);
        queue.push(from);
      }
    }
    const out: EscalationPath[] = [];
    for (const [key, subject] of this.subjects) {
      if (this.admins.has(key)) continue;
      // A federated service account holds its own exchangeable token where pods of it are labelled for it.
      const own = workloadIdentityKey(key);
      const start = this.exchangeTokenHolders.has(key) && distance.has(own) && distance.get(own)! < (distance.get(key) ?? Infinity) ? own : key;
      if (!next.has(start)) continue;
      const steps: EscalationStep[] = [];
      let at = start;
      for (let e = next.get(at); e; e = next.get(at)) {
        steps.push({ from: at === own ? key : at, to: e.to, because: e.because });
        at = e.to;
      }
      out.push({ subject, steps });
    }
    return out.sort((a, b) => a.steps.length - b.steps.length || subjectLabel(a.subject).localeCompare(subjectLabel(b.subject)));
  }
}

/**
 * For every subject of the index that is not already cluster-admin equivalent, the shortest chain
 * of grants to cluster-admin, ranked by length. `extraSubjects` adds starting points the index holds
 * no relevant grant for (e.g. every subject of every binding), as they may escalate through groups.
 */
export function shortestPaths(index: PermissionIndex, extraSubjects: Iterable<Subject> = []): EscalationPath[] {
  return escalationGraph(index, extraSubjects).shortestPaths();
}

const GRAPHS = new Memo<PermissionIndex, { extra: string; graph: EscalationGraph }>();

/**
 * The escalation graph of an index with these extra subjects, built once: the escalation rule and the
 * attack paths both ask for it in one scan, and on a large cluster building it allocates hundreds of
 * megabytes on the way. The extra subjects are compared by key, in order (the order their nodes are
 * made in), so a different list gets a graph of its own.
 */
export function escalationGraph(index: PermissionIndex, extraSubjects: Iterable<Subject> = []): EscalationGraph {
  const extra = [...extraSubjects];
  const key = extra.map(keyOf).join('\n');
  const known = GRAPHS.get(index);
  if (known?.extra === key) return known.graph;
  const graph = new EscalationGraph(index, extra);
  GRAPHS.set(index, { extra: key, graph });
  return graph;
}

const BOUND_SUBJECTS = new Memo<Inventory, readonly Subject[]>();

/**
 * Every subject named in a RoleBinding or ClusterRoleBinding of the inventory: the starting points
 * whose only grants are limited by resourceNames (which no who-can query without a name returns).
 * Read once per inventory: the escalation rule and the attack paths (twice) ask in one scan.
 */
export function boundSubjects(inventory: Inventory): readonly Subject[] {
  return BOUND_SUBJECTS.of(inventory, subjectsOfBindings);
}

function subjectsOfBindings(inventory: Inventory): Subject[] {
  const out: Subject[] = [];
  for (const kind of ['RoleBinding', 'ClusterRoleBinding']) {
    for (const b of inventory.byKind(kind)) {
      const ns = kind === 'RoleBinding' ? (b.namespace ?? 'default') : null;
      for (const raw of asArray(b.object.subjects)) {
        if (!isObj(raw)) continue;
        const k = asString(raw.kind);
        const name = asString(raw.name);
        if (!name) continue;
        if (k === 'User' || k === 'Group') out.push({ kind: k, name });
        else if (k === 'ServiceAccount') {
          const namespace = asString(raw.namespace) || ns;
          if (namespace) out.push({ kind: k, name, namespace });
        }
      }
    }
  }
  return out;
}
