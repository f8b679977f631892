import rule from '../../../src/rules/namespace/missing-pod-security-labels.js';
import { ruleTester } from '../../helpers/rule-tester.js';

const ns = (name: string, labels?: string) => `
apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
${labels === undefined ? '' : `  labels:\n${labels}`}
`;

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
  ],
  invalid: [
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
