import { expect, it } from 'vitest';
import rule from '../../../src/rules/workload/secret-in-manifest.js';
import { findingsFor, ruleTester } from '../../helpers/rule-tester.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const fakePw = () => 'fake' + '-Pw-' + '2024';

const secret = (body: string, name = 'db-credentials') => `
apiVersion: v1
kind: Secret
metadata: { name: ${name}, namespace: shop }
${body}
`;

ruleTester(rule, {
  valid: [
    { name: 'no data at all', input: secret('type: Opaque') },
    { name: 'empty data and stringData', input: secret('data: {}\nstringData: {}') },
    { name: 'only empty values', input: secret('stringData: { password: "" }') },
    {
      name: 'a service-account-token Secret waiting for the token controller',
      input: `
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata:
  name: build-robot-token
  annotations: { kubernetes.io/service-account.name: build-robot }
`,
    },
    {
      name: 'values substituted at deploy time',
      input: secret('stringData:\n  password: "${DB_PASSWORD}"\n  username: "{{ .Values.db.user }}"\n  token: "#{ApiToken}#"'),
    },
    {
      name: 'a SOPS-encrypted Secret',
      input: secret(`stringData:
  password: ENC[AES256_GCM,data:Zm9vYmFy,iv:aXY=,tag:dGFn,type:str]
sops:
  azure_kv:
    - vaultUrl: https://shop-kv.vault.azure.net
      name: sops-key
  version: 3.8.1`),
    },
    { name: 'a base64 placeholder', input: secret(`data: { password: ${b64('changeme')} }`) },
    {
      name: 'only a public CA certificate',
      input: secret(`data: { ca.crt: ${b64('-----BEGIN CERTIFICATE-----\nMIIB' + 'C'.repeat(60) + '\n-----END CERTIFICATE-----\n')} }`, 'ca-bundle'),
    },
    { name: 'only a switch', input: secret('stringData: { enabled: "true" }', 'flags') },
    { name: 'only a user name and a host', input: secret('stringData: { username: admin, host: db.internal, port: "5432" }', 'db-endpoint') },
    { name: 'a user name next to a templated password', input: secret(`data: { password: ${b64('${DB_PASSWORD}')}, user: ${b64('admin')} }`) },
  ],
  invalid: [
    {
      name: 'data committed in the manifest',
      input: secret(`type: Opaque
data:
  username: ${b64('app')}
  password: ${b64(fakePw())}`),
      findings: [
        {
          field: 'data',
          severity: 'medium',
          resource: 'Secret/db-credentials',
          message: 'Secret db-credentials carries 2 values in the manifest (data: username, password)',
        },
      ],
    },
    {
      name: 'stringData, and both sections',
      input: `${secret(`stringData: { api-key: ${JSON.stringify(fakePw())} }`, 'api')}
---
${secret(`data: { tls.key: ${b64('fake-key')} }\nstringData: { token: ${JSON.stringify(fakePw())} }`, 'mixed')}`,
      findings: [
        { field: 'stringData', resource: 'Secret/api', message: 'Secret api carries 1 value in the manifest (stringData: api-key)' },
        { field: 'data', resource: 'Secret/mixed', message: 'Secret mixed carries 2 values in the manifest (data: tls.key; stringData: token)' },
      ],
    },
    {
      name: 'a service-account-token Secret exported with its token',
      input: `
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata: { name: build-robot-token, annotations: { kubernetes.io/service-account.name: build-robot } }
data: { token: ${b64('fake.token.value')}, namespace: ${b64('default')} }
`,
      findings: [{ field: 'data', message: /data: token, namespace/ }],
    },
    {
      name: 'a public certificate next to its private key, and a user name next to a password',
      input: `${secret(`data: { tls.crt: ${b64('-----BEGIN CERTIFICATE-----\nMIIB' + 'C'.repeat(60) + '\n-----END CERTIFICATE-----\n')}, tls.key: ${b64('fake-key')} }`, 'tls')}
---
${secret(`stringData: { username: admin, host: ${JSON.stringify('postgres://admin:' + fakePw() + '@db/app')} }`, 'url')}`,
      findings: [
        { resource: 'Secret/tls', message: 'Secret tls carries 2 values in the manifest (data: tls.crt, tls.key)' },
        // A value with a credential's shape counts under any key.
        { resource: 'Secret/url', message: 'Secret url carries 2 values in the manifest (stringData: username, host)' },
      ],
    },
    { name: 'a number under a key that is no port', input: secret('stringData: { pin: "482913" }', 'pin'), findings: [{ message: 'Secret pin carries 1 value in the manifest (stringData: pin)' }] },
    {
      name: 'a docker config Secret',
      input: secret(`type: kubernetes.io/dockerconfigjson\ndata: { .dockerconfigjson: ${b64('{"auths":{}}')} }`, 'acr-pull'),
      findings: [{ message: 'Secret acr-pull carries 1 value in the manifest (data: .dockerconfigjson)' }],
    },
  ],
});

it('lists keys, never values, and its verify command prints no value', () => {
  const pw = fakePw();
  const [f] = findingsFor(rule, secret(`stringData: { password: ${JSON.stringify(pw)} }`));
  expect(f).toBeDefined();
  expect(JSON.stringify(f)).not.toContain(pw);
  expect(f?.evidence.keys).toEqual(['password']);
  expect(f?.verify).toContain('go-template');
  expect(f?.verify).not.toContain('jsonpath');
});

it('shortens a long key list', () => {
  const keys = Array.from({ length: 14 }, (_, i) => `k${i}: ${JSON.stringify(fakePw())}`).join(', ');
  const [f] = findingsFor(rule, secret(`stringData: { ${keys} }`));
  expect(f?.message).toMatch(/k9 and 4 more\)$/);
});
