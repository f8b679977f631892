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

const statefulSet = (name: string, namespace: string, replicas: number) => `
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  replicas: ${replicas}
  template:
    metadata: { labels: { app: ${name} } }
    spec: { containers: [{ name: broker, image: "contoso.azurecr.io/${name}:1.0" }] }
`;
const job = (name: string, namespace: string, extra = '') => `
apiVersion: batch/v1
kind: Job
metadata: { name: ${name}, namespace: ${namespace} }
spec:${extra}
  template:
    metadata: { labels: { app: ${name} } }
    spec: { restartPolicy: Never, containers: [{ name: job, image: "contoso.azurecr.io/${name}:1.0" }] }
`;

ruleTester(rule, {
  valid: [
    {
      name: 'a StatefulSet replica by the pod-name label its controller sets',
      input: docs(statefulSet('kafka', 'data', 3), policy('kafka-2', 'data', '  podSelector: { matchLabels: { statefulset.kubernetes.io/pod-name: kafka-2 } }')),
    },
    {
      name: 'a Job\'s pods by the job-name label its defaulting sets',
      input: docs(job('migrate', 'data'), policy('migrate', 'data', '  podSelector: { matchLabels: { batch.kubernetes.io/job-name: migrate } }')),
    },
    {
      name: 'every Job pod by job-name Exists, a CronJob\'s included',
      input: docs(cronJob('report', 'data'), policy('jobs', 'data', '  podSelector: { matchExpressions: [{ key: job-name, operator: Exists }] }')),
    },
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
      name: 'a StatefulSet replica that does not exist',
      input: docs(statefulSet('kafka', 'data', 3), policy('kafka-3', 'data', '  podSelector: { matchLabels: { statefulset.kubernetes.io/pod-name: kafka-3 } }')),
      findings: [{ field: 'spec.podSelector' }],
    },
    {
      name: 'job-name on a Job that picks its pods itself (manualSelector): no label is added',
      input: docs(job('migrate', 'data', '\n  manualSelector: true\n  selector: { matchLabels: { app: migrate } }'), policy('migrate', 'data', '  podSelector: { matchLabels: { job-name: migrate } }')),
      findings: [{ field: 'spec.podSelector' }],
    },
    {
      name: 'a CronJob\'s job name is chosen when it fires: a literal one selects nothing',
      input: docs(cronJob('report', 'data'), policy('report', 'data', '  podSelector: { matchLabels: { job-name: report } }')),
      findings: [{ field: 'spec.podSelector' }],
    },
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
