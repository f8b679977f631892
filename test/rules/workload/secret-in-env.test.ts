import { expect, it } from 'vitest';
import rule from '../../../src/rules/workload/secret-in-env.js';
import { findingsFor, ruleTester } from '../../helpers/rule-tester.js';
import { fake } from './fake-secrets.js';
import { pod as basePod, cronJob, deployment } from './fixtures.js';

const q = JSON.stringify;
/** An obviously fake literal, assembled so that no file holds a credential-shaped string. */
const pw = (tag = '') => 'fake' + 'Pw-2024' + tag;

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

/** A pod of one container with this command and args, from this image. */
const commandPod = (image: string, lists: string) =>
  basePod(
    `  containers:
    - name: tool
      image: ${image}
${lists}`,
    '{ name: tool, namespace: ops }',
  );

ruleTester(rule, {
  valid: [
    {
      name: 'short flags that mean something else to the program, and env values that name no secret',
      input: `${commandPod('docker:27', `      args: [run, -p, "8080:80", nginx]`)}
---
${commandPod('curlimages/curl:8.8.0', `      args: [-u, admin, "https://api.internal"]`)}
---
${pod(`        - { name: SSL_KEY, value: certs/tls.key }
        - { name: PRIMARY_KEY, value: tenant_id }
        - { name: CREDENTIALS, value: managed-identity }
        - { name: AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_SECRET, value: airflow-metadata }`)}`,
    },
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
    {
      name: 'Azure identity-based connection settings',
      input: pod(`        - { name: AzureWebJobsStorage__credential, value: managedidentity }
        - { name: AzureWebJobsStorage__accountName, value: storders }
        - { name: ServiceBusConnection__credential, value: workloadidentity }
        - { name: ServiceBusConnection__clientId, value: "1b4e28ba-2fa1-41d2-883f-0016d3cca427" }
        - { name: ServiceBusConnection__fullyQualifiedNamespace, value: orders.servicebus.windows.net }
        - { name: EventHubConnectionString__fullyQualifiedNamespace, value: events.servicebus.windows.net }
        - { name: CosmosConnection__serviceUri, value: "https://orders.documents.azure.com:443/" }`),
    },
    {
      name: 'options and args that reference secrets',
      input: basePod(
        `  containers:
    - name: app
      image: myregistry.azurecr.io/api:1.4.2
      command: [/bin/sh, -c]
      args:
        - |
          export PGPASSWORD="$(cat /mnt/secrets-store/pg-password)"
          TOKEN=$(cat /var/run/secrets/kubernetes.io/serviceaccount/token)
          pg_dump "host=db user=backup sslmode=require" > /backup/o.sql
        - --publish-service=$(POD_NAMESPACE)/ingress-nginx-controller
        - --client-secret
        - $(CLIENT_SECRET)
      env:
        - { name: JAVA_TOOL_OPTIONS, value: "-Xmx512m -Dspring.datasource.password=$(DB_PASSWORD)" }
        - { name: SPRING_APPLICATION_JSON, value: '{"spring":{"profiles":{"active":"prod"}}}' }
        - { name: DB_PASSWORD, value: "$DB_PASSWORD" }`,
        '{ name: api, namespace: shop }',
      ),
    },
    { name: 'env that is not a list', input: pod(`        oops`) },
    { name: 'a numeric value is rejected by the API server, not a secret here', input: pod(`        - { name: DB_PASSWORD, value: 123456 }`) },
  ],
  invalid: [
    {
      name: 'passwords behind short flags the program defines',
      input: `${commandPod('mcr.microsoft.com/azure-cli:2.61.0', `      command: [az, login, --service-principal, -u, "1b4e28ba-2fa1-41d2-883f-0016d3cca427", -p, ${q(pw())}]`)}
---
${commandPod('docker:27', `      args: [login, fake.azurecr.io, -u, fake, -p, ${q(pw())}]`)}
---
${commandPod('curlimages/curl:8.8.0', `      args: [-u, ${q('admin:' + pw())}, "https://api.internal"]`)}
---
${commandPod('mysql:8', `      command: [sh, -c, ${q('mysql -uroot -p' + pw() + ' -h db -e "select 1"')}]`)}`,
      findings: [
        { field: 'spec.containers[0].command[6]', message: 'container tool passes a literal secret in command[6] (name: password)' },
        { field: 'spec.containers[0].args[5]', message: 'container tool passes a literal secret in args[5] (name: password)' },
        { field: 'spec.containers[0].args[1]', message: 'container tool passes a literal secret in args[1] (name: password)' },
        { field: 'spec.containers[0].command[2]', message: 'container tool passes a literal secret in command[2] (embedded password)' },
      ],
    },
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
    {
      name: '$word is literal in an env value: Kubernetes expands only $(NAME)',
      input: pod(`        - { name: DB_PASSWORD, value: ${q('$uper' + pw())} }
        - { name: OIDC_CLIENT_SECRET, value: "$oidc.azure.clientSecret" }`),
      findings: [
        { field: 'spec.containers[0].env[0].value', message: 'container app sets env var DB_PASSWORD to a literal secret (name: password)' },
        { field: 'spec.containers[0].env[1].value', message: 'container app sets env var OIDC_CLIENT_SECRET to a literal secret (name: secret)' },
      ],
    },
    {
      name: 'a secret inside an env value',
      input: pod(`        - { name: JAVA_TOOL_OPTIONS, value: ${q('-Xmx512m -Dspring.datasource.password=' + pw() + ' -Dfile.encoding=UTF-8')} }
        - { name: SPRING_APPLICATION_JSON, value: ${q(JSON.stringify({ spring: { datasource: { password: pw() } } }))} }
        - { name: UPSTREAM, value: ${q('Endpoint=https://api.internal;ClientId=svc;ClientSecret=' + pw())} }
        - { name: ALERTS, value: ${q(fake.teamsWebhook())} }`),
      findings: [
        { field: 'spec.containers[0].env[0].value', message: 'container app sets env var JAVA_TOOL_OPTIONS to a literal secret (embedded password)' },
        { field: 'spec.containers[0].env[1].value', message: 'container app sets env var SPRING_APPLICATION_JSON to a literal secret (embedded password)' },
        { field: 'spec.containers[0].env[2].value', message: 'container app sets env var UPSTREAM to a literal secret (embedded secret)' },
        { field: 'spec.containers[0].env[3].value', message: 'container app sets env var ALERTS to a literal secret (teams-webhook)' },
      ],
    },
    {
      name: 'secrets in command and args, named by their field path',
      input: cronJob(
        `
          containers:
            - name: backup
              image: myregistry.azurecr.io/pg-backup:16
              command: [/bin/sh, -c]
              args:
                - ${q('pg_dump "host=pg-prod.postgres.database.azure.com dbname=orders user=backup password=' + pw() + '" | gzip > /backup/o.sql.gz')}
            - name: upload
              image: mcr.microsoft.com/azure-cli:2.61.0
              command: [azcopy, copy, /backup, ${q(fake.sasUrl())}]
              args: [--login-client-secret, ${q(pw('c'))}]`,
        '{ name: pg-backup, namespace: data }',
      ),
      findings: [
        {
          field: 'spec.jobTemplate.spec.template.spec.containers[0].args[0]',
          container: 'backup',
          message: 'container backup passes a literal secret in args[0] (embedded password)',
          evidence: { observed: 'literal value in args[0] (embedded password)' },
        },
        { field: 'spec.jobTemplate.spec.template.spec.containers[1].command[3]', container: 'upload', message: 'container upload passes a literal secret in command[3] (azure-sas-token)' },
        { field: 'spec.jobTemplate.spec.template.spec.containers[1].args[1]', container: 'upload', message: 'container upload passes a literal secret in args[1] (name: secret)' },
      ],
    },
  ],
});

it('never puts an argument in the finding', () => {
  const secret = pw('arg');
  const input = pod(`        - { name: LOG_LEVEL, value: info }`).replace('      env:', `      args: [${q('--db=host=db password=' + secret)}, ${q(fake.sasUrl())}]
      env:`);
  const findings = findingsFor(rule, input);
  expect(findings).toHaveLength(2);
  const text = JSON.stringify(findings);
  expect(text).not.toContain(secret);
  expect(text).not.toContain('sig=');
  for (const f of findings) expect(f.verify).toBe("kubectl get pod api -n shop -o jsonpath='{.spec.containers[0].name}'");
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
