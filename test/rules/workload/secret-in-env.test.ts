import { expect, it } from 'vitest';
import rule from '../../../src/rules/workload/secret-in-env.js';
import { findingsFor, ruleTester } from '../../helpers/rule-tester.js';
import { fake } from './fake-secrets.js';
import { pod as basePod, cronJob, deployment } from './fixtures.js';

const q = JSON.stringify;

/** A pod of one container app; `env` is its env list, indented eight spaces. */
const pod = (env: string) =>
  basePod(
    `  containers:
    - name: app
      image: myregistry.azurecr.io/api:1.4.2
      env:
${env}`,
    '{ name: api, namespace: shop }',
  );

ruleTester(rule, {
  valid: [
    {
      name: 'secrets come from secretKeyRef',
      input: pod(`        - { name: DB_PASSWORD, valueFrom: { secretKeyRef: { name: db, key: password } } }`),
    },
    {
      name: 'ordinary settings',
      input: pod(`        - { name: LOG_LEVEL, value: info }
        - { name: ASPNETCORE_URLS, value: "http://+:8080" }
        - { name: KEYVAULT_URL, value: "https://shop-kv.vault.azure.net/" }
        - { name: AZURE_CLIENT_ID, value: "00000000-0000-0000-0000-000000000000" }
        - { name: APPINSIGHTS_INSTRUMENTATIONKEY, value: "00000000-0000-0000-0000-000000000000" }
        - { name: PORT, value: "8080" }`),
    },
    {
      name: 'settings about secrets, files and references',
      input: pod(`        - { name: POSTGRES_PASSWORD_FILE, value: /run/secrets/db/password }
        - { name: AZURE_FEDERATED_TOKEN_FILE, value: /var/run/secrets/azure/tokens/azure-identity-token }
        - { name: TOKEN_TTL, value: "3600" }
        - { name: PASSWORD_MIN_LENGTH, value: "12" }
        - { name: SECRET_NAME, value: db-credentials }
        - { name: DB_PASSWORD, value: "$(VAULT_DB_PASSWORD)" }
        - { name: API_KEY, value: "\${API_KEY}" }
        - { name: REDIS_PASSWORD, value: "" }
        - { name: ADMIN_PASSWORD, value: changeme }
        - { name: MYSQL_ALLOW_EMPTY_PASSWORD, value: "yes" }
        - { name: DATABASE_URL, value: "postgres://app:$(PGPASSWORD)@db:5432/app" }`),
    },
    {
      name: 'the Azurite development connection string is public',
      input: pod(`        - { name: STORAGE, value: ${q(fake.azuriteConnection())} }`),
    },
    { name: 'env that is not a list', input: pod(`        oops`) },
    { name: 'a numeric value is rejected by the API server, not a secret here', input: pod(`        - { name: DB_PASSWORD, value: 123456 }`) },
  ],
  invalid: [
    {
      name: 'secret by name',
      input: pod(`        - { name: LOG_LEVEL, value: info }
        - { name: DB_PASSWORD, value: ${q('fake' + 'Pw-2024')} }`),
      findings: [
        {
          field: 'spec.containers[0].env[1].value',
          container: 'app',
          severity: 'high',
          message: 'container app sets env var DB_PASSWORD to a literal secret (name: password)',
        },
      ],
    },
    {
      name: 'secret by value, under an innocent name',
      input: pod(`        - { name: STORAGE, value: ${q(fake.storageConnection())} }
        - { name: BUS, value: ${q(fake.serviceBusConnection())} }
        - { name: AUTH_HEADER, value: ${q(fake.bearer())} }`),
      findings: [
        { field: 'spec.containers[0].env[0].value', message: 'container app sets env var STORAGE to a literal secret (azure-storage-connection-string)' },
        { field: 'spec.containers[0].env[1].value', message: 'container app sets env var BUS to a literal secret (azure-shared-access-key)' },
        { field: 'spec.containers[0].env[2].value', message: /bearer-token/ },
      ],
    },
    {
      name: 'init and ephemeral containers in a Deployment',
      input: deployment(
        `
      initContainers:
        - name: migrate
          image: myregistry.azurecr.io/migrate:1.0
          env: [{ name: ConnectionStrings__Db, value: ${q(fake.sqlConnection())} }]
      containers:
        - { name: app, image: myregistry.azurecr.io/api:1.0 }
      ephemeralContainers:
        - name: debug
          image: busybox:1.36
          env: [{ name: GH, value: ${q(fake.githubToken())} }]`,
        'api',
      ),
      findings: [
        { field: 'spec.template.spec.initContainers[0].env[0].value', container: 'migrate', message: /sql-connection-string/ },
        { field: 'spec.template.spec.ephemeralContainers[0].env[0].value', container: 'debug', message: /github-token/ },
      ],
    },
    {
      name: 'CronJob paths',
      input: cronJob(
        `
          containers:
            - name: job
              image: myregistry.azurecr.io/report:2.1
              env:
                - { name: API_TOKEN, value: ${q(fake.jwt())} }
                - { name: AWS_SECRET_ACCESS_KEY, value: ${q('fake' + 'Secret/Key+' + 'Value123')} }`,
        '{ name: report }',
        '"0 3 * * *"',
      ),
      findings: [
        { field: 'spec.jobTemplate.spec.template.spec.containers[0].env[0].value', container: 'job', message: /\(jwt\)$/ },
        { field: 'spec.jobTemplate.spec.template.spec.containers[0].env[1].value', container: 'job', message: /\(name: access-key\)$/ },
      ],
    },
  ],
});

it('never puts the value in the finding', () => {
  const secrets = [fake.storageConnection(), fake.jwt(), 'fake' + 'Pw-2024', fake.urlWithPassword()];
  const input = pod(secrets.map((s, i) => `        - { name: DB_PASSWORD_${i}, value: ${q(s)} }`).join('\n'));
  const findings = findingsFor(rule, input);
  expect(findings).toHaveLength(secrets.length);
  const text = JSON.stringify(findings);
  for (const s of secrets) expect(text).not.toContain(s);
  expect(findings[0]?.verify).toBe("kubectl get pod api -n shop -o jsonpath='{.spec.containers[0].env[*].name}'");
  expect(findings[0]?.evidence).toEqual({
    observed: 'literal value (azure-storage-connection-string)',
    expected: 'valueFrom.secretKeyRef, or a secret mounted as a file from Azure Key Vault',
  });
});
