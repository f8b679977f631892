import { expect, it } from 'vitest';
import rule from '../../../src/rules/workload/no-cpu-request.js';
import { findingsFor, ruleTester } from '../../helpers/rule-tester.js';
import { cronJob, deployment as baseDeployment, documents, limitRange, pod } from './fixtures.js';

/** `container` is the containers list, indented six spaces; `extra` other pod spec fields before it. */
const deployment = (container: string, extra = '') => baseDeployment(`${extra}\n      containers:\n${container}`, 'web', 'shop');
/** One container app with nothing but its image. */
const WEB = `
      - name: app
        image: shop.azurecr.io/web:1.0`;

ruleTester(rule, {
  valid: [
    {
      name: 'request set',
      input: deployment(`
      - name: app
        image: shop.azurecr.io/web:1.0
        resources: { requests: { cpu: 100m, memory: 64Mi } }`),
    },
    {
      name: 'numeric quantity',
      input: deployment(`
      - name: app
        image: shop.azurecr.io/web:1.0
        resources: { requests: { cpu: 0.5 } }`),
    },
    {
      name: 'pod-level resources cover every container',
      input: deployment(WEB, `      resources: { requests: { cpu: 500m } }`),
    },
    {
      name: 'a LimitRange default request in the same namespace',
      input: documents(deployment(WEB), limitRange('{ name: defaults, namespace: shop }', 'Container', 'defaultRequest: { cpu: 100m }')),
    },
    {
      name: 'ephemeral containers cannot set resources',
      input: pod(
        `
  containers:
  - name: app
    image: nginx:1.27
    resources: { requests: { cpu: 100m } }
  ephemeralContainers:
  - name: debugger
    image: busybox:1.36`,
        '{ name: p }',
      ),
    },
    {
      name: 'resources of an unexpected shape are not judged',
      input: deployment(`
      - name: app
        image: shop.azurecr.io/web:1.0
        resources: "{{ .Values.resources }}"`),
    },
  ],
  invalid: [
    {
      name: 'only a limit: the request is implicit (info)',
      input: deployment(`
      - name: app
        image: shop.azurecr.io/web:1.0
        resources: { limits: { cpu: "1" } }`),
      findings: [{ field: 'spec.template.spec.containers[0].resources.requests.cpu', container: 'app', severity: 'info', message: 'container app declares no cpu request; Kubernetes uses its limit (1) as the request' }],
    },
    {
      name: 'no resources at all',
      input: deployment(WEB),
      findings: [{ field: 'spec.template.spec.containers[0].resources.requests.cpu', container: 'app', message: 'container app has no cpu request', severity: 'low' }],
    },
    {
      name: 'memory set, cpu not',
      input: deployment(`
      - name: app
        image: shop.azurecr.io/web:1.0
        resources: { requests: { memory: 64Mi }, limits: { memory: 128Mi } }`),
      findings: [{ field: 'spec.template.spec.containers[0].resources.requests.cpu' }],
    },
    {
      name: 'init container of a CronJob',
      input: cronJob(
        `
          initContainers:
          - name: migrate
            image: shop.azurecr.io/migrate:2
          containers:
          - name: job
            image: shop.azurecr.io/job:2
            resources: { requests: { cpu: 100m } }`,
        '{ name: nightly }',
        '"0 1 * * *"',
      ),
      findings: [
        { field: 'spec.jobTemplate.spec.template.spec.initContainers[0].resources.requests.cpu', container: 'migrate', message: 'init container migrate has no cpu request' },
      ],
    },
    {
      name: 'a zero limit does not give a request',
      input: deployment(`
      - name: app
        image: shop.azurecr.io/web:1.0
        resources: { limits: { cpu: "0" } }`),
      findings: [{ field: 'spec.template.spec.containers[0].resources.requests.cpu' }],
    },
    {
      name: 'a LimitRange of another namespace does not apply',
      input: documents(deployment(WEB), limitRange('{ name: defaults, namespace: other }', 'Container', 'defaultRequest: { cpu: 100m }')),
      findings: [{ resource: 'Deployment/web' }],
    },
  ],
});

it('keeps kubescape references off init-container findings (kubescape checks regular containers only)', () => {
  const [regular, init] = findingsFor(
    rule,
    pod(
      `  initContainers: [{ name: init, image: "busybox:1.36" }]
  containers: [{ name: app, image: "nginx:1.27" }]`,
      '{ name: p }',
    ),
  );
  expect(regular?.frameworks.map((f) => f.id)).toEqual(['C-0268', 'C-0050', 'KSV015', 'container-resources']);
  expect(init?.frameworks.map((f) => f.id)).toEqual(['KSV015', 'container-resources']);
  expect(regular?.evidence).toEqual({ observed: { 'requests.cpu': null, 'limits.cpu': null }, expected: expect.any(String) });
});
