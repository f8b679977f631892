import { Memo } from '../../core/memo.js';
import { selectorMatches, type Inventory } from '../../core/inventory.js';
import { asArray, asObj, asString, isObj, stringMap, type Provenance, type Resource } from '../../core/resource.js';
import { podOf, POD_BEARING_KINDS, type PodView } from '../../core/workload.js';
import { azureAccess, type ClusterWriter, type IdentityLink } from './azure-access.js';
import { BOOTSTRAP_AGGREGATION, DEFAULT_CLUSTER_ROLES } from './default-roles.js';
import { BUILTIN_RESOURCES, BUILTIN_SUBRESOURCES, builtinSpellings, type ResourceInfo } from './resources.js';

export type SubjectKind = 'User' | 'Group' | 'ServiceAccount';

export interface Subject {
  kind: SubjectKind;
  name: string;
  /** ServiceAccounts only; a RoleBinding's namespace when the subject leaves it out. */
  namespace?: string;
}

export interface PermissionIndexOptions {
  /** Merge Azure role assignments, AKS admin groups and the local admin credential (default true). */
  azure?: boolean;
}

/**
 * What grants: a Kubernetes binding, an Azure role assignment (Azure RBAC for Kubernetes
 * authorization), the cluster's Entra admin groups, or the local admin credential that an Azure role
 * assignment lets its holder download.
 */
export interface BindingRef {
  kind: 'RoleBinding' | 'ClusterRoleBinding' | 'AzureRoleAssignment' | 'AksAdminGroups' | 'AksLocalAdminCredential';
  namespace: string | null;
  /** The binding name, the role assignment GUID, or the cluster name for the admin groups. */
  name: string;
  /** Azure only: the scope of the role assignment. */
  scope?: string;
  /** Azure only: the ABAC condition the assignment is granted under. */
  condition?: string;
  /** AKS settings only: the field the grant is written in (`properties.aadProfile.adminGroupObjectIDs`). */
  field?: string;
  /** Azure grants: where the assignment or the cluster was read. */
  source?: Provenance;
}

export interface RoleRef {
  kind: 'Role' | 'ClusterRole' | 'AzureRole';
  name: string;
  /** A default ClusterRole (default-roles.ts) the input binds without defining: its bootstrap rules apply, with what the input aggregates into it. */
  builtin?: true;
}

export interface PolicyRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

export interface Via {
  binding: BindingRef;
  role: RoleRef;
  /** Index of the rule in the role's effective rules (after aggregation). */
  ruleIndex: number;
  /** For an aggregated ClusterRole: the ClusterRole the rule was aggregated from. */
  aggregatedFrom?: string;
}

/** `cluster` for a ClusterRoleBinding, else the namespace the RoleBinding grants in. */
export type Scope = 'cluster' | string;

export interface Grant {
  subject: Subject;
  via: Via;
  scope: Scope;
}

export interface HeldRule {
  rule: PolicyRule;
  via: Via;
  scope: Scope;
  /** The subject of the binding that matched: the identity itself or one of its groups. */
  through: Subject;
  /**
   * Parts of the rule its binding cannot grant: a RoleBinding grants only requests in its namespace,
   * and cluster-scoped resources and non-resource URLs are requested in none. Absent when all of it grants.
   */
  notGranted?: NotGranted;
}

export interface NotGranted {
  /** Resources the binding grants for no verb of the rule. */
  resources: string[];
  nonResourceURLs: string[];
  /**
   * Resources it grants for `bind` alone, though the rule names more verbs: `bind clusterroles` is asked in
   * the namespace of the RoleBinding being created, every other verb on clusterroles across the cluster.
   */
  bindOnly?: string[];
}

/**
 * What of a held rule its binding grants, as rules: the rule itself; the rule cut to the resources a
 * RoleBinding can grant, with `bind` alone on the resources it grants only that verb on (a second rule
 * when others remain); none when it grants nothing there.
 */
export function grantedParts(h: HeldRule): PolicyRule[] {
  const cut = h.notGranted;
  if (!cut) return [h.rule];
  const bindOnly = cut.bindOnly ?? [];
  const whole = h.rule.resources.filter((r) => !cut.resources.includes(r) && !bindOnly.includes(r));
  const out: PolicyRule[] = [];
  if (whole.length > 0) out.push({ ...h.rule, resources: whole, nonResourceURLs: [] });
  if (bindOnly.length > 0) out.push({ ...h.rule, verbs: ['bind'], resources: bindOnly, nonResourceURLs: [] });
  return out;
}

/**
 * What of a held rule its binding grants, as one rule (see grantedParts), or undefined when it grants
 * nothing there. When a RoleBinding grants some resources of the rule for every verb and clusterroles for
 * bind alone, one rule cannot say it: the rule keeps its verbs on both, and grantedParts tells them apart.
 */
export function grantedPart(h: HeldRule): PolicyRule | undefined {
  const parts = grantedParts(h);
  if (parts.length <= 1) return parts[0];
  return { ...h.rule, resources: parts.flatMap((p) => p.resources), nonResourceURLs: [] };
}

export interface MissingRole {
  binding: BindingRef;
  role: { kind: string; name: string; namespace?: string };
  source: Provenance;
}

export interface AccessQuery {
  verb: string;
  resource?: string;
  subresource?: string;
  /** Absent: the group of a known resource, else any group. */
  apiGroup?: string;
  /** Absent: grants in every namespace, each with its scope. */
  namespace?: string;
  name?: string;
  nonResourceURL?: string;
}

/** An identity as the authorizer sees it: a user name and its groups. */
export interface Identity {
  user?: string;
  groups: string[];
}

interface CompiledRule {
  rule: PolicyRule;
  verbs: ReadonlySet<string>;
  groups: ReadonlySet<string>;
  names: ReadonlySet<string> | null;
  from?: string;
}

interface BindingEntry {
  ref: BindingRef;
  role: RoleRef;
  /** null for a ClusterRoleBinding. */
  namespace: string | null;
  subjects: Subject[];
  rules: readonly CompiledRule[];
}

interface Hit {
  binding: number;
  rule: number;
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const SA_PREFIX = 'system:serviceaccount:';

/** A Secret holding a ServiceAccount's long-lived token. */
export interface TokenSecret {
  namespace: string;
  name: string;
  serviceAccount: string;
}

/** An object of the inventory that runs pods (a Pod or a workload controller), with the account they run as. */
export interface PodRunner {
  kind: string;
  namespace: string;
  name: string;
  serviceAccount: string;
  /** Whether its pods get the account's API token mounted (automountServiceAccountToken, pod over account, default true). */
  automountsToken: boolean;
  /**
   * Whether its pods hold a token Entra exchanges for the account's Azure identity: labelled for the
   * workload identity webhook (`azure.workload.identity/use: "true"`), or projecting a token for
   * api://AzureADTokenExchange themselves.
   */
  exchangeableToken: boolean;
}

const WORKLOAD_IDENTITY_LABEL = 'azure.workload.identity/use';
const EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';

export function holdsExchangeableToken(pod: PodView): boolean {
  if (stringMap(pod.metadata.labels)[WORKLOAD_IDENTITY_LABEL] === 'true') return true;
  return asArray(pod.spec.volumes).some((v) =>
    asArray(asObj(asObj(v)?.projected)?.sources).some((src) => asString(asObj(asObj(src)?.serviceAccountToken)?.audience) === EXCHANGE_AUDIENCE),
  );
}

function podRunnerOf(r: Resource, accounts: ReadonlyMap<string, Resource>): PodRunner | undefined {
  const pod = podOf(r);
  if (!pod) return undefined;
  const namespace = r.namespace ?? 'default';
  const serviceAccount = asString(pod.spec.serviceAccountName) || asString(pod.spec.serviceAccount) || 'default';
  const own = pod.spec.automountServiceAccountToken;
  const account = accounts.get(`${namespace}/${serviceAccount}`)?.object.automountServiceAccountToken;
  const automountsToken = typeof own === 'boolean' ? own : account !== false;
  return { kind: r.kind, namespace, name: r.name, serviceAccount, automountsToken, exchangeableToken: holdsExchangeableToken(pod) };
}

const SERVICE_ACCOUNT_TOKEN = 'kubernetes.io/service-account-token';
const SERVICE_ACCOUNT_NAME = 'kubernetes.io/service-account.name';

function tokenSecretOf(secret: Resource): TokenSecret | undefined {
  const type = secret.object.type;
  if (type !== undefined && type !== SERVICE_ACCOUNT_TOKEN) return undefined;
  const account = asString(asObj(asObj(secret.object.metadata)?.annotations)?.[SERVICE_ACCOUNT_NAME]);
  if (!account) return undefined;
  return { namespace: secret.namespace ?? 'default', name: secret.name, serviceAccount: account };
}

/**
 * Every RBAC grant of an inventory, indexed by verb and resource so that a who-can query looks only
 * at the rules that could match. Matching follows the Kubernetes RBAC authorizer
 * (`plugin/pkg/auth/authorizer/rbac`): `*` verb, group and resource; `*\/sub` for a subresource of any
 * resource (`pods/*` is literal there and matches no request); resourceNames only for requests that
 * carry a name; non-resource URLs exact or by a trailing `*`, and only through ClusterRoleBindings.
 */
export class PermissionIndex {
  /** Values derived from this index, such as its escalation graph (see core/memo.ts). */
  memo?: Map<object, unknown>;
  readonly missingRoles: MissingRole[] = [];
  /** ServiceAccounts of the inventory, as `namespace/name`. */
  readonly serviceAccounts = new Set<string>();
  /**
   * Secrets holding a long-lived token of a ServiceAccount (`kubernetes.io/service-account-token`):
   * whoever reads one is that ServiceAccount. A live read sees Secrets as metadata only, without their
   * type, so the annotation naming the account, which only such Secrets carry, stands for it there.
   */
  readonly tokenSecrets: TokenSecret[] = [];
  /** The Secrets of the input, as `namespace/name`: one that exists cannot be created again as a token Secret. */
  readonly secretNames = new Set<string>();
  /** Pods and workload controllers of the inventory: patching a controller or exec into a pod acts as its account. */
  readonly podRunners: PodRunner[] = [];
  /** ServiceAccounts federated with an Azure identity (workload identity). */
  readonly identityLinks: IdentityLink[] = [];
  /** Azure principals that may rewrite the cluster resource (its admin groups, its local accounts). */
  readonly clusterWriters: ClusterWriter[] = [];
  /** What the Azure view assumed or left out. */
  readonly notes: string[] = [];
  /** Display names of Entra object ids: learnt from the input, and given with the inventory (those win). */
  readonly displayNames = new Map<string, string>();
  private readonly bindings: BindingEntry[] = [];
  private assignmentsByName?: Map<string, { ref: BindingRef; role: RoleRef }>;
  /** Effective rules (aggregation expanded) of the input's ClusterRoles and of the default ones it does not define, by name. */
  private readonly clusterRoles = new Map<string, PolicyRule[]>();
  private readonly byVerbResource = new Map<string, Map<string, Hit[]>>();
  private readonly byVerbUrl = new Map<string, Hit[]>();
  /** User name or group → bindings naming it. ServiceAccount subjects are filed under their user name. */
  private readonly byUser = new Map<string, Array<{ binding: number; subject: Subject }>>();
  private readonly byGroup = new Map<string, Array<{ binding: number; subject: Subject }>>();
  private readonly resourceInfo = new Map<string, ResourceInfo>(BUILTIN_RESOURCES);
  /** The other names of the input's custom resources (singular, kind, short names) and their subresources. */
  private readonly customSpellings: Array<{ resource: string; group: string; spellings: string[]; subresources: ReadonlySet<string> }> = [];
  /** What of each compiled rule a namespace-scoped binding cannot grant (see `outsideNamespace`). */
  private readonly notGrantedByRule = new Map<CompiledRule, HeldRule['notGranted']>();

  constructor(inventory: Inventory, options: PermissionIndexOptions = {}) {
    for (const sa of inventory.byKind('ServiceAccount')) this.serviceAccounts.add(`${sa.namespace ?? 'default'}/${sa.name}`);
    for (const secret of inventory.byKind('Secret')) {
      this.secretNames.add(`${secret.namespace ?? 'default'}/${secret.name}`);
      const token = tokenSecretOf(secret);
      if (token) this.tokenSecrets.push(token);
    }
    const accounts = new Map(inventory.byKind('ServiceAccount').map((sa) => [`${sa.namespace ?? 'default'}/${sa.name}`, sa]));
    for (const kind of POD_BEARING_KINDS) for (const r of inventory.byKind(kind)) {
      const runner = podRunnerOf(r, accounts);
      if (runner) this.podRunners.push(runner);
    }
    this.learnCustomResources(inventory);
    const aggregated = aggregateClusterRoles(aggregationNodes(rbacObjects(inventory, 'ClusterRole')));
    const clusterRoleRules: ClusterRoleRules = { byResource: new Map(), defaults: new Map() };
    for (const [node, rules] of aggregated) {
      this.clusterRoles.set(node.name, rules.map((c) => c.rule));
      if (node.resource) clusterRoleRules.byResource.set(node.resource, rules);
      else clusterRoleRules.defaults.set(node.name, rules);
    }
    const roleRules = new Map<Resource, CompiledRule[]>();
    for (const b of rbacObjects(inventory, 'ClusterRoleBinding')) this.addBinding(b, inventory, clusterRoleRules, roleRules);
    for (const b of rbacObjects(inventory, 'RoleBinding')) this.addBinding(b, inventory, clusterRoleRules, roleRules);
    if (options.azure !== false) {
      const azure = azureAccess(inventory, this.resourceInfo);
      for (const b of azure.bindings) this.register({ ref: b.ref, role: b.role, namespace: b.namespace, subjects: b.subjects, rules: b.rules.flatMap((r) => compileRule(r) ?? []) });
      this.identityLinks.push(...azure.links);
      this.clusterWriters.push(...azure.writers);
      this.notes.push(...azure.notes);
      for (const [k, v] of azure.names) this.displayNames.set(k, v);
    }
    // Names given from outside the input (a directory export or lookup) over those learnt from it.
    for (const [k, v] of inventory.displayNames) this.displayNames.set(k, v);
  }

  /**
   * Every grant that allows the request, as the RBAC authorizer would decide it. `onlyBinding` narrows
   * the answer to some bindings before it is built: the rbac rules ask one binding at a time, and a
   * cluster-wide answer per binding costs memory quadratic in the bindings.
   */
  whoCan(q: AccessQuery, onlyBinding?: (ref: BindingRef) => boolean): Grant[] {
    const hits = q.nonResourceURL !== undefined ? this.urlHits(q.verb, q.nonResourceURL, onlyBinding) : this.resourceHits(q, onlyBinding);
    const out: Grant[] = [];
    for (const h of hits) {
      const b = this.bindings[h.binding]!;
      const c = b.rules[h.rule]!;
      const via = viaOf(b, h.rule, c);
      const scope = b.namespace ?? 'cluster';
      for (const subject of b.subjects) out.push({ subject, via, scope });
    }
    return out;
  }

  /** Every rule an identity holds, directly or through its groups (implicit ones included). */
  can(subject: Subject): HeldRule[] {
    const id = identityOf(subject);
    const matches: Array<{ binding: number; subject: Subject }> = [];
    if (id.user !== undefined) matches.push(...(this.byUser.get(id.user) ?? []));
    for (const g of id.groups) matches.push(...(this.byGroup.get(g) ?? []));
    const seen = new Set<number>();
    const out: HeldRule[] = [];
    for (const m of matches.sort((a, b) => a.binding - b.binding)) {
      if (seen.has(m.binding)) continue;
      seen.add(m.binding);
      const b = this.bindings[m.binding]!;
      // Rules shared by many bindings (a ClusterRole bound in every namespace) are judged once.
      b.rules.forEach((c, i) => {
        let notGranted: HeldRule['notGranted'];
        if (b.namespace !== null) {
          if (!this.notGrantedByRule.has(c)) this.notGrantedByRule.set(c, this.outsideNamespace(c.rule));
          notGranted = this.notGrantedByRule.get(c);
        }
        out.push({ rule: c.rule, via: viaOf(b, i, c), scope: b.namespace ?? 'cluster', through: m.subject, ...(notGranted ? { notGranted } : {}) });
      });
    }
    return out;
  }

  /**
   * What of a rule no namespace-scoped binding can grant, as resourceHits() and urlHits() match
   * requests: the rule's cluster-scoped resources (known ones, in a group the rule names) and its
   * non-resource URLs. A namespace is requested in itself, so it stays; `bind clusterroles` is asked in
   * the namespace of the RoleBinding being created, so clusterroles stays for bind alone.
   */
  private outsideNamespace(rule: PolicyRule): NotGranted | undefined {
    const resources: string[] = [];
    const bindOnly: string[] = [];
    const binds = rule.verbs.includes('bind') || rule.verbs.includes('*');
    for (const r of rule.resources) {
      const base = r.split('/')[0] ?? r;
      const info = this.resourceInfo.get(base);
      if (!info || info.namespaced || base === 'namespaces') continue;
      if (!rule.apiGroups.includes('*') && !rule.apiGroups.includes(info.group)) continue;
      if (r === 'clusterroles' && info.group === RBAC_GROUP && binds) {
        if (rule.verbs.some((v) => v !== 'bind')) bindOnly.push(r);
        continue;
      }
      resources.push(r);
    }
    if (resources.length === 0 && bindOnly.length === 0 && rule.nonResourceURLs.length === 0) return undefined;
    return { resources, nonResourceURLs: [...rule.nonResourceURLs], ...(bindOnly.length ? { bindOnly } : {}) };
  }

  /** Every subject a Kubernetes binding or an Azure grant names, once each. */
  subjects(): Subject[] {
    const seen = new Map<string, Subject>();
    for (const b of this.bindings) for (const s of b.subjects) seen.set(subjectLabel(s), s);
    return [...seen.values()];
  }

  /**
   * The Kubernetes-equivalent grant of an Azure role assignment (Azure RBAC for Kubernetes authorization),
   * by the assignment's name: where it grants (`namespace`) and the role. Undefined when the assignment
   * grants no data action on the cluster.
   */
  azureAssignment(name: string): { ref: BindingRef; role: RoleRef } | undefined {
    if (!this.assignmentsByName) {
      this.assignmentsByName = new Map();
      for (const b of this.bindings) if (b.ref.kind === 'AzureRoleAssignment' && !this.assignmentsByName.has(b.ref.name)) this.assignmentsByName.set(b.ref.name, { ref: b.ref, role: b.role });
    }
    return this.assignmentsByName.get(name);
  }

  /**
   * The effective rules of a ClusterRole (aggregation expanded): the input's, else a default role's
   * bootstrap rules with what the input aggregates into it; undefined when neither is known.
   */
  clusterRoleRules(name: string): readonly PolicyRule[] | undefined {
    return this.clusterRoles.get(name);
  }

  get bindingCount(): number {
    return this.bindings.length;
  }

  /** Group and scope of a resource name, when known from the built-in API or a CustomResourceDefinition. */
  resource(name: string): ResourceInfo | undefined {
    return this.resourceInfo.get(name);
  }

  private resourceHits(q: AccessQuery, onlyBinding?: (ref: BindingRef) => boolean): Hit[] {
    const resource = q.resource ?? '';
    const combined = q.subresource ? `${resource}/${q.subresource}` : resource;
    const info = this.resourceInfo.get(resource);
    const group = q.apiGroup ?? info?.group;
    // The API server files a request on one namespace object under that namespace.
    let namespace: string | undefined = q.namespace;
    let clusterOnly = false;
    if (resource === 'namespaces' && group === '' && q.name !== undefined) namespace = q.name;
    // Creating a RoleBinding to a ClusterRole asks `bind clusterroles NAME` in the binding's namespace,
    // so a RoleBinding there may grant it although clusterroles are cluster-scoped: asked about every
    // namespace, each RoleBinding grants it in its own.
    else if (q.verb === 'bind' && resource === 'clusterroles' && q.subresource === undefined && group === RBAC_GROUP) clusterOnly = false;
    else if (info && !info.namespaced && (q.apiGroup === undefined || q.apiGroup === info.group)) clusterOnly = true;
    const byResource = [this.byVerbResource.get(q.verb), q.verb === '*' ? undefined : this.byVerbResource.get('*')];
    const keys = [combined];
    if (combined !== '*') keys.push('*');
    if (q.subresource) keys.push(`*/${q.subresource}`);
    const seen = new Set<string>();
    const out: Hit[] = [];
    for (const m of byResource) {
      if (!m) continue;
      for (const k of keys) {
        for (const h of m.get(k) ?? []) {
          const b = this.bindings[h.binding]!;
          if (onlyBinding !== undefined && !onlyBinding(b.ref)) continue;
          if (b.namespace !== null && (clusterOnly || (namespace !== undefined && b.namespace !== namespace))) continue;
          const c = b.rules[h.rule]!;
          if (group !== undefined && !c.groups.has('*') && !c.groups.has(group)) continue;
          if (c.names && (q.name === undefined || !c.names.has(q.name))) continue;
          const key = `${h.binding}:${h.rule}`;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push(h);
        }
      }
    }
    return out.sort(byHit);
  }

  private urlHits(verb: string, url: string, onlyBinding?: (ref: BindingRef) => boolean): Hit[] {
    const out: Hit[] = [];
    const seen = new Set<string>();
    for (const list of [this.byVerbUrl.get(verb), verb === '*' ? undefined : this.byVerbUrl.get('*')]) {
      for (const h of list ?? []) {
        const b = this.bindings[h.binding]!;
        if (onlyBinding !== undefined && !onlyBinding(b.ref)) continue;
        // Non-resource requests carry no namespace, so RoleBindings never apply to them.
        if (b.namespace !== null) continue;
        if (!b.rules[h.rule]!.rule.nonResourceURLs.some((u) => urlMatches(u, url))) continue;
        const key = `${h.binding}:${h.rule}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(h);
      }
    }
    return out.sort(byHit);
  }

  private learnCustomResources(inventory: Inventory): void {
    for (const crd of inventory.byKind('CustomResourceDefinition')) {
      const spec = asObj(crd.object.spec);
      const names = asObj(spec?.names);
      const plural = asString(names?.plural);
      const group = asString(spec?.group);
      // A built-in resource keeps its name against a definition that reuses it, as in resourceInfo.
      if (!plural || group === undefined || BUILTIN_RESOURCES.has(plural)) continue;
      const spellings = [asString(names?.singular), asString(names?.kind)?.toLowerCase(), ...strings(names?.shortNames)].filter((n): n is string => !!n);
      const subresources = new Set<string>();
      for (const v of asArray(spec?.versions)) for (const sub of Object.keys(asObj(asObj(v)?.subresources) ?? {})) subresources.add(sub);
      this.customSpellings.push({ resource: plural, group, spellings: spellings.map((n) => n.toLowerCase()), subresources });
      if (!this.resourceInfo.has(plural)) this.resourceInfo.set(plural, { group, namespaced: spec?.scope !== 'Cluster' });
    }
  }

  /**
   * The resource a kubectl spelling names: its plural, singular, kind or short name, in any case
   * (`Secret`, `po`, `deploy`), built in or defined by a CustomResourceDefinition of the input; in `group`
   * when one is given and a resource of that group has the spelling. Undefined when nothing is so named.
   */
  resolveResource(spelling: string, group?: string): string | undefined {
    const lower = spelling.toLowerCase();
    const candidates = [...(builtinSpellings().get(lower) ?? [])];
    for (const c of this.customSpellings) if (c.resource === lower || c.spellings.includes(lower)) candidates.push(c);
    const inGroup = group === undefined ? undefined : candidates.find((c) => c.group === group);
    return (inGroup ?? candidates[0])?.resource;
  }

  /** The resources the bound rules of the index name (`pods` of `pods/exec`), wildcards aside. */
  namedResources(): ReadonlySet<string> {
    const out = new Set<string>();
    for (const byResource of this.byVerbResource.values()) {
      for (const r of byResource.keys()) {
        const base = r.split('/')[0] ?? r;
        if (base !== '*') out.add(base);
      }
    }
    return out;
  }

  /** Every spelling resolveResource knows, for suggesting one near a mistyped name. */
  resourceSpellings(): string[] {
    return [...builtinSpellings().keys(), ...this.customSpellings.flatMap((c) => [c.resource, ...c.spellings])];
  }

  /**
   * Whether a resource has a subresource of that name: true or false for the built-in resources and the
   * input's custom ones (whose subresources are status and scale, as their definition says); undefined
   * for a resource nothing here describes.
   */
  hasSubresource(resource: string, subresource: string): boolean | undefined {
    const custom = this.customSpellings.find((c) => c.resource === resource);
    if (custom) return custom.subresources.has(subresource);
    if (!BUILTIN_RESOURCES.has(resource)) return undefined;
    return subresource === 'status' || (BUILTIN_SUBRESOURCES[resource] ?? []).includes(subresource);
  }

  private addBinding(r: Resource, inventory: Inventory, clusterRoleRules: ClusterRoleRules, roleRules: Map<Resource, CompiledRule[]>): void {
    const bound = boundRole(r, inventory);
    const { ref, namespace } = bound;
    let rules: CompiledRule[] | undefined;
    if (bound.role === 'missing') {
      this.missingRoles.push(bound.missing);
      return;
    }
    if (bound.role === 'default') rules = clusterRoleRules.defaults.get(bound.name);
    else if (bound.role.kind === 'ClusterRole') rules = clusterRoleRules.byResource.get(bound.role);
    else {
      rules = roleRules.get(bound.role);
      if (!rules) roleRules.set(bound.role, (rules = compileRules(bound.role.object.rules)));
    }
    // Every ClusterRole the index knows went through aggregation, so its rules are there.
    if (!rules) return;
    const roleKind = bound.role === 'default' || bound.role.kind === 'ClusterRole' ? 'ClusterRole' : 'Role';
    const subjects = subjectsOf(r.object.subjects, namespace);
    if (subjects.length === 0) return;
    this.register({ ref, role: { kind: roleKind, name: bound.name, ...(bound.role === 'default' ? { builtin: true } : {}) }, namespace, subjects, rules });
  }

  private register(entry: BindingEntry): void {
    const { subjects, rules } = entry;
    const index = this.bindings.length;
    this.bindings.push(entry);
    for (const s of subjects) {
      const entry = { binding: index, subject: s };
      if (s.kind === 'Group') push(this.byGroup, s.name, entry);
      else push(this.byUser, s.kind === 'ServiceAccount' ? `${SA_PREFIX}${s.namespace}:${s.name}` : s.name, entry);
    }
    rules.forEach((c, i) => {
      const hit = { binding: index, rule: i };
      for (const v of c.verbs) {
        if (c.rule.resources.length) {
          let m = this.byVerbResource.get(v);
          if (!m) this.byVerbResource.set(v, (m = new Map()));
          for (const res of new Set(c.rule.resources)) push(m, res, hit);
        }
        if (c.rule.nonResourceURLs.length) push(this.byVerbUrl, v, hit);
      }
    });
  }
}

const INDEXES = new Memo<Inventory, PermissionIndex>();

/** One PermissionIndex per inventory, shared by every rule and analysis that asks. */
export function permissionIndexOf(inventory: Inventory): PermissionIndex {
  return INDEXES.of(inventory, (inv) => new PermissionIndex(inv));
}

/** `User:alice`, `Group:devs`, `ServiceAccount:ns/name` or `system:serviceaccount:ns:name`; undefined when malformed. */
export function parseSubject(text: string): Subject | undefined {
  if (text.startsWith(SA_PREFIX)) {
    const [ns, name, ...rest] = text.slice(SA_PREFIX.length).split(':');
    return ns && name && rest.length === 0 ? { kind: 'ServiceAccount', namespace: ns, name } : undefined;
  }
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  const kind = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (!rest) return undefined;
  if (kind === 'User' || kind === 'Group') {
    const sa = kind === 'User' && rest.startsWith(SA_PREFIX) ? parseSubject(rest) : undefined;
    return sa ?? { kind, name: rest };
  }
  if (kind === 'ServiceAccount') {
    const [ns, name, ...more] = rest.split('/');
    return ns && name && more.length === 0 ? { kind, namespace: ns, name } : undefined;
  }
  return undefined;
}

/**
 * The user name and groups the authenticator gives a subject: every authenticated user is in
 * `system:authenticated`; `system:anonymous` is in `system:unauthenticated` only; a service account
 * is the user `system:serviceaccount:NS:NAME` in `system:serviceaccounts` and `system:serviceaccounts:NS`.
 * A Group stands for itself: what its members hold through other groups is unknown.
 */
export function identityOf(subject: Subject): Identity {
  if (subject.kind === 'Group') return { groups: [subject.name] };
  if (subject.kind === 'ServiceAccount') {
    const ns = subject.namespace ?? 'default';
    return { user: `${SA_PREFIX}${ns}:${subject.name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'] };
  }
  if (subject.name.startsWith(SA_PREFIX)) {
    const sa = parseSubject(subject.name);
    if (sa) return identityOf(sa);
  }
  if (subject.name === 'system:anonymous') return { user: subject.name, groups: ['system:unauthenticated'] };
  return { user: subject.name, groups: ['system:authenticated'] };
}

export function subjectLabel(s: Subject): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount:${s.namespace ?? ''}/${s.name}` : `${s.kind}:${s.name}`;
}

function urlMatches(rule: string, url: string): boolean {
  if (rule === '*' || rule === url) return true;
  return rule.endsWith('*') && url.startsWith(rule.replace(/\*+$/, ''));
}

function rbacObjects(inventory: Inventory, kind: string): Resource[] {
  return inventory.byKind(kind).filter(isRbac);
}

function isRbac(r: Resource): boolean {
  return r.apiVersion.startsWith(`${RBAC_GROUP}/`);
}

function strings(v: unknown): string[] {
  return asArray(v).filter((x): x is string => typeof x === 'string');
}

function compileRule(v: unknown): CompiledRule | undefined {
  if (!isObj(v)) return undefined;
  const rule: PolicyRule = {
    verbs: strings(v.verbs),
    apiGroups: strings(v.apiGroups),
    resources: strings(v.resources),
    resourceNames: strings(v.resourceNames),
    nonResourceURLs: strings(v.nonResourceURLs),
  };
  return { rule, verbs: new Set(rule.verbs), groups: new Set(rule.apiGroups), names: rule.resourceNames.length ? new Set(rule.resourceNames) : null };
}

function compileRules(v: unknown): CompiledRule[] {
  return asArray(v).flatMap((r) => compileRule(r) ?? []);
}

const AGGREGATE_TO = 'rbac.authorization.k8s.io/aggregate-to-';

/** A ClusterRole as the aggregation controller sees it: the input's, or a default role the input does not define. */
interface AggregationNode {
  name: string;
  labels: Record<string, string>;
  /** The clusterRoleSelectors of an aggregated role; absent for a plain one. */
  selectors?: unknown[];
  rules: CompiledRule[];
  /** The input's object; absent for a default role. */
  resource?: Resource;
}

const DEFAULT_COMPILED = new Map<string, CompiledRule[]>();

function defaultRules(name: string, rules: readonly PolicyRule[]): CompiledRule[] {
  let compiled = DEFAULT_COMPILED.get(name);
  if (!compiled) DEFAULT_COMPILED.set(name, (compiled = rules.flatMap((r) => compileRule(r) ?? [])));
  return compiled;
}

/**
 * The ClusterRoles aggregation draws from: the input's, and every default role it does not define,
 * with the labels and selectors the bootstrap policy gives it. A cluster always has the default roles,
 * so a role selecting aggregate-to-admin gathers edit's rules though no file holds edit.
 */
function aggregationNodes(roles: readonly Resource[]): AggregationNode[] {
  const nodes: AggregationNode[] = roles.map((r) => {
    const agg = asObj(r.object.aggregationRule);
    return { name: r.name, labels: stringMap(asObj(r.object.metadata)?.labels), ...(agg ? { selectors: asArray(agg.clusterRoleSelectors) } : {}), rules: compileRules(r.object.rules), resource: r };
  });
  const defined = new Set(roles.map((r) => r.name));
  for (const [name, rules] of DEFAULT_CLUSTER_ROLES) {
    if (defined.has(name)) continue;
    const shape = BOOTSTRAP_AGGREGATION.get(name);
    const labels: Record<string, string> = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
    if (shape?.aggregateTo !== undefined) labels[`${AGGREGATE_TO}${shape.aggregateTo}`] = 'true';
    const selectors = shape?.gathers !== undefined ? [{ matchLabels: { [`${AGGREGATE_TO}${shape.gathers}`]: 'true' } }] : undefined;
    nodes.push({ name, labels, ...(selectors ? { selectors } : {}), rules: defaultRules(name, rules) });
  }
  return nodes;
}

const RULE_KEYS = new WeakMap<PolicyRule, string>();

function ruleKey(rule: PolicyRule): string {
  let key = RULE_KEYS.get(rule);
  if (key === undefined) RULE_KEYS.set(rule, (key = JSON.stringify(rule)));
  return key;
}

function byName(a: AggregationNode, b: AggregationNode): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * Effective rules of every ClusterRole. An aggregated ClusterRole holds its own rules and the union of
 * the rules of the ClusterRoles its selectors match (an empty selector matches every one): the
 * controller writes that union into the role, and an exported role's rules already hold what it gathered
 * from roles the input lacks, so they are kept and added to. Sources are read in name order, as the
 * controller reads them, so the result does not depend on the order of the documents. Chains (view →
 * edit → admin) and cycles are followed to a fixed point of the rule sets: a round only adds rules, so
 * the rounds end.
 */
function aggregateClusterRoles(nodes: readonly AggregationNode[]): Map<AggregationNode, CompiledRule[]> {
  const out = new Map(nodes.map((n) => [n, n.rules]));
  const aggregated = nodes.filter((n) => n.selectors !== undefined);
  if (aggregated.length === 0) return out;
  const ordered = [...nodes].sort(byName);
  const sources = new Map(aggregated.map((a) => [a, ordered.filter((c) => c !== a && a.selectors!.some((s) => selectorMatches(s, c.labels)))]));
  const keys = new Map<AggregationNode, Set<string>>();
  // Each round can only add rules, and a chain of n aggregated roles settles in n rounds; the bound guards the loop.
  for (let round = 0; round <= aggregated.length + 1; round++) {
    let changed = false;
    for (const a of aggregated) {
      const from = sources.get(a)!;
      if (from.length === 0) continue;
      const seen = new Set<string>();
      const rules: CompiledRule[] = [];
      const add = (rule: CompiledRule, source?: string) => {
        const key = ruleKey(rule.rule);
        if (seen.has(key)) return;
        seen.add(key);
        // A rule keeps the role it was first gathered from, through a chain.
        rules.push(source !== undefined && rule.from === undefined ? { ...rule, from: source } : rule);
      };
      for (const rule of a.rules) add(rule);
      for (const c of from) for (const rule of out.get(c)!) add(rule, c.name);
      const before = keys.get(a);
      if (before === undefined || before.size !== seen.size || [...seen].some((k) => !before.has(k))) changed = true;
      keys.set(a, seen);
      out.set(a, rules);
    }
    if (!changed) break;
  }
  return out;
}

/** The effective rules of the ClusterRoles after aggregation: the input's by object, the default ones by name. */
interface ClusterRoleRules {
  byResource: Map<Resource, CompiledRule[]>;
  defaults: Map<string, CompiledRule[]>;
}

type BoundRole = { ref: BindingRef; namespace: string | null; name: string } & (
  | { role: Resource }
  /** A default ClusterRole the input binds without defining. */
  | { role: 'default' }
  | { role: 'missing'; missing: MissingRole }
);

/** The role a binding refers to, as the authorizer resolves it: the input's, a default ClusterRole, or none. */
function boundRole(r: Resource, inventory: Inventory): BoundRole {
  const kind = r.kind as BindingRef['kind'];
  // A namespace-less RoleBinding manifest lands in `default` when applied without `-n`.
  const namespace = kind === 'RoleBinding' ? (r.namespace ?? 'default') : null;
  const ref: BindingRef = { kind, namespace, name: r.name };
  const roleRef = asObj(r.object.roleRef);
  const roleKind = asString(roleRef?.kind) ?? '';
  const name = asString(roleRef?.name) ?? '';
  const base = { ref, namespace, name };
  if (roleKind === 'ClusterRole') {
    const role = inventory.get('ClusterRole', null, name);
    if (role && isRbac(role)) return { ...base, role };
    if (!role && DEFAULT_CLUSTER_ROLES.has(name)) return { ...base, role: 'default' };
  } else if (roleKind === 'Role' && namespace !== null) {
    const role = inventory.get('Role', namespace, name);
    if (role && isRbac(role)) return { ...base, role };
  }
  return { ...base, role: 'missing', missing: { binding: ref, role: { kind: roleKind, name, ...(roleKind === 'Role' && namespace !== null ? { namespace } : {}) }, source: r.source } };
}

function subjectsOf(v: unknown, bindingNamespace: string | null): Subject[] {
  const out: Subject[] = [];
  for (const s of asArray(v)) {
    if (!isObj(s)) continue;
    const kind = asString(s.kind);
    const name = asString(s.name);
    if (!name) continue;
    if (kind === 'User' || kind === 'Group') out.push({ kind, name });
    else if (kind === 'ServiceAccount') {
      // The authorizer defaults a ServiceAccount subject's namespace to the RoleBinding's; in a
      // ClusterRoleBinding there is none to default to, and the subject matches nobody.
      const namespace = asString(s.namespace) || bindingNamespace;
      if (namespace) out.push({ kind, name, namespace });
    }
  }
  return out;
}

function viaOf(b: BindingEntry, ruleIndex: number, c: CompiledRule): Via {
  return { binding: b.ref, role: b.role, ruleIndex, ...(c.from !== undefined ? { aggregatedFrom: c.from } : {}) };
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function byHit(a: Hit, b: Hit): number {
  return a.binding - b.binding || a.rule - b.rule;
}
