import { defineRule, verifyCommand } from '../../core/rule.js';
import { asArray, asObj, asString } from '../../core/resource.js';
import { describeSecretMatch, detectSecret } from './secret-patterns.js';

export default defineRule({
  meta: {
    id: 'workload/secret-in-env',
    title: 'Secret written as a literal env var value',
    severity: 'high',
    pillar: 'configuration',
    frameworks: [
      { framework: 'kubescape', id: 'C-0012' },
      { framework: 'cis-aks', id: '4.5.1' },
      // The value sits in the pod spec: anyone who can read the workload through the Kubernetes API has it.
      { framework: 'mitre', id: 'T1552.007' },
    ],
    description:
      'A credential written into a container env var is stored in the workload spec: everyone who can get or ' +
      'list the workload, its ReplicaSets or its pods reads it, it lands in Git, CI logs and `kubectl describe` ' +
      'output, and rotating it means redeploying.',
    remediation:
      'Move the value into Azure Key Vault and mount it with the Secrets Store CSI driver (or at least into a ' +
      'Kubernetes Secret mounted as a file), then rotate the exposed credential.',
    references: [
      'https://learn.microsoft.com/azure/aks/csi-secrets-store-driver',
      'https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod',
    ],
  },
  target: { pods: true },
  cel: { unsupported: 'it recognizes credentials by decoding values (base64, URL encoding, JSON token headers) and by the words of the variable name, which CEL cannot do' },
  check(ctx) {
    for (const c of ctx.containers()) {
      asArray(c.spec.env).forEach((raw, i) => {
        const env = asObj(raw);
        if (!env) return;
        const name = asString(env.name) ?? `#${i}`;
        const match = detectSecret(name, env.value);
        if (!match) return;
        const how = describeSecretMatch(match);
        ctx.report({
          container: c.name,
          field: c.path(`env[${i}].value`),
          message: `container ${c.name} sets env var ${name} to a literal secret (${how})`,
          evidence: {
            observed: `literal value (${how})`,
            expected: 'valueFrom.secretKeyRef, or a secret mounted as a file from Azure Key Vault',
          },
          // Lists the container's env var names: a verify command must not print the secret either.
          verify: verifyCommand(ctx.resource, c.path('env[*].name')),
        });
      });
    }
  },
});
