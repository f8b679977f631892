import rule from '../../../src/rules/rbac/escalation-path.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { clusterRole, clusterRoleBinding, group, role, roleBinding, sa, user } from './fixtures.js';
import { assignment, CLUSTER_ID, cluster, federatedServiceAccount, identity, ROLES } from '../../analyses/rbac/azure-fixtures.js';

const APP = '33333333-3333-3333-3333-333333333333';
const CLIENT = '44444444-4444-4444-4444-444444444444';
const TEAM = '11111111-1111-1111-1111-111111111111';
const ADMIN_IDENTITY = federatedServiceAccount('ci', 'deployer', CLIENT) + identity('id-deployer', CLIENT, APP) + assignment({ role: ROLES.clusterAdmin, scope: CLUSTER_ID, principalId: APP, principalType: 'ServicePrincipal', name: 'cccccccc-0000-0000-0000-000000000001' });

const RBAC = 'rbac.authorization.k8s.io';
const CLUSTER_ADMIN = clusterRole('cluster-admin', '[{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]');
const serviceAccount = (ns: string, name: string) => `\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: { name: ${name}, namespace: ${ns} }\n`;
const PODS = '[{ apiGroups: [""], resources: [pods], verbs: [create] }]';
const DEPLOYER =
  serviceAccount('shop', 'deployer') +
  clusterRole('binder', `[{ apiGroups: [${RBAC}], resources: [clusterroles], verbs: [bind] }, { apiGroups: [${RBAC}], resources: [clusterrolebindings], verbs: [create] }]`) +
  clusterRoleBinding('deployer-binder', 'binder', `[${sa('shop', 'deployer')}]`);

ruleTester(rule, {
  valid: [
    { name: 'pod creation in a namespace without powerful service accounts', input: serviceAccount('shop', 'web') + role('shop', 'pods', PODS) + roleBinding('shop', 'ci', 'Role', 'pods', `[${sa('shop', 'ci')}]`) },
    { name: 'cluster-admin itself is another rule', input: CLUSTER_ADMIN + clusterRoleBinding('root', 'cluster-admin', `[${user('root')}]`) },
    {
      name: 'the bootstrap policy\'s control-plane subjects are skipped',
      input:
        CLUSTER_ADMIN +
        clusterRoleBinding('root', 'cluster-admin', `[${user('root')}]`) +
        clusterRole('system:kube-controller-manager', '[{ apiGroups: [""], resources: [users], verbs: [impersonate] }]') +
        clusterRoleBinding('system:kube-controller-manager', 'system:kube-controller-manager', `[${user('system:kube-controller-manager')}]`, 'kubernetes.io/bootstrapping: rbac-defaults'),
    },
    { name: 'a federated identity whose Azure role is a namespace Reader', input: cluster() + federatedServiceAccount('ci', 'deployer', CLIENT) + identity('id-deployer', CLIENT, APP) + assignment({ role: ROLES.reader, scope: CLUSTER_ID, principalId: APP, principalType: 'ServicePrincipal' }) },
    { name: 'an Azure RBAC Cluster Admin identity on a cluster without Azure RBAC', input: cluster({ azureRbac: false }) + ADMIN_IDENTITY },
  ],
  invalid: [
    {
      name: 'a control-plane user through a labelled binding the bootstrap policy does not make',
      input: CLUSTER_ADMIN + clusterRoleBinding('root', 'cluster-admin', `[${user('root')}]`) + clusterRole('imp', '[{ apiGroups: [""], resources: [users], verbs: [impersonate] }]') + clusterRoleBinding('ctl', 'imp', `[${user('system:kube-controller-manager')}]`, 'kubernetes.io/bootstrapping: rbac-defaults'),
      findings: [{ resource: 'ClusterRoleBinding/ctl', field: 'subjects[0]', message: /^User system:kube-controller-manager can become cluster-admin in 2 steps: impersonate users root cluster-wide → User root/ }],
    },
    {
      name: 'a binding someone adds for a system: user is reported',
      input: CLUSTER_ADMIN + clusterRoleBinding('root', 'cluster-admin', `[${user('root')}]`) + clusterRole('imp', '[{ apiGroups: [""], resources: [users], verbs: [impersonate] }]') + clusterRoleBinding('ctl', 'imp', `[${user('system:kube-proxy')}]`),
      findings: [{ resource: 'ClusterRoleBinding/ctl', field: 'subjects[0]', message: /^User system:kube-proxy can become cluster-admin in 2 steps: impersonate users root cluster-wide → User root/ }],
    },
    {
      name: 'an Azure role assignment lets a group run pods as a service account federated with an RBAC Cluster Admin identity',
      input: cluster() + ADMIN_IDENTITY + assignment({ role: ROLES.writer, scope: `${CLUSTER_ID}/namespaces/ci`, principalId: TEAM, principalType: 'Group', name: 'cccccccc-0000-0000-0000-000000000002' }),
      findings: [
        { resource: 'Microsoft.Authorization/roleAssignments/cccccccc-0000-0000-0000-000000000002', field: 'principalId', message: new RegExp(`^Group ${TEAM} can become cluster-admin in 3 steps: create pods in ci \\(Azure role Azure Kubernetes Service RBAC Writer\\) → a workload identity token of ServiceAccount ci/deployer → `), verify: `az role assignment list --all --query "[?name=='cccccccc-0000-0000-0000-000000000002']" -o table` },
      ],
    },
    {
      name: 'pod creation leads to a service account that can bind cluster-admin',
      input: DEPLOYER + role('shop', 'pods', PODS) + roleBinding('shop', 'ci-pods', 'Role', 'pods', `[${user('jane')}, ${sa('shop', 'ci')}]`),
      findings: [
        { resource: 'ClusterRoleBinding/deployer-binder', field: 'subjects[0]', severity: 'critical', message: 'ServiceAccount shop/deployer can become cluster-admin in 1 step: bind clusterroles cluster-admin cluster-wide → cluster-admin' },
        { resource: 'RoleBinding/ci-pods', field: 'subjects[0]', message: 'User jane can become cluster-admin in 2 steps: create pods in shop → ServiceAccount shop/deployer → bind clusterroles cluster-admin cluster-wide → cluster-admin' },
        { resource: 'RoleBinding/ci-pods', field: 'subjects[1]', message: /^ServiceAccount shop\/ci can become cluster-admin in 2 steps: create pods in shop → / },
      ],
    },
    {
      name: 'token creation → service account → impersonation of an admin user',
      input:
        CLUSTER_ADMIN +
        clusterRoleBinding('root', 'cluster-admin', `[${user('root')}]`) +
        role('ops', 'tokens', '[{ apiGroups: [""], resources: [serviceaccounts/token], resourceNames: [robot], verbs: [create] }]') +
        roleBinding('ops', 'dev-tokens', 'Role', 'tokens', `[${group('devs')}]`) +
        clusterRole('imp', '[{ apiGroups: [""], resources: [users], resourceNames: [root], verbs: [impersonate] }]') +
        clusterRoleBinding('robot-imp', 'imp', `[${sa('ops', 'robot')}]`),
      findings: [
        { resource: 'RoleBinding/dev-tokens', field: 'subjects[0]', message: /^Group devs can become cluster-admin in 3 steps: create serviceaccounts\/token robot in ops → ServiceAccount ops\/robot → impersonate users root/ },
        {
          resource: 'ClusterRoleBinding/robot-imp',
          field: 'subjects[0]',
          message: /^ServiceAccount ops\/robot can become cluster-admin in 2 steps: impersonate users root cluster-wide → User root → /,
          // The grant is restricted by resourceNames: without the name kubectl would answer no.
          verify: "kubectl auth can-i impersonate users/root --as=system:serviceaccount:ops:robot --all-namespaces",
        },
      ],
    },
    {
      name: 'a grant to system:authenticated is reported once, on the group',
      input: CLUSTER_ADMIN + serviceAccount('kube-system', 'boss') + clusterRoleBinding('boss', 'cluster-admin', `[${sa('kube-system', 'boss')}]`) + clusterRole('pods', PODS) + clusterRoleBinding('everyone', 'pods', `[${group('system:authenticated')}]`) + roleBinding('shop', 'view', 'Role', 'none', `[${user('jane')}]`) + role('shop', 'none', '[]'),
      findings: [{ resource: 'ClusterRoleBinding/everyone', field: 'subjects[0]', message: /^Group system:authenticated can become cluster-admin in 2 steps: create pods in kube-system → ServiceAccount kube-system\/boss/ }],
    },
  ],
});
