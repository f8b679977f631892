import rule from '../../../src/rules/workload/image-not-pinned-by-digest.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { deployment } from './fixtures.js';

const SHA = '0123456789abcdef'.repeat(4);

export default ruleCases(rule, {
  valid: [
    { name: 'digest', input: deployment(`      containers: [{ name: app, image: "shop.azurecr.io/web@sha256:${SHA}" }]`) },
    { name: 'tag and digest', input: deployment(`      containers: [{ name: app, image: "myreg:5000/web:1.2@sha256:${SHA}" }]`) },
    { name: 'sha512 digest', input: deployment(`      containers: [{ name: app, image: "web@sha512:${SHA}${SHA}" }]`) },
    { name: 'unparseable reference', input: deployment(`      containers: [{ name: app, image: "\${IMAGE}" }]`) },
    {
      name: 'exempt repositories: a glob on the written name, the short form and the qualified form',
      input: deployment(`
      initContainers: [{ name: pause, image: "mcr.microsoft.com/oss/kubernetes/pause:3.9" }]
      containers:
      - { name: app, image: "internal-registry/nginx:1.25" }
      - { name: proxy, image: "docker.io/library/nginx:1.27" }
      - { name: cache, image: "redis:7.2" }`),
      settings: { digestExemptImages: ['mcr.microsoft.com/oss/*', 'internal-registry/*', 'nginx', 'docker.io/library/redis'] },
    },
    {
      name: 'an exempt repository is exempt even with a malformed digest',
      input: deployment(`      containers: [{ name: app, image: "shop.azurecr.io/base/web@sha256:abc" }]`),
      settings: { digestExemptImages: ['shop.azurecr.io/base/*'] },
    },
  ],
  invalid: [
    {
      name: 'tag only',
      input: deployment(`      containers: [{ name: app, image: "shop.azurecr.io/web:1.2" }]`),
      findings: [{ field: 'spec.template.spec.containers[0].image', container: 'app', message: 'container app uses image shop.azurecr.io/web:1.2, which is not pinned by digest', severity: 'low' }],
    },
    {
      name: 'malformed digests pin nothing',
      input: deployment(`
      containers:
      - { name: short, image: "web@sha256:abc" }
      - { name: upper, image: "web@sha256:${SHA.toUpperCase()}" }`),
      findings: [
        { container: 'short', message: 'container short uses image web@sha256:abc, whose digest is malformed' },
        { container: 'upper', message: /whose digest is malformed$/ },
      ],
    },
    {
      name: 'exemptions match whole names: a longer repository or another registry is not exempt',
      input: deployment(`
      containers:
      - { name: lookalike, image: "internal-registry-attacker/app:latest" }
      - { name: other, image: "mcr.microsoft.com/dotnet/runtime:8.0" }
      - { name: hub, image: "nginx-unprivileged:1.27" }`),
      settings: { digestExemptImages: ['internal-registry/*', 'mcr.microsoft.com/oss/*', 'nginx'] },
      findings: [{ container: 'lookalike' }, { container: 'other' }, { container: 'hub' }],
    },
    {
      name: 'registry with a port and no tag; init container',
      input: deployment(`
      initContainers: [{ name: init, image: "registry.example.com:5000/init" }]
      containers: [{ name: app, image: "web@sha256:${SHA}" }]`),
      findings: [{ field: 'spec.template.spec.initContainers[0].image', container: 'init' }],
    },
  ],
});
