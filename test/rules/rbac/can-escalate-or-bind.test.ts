import rule from '../../../src/rules/rbac/can-escalate-or-bind.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { clusterRole, clusterRoleBinding, group, role, roleBinding, sa, user } from './fixtures.js';

const RBAC = 'rbac.authorization.k8s.io';

ruleTester(rule, {
  valid: [
    { name: 'create rolebindings only', input: role('app', 'r', '[{ apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [create] }]') + roleBinding('app', 'b', 'Role', 'r', `[${user('jane')}]`) },
    {
      name: 'bind restricted by resourceNames to the roles a controller hands out',
      input: clusterRole('r', '[{ apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind], resourceNames: [view, app-reader] }]') + clusterRoleBinding('b', 'r', `[${user('jane')}]`),
    },
    { name: 'escalate on clusterroles through a RoleBinding grants nothing', input: role('app', 'r', '[{ apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate] }]') + roleBinding('app', 'b', 'Role', 'r', `[${user('jane')}]`) },
    {
      name: 'bind limited to a role of the input that only reads',
      input: clusterRole('reader', '[{ apiGroups: [""], resources: [configmaps, pods], verbs: [get, list] }]') + clusterRole('r', `[{ apiGroups: [${RBAC}], resources: [clusterroles], verbs: [bind], resourceNames: [reader] }]`) + clusterRoleBinding('b', 'r', `[${user('jane')}]`),
    },
    {
      name: 'escalate limited to a Role, with patch on it held by another service account as a User',
      input:
        role('app', 'esc', `[{ apiGroups: [${RBAC}], resources: [roles], resourceNames: [team], verbs: [escalate] }]`) +
        roleBinding('app', 'b', 'Role', 'esc', `[${sa('app', 'ci')}]`) +
        role('app', 'patcher', `[{ apiGroups: [${RBAC}], resources: [roles], resourceNames: [team], verbs: [patch] }]`) +
        roleBinding('app', 'p', 'Role', 'patcher', `[${user('system:serviceaccount:app:deployer')}]`),
    },
    {
      name: 'escalate limited to a role it cannot write changes nothing',
      input: clusterRole('self-managing', `[{ apiGroups: [${RBAC}], resources: [clusterroles], resourceNames: [self-managing], verbs: [get, escalate] }]`) + clusterRoleBinding('b', 'self-managing', `[${sa('ops', 'operator')}]`),
    },
  ],
  invalid: [
    {
      name: 'bind limited to a role of the input that holds everything',
      input:
        clusterRole('platform-superuser', '[{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]') +
        clusterRole('onboarding', `[{ apiGroups: [${RBAC}], resources: [clusterroles], resourceNames: [platform-superuser, view], verbs: [bind] }, { apiGroups: [${RBAC}], resources: [clusterrolebindings, rolebindings], verbs: [create] }]`) +
        clusterRoleBinding('onboarding', 'onboarding', `[${sa('platform', 'onboarder')}]`),
      findings: [
        {
          field: 'subjects[0]',
          severity: 'critical',
          message: 'ServiceAccount platform/onboarder can bind clusterroles.rbac.authorization.k8s.io platform-superuser cluster-wide through ClusterRole onboarding (ClusterRoleBinding onboarding)',
          verify: "kubectl auth can-i bind clusterroles.rbac.authorization.k8s.io/platform-superuser --as=system:serviceaccount:platform:onboarder --all-namespaces",
        },
      ],
    },
    {
      name: 'bind limited to roles that read Secrets or run pods, through a RoleBinding',
      input:
        clusterRole('secret-reader', '[{ apiGroups: [""], resources: [secrets], verbs: [list] }]') +
        role('app', 'r', `[{ apiGroups: [${RBAC}], resources: [clusterroles], verbs: [bind], resourceNames: [secret-reader, system:aggregate-to-edit, view] }]`) +
        roleBinding('app', 'b', 'Role', 'r', `[${user('jane')}]`),
      findings: [{ field: 'subjects[0]', severity: 'high', message: /^User jane can bind clusterroles\.rbac\.authorization\.k8s\.io secret-reader, bind clusterroles\.rbac\.authorization\.k8s\.io system:aggregate-to-edit in namespace app/ }],
    },
    {
      name: 'escalate limited to the ClusterRole it may also update',
      input: clusterRole('self-managing', `[{ apiGroups: [${RBAC}], resources: [clusterroles], resourceNames: [self-managing], verbs: [get, update, patch, escalate] }]`) + clusterRoleBinding('b', 'self-managing', `[${sa('ops', 'operator')}]`),
      findings: [{ field: 'subjects[0]', severity: 'critical', message: 'ServiceAccount ops/operator can escalate clusterroles.rbac.authorization.k8s.io self-managing cluster-wide through ClusterRole self-managing (ClusterRoleBinding b)' }],
    },
    {
      name: 'escalate limited to a Role, with patch on it from another binding of the same group',
      input:
        role('app', 'esc', `[{ apiGroups: [${RBAC}], resources: [roles], resourceNames: [team], verbs: [escalate] }]`) +
        roleBinding('app', 'b', 'Role', 'esc', `[${sa('app', 'ci')}]`) +
        role('app', 'patcher', `[{ apiGroups: [${RBAC}], resources: [roles], resourceNames: [team], verbs: [patch] }]`) +
        roleBinding('app', 'p', 'Role', 'patcher', `[${group('system:serviceaccounts:app')}]`),
      findings: [{ resource: 'RoleBinding/b', field: 'subjects[0]', severity: 'high', message: /^ServiceAccount app\/ci can escalate roles\.rbac\.authorization\.k8s\.io team in namespace app/ }],
    },
    {
      name: 'escalate limited to a Role, with patch on it bound to the service account as a User',
      input:
        role('app', 'esc', `[{ apiGroups: [${RBAC}], resources: [roles], resourceNames: [team], verbs: [escalate] }]`) +
        roleBinding('app', 'b', 'Role', 'esc', `[${sa('app', 'ci')}]`) +
        role('app', 'patcher', `[{ apiGroups: [${RBAC}], resources: [roles], resourceNames: [team], verbs: [patch] }]`) +
        roleBinding('app', 'p', 'Role', 'patcher', `[${user('system:serviceaccount:app:ci')}]`),
      findings: [{ resource: 'RoleBinding/b', field: 'subjects[0]', severity: 'high', message: /^ServiceAccount app\/ci can escalate roles\.rbac\.authorization\.k8s\.io team in namespace app/ }],
    },
    {
      name: 'escalate limited to a Role, held by a service account named as a User, with patch bound to the ServiceAccount',
      input:
        role('app', 'esc', `[{ apiGroups: [${RBAC}], resources: [roles], resourceNames: [team], verbs: [escalate] }]`) +
        roleBinding('app', 'b', 'Role', 'esc', `[${user('system:serviceaccount:app:ci')}]`) +
        role('app', 'patcher', `[{ apiGroups: [${RBAC}], resources: [roles], resourceNames: [team], verbs: [patch] }]`) +
        roleBinding('app', 'p', 'Role', 'patcher', `[${sa('app', 'ci')}]`),
      findings: [{ resource: 'RoleBinding/b', field: 'subjects[0]', severity: 'high', message: /^User system:serviceaccount:app:ci can escalate roles\.rbac\.authorization\.k8s\.io team in namespace app/ }],
    },
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
