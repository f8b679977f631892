import rule from '../../../src/rules/rbac/can-create-service-account-tokens.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { clusterRole, roleBinding, user } from './fixtures.js';

ruleTester(rule, {
  valid: [{ name: 'get serviceaccounts', input: clusterRole('r', '[{ apiGroups: [""], resources: [serviceaccounts], verbs: [get, create] }]') + roleBinding('app', 'b', 'ClusterRole', 'r', `[${user('jane')}]`) }],
  invalid: [
    {
      name: '* on serviceaccounts/token in kube-system',
      input: clusterRole('test', '[{ apiGroups: [""], resources: [serviceaccounts/token], verbs: ["*"] }]') + roleBinding('kube-system', 'pod', 'ClusterRole', 'test', `[${user('jane')}]`),
      findings: [{ field: 'subjects[0]', severity: 'high', message: /create serviceaccounts\/token in namespace kube-system/ }],
    },
  ],
});
