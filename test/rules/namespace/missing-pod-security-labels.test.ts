import rule from '../../../src/rules/namespace/missing-pod-security-labels.js';
import { ruleTester } from '../../helpers/rule-tester.js';

const ns = (name: string, labels?: string) => `
apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
${labels === undefined ? '' : `  labels:\n${labels}`}
`;

/** A Pod with the given container securityContext (YAML flow mapping body). */
const pod = (namespace: string, name: string, securityContext: string) => `
apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  containers:
    - name: app
      image: example.azurecr.io/app@sha256:${'a'.repeat(64)}
      securityContext: { ${securityContext} }
`;

const RESTRICTED = 'allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: [ALL] }, seccompProfile: { type: RuntimeDefault }';

const ENFORCE = 'metadata.labels.pod-security\\.kubernetes\\.io/enforce';

ruleTester(rule, {
  valid: [
    { name: 'enforce restricted', input: ns('shop', '    pod-security.kubernetes.io/enforce: restricted') },
    {
      name: 'enforce baseline with a pinned version, warn restricted',
      input: ns(
        'shop',
        `    pod-security.kubernetes.io/enforce: baseline
    pod-security.kubernetes.io/enforce-version: v1.30
    pod-security.kubernetes.io/warn: restricted
    pod-security.kubernetes.io/warn-version: latest`,
      ),
    },
    { name: 'AKS system namespaces are the platform\'s', input: `${ns('kube-system')}---${ns('kube-public')}---${ns('kube-node-lease')}` },
    ...['gatekeeper-system', 'aks-istio-system', 'aks-istio-ingress', 'tigera-operator'].map((name) => ({
      name: `AKS's add-on namespace ${name}, labelled as AKS reconciles it`,
      input: ns(name, '    addonmanager.kubernetes.io/mode: Reconcile\n    kubernetes.azure.com/managedby: aks'),
    })),
    { name: 'app-routing-system as the application routing operator labels it', input: ns('app-routing-system', '    app.kubernetes.io/managed-by: aks-app-routing-operator') },
    {
      name: 'calico-system, created privileged by the tigera operator for its Installation',
      input: `
apiVersion: v1
kind: Namespace
metadata:
  name: calico-system
  labels: { pod-security.kubernetes.io/enforce: privileged }
  ownerReferences: [{ apiVersion: operator.tigera.io/v1, kind: Installation, name: default, uid: u, controller: true }]
`,
    },
  ],
  invalid: [
    {
      // A namespace of an add-on's name without AKS's mark is the user's (their own Gatekeeper, say).
      name: 'gatekeeper-system the user created',
      input: ns('gatekeeper-system'),
      findings: [{ field: ENFORCE, severity: 'medium' }],
    },
    {
      // EnsureExists is the add-on manager's "create once, then the user's": no proof of AKS's namespace.
      name: 'an add-on namespace name with the EnsureExists label only',
      input: ns('aks-istio-ingress', '    addonmanager.kubernetes.io/mode: EnsureExists'),
      findings: [{ field: ENFORCE }],
    },
    {
      name: 'a user namespace with AKS\'s labels copied onto it',
      input: ns('shop', '    kubernetes.azure.com/managedby: aks'),
      findings: [{ field: ENFORCE }],
    },
    {
      name: 'every pod of the namespace in the input meets restricted: the advice is restricted',
      input: `${ns('shop')}---${pod('shop', 'web', RESTRICTED)}---${pod('other', 'agent', 'privileged: true')}`,
      findings: [
        {
          field: ENFORCE,
          message: 'namespace shop has no pod-security.kubernetes.io/enforce label: Pod Security Admission admits any pod in it; every pod in the input meets restricted',
          evidence: { expected: 'pod-security.kubernetes.io/enforce: restricted' },
        },
      ],
    },
    {
      name: 'a pod that meets baseline only: the advice is baseline, naming it and the restricted check',
      input: `${ns('shop')}---${pod('shop', 'web', RESTRICTED)}---${pod('shop', 'legacy', 'allowPrivilegeEscalation: false')}`,
      findings: [
        {
          field: ENFORCE,
          message: /every pod in the input meets baseline \(Pod\/legacy fails restricted's (capabilities_restricted|runAsNonRoot|seccompProfile_restricted) check\)$/,
          evidence: { expected: 'pod-security.kubernetes.io/enforce: baseline' },
        },
      ],
    },
    {
      name: 'a pod that needs privileged: the advice says it must change before baseline is enforced',
      input: `${ns('monitoring')}---${pod('monitoring', 'web', RESTRICTED)}---${pod('monitoring', 'node-agent', 'privileged: true')}`,
      findings: [
        {
          field: ENFORCE,
          message: "namespace monitoring has no pod-security.kubernetes.io/enforce label: Pod Security Admission admits any pod in it; Pod/node-agent needs privileged (it fails baseline's privileged check), so enforcing baseline would refuse its pods",
          evidence: { expected: "pod-security.kubernetes.io/enforce: baseline, once Pod/node-agent passes its privileged check (or moves to a namespace of its own)" },
        },
      ],
    },
    {
      name: 'warn labels only, pods meeting restricted: the advice is restricted there too',
      input: `${ns('shop', '    pod-security.kubernetes.io/warn: restricted')}---${pod('shop', 'web', RESTRICTED)}`,
      findings: [{ field: ENFORCE, severity: 'low', message: /reported but never blocked; every pod in the input meets restricted$/, evidence: { expected: 'pod-security.kubernetes.io/enforce: restricted' } }],
    },
    {
      name: 'no labels at all',
      input: ns('shop'),
      findings: [
        {
          field: ENFORCE,
          severity: 'medium',
          message: 'namespace shop has no pod-security.kubernetes.io/enforce label: Pod Security Admission admits any pod in it',
        },
      ],
    },
    {
      name: 'other labels only',
      input: ns('shop', '    team: payments'),
      findings: [{ field: ENFORCE, severity: 'medium' }],
    },
    {
      name: 'warn and audit without enforce',
      input: ns('shop', '    pod-security.kubernetes.io/warn: restricted\n    pod-security.kubernetes.io/audit: baseline'),
      findings: [
        {
          field: ENFORCE,
          severity: 'low',
          message: 'namespace shop sets only warn=restricted, audit=baseline Pod Security labels: violations are reported but never blocked',
        },
      ],
    },
    {
      name: 'enforce privileged is a visible decision',
      input: ns('monitoring', '    pod-security.kubernetes.io/enforce: privileged'),
      findings: [{ field: ENFORCE, severity: 'info', message: 'namespace monitoring enforces the privileged Pod Security level: no pod is restricted here' }],
    },
    {
      name: 'an invalid enforce level',
      input: ns('shop', '    pod-security.kubernetes.io/enforce: Restricted'),
      findings: [
        {
          field: ENFORCE,
          severity: 'high',
          message:
            'namespace shop sets pod-security.kubernetes.io/enforce to "Restricted", which is not privileged, baseline or restricted: Pod Security Admission rejects the namespace when it is created or relabelled',
        },
      ],
    },
    {
      name: 'invalid versions and warn levels, each reported',
      input: ns(
        'shop',
        `    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: "1.29"
    pod-security.kubernetes.io/warn: strict`,
      ),
      findings: [
        { field: 'metadata.labels.pod-security\\.kubernetes\\.io/enforce-version', severity: 'high', message: /to "1\.29", which is not latest or v1\.<minor>/ },
        { field: 'metadata.labels.pod-security\\.kubernetes\\.io/warn', severity: 'high', message: /to "strict"/ },
      ],
    },
    {
      name: 'a non-string label value',
      input: ns('shop', '    pod-security.kubernetes.io/enforce: 1'),
      findings: [{ severity: 'high', message: /enforce to 1, which is not/ }],
    },
    {
      name: 'labels that are not a map',
      input: ns('shop', '    - a'),
      findings: [{ severity: 'medium' }],
    },
  ],
});
