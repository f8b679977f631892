import rule from '../../../src/rules/workload/image-pull-policy-not-always.js';
import { ruleTester } from '../../helpers/rule-tester.js';

const SHA = 'e'.repeat(64);
const pod = (containers: string) => `
apiVersion: v1
kind: Pod
metadata: { name: web }
spec:
${containers}
`;

ruleTester(rule, {
  valid: [
    { name: 'latest, policy unset (defaults to Always)', input: pod(`  containers: [{ name: app, image: "nginx:latest" }]`) },
    { name: 'no tag, Always', input: pod(`  containers: [{ name: app, image: "nginx", imagePullPolicy: Always }]`) },
    { name: 'version tag with IfNotPresent', input: pod(`  containers: [{ name: app, image: "nginx:1.27", imagePullPolicy: IfNotPresent }]`) },
    { name: 'digest with Never', input: pod(`  containers: [{ name: app, image: "nginx:latest@sha256:${SHA}", imagePullPolicy: Never }]`) },
    { name: 'registry port is not a tag', input: pod(`  containers: [{ name: app, image: "myreg:5000/app:1.0", imagePullPolicy: IfNotPresent }]`) },
  ],
  invalid: [
    {
      name: 'latest with IfNotPresent',
      input: pod(`  containers: [{ name: app, image: "nginx:latest", imagePullPolicy: IfNotPresent }]`),
      findings: [{ field: 'spec.containers[0].imagePullPolicy', container: 'app', message: 'container app uses image nginx:latest with imagePullPolicy IfNotPresent', severity: 'low' }],
    },
    {
      name: 'untagged with Never, init and ephemeral containers',
      input: pod(`
  initContainers: [{ name: init, image: "myreg:5000/init", imagePullPolicy: Never }]
  containers: [{ name: app, image: "nginx:1.27" }]
  ephemeralContainers: [{ name: debug, image: "busybox", imagePullPolicy: IfNotPresent }]`),
      findings: [
        { field: 'spec.initContainers[0].imagePullPolicy', container: 'init' },
        { field: 'spec.ephemeralContainers[0].imagePullPolicy', container: 'debug' },
      ],
    },
  ],
});
