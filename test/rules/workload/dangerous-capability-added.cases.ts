import rule from '../../../src/rules/workload/dangerous-capability-added.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { pod as basePod } from './fixtures.js';

export const pod = (caps: string, kind = 'containers') => `
apiVersion: v1
kind: Pod
metadata: { name: tool }
spec:
  ${kind}:
  - name: app
    image: shop.azurecr.io/tool:1
    securityContext:
      capabilities: ${caps}
`;

export default ruleCases(rule, {
  valid: [
    { name: 'harmless additions', input: pod(`{ drop: [ALL], add: [NET_BIND_SERVICE, CHOWN] }`) },
    { name: 'dropping is fine', input: pod(`{ drop: [SYS_ADMIN, NET_RAW] }`) },
    { name: 'odd shapes', input: pod(`{ add: "SYS_ADMIN" }`) },
    { name: 'non-string entries', input: pod(`{ add: [42, null] }`) },
  ],
  invalid: [
    {
      name: 'high and medium per capability',
      input: pod(`{ add: [NET_BIND_SERVICE, SYS_ADMIN, NET_RAW] }`),
      findings: [
        { field: 'spec.containers[0].securityContext.capabilities.add[1]', container: 'app', severity: 'high', message: /^container app adds capability SYS_ADMIN: / },
        { field: 'spec.containers[0].securityContext.capabilities.add[2]', severity: 'medium' },
      ],
    },
    {
      name: 'any case, with or without CAP_',
      input: pod(`{ add: [cap_sys_ptrace, CAP_SYS_MODULE, all, Dac_Read_Search] }`),
      findings: [
        { severity: 'high', message: /adds capability cap_sys_ptrace:/ },
        { severity: 'high' },
        { severity: 'high' },
        { severity: 'medium' },
      ],
    },
    {
      name: 'init containers',
      input: pod(`{ add: [BPF] }`, 'initContainers'),
      findings: [{ field: 'spec.initContainers[0].securityContext.capabilities.add[0]', message: /^init container app adds capability BPF/ }],
    },
    {
      name: 'ephemeral containers',
      input: basePod(
        `  containers: [{ name: app, image: "nginx:1.27" }]
  ephemeralContainers:
  - { name: debug, image: "busybox:1.36", securityContext: { capabilities: { add: [SYS_PTRACE] } } }`,
        '{ name: p }',
      ),
      findings: [{ field: 'spec.ephemeralContainers[0].securityContext.capabilities.add[0]', container: 'debug' }],
    },
  ],
});
