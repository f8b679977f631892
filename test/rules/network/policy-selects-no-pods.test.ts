import rule from '../../../src/rules/network/policy-selects-no-pods.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { deploy, docs, policy } from './manifests.js';

const cronJob = (name: string, namespace: string) => `
apiVersion: batch/v1
kind: CronJob
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      template:
        metadata: { labels: { app: ${name}, tier: batch } }
        spec:
          restartPolicy: OnFailure
          containers: [{ name: job, image: "contoso.azurecr.io/${name}:1.0" }]
`;

ruleTester(rule, {
  valid: [
    { name: 'matchLabels matching a Deployment\'s pods', input: docs(deploy('web', 'shop'), policy('web', 'shop', '  podSelector: { matchLabels: { app: web } }')) },
    { name: 'an empty selector matches every pod', input: docs(deploy('web', 'shop'), policy('deny', 'shop', '  podSelector: {}')) },
    { name: 'an absent selector is the empty one', input: docs(deploy('web', 'shop'), policy('deny', 'shop', '  policyTypes: [Ingress]')) },
    {
      name: 'matchExpressions against a CronJob\'s pod template',
      input: docs(cronJob('report', 'shop'), policy('batch', 'shop', '  podSelector: { matchExpressions: [{ key: tier, operator: In, values: [batch, jobs] }] }')),
    },
    {
      name: 'no workload of the namespace in the scan: the input may be partial',
      input: docs(deploy('web', 'shop'), policy('api', 'payments', '  podSelector: { matchLabels: { app: api } }')),
    },
    { name: 'a policy with no workloads at all', input: policy('api', 'payments', '  podSelector: { matchLabels: { app: api } }') },
    {
      name: 'not a Kubernetes NetworkPolicy',
      input: docs(deploy('web', 'shop'), `
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: api, namespace: shop }
spec: { selector: app == 'api' }
`),
    },
  ],
  invalid: [
    {
      name: 'labels of another scheme',
      input: docs(
        deploy('checkout', 'shop'),
        deploy('storefront', 'shop', 'app.kubernetes.io/name: storefront'),
        policy('checkout-from-storefront', 'shop', '  podSelector: { matchLabels: { app.kubernetes.io/name: checkout } }'),
      ),
      findings: [
        {
          resource: 'NetworkPolicy/checkout-from-storefront',
          field: 'spec.podSelector',
          severity: 'medium',
          message: 'NetworkPolicy checkout-from-storefront selects no pod: its podSelector matches none of the 2 pod templates in namespace shop, so it protects nothing',
        },
      ],
    },
    {
      name: 'a label value that does not match',
      input: docs(deploy('web', 'shop'), policy('web', 'shop', '  podSelector: { matchLabels: { app: webb } }')),
      findings: [{ message: /none of the 1 pod template in namespace shop/ }],
    },
    {
      name: 'a matching pod in another namespace does not count',
      input: docs(deploy('api', 'payments'), deploy('web', 'shop'), policy('api', 'shop', '  podSelector: { matchLabels: { app: api } }')),
      findings: [{ resource: 'NetworkPolicy/api' }],
    },
    {
      name: 'NotIn that excludes every pod',
      input: docs(cronJob('report', 'shop'), policy('not-batch', 'shop', '  podSelector: { matchExpressions: [{ key: tier, operator: NotIn, values: [batch] }] }')),
      findings: [{ field: 'spec.podSelector' }],
    },
    {
      name: 'manifests without a namespace are one group',
      input: docs(deploy('web', undefined), policy('api', undefined, '  podSelector: { matchLabels: { app: api } }')),
      findings: [{ message: /in the manifests without a namespace/ }],
    },
  ],
});
