import rule from '../../../src/rules/rbac/can-update-coredns-configmap.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { clusterRole, clusterRoleBinding, group, role, roleBinding, sa, user } from './fixtures.js';

ruleTester(rule, {
  valid: [
    { name: 'another namespace', input: role('app', 'r', '[{ apiGroups: [""], resources: [configmaps], verbs: [update] }]') + roleBinding('app', 'b', 'Role', 'r', `[${user('jane')}]`) },
    { name: 'restricted to other ConfigMaps by name', input: role('kube-system', 'r', '[{ apiGroups: [""], resources: [configmaps], verbs: [update, patch], resourceNames: [cluster-autoscaler-status] }]') + roleBinding('kube-system', 'b', 'Role', 'r', `[${user('jane')}]`) },
    { name: 'a misspelt resource matches nothing', input: role('kube-system', 'r', '[{ apiGroups: [""], resources: [configmap], verbs: [update] }]') + roleBinding('kube-system', 'b', 'Role', 'r', `[${user('jane')}]`) },
  ],
  invalid: [
    {
      // Exactly the attack the rule is about: rewriting AKS's coredns-custom, with a grant limited to it.
      name: 'restricted by name to coredns-custom',
      input: role('kube-system', 'coredns-edit', '[{ apiGroups: [""], resources: [configmaps], verbs: [update, patch], resourceNames: [coredns-custom] }]') + roleBinding('kube-system', 'b', 'Role', 'coredns-edit', `[${group('dns-admins')}]`),
      findings: [
        {
          field: 'subjects[0]',
          message: 'Group dns-admins can update configmaps coredns-custom, patch configmaps coredns-custom in namespace kube-system through Role coredns-edit (RoleBinding kube-system/b)',
          verify: "kubectl auth can-i update configmaps/coredns-custom --as=palisade-probe --as-group=dns-admins -n kube-system",
        },
      ],
    },
    {
      name: 'update on * in kube-system',
      input: role('kube-system', 'test', '[{ apiGroups: [""], resources: [configmap, "*"], verbs: [list, update] }]') + roleBinding('kube-system', 'pod', 'Role', 'test', `[${user('jane')}]`),
      findings: [{ field: 'subjects[0]', severity: 'high', message: /^User jane can update configmaps in namespace kube-system/ }],
    },
    {
      name: 'cluster-wide patch',
      input: clusterRole('r', '[{ apiGroups: [""], resources: [configmaps], verbs: [patch] }]') + clusterRoleBinding('b', 'r', `[${sa('gitops', 'flux')}]`),
      // Checked where it matters: a cluster-wide grant reaches the ConfigMaps of kube-system.
      findings: [{ field: 'subjects[0]', message: /patch configmaps cluster-wide/, verify: "kubectl auth can-i patch configmaps --as=system:serviceaccount:gitops:flux -n kube-system" }],
    },
  ],
});
