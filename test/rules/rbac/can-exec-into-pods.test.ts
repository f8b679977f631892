import rule from '../../../src/rules/rbac/can-exec-into-pods.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { clusterRole, role, roleBinding, sa, user } from './fixtures.js';

ruleTester(rule, {
  valid: [
    { name: 'pods/* is a literal name to the authorizer', input: clusterRole('r', '[{ apiGroups: [""], resources: ["pods/*"], verbs: [create] }]') + roleBinding('default', 'b', 'ClusterRole', 'r', `[${user('dave')}]`) },
    { name: 'get on pods only', input: role('app', 'r', '[{ apiGroups: [""], resources: [pods, pods/log], verbs: [get, list, watch] }]') + roleBinding('app', 'b', 'Role', 'r', `[${user('dave')}]`) },
  ],
  invalid: [
    {
      name: 'get on pods/exec: kubectl\'s WebSocket exec is a GET, authorized as get before Kubernetes 1.35',
      input: role('app', 'r', '[{ apiGroups: [""], resources: [pods/exec], verbs: [get] }]') + roleBinding('app', 'b', 'Role', 'r', `[${user('dave')}]`),
      findings: [{ field: 'subjects[0]', message: 'User dave can get pods/exec in namespace app through Role r (RoleBinding app/b)' }],
    },
    {
      name: 'a "read-only" role over every resource',
      input: role('app', 'reader', '[{ apiGroups: ["*"], resources: ["*"], verbs: [get, list, watch] }]') + roleBinding('app', 'b', 'Role', 'reader', `[${user('dave')}]`),
      findings: [{ field: 'subjects[0]', message: /^User dave can get pods\/exec, get pods\/attach in namespace app/ }],
    },
    {
      name: 'exec and attach in one namespace',
      input: role('app', 'debug', '[{ apiGroups: [""], resources: [pods/exec, pods/attach], verbs: [create] }]') + roleBinding('app', 'b', 'Role', 'debug', `[${user('dave')}]`),
      // kubectl reads `pods/exec` as the pod named exec: the subresource goes in its own flag.
      findings: [{ field: 'subjects[0]', severity: 'high', message: 'User dave can create pods/exec, create pods/attach in namespace app through Role debug (RoleBinding app/b)', verify: 'kubectl auth can-i create pods --subresource=exec --as=dave -n app' }],
    },
    {
      name: '*/* covers subresources',
      input: role('default', 'all', '[{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]') + roleBinding('default', 'b', 'Role', 'all', `[${sa('default', 'ci')}]`),
      findings: [{ field: 'subjects[0]', message: /^ServiceAccount default\/ci can create pods\/exec/ }],
    },
  ],
});
