import rule from '../../../src/rules/workload/default-service-account.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { deployment } from './fixtures.js';

const pod = (spec: string, labels = '') => `
apiVersion: v1
kind: Pod
metadata: { name: api, namespace: shop${labels ? `, labels: { ${labels} }` : ''} }
spec:
${spec}
  containers: [{ name: app, image: myregistry.azurecr.io/api:1.0 }]
`;

const defaultSa = (automount: boolean) => `
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: default, namespace: shop }
automountServiceAccountToken: ${automount}
`;

ruleTester(rule, {
  valid: [
    { name: 'a dedicated ServiceAccount', input: pod('  serviceAccountName: api') },
    { name: 'the deprecated field naming a dedicated ServiceAccount', input: pod('  serviceAccount: api') },
    { name: 'default, but no token mounted by the pod', input: pod('  automountServiceAccountToken: false') },
    { name: 'default, whose ServiceAccount hands out no token', input: pod('  serviceAccountName: default') + defaultSa(false) },
  ],
  invalid: [
    {
      name: 'serviceAccountName unset',
      input: pod('  restartPolicy: Always'),
      findings: [
        {
          field: 'spec.serviceAccountName',
          severity: 'low',
          message: "pod runs as the namespace's default ServiceAccount (serviceAccountName unset) and its token is mounted",
        },
      ],
    },
    {
      name: 'serviceAccountName: default, and an empty one',
      input: `${pod('  serviceAccountName: default')}---${pod('  serviceAccountName: ""').replace('name: api', 'name: api2')}`,
      findings: [
        { resource: 'Pod/api', field: 'spec.serviceAccountName', message: /\(serviceAccountName: default\)/ },
        { resource: 'Pod/api2', field: 'spec.serviceAccountName', message: /\(serviceAccountName unset\)/ },
      ],
    },
    {
      name: 'the deprecated field set to default',
      input: pod('  serviceAccount: default'),
      findings: [{ field: 'spec.serviceAccount', message: /serviceAccount: default \(deprecated field\)/ }],
    },
    {
      name: 'pod sets true although the default ServiceAccount opts out',
      input: pod('  automountServiceAccountToken: true') + defaultSa(false),
      findings: [{ message: /and its token is mounted$/ }],
    },
    {
      name: 'no token, but a projected one',
      input: pod(`  automountServiceAccountToken: false
  volumes: [{ name: t, projected: { sources: [{ serviceAccountToken: { path: token, audience: api } }] } }]`),
      findings: [{ message: /and it projects its token$/ }],
    },
    {
      name: 'no token, but Azure workload identity on the shared ServiceAccount',
      input: pod('  automountServiceAccountToken: false', '"azure.workload.identity/use": "true"'),
      findings: [{ message: /and it uses Azure workload identity$/ }],
    },
    {
      name: 'Deployment path',
      input: deployment('      containers: [{ name: app, image: myregistry.azurecr.io/web:1.0 }]', 'web', 'shop'),
      findings: [{ field: 'spec.template.spec.serviceAccountName' }],
    },
  ],
});
