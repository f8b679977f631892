import rule from '../../../src/rules/rbac/can-approve-csr.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { clusterRole, clusterRoleBinding, roleBinding, user } from './fixtures.js';

ruleTester(rule, {
  valid: [
    { name: 'creating requests is not approving them', input: clusterRole('r', '[{ apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests], verbs: [create, get] }]') + clusterRoleBinding('b', 'r', `[${user('jane')}]`) },
    { name: 'through a RoleBinding grants nothing (cluster-scoped)', input: clusterRole('r', '[{ apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update] }]') + roleBinding('kube-system', 'b', 'ClusterRole', 'r', `[${user('jane')}]`) },
  ],
  invalid: [
    {
      name: 'update on the approval subresource',
      input: clusterRole('r', '[{ apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update] }]') + clusterRoleBinding('b', 'r', `[${user('jane')}]`),
      findings: [{ field: 'subjects[0]', severity: 'high', message: /update certificatesigningrequests\/approval\.certificates\.k8s\.io cluster-wide/ }],
    },
  ],
});
