import { defineRule, kubectlGet } from '../../core/rule.js';
import { asObj, isObj, type Obj } from '../../core/resource.js';
import { isUnresolvedOrPlaceholder } from './secret-patterns.js';

const MAX_LISTED_KEYS = 10;

/** Keys of `data` (base64) or `stringData` (plain) whose value is written down, not templated or encrypted. */
function committedKeys(map: Obj | undefined, encoded: boolean): string[] {
  if (!map) return [];
  const keys: string[] = [];
  for (const [key, value] of Object.entries(map)) {
    if (typeof value !== 'string' || isUnresolvedOrPlaceholder(value)) continue;
    if (encoded && isUnresolvedOrPlaceholder(Buffer.from(value, 'base64').toString('utf8'))) continue;
    keys.push(key);
  }
  return keys;
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
      'repository has the credentials, and deleting them later does not remove them from history.',
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
    const dataKeys = committedKeys(asObj(obj.data), true);
    const stringKeys = committedKeys(asObj(obj.stringData), false);
    // An empty Secret, or a service-account-token Secret waiting for the token controller, holds nothing.
    if (dataKeys.length === 0 && stringKeys.length === 0) return;
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
