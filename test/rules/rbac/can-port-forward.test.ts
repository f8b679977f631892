import rule from '../../../src/rules/rbac/can-port-forward.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { role, roleBinding, user } from './fixtures.js';

ruleTester(rule, {
  valid: [{ name: 'exec only', input: role('app', 'r', '[{ apiGroups: [""], resources: [pods/exec], verbs: [create] }]') + roleBinding('app', 'b', 'Role', 'r', `[${user('dave')}]`) }],
  invalid: [
    {
      name: 'portforward',
      input: role('app', 'r', '[{ apiGroups: [""], resources: [pods/portforward], verbs: [create] }]') + roleBinding('app', 'b', 'Role', 'r', `[${user('dave')}]`),
      findings: [{ field: 'subjects[0]', severity: 'medium', message: /create pods\/portforward in namespace app/ }],
    },
    {
      name: 'get on portforward: kubectl opens the tunnel as a WebSocket GET',
      input: role('app', 'r', '[{ apiGroups: [""], resources: [pods/portforward], verbs: [get] }]') + roleBinding('app', 'b', 'Role', 'r', `[${user('dave')}]`),
      findings: [{ field: 'subjects[0]', message: /get pods\/portforward in namespace app/ }],
    },
  ],
});
