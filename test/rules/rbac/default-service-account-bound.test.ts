import rule from '../../../src/rules/rbac/default-service-account-bound.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { clusterRoleBinding, group, roleBinding, sa, user } from './fixtures.js';

ruleTester(rule, {
  valid: [
    { name: 'a dedicated ServiceAccount', input: roleBinding('app', 'b', 'ClusterRole', 'x', `[${sa('app', 'api')}]`) },
  ],
  invalid: [
    {
      name: 'default in a ClusterRoleBinding, role not in the manifests',
      input: clusterRoleBinding('b', 'test', `[${sa('n1', 'default')}, ${group('dev')}]`, "'kubernetes.io/bootstrapping': 'not default'"),
      findings: [{ field: 'subjects[0]', severity: 'medium', message: 'ServiceAccount n1/default is bound to ClusterRole test (ClusterRoleBinding b)' }],
    },
    {
      // Anyone who writes a binding can write the label; no binding of the bootstrap policy names a default ServiceAccount.
      name: 'a binding labelled as the bootstrap policy\'s',
      input: roleBinding('default', 'b', 'ClusterRole', 'x', `[${sa('default', 'default')}]`, "'kubernetes.io/bootstrapping': rbac-defaults"),
      findings: [{ field: 'subjects[0]', message: 'ServiceAccount default/default is bound to ClusterRole x (RoleBinding default/b)' }],
    },
    {
      name: 'namespace taken from the RoleBinding',
      input: roleBinding('shop', 'b', 'Role', 'r', `[${user('jane')}, { kind: ServiceAccount, name: default }]`),
      findings: [{ field: 'subjects[1]', message: /^ServiceAccount shop\/default/ }],
    },
  ],
});
