import rule from '../../../src/rules/rbac/can-read-secrets.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { clusterRole, clusterRoleBinding, group, role, roleBinding, user } from './fixtures.js';

const reader = clusterRole('secret-reader', '[{ apiGroups: [""], resources: [secrets], verbs: [get, list] }]');

ruleTester(rule, {
  valid: [
    { name: 'configmaps only', input: clusterRole('cm', '[{ apiGroups: [""], resources: [configmaps], verbs: [get] }]') + clusterRoleBinding('b', 'cm', `[${user('jane')}]`) },
    { name: 'secrets under another API group grant nothing on core secrets', input: clusterRole('x', '[{ apiGroups: [apps], resources: [secrets], verbs: [get] }]') + clusterRoleBinding('b', 'x', `[${user('jane')}]`) },
    { name: 'a control-plane identity', input: reader + clusterRoleBinding('b', 'secret-reader', `[${user('system:kube-controller-manager')}]`) },
    { name: 'create only', input: clusterRole('w', '[{ apiGroups: [""], resources: [secrets], verbs: [create] }]') + clusterRoleBinding('b', 'w', `[${user('jane')}]`) },
  ],
  invalid: [
    {
      name: 'cluster-wide, one finding per subject',
      input: reader + clusterRoleBinding('readers', 'secret-reader', `[${group('dev')}, ${user('jane')}]`),
      findings: [
        { field: 'subjects[0]', message: 'Group dev can get secrets, list secrets cluster-wide through ClusterRole secret-reader (ClusterRoleBinding readers)' },
        { field: 'subjects[1]' },
      ],
    },
    {
      name: 'watch alone streams secrets, in one namespace',
      input: role('kube-system', 'w', '[{ apiGroups: ["*"], resources: [secrets], verbs: [watch] }]') + roleBinding('kube-system', 'rb', 'Role', 'w', `[${user('jane')}]`),
      findings: [{ field: 'subjects[0]', message: /watch secrets in namespace kube-system/ }],
    },
    {
      name: 'through an aggregated ClusterRole',
      input:
        clusterRole('agg', '[]', 'aggregationRule: { clusterRoleSelectors: [{ matchLabels: { team: a } }] }') +
        clusterRole('part', '[{ apiGroups: [""], resources: ["*"], verbs: [list] }]').replace('name: part }', 'name: part, labels: { team: a } }') +
        clusterRoleBinding('b', 'agg', `[${user('jane')}]`),
      findings: [{ field: 'subjects[0]', message: /list secrets cluster-wide/ }],
    },
    {
      name: 'system:authenticated is not exempt',
      input: reader + clusterRoleBinding('b', 'secret-reader', `[${group('system:authenticated')}]`),
      findings: [{ field: 'subjects[0]' }],
    },
  ],
});
