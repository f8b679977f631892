import rule from '../../../src/rules/rbac/can-create-pods.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { clusterRole, clusterRoleBinding, group, role, roleBinding, sa, user } from './fixtures.js';

ruleTester(rule, {
  valid: [
    { name: 'pods under the rbac API group', input: clusterRole('r', '[{ apiGroups: [rbac.authorization.k8s.io], resources: [pods], verbs: [create] }]') + clusterRoleBinding('b', 'r', `[${group('dev')}]`) },
    { name: 'patch on a Pod takes no new service account', input: clusterRole('r', '[{ apiGroups: [""], resources: [pods], verbs: [patch, update] }]') + clusterRoleBinding('b', 'r', `[${group('dev')}]`) },
    { name: 'read-only', input: clusterRole('r', '[{ apiGroups: ["", apps], resources: [pods, deployments], verbs: [get, list] }]') + clusterRoleBinding('b', 'r', `[${group('dev')}]`) },
    { name: 'a RoleBinding to a missing Role grants nothing', input: roleBinding('app', 'b', 'Role', 'absent', `[${user('jane')}]`) },
  ],
  invalid: [
    {
      name: 'ClusterRole bound in one namespace',
      input: clusterRole('test', '[{ apiGroups: [""], resources: [pods, services], verbs: ["*"] }]') + roleBinding('kube-system', 'pod', 'ClusterRole', 'test', `[${user('jane')}]`),
      findings: [{ field: 'subjects[0]', severity: 'high', message: 'User jane can create pods in namespace kube-system through ClusterRole test (RoleBinding kube-system/pod)' }],
    },
    {
      name: 'deployments through apps',
      input: clusterRole('deployer', '[{ apiGroups: [apps], resources: [deployments], verbs: [create] }]') + clusterRoleBinding('ci', 'deployer', `[${sa('ci', 'deployer')}]`),
      findings: [{ field: 'subjects[0]', message: /create deployments\.apps cluster-wide/ }],
    },
    {
      name: 'patch and update on a workload controller rewrite its pod template',
      input: role('ops', 'dev', '[{ apiGroups: [apps], resources: [deployments], verbs: [get, list, patch, update] }]') + roleBinding('ops', 'dev', 'Role', 'dev', `[${group('devs')}]`),
      findings: [{ field: 'subjects[0]', severity: 'high', message: 'Group devs can patch, update deployments.apps in namespace ops through Role dev (RoleBinding ops/dev)' }],
    },
    {
      name: 'each verb once, with the controllers it reaches',
      input: clusterRole('operator', '[{ apiGroups: [apps], resources: [statefulsets], verbs: [create, patch] }, { apiGroups: [batch], resources: [jobs, cronjobs], verbs: [update] }]') + clusterRoleBinding('operator', 'operator', `[${sa('mon', 'operator')}]`),
      findings: [{ field: 'subjects[0]', message: 'ServiceAccount mon/operator can create, patch statefulsets.apps; update jobs.batch, cronjobs.batch cluster-wide through ClusterRole operator (ClusterRoleBinding operator)' }],
    },
  ],
});
