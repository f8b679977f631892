import rule from '../../../src/rules/rbac/can-read-secrets.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { clusterRole, clusterRoleBinding, group, role, roleBinding, sa, user } from './fixtures.js';
import { assignment, CLUSTER_ID, cluster, ROLES } from '../../analyses/rbac/azure-fixtures.js';

const DEVS = '00000000-0000-0000-0000-0000000a0031';

const reader = clusterRole('secret-reader', '[{ apiGroups: [""], resources: [secrets], verbs: [get, list] }]');

ruleTester(rule, {
  valid: [
    { name: 'configmaps only', input: clusterRole('cm', '[{ apiGroups: [""], resources: [configmaps], verbs: [get] }]') + clusterRoleBinding('b', 'cm', `[${user('jane')}]`) },
    { name: 'secrets under another API group grant nothing on core secrets', input: clusterRole('x', '[{ apiGroups: [apps], resources: [secrets], verbs: [get] }]') + clusterRoleBinding('b', 'x', `[${user('jane')}]`) },
    // The default system:kube-controller-manager role reads Secrets.
    { name: 'a control-plane identity through its bootstrap binding', input: clusterRoleBinding('system:kube-controller-manager', 'system:kube-controller-manager', `[${user('system:kube-controller-manager')}]`, 'kubernetes.io/bootstrapping: rbac-defaults') },
    { name: 'the same binding without the label', input: clusterRoleBinding('system:kube-controller-manager', 'system:kube-controller-manager', `[${user('system:kube-controller-manager')}]`) },
    { name: 'an Azure RBAC Reader assignment reads no Secrets', input: cluster() + assignment({ role: ROLES.reader, scope: CLUSTER_ID, principalId: DEVS, principalType: 'Group' }) },
    { name: 'an Azure role assignment on a cluster without Azure RBAC', input: cluster({ azureRbac: false }) + assignment({ role: ROLES.writer, scope: CLUSTER_ID, principalId: DEVS, principalType: 'Group' }) },
    { name: 'create only', input: clusterRole('w', '[{ apiGroups: [""], resources: [secrets], verbs: [create] }]') + clusterRoleBinding('b', 'w', `[${user('jane')}]`) },
  ],
  invalid: [
    {
      name: 'an Azure RBAC Writer assignment, reported on the assignment',
      input: cluster() + assignment({ role: ROLES.writer, scope: CLUSTER_ID, principalId: DEVS, principalType: 'Group', principalName: 'Devs', name: 'eeeeeeee-0000-0000-0000-000000000001' }),
      findings: [
        {
          resource: 'Microsoft.Authorization/roleAssignments/eeeeeeee-0000-0000-0000-000000000001',
          field: 'roleDefinitionId',
          message: `Group ${DEVS} (Devs) can get secrets, list secrets, watch secrets cluster-wide through Azure role Azure Kubernetes Service RBAC Writer (role assignment eeeeeeee-0000-0000-0000-000000000001 at cluster aks1)`,
          verify: `az role assignment list --all --query "[?name=='eeeeeeee-0000-0000-0000-000000000001']" -o table`,
        },
      ],
    },
    {
      name: 'an Azure role assignment at a namespace grants there',
      input: cluster() + assignment({ role: ROLES.writer, scope: `${CLUSTER_ID}/namespaces/shop`, principalId: DEVS, principalType: 'Group' }),
      findings: [{ field: 'roleDefinitionId', message: /^Group [0-]+a0031 can get secrets, list secrets, watch secrets in namespace shop through Azure role Azure Kubernetes Service RBAC Writer \(role assignment \S+ at namespace shop of cluster aks1\)$/ }],
    },
    {
      name: 'cluster-wide, one finding per subject',
      input: reader + clusterRoleBinding('readers', 'secret-reader', `[${group('dev')}, ${user('jane')}]`),
      findings: [
        { field: 'subjects[0]', message: 'Group dev can get secrets, list secrets cluster-wide through ClusterRole secret-reader (ClusterRoleBinding readers)' },
        { field: 'subjects[1]' },
      ],
    },
    {
      name: 'watch alone streams secrets, in one namespace',
      input: role('kube-system', 'w', '[{ apiGroups: ["*"], resources: [secrets], verbs: [watch] }]') + roleBinding('kube-system', 'rb', 'Role', 'w', `[${user('jane')}]`),
      findings: [{ field: 'subjects[0]', message: /watch secrets in namespace kube-system/ }],
    },
    {
      name: 'through an aggregated ClusterRole',
      input:
        clusterRole('agg', '[]', 'aggregationRule: { clusterRoleSelectors: [{ matchLabels: { team: a } }] }') +
        clusterRole('part', '[{ apiGroups: [""], resources: ["*"], verbs: [list] }]').replace('name: part }', 'name: part, labels: { team: a } }') +
        clusterRoleBinding('b', 'agg', `[${user('jane')}]`),
      findings: [{ field: 'subjects[0]', message: /list secrets cluster-wide/ }],
    },
    {
      name: 'a binding someone adds for a system: group is reported',
      input: reader + clusterRoleBinding('nodes-secrets', 'secret-reader', `[${group('system:nodes')}, ${user('system:kube-proxy')}]`),
      findings: [{ field: 'subjects[0]', message: /^Group system:nodes can get secrets/ }, { field: 'subjects[1]', message: /^User system:kube-proxy can get secrets/ }],
    },
    {
      name: 'a control-plane identity through a labelled binding the bootstrap policy does not make',
      input: reader + clusterRoleBinding('b', 'secret-reader', `[${user('system:kube-controller-manager')}, ${sa('kube-system', 'helpdesk')}]`, 'kubernetes.io/bootstrapping: rbac-defaults'),
      findings: [{ field: 'subjects[0]', message: /^User system:kube-controller-manager can get secrets/ }, { field: 'subjects[1]', message: /^ServiceAccount kube-system\/helpdesk can get secrets/ }],
    },
    {
      name: 'a default control-plane role the input does not define, bound to a workload',
      input: clusterRoleBinding('ci-node', 'system:node', `[${sa('ci', 'ci')}]`),
      findings: [{ field: 'subjects[0]', message: 'ServiceAccount ci/ci can get secrets, list secrets, watch secrets cluster-wide through ClusterRole system:node (ClusterRoleBinding ci-node)' }],
    },
    {
      name: 'system:authenticated is not exempt',
      input: reader + clusterRoleBinding('b', 'secret-reader', `[${group('system:authenticated')}]`),
      findings: [{ field: 'subjects[0]' }],
    },
  ],
});
