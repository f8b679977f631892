import rule from '../../../src/rules/network/namespace-without-default-deny-ingress.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { deploy, docs, ns, policy } from './manifests.js';

const DENY_INGRESS = `  podSelector: {}
  policyTypes: [Ingress]`;

ruleTester(rule, {
  valid: [
    {
      name: 'default deny ingress with explicit policyTypes',
      input: docs(ns('shop'), deploy('web', 'shop'), policy('deny', 'shop', DENY_INGRESS)),
    },
    {
      name: 'policyTypes defaulted: a policy without them is an Ingress policy',
      input: docs(ns('shop'), deploy('web', 'shop'), policy('deny', 'shop', '  podSelector: {}')),
    },
    {
      name: 'default deny in both directions with an empty ingress list',
      input: docs(deploy('web', 'shop'), policy('deny', 'shop', '  podSelector: { matchLabels: {} }\n  policyTypes: [Ingress, Egress]\n  ingress: []')),
    },
    { name: 'a namespace without workloads', input: docs(ns('empty'), policy('web', 'empty', '  podSelector: { matchLabels: { app: web } }')) },
    { name: 'kube-system is AKS\'s to manage', input: docs(ns('kube-system'), deploy('my-agent', 'kube-system')) },
    {
      name: 'a namespace of host-network pods only: no policy could apply to them',
      input: docs(ns('agents'), deploy('node-agent', 'agents', 'app: node-agent', '      hostNetwork: true\n')),
    },
    {
      name: 'an add-on namespace holding only AKS components',
      input: docs(
        ns('app-routing-system'),
        `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
  namespace: app-routing-system
  labels: { kubernetes.azure.com/managedby: aks }
spec:
  template:
    metadata: { labels: { app: nginx } }
    spec:
      containers: [{ name: nginx, image: "mcr.microsoft.com/oss/kubernetes/ingress/nginx-ingress-controller:v1.11.5" }]
`,
      ),
    },
    {
      name: 'a Namespace object is the one finding: workloads do not repeat it',
      input: docs(deploy('web', 'shop'), policy('deny', 'shop', DENY_INGRESS), deploy('api', 'shop')),
    },
  ],
  invalid: [
    {
      name: 'a namespace that serves admission webhooks: the finding says to let the API server in',
      input: docs(
        ns('cert-manager'),
        deploy('cert-manager-webhook', 'cert-manager'),
        `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: { name: cert-manager-webhook }
webhooks:
  - name: webhook.cert-manager.io
    clientConfig: { service: { name: cert-manager-webhook, namespace: cert-manager, path: /validate } }
    failurePolicy: Fail
`,
      ),
      findings: [
        {
          resource: 'Namespace/cert-manager',
          message: /; it serves admission webhooks \(Service cert-manager-webhook \(cert-manager-webhook\)\): a default deny must let the API server's calls to them in \(on AKS from konnectivity-agent or the API server's subnet\), or the webhooks fail$/,
        },
      ],
    },
    {
      name: 'no policy at all: reported on the Namespace, naming the open workloads',
      input: docs(deploy('web', 'shop'), ns('shop'), deploy('api', 'shop')),
      findings: [
        {
          resource: 'Namespace/shop',
          severity: 'medium',
          message:
            'namespace shop has no default-deny ingress NetworkPolicy: no ingress policy restricts 2 of 2 workloads (Deployment/web, Deployment/api), which accept connections from any pod in the cluster',
        },
      ],
    },
    {
      name: 'no Namespace object: reported once, on the first workload',
      input: docs(deploy('web', 'shop'), deploy('api', 'shop'), policy('web', 'shop', '  podSelector: { matchLabels: { app: web } }')),
      findings: [{ resource: 'Deployment/web', severity: 'medium', message: /no ingress policy restricts 1 of 2 workloads \(Deployment\/api\), which accepts connections from any pod in the cluster$/ }],
    },
    {
      name: 'the first workload that uses the pod network carries it',
      input: docs(deploy('agent', 'shop', 'app: agent', '      hostNetwork: true\n'), deploy('web', 'shop')),
      findings: [{ resource: 'Deployment/web', message: /1 of 1 workload \(Deployment\/web\)/ }],
    },
    {
      name: 'a select-all policy with rules isolates but is no default deny',
      input: docs(
        ns('shop'),
        deploy('web', 'shop'),
        policy('from-ingress', 'shop', '  podSelector: {}\n  ingress:\n    - from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: app-routing-system } } }]'),
      ),
      findings: [{ resource: 'Namespace/shop', severity: 'low', message: /from-ingress selects every pod but also allows traffic/ }],
    },
    {
      name: 'ingress: [{}] allows everything: the pods it selects are open',
      input: docs(ns('shop'), deploy('web', 'shop'), deploy('api', 'shop'), policy('allow-all', 'shop', '  podSelector: {}\n  ingress: [{}]'), policy('api', 'shop', '  podSelector: { matchLabels: { app: api } }')),
      findings: [
        {
          severity: 'medium',
          message:
            'namespace shop has no default-deny ingress NetworkPolicy: Deployment/web, Deployment/api are opened by allow-all, which allows all ingress: they accept connections from any pod in the cluster',
        },
      ],
    },
    {
      name: 'a rule with ports is no allow-all',
      input: docs(ns('shop'), deploy('web', 'shop'), policy('web-8080', 'shop', '  podSelector: {}\n  ingress: [{ ports: [{ port: 8080 }] }]')),
      findings: [{ severity: 'low', message: /web-8080 selects every pod but also allows traffic/ }],
    },
    {
      name: 'every workload selected by its own policy: low',
      input: docs(ns('shop'), deploy('web', 'shop'), policy('web', 'shop', '  podSelector: { matchLabels: { app: web } }\n  policyTypes: [Ingress]')),
      findings: [{ severity: 'low', message: /every workload is selected by an ingress policy today, but a workload added later starts open/ }],
    },
    {
      name: 'a StatefulSet with one replica selected by name still runs open pods',
      input: docs(
        ns('data'),
        `apiVersion: apps/v1\nkind: StatefulSet\nmetadata: { name: kafka, namespace: data }\nspec:\n  replicas: 2\n  template:\n    metadata: { labels: { app: kafka } }\n    spec: { containers: [{ name: broker, image: x }] }\n`,
        policy('kafka-0', 'data', '  podSelector: { matchLabels: { statefulset.kubernetes.io/pod-name: kafka-0 } }\n  policyTypes: [Ingress]'),
      ),
      findings: [{ severity: 'medium', message: /1 of 1 workloads? \(StatefulSet\/kafka\)/ }],
    },
    {
      name: 'a Cilium or Calico policy the engine enforces may be the default deny: info, naming it',
      input: docs(
        ns('shop'),
        deploy('web', 'shop'),
        `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: { name: deny-all, namespace: shop }\nspec: { endpointSelector: {}, ingress: [{}] }\n`,
      ),
      findings: [{ severity: 'info', message: /CiliumNetworkPolicy shop\/deny-all applies here too and may deny by default/ }],
    },
    {
      name: 'a cluster-wide Calico policy counts in every namespace',
      input: docs(ns('shop'), deploy('web', 'shop'), `apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: { name: default-deny }\nspec: { selector: all(), types: [Ingress] }\n`),
      findings: [{ severity: 'info', message: /GlobalNetworkPolicy default-deny applies here too/ }],
    },
    {
      name: "a GlobalNetworkPolicy whose namespaceSelector takes in another namespace does not soften this one's finding",
      input: docs(
        ns('shop'),
        deploy('web', 'shop'),
        `apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: { name: default-deny }\nspec: { namespaceSelector: "projectcalico.org/name == 'cal'", types: [Ingress, Egress] }\n`,
      ),
      findings: [{ severity: 'medium', message: /1 of 1 workload/ }],
    },
    {
      name: 'a GlobalNetworkPolicy whose namespaceSelector takes the namespace in by a label of its Namespace softens it',
      input: docs(
        `apiVersion: v1\nkind: Namespace\nmetadata: { name: shop, labels: { tier: web } }\n`,
        deploy('web', 'shop'),
        `apiVersion: crd.projectcalico.org/v1\nkind: GlobalNetworkPolicy\nmetadata: { name: default-deny }\nspec: { namespaceSelector: "has(tier) && tier in {'web', 'api'}", selector: all() }\n`,
      ),
      findings: [{ severity: 'info', message: /GlobalNetworkPolicy default-deny applies here too/ }],
    },
    {
      name: 'a GlobalNetworkPolicy with egress types only does not stand in for an ingress default deny',
      input: docs(ns('shop'), deploy('web', 'shop'), `apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: { name: deny-egress }\nspec: { selector: all(), types: [Egress] }\n`),
      findings: [{ severity: 'medium' }],
    },
    {
      name: 'a Calico selector with ||, starts with and parentheses is read: this one takes the namespace in',
      input: docs(
        ns('shop'),
        deploy('web', 'shop'),
        `apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: { name: deny }\nspec: { namespaceSelector: "projectcalico.org/name == 'a' || (projectcalico.org/name starts with 'sh' && !has(sandbox))" }\n`,
      ),
      findings: [{ severity: 'info', message: /GlobalNetworkPolicy deny applies here too/ }],
    },
    {
      name: 'a Calico selector with || that leaves the namespace out does not soften its finding',
      input: docs(
        ns('shop'),
        deploy('web', 'shop'),
        `apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: { name: deny }\nspec: { namespaceSelector: "projectcalico.org/name == 'a' || projectcalico.org/name ends with 'sh'" }\n`,
      ),
      findings: [{ severity: 'medium', message: /1 of 1 workload/ }],
    },
    {
      name: "a label key an object inherits (constructor) is no label of the Namespace: the policy does not take it in",
      input: docs(
        ns('shop'),
        deploy('web', 'shop'),
        `apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: { name: deny }\nspec: { namespaceSelector: "has(constructor) || toString contains 'x'" }\n`,
      ),
      findings: [{ severity: 'medium', message: /1 of 1 workload/ }],
    },
    {
      name: 'a GlobalNetworkPolicy whose selector no pod can satisfy softens nothing',
      input: docs(ns('shop'), deploy('web', 'shop'), `apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: { name: deny }\nspec: { selector: "app == 'a' && app == 'b'", types: [Ingress] }\n`),
      findings: [{ severity: 'medium', message: /1 of 1 workload/ }],
    },
    {
      name: 'a staged Calico policy enforces nothing, and softens nothing',
      input: docs(ns('shop'), deploy('web', 'shop'), `apiVersion: projectcalico.org/v3\nkind: StagedGlobalNetworkPolicy\nmetadata: { name: default-deny }\nspec: { selector: all(), types: [Ingress] }\n`),
      findings: [{ severity: 'medium', message: /1 of 1 workload/ }],
    },
    {
      name: 'a Calico selector that is not read keeps the finding at info, saying the policy may apply',
      input: docs(
        ns('shop'),
        deploy('web', 'shop'),
        `apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: { name: deny }\nspec: { namespaceSelector: "projectcalico.org/name =~ 'sh.*'" }\n`,
      ),
      findings: [{ severity: 'info', message: /GlobalNetworkPolicy deny may apply here \(its selector is not read\) and may deny by default/ }],
    },
    {
      name: 'a BaselineAdminNetworkPolicy whose subject is another namespace does not soften this one',
      input: docs(
        ns('shop'),
        deploy('web', 'shop'),
        `apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata: { name: default }\nspec:\n  subject: { namespaces: { matchLabels: { kubernetes.io/metadata.name: partial } } }\n  ingress: [{ name: deny, action: Deny, from: [{ namespaces: {} }] }]\n`,
      ),
      findings: [{ severity: 'medium' }],
    },
    {
      name: 'an AdminNetworkPolicy with egress rules only does not soften the ingress finding',
      input: docs(
        ns('shop'),
        deploy('web', 'shop'),
        `apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: { name: egress }\nspec:\n  priority: 10\n  subject: { namespaces: {} }\n  egress: [{ name: deny, action: Deny, to: [{ networks: [0.0.0.0/0] }] }]\n`,
      ),
      findings: [{ severity: 'medium' }],
    },
    {
      name: 'a v1alpha2 ClusterNetworkPolicy whose subject pods are in the namespace softens it',
      input: docs(
        ns('anp'),
        deploy('web', 'anp'),
        `apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata: { name: baseline-deny }\nspec:\n  tier: Baseline\n  priority: 100\n  subject: { pods: { namespaceSelector: { matchExpressions: [{ key: kubernetes.io/metadata.name, operator: In, values: [anp] }] }, podSelector: {} } }\n  ingress: [{ name: deny-all, action: Deny, from: [{ namespaces: {} }] }]\n`,
      ),
      findings: [{ severity: 'info', message: /ClusterNetworkPolicy baseline-deny applies here too/ }],
    },
    {
      name: 'a v1alpha2 ClusterNetworkPolicy for another namespace does not soften this one',
      input: docs(
        ns('shop'),
        deploy('web', 'shop'),
        `apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata: { name: baseline-deny }\nspec:\n  tier: Baseline\n  priority: 100\n  subject: { namespaces: { matchLabels: { kubernetes.io/metadata.name: anp } } }\n  ingress: [{ name: deny-all, action: Deny, from: [{ namespaces: {} }] }]\n`,
      ),
      findings: [{ severity: 'medium' }],
    },
    {
      name: 'a CiliumClusterwideNetworkPolicy selecting pods of another namespace, or nodes, does not soften this one',
      input: docs(
        ns('shop'),
        deploy('web', 'shop'),
        `apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: { name: pay-deny }\nspec: { endpointSelector: { matchLabels: { k8s:io.kubernetes.pod.namespace: pay } }, ingress: [{}] }\n`,
        `apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: { name: host }\nspec: { nodeSelector: {}, ingress: [{}] }\n`,
      ),
      findings: [{ severity: 'medium' }],
    },
    {
      name: 'a CiliumClusterwideNetworkPolicy selecting every endpoint softens it',
      input: docs(ns('shop'), deploy('web', 'shop'), `apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: { name: all }\nspec: { endpointSelector: {}, ingress: [{}] }\n`),
      findings: [{ severity: 'info', message: /CiliumClusterwideNetworkPolicy all applies here too/ }],
    },
    {
      name: 'an egress-only default deny does not deny ingress',
      input: docs(ns('shop'), deploy('web', 'shop'), policy('deny-egress', 'shop', '  podSelector: {}\n  policyTypes: [Egress]')),
      findings: [{ severity: 'medium', message: /1 of 1 workload/ }],
    },
    {
      name: 'a selector with an expression does not select every pod',
      input: docs(ns('shop'), deploy('web', 'shop'), policy('deny', 'shop', '  podSelector: { matchExpressions: [{ key: app, operator: Exists }] }\n  policyTypes: [Ingress]')),
      findings: [{ severity: 'low' }],
    },
    {
      name: 'a policy in another namespace does not count',
      input: docs(ns('shop'), deploy('web', 'shop'), policy('deny', 'payments', DENY_INGRESS)),
      findings: [{ resource: 'Namespace/shop', severity: 'medium' }],
    },
    {
      name: 'manifests without a namespace: info, the namespace is chosen when they are applied',
      input: docs(deploy('web', undefined), deploy('api', undefined)),
      findings: [{ resource: 'Deployment/web', severity: 'info', message: /^the namespace these manifests are applied to \(they name none\) has no default-deny ingress NetworkPolicy: a default deny may come/ }],
    },
    {
      name: 'a default deny without a namespace may be the one: info',
      input: docs(ns('shop'), deploy('web', 'shop'), policy('deny', undefined, DENY_INGRESS)),
      findings: [{ severity: 'info', message: /deny would be one, but it names no namespace/ }],
    },
    {
      name: 'a user workload in an add-on namespace is the operator\'s',
      input: docs(ns('gatekeeper-system'), deploy('my-exporter', 'gatekeeper-system')),
      findings: [{ resource: 'Namespace/gatekeeper-system' }],
    },
    {
      name: 'one finding per namespace',
      input: docs(ns('shop'), ns('legacy'), deploy('web', 'shop'), deploy('old', 'legacy'), deploy('older', 'legacy')),
      findings: [
        { resource: 'Namespace/shop', message: /^namespace shop / },
        { resource: 'Namespace/legacy', message: /^namespace legacy .*2 of 2 workloads/ },
      ],
    },
  ],
});
