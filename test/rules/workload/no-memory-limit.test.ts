import { expect, it } from 'vitest';
import rule from '../../../src/rules/workload/no-memory-limit.js';
import { findingsFor, ruleTester } from '../../helpers/rule-tester.js';

const job = (containers: string) => `
apiVersion: batch/v1
kind: Job
metadata: { name: report, namespace: batch }
spec:
  template:
    spec:
      restartPolicy: Never
${containers}
`;

ruleTester(rule, {
  valid: [
    {
      name: 'limit set',
      input: job(`
      containers:
      - name: report
        image: shop.azurecr.io/report:3
        resources: { limits: { memory: 512Mi } }`),
    },
    {
      name: 'LimitRange default for a manifest without namespace lands in default',
      input: `
apiVersion: v1
kind: Pod
metadata: { name: p }
spec:
  containers: [{ name: app, image: "nginx:1.27" }]
---
apiVersion: v1
kind: LimitRange
metadata: { name: mem, namespace: default }
spec:
  limits:
  - type: Container
    default: { memory: 256Mi }
`,
    },
    {
      name: 'odd shapes are not judged',
      input: job(`
      containers:
      - name: report
        image: shop.azurecr.io/report:3
        resources: { limits: [memory, 512Mi] }
      - "not a container"`),
    },
  ],
  invalid: [
    {
      name: 'request only',
      input: job(`
      containers:
      - name: report
        image: shop.azurecr.io/report:3
        resources: { requests: { memory: 256Mi } }`),
      findings: [{ field: 'spec.template.spec.containers[0].resources.limits.memory', container: 'report', message: 'container report has no memory limit', severity: 'medium' }],
    },
    {
      name: 'a zero limit is no limit, a LimitRange does not replace an explicit value',
      input: `${job(`
      containers:
      - name: report
        image: shop.azurecr.io/report:3
        resources: { limits: { memory: "0" } }`)}
---
apiVersion: v1
kind: LimitRange
metadata: { name: mem, namespace: batch }
spec:
  limits:
  - type: Container
    default: { memory: 256Mi }
`,
      findings: [{ message: 'container report sets limits.memory to 0, which means no memory limit' }],
    },
  ],
});

it('names what it saw and what it wants', () => {
  const [f] = findingsFor(rule, job(`
      containers:
      - name: report
        image: shop.azurecr.io/report:3
        resources: { requests: { memory: 256Mi } }`));
  expect(f?.evidence).toEqual({ observed: { 'requests.memory': '256Mi', 'limits.memory': null }, expected: 'a non-zero resources.limits.memory' });
  expect(f?.frameworks.map((r) => `${r.framework}:${r.id}`)).toContain('mitre:T1499');
});
