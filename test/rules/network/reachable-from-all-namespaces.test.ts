import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/core/engine.js';
import { Inventory } from '../../../src/core/inventory.js';
import { ruleApplies, runRule } from '../../../src/core/rule.js';
import { DEFAULT_SETTINGS } from '../../../src/core/settings.js';
import { createSuppressor } from '../../../src/core/suppress.js';
import { RULES } from '../../../src/rules/index.js';
import rule from '../../../src/rules/network/reachable-from-all-namespaces.js';
import { parseResources, ruleTester } from '../../helpers/rule-tester.js';
import { deploy as deployment, docs, policy } from './manifests.js';

const HTTP = '[{ name: http, containerPort: 8080 }]';
const deploy = (name: string, ns: string, extra = '') => deployment(name, ns, undefined, extra, HTTP);
const job = `
apiVersion: batch/v1
kind: Job
metadata: { name: migrate, namespace: shop }
spec:
  template:
    metadata: { labels: { app: migrate } }
    spec:
      restartPolicy: Never
      containers: [{ name: migrate, image: "contoso.azurecr.io/migrate:1.0" }]
`;
const onlyWeb = policy('web', 'shop', '  podSelector: { matchLabels: { app: web } }\n  ingress: [{ from: [{ podSelector: {} }] }]');

ruleTester(rule, {
  valid: [
    { name: 'a namespace without ingress policies is the default-deny rule\'s', input: docs(deploy('web', 'shop'), deploy('api', 'shop')) },
    {
      name: 'default deny and an allow from the namespace',
      input: docs(deploy('api', 'shop'), policy('deny', 'shop', '  podSelector: {}\n  policyTypes: [Ingress]'), policy('api', 'shop', '  podSelector: { matchLabels: { app: api } }\n  ingress: [{ from: [{ podSelector: {} }] }]')),
    },
    {
      name: 'every namespace, but on one port',
      input: docs(deploy('api', 'shop'), policy('api', 'shop', '  podSelector: { matchLabels: { app: api } }\n  ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: http }] }]')),
    },
    {
      name: 'every pod of the labelled namespaces only',
      input: docs(deploy('api', 'shop'), policy('api', 'shop', '  podSelector: { matchLabels: { app: api } }\n  ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: shop } } }] }]')),
    },
    {
      name: 'namespaces picked by a label they must carry (Exists), which a new namespace lacks',
      input: docs(deploy('api', 'shop'), policy('api', 'shop', '  podSelector: { matchLabels: { app: api } }\n  ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: team, operator: Exists }] } }] }]')),
    },
    { name: 'host network is left to host-network-bypasses-policies', input: docs(deploy('agent', 'shop', '      hostNetwork: true\n'), onlyWeb, deploy('web', 'shop')) },
    { name: 'a job without ports serves nothing', input: docs(job, onlyWeb, deploy('web', 'shop')) },
  ],
  invalid: [
    {
      name: 'a workload no policy selects beside isolated ones',
      input: docs(deploy('web', 'shop'), deploy('api', 'shop'), onlyWeb),
      findings: [
        {
          resource: 'Deployment/api',
          field: 'spec.template.metadata.labels',
          severity: 'medium',
          message: 'no ingress NetworkPolicy selects it, though namespace shop has web: every pod of every namespace, namespaces created later included, can connect to it on all ports',
        },
      ],
    },
    {
      name: 'an ingress rule without from',
      input: docs(deploy('api', 'shop'), policy('allow-all', 'shop', '  podSelector: {}\n  ingress: [{}]')),
      findings: [{ resource: 'Deployment/api', message: 'ingress rule shop/allow-all spec.ingress[0] admits every pod of every namespace on all ports, namespaces created later included' }],
    },
    {
      name: 'namespaceSelector: {} on every port, beside a narrower rule',
      input: docs(
        deploy('api', 'shop'),
        policy('api', 'shop', '  podSelector: { matchLabels: { app: api } }\n  ingress:\n  - from: [{ podSelector: { matchLabels: { app: web } } }]\n    ports: [{ port: 8080 }]\n  - from: [{ namespaceSelector: {}, podSelector: {} }]'),
      ),
      findings: [{ message: 'ingress rule shop/api spec.ingress[1] admits every pod of every namespace on all ports, namespaces created later included' }],
    },
    {
      name: 'every namespace but named ones (kubernetes.io/metadata.name NotIn), which namespaces created later match too',
      input: docs(
        deploy('api', 'shop'),
        policy('api', 'shop', '  podSelector: { matchLabels: { app: api } }\n  ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: kubernetes.io/metadata.name, operator: NotIn, values: [sandbox] }] } }] }]'),
      ),
      findings: [{ resource: 'Deployment/api', message: 'ingress rule shop/api spec.ingress[0] admits every pod of every namespace but sandbox on all ports, namespaces created later included' }],
    },
    {
      name: 'a label NotIn: NotIn matches namespaces without the label, new ones included; the input namespaces carrying it are named',
      input: docs(
        'apiVersion: v1\nkind: Namespace\nmetadata: { name: dev-a, labels: { env: dev } }\n',
        'apiVersion: v1\nkind: Namespace\nmetadata: { name: prod, labels: { env: prod } }\n',
        deploy('api', 'shop'),
        policy('api', 'shop', '  podSelector: { matchLabels: { app: api } }\n  ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: env, operator: NotIn, values: [dev] }] } }] }]'),
      ),
      findings: [
        {
          resource: 'Deployment/api',
          message:
            'ingress rule shop/api spec.ingress[0] admits every pod of every namespace but those labelled env=dev on all ports, namespaces created later included: only a namespace labelled env=dev is left out (here: dev-a), so every namespace without that label, one created later included, is admitted',
        },
      ],
    },
    {
      name: 'a label DoesNotExist admits every namespace without it',
      input: docs(
        deploy('api', 'shop'),
        policy('api', 'shop', '  podSelector: { matchLabels: { app: api } }\n  ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: team, operator: DoesNotExist }] } }] }]'),
      ),
      findings: [{ resource: 'Deployment/api', message: /every namespace but those labelled team on all ports, namespaces created later included: only a namespace labelled team is left out \(none of the namespaces in the input\)/ }],
    },
    {
      name: 'a job that serves a port',
      input: docs(job.replace('"contoso.azurecr.io/migrate:1.0" }', '"contoso.azurecr.io/migrate:1.0", ports: [{ containerPort: 9000 }] }'), onlyWeb, deploy('web', 'shop')),
      findings: [{ resource: 'Job/migrate' }],
    },
  ],
});

describe('network/reachable-from-all-namespaces on a live read', () => {
  const live = docs(
    deploy('api', 'shop'),
    onlyWeb,
    deploy('web', 'shop'),
    `
apiVersion: apps/v1
kind: ReplicaSet
metadata: { name: api-7d9f, namespace: shop, uid: rs-1, ownerReferences: [{ apiVersion: apps/v1, kind: Deployment, name: api, controller: true }] }
spec:
  template:
    metadata: { labels: { app: api } }
    spec:
      containers: [{ name: app, image: "contoso.azurecr.io/api:1.0" }]
`,
    `
apiVersion: v1
kind: Pod
metadata: { name: api-7d9f-x2, namespace: shop, labels: { app: api }, ownerReferences: [{ apiVersion: apps/v1, kind: ReplicaSet, name: api-7d9f, uid: rs-1, controller: true }] }
spec:
  containers: [{ name: app, image: "contoso.azurecr.io/api:1.0" }]
`,
  );

  it('reports the workload once, on its controller, not on its ReplicaSet and Pods', () => {
    const resources = parseResources(live);
    const inventory = new Inventory(resources);
    const found = resources.filter((r) => ruleApplies(rule, r)).flatMap((r) => runRule(rule, r, inventory, DEFAULT_SETTINGS));
    expect(found.map((f) => `${f.resource.kind}/${f.resource.name}`)).toEqual(['Deployment/api']);
  });

  it('marks AKS-managed components provider-managed, as the suppressor does for every rule', () => {
    const coredns = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: coredns, namespace: kube-system, labels: { kubernetes.azure.com/managedby: aks } }
spec:
  template:
    metadata: { labels: { k8s-app: kube-dns } }
    spec:
      containers: [{ name: coredns, image: "mcr.microsoft.com/oss/kubernetes/coredns:v1.11.3", ports: [{ containerPort: 53, protocol: UDP }] }]
`;
    const resources = parseResources(docs(coredns, policy('metrics', 'kube-system', '  podSelector: { matchLabels: { app: metrics } }\n  ingress: [{}]')));
    const inventory = new Inventory(resources);
    const target = resources.find((r) => r.name === 'coredns')!;
    const found = runRule(rule, target, inventory, DEFAULT_SETTINGS);
    expect(found).toHaveLength(1);
    const suppressor = createSuppressor({ exceptions: [], allowAnnotations: true, aksManaged: true, now: new Date(), configSource: 'test' });
    suppressor.apply(target, found);
    expect(found[0]!.suppressed).toMatchObject({ kind: 'provider-managed' });
  });
});

describe('with the namespace default-deny rule', () => {
  const run = (yaml: string, ids: string[]) =>
    evaluate(
      RULES.filter((r) => ids.includes(r.meta.id)),
      new Inventory(parseResources(yaml)),
      DEFAULT_SETTINGS,
    ).findings.map((f) => `${f.rule} ${f.resource.kind}/${f.resource.name}`);
  const both = ['network/reachable-from-all-namespaces', 'network/namespace-without-default-deny-ingress'];
  // d is protected by its own policy; a, b and c are selected by none, and the namespace has no default deny.
  const yaml = docs(deploy('a', 'shop'), deploy('b', 'shop'), deploy('d', 'shop'), policy('d', 'shop', '  podSelector: { matchLabels: { app: d } }\n  ingress: [{ from: [{ podSelector: {} }] }]'));

  it('leaves the workloads no policy selects to the namespace finding that names them: one exposure, one finding', () => {
    expect(run(yaml, both)).toEqual(['network/namespace-without-default-deny-ingress Deployment/a']);
  });

  it('reports each of them when it runs alone', () => {
    expect(run(yaml, ['network/reachable-from-all-namespaces'])).toEqual(['network/reachable-from-all-namespaces Deployment/a', 'network/reachable-from-all-namespaces Deployment/b']);
  });

  it('still reports a workload whose own policy admits every namespace: that is the policy\'s fix', () => {
    const open = docs(deploy('a', 'shop'), policy('a', 'shop', '  podSelector: { matchLabels: { app: a } }\n  ingress: [{}]'));
    expect(run(open, both)).toContain('network/reachable-from-all-namespaces Deployment/a');
  });
});

describe('with the internet rule', () => {
  it('leaves a rule that admits every address (ingress: [{}]) to the internet finding: one problem, one finding', () => {
    const yaml = docs(deploy('a', 'shop'), policy('a', 'shop', '  podSelector: { matchLabels: { app: a } }\n  ingress: [{}]'));
    const ids = ['network/reachable-from-all-namespaces', 'network/reachable-from-internet'];
    const found = evaluate(RULES.filter((r) => ids.includes(r.meta.id)), new Inventory(parseResources(yaml)), DEFAULT_SETTINGS).findings.map((f) => f.rule);
    expect(found).toEqual(['network/reachable-from-internet']);
  });
});
