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
  ],
  invalid: [
    {
      name: 'anonymous reads pods',
      input: clusterRole('r', '[{ apiGroups: [""], resources: [pods], verbs: [get] }]') + clusterRoleBinding('b', 'r', `[${user('system:anonymous')}, ${group('system:unauthenticated')}]`),
      findings: [{ field: 'subjects[0]', severity: 'critical', message: /^User system:anonymous \(unauthenticated callers\) is granted ClusterRole r cluster-wide/ }, { field: 'subjects[1]' }],
    },
  ],
});
