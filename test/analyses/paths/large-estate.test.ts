import { describe, expect, it } from 'vitest';
import { findAttackPaths } from '../../../src/cli/paths.js';
import type { AttackPath } from '../../../src/core/report.js';
import { CRITICAL_CVE, image, inventoryOf } from './estate.js';

const NAMESPACES = 10;
const WORKLOADS = 10;

const lines = (...xs: string[]) => xs.map((x) => `---\n${x}\n`).join('');

/**
 * Per namespace: workloads, most behind public load balancers and the others open to every
 * namespace with a critical vulnerability, half of them sharing one account (their paths fold into
 * one), all accounts reading every Secret through one ClusterRole, and an admin account bound to
 * cluster-admin that a Role (in the first namespace) or the default edit role (in the second) lets a
 * workload take. Beside them, Azure Policy's Gatekeeper as AKS installs it, on a path of AKS's own.
 */
function estate(): string {
  const out: string[] = [];
  for (let n = 0; n < NAMESPACES; n++) {
    const ns = `team-${n}`;
    const accounts = new Set<string>();
    for (let w = 0; w < WORKLOADS; w++) {
      const name = `app-${w}`;
      const account = w % 2 === 0 ? 'shared' : name;
      accounts.add(account);
      const privileged = w === 3 ? ', securityContext: { privileged: true }' : '';
      const internal = w % 5 === 4;
      if (!internal) out.push(lines(`apiVersion: v1\nkind: Service\nmetadata: { name: ${name}, namespace: ${ns} }\nspec: { type: LoadBalancer, selector: { app: ${name} }, ports: [{ port: 443 }] }`));
      out.push(lines(
        `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: ${name}, namespace: ${ns} }\nspec:\n  selector: { matchLabels: { app: ${name} } }\n  template:\n    metadata: { labels: { app: ${name} } }\n    spec:\n      serviceAccountName: ${account}\n      containers: [{ name: ${name}, image: registry.example.com/${name}:1${privileged} }]`,
      ));
      if (internal) out.push(image(`registry.example.com/${name}:1`, CRITICAL_CVE));
    }
    accounts.add('admin');
    for (const a of accounts) out.push(lines(`apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: ${a}, namespace: ${ns} }`));
    const subjects = [...accounts].filter((a) => a !== 'admin').map((a) => `{ kind: ServiceAccount, name: ${a}, namespace: ${ns} }`).join(', ');
    out.push(lines(
      `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: { name: reader-${n} }\nrules: [{ apiGroups: [""], resources: [secrets], verbs: [get, list, watch] }]`,
      `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: { name: reader-${n} }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader-${n} }\nsubjects: [${subjects}]`,
      `apiVersion: apps/v1\nkind: StatefulSet\nmetadata: { name: admin, namespace: ${ns} }\nspec:\n  selector: { matchLabels: { app: admin } }\n  template:\n    metadata: { labels: { app: admin } }\n    spec:\n      serviceAccountName: admin\n      containers: [{ name: admin, image: registry.example.com/admin:1 }]`,
      `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: { name: admin-${n} }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }\nsubjects: [{ kind: ServiceAccount, name: admin, namespace: ${ns} }]`,
    ));
  }
  out.push(lines(
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: { name: job-runner, namespace: team-0 }\nrules: [{ apiGroups: [batch], resources: [jobs], verbs: [create] }]',
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: { name: job-runner, namespace: team-0 }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: job-runner }\nsubjects: [{ kind: ServiceAccount, name: app-1, namespace: team-0 }]',
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: { name: editor, namespace: team-1 }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit }\nsubjects: [{ kind: ServiceAccount, name: app-1, namespace: team-1 }]',
    'apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: gatekeeper-admin, namespace: gatekeeper-system, labels: { addonmanager.kubernetes.io/mode: Reconcile } }',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: gatekeeper-controller, namespace: gatekeeper-system, labels: { addonmanager.kubernetes.io/mode: Reconcile } }\nspec:\n  selector: { matchLabels: { control-plane: controller-manager } }\n  template:\n    metadata: { labels: { control-plane: controller-manager } }\n    spec:\n      serviceAccountName: gatekeeper-admin\n      containers: [{ name: manager, image: mcr.microsoft.com/oss/open-policy-agent/gatekeeper:v3.18.2 }]',
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: { name: gatekeeper-manager-role, labels: { addonmanager.kubernetes.io/mode: Reconcile } }\nrules: [{ apiGroups: [""], resources: [secrets], verbs: [get, list, watch] }]',
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: { name: gatekeeper-manager-rolebinding, labels: { addonmanager.kubernetes.io/mode: Reconcile } }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: gatekeeper-manager-role }\nsubjects: [{ kind: ServiceAccount, name: gatekeeper-admin, namespace: gatekeeper-system }]',
  ));
  return out.join('');
}

const inventory = inventoryOf(estate());
const analysis = findAttackPaths(inventory);

/** The workload or identity where a path takes hold, as `whyNoFix` counts doors. */
const footholdOf = (p: AttackPath) => (p.nodes.find((n) => n.kind === 'workload' || n.kind === 'identity') ?? p.nodes[0]!).label;

describe('attack paths of a large estate', () => {
  it('says through how many workloads each shared entry reaches a jewel, counting every path of that entry and jewel', () => {
    const { paths } = analysis;
    const unfixed = paths.filter((p) => !p.fix && !p.providerManaged && (p.entryPoint === 'internet' || p.entryPoint === 'other-namespaces'));
    // Both shared entries reach the same jewel: the doors of one are not the other's.
    expect(new Set(unfixed.filter((p) => p.target.id === 'secrets:kube-system').map((p) => p.entryPoint))).toEqual(new Set(['internet', 'other-namespaces']));
    expect(unfixed.length).toBeGreaterThan(60);
    expect(paths.some((p) => p.alsoFrom?.length)).toBe(true);
    for (const p of unfixed) {
      // Straight from the definition: every path of the same entry and jewel, its foothold and the footholds folded into it, once each.
      const doors = [...new Set(paths.filter((o) => o.entryPoint === p.entryPoint && o.target.id === p.target.id).flatMap((o) => [footholdOf(o), ...(o.alsoFrom ?? [])]))];
      expect(doors.length).toBeGreaterThan(1);
      const shown = `${doors.slice(0, 4).join(', ')}${doors.length > 4 ? ', ...' : ''}`;
      expect(p.ownerAction).toContain(`reaches ${p.target.label} through ${doors.length} workloads (${shown}): closing one way leaves the others`);
    }
  });

  // Whether a change may be proposed (not to an object AKS manages) is asked once per key.
  it('a fix key always names the same object', () => {
    const byKey = new Map<string, string>();
    for (const e of analysis.graph.edges) {
      for (const f of e.step.fixes) {
        const resource = JSON.stringify(f.resource ?? null);
        expect(byKey.get(f.key) ?? resource, f.key).toBe(resource);
        byKey.set(f.key, resource);
      }
    }
    expect(byKey.size).toBeGreaterThan(50);
  });

  it('narrows a Role by its own rules, and rebinds from a default ClusterRole by the bootstrap rules the input does not define', () => {
    const texts = new Set(analysis.graph.edges.flatMap((e) => e.step.fixes.map((f) => f.text)));
    expect(texts).toContain('remove create jobs from Role job-runner (RoleBinding team-0/job-runner)');
    expect(texts).toContain('bind ServiceAccount team-1/app-1 to a role without create pods, deployments, daemonsets, statefulsets, replicasets, jobs, cronjobs, replicationcontrollers; patch, update deployments, daemonsets, statefulsets, replicasets, jobs, cronjobs, replicationcontrollers instead of ClusterRole edit (RoleBinding team-1/editor)');
  });
});
