import { expect } from 'vitest';
import rule from '../../../src/rules/rbac/anonymous-access-granted.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { clusterRole, clusterRoleBinding, group, roleBinding, user } from './fixtures.js';

ruleTester(rule, {
  valid: [
    { name: 'public info only', input: clusterRole('public', '[{ nonResourceURLs: [/healthz, /livez, /readyz, /version, /version/], verbs: [get] }]') + clusterRoleBinding('b', 'public', `[${group('system:unauthenticated')}]`) },
    {
      // A RoleBinding cannot grant cluster-scoped resources or non-resource URLs: the authorizer never matches them.
      name: 'anonymous in a RoleBinding to rules it cannot grant there',
      input: clusterRole('node-stuff', '[{ apiGroups: [""], resources: [nodes/proxy, nodes], verbs: ["*"] }, { nonResourceURLs: [/metrics, /debug/*], verbs: [get] }]') + roleBinding('monitoring', 'b', 'ClusterRole', 'node-stuff', `[${user('system:anonymous')}]`),
    },
    { name: 'authenticated users', input: clusterRole('r', '[{ apiGroups: [""], resources: [pods], verbs: [get] }]') + clusterRoleBinding('b', 'r', `[${group('system:authenticated')}]`) },
    { name: 'the bootstrap public-info role, not in the input', input: clusterRoleBinding('system:public-info-viewer', 'system:public-info-viewer', `[${group('system:authenticated')}, ${group('system:unauthenticated')}]`) },
  ],
  invalid: [
    {
      name: 'a role that is not in the input',
      input: clusterRoleBinding('anon-ctrl', 'ops-tools', `[${group('system:unauthenticated')}]`),
      findings: [{ field: 'subjects[0]', message: 'Group system:unauthenticated (unauthenticated callers) is granted ClusterRole ops-tools cluster-wide (ClusterRoleBinding anon-ctrl); the role is not in the input, so what it grants is unknown' }],
    },
    {
      name: 'a default control-plane role the input does not define: its bootstrap rules are known',
      input: clusterRoleBinding('anon-ctrl', 'system:kube-controller-manager', `[${group('system:unauthenticated')}]`),
      findings: [{ field: 'subjects[0]', message: 'Group system:unauthenticated (unauthenticated callers) is granted ClusterRole system:kube-controller-manager cluster-wide (ClusterRoleBinding anon-ctrl)', evidence: { observed: expect.stringContaining('resources: ["secrets"]') } }],
    },
    {
      name: 'anonymous reads pods',
      input: clusterRole('r', '[{ apiGroups: [""], resources: [pods], verbs: [get] }]') + clusterRoleBinding('b', 'r', `[${user('system:anonymous')}, ${group('system:unauthenticated')}]`),
      findings: [{ field: 'subjects[0]', severity: 'critical', message: /^User system:anonymous \(unauthenticated callers\) is granted ClusterRole r cluster-wide/ }, { field: 'subjects[1]' }],
    },
  ],
});
