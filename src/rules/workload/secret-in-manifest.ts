import { defineRule, kubectlGet } from '../../core/rule.js';
import { asObj, isObj, type Obj } from '../../core/resource.js';
import { detectSecretValue, isUnresolvedOrPlaceholder } from './secret-patterns.js';

const MAX_LISTED_KEYS = 10;

interface Committed {
  key: string;
  /** The value, decoded; kept only to decide whether it is secret, never reported. */
  text: string;
}

/** Entries of `data` (base64) or `stringData` (plain) whose value is written down, not templated or encrypted. */
function committedEntries(map: Obj | undefined, encoded: boolean): Committed[] {
  if (!map) return [];
  const out: Committed[] = [];
  for (const [key, value] of Object.entries(map)) {
    if (typeof value !== 'string' || isUnresolvedOrPlaceholder(value)) continue;
    const text = encoded ? Buffer.from(value, 'base64').toString('utf8') : value;
    if (encoded && isUnresolvedOrPlaceholder(text)) continue;
    out.push({ key, text });
  }
  return out;
}

// What a connection needs besides its credential, which Secrets often carry next to it.
const NON_SECRET_KEYS = new Set([
  'username', 'user', 'user-name', 'user_name', 'userid', 'user-id', 'login', 'host', 'hostname', 'server', 'port',
  'database', 'db', 'dbname', 'database-name', 'namespace', 'region', 'email', 'ssl-mode', 'sslmode',
]);

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]{1,40})-----/g;

/** PEM text holding only certificates and public keys: a CA bundle (`ca.crt`), a server certificate. */
function onlyPublicPem(text: string): boolean {
  const kinds = [...text.matchAll(PEM_BLOCK)].map((m) => m[1] as string);
  return kinds.length > 0 && kinds.every((k) => k === 'CERTIFICATE' || k === 'TRUSTED CERTIFICATE' || k === 'PUBLIC KEY' || k === 'X509 CRL');
}

// A number is left out: a PIN is one.
const SWITCH = /^(?:true|false|yes|no|on|off|enabled?|disabled?)$/i;

/**
 * A value nobody could use to authenticate: a public certificate, a switch, or a user name, port,
 * host or database under the key that says so (unless the value has a credential's shape).
 */
function isNonSecret(e: Committed): boolean {
  const t = e.text.trim();
  if (onlyPublicPem(t) || SWITCH.test(t)) return true;
  return NON_SECRET_KEYS.has(e.key.toLowerCase()) && detectSecretValue(t) === undefined;
}

function listKeys(keys: string[]): string {
  const shown = keys.slice(0, MAX_LISTED_KEYS).join(', ');
  return keys.length > MAX_LISTED_KEYS ? `${shown} and ${keys.length - MAX_LISTED_KEYS} more` : shown;
}

export default defineRule({
  meta: {
    id: 'workload/secret-in-manifest',
    title: 'Secret values committed in a manifest',
    severity: 'medium',
    pillar: 'configuration',
    frameworks: [
      { framework: 'cis-aks', id: '4.5.2' },
      { framework: 'mitre', id: 'T1552.001' },
    ],
    description:
      'A Secret manifest with data or stringData puts the values (base64 is an encoding, not encryption) into ' +
      'every copy of the manifest: the Git history, CI artifacts, Helm release records. Whoever can read the ' +
      'repository has the credentials, and deleting them later does not remove them from history. A Secret whose ' +
      'committed values are all public (a CA certificate, a user name, a host, a switch) is not reported; when it ' +
      'holds a credential, every committed key is listed.',
    remediation:
      'Keep the values out of the manifests: store them in Azure Key Vault and mount them with the Secrets Store ' +
      'CSI driver (its secretObjects can sync a Kubernetes Secret when one is needed), or commit Sealed Secrets / ' +
      'SOPS-encrypted files, or use External Secrets Operator. Rotate the values that were committed.',
    references: [
      'https://learn.microsoft.com/azure/aks/csi-secrets-store-driver',
      'https://github.com/bitnami-labs/sealed-secrets',
      'https://external-secrets.io/',
    ],
  },
  target: { kinds: ['Secret'] },
  cel: { unsupported: 'it is about values committed with manifests; every Secret the API server receives holds its values, so a policy would refuse them all' },
  check(ctx) {
    const obj = ctx.resource.object;
    // SOPS encrypts the values in place and adds its metadata at the top level: nothing readable is committed.
    if (isObj(obj.sops)) return;
    const data = committedEntries(asObj(obj.data), true);
    const stringData = committedEntries(asObj(obj.stringData), false);
    // An empty Secret, a service-account-token Secret waiting for the token controller, or one holding
    // only what is public anyway (a CA certificate, a user name and a host), gives nothing away.
    if ([...data, ...stringData].every(isNonSecret)) return;
    const dataKeys = data.map((e) => e.key);
    const stringKeys = stringData.map((e) => e.key);
    const keys = [...dataKeys, ...stringKeys.filter((k) => !dataKeys.includes(k))];
    const field = dataKeys.length > 0 ? 'data' : 'stringData';
    const sections = [dataKeys.length > 0 ? `data: ${listKeys(dataKeys)}` : '', stringKeys.length > 0 ? `stringData: ${listKeys(stringKeys)}` : '']
      .filter((s) => s !== '')
      .join('; ');
    ctx.report({
      field,
      message: `Secret ${ctx.resource.name} carries ${keys.length} value${keys.length === 1 ? '' : 's'} in the manifest (${sections})`,
      evidence: {
        observed: `${sections}`,
        expected: 'no values in the manifest: Key Vault via the Secrets Store CSI driver, Sealed Secrets or External Secrets',
        keys,
      },
      // Shows which keys exist without printing their values.
      verify: kubectlGet(ctx.resource, 'go-template', '{{range $k, $v := .data}}{{$k}}{{"\\n"}}{{end}}'),
    });
  },
});
