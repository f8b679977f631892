import { defineDetector, falco, mitre } from '../detector.js';
import { bodyState, completed } from '../event.js';
import { isRecord } from './lib/pod.js';
import { refName, writeResult } from './lib/request.js';

/**
 * Words that mark a credential in a ConfigMap's keys or values: Falco's (AWS keys, password,
 * passphrase) and Azure's (storage account keys, SAS-style shared access keys, private keys).
 */
const CREDENTIAL_MARKERS = [
  'aws_access_key_id', 'aws-access-key-id', 'aws_s3_access_key_id', 'aws-s3-access-key-id', 'aws_secret_access_key',
  'password', 'passphrase', 'accountkey=', 'sharedaccesskey=', 'client_secret', 'private key-----',
];

export default defineDetector({
  meta: {
    id: 'audit/configmap-credentials',
    title: 'ConfigMap written with credentials in it',
    severity: 'medium',
    frameworks: [...falco('Create/Modify Configmap With Private Credentials'), ...mitre('T1552')],
    description: 'ConfigMaps are readable by anyone who may read configuration in the namespace and are not encrypted like Secrets: a password or key written there is exposed.',
    remediation: 'Move the value to a Secret (or Azure Key Vault with the Secrets Store CSI driver), rotate the credential, and rewrite the ConfigMap without it.',
  },
  create() {
    return (ev, ctx) => {
      if (ev.objectRef.resource !== 'configmaps' || ev.objectRef.subresource !== undefined) return;
      if ((ev.verb !== 'create' && ev.verb !== 'update' && ev.verb !== 'patch') || !completed(ev)) return;
      const state = bodyState(ev.requestObject);
      if (state === 'omitted') return ctx.undetermined('ConfigMap data');
      if (state !== 'present') return;
      const body = ev.requestObject as Record<string, unknown>;
      const keys: string[] = [];
      for (const field of ['data', 'binaryData']) {
        const data = body[field];
        if (!isRecord(data)) continue;
        for (const [k, v] of Object.entries(data)) {
          const text = `${k}\n${typeof v === 'string' ? v : ''}`.toLowerCase();
          if (CREDENTIAL_MARKERS.some((m) => text.includes(m))) keys.push(k);
        }
      }
      if (keys.length === 0) return;
      // Names the keys only: the values are the credentials.
      const result = writeResult(ev, ev.verb === 'create' ? 'created' : 'modified');
      ctx.report({ message: `ConfigMap ${refName(ev)} ${result.text} with credentials under key${keys.length > 1 ? 's' : ''} ${keys.join(', ')}`, severity: result.severity });
    };
  },
});
