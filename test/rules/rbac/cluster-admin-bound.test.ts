import rule from '../../../src/rules/rbac/cluster-admin-bound.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { clusterRole, clusterRoleBinding, group, roleBinding, sa, user } from './fixtures.js';

ruleTester(rule, {
  valid: [
    { name: 'system:masters', input: clusterRoleBinding('b', 'cluster-admin', `[${group('system:masters')}]`) },
    { name: 'a RoleBinding to cluster-admin is namespace admin', input: clusterRole('cluster-admin', '[{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]') + roleBinding('app', 'b', 'ClusterRole', 'cluster-admin', `[${user('jane')}]`) },
    { name: 'core group only', input: clusterRole('r', '[{ apiGroups: [""], resources: ["*"], verbs: ["*"] }]') + clusterRoleBinding('b', 'r', `[${user('jane')}]`) },
  ],
  invalid: [
    {
      name: 'built-in cluster-admin not in the manifests',
      input: clusterRoleBinding('admins', 'cluster-admin', `[${group('ops')}]`),
      findings: [{ field: 'subjects[0]', severity: 'critical', message: 'Group ops is cluster-admin through ClusterRole cluster-admin (ClusterRoleBinding admins)' }],
    },
    {
      name: 'an equivalent role under another name',
      input: clusterRole('test', '[{ apiGroups: ["*"], resources: ["*", secrets], verbs: [get, "*"] }]') + clusterRoleBinding('b', 'test', `[${group('manager')}, ${user('system:kube-scheduler')}, ${sa('ci', 'deploy')}]`),
      findings: [{ field: 'subjects[0]', message: /^Group manager can \* \*\.\* cluster-wide/ }, { field: 'subjects[2]' }],
    },
  ],
});
