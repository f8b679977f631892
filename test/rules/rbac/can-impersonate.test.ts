import rule from '../../../src/rules/rbac/can-impersonate.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { clusterRole, clusterRoleBinding, group, role, roleBinding, sa, user } from './fixtures.js';

ruleTester(rule, {
  valid: [
    { name: 'users through a RoleBinding grants nothing (cluster-scoped)', input: role('app', 'r', '[{ apiGroups: [""], resources: [users], verbs: [impersonate] }]') + roleBinding('app', 'b', 'Role', 'r', `[${user('jane')}]`) },
    {
      name: 'impersonation restricted by resourceNames to the identities a proxy fronts',
      input: clusterRole('r', '[{ apiGroups: [""], resources: [users, groups], verbs: [impersonate], resourceNames: [alice, team-a] }]') + clusterRoleBinding('b', 'r', `[${user('oauth-proxy')}]`),
    },
    {
      name: 'UIDs and extra fields alone: the API server refuses them without a user',
      input: clusterRole('r', '[{ apiGroups: [authentication.k8s.io], resources: [userextras/scopes, uids], verbs: [impersonate] }]') + clusterRoleBinding('b', 'r', `[${sa('auth', 'proxy')}]`),
    },
    { name: 'groups alone: refused without a user', input: clusterRole('r', '[{ apiGroups: [""], resources: [groups], verbs: [impersonate] }]') + clusterRoleBinding('b', 'r', `[${user('jane')}]`) },
    { name: 'system:masters is exempt', input: clusterRole('r', '[{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]') + clusterRoleBinding('b', 'r', `[${group('system:masters')}]`) },
  ],
  invalid: [
    {
      name: 'any service account and the group system:masters by name is cluster-admin',
      input: clusterRole('imp-sa', '[{ apiGroups: [""], resources: [serviceaccounts], verbs: [impersonate] }, { apiGroups: [""], resources: [groups], verbs: [impersonate], resourceNames: [system:masters] }]') + clusterRoleBinding('imp-sa2', 'imp-sa', `[${user('sa-imp2')}]`),
      findings: [{ field: 'subjects[0]', severity: 'critical', message: /^User sa-imp2 can impersonate serviceaccounts, impersonate groups system:masters cluster-wide/ }],
    },
    {
      name: 'groups through one binding, a user to impersonate through another',
      input:
        clusterRole('groups', '[{ apiGroups: [""], resources: [groups], verbs: [impersonate] }]') +
        clusterRoleBinding('groups', 'groups', `[${user('jane')}]`) +
        clusterRole('alice', '[{ apiGroups: [""], resources: [users], verbs: [impersonate], resourceNames: [alice] }]') +
        clusterRoleBinding('alice', 'alice', `[${user('jane')}]`),
      findings: [{ resource: 'ClusterRoleBinding/groups', field: 'subjects[0]', severity: 'critical', message: /^User jane can impersonate groups cluster-wide/ }],
    },
    {
      name: 'verb * on users cluster-wide',
      input: clusterRole('test', '[{ apiGroups: ["*"], resources: [pods/log, users], verbs: ["*"] }]') + clusterRoleBinding('b', 'test', `[${group('manager')}, ${group('dev')}]`),
      findings: [{ field: 'subjects[0]', severity: 'critical', message: /^Group manager can impersonate users cluster-wide/ }, { field: 'subjects[1]' }],
    },
    {
      name: 'service accounts in a namespace',
      input: role('kube-system', 'r', '[{ apiGroups: [""], resources: [serviceaccounts], verbs: [impersonate] }]') + roleBinding('kube-system', 'b', 'Role', 'r', `[${user('jane')}]`),
      // Worth what minting their tokens is: high, not critical.
      findings: [{ field: 'subjects[0]', severity: 'high', message: /impersonate serviceaccounts in namespace kube-system/ }],
    },
    {
      name: 'impersonating system:masters, even restricted to it, is cluster-admin',
      input: clusterRole('r', '[{ apiGroups: [""], resources: [users], verbs: [impersonate], resourceNames: [alice] }, { apiGroups: [""], resources: [groups], verbs: [impersonate], resourceNames: [system:masters] }]') + clusterRoleBinding('b', 'r', `[${user('oauth-proxy')}]`),
      findings: [{ field: 'subjects[0]', severity: 'critical', message: /^User oauth-proxy can impersonate groups system:masters cluster-wide/ }],
    },
  ],
});
