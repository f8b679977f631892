import type { FrameworkRef } from '../../core/frameworks.js';
import { defineRule } from '../../core/rule.js';
import { asArray, asObj, asString } from '../../core/resource.js';
import { describe } from './lib/containers.js';

const META_FRAMEWORKS: FrameworkRef[] = [
  { framework: 'kubescape', id: 'C-0207' },
  { framework: 'cis-aks', id: '4.5.1' },
  { framework: 'checkov', id: 'CKV_K8S_35' },
];

export default defineRule({
  meta: {
    id: 'workload/secret-as-env-var',
    title: 'Secret passed to a container as an env var',
    severity: 'low',
    pillar: 'configuration',
    frameworks: META_FRAMEWORKS,
    description:
      'Environment variables leak: applications print them in startup and error logs, crash dumps and ' +
      'diagnostics endpoints include them, every child process inherits them, and they cannot be rotated without a ' +
      'restart. A Secret mounted as a file has none of these problems and is refreshed in place.',
    remediation:
      'Mount the Secret as a volume (or use the Secrets Store CSI driver with Azure Key Vault) and have the ' +
      'application read the file; many images accept a `*_FILE` variable that points at it.',
    references: [
      'https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod',
      'https://learn.microsoft.com/azure/aks/csi-secrets-store-driver',
    ],
  },
  target: { pods: true },
  cel: {
    validation: () => ({
      expression: 'variables.containers.all(c, c.?env.orValue([]).all(e, !e.?valueFrom.?secretKeyRef.hasValue()) && c.?envFrom.orValue([]).all(f, !has(f.secretRef)))',
    }),
  },
  check(ctx) {
    for (const c of ctx.containers()) {
      asArray(c.spec.env).forEach((raw, i) => {
        const env = asObj(raw);
        const ref = asObj(asObj(env?.valueFrom)?.secretKeyRef);
        if (!env || !ref) return;
        const name = asString(env.name) ?? `#${i}`;
        const secret = asString(ref.name) ?? '(unnamed)';
        const key = asString(ref.key) ?? '(no key)';
        ctx.report({
          container: c.name,
          field: c.path(`env[${i}].valueFrom.secretKeyRef`),
          message: `${describe(c)} reads key ${key} of Secret ${secret} into env var ${name}`,
          evidence: { observed: `env ${name} from secretKeyRef ${secret}/${key}`, expected: 'the Secret mounted as a file' },
        });
      });
      asArray(c.spec.envFrom).forEach((raw, i) => {
        const ref = asObj(asObj(raw)?.secretRef);
        if (!ref) return;
        const secret = asString(ref.name) ?? '(unnamed)';
        ctx.report({
          container: c.name,
          field: c.path(`envFrom[${i}].secretRef`),
          // Kubescape also counts a whole Secret imported as env vars under C-0012 (credentials in configuration).
          frameworks: [...META_FRAMEWORKS, { framework: 'kubescape', id: 'C-0012' }],
          message: `${describe(c)} loads every key of Secret ${secret} as env vars (envFrom)`,
          evidence: { observed: `envFrom secretRef ${secret}`, expected: 'the Secret mounted as a file' },
        });
      });
    }
  },
});
