import { expect, it } from 'vitest';
import rule from '../../../src/rules/workload/secret-in-configmap.js';
import { findingsFor, ruleTester } from '../../helpers/rule-tester.js';
import { fake } from './fake-secrets.js';

const q = JSON.stringify;
const b64 = (s: string) => Buffer.from(s).toString('base64');

const cm = (data: string, section = 'data') => `
apiVersion: v1
kind: ConfigMap
metadata: { name: api-config, namespace: shop }
${section}:
${data}
`;

ruleTester(rule, {
  valid: [
    {
      name: 'ordinary settings',
      input: cm(`  LOG_LEVEL: info
  FEATURE_FLAGS: "checkout,search"
  KEYVAULT_NAME: shop-kv
  TOKEN_AUDIENCE: "api://AzureADTokenExchange"
  APPLICATIONINSIGHTS_CONNECTION_STRING: "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/"`),
    },
    {
      name: 'a configuration file that references its secrets',
      input: cm(`  appsettings.json: |
    {
      "ConnectionStrings": { "Db": "Server=tcp:db.database.windows.net;Database=shop;Authentication=Active Directory Workload Identity" },
      "AzureAd": { "ClientSecret": "\${AZURE_CLIENT_SECRET}" },
      "Redis": { "PasswordFile": "/mnt/secrets/redis-password" }
    }
  application.properties: |
    spring.datasource.password=\${DB_PASSWORD}
    server.ssl.key-store-password=
    security.token.ttl=3600`),
    },
    { name: 'a public CA certificate', input: cm(`  ca.crt: ${q('-----BEGIN CERTIFICATE-----\nMIIB' + 'C'.repeat(60) + '\n-----END CERTIFICATE-----\n')}`) },
    { name: 'binary content under an ordinary name', input: cm(`  logo.png: ${b64('\u0000\u0001PNG')}`, 'binaryData') },
    { name: 'data that is not a map', input: cm(`  - a\n  - b`) },
  ],
  invalid: [
    {
      name: 'a secret-named key with a literal value',
      input: cm(`  LOG_LEVEL: info
  REDIS_PASSWORD: ${q('fake' + 'Redis-Pw1')}`),
      findings: [{ field: 'data.REDIS_PASSWORD', severity: 'high', message: 'ConfigMap key REDIS_PASSWORD holds a secret (name: password)' }],
    },
    {
      name: 'a connection string under an innocent key',
      input: cm(`  storage: ${q(fake.storageConnection())}`),
      findings: [{ field: 'data.storage', message: 'ConfigMap key storage holds a secret (azure-storage-connection-string)' }],
    },
    {
      name: 'a secret inside a configuration file, with its line',
      input: cm(`  application.properties: |
    server.port=8080
    spring.datasource.url=jdbc:sqlserver://db.database.windows.net
    spring.datasource.password=${'fake' + 'Pw1234'}
  appsettings.json: ${q(JSON.stringify({ Storage: fake.storageConnection() }, null, 2))}`),
      findings: [
        { field: 'data.application\\.properties', message: 'ConfigMap key application.properties holds a secret on line 3 (name: password)' },
        { field: 'data.appsettings\\.json', message: 'ConfigMap key appsettings.json holds a secret on line 2 (azure-storage-connection-string)' },
      ],
    },
    {
      name: 'a private key file',
      input: cm(`  tls.key: ${q(fake.privateKey())}`),
      findings: [{ field: 'data.tls\\.key', message: 'ConfigMap key tls.key holds a secret on line 1 (private-key)' }],
    },
    {
      name: 'binaryData: decoded text, and binary content under a secret name',
      input: cm(`  kubeconfig: ${b64('users:\n- name: ci\n  user:\n    token: ' + fake.jwt() + '\n')}
  client.key: ${b64('\u0000\u0030\u0082fake-der-bytes')}`, 'binaryData'),
      findings: [
        { field: 'binaryData.kubeconfig', message: 'ConfigMap key kubeconfig holds a secret on line 4 (jwt)' },
        { field: 'binaryData.client\\.key', message: 'ConfigMap key client.key holds a secret (name: private-key)' },
      ],
    },
  ],
});

it('never puts the value in the finding', () => {
  const secret = fake.sqlConnection();
  const findings = findingsFor(rule, cm(`  db: ${q(secret)}`));
  expect(findings).toHaveLength(1);
  expect(JSON.stringify(findings)).not.toContain(secret);
  expect(JSON.stringify(findings)).not.toContain('FakePw-1234');
  expect(findings[0]?.verify).toBe(`kubectl get cm api-config -n shop -o go-template='{{range $k, $v := .data}}{{$k}}{{"\\n"}}{{end}}'`);
});
