import rule from '../../../src/rules/rbac/can-create-persistent-volumes.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { clusterRole, clusterRoleBinding, group } from './fixtures.js';

ruleTester(rule, {
  valid: [
    { name: 'persistentvolumes under the rbac group', input: clusterRole('r', '[{ apiGroups: [rbac.authorization.k8s.io], resources: [persistentvolumes], verbs: [create] }]') + clusterRoleBinding('b', 'r', `[${group('dev')}]`) },
    { name: 'claims only', input: clusterRole('r', '[{ apiGroups: [""], resources: [persistentvolumeclaims], verbs: [create] }]') + clusterRoleBinding('b', 'r', `[${group('dev')}]`) },
  ],
  invalid: [
    {
      name: 'create persistentvolumes',
      input: clusterRole('r', '[{ apiGroups: [""], resources: [persistentvolumes], verbs: ["*"] }]') + clusterRoleBinding('b', 'r', `[${group('dev')}]`),
      findings: [{ field: 'subjects[0]', severity: 'high', message: 'Group dev can create persistentvolumes cluster-wide through ClusterRole r (ClusterRoleBinding b)' }],
    },
  ],
});
