import rule from '../../../src/rules/workload/no-memory-request.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { pod as basePod, documents, limitRange } from './fixtures.js';

const pod = (spec: string) => basePod(spec, '{ name: api, namespace: shop }');
const APP = `
  containers:
  - name: app
    image: nginx:1.27`;

ruleTester(rule, {
  valid: [
    {
      name: 'request set',
      input: pod(`
  containers:
  - name: app
    image: nginx:1.27
    resources: { requests: { memory: 128Mi } }`),
    },
    {
      name: 'pod-level limit',
      input: pod(`
  resources: { limits: { memory: 1Gi } }
  containers:
  - name: app
    image: nginx:1.27`),
    },
    {
      name: 'LimitRange default limit in the namespace',
      input: documents(pod(APP), limitRange('{ name: mem, namespace: shop }', 'Container', 'default: { memory: 512Mi }')),
    },
    {
      // A missing default request becomes the default limit (here the max), else the min.
      name: 'LimitRange with only a max',
      input: documents(pod(APP), limitRange('{ name: mem, namespace: shop }', 'Container', 'max: { memory: 1Gi }')),
    },
    {
      name: 'LimitRange with only a min',
      input: documents(pod(APP), limitRange('{ name: mem, namespace: shop }', 'Container', 'min: { memory: 64Mi }')),
    },
    {
      name: 'init and regular containers both set',
      input: pod(`
  initContainers:
  - name: setup
    image: busybox:1.36
    resources: { requests: { memory: 32Mi }, limits: { memory: 32Mi } }
  containers:
  - name: app
    image: nginx:1.27
    resources: { requests: { memory: 64Mi } }`),
    },
  ],
  invalid: [
    {
      name: 'only a limit: the request is implicit (info)',
      input: pod(`
  containers:
  - name: app
    image: nginx:1.27
    resources: { limits: { memory: 256Mi } }`),
      findings: [{ field: 'spec.containers[0].resources.requests.memory', container: 'app', severity: 'info', message: 'container app declares no memory request; Kubernetes uses its limit (256Mi) as the request' }],
    },
    {
      name: 'cpu only',
      input: pod(`
  containers:
  - name: app
    image: nginx:1.27
    resources: { requests: { cpu: 100m } }`),
      findings: [{ field: 'spec.containers[0].resources.requests.memory', container: 'app', message: 'container app has no memory request' }],
    },
    {
      name: 'empty requests map, and an init container with nothing',
      input: pod(`
  initContainers:
  - name: setup
    image: busybox:1.36
  containers:
  - name: app
    image: nginx:1.27
    resources: { requests: {} }`),
      findings: [
        { field: 'spec.containers[0].resources.requests.memory', container: 'app' },
        { field: 'spec.initContainers[0].resources.requests.memory', container: 'setup' },
      ],
    },
    {
      name: 'a LimitRange of type Pod gives containers no default',
      input: documents(pod(APP), limitRange('{ name: mem, namespace: shop }', 'Pod', 'max: { memory: 2Gi }')),
      findings: [{ field: 'spec.containers[0].resources.requests.memory' }],
    },
  ],
});
