import { describe, expect, it } from 'vitest';
import { missingRoleText } from '../../src/cli/rbac.js';

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
