import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/workload/service-account-token-with-permissions.js';
import { findingsFor, ruleTester } from '../../helpers/rule-tester.js';
import { deployment } from './fixtures.js';

const deploy = (podSpec: string, ns: string | null = 'shop') => deployment(`${podSpec}\n      containers: [{ name: app, image: shop.azurecr.io/web:1.0 }]`, 'web', ns);

const sa = (name: string, ns: string, automount?: boolean) => `
apiVersion: v1
kind: ServiceAccount
metadata: { name: ${name}, namespace: ${ns} }
${automount === undefined ? '' : `automountServiceAccountToken: ${automount}`}
`;

const roleBinding = (name: string, ns: string | null, subjects: string, roleRef = '{ kind: Role, name: web-reader, apiGroup: rbac.authorization.k8s.io }') => `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: ${name}${ns ? `, namespace: ${ns}` : ''} }
subjects: ${subjects}
roleRef: ${roleRef}
`;

const clusterRoleBinding = (name: string, subjects: string, role = 'cluster-admin') => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: ${name} }
subjects: ${subjects}
roleRef: { kind: ClusterRole, name: ${role}, apiGroup: rbac.authorization.k8s.io }
`;

const WEB_SA = '      serviceAccountName: web';
const webSubject = '[{ kind: ServiceAccount, name: web, namespace: shop }]';

ruleTester(rule, {
  valid: [
    { name: 'token mounted, no binding at all', input: deploy(WEB_SA) },
    {
      name: 'token mounted, bindings name other ServiceAccounts',
      input: [
        deploy(WEB_SA),
        roleBinding('api-reader', 'shop', '[{ kind: ServiceAccount, name: api, namespace: shop }]'),
        clusterRoleBinding('ops', '[{ kind: User, name: web }]'),
        // Kubernetes' own discovery bindings for every authenticated caller are not a grant worth reporting.
        clusterRoleBinding('system:discovery', '[{ kind: Group, name: "system:authenticated" }]', 'system:discovery'),
        // Nor the token-issuer discovery binding every cluster has had since 1.20, for every ServiceAccount.
        clusterRoleBinding('system:service-account-issuer-discovery', '[{ kind: Group, name: "system:serviceaccounts" }]', 'system:service-account-issuer-discovery'),
      ].join('---'),
    },
    {
      name: 'a binding for a ServiceAccount of the same name in another namespace',
      input: [
        deploy(WEB_SA),
        roleBinding('web-reader', 'payments', '[{ kind: ServiceAccount, name: web }]'),
        clusterRoleBinding('payments-web', '[{ kind: ServiceAccount, name: web, namespace: payments }]'),
      ].join('---'),
    },
    { name: 'token disabled in the pod', input: [deploy(`${WEB_SA}\n      automountServiceAccountToken: false`), roleBinding('web-reader', 'shop', webSubject)].join('---') },
    { name: 'token disabled on the ServiceAccount', input: [deploy(WEB_SA), sa('web', 'shop', false), clusterRoleBinding('web-admin', webSubject)].join('---') },
    {
      name: 'token disabled; a projected token has an audience the API server does not accept',
      input: [
        deploy(`${WEB_SA}
      automountServiceAccountToken: false
      volumes:
        - name: azure-identity-token
          projected: { sources: [{ serviceAccountToken: { audience: api://AzureADTokenExchange, path: token } }] }`),
        roleBinding('web-reader', 'shop', webSubject),
      ].join('---'),
    },
    {
      name: 'the group of another namespace',
      input: [deploy(WEB_SA), clusterRoleBinding('payments-sas', '[{ kind: Group, name: "system:serviceaccounts:payments", apiGroup: rbac.authorization.k8s.io }]')].join('---'),
    },
    {
      name: 'the bound role is in the input and grants nothing',
      input: [
        deploy(WEB_SA),
        roleBinding('web-reader', 'shop', webSubject),
        '\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: { name: web-reader, namespace: shop }\nrules: []\n',
      ].join('---'),
    },
    { name: 'odd shapes do not throw', input: [deploy(WEB_SA), roleBinding('odd', 'shop', '"web"', 'web-reader'), clusterRoleBinding('odd2', '[null, 3, { kind: ServiceAccount, name: web }]')].join('---') },
    { name: 'a ServiceAccount on its own is not a pod', input: [sa('web', 'shop'), roleBinding('web-reader', 'shop', webSubject)].join('---') },
  ],
  invalid: [
    {
      name: 'RoleBinding in the pod namespace, token automounted',
      input: [deploy(WEB_SA), sa('web', 'shop'), roleBinding('web-reader', 'shop', webSubject)].join('---'),
      findings: [
        {
          resource: 'Deployment/web',
          field: 'spec.template.spec.automountServiceAccountToken',
          severity: 'medium',
          message:
            'pod gets a token of ServiceAccount shop/web (automounted: neither the pod nor the ServiceAccount sets automountServiceAccountToken: false), ' +
            'and RoleBinding shop/web-reader grants Role web-reader: code in any container can use these permissions',
        },
      ],
    },
    {
      name: 'a RoleBinding subject without a namespace means the binding namespace; the pod sets true',
      input: [deploy(`${WEB_SA}\n      automountServiceAccountToken: true`), sa('web', 'shop', false), roleBinding('web-reader', 'shop', '[{ kind: ServiceAccount, name: web }]')].join('---'),
      findings: [{ message: /^pod gets a token of ServiceAccount shop\/web \(the pod spec sets automountServiceAccountToken: true\), and RoleBinding shop\/web-reader grants Role web-reader:/ }],
    },
    {
      name: 'ClusterRoleBinding, ServiceAccount not in the input; RoleBinding in another namespace naming this ServiceAccount',
      input: [
        deploy(WEB_SA),
        clusterRoleBinding('web-admin', webSubject),
        roleBinding('shop-web-deployer', 'ci', webSubject, '{ kind: ClusterRole, name: edit, apiGroup: rbac.authorization.k8s.io }'),
      ].join('---'),
      findings: [
        {
          message:
            'pod gets a token of ServiceAccount shop/web (automounted: the pod does not set automountServiceAccountToken: false and the ServiceAccount is not in the input), ' +
            'and RoleBinding ci/shop-web-deployer grants ClusterRole edit; ClusterRoleBinding web-admin grants ClusterRole cluster-admin: code in any container can use these permissions',
        },
      ],
    },
    {
      name: 'group subjects: every ServiceAccount, and every ServiceAccount of the namespace; default ServiceAccount',
      input: [
        deploy(''),
        clusterRoleBinding('all-sas-view', '[{ kind: Group, name: "system:serviceaccounts", apiGroup: rbac.authorization.k8s.io }]', 'view'),
        roleBinding('shop-sas', 'shop', '[{ kind: Group, name: "system:serviceaccounts:shop", apiGroup: rbac.authorization.k8s.io }]'),
      ].join('---'),
      findings: [
        {
          message:
            /^pod gets a token of ServiceAccount shop\/default .*, and RoleBinding shop\/shop-sas grants Role web-reader \(to Group system:serviceaccounts:shop\); ClusterRoleBinding all-sas-view grants ClusterRole view \(to Group system:serviceaccounts\):/,
        },
      ],
    },
    {
      name: 'token disabled but projected without an audience; a manifest without namespace lands in default',
      input: [
        deploy(
          `      automountServiceAccountToken: false
      volumes:
        - name: config
          configMap: { name: web }
        - name: kube-api
          projected: { sources: [{ serviceAccountToken: { path: token, expirationSeconds: 3600 } }] }`,
          null,
        ),
        roleBinding('default-reader', 'default', '[{ kind: ServiceAccount, name: default, namespace: default }]'),
      ].join('---'),
      findings: [
        {
          field: 'spec.template.spec.volumes[1].projected.sources[0].serviceAccountToken.audience',
          message: /^pod gets a token of ServiceAccount default\/default \(projected without an audience in volume kube-api\), and RoleBinding default\/default-reader/,
          // automountServiceAccountToken is already false: the fix is the projected token's audience.
          evidence: { expected: 'an audience other than the API server on the projected token, or no projected token' },
        },
      ],
    },
    {
      name: 'an aggregated ClusterRole gets its rules from the controller, so empty rules still grant',
      input: [
        deploy(WEB_SA),
        clusterRoleBinding('web-monitoring', webSubject, 'monitoring'),
        '\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: { name: monitoring }\naggregationRule: { clusterRoleSelectors: [{ matchLabels: { rbac.example.com/aggregate-to-monitoring: "true" } }] }\nrules: []\n',
      ].join('---'),
      findings: [{ message: /ClusterRoleBinding web-monitoring grants ClusterRole monitoring:/ }],
    },
    {
      name: 'a bare Pod and a CronJob',
      input: [
        'apiVersion: v1\nkind: Pod\nmetadata: { name: debug, namespace: shop }\nspec:\n  serviceAccountName: web\n  containers: [{ name: sh, image: busybox:1.36 }]\n',
        'apiVersion: batch/v1\nkind: CronJob\nmetadata: { name: report, namespace: shop }\nspec:\n  schedule: "@daily"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          serviceAccountName: web\n          restartPolicy: OnFailure\n          containers: [{ name: job, image: busybox:1.36 }]\n',
        roleBinding('web-reader', 'shop', webSubject),
      ].join('---\n'),
      findings: [
        { resource: 'Pod/debug', field: 'spec.automountServiceAccountToken' },
        { resource: 'CronJob/report', field: 'spec.jobTemplate.spec.template.spec.automountServiceAccountToken' },
      ],
    },
  ],
});

it('lists each granting binding once in the evidence', () => {
  const [f] = findingsFor(
    rule,
    [deploy(WEB_SA), roleBinding('web-reader', 'shop', `[{ kind: ServiceAccount, name: web, namespace: shop }, { kind: Group, name: "system:serviceaccounts:shop" }]`)].join('---'),
  );
  // An automounted token: the finding takes the place of workload/automount-service-account-token's and carries its references.
  expect(f?.frameworks.map((r) => `${r.framework}:${r.id}`)).toEqual([
    'kubescape:C-0261', 'mitre:T1528', 'cis-aks:4.1.6', 'kubescape:C-0034', 'kubescape:C-0190', 'trivy:KSV036', 'checkov:CKV_K8S_38',
  ]);
  expect(f?.evidence.observed).toEqual({
    serviceAccount: 'shop/web',
    token: 'automounted: the pod does not set automountServiceAccountToken: false and the ServiceAccount is not in the input',
    bindings: [{ kind: 'RoleBinding', namespace: 'shop', name: 'web-reader', role: 'Role web-reader', subject: 'ServiceAccount shop/web' }],
  });
});

describe('other subjects that name a service account', () => {
  const pod = `apiVersion: v1
kind: Pod
metadata: {name: api, namespace: shop}
spec: {serviceAccountName: api, containers: [{name: app, image: x}]}
`;
  const role = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
`;
  it.each([
    ['User system:serviceaccount:shop:api', 'User', 'system:serviceaccount:shop:api'],
    ['Group system:authenticated', 'Group', 'system:authenticated'],
  ])('%s', (_label, kind, name) => {
    const binding = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
subjects: [{kind: ${kind}, name: "${name}"}]
`;
    const found = findingsFor(rule, `${pod}---\n${role}---\n${binding}`);
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toContain('ClusterRoleBinding b');
  });
});

it("keeps its own references on a projected token, which workload/automount-service-account-token does not report", () => {
  const input = [
    deploy(`      automountServiceAccountToken: false
      volumes:
        - name: kube-api
          projected: { sources: [{ serviceAccountToken: { path: token } }] }`),
    roleBinding('web-reader', 'shop', '[{ kind: ServiceAccount, name: default, namespace: shop }]'),
  ].join('---');
  const [f] = findingsFor(rule, input);
  expect(f?.frameworks.map((r) => `${r.framework}:${r.id}`)).toEqual(['kubescape:C-0261', 'mitre:T1528', 'cis-aks:4.1.6']);
});
