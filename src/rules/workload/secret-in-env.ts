import { defineRule, verifyCommand } from '../../core/rule.js';
import { asArray, asObj, asString } from '../../core/resource.js';
import { describeSecretMatch, detectSecret, findEmbeddedSecret, findSecretsInArgs, programName, type ArgScanOptions } from './secret-patterns.js';

/** The image's repository name, which single-tool images also give their entrypoint (`curlimages/curl`, `docker`). */
function imageProgram(image: string | undefined): string | undefined {
  if (image === undefined) return undefined;
  const path = image.split('@')[0] as string;
  const name = path.slice(path.lastIndexOf('/') + 1).split(':')[0] as string;
  return name === '' ? undefined : name.toLowerCase();
}

/** What `args` are given to: the command's first word, or else the image's entrypoint. */
function argsProgram(spec: Record<string, unknown>): string | undefined {
  const command = asArray(spec.command);
  if (command.length > 0) return typeof command[0] === 'string' ? programName(command[0]) : undefined;
  return imageProgram(asString(spec.image));
}

export default defineRule({
  meta: {
    id: 'workload/secret-in-env',
    title: 'Secret written as a literal env var value or container argument',
    severity: 'high',
    pillar: 'configuration',
    frameworks: [
      { framework: 'kubescape', id: 'C-0012' },
      { framework: 'cis-aks', id: '4.5.1' },
      // The value sits in the pod spec: anyone who can read the workload through the Kubernetes API has it.
      { framework: 'mitre', id: 'T1552.007' },
    ],
    description:
      'A credential written into a container env var, or into its command or args (a connection string passed ' +
      'to pg_dump, a SAS URL given to azcopy, a password after `sqlcmd -P`, `mysql -p` or `docker login -p`), is ' +
      'stored in the workload spec: everyone who can get or list the workload, its ReplicaSets or its pods reads ' +
      'it, it lands in Git, CI logs and `kubectl describe` output ' +
      '(arguments also in the process list of the node), and rotating it means redeploying.',
    remediation:
      'Move the value into Azure Key Vault and mount it with the Secrets Store CSI driver (or at least into a ' +
      'Kubernetes Secret mounted as a file), read it from the file or from an env var set with ' +
      'valueFrom.secretKeyRef instead of the command line, then rotate the exposed credential.',
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
        // A setting written inside the value counts too: `-Dspring.datasource.password=...` in JAVA_TOOL_OPTIONS.
        const match = detectSecret(name, env.value) ?? findEmbeddedSecret(env.value);
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
      for (const list of ['command', 'args'] as const) {
        const words = asArray(c.spec[list]);
        if (words.length === 0) continue;
        // A command's first word is its program; `args` go to the command, or to the image's entrypoint.
        const opts: ArgScanOptions = list === 'args' ? { program: argsProgram(c.spec) } : {};
        for (const match of findSecretsInArgs(words, opts)) {
          const where = `${list}[${match.index}]`;
          const how = describeSecretMatch(match);
          ctx.report({
            container: c.name,
            field: c.path(where),
            message: `container ${c.name} passes a literal secret in ${where} (${how})`,
            evidence: {
              observed: `literal value in ${where} (${how})`,
              expected: 'the credential read at run time from a mounted secret file or an env var set with valueFrom.secretKeyRef',
            },
            // The generated command would print the argument, and with it the secret: name the container only.
            verify: verifyCommand(ctx.resource, c.path('name')),
          });
        }
      }
    }
  },
});
