import rule from '../../../src/rules/rbac/can-proxy-nodes.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { clusterRole, clusterRoleBinding, roleBinding, sa, user } from './fixtures.js';

ruleTester(rule, {
  valid: [
    { name: 'nodes/proxy through a RoleBinding grants nothing', input: clusterRole('r', '[{ apiGroups: [""], resources: [nodes/proxy], verbs: [get] }]') + roleBinding('kube-system', 'b', 'ClusterRole', 'r', `[${user('jane')}]`) },
    { name: 'nodes/metrics', input: clusterRole('r', '[{ apiGroups: [""], resources: [nodes/metrics], verbs: [get] }]') + clusterRoleBinding('b', 'r', `[${sa('monitoring', 'prom')}]`) },
  ],
  invalid: [
    {
      name: 'get nodes/proxy cluster-wide',
      input: clusterRole('r', '[{ apiGroups: [""], resources: [nodes/proxy], verbs: [get] }]') + clusterRoleBinding('b', 'r', `[${sa('monitoring', 'prom')}]`),
      findings: [{ field: 'subjects[0]', severity: 'high', message: /^ServiceAccount monitoring\/prom can get nodes\/proxy cluster-wide/ }],
    },
  ],
});
