import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/core/engine.js';
import { Inventory } from '../../../src/core/inventory.js';
import { DEFAULT_SETTINGS } from '../../../src/core/settings.js';
import rule from '../../../src/rules/workload/automount-service-account-token.js';
import withPermissions from '../../../src/rules/workload/service-account-token-with-permissions.js';
import { parseResources, ruleTester } from '../../helpers/rule-tester.js';
import { deployment } from './fixtures.js';

const sa = (name: string, ns: string | null, automount?: boolean) => `
apiVersion: v1
kind: ServiceAccount
metadata: { name: ${name}${ns ? `, namespace: ${ns}` : ''} }
${automount === undefined ? '' : `automountServiceAccountToken: ${automount}`}
`;

const binding = (sa: string) => `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: ${sa}-reader, namespace: shop }
subjects: [{ kind: ServiceAccount, name: ${sa}, namespace: shop }]
roleRef: { kind: Role, name: reader, apiGroup: rbac.authorization.k8s.io }
`;

const deploy = (podSpec: string, ns: string | null = 'shop') => deployment(`${podSpec}\n      containers: [{ name: app, image: myregistry.azurecr.io/web:1.0 }]`, 'web', ns);

ruleTester(rule, {
  valid: [
    { name: 'pod opts out, ServiceAccount would mount', input: `${deploy('      serviceAccountName: web\n      automountServiceAccountToken: false')}---${sa('web', 'shop', true)}` },
    { name: 'pod opts out, ServiceAccount opts out', input: `${deploy('      serviceAccountName: web\n      automountServiceAccountToken: false')}---${sa('web', 'shop', false)}` },
    { name: 'pod unset, its ServiceAccount opts out', input: `${deploy('      serviceAccountName: web')}---${sa('web', 'shop', false)}` },
    { name: 'pod unset, the namespace default ServiceAccount opts out', input: `${deploy('')}---${sa('default', 'shop', false)}` },
    {
      name: 'no namespace in the manifest lands in default',
      input: `${deploy('', null)}---${sa('default', 'default', false)}`,
    },
    {
      name: 'pod opts out and projects its own audience-bound token',
      input: deploy(`      automountServiceAccountToken: false
      volumes:
        - name: vault-token
          projected: { sources: [{ serviceAccountToken: { audience: vault, expirationSeconds: 600, path: token } }] }`),
    },
    { name: 'a ServiceAccount on its own is not a pod', input: sa('web', 'shop', true) },
  ],
  invalid: [
    {
      name: 'pod sets true: it wins over the ServiceAccount',
      input: `${deploy('      serviceAccountName: web\n      automountServiceAccountToken: true')}---${sa('web', 'shop', false)}`,
      findings: [
        {
          field: 'spec.template.spec.automountServiceAccountToken',
          severity: 'medium',
          message: 'pod spec sets automountServiceAccountToken: true: every container gets a token of ServiceAccount web',
        },
      ],
    },
    {
      name: 'pod unset, ServiceAccount present without the field',
      input: `${deploy('      serviceAccountName: web')}---${sa('web', 'shop')}`,
      findings: [
        {
          field: 'spec.template.spec.automountServiceAccountToken',
          message: 'pod does not set automountServiceAccountToken and its ServiceAccount web does not set automountServiceAccountToken: false: the token is mounted',
        },
      ],
    },
    {
      name: 'pod unset, ServiceAccount sets true',
      input: `${deploy('      serviceAccountName: web')}---${sa('web', 'shop', true)}`,
      findings: [{ message: /ServiceAccount web sets automountServiceAccountToken: true: the token is mounted$/ }],
    },
    {
      name: 'pod unset, ServiceAccount not in the input: the API default mounts',
      input: deploy(''),
      findings: [
        {
          field: 'spec.template.spec.automountServiceAccountToken',
          message:
            'pod does not set automountServiceAccountToken and ServiceAccount default is not in the scanned input: the token is mounted unless that ServiceAccount sets automountServiceAccountToken: false',
        },
      ],
    },
    {
      name: 'a ServiceAccount of the same name in another namespace does not count',
      input: `${deploy('      serviceAccountName: web')}---${sa('web', 'other', false)}`,
      findings: [{ message: /ServiceAccount web is not in the scanned input/ }],
    },
    {
      name: 'the deprecated serviceAccount field names the ServiceAccount',
      input: `${deploy('      serviceAccount: legacy')}---${sa('legacy', 'shop')}`,
      findings: [{ message: /its ServiceAccount legacy does not set/ }],
    },
    {
      // Run without workload/service-account-token-with-permissions: the account holds a role, so the advice is not to turn the token off.
      name: 'a ServiceAccount that RBAC grants a role: the workload likely calls the API',
      input: `${deploy('      serviceAccountName: web')}---${sa('web', 'shop')}---${binding('web')}`,
      findings: [
        {
          field: 'spec.template.spec.automountServiceAccountToken',
          message:
            'pod does not set automountServiceAccountToken and its ServiceAccount web does not set automountServiceAccountToken: false: the token is mounted; ' +
            'a binding grants ServiceAccount shop/web permissions, so the workload likely calls the API: rather than turning the token off, keep its RBAC ' +
            'to what the workload needs, or mount a projected token with a short expirationSeconds in the containers that call the API only',
          evidence: { expected: 'least-privilege RBAC for the ServiceAccount, or a short-lived projected token in the containers that call the API' },
        },
      ],
    },
    {
      name: 'CronJob and bare Pod paths',
      input: `
apiVersion: batch/v1
kind: CronJob
metadata: { name: report, namespace: shop }
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          automountServiceAccountToken: true
          restartPolicy: OnFailure
          containers: [{ name: job, image: myregistry.azurecr.io/report:1.0 }]
---
apiVersion: v1
kind: Pod
metadata: { name: debug, namespace: shop }
spec:
  containers: [{ name: sh, image: busybox:1.36 }]
`,
      findings: [
        { resource: 'CronJob/report', field: 'spec.jobTemplate.spec.template.spec.automountServiceAccountToken' },
        { resource: 'Pod/debug', field: 'spec.automountServiceAccountToken' },
      ],
    },
  ],
});

describe('beside workload/service-account-token-with-permissions', () => {
  const scan = (yaml: string) =>
    evaluate([rule, withPermissions], new Inventory(parseResources(yaml)), DEFAULT_SETTINGS).findings.map((f) => `${f.field ?? ''} <- ${f.rule}`);

  it('leaves a token that RBAC grants permissions to to that rule: one finding on the field', () => {
    expect(scan(`${deploy('      serviceAccountName: web')}---${sa('web', 'shop')}---${binding('web')}`)).toEqual([
      'spec.template.spec.automountServiceAccountToken <- workload/service-account-token-with-permissions',
    ]);
  });

  it('still reports a token without permissions itself', () => {
    expect(scan(`${deploy('      serviceAccountName: web')}---${sa('web', 'shop')}---${binding('other')}`)).toEqual([
      'spec.template.spec.automountServiceAccountToken <- workload/automount-service-account-token',
    ]);
  });
});
