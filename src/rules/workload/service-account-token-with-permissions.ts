import { Memo } from '../../core/memo.js';
import type { Inventory } from '../../core/inventory.js';
import { asArray, asObj, asString, type Resource } from '../../core/resource.js';
import { defineRule } from '../../core/rule.js';
import type { PodView } from '../../core/workload.js';
import type { FrameworkRef } from '../../core/frameworks.js';
import { AUTOMOUNT_TOKEN_FRAMEWORKS, tokenMount, type TokenMount } from './service-account.js';

/** One RoleBinding or ClusterRoleBinding subject that covers a ServiceAccount. */
export interface GrantingBinding {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  /** The binding's namespace (RoleBinding) or null (ClusterRoleBinding). */
  namespace: string | null;
  name: string;
  roleKind: string;
  roleName: string;
  /** `ServiceAccount ns/name` or `Group system:serviceaccounts[:ns]`: the subject that matched. */
  subject: string;
}

interface BindingIndex {
  /** Keyed by `namespace/name` of a ServiceAccount. */
  byServiceAccount: Map<string, GrantingBinding[]>;
  /** Keyed by namespace; `*` holds the bindings of `system:serviceaccounts`. */
  byGroupNamespace: Map<string, GrantingBinding[]>;
}

const SA_GROUP = 'system:serviceaccounts';
const indexes = new Memo<Inventory, BindingIndex>();

function push<K>(map: Map<K, GrantingBinding[]>, key: K, b: GrantingBinding): void {
  const list = map.get(key);
  if (list) list.push(b);
  else map.set(key, [b]);
}

/** A role that is in the input with no rules and no aggregation grants nothing. */
function grantsNothing(inventory: Inventory, binding: Resource, roleKind: string, roleName: string): boolean {
  const role = roleKind === 'Role' ? inventory.get('Role', binding.namespace ?? 'default', roleName) : inventory.get('ClusterRole', null, roleName);
  if (!role) return false;
  return asArray(role.object.rules).length === 0 && asObj(role.object.aggregationRule) === undefined;
}

/** Built once per scan: every ServiceAccount and ServiceAccount group that a binding names. */
function bindingIndex(inventory: Inventory): BindingIndex {
  return indexes.of(inventory, buildBindingIndex);
}

function buildBindingIndex(inventory: Inventory): BindingIndex {
  const index: BindingIndex = { byServiceAccount: new Map(), byGroupNamespace: new Map() };
  for (const kind of ['RoleBinding', 'ClusterRoleBinding'] as const) {
    for (const binding of inventory.byKind(kind)) {
      const roleRef = asObj(binding.object.roleRef);
      const roleName = asString(roleRef?.name);
      const roleKind = asString(roleRef?.kind) ?? (kind === 'ClusterRoleBinding' ? 'ClusterRole' : 'Role');
      if (!roleName || grantsNothing(inventory, binding, roleKind, roleName)) continue;
      const bindingNs = kind === 'RoleBinding' ? binding.namespace ?? 'default' : null;
      const base = { kind, namespace: bindingNs, name: binding.name, roleKind, roleName };
      for (const s of asArray(binding.object.subjects)) {
        const subject = asObj(s);
        const name = asString(subject?.name);
        if (!subject || !name) continue;
        if (subject.kind === 'ServiceAccount') {
          // The authorizer reads an empty subject namespace in a RoleBinding as the binding's own.
          const ns = asString(subject.namespace) || bindingNs;
          if (ns) push(index.byServiceAccount, `${ns}/${name}`, { ...base, subject: `ServiceAccount ${ns}/${name}` });
        } else if (subject.kind === 'User' && name.startsWith('system:serviceaccount:')) {
          // A service account authenticates as the user system:serviceaccount:<ns>:<name>.
          const [ns, sa] = name.slice('system:serviceaccount:'.length).split(':');
          if (ns && sa) push(index.byServiceAccount, `${ns}/${sa}`, { ...base, subject: `User ${name}` });
        } else if (subject.kind === 'Group') {
          // Every service account token is also in system:authenticated — but Kubernetes binds that
          // group, and system:serviceaccounts (system:service-account-issuer-discovery), to its own
          // system: discovery roles in every cluster, which grant nothing to abuse.
          if ((name === 'system:authenticated' || name === SA_GROUP) && roleName.startsWith('system:')) continue;
          if (name === SA_GROUP || name === 'system:authenticated') push(index.byGroupNamespace, '*', { ...base, subject: `Group ${name}` });
          else if (name.startsWith(`${SA_GROUP}:`)) push(index.byGroupNamespace, name.slice(SA_GROUP.length + 1), { ...base, subject: `Group ${name}` });
        }
      }
    }
  }
  return index;
}

/** The bindings in the inventory that grant a role to the ServiceAccount `namespace/name`, each once. */
export function bindingsFor(inventory: Inventory, namespace: string, name: string): GrantingBinding[] {
  const index = bindingIndex(inventory);
  const seen = new Set<string>();
  return [
    ...(index.byServiceAccount.get(`${namespace}/${name}`) ?? []),
    ...(index.byGroupNamespace.get(namespace) ?? []),
    ...(index.byGroupNamespace.get('*') ?? []),
  ].filter((b) => {
    const key = `${b.kind}/${b.namespace ?? ''}/${b.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * How the pod's containers get a token the API server accepts: the automounted one, or a projected
 * serviceAccountToken without an audience (which then defaults to the API server's own).
 */
function apiToken(t: TokenMount, pod: PodView): { field: string; how: string; expected: string } | undefined {
  if (t.mounted) {
    const how =
      t.reason === 'pod-true'
        ? 'the pod spec sets automountServiceAccountToken: true'
        : t.reason === 'sa-allows'
          ? 'automounted: neither the pod nor the ServiceAccount sets automountServiceAccountToken: false'
          : 'automounted: the pod does not set automountServiceAccountToken: false and the ServiceAccount is not in the input';
    return { field: t.field, how, expected: 'automountServiceAccountToken: false, or no RoleBinding or ClusterRoleBinding for the ServiceAccount' };
  }
  const volumes = asArray(pod.spec.volumes);
  for (let v = 0; v < volumes.length; v++) {
    const sources = asArray(asObj(asObj(volumes[v])?.projected)?.sources);
    for (let s = 0; s < sources.length; s++) {
      const token = asObj(asObj(sources[s])?.serviceAccountToken);
      if (token && !asString(token.audience))
        return {
          field: `${pod.specPath}.volumes[${v}].projected.sources[${s}].serviceAccountToken.audience`,
          how: `projected without an audience in volume ${asString(asObj(volumes[v])?.name) ?? `#${v}`}`,
          // The automatic token is already off: what is left is this token, valid for the API server.
          expected: 'an audience other than the API server on the projected token, or no projected token',
        };
    }
  }
  return undefined;
}

const OWN_FRAMEWORKS: readonly FrameworkRef[] = [
  { framework: 'kubescape', id: 'C-0261' },
  { framework: 'mitre', id: 'T1528' },
  { framework: 'cis-aks', id: '4.1.6' },
];

const refKey = (r: FrameworkRef) => `${r.framework}\u0000${r.id}`;

/**
 * An automounted token is also what workload/automount-service-account-token reports on the same field;
 * that rule leaves the pod to this one, whose finding then carries its references too (Kubescape C-0034
 * and C-0190, Trivy KSV036, Checkov CKV_K8S_38). A projected token is not automounted: its own references only.
 */
function frameworksFor(automounted: boolean): FrameworkRef[] {
  if (!automounted) return [...OWN_FRAMEWORKS];
  const own = new Set(OWN_FRAMEWORKS.map(refKey));
  return [...OWN_FRAMEWORKS, ...AUTOMOUNT_TOKEN_FRAMEWORKS.filter((r) => !own.has(refKey(r)))];
}

function describeBinding(b: GrantingBinding): string {
  const where = b.namespace === null ? b.name : `${b.namespace}/${b.name}`;
  const via = b.subject.startsWith('Group ') ? ` (to ${b.subject})` : '';
  return `${b.kind} ${where} grants ${b.roleKind} ${b.roleName}${via}`;
}

export default defineRule({
  meta: {
    id: 'workload/service-account-token-with-permissions',
    title: 'Pod mounts a ServiceAccount token that RBAC grants permissions to',
    severity: 'medium',
    pillar: 'access',
    frameworks: frameworksFor(true),
    description:
      'The pod gets a token of its ServiceAccount (automounted, or projected without an audience) and a ' +
      'RoleBinding or ClusterRoleBinding in the input grants that ServiceAccount a role, by name or through the ' +
      'groups system:serviceaccounts and system:serviceaccounts:NAMESPACE. Anyone who gets code execution in ' +
      'any container of the pod can read the token and use those permissions against the API server. A RoleBinding ' +
      'counts in whichever namespace it is, since it grants its role there. A role that is in the input with no ' +
      'rules grants nothing and is ignored; a role that is not in the input is assumed to grant something. On an ' +
      'automounted token it takes the place of workload/automount-service-account-token and carries its references.',
    remediation:
      'If the workload does not call the Kubernetes API, set automountServiceAccountToken: false in the pod spec. ' +
      'If it does, keep the binding to the least the workload needs, or give the API access to a separate ' +
      'workload; for Azure resources use workload identity instead of Kubernetes permissions.',
    references: [
      'https://kubernetes.io/docs/concepts/security/service-accounts/',
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-subjects',
      'https://learn.microsoft.com/azure/aks/operator-best-practices-cluster-security',
    ],
  },
  target: { pods: true },
  cel: { unsupported: "it joins the pod's ServiceAccount with the RBAC bindings that grant it permissions, objects an admission policy cannot read" },
  joins: "the pod's ServiceAccount and the RBAC bindings and roles that grant it permissions",
  check(ctx) {
    const pod = ctx.pod();
    if (!pod) return;
    const mount = tokenMount(pod, ctx.inventory);
    const token = apiToken(mount, pod);
    if (!token) return;
    const sa = mount.serviceAccount.name;
    const namespace = ctx.resource.namespace ?? 'default';
    const bindings = bindingsFor(ctx.inventory, namespace, sa);
    if (bindings.length === 0) return;
    ctx.report({
      field: token.field,
      message: `pod gets a token of ServiceAccount ${namespace}/${sa} (${token.how}), and ${bindings.map(describeBinding).join('; ')}: code in any container can use these permissions`,
      evidence: {
        observed: {
          serviceAccount: `${namespace}/${sa}`,
          token: token.how,
          bindings: bindings.map((b) => ({
            kind: b.kind,
            ...(b.namespace !== null ? { namespace: b.namespace } : {}),
            name: b.name,
            role: `${b.roleKind} ${b.roleName}`,
            subject: b.subject,
          })),
        },
        expected: token.expected,
      },
      frameworks: frameworksFor(mount.mounted),
    });
  },
});
