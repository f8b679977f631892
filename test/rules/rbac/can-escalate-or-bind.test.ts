import rule from '../../../src/rules/rbac/can-escalate-or-bind.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { clusterRole, clusterRoleBinding, group, role, roleBinding, user } from './fixtures.js';

ruleTester(rule, {
  valid: [
    { name: 'create rolebindings only', input: role('app', 'r', '[{ apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [create] }]') + roleBinding('app', 'b', 'Role', 'r', `[${user('jane')}]`) },
    {
      name: 'bind restricted by resourceNames to the roles a controller hands out',
      input: clusterRole('r', '[{ apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind], resourceNames: [view, app-reader] }]') + clusterRoleBinding('b', 'r', `[${user('jane')}]`),
    },
    { name: 'escalate on clusterroles through a RoleBinding grants nothing', input: role('app', 'r', '[{ apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate] }]') + roleBinding('app', 'b', 'Role', 'r', `[${user('jane')}]`) },
  ],
  invalid: [
    {
      name: 'bind on roles cluster-wide, per subject',
      input: clusterRole('test', '[{ apiGroups: [rbac.authorization.k8s.io], resources: [pods, roles], verbs: [bind, list] }]') + clusterRoleBinding('b', 'test', `[${group('manager')}, ${group('dev')}]`),
      findings: [{ field: 'subjects[0]', severity: 'critical', message: /^Group manager can bind roles\.rbac\.authorization\.k8s\.io cluster-wide/ }, { field: 'subjects[1]' }],
    },
    {
      name: 'bind on clusterroles through a RoleBinding works in its namespace',
      input: role('default', 'test', '[{ apiGroups: ["*"], resources: [clusterroles], verbs: ["*", escalate] }]') + roleBinding('default', 'pod', 'Role', 'test', `[${user('jane')}]`),
      // What it can bind lands in that namespace: its admin, not cluster-admin.
      findings: [{ field: 'subjects[0]', severity: 'high', message: /^User jane can bind clusterroles\.rbac\.authorization\.k8s\.io in namespace default/ }],
    },
    {
      name: 'bind restricted by resourceNames to cluster-admin is cluster-admin',
      input: clusterRole('r', '[{ apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind], resourceNames: [view, cluster-admin] }]') + clusterRoleBinding('b', 'r', `[${user('jane')}]`),
      findings: [{ field: 'subjects[0]', severity: 'critical', message: /^User jane can bind clusterroles\.rbac\.authorization\.k8s\.io cluster-admin cluster-wide/, verify: 'kubectl auth can-i bind clusterroles.rbac.authorization.k8s.io/cluster-admin --as=jane --all-namespaces' }],
    },
    {
      name: 'bind restricted to edit through a RoleBinding',
      input: role('app', 'r', '[{ apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind], resourceNames: [edit] }]') + roleBinding('app', 'b', 'Role', 'r', `[${user('jane')}]`),
      findings: [{ field: 'subjects[0]', severity: 'high', message: /can bind clusterroles\.rbac\.authorization\.k8s\.io edit in namespace app/ }],
    },
    {
      name: 'bind on every clusterrole is reported once, not again for each named one',
      input: clusterRole('r', '[{ apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind] }]') + clusterRoleBinding('b', 'r', `[${user('jane')}]`),
      findings: [{ field: 'subjects[0]', message: /^User jane can bind clusterroles\.rbac\.authorization\.k8s\.io cluster-wide/ }],
    },
  ],
});
