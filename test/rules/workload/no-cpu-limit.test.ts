import rule from '../../../src/rules/workload/no-cpu-limit.js';
import { ruleTester } from '../../helpers/rule-tester.js';

const statefulSet = (containers: string) => `
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: data }
spec:
  serviceName: db
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec:
${containers}
`;

ruleTester(rule, {
  valid: [
    {
      name: 'limit set',
      input: statefulSet(`
      containers:
      - name: postgres
        image: postgres:16.4
        resources: { requests: { cpu: 250m }, limits: { cpu: "1" } }`),
    },
    {
      name: 'pod-level limit',
      input: statefulSet(`
      resources: { limits: { cpu: "2" } }
      containers:
      - name: postgres
        image: postgres:16.4`),
    },
    {
      name: 'a pod without a spec is not judged',
      input: `
apiVersion: apps/v1
kind: Deployment
metadata: { name: partial }
spec: { replicas: 2 }
`,
    },
  ],
  invalid: [
    {
      name: 'request only: a request never becomes a limit',
      input: statefulSet(`
      containers:
      - name: postgres
        image: postgres:16.4
        resources: { requests: { cpu: 250m } }`),
      findings: [
        { field: 'spec.template.spec.containers[0].resources.limits.cpu', container: 'postgres', message: 'container postgres has no cpu limit', severity: 'low' },
      ],
    },
    {
      name: 'a zero limit is no limit',
      input: statefulSet(`
      containers:
      - name: postgres
        image: postgres:16.4
        resources: { limits: { cpu: 0m } }`),
      findings: [{ field: 'spec.template.spec.containers[0].resources.limits.cpu', message: 'container postgres sets limits.cpu to 0m, which means no cpu limit' }],
    },
    {
      name: 'init and regular containers, in validation order',
      input: statefulSet(`
      initContainers:
      - name: init-perms
        image: busybox:1.36
      containers:
      - name: postgres
        image: postgres:16.4
      - name: exporter
        image: prometheuscommunity/postgres-exporter:v0.15.0
        resources: { limits: { cpu: 100m } }`),
      findings: [
        { container: 'postgres', field: 'spec.template.spec.containers[0].resources.limits.cpu' },
        { container: 'init-perms', field: 'spec.template.spec.initContainers[0].resources.limits.cpu' },
      ],
    },
  ],
});
