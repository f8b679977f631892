import rule from '../../../src/rules/rbac/can-modify-admission-webhooks.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { clusterRole, clusterRoleBinding, sa, user } from './fixtures.js';

ruleTester(rule, {
  valid: [{ name: 'read-only', input: clusterRole('r', '[{ apiGroups: [admissionregistration.k8s.io], resources: [validatingwebhookconfigurations], verbs: [get, list, watch] }]') + clusterRoleBinding('b', 'r', `[${user('jane')}]`) }],
  invalid: [
    {
      name: 'patch mutating webhooks',
      input: clusterRole('r', '[{ apiGroups: [admissionregistration.k8s.io], resources: [mutatingwebhookconfigurations], verbs: [patch] }]') + clusterRoleBinding('b', 'r', `[${sa('ops', 'tool')}]`),
      findings: [{ field: 'subjects[0]', severity: 'high', message: /patch mutatingwebhookconfigurations\.admissionregistration\.k8s\.io cluster-wide/ }],
    },
  ],
});
