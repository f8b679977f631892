import rule from '../../../src/rules/workload/image-pull-policy-not-always.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { cronJob, pod } from './fixtures.js';

const SHA = 'e'.repeat(64);

export default ruleCases(rule, {
  valid: [
    { name: 'latest, policy unset (defaults to Always)', input: pod(`  containers: [{ name: app, image: "nginx:latest" }]`) },
    { name: 'no tag, policy unset (defaults to Always)', input: pod(`  containers: [{ name: app, image: "myreg:5000/app" }]`) },
    { name: 'no tag, Always', input: pod(`  containers: [{ name: app, image: "nginx", imagePullPolicy: Always }]`) },
    { name: 'version tag, Always', input: pod(`  containers: [{ name: app, image: "nginx:1.27", imagePullPolicy: Always }]`) },
    { name: 'digest with Never', input: pod(`  containers: [{ name: app, image: "nginx:latest@sha256:${SHA}", imagePullPolicy: Never }]`) },
    { name: 'digest only, policy unset (defaults to IfNotPresent)', input: pod(`  containers: [{ name: app, image: "shop.azurecr.io/web@sha256:${SHA}" }]`) },
    { name: 'configured mutable tag pinned by digest', input: pod(`  containers: [{ name: app, image: "web:main@sha256:${SHA}", imagePullPolicy: IfNotPresent }]`), settings: { mutableTags: ['main'] } },
    { name: 'configured mutable tag, Always', input: pod(`  containers: [{ name: app, image: "web:stable", imagePullPolicy: Always }]`), settings: { mutableTags: ['stable'] } },
    { name: 'unrendered image', input: pod(`  containers: [{ name: app, image: "{{ .Values.image }}", imagePullPolicy: IfNotPresent }]`) },
    { name: 'a policy the API server would reject is not judged', input: pod(`  containers: [{ name: app, image: "nginx:1.27", imagePullPolicy: "{{ .Values.pullPolicy }}" }]`) },
    { name: 'a null policy is unset: latest then defaults to Always', input: pod(`  containers: [{ name: app, image: "nginx:latest", imagePullPolicy: null }]`) },
    // Helm renders an empty pullPolicy value as "", which the API server defaults like an absent field.
    { name: 'an empty policy is unset: latest then defaults to Always', input: pod(`  containers: [{ name: app, image: "nginx:latest", imagePullPolicy: "" }]`) },
  ],
  invalid: [
    {
      name: 'an empty policy is unset: a configured mutable tag defaults to IfNotPresent',
      input: pod(`  containers: [{ name: app, image: "web:stable", imagePullPolicy: "" }]`),
      settings: { mutableTags: ['stable'] },
      findings: [{ field: 'spec.containers[0].imagePullPolicy', message: /imagePullPolicy unset, which the API server sets to IfNotPresent/ }],
    },
    {
      name: 'a null policy is unset: a configured mutable tag defaults to IfNotPresent',
      input: pod(`  containers: [{ name: app, image: "web:stable", imagePullPolicy: null }]`),
      settings: { mutableTags: ['stable'] },
      findings: [{ field: 'spec.containers[0].imagePullPolicy', message: /imagePullPolicy unset, which the API server sets to IfNotPresent/ }],
    },
    {
      name: 'latest with IfNotPresent',
      input: pod(`  containers: [{ name: app, image: "nginx:latest", imagePullPolicy: IfNotPresent }]`),
      findings: [
        {
          field: 'spec.containers[0].imagePullPolicy',
          container: 'app',
          message: 'container app uses image nginx:latest with the mutable tag latest and imagePullPolicy IfNotPresent: each node keeps whichever image it pulled first',
          severity: 'low',
        },
      ],
    },
    {
      name: 'untagged with Never, init and ephemeral containers; a fixed tag with unset policy',
      input: pod(`
  initContainers: [{ name: init, image: "myreg:5000/init", imagePullPolicy: Never }]
  containers: [{ name: app, image: "nginx:1.27" }]
  ephemeralContainers: [{ name: debug, image: "busybox", imagePullPolicy: IfNotPresent }]`),
      findings: [
        { field: 'spec.containers[0].imagePullPolicy', container: 'app', severity: 'info' },
        { field: 'spec.initContainers[0].imagePullPolicy', container: 'init', severity: 'low', message: /^init container init uses image myreg:5000\/init with no tag \(latest\) and imagePullPolicy Never/ },
        { field: 'spec.ephemeralContainers[0].imagePullPolicy', container: 'debug', severity: 'low' },
      ],
    },
    {
      name: 'configured mutable tag, explicit IfNotPresent',
      input: pod(`  containers: [{ name: redis, image: "redis:alpine", imagePullPolicy: IfNotPresent }]`),
      settings: { mutableTags: ['latest', 'alpine'] },
      findings: [{ container: 'redis', severity: 'low', message: /^container redis uses image redis:alpine with the mutable tag alpine and imagePullPolicy IfNotPresent/ }],
    },
    {
      name: 'configured mutable tag, policy unset: the API server fills in IfNotPresent for it',
      input: pod(`  containers: [{ name: app, image: "shop.azurecr.io/web:stable" }]`),
      settings: { mutableTags: ['stable'] },
      findings: [
        {
          field: 'spec.containers[0].imagePullPolicy',
          severity: 'low',
          message:
            'container app uses image shop.azurecr.io/web:stable with the mutable tag stable and imagePullPolicy unset, which the API server sets to IfNotPresent for this tag: each node keeps whichever image it pulled first',
        },
      ],
    },
    {
      name: 'fixed tag with IfNotPresent: multi-tenant cache risk, info',
      input: pod(`  containers: [{ name: app, image: "shop.azurecr.io/web:1.4.2", imagePullPolicy: IfNotPresent }]`),
      findings: [
        {
          field: 'spec.containers[0].imagePullPolicy',
          severity: 'info',
          message:
            'container app uses image shop.azurecr.io/web:1.4.2 with imagePullPolicy IfNotPresent: a pod of another tenant on the same node can start the cached image without the pull secret',
        },
      ],
    },
    {
      name: 'fixed tag, policy unset (defaults to IfNotPresent) or Never, with a registry port',
      input: pod(`  containers: [{ name: app, image: "myreg:5000/app:1.0" }, { name: side, image: "myreg:5000/side:1.0", imagePullPolicy: Never }]`),
      findings: [
        { container: 'app', severity: 'info', message: /with imagePullPolicy unset, which the API server sets to IfNotPresent for this tag: a pod of another tenant/ },
        { container: 'side', severity: 'info', message: /with imagePullPolicy Never: / },
      ],
    },
    {
      name: 'tag names are case-sensitive: LATEST is a fixed tag and defaults to IfNotPresent',
      input: pod(`  containers: [{ name: app, image: "nginx:LATEST" }]`),
      findings: [{ severity: 'info' }],
    },
    {
      name: 'CronJob path',
      input: cronJob(`          containers: [{ name: job, image: "shop.azurecr.io/job:2.0", imagePullPolicy: IfNotPresent }]`),
      findings: [{ field: 'spec.jobTemplate.spec.template.spec.containers[0].imagePullPolicy', severity: 'info' }],
    },
  ],
});
