import rule from '../../../src/rules/rbac/can-approve-csr.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { clusterRole, clusterRoleBinding, roleBinding, user } from './fixtures.js';

ruleTester(rule, {
  valid: [
    { name: 'creating requests is not approving them', input: clusterRole('r', '[{ apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests], verbs: [create, get] }]') + clusterRoleBinding('b', 'r', `[${user('jane')}]`) },
    {
      name: 'the approval subresource without approve on a signer: the admission plugin refuses the approval',
      input: clusterRole('r', '[{ apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update] }]') + clusterRoleBinding('b', 'r', `[${user('jane')}]`),
    },
    {
      name: 'approve restricted to a signer whose certificates do not authenticate to the API server',
      input:
        clusterRole('r', '[{ apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update] }, { apiGroups: [certificates.k8s.io], resources: [signers], verbs: [approve], resourceNames: [example.com/serving] }]') +
        clusterRoleBinding('b', 'r', `[${user('jane')}]`),
    },
    { name: 'through a RoleBinding grants nothing (cluster-scoped)', input: clusterRole('r', '[{ apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update] }]') + roleBinding('kube-system', 'b', 'ClusterRole', 'r', `[${user('jane')}]`) },
  ],
  invalid: [
    {
      name: 'update on the approval subresource and approve on any signer',
      input:
        clusterRole('r', '[{ apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update] }, { apiGroups: [certificates.k8s.io], resources: [signers], verbs: [approve] }]') +
        clusterRoleBinding('b', 'r', `[${user('jane')}]`),
      findings: [{ field: 'subjects[0]', severity: 'high', message: /update certificatesigningrequests\/approval\.certificates\.k8s\.io, approve signers\.certificates\.k8s\.io cluster-wide/ }],
    },
    {
      name: 'approve restricted to the client signers by their domain',
      input:
        clusterRole('r', '[{ apiGroups: ["*"], resources: [certificatesigningrequests/approval], verbs: [patch] }, { apiGroups: [certificates.k8s.io], resources: [signers], verbs: [approve], resourceNames: ["kubernetes.io/*"] }]') +
        clusterRoleBinding('b', 'r', `[${user('jane')}]`),
      findings: [{ field: 'subjects[0]', message: /approve signers\.certificates\.k8s\.io kubernetes\.io\/\*/ }],
    },
  ],
});
