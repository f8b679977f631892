import rule from '../../../src/rules/workload/image-tag-latest.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { cronJob, pod as basePod } from './fixtures.js';

const SHA = 'f'.repeat(64);
const pod = (spec: string) => basePod(spec, '{ name: web, namespace: shop }');

export default ruleCases(rule, {
  valid: [
    { name: 'version tag', input: pod(`  containers: [{ name: app, image: "nginx:1.27.2" }]`) },
    { name: 'digest with latest tag: the digest decides', input: pod(`  containers: [{ name: app, image: "nginx:latest@sha256:${SHA}" }]`) },
    { name: 'digest only', input: pod(`  containers: [{ name: app, image: "shop.azurecr.io/web@sha256:${SHA}" }]`) },
    { name: 'registry port is not a tag', input: pod(`  containers: [{ name: app, image: "myreg:5000/app:2.0" }]`) },
    { name: 'unrendered template is not judged', input: pod(`  containers: [{ name: app, image: "{{ .Values.image }}" }]`) },
    { name: 'missing or non-string image', input: pod(`  containers: [{ name: app }, { name: b, image: 42 }]`) },
    { name: 'tag names are case-sensitive', input: pod(`  containers: [{ name: app, image: "nginx:LATEST" }]`) },
    { name: 'stable is a fixed tag by default', input: pod(`  containers: [{ name: app, image: "nginx:stable" }]`) },
    {
      name: 'configured mutable tag pinned by digest',
      input: pod(`  containers: [{ name: app, image: "shop.azurecr.io/web:main@sha256:${SHA}" }]`),
      settings: { mutableTags: ['latest', 'main'] },
    },
    {
      name: 'a wildcard matches whole tags only',
      input: pod(`  containers: [{ name: app, image: "shop.azurecr.io/web:release-dev-1" }]`),
      settings: { mutableTags: ['dev-*'] },
    },
  ],
  invalid: [
    {
      name: 'explicit latest',
      input: pod(`  containers: [{ name: app, image: "nginx:latest" }]`),
      findings: [{ field: 'spec.containers[0].image', container: 'app', message: 'container app uses image nginx:latest with the mutable tag latest', severity: 'medium' }],
    },
    {
      name: 'no tag, with a registry port',
      input: pod(`  containers: [{ name: app, image: "myreg:5000/app" }]`),
      findings: [{ field: 'spec.containers[0].image', message: 'container app uses image myreg:5000/app with no tag, which pulls latest' }],
    },
    {
      name: 'init and ephemeral containers too',
      input: pod(`
  initContainers: [{ name: init, image: "busybox" }]
  containers: [{ name: app, image: "nginx:1.27" }]
  ephemeralContainers: [{ name: debug, image: "docker.io/library/busybox:latest" }]`),
      findings: [
        { field: 'spec.initContainers[0].image', container: 'init', message: /^init container init/ },
        { field: 'spec.ephemeralContainers[0].image', container: 'debug', message: /^ephemeral container debug/ },
      ],
    },
    {
      name: 'configured mutable tags, and latest even when the list leaves it out',
      input: pod(`
  containers:
  - { name: app, image: "shop.azurecr.io/web:stable" }
  - { name: sidecar, image: "shop.azurecr.io/proxy:dev-4711" }
  - { name: tools, image: "busybox:latest" }
  - { name: pinned, image: "busybox:1.36" }`),
      settings: { mutableTags: ['stable', 'dev-*'] },
      findings: [
        { container: 'app', field: 'spec.containers[0].image', message: 'container app uses image shop.azurecr.io/web:stable with the mutable tag stable' },
        { container: 'sidecar', message: 'container sidecar uses image shop.azurecr.io/proxy:dev-4711 with the mutable tag dev-4711' },
        { container: 'tools', message: /with the mutable tag latest$/ },
      ],
    },
    {
      name: 'CronJob path',
      input: cronJob(`          containers: [{ name: job, image: "shop.azurecr.io/job" }]`),
      findings: [{ field: 'spec.jobTemplate.spec.template.spec.containers[0].image' }],
    },
  ],
});
