import rule from '../../../src/rules/workload/runs-as-root-group.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { pod as basePod, deployment } from './fixtures.js';

export const pod = (spec: string) => basePod(spec, '{ name: api }');

export default ruleCases(rule, {
  valid: [
    { name: 'unset: the image decides, the manifest cannot tell', input: pod(`  containers: [{ name: app, image: "nginx:1.27" }]`) },
    {
      name: 'non-zero everywhere',
      input: pod(`
  securityContext: { runAsGroup: 10001, fsGroup: 10001, supplementalGroups: [10002] }
  containers: [{ name: app, image: "nginx:1.27" }]`),
    },
    {
      name: 'the container overrides a pod-level 0',
      input: pod(`
  securityContext: { runAsGroup: 0 }
  containers: [{ name: app, image: "nginx:1.27", securityContext: { runAsGroup: 1000 } }]`),
    },
    { name: 'a string is not group 0', input: pod(`  containers: [{ name: app, image: "nginx:1.27", securityContext: { runAsGroup: "0" } }]`) },
    {
      name: 'Windows pods are skipped',
      input: pod(`
  os: { name: windows }
  securityContext: { fsGroup: 0 }
  containers: [{ name: app, image: "mcr.microsoft.com/windows/nanoserver:ltsc2022" }]`),
    },
    {
      name: 'pods on Windows nodes by nodeSelector are skipped',
      input: pod(`
  nodeSelector: { kubernetes.io/os: windows }
  securityContext: { fsGroup: 0 }
  containers: [{ name: app, image: "mcr.microsoft.com/windows/nanoserver:ltsc2022" }]`),
    },
  ],
  invalid: [
    {
      name: 'container sets 0',
      input: pod(`  containers: [{ name: app, image: "nginx:1.27", securityContext: { runAsGroup: 0 } }]`),
      findings: [{ field: 'spec.containers[0].securityContext.runAsGroup', container: 'app', message: 'container app sets runAsGroup: 0', severity: 'medium' }],
    },
    {
      name: 'inherited from the pod, one finding per container that does not override',
      input: deployment(
        `
      securityContext: { runAsGroup: 0 }
      initContainers: [{ name: init, image: "busybox:1.36" }]
      containers:
      - { name: app, image: "nginx:1.27" }
      - { name: sidecar, image: "envoy:1.30", securityContext: { runAsGroup: 101 } }`,
        'api',
      ),
      findings: [
        { field: 'spec.template.spec.securityContext.runAsGroup', container: 'app', message: 'container app runs with group 0: it inherits runAsGroup: 0 from the pod securityContext' },
        { field: 'spec.template.spec.securityContext.runAsGroup', container: 'init' },
      ],
    },
    {
      name: 'supplementalGroups and fsGroup',
      input: pod(`
  securityContext: { runAsGroup: 1000, supplementalGroups: [5, 0], fsGroup: 0 }
  containers: [{ name: app, image: "nginx:1.27" }]`),
      findings: [
        { field: 'spec.securityContext.supplementalGroups[1]', message: /supplementalGroups/ },
        { field: 'spec.securityContext.fsGroup', message: 'the pod sets fsGroup: 0, so every container process is in the root group' },
      ],
    },
  ],
});
