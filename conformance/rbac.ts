import { join } from 'node:path';
import type { Finding } from '../src/core/finding.js';
import { CORPUS_DIR, loadResources, readIndex, type SuiteResult } from './corpus.js';
import { scanResources } from './evaluate.js';
import { BUILTIN_RESOURCES } from '../src/analyses/rbac/resources.js';
import { RULES } from '../src/rules/index.js';

/** Where the risky-RBAC cases live below the corpus. */
export const RBAC_CORPUS = 'rbac/cases';

interface SubjectRef {
  kind: string;
  name: string;
  namespace?: string;
}

interface RbacCase {
  case: string;
  category: string;
  inputs: string[];
  expected: {
    flagged: boolean;
    findings: Array<{
      subject?: SubjectRef | null;
      binding?: { kind: string; name: string; namespace?: string } | null;
      scope?: 'cluster' | { namespace: string } | null;
      matched?: { resources?: string[] } | null;
    }>;
  };
}

/**
 * Which Palisade rules answer each category of the corpus. A case is flagged when one of them
 * reports a finding on one of the case's bindings.
 */
const CATEGORY_RULES: Record<string, string[]> = {
  'create-pods': ['rbac/can-create-pods'],
  'bind-escalate': ['rbac/can-escalate-or-bind'],
  impersonate: ['rbac/can-impersonate'],
  'secrets-read': ['rbac/can-read-secrets'],
  'delete-resources': ['rbac/can-delete-resources'],
  // Full wildcards at any scope: cluster-admin through a ClusterRoleBinding, namespace admin through a RoleBinding.
  'wildcard-admin': ['rbac/cluster-admin-bound', 'rbac/wildcard-permission'],
  // Cluster-wide administration only: cluster-admin through a RoleBinding is namespace admin.
  'cluster-admin-binding': ['rbac/cluster-admin-bound'],
  'pods-exec': ['rbac/can-exec-into-pods'],
  'pods-portforward': ['rbac/can-port-forward'],
  'proxy-subresource': ['rbac/can-proxy-nodes'],
  'csr-approve': ['rbac/can-approve-csr'],
  'serviceaccount-token-create': ['rbac/can-create-service-account-tokens'],
  'admission-webhooks-modify': ['rbac/can-modify-admission-webhooks'],
  'persistentvolume-create': ['rbac/can-create-persistent-volumes'],
  'events-delete': ['rbac/can-delete-events'],
  'configmap-update': ['rbac/can-update-coredns-configmap'],
  'default-serviceaccount-bound': ['rbac/default-service-account-bound'],
  // Kubescape lists what bound ServiceAccounts hold; Palisade's finding on a bound default ServiceAccount is the risk it points at.
  'serviceaccount-permissions': ['rbac/default-service-account-bound'],
};

/** The subject a finding is about, read back from the binding's `subjects[i]` field. */
function findingSubject(f: Finding, subjects: Map<string, SubjectRef>): string | undefined {
  const key = `${f.resource.kind}/${f.resource.namespace ?? ''}/${f.resource.name}/${f.field ?? ''}`;
  const s = subjects.get(key);
  return s ? subjectKey(s) : undefined;
}

/**
 * Why the RBAC authorizer does not grant what an upstream alert claims, when that is the case:
 * a RoleBinding cannot grant cluster-scoped resources, and `pods/*` is a literal resource name
 * to the authorizer (only `*` and `*\/exec` cover a subresource of every resource).
 */
function authorizerReason(c: RbacCase): string | undefined {
  for (const f of c.expected.findings) {
    const resources = f.matched?.resources ?? [];
    if (resources.length === 0) continue;
    const namespaced = typeof f.scope === 'object' && f.scope !== null;
    if (namespaced && resources.every((r) => BUILTIN_RESOURCES.get(r.split('/')[0] ?? '')?.namespaced === false))
      return `the authorizer does not grant ${resources.join(', ')} (cluster-scoped) through a RoleBinding`;
    if (resources.every((r) => /^[^*/]+\/\*$/.test(r))) return `the authorizer reads ${resources.join(', ')} as a literal resource name, which matches no subresource`;
  }
  return undefined;
}

function subjectKey(s: SubjectRef): string {
  return `${s.kind}:${s.kind === 'ServiceAccount' ? `${s.namespace ?? ''}/` : ''}${s.name}`;
}

/**
 * Risky-RBAC cases (kubescape regolibrary fixtures): all inputs of a case are one cluster; a case
 * agrees when the rules mapped to its category flag it exactly when upstream does, and, where the
 * upstream alerts name subjects, Palisade's findings name the same subjects.
 */
export function runRbac(): SuiteResult {
  const index = readIndex<{ cases: RbacCase[] }>(RBAC_CORPUS);
  const result: SuiteResult = { suite: 'rbac', total: 0, agreed: 0, misses: [], notes: [] };
  let explained = 0;
  for (const c of index.cases) {
    const named = CATEGORY_RULES[c.category];
    // A rule's finding is dropped where a broader one (cluster-admin) reports the same subject: that one answers too.
    const rules = named && [...new Set([...named, ...named.flatMap((id) => RULES.find((r) => r.meta.id === id)?.supersedes ?? [])])];
    if (!rules) {
      result.notes.push(`${c.case}: category ${c.category} has no Palisade rule, not compared`);
      continue;
    }
    const resources = c.inputs.flatMap((f) => loadResources(join(CORPUS_DIR, RBAC_CORPUS, f)).resources);
    const subjects = new Map<string, SubjectRef>();
    for (const r of resources) {
      if (r.kind !== 'RoleBinding' && r.kind !== 'ClusterRoleBinding') continue;
      const list = Array.isArray(r.object.subjects) ? (r.object.subjects as unknown[]) : [];
      list.forEach((s, i) => {
        if (typeof s !== 'object' || s === null) return;
        const o = s as Record<string, unknown>;
        const ns = typeof o.namespace === 'string' ? o.namespace : r.kind === 'RoleBinding' ? (r.namespace ?? 'default') : undefined;
        subjects.set(`${r.kind}/${r.namespace ?? ''}/${r.name}/subjects[${i}]`, { kind: String(o.kind), name: String(o.name), ...(ns !== undefined ? { namespace: ns } : {}) });
      });
    }
    const findings = scanResources(resources).filter((f) => rules.includes(f.rule) && (f.resource.kind === 'RoleBinding' || f.resource.kind === 'ClusterRoleBinding'));
    result.total++;
    const flagged = findings.length > 0;
    if (flagged !== c.expected.flagged) {
      const reason = !flagged ? authorizerReason(c) : undefined;
      if (reason) explained++;
      result.misses.push(`${reason ? `[Kubernetes semantics: ${reason}] ` : ''}` + `${c.case} (${c.category}): expected ${c.expected.flagged ? 'flagged' : 'not flagged'}, Palisade ${flagged ? `reports ${findings.map((f) => `${f.rule} "${f.message}"`).join('; ')}` : `reports nothing from ${rules.join(', ')}`}`);
      continue;
    }
    const want = new Set(c.expected.findings.flatMap((f) => (f.subject ? [subjectKey(f.subject)] : [])));
    if (want.size > 0) {
      const got = new Set(findings.flatMap((f) => findingSubject(f, subjects) ?? []));
      const missing = [...want].filter((s) => !got.has(s));
      const extra = [...got].filter((s) => !want.has(s));
      if (missing.length || extra.length) {
        result.misses.push(`${c.case} (${c.category}): subjects differ: missing ${missing.join(', ') || 'none'}, extra ${extra.join(', ') || 'none'}`);
        continue;
      }
    }
    result.agreed++;
  }
  result.notes.push(`misses where Palisade follows the RBAC authorizer and upstream over-reports: ${explained}`);
  const comparable = result.total - explained;
  if (comparable > 0) result.notes.push(`agreement on the cases whose expectation the RBAC authorizer shares: ${result.agreed}/${comparable} = ${((100 * result.agreed) / comparable).toFixed(1)}%`);
  return result;
}
