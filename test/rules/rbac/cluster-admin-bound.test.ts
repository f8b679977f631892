import rule from '../../../src/rules/rbac/cluster-admin-bound.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { clusterRole, clusterRoleBinding, group, roleBinding, sa, user } from './fixtures.js';
import { assignment, CLUSTER_ID, cluster, RG, ROLES } from '../../analyses/rbac/azure-fixtures.js';

const TEAM = '11111111-1111-1111-1111-111111111111';
const OPS = { principalId: '22222222-2222-2222-2222-222222222222', principalType: 'User' as const, principalName: 'ops@contoso.com' };

ruleTester(rule, {
  valid: [
    { name: 'Azure RBAC Admin is not every right', input: cluster() + assignment({ role: ROLES.admin, scope: CLUSTER_ID, principalId: TEAM, principalType: 'Group' }) },
    { name: 'Azure RBAC Cluster Admin on one namespace', input: cluster() + assignment({ role: ROLES.clusterAdmin, scope: `${CLUSTER_ID}/namespaces/shop`, principalId: TEAM, principalType: 'Group' }) },
    { name: 'Contributor while local accounts are disabled', input: cluster({ localAccounts: false }) + assignment({ role: ROLES.contributor, scope: RG, ...OPS }) },
    { name: 'system:masters', input: clusterRoleBinding('b', 'cluster-admin', `[${group('system:masters')}]`) },
    {
      name: 'the bootstrap policy, labelled or not',
      input:
        clusterRole('system:node-proxier', '[{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]') +
        clusterRole('system:kube-scheduler', '[{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]') +
        clusterRoleBinding('system:node-proxier', 'system:node-proxier', `[${user('system:kube-proxy')}]`) +
        clusterRoleBinding('system:kube-scheduler', 'system:kube-scheduler', `[${user('system:kube-scheduler')}]`, 'kubernetes.io/bootstrapping: rbac-defaults'),
    },
    { name: 'a RoleBinding to cluster-admin is namespace admin', input: clusterRole('cluster-admin', '[{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]') + roleBinding('app', 'b', 'ClusterRole', 'cluster-admin', `[${user('jane')}]`) },
    { name: 'core group only', input: clusterRole('r', '[{ apiGroups: [""], resources: ["*"], verbs: ["*"] }]') + clusterRoleBinding('b', 'r', `[${user('jane')}]`) },
  ],
  invalid: [
    {
      name: 'Azure RBAC Cluster Admin on the cluster',
      input: cluster() + assignment({ role: ROLES.clusterAdmin, scope: CLUSTER_ID, principalId: TEAM, principalType: 'Group', principalName: 'Platform team', name: 'dddddddd-0000-0000-0000-000000000001' }),
      findings: [
        {
          resource: 'Microsoft.Authorization/roleAssignments/dddddddd-0000-0000-0000-000000000001',
          field: 'roleDefinitionId',
          severity: 'critical',
          message: `Group ${TEAM} (Platform team) is cluster-admin through Azure RBAC for Kubernetes authorization: Azure role Azure Kubernetes Service RBAC Cluster Admin at cluster aks1 (role assignment dddddddd-0000-0000-0000-000000000001)`,
          verify: `az role assignment list --all --query "[?name=='dddddddd-0000-0000-0000-000000000001']" -o table`,
        },
      ],
    },
    {
      name: 'Contributor on the resource group while local accounts are enabled',
      input: cluster({ localAccounts: true }) + assignment({ role: ROLES.contributor, scope: RG, ...OPS, name: 'dddddddd-0000-0000-0000-000000000002' }),
      findings: [{ field: 'roleDefinitionId', message: `User ops@contoso.com can download the local cluster-admin credential: Azure role Contributor at resource group rg-aks (role assignment dddddddd-0000-0000-0000-000000000002)` }],
    },
    {
      name: 'built-in cluster-admin not in the manifests',
      input: clusterRoleBinding('admins', 'cluster-admin', `[${group('ops')}]`),
      findings: [{ field: 'subjects[0]', severity: 'critical', message: 'Group ops is cluster-admin through ClusterRole cluster-admin (ClusterRoleBinding admins)' }],
    },
    {
      name: 'an equivalent role under another name',
      input: clusterRole('test', '[{ apiGroups: ["*"], resources: ["*", secrets], verbs: [get, "*"] }]') + clusterRoleBinding('b', 'test', `[${group('manager')}, ${user('system:kube-scheduler')}, ${sa('ci', 'deploy')}]`),
      findings: [{ field: 'subjects[0]', message: /^Group manager can \* \*\.\* cluster-wide/ }, { field: 'subjects[1]', message: /^User system:kube-scheduler / }, { field: 'subjects[2]' }],
    },
    {
      name: 'the bootstrap label on a binding the bootstrap policy does not make',
      input: clusterRoleBinding('helpdesk-tools', 'cluster-admin', `[${sa('kube-system', 'helpdesk')}, ${user('system:helpdesk')}, ${group('system:nodes')}]`, 'kubernetes.io/bootstrapping: rbac-defaults'),
      findings: [
        { field: 'subjects[0]', severity: 'critical', message: 'ServiceAccount kube-system/helpdesk is cluster-admin through ClusterRole cluster-admin (ClusterRoleBinding helpdesk-tools)' },
        { field: 'subjects[1]', message: /^User system:helpdesk is cluster-admin/ },
        { field: 'subjects[2]', message: /^Group system:nodes is cluster-admin/ },
      ],
    },
    {
      name: 'a bootstrap binding\'s name, labelled, bound to another role or with another subject',
      input:
        clusterRoleBinding('system:kube-scheduler', 'cluster-admin', `[${user('system:kube-scheduler')}]`, 'kubernetes.io/bootstrapping: rbac-defaults') +
        clusterRoleBinding('system:controller:job-controller', 'cluster-admin', `[${sa('kube-system', 'job-controller')}]`, 'kubernetes.io/bootstrapping: rbac-defaults') +
        clusterRoleBinding('cluster-admin', 'cluster-admin', `[${group('system:masters')}, ${sa('kube-system', 'helpdesk')}]`, 'kubernetes.io/bootstrapping: rbac-defaults'),
      findings: [
        { resource: 'ClusterRoleBinding/system:kube-scheduler', field: 'subjects[0]', message: /^User system:kube-scheduler is cluster-admin/ },
        { resource: 'ClusterRoleBinding/system:controller:job-controller', field: 'subjects[0]', message: /^ServiceAccount kube-system\/job-controller is cluster-admin/ },
        { resource: 'ClusterRoleBinding/cluster-admin', field: 'subjects[1]', message: /^ServiceAccount kube-system\/helpdesk is cluster-admin/ },
      ],
    },
    {
      name: 'cluster-admin bound to node, bootstrap and proxy identities',
      input: clusterRoleBinding('nodes-admin', 'cluster-admin', `[${group('system:nodes')}, ${group('system:bootstrappers')}, ${user('system:kube-proxy')}]`),
      findings: [
        { field: 'subjects[0]', message: 'Group system:nodes is cluster-admin through ClusterRole cluster-admin (ClusterRoleBinding nodes-admin)' },
        { field: 'subjects[1]', message: /^Group system:bootstrappers / },
        { field: 'subjects[2]', message: /^User system:kube-proxy / },
      ],
    },
  ],
});
