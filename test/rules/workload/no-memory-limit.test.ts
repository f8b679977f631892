import { expect, it } from 'vitest';
import rule from '../../../src/rules/workload/no-memory-limit.js';
import { findingsFor, ruleTester } from '../../helpers/rule-tester.js';
import { documents, limitRange, pod } from './fixtures.js';

/** A Job of one container report with the given `resources`, and `more` list entries after it. */
const job = (resources: string, more = '') => `
apiVersion: batch/v1
kind: Job
metadata: { name: report, namespace: batch }
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: report
        image: shop.azurecr.io/report:3
        resources: ${resources}${more}
`;

ruleTester(rule, {
  valid: [
    {
      name: 'limit set',
      input: job('{ limits: { memory: 512Mi } }'),
    },
    {
      name: 'LimitRange default for a manifest without namespace lands in default',
      input: documents(
        pod(`  containers: [{ name: app, image: "nginx:1.27" }]`, '{ name: p }'),
        limitRange('{ name: mem, namespace: default }', 'Container', 'default: { memory: 256Mi }'),
      ),
    },
    {
      // The API server defaults a Container item's missing default limit to its max.
      name: 'LimitRange with only a max',
      input: documents(
        pod(`  containers: [{ name: app, image: "nginx:1.27" }]`, '{ name: p }'),
        limitRange('{ name: mem, namespace: default }', 'Container', 'max: { memory: 1Gi }'),
      ),
    },
    {
      name: 'odd shapes are not judged',
      input: job('{ limits: [memory, 512Mi] }', '\n      - "not a container"'),
    },
  ],
  invalid: [
    {
      // A min only gives a default request, never a limit.
      name: 'LimitRange with only a min',
      input: documents(
        pod(`  containers: [{ name: app, image: "nginx:1.27" }]`, '{ name: p }'),
        limitRange('{ name: mem, namespace: default }', 'Container', 'min: { memory: 64Mi }'),
      ),
      findings: [{ field: 'spec.containers[0].resources.limits.memory' }],
    },
    {
      name: 'request only',
      input: job('{ requests: { memory: 256Mi } }'),
      findings: [{ field: 'spec.template.spec.containers[0].resources.limits.memory', container: 'report', message: 'container report has no memory limit', severity: 'medium' }],
    },
    {
      name: 'a zero limit is no limit, a LimitRange does not replace an explicit value',
      input: documents(job('{ limits: { memory: "0" } }'), limitRange('{ name: mem, namespace: batch }', 'Container', 'default: { memory: 256Mi }')),
      findings: [{ message: 'container report sets limits.memory to 0, which means no memory limit' }],
    },
  ],
});

it('names what it saw and what it wants', () => {
  const [f] = findingsFor(rule, job('{ requests: { memory: 256Mi } }'));
  expect(f?.evidence).toEqual({ observed: { 'requests.memory': '256Mi', 'limits.memory': null }, expected: 'a non-zero resources.limits.memory' });
  expect(f?.frameworks.map((r) => `${r.framework}:${r.id}`)).toContain('mitre:T1499');
});
