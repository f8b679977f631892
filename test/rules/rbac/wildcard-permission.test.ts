import rule from '../../../src/rules/rbac/wildcard-permission.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { clusterRole, clusterRoleBinding, group, role, roleBinding, user } from './fixtures.js';

ruleTester(rule, {
  valid: [
    {
      name: 'wildcard verbs on nodes through a RoleBinding, which grants nothing cluster-scoped',
      input: clusterRole('node-stuff', '[{ apiGroups: [""], resources: [nodes/proxy, nodes], verbs: ["*"] }]') + roleBinding('monitoring', 'b', 'ClusterRole', 'node-stuff', `[${user('prom')}]`),
    },
    { name: 'explicit verbs', input: role('app', 'r', '[{ apiGroups: ["*"], resources: [pods], verbs: [get] }]') + roleBinding('app', 'b', 'Role', 'r', `[${user('jane')}]`) },
    { name: 'full wildcard cluster-wide is left to cluster-admin-bound', input: clusterRole('r', '[{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]') + clusterRoleBinding('b', 'r', `[${user('jane')}]`) },
    {
      name: 'KEDA: every verb on the external metrics API, which serves reads only',
      input: clusterRole('keda-external-metrics-reader', '[{ apiGroups: [external.metrics.k8s.io], resources: ["*"], verbs: ["*"] }]') + clusterRoleBinding('keda-hpa-controller-external-metrics', 'keda-external-metrics-reader', `[{ kind: ServiceAccount, name: horizontal-pod-autoscaler, namespace: kube-system }]`),
    },
  ],
  invalid: [
    {
      name: 'a metrics group beside another group is still a wildcard',
      input: clusterRole('r', '[{ apiGroups: [custom.metrics.k8s.io, apps], resources: ["*"], verbs: ["*"] }]') + clusterRoleBinding('b', 'r', `[${user('jane')}]`),
      findings: [{ field: 'subjects[0]', message: /^User jane holds wildcard permissions cluster-wide/ }],
    },
    {
      name: 'namespace admin through a Role',
      input: role('kube-system', 'test', '[{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]') + roleBinding('kube-system', 'pod', 'Role', 'test', `[${user('jane')}]`),
      findings: [{ field: 'subjects[0]', severity: 'high', message: 'User jane holds every verb on every resource in namespace kube-system through Role test (RoleBinding kube-system/pod)' }],
    },
    {
      name: 'wildcard verbs cluster-wide',
      input: clusterRole('r', '[{ apiGroups: [""], resources: [pods], verbs: ["*"] }]') + clusterRoleBinding('b', 'r', `[${group('dev')}]`),
      findings: [{ field: 'subjects[0]', message: /^Group dev holds wildcard permissions cluster-wide/ }],
    },
  ],
});
