import rule from '../../../src/rules/workload/untrusted-registry.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { pod as basePod } from './fixtures.js';

export const pod = (spec: string) => basePod(spec, '{ name: web, namespace: shop }');

export default ruleCases(rule, {
  valid: [
    { name: 'ACR', input: pod(`  containers: [{ name: app, image: "shop.azurecr.io/web:1.0" }]`) },
    { name: 'MCR, any case', input: pod(`  containers: [{ name: app, image: "MCR.Microsoft.com/oss/nginx/nginx:1.25" }]`) },
    {
      name: 'custom exact host with port',
      input: pod(`  containers: [{ name: app, image: "harbor.corp:8443/team/app:3" }]`),
      settings: { trustedRegistries: ['harbor.corp:8443'] },
    },
    {
      name: 'Docker Hub when trusted as docker.io',
      input: pod(`  containers: [{ name: app, image: "nginx:1.27" }, { name: b, image: "bitnami/redis:7" }]`),
      settings: { trustedRegistries: ['docker.io'] },
    },
    {
      name: 'port 443 is the registry itself, in the image and in the trusted list',
      input: pod(`  containers: [{ name: app, image: "shop.azurecr.io:443/web:1.0" }, { name: b, image: "mcr.microsoft.com:443/oss/nginx:1" }, { name: c, image: "harbor.corp/app:1" }]`),
      settings: { trustedRegistries: ['*.azurecr.io', 'mcr.microsoft.com', 'harbor.corp:443'] },
    },
    {
      name: 'a repository prefix trusts the repositories under it, at any depth',
      input: pod(`  containers: [{ name: a, image: "ghcr.io/org/tool:1" }, { name: b, image: "ghcr.io/org/sub/tool:2" }, { name: c, image: "GHCR.io:443/org/x:1" }]`),
      settings: { trustedRegistries: ['ghcr.io/org/*'] },
    },
    {
      name: 'a repository prefix with a trailing slash, on a subdomain wildcard, and on Docker Hub',
      input: pod(`
  containers:
  - { name: a, image: "myacr.azurecr.io/team-a/api:1" }
  - { name: b, image: "other.azurecr.io/team-a/web:1" }
  - { name: c, image: "bitnami/redis:7" }
  - { name: d, image: "nginx:1.27" }`),
      settings: { trustedRegistries: ['*.azurecr.io/team-a/', 'docker.io/bitnami/*', 'index.docker.io/library/'] },
    },
    {
      name: 'a repository path without a trailing wildcard trusts that repository and those under it',
      input: pod(`  containers: [{ name: a, image: "myacr.azurecr.io/team-a:1" }, { name: b, image: "myacr.azurecr.io/team-a/api:1" }]`),
      settings: { trustedRegistries: ['myacr.azurecr.io/team-a'] },
    },
    {
      name: 'a whole registry written with a trailing /*',
      input: pod(`  containers: [{ name: a, image: "ghcr.io/anyone/tool:1" }, { name: b, image: "quay.io/x/y:1" }]`),
      settings: { trustedRegistries: ['ghcr.io/*', 'quay.io/'] },
    },
    { name: 'empty trusted list: nothing to compare with', input: pod(`  containers: [{ name: app, image: "nginx:1.27" }]`), settings: { trustedRegistries: [] } },
    { name: 'unparseable reference', input: pod(`  containers: [{ name: app, image: "{{ .Values.image }}" }]`) },
  ],
  invalid: [
    {
      name: 'Docker Hub by default',
      input: pod(`  containers: [{ name: app, image: "nginx:1.27" }]`),
      findings: [{ field: 'spec.containers[0].image', container: 'app', message: 'container app pulls nginx:1.27 from docker.io, which is not a trusted registry', severity: 'high' }],
    },
    {
      name: 'look-alike hosts',
      input: pod(`
  containers:
  - { name: a, image: "shop.azurecr.io.evil.example/web:1" }
  - { name: b, image: "azurecr.io/web:1" }
  - { name: c, image: "ghcr.io/org/app:1" }`),
      findings: [
        { container: 'a', message: /from shop\.azurecr\.io\.evil\.example,/ },
        { container: 'b', message: /from azurecr\.io,/ },
        { container: 'c', message: /from ghcr\.io,/ },
      ],
    },
    {
      name: 'a port makes a different registry',
      input: pod(`  initContainers: [{ name: init, image: "harbor.corp:8443/init:1" }]\n  containers: [{ name: app, image: "harbor.corp/app:1" }]`),
      settings: { trustedRegistries: ['harbor.corp'] },
      findings: [{ container: 'init', field: 'spec.initContainers[0].image' }],
    },
    {
      name: 'a repository prefix ends at a path segment: ghcr.io/org/* is not ghcr.io/organisation, nor the rest of ghcr.io',
      input: pod(`
  containers:
  - { name: a, image: "ghcr.io/organisation/x:1" }
  - { name: b, image: "ghcr.io/other/tool:1" }
  - { name: c, image: "ghcr.io/org:1" }
  - { name: d, image: "ghcr.io/org/tool:1" }
  - { name: e, image: "quay.io/org/tool:1" }`),
      settings: { trustedRegistries: ['ghcr.io/org/*'] },
      findings: [
        { container: 'a', message: 'container a pulls ghcr.io/organisation/x:1 from ghcr.io/organisation/x, which is under no trusted repository path of ghcr.io' },
        { container: 'b', message: /from ghcr\.io\/other\/tool, which is under no trusted repository path/ },
        { container: 'c', message: /from ghcr\.io\/org, which is under no trusted repository path/ },
        { container: 'e', message: 'container e pulls quay.io/org/tool:1 from quay.io, which is not a trusted registry' },
      ],
    },
    {
      name: 'a repository prefix on Docker Hub: nginx is docker.io/library/nginx',
      input: pod(`  containers: [{ name: a, image: "nginx:1.27" }, { name: b, image: "bitnami/redis:7" }]`),
      settings: { trustedRegistries: ['docker.io/bitnami/*'] },
      findings: [{ container: 'a', message: /from docker\.io\/library\/nginx,/ }],
    },
    {
      name: 'a port other than 443 on a trusted suffix',
      input: pod(`  containers: [{ name: app, image: "shop.azurecr.io:5000/web:1" }]`),
      findings: [{ container: 'app', message: /from shop\.azurecr\.io:5000,/ }],
    },
  ],
});
