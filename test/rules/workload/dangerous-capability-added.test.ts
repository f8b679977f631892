import { expect, it } from 'vitest';
import rule from '../../../src/rules/workload/dangerous-capability-added.js';
import { findingsFor, ruleTester } from '../../helpers/rule-tester.js';

const pod = (caps: string, kind = 'containers') => `
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

ruleTester(rule, {
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
      input: `
apiVersion: v1
kind: Pod
metadata: { name: p }
spec:
  containers: [{ name: app, image: "nginx:1.27" }]
  ephemeralContainers:
  - { name: debug, image: "busybox:1.36", securityContext: { capabilities: { add: [SYS_PTRACE] } } }
`,
      findings: [{ field: 'spec.ephemeralContainers[0].securityContext.capabilities.add[0]', container: 'debug' }],
    },
  ],
});

it('narrows cross-references per capability', () => {
  const ids = findingsFor(rule, pod(`{ add: [SYS_ADMIN, NET_RAW, AUDIT_CONTROL] }`)).map((f) => f.frameworks.map((r) => `${r.framework}:${r.id}`));
  // None of the three is in Pod Security's default set, so each also carries the baseline check's id.
  expect(ids).toEqual([
    ['pss:capabilities_baseline', 'kubescape:C-0046', 'kubescape:C-0057', 'trivy:KSV005', 'trivy:KSV022', 'mitre:T1611'],
    ['pss:capabilities_baseline', 'kubescape:C-0046', 'trivy:KSV022'],
    ['pss:capabilities_baseline', 'trivy:KSV022'],
  ]);
});
