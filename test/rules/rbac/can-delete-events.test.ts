import rule from '../../../src/rules/rbac/can-delete-events.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { clusterRole, clusterRoleBinding, group } from './fixtures.js';

ruleTester(rule, {
  valid: [{ name: 'read events', input: clusterRole('r', '[{ apiGroups: [""], resources: [events], verbs: [get, list, watch] }]') + clusterRoleBinding('b', 'r', `[${group('dev')}]`) }],
  invalid: [
    {
      name: 'delete core events cluster-wide',
      input: clusterRole('r', '[{ apiGroups: [""], resources: [pods, events], verbs: [watch, delete] }]') + clusterRoleBinding('b', 'r', `[${group('manager')}, ${group('dev')}]`),
      findings: [{ field: 'subjects[0]', severity: 'low', message: /^Group manager can delete events cluster-wide/ }, { field: 'subjects[1]' }],
    },
  ],
});
