import { describe, expect, it } from 'vitest';
import { pathsOf } from './estate.js';

/** A service account of namespace front granted `verbs` on `resource` in app, where a cluster-admin account runs. */
const estate = (resource: string, verbs: string) => `
apiVersion: v1
kind: ServiceAccount
metadata: { name: deployer, namespace: app }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: deployer, namespace: app }
spec:
  selector: { matchLabels: { app: d } }
  template:
    metadata: { labels: { app: d } }
    spec: { serviceAccountName: deployer, containers: [{ name: c, image: registry.example.com/d:1 }] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: deployer-admin }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }
subjects: [{ kind: ServiceAccount, name: deployer, namespace: app }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: granted, namespace: app }
rules: [{ apiGroups: [""], resources: [${resource}], verbs: [${verbs}] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: granted, namespace: app }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: granted }
subjects: [{ kind: ServiceAccount, name: web, namespace: front }]
`;

/** The rule each step taken with the grant of RoleBinding app/granted cites, by the step's text. */
function grantSteps(text: string): Array<{ text: string; rule: string | undefined; findings: number }> {
  const { graph } = pathsOf(text);
  const seen = new Set<string>();
  return graph.edges
    .map((e) => e.step)
    .filter((s) => s.resource?.kind === 'RoleBinding' && s.resource.name === 'granted' && !seen.has(s.text) && seen.add(s.text))
    .map((s) => ({ text: s.text.split(' (')[0]!, rule: s.rule, findings: s.findings.length }));
}

describe('steps taken with a grant', () => {
  it('cite rbac/can-exec-into-pods for a shell in a running pod, whatever the verb', () => {
    for (const [resource, verbs, text] of [
      ['pods/exec', 'create', 'create pods/exec in app'],
      ['pods/exec', 'get', 'get pods/exec in app'],
      ['pods/ephemeralcontainers', 'patch', 'patch pods/ephemeralcontainers in app'],
    ] as const) {
      const steps = grantSteps(estate(resource, verbs));
      expect(steps).toContainEqual({ text, rule: 'rbac/can-exec-into-pods', findings: 1 });
      for (const s of steps) expect(s.rule).toBe('rbac/can-exec-into-pods');
    }
  });

  it('cite rbac/can-create-pods for creating pods', () => {
    const steps = grantSteps(estate('pods', 'create'));
    expect(steps.length).toBeGreaterThan(0);
    for (const s of steps) expect(s.rule).toBe('rbac/can-create-pods');
  });
});
