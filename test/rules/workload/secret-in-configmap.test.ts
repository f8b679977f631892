import { expect, it } from 'vitest';
import rule from '../../../src/rules/workload/secret-in-configmap.js';
import { findingsFor, ruleTester } from '../../helpers/rule-tester.js';
import { fake } from './fake-secrets.js';

const q = JSON.stringify;
const b64 = (s: string) => Buffer.from(s).toString('base64');
/** An obviously fake literal, assembled so that no file holds a credential-shaped string. */
const pw = (tag = '') => 'fake' + 'Pw-2024' + tag;
/** A block scalar body, indented four spaces. */
const block = (...lines: string[]) => `|\n${lines.map((l) => `    ${l}`).join('\n')}`;

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
    {
      name: 'scripts that read their secrets when they run',
      input: cm(`  backup.sh: ${block(
        '#!/bin/bash',
        'export PGPASSWORD="$(cat /mnt/secrets-store/pg-password)"',
        'ACCESS_TOKEN=$(az account get-access-token --query accessToken -o tsv)',
        'PASSWORD=`cat /secrets/pw`',
        'API_KEY="${API_KEY:-}"',
        'pg_dump -h pg -U backup orders > /backup/o.sql',
      )}
  k8s-api.sh: ${block('#!/bin/sh', 'TOKEN=$(cat /var/run/secrets/kubernetes.io/serviceaccount/token)')}
  app.py: ${block('import os', 'password = os.environ["DB_PASSWORD"]', 'token = os.getenv("API_TOKEN")')}
  policy.rego: ${block('package k8s', 'deny[msg] {', '  token := input.request.headers.authorization', '  msg := "no"', '}')}
  run.ps1: ${block('$cred = New-Object PSCredential("u", $password)', 'Password = $env:DB_PASSWORD')}`),
    },
    {
      name: 'Azure Functions identity-based connections',
      input: cm(`  AzureWebJobsStorage__credential: managedidentity
  AzureWebJobsStorage__accountName: storders
  ServiceBusConnection__credential: workloadidentity
  ServiceBusConnection__clientId: "1b4e28ba-2fa1-41d2-883f-0016d3cca427"
  ServiceBusConnection__fullyQualifiedNamespace: orders.servicebus.windows.net`),
    },
    {
      name: "Argo CD's secret references in its own ConfigMaps",
      input: `
apiVersion: v1
kind: ConfigMap
metadata: { name: argocd-cm, namespace: argocd }
data:
  oidc.config: ${block('name: Azure', 'issuer: https://login.microsoftonline.com/tenant/v2.0', 'clientID: 0000', 'clientSecret: $oidc.azure.clientSecret')}
  webhook.github.secret: $webhook-secret
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: notifications
  namespace: argocd
  labels: { app.kubernetes.io/part-of: argocd }
data:
  service.slack: ${block('token: $slack-token')}
`,
    },
    {
      name: 'nginx upstream directives',
      input: cm(`  default.conf: ${block('server {', '  location ~ \\.php$ {', '    fastcgi_pass 127.0.0.1:9000;', '  }', '  location /app {', '    uwsgi_pass unix:/run/uwsgi/app.sock;', '  }', '  set $upstream_api api.default.svc.cluster.local:8080;', '  location / {', '    proxy_pass $upstream_api;', '  }', '}')}`),
    },
    {
      name: 'Azure SDK client settings that name a credential type',
      input: cm(`  appsettings.json: ${block('{', '  "ServiceBus": {', '    "fullyQualifiedNamespace": "orders.servicebus.windows.net",', '    "credential": "workloadidentity"', '  }', '}')}
  appsettings.yaml: ${block('Storage:', '  serviceUri: https://storders.blob.core.windows.net/', '  credential: managedidentity')}`),
    },
    {
      name: 'Helm values naming the Secrets that hold credentials',
      input: cm(`  values.yaml: ${block('credentialsSecret: azure', 'runners:', '  secret: gitlab-runner', 'dags:', '  gitSync:', '    sshKeySecret: airflow-ssh')}`),
    },
    {
      name: 'key files given by a relative path, and Airflow secrets-backend lookups',
      input: cm(`  elasticsearch.yml: ${block('xpack.security.http.ssl.enabled: true', 'xpack.security.http.ssl.key: certs/elasticsearch.key')}
  kibana.yml: ${block('server.ssl.key: config/certs/kibana.key')}
  airflow.cfg: ${block('[database]', 'sql_alchemy_conn_secret = airflow-metadata-conn', '[webserver]', 'secret_key_secret = airflow-webserver-key')}`),
    },
    {
      name: 'digests, placeholders in braces, prose and table keys',
      input: cm(`  checksums: ${block('app.tar.gz sha512:' + fake.storageKey())}
  STORAGE: ${q('DefaultEndpointsProtocol=https;AccountName=acct;Account' + 'Key={storage-account-key};EndpointSuffix=core.windows.net')}
  README.md: ${block('# Setup', 'password: see Key Vault')}
  schema.json: ${q(q({ table: 'orders', primaryKey: 'order_id' }))}`),
    },
  ],
  invalid: [
    {
      name: 'credentials in YAML list items',
      input: cm(`  pod.yaml: ${block('spec:', '  containers:', '  - name: base', '    env:', '    - name: DB_PASSWORD', `      value: ${pw()}`)}
  users.yaml: ${block(`- password: ${pw()}`, '  user: admin')}
  kubeconfig: ${block('users:', '- name: ci', '  user:', '    exec:', '      command: kubelogin', '      args:', '      - get-token', '      - --client-secret', `      - ${pw('k')}`)}`),
      findings: [
        { field: 'data.pod\\.yaml', message: 'ConfigMap key pod.yaml holds a secret on line 6 (name: password)' },
        { field: 'data.users\\.yaml', message: 'ConfigMap key users.yaml holds a secret on line 1 (name: password)' },
        { field: 'data.kubeconfig', message: 'ConfigMap key kubeconfig holds a secret on line 9 (name: secret)' },
      ],
    },
    {
      name: 'a PostgreSQL password file, one line or several',
      input: cm(`  .pgpass: ${block('# host:port:db:user:password', `db.postgres.database.azure.com:5432:app:app:${pw()}`)}
  pgpass: ${q(`db:5432:*:backup:${pw('b')}`)}`),
      findings: [
        { field: 'data.\\.pgpass', message: 'ConfigMap key .pgpass holds a secret on line 2 (name: password)' },
        { field: 'data.pgpass', message: 'ConfigMap key pgpass holds a secret on line 1 (name: password)' },
      ],
    },
    {
      name: 'a Docker config.json and well-known secret names',
      input: cm(`  config.json: ${q(q({ auths: { 'fake.azurecr.io': { auth: b64('fake-user:' + pw()) } } }))}
  AIRFLOW__CORE__FERNET_KEY: ${q(pw('f'))}
  RABBITMQ_ERLANG_COOKIE: ${q(pw('c'))}`),
      findings: [
        { field: 'data.config\\.json', message: 'ConfigMap key config.json holds a secret (docker-config-auth)' },
        { field: 'data.AIRFLOW__CORE__FERNET_KEY', message: 'ConfigMap key AIRFLOW__CORE__FERNET_KEY holds a secret (name: encryption-key)' },
        { field: 'data.RABBITMQ_ERLANG_COOKIE', message: 'ConfigMap key RABBITMQ_ERLANG_COOKIE holds a secret (name: secret)' },
      ],
    },
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
      name: "`$word` is literal outside Argo CD's ConfigMaps",
      input: cm(`  DB_PASSWORD: ${q('$uper' + pw())}
  oidc.config: ${block('name: Azure', 'clientSecret: $oidc.azure.clientSecret')}`),
      findings: [
        { field: 'data.DB_PASSWORD', message: 'ConfigMap key DB_PASSWORD holds a secret (name: password)' },
        { field: 'data.oidc\\.config', message: 'ConfigMap key oidc.config holds a secret on line 2 (name: secret)' },
      ],
    },
    {
      name: 'whitespace-separated, XML, .npmrc and one-line JSON configurations',
      input: cm(`  fluent-bit.conf: ${block('[OUTPUT]', '    Name  http', '    HTTP_User admin', `    HTTP_Passwd ${pw()}`)}
  redis.conf: ${block('port 6379', `requirepass ${pw()}`)}
  web.config: ${block('<configuration>', '  <appSettings>', `    <add key="DbPassword" value="${pw()}"/>`, '  </appSettings>', '</configuration>')}
  settings.xml: ${block('<settings>', '  <server>', '    <id>feed</id>', `    <password>${pw()}</password>`, '  </server>', '</settings>')}
  .npmrc: ${block('registry=https://pkgs.dev.azure.com/o/_packaging/f/npm/registry/', `//pkgs.dev.azure.com/o/_packaging/f/npm/registry/:_password=${b64(pw())}`)}
  appsettings: ${q(q({ Db: { Password: pw() } }))}`),
      findings: [
        { field: 'data.fluent-bit\\.conf', message: 'ConfigMap key fluent-bit.conf holds a secret on line 4 (name: password)' },
        { field: 'data.redis\\.conf', message: 'ConfigMap key redis.conf holds a secret on line 2 (name: password)' },
        { field: 'data.web\\.config', message: 'ConfigMap key web.config holds a secret on line 3 (name: password)' },
        { field: 'data.settings\\.xml', message: 'ConfigMap key settings.xml holds a secret on line 4 (name: password)' },
        { field: 'data.\\.npmrc', message: 'ConfigMap key .npmrc holds a secret on line 2 (name: password)' },
        { field: 'data.appsettings', message: 'ConfigMap key appsettings holds a secret (embedded password)' },
      ],
    },
    {
      name: 'webhook URLs and tokens by their shape',
      input: cm(`  TEAMS_URL: ${q(fake.teamsWebhook())}
  ORDERS_FUNCTION: ${q(fake.functionsUrl())}
  APPROVAL_FLOW: ${q(fake.logicAppUrl())}
  notify: ${q('curl -X POST ' + fake.discordWebhook())}`),
      findings: [
        { field: 'data.TEAMS_URL', message: /teams-webhook/ },
        { field: 'data.ORDERS_FUNCTION', message: /azure-functions-key/ },
        { field: 'data.APPROVAL_FLOW', message: /azure-sas-token/ },
        { field: 'data.notify', message: /discord-webhook/ },
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
