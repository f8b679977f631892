import rule from '../../../src/rules/workload/writable-root-filesystem.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { deployment, pod } from './fixtures.js';

export default ruleCases(rule, {
  valid: [
    { name: 'read-only', input: pod(`  containers: [{ name: app, image: "nginx:1.27", securityContext: { readOnlyRootFilesystem: true } }]`) },
    {
      name: 'Windows pods cannot set it (chosen by nodeSelector, as AKS samples and most charts do)',
      input: pod(`  nodeSelector: { kubernetes.io/os: windows }\n  containers: [{ name: app, image: "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022" }]`),
    },
    {
      name: 'Windows pods cannot set it',
      input: pod(`  os: { name: windows }\n  containers: [{ name: app, image: "mcr.microsoft.com/windows/servercore:ltsc2022" }]`),
    },
  ],
  invalid: [
    {
      name: 'unset counts as writable',
      input: pod(`  containers: [{ name: app, image: "nginx:1.27" }]`),
      findings: [
        { field: 'spec.containers[0].securityContext.readOnlyRootFilesystem', container: 'app', message: 'container app does not set readOnlyRootFilesystem, so its root filesystem is writable', severity: 'low' },
      ],
    },
    {
      name: 'explicit false; the pod securityContext has no such field',
      input: pod(`
  securityContext: { runAsNonRoot: true }
  containers: [{ name: app, image: "nginx:1.27", securityContext: { readOnlyRootFilesystem: false } }]`),
      findings: [{ message: 'container app sets readOnlyRootFilesystem: false' }],
    },
    {
      name: 'a string is not true',
      input: pod(`  containers: [{ name: app, image: "nginx:1.27", securityContext: { readOnlyRootFilesystem: "true" } }]`),
      findings: [{ message: 'container app sets readOnlyRootFilesystem: true' }],
    },
    {
      name: 'init and ephemeral containers in a Deployment',
      input: deployment(`
      initContainers: [{ name: init, image: "busybox:1.36" }]
      containers: [{ name: app, image: "nginx:1.27", securityContext: { readOnlyRootFilesystem: true } }]
      ephemeralContainers: [{ name: debug, image: "busybox:1.36" }]`),
      findings: [
        { field: 'spec.template.spec.initContainers[0].securityContext.readOnlyRootFilesystem', container: 'init' },
        { field: 'spec.template.spec.ephemeralContainers[0].securityContext.readOnlyRootFilesystem', container: 'debug' },
      ],
    },
  ],
});
