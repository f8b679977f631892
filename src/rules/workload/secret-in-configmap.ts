import { escapeKey } from '../../core/field-path.js';
import { defineRule, kubectlGet } from '../../core/rule.js';
import { asObj, asString, type Resource } from '../../core/resource.js';
import {
  describeSecretMatch,
  detectSecret,
  findEmbeddedSecret,
  findPgpassSecret,
  findSecretInText,
  isPgpassFileName,
  isUnresolvedOrPlaceholder,
  secretNameKind,
  type ScanOptions,
  type SecretMatch,
} from './secret-patterns.js';

// Argo CD's own ConfigMaps, where it resolves `$key` and `$secret-name:key` against its Secrets.
const ARGO_CD_CONFIGMAPS = new Set([
  'argocd-cm',
  'argocd-rbac-cm',
  'argocd-cmd-params-cm',
  'argocd-notifications-cm',
  'argocd-ssh-known-hosts-cm',
  'argocd-tls-certs-cm',
  'argocd-gpg-keys-cm',
]);

function isArgoCdConfigMap(resource: Resource): boolean {
  if (ARGO_CD_CONFIGMAPS.has(resource.name)) return true;
  const labels = asObj(asObj(resource.object.metadata)?.labels);
  return asString(labels?.['app.kubernetes.io/part-of']) === 'argocd';
}

/** Text of a binaryData value, or undefined when it is not text (a keystore, an image). */
function binaryText(b64: string): string | undefined {
  const bytes = Buffer.from(b64, 'base64');
  const sample = bytes.subarray(0, 4096);
  if (sample.includes(0)) return undefined;
  return bytes.toString('utf8');
}

interface KeyMatch extends SecretMatch {
  line?: number;
}

function checkText(key: string, text: string, opts: ScanOptions): KeyMatch | undefined {
  // A PostgreSQL password file has no key names: its format says which field is the password.
  const pgpassLine = isPgpassFileName(key) ? findPgpassSecret(text) : undefined;
  if (pgpassLine !== undefined) return { by: 'name', detector: 'password', line: pgpassLine };
  // A one-line value is a setting on its own (`DB_PASSWORD: ...`), or a one-line file or command
  // (`{"Db":{"Password":"..."}}`); a multi-line one is a file.
  if (!text.includes('\n')) return detectSecret(key, text, opts) ?? findEmbeddedSecret(text, { ...opts, script: true });
  const inText = findSecretInText(text, opts);
  if (inText) return inText;
  // A file whose key names a secret (`password.txt`, `credentials.json`) is one.
  const kind = secretNameKind(key);
  if (kind && !isUnresolvedOrPlaceholder(text, opts)) return { by: 'name', detector: kind };
  return undefined;
}

export default defineRule({
  meta: {
    id: 'workload/secret-in-configmap',
    title: 'Secret stored in a ConfigMap',
    severity: 'high',
    pillar: 'configuration',
    frameworks: [
      { framework: 'kubescape', id: 'C-0012' },
      { framework: 'mitre', id: 'T1552' },
    ],
    description:
      'ConfigMaps are not meant for secrets: they are never encrypted apart from the rest of etcd, are readable by ' +
      'roles that are given ConfigMap access freely (view, monitoring agents), are printed by `kubectl describe` ' +
      'and are committed to Git with the rest of the configuration.',
    remediation:
      'Keep the credential in Azure Key Vault and mount it with the Secrets Store CSI driver (or in a Kubernetes ' +
      'Secret), reference it from the configuration file, and rotate the exposed value.',
    references: [
      'https://kubernetes.io/docs/concepts/configuration/configmap/',
      'https://learn.microsoft.com/azure/aks/csi-secrets-store-driver',
    ],
  },
  target: { kinds: ['ConfigMap'] },
  cel: { unsupported: 'it recognizes credentials by decoding values (base64, URL encoding, JSON token headers) and by the words of the key, which CEL cannot do' },
  check(ctx) {
    const opts: ScanOptions = { argoCd: isArgoCdConfigMap(ctx.resource) };
    for (const section of ['data', 'binaryData'] as const) {
      const entries = asObj(ctx.resource.object[section]);
      if (!entries) continue;
      for (const [key, value] of Object.entries(entries)) {
        if (typeof value !== 'string') continue;
        let match: KeyMatch | undefined;
        if (section === 'data') {
          match = checkText(key, value, opts);
        } else {
          const text = binaryText(value);
          if (text !== undefined) match = checkText(key, text, opts);
          else {
            // Binary content (a DER key, a keystore) can only be judged by its key's name.
            const kind = secretNameKind(key);
            if (kind) match = { by: 'name', detector: kind };
          }
        }
        if (!match) continue;
        const how = describeSecretMatch(match);
        const where = match.line !== undefined ? ` on line ${match.line}` : '';
        ctx.report({
          field: `${section}.${escapeKey(key)}`,
          message: `ConfigMap key ${key} holds a secret${where} (${how})`,
          evidence: {
            observed: `literal value (${how})${where}`,
            expected: 'no credentials in ConfigMaps: a Secret or Azure Key Vault',
            ...(match.line !== undefined ? { line: match.line } : {}),
          },
          // Lists the keys without printing their values.
          verify: kubectlGet(ctx.resource, 'go-template', `{{range $k, $v := .${section}}}{{$k}}{{"\\n"}}{{end}}`),
        });
      }
    }
  },
});
