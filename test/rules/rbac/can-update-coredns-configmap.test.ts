import rule from '../../../src/rules/rbac/can-update-coredns-configmap.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { clusterRole, clusterRoleBinding, role, roleBinding, sa, user } from './fixtures.js';

ruleTester(rule, {
  valid: [
    { name: 'another namespace', input: role('app', 'r', '[{ apiGroups: [""], resources: [configmaps], verbs: [update] }]') + roleBinding('app', 'b', 'Role', 'r', `[${user('jane')}]`) },
    { name: 'a misspelt resource matches nothing', input: role('kube-system', 'r', '[{ apiGroups: [""], resources: [configmap], verbs: [update] }]') + roleBinding('kube-system', 'b', 'Role', 'r', `[${user('jane')}]`) },
  ],
  invalid: [
    {
      name: 'update on * in kube-system',
      input: role('kube-system', 'test', '[{ apiGroups: [""], resources: [configmap, "*"], verbs: [list, update] }]') + roleBinding('kube-system', 'pod', 'Role', 'test', `[${user('jane')}]`),
      findings: [{ field: 'subjects[0]', severity: 'high', message: /^User jane can update configmaps in namespace kube-system/ }],
    },
    {
      name: 'cluster-wide patch',
      input: clusterRole('r', '[{ apiGroups: [""], resources: [configmaps], verbs: [patch] }]') + clusterRoleBinding('b', 'r', `[${sa('gitops', 'flux')}]`),
      findings: [{ field: 'subjects[0]', message: /patch configmaps cluster-wide/, }],
    },
  ],
});
