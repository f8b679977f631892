import rule from '../../../src/rules/workload/naked-pod.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { deployment } from './fixtures.js';

export default ruleCases(rule, {
  valid: [
    {
      name: 'owned by a ReplicaSet',
      input: `
apiVersion: v1
kind: Pod
metadata:
  name: web-7d9c-abcde
  ownerReferences: [{ apiVersion: apps/v1, kind: ReplicaSet, name: web-7d9c, uid: 1b2c, controller: true }]
spec:
  containers: [{ name: app, image: "nginx:1.27" }]
`,
    },
    {
      // What `helm create` puts in every chart; Helm runs the hook once and deletes it.
      name: 'a Helm test hook',
      input: `
apiVersion: v1
kind: Pod
metadata:
  name: web-test-connection
  annotations: { helm.sh/hook: test }
spec:
  restartPolicy: Never
  containers: [{ name: wget, image: "busybox:1.36", command: [wget], args: ["web:80"] }]
`,
    },
    {
      name: 'workloads are not pods',
      input: deployment(`      containers: [{ name: app, image: "nginx:1.27" }]`),
    },
  ],
  invalid: [
    {
      name: 'a stand-alone pod',
      input: `
apiVersion: v1
kind: Pod
metadata: { name: debug, namespace: shop }
spec:
  containers: [{ name: app, image: "busybox:1.36" }]
`,
      findings: [{ field: 'metadata.ownerReferences', message: 'pod debug has no ownerReferences: no controller recreates it', severity: 'low' }],
    },
    {
      name: 'other annotations do not make a hook',
      input: `
apiVersion: v1
kind: Pod
metadata: { name: debug, annotations: { helm.sh/chart: web-1.0.0 } }
spec:
  containers: [{ name: app, image: "busybox:1.36" }]
`,
      findings: [{ field: 'metadata.ownerReferences' }],
    },
    {
      name: 'an empty or malformed ownerReferences',
      input: `
apiVersion: v1
kind: Pod
metadata: { name: a, ownerReferences: [] }
spec: { containers: [{ name: app, image: "busybox:1.36" }] }
---
apiVersion: v1
kind: Pod
metadata: { name: b, ownerReferences: "ReplicaSet/x" }
spec: { containers: [{ name: app, image: "busybox:1.36" }] }
`,
      findings: [{ resource: 'Pod/a' }, { resource: 'Pod/b' }],
    },
  ],
});
