import rule from '../../../src/rules/rbac/can-delete-resources.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { role, roleBinding, sa, user } from './fixtures.js';

ruleTester(rule, {
  valid: [{ name: 'delete on leases', input: role('app', 'r', '[{ apiGroups: [coordination.k8s.io], resources: [leases], verbs: [delete] }]') + roleBinding('app', 'b', 'Role', 'r', `[${sa('app', 'ctl')}]`) }],
  invalid: [
    {
      name: 'delete secrets and services',
      input: role('kube-system', 'r', '[{ apiGroups: [""], resources: [secrets, services], verbs: [list, delete] }]') + roleBinding('kube-system', 'b', 'Role', 'r', `[${user('jane')}]`),
      findings: [{ field: 'subjects[0]', severity: 'medium', message: /^User jane can delete secrets, delete services in namespace kube-system/ }],
    },
  ],
});
