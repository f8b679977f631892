import type { InputError, InputNote } from '../core/errors.js';
import type { MissingRole, Via } from '../analyses/rbac/permission-index.js';
import { azureScopeText } from '../analyses/rbac/azure-scope.js';
import { LIVE_KINDS, qualifiedResource } from '../ingest/kube-kinds.js';
import { isPassingFailure, unreadKindOf } from '../ingest/kube.js';

/*
 * What a report says of the bindings whose role is not in the input: `rbac risky`, `rbac can` and
 * `scan` alike, since what such a binding grants is counted nowhere.
 */

/**
 * The kinds a live read could not list, each with why: a binding to a role of such a kind refers to rules
 * nobody read, which says more than "not in the input". `read` is what clusterInputs returned: its notes
 * are refused context kinds, its errors refusals unless they may pass (a timeout, a 5xx).
 */
export function unlistedKinds(read: { errors: readonly InputError[]; notes: readonly InputNote[] }, namespace?: string): Map<string, string> {
  const out = new Map<string, string>();
  const problems = [...read.errors.map((e) => ({ p: e, refused: !isPassingFailure(e) })), ...read.notes.map((n) => ({ p: n, refused: true }))];
  for (const { p, refused } of problems) {
    const kind = unreadKindOf(p);
    const live = LIVE_KINDS.find((k) => k.kind === kind);
    if (kind === undefined || live === undefined || out.has(kind)) continue;
    const resource = qualifiedResource(live);
    const scope = !live.namespaced ? '' : namespace !== undefined ? ` in namespace ${namespace}` : ' in all namespaces';
    out.set(kind, refused ? `listing ${resource} was refused (the credentials lack list on ${resource}${scope})` : `listing ${resource} failed (see the input errors)`);
  }
  return out;
}

/** One note per binding whose role is not in the input, where the binding was read. */
export function missingRoleNotes(missing: readonly MissingRole[], unlisted: ReadonlyMap<string, string> = new Map()): InputNote[] {
  return missing.map((m) => ({ source: m.source.file, line: m.source.line, message: missingRoleText(m, unlisted) }));
}

/** `unlisted`: the kinds a live read could not list, with why (see unlistedKinds). */
export function missingRoleText(m: MissingRole, unlisted: ReadonlyMap<string, string> = new Map()): string {
  const role = `${m.role.kind || '(no kind)'} ${m.role.namespace ? `${m.role.namespace}/` : ''}${m.role.name || '(no name)'}`;
  if (m.binding.kind === 'ClusterRoleBinding' && m.role.kind === 'Role') return `${bindingText(m.binding)} refers to ${role}: a ClusterRoleBinding can only refer to a ClusterRole (the API server refuses it), so it grants nothing`;
  const unread = unlisted.get(m.role.kind);
  if (unread !== undefined) return `${bindingText(m.binding)} refers to ${role}, whose rules are unknown: ${unread}, so what it grants is not counted`;
  if (isBootstrapRole(m.role)) return `${bindingText(m.binding)} refers to ${role}, a role every cluster creates for itself: its rules are not in the input, so what it grants is not counted here`;
  return `${bindingText(m.binding)} refers to ${role}, which is not in the input: what it grants is not counted (add the role's manifest to count it)`;
}

/**
 * Roles the API server creates at start-up (bootstrap policy): the `system:` ClusterRoles, and in
 * kube-system the Roles extension API servers and controllers are bound to.
 */
function isBootstrapRole(role: MissingRole['role']): boolean {
  if (role.name.startsWith('system:')) return true;
  return role.kind === 'Role' && role.namespace === 'kube-system' && role.name === 'extension-apiserver-authentication-reader';
}

export function bindingText(b: Via['binding']): string {
  if (b.kind === 'AzureRoleAssignment') return `Azure role assignment ${b.name} at ${azureScopeText(b.scope)}${b.condition ? ' (conditional)' : ''}`;
  if (b.kind === 'AksLocalAdminCredential') return `local admin credential, listed through Azure role assignment ${b.name} at ${azureScopeText(b.scope)}`;
  if (b.kind === 'AksAdminGroups') return `admin groups of AKS cluster ${b.name} (aadProfile.adminGroupObjectIDs)`;
  return `${b.kind}/${b.namespace ? `${b.namespace}/` : ''}${b.name}`;
}

