import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingRoleText } from '../../src/cli/missing-roles.js';
import type { Report } from '../../src/core/report.js';
import { runCli, tempTree } from '../helpers/cli.js';

const at = { file: 'rbac.yaml', line: 1 };

describe('the warning for a binding whose role is not in the input', () => {
  it('says a bootstrap role exists on every cluster, and is only not counted', () => {
    const text = missingRoleText({ binding: { kind: 'ClusterRoleBinding', namespace: null, name: 'metrics-server:system:auth-delegator' }, role: { kind: 'ClusterRole', name: 'system:auth-delegator' }, source: at });
    expect(text).toBe('ClusterRoleBinding/metrics-server:system:auth-delegator refers to ClusterRole system:auth-delegator, a role every cluster creates for itself: its rules are not in the input, so what it grants is not counted here');
    const reader = missingRoleText({ binding: { kind: 'RoleBinding', namespace: 'kube-system', name: 'metrics-server-auth-reader' }, role: { kind: 'Role', namespace: 'kube-system', name: 'extension-apiserver-authentication-reader' }, source: at });
    expect(reader).toMatch(/a role every cluster creates for itself/);
  });

  it('says a ClusterRoleBinding cannot refer to a Role', () => {
    const text = missingRoleText({ binding: { kind: 'ClusterRoleBinding', namespace: null, name: 'crb' }, role: { kind: 'Role', name: 'exec-star' }, source: at });
    expect(text).toBe('ClusterRoleBinding/crb refers to Role exec-star: a ClusterRoleBinding can only refer to a ClusterRole (the API server refuses it), so it grants nothing');
  });

  it('says the rules are unknown when the live read could not list the kind of the role, and which permission was missing', () => {
    const m = { binding: { kind: 'RoleBinding' as const, namespace: 'ci', name: 'support-logs' }, role: { kind: 'Role', namespace: 'ci', name: 'logs' }, source: at };
    const unlisted = new Map([['Role', 'listing roles.rbac.authorization.k8s.io was refused (the credentials lack list on roles.rbac.authorization.k8s.io in all namespaces)']]);
    expect(missingRoleText(m, unlisted)).toBe(
      'RoleBinding/ci/support-logs refers to Role ci/logs, whose rules are unknown: listing roles.rbac.authorization.k8s.io was refused (the credentials lack list on roles.rbac.authorization.k8s.io in all namespaces), so what it grants is not counted',
    );
    // Another kind's refusal says nothing about this role.
    expect(missingRoleText(m, new Map([['ClusterRole', 'x']]))).toMatch(/which is not in the input/);
  });

  it('says any other missing role is not counted, not that it grants nothing', () => {
    const text = missingRoleText({ binding: { kind: 'RoleBinding', namespace: 'shop', name: 'b' }, role: { kind: 'ClusterRole', name: 'app-reader' }, source: at });
    expect(text).toBe("RoleBinding/shop/b refers to ClusterRole app-reader, which is not in the input: what it grants is not counted (add the role's manifest to count it)");
  });
});

describe('scan, for a binding whose role is not in the input', () => {
  const binding = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: deployer, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deploy-things}
subjects: [{kind: ServiceAccount, name: ci, namespace: shop}]
`;

  it('notes where the binding is that what it grants is not counted, as rbac risky does', async () => {
    const dir = tempTree({ 'rbac.yaml': binding });
    const r = await runCli(['scan', dir, '-f', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.notes).toEqual([
      { source: join(dir, 'rbac.yaml'), line: 1, message: "RoleBinding/shop/deployer refers to Role shop/deploy-things, which is not in the input: what it grants is not counted (add the role's manifest to count it)" },
    ]);
  });

  it('says nothing of it when no RBAC rule runs', async () => {
    const dir = tempTree({ 'rbac.yaml': binding });
    const r = await runCli(['scan', dir, '-f', 'json', '--skip-rule', 'rbac/*']);
    expect((JSON.parse(r.stdout) as Report).notes).toEqual([]);
  });
});
