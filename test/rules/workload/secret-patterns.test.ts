import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SECRET_NAME_KINDS,
  VALUE_DETECTORS,
  describeSecretMatch,
  detectSecret,
  detectSecretValue,
  findEmbeddedSecret,
  findPgpassSecret,
  findSecretInText,
  findSecretsInArgs,
  isPgpassFileName,
  isUnresolvedOrPlaceholder,
  secretNameKind,
  type SecretMatch,
} from '../../../src/rules/workload/secret-patterns.js';
import { EXPECTED_DETECTOR, fake } from './fake-secrets.js';

const KNOWN = new Set<string>([...VALUE_DETECTORS, ...SECRET_NAME_KINDS]);
const fakes = Object.keys(fake) as (keyof typeof fake)[];
const secretFakes = fakes.filter((k) => EXPECTED_DETECTOR[k] !== undefined);

const anyText = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme-ascii', maxLength: 400 }));
const envName = fc.oneof(
  fc.stringMatching(/^[A-Z][A-Z0-9_]{0,30}$/),
  fc.constantFrom('DB_PASSWORD', 'API_KEY', 'TOKEN', 'client_secret', 'ConnectionStrings__Db', 'LOG_LEVEL'),
);

/** A match can only carry a detector id; checking that keeps every value out of findings. */
function onlyKnown(m: SecretMatch | undefined): boolean {
  if (m === undefined) return true;
  return KNOWN.has(m.detector) && Object.keys(m).every((k) => ['by', 'detector', 'line'].includes(k));
}

describe('secret-patterns: properties', () => {
  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(anyText, anyText, (name, value) => {
        detectSecretValue(value);
        detectSecret(name, value);
        findSecretInText(value);
        secretNameKind(name);
        isUnresolvedOrPlaceholder(value);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on values that are not strings', () => {
    for (const v of [undefined, null, 42, true, {}, [], { a: 1 }]) expect(detectSecret('DB_PASSWORD', v)).toBeUndefined();
  });

  it('returns only a detector id, never the value', () => {
    fc.assert(
      fc.property(envName, anyText, (name, value) => {
        expect(onlyKnown(detectSecret(name, value))).toBe(true);
        expect(onlyKnown(findSecretInText(value))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('does not echo a secret embedded in arbitrary text', () => {
    fc.assert(
      fc.property(fc.constantFrom(...secretFakes), fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), (which, before, after) => {
        const secret = fake[which]();
        const text = `${before}\n${secret}\n${after}`;
        const found = findSecretInText(text);
        expect(found).toBeDefined();
        const shown = JSON.stringify(found) + describeSecretMatch(found as SecretMatch);
        expect(shown).not.toContain(secret);
        for (const part of secret.split(/[\s;=&?]+/).filter((p) => p.length >= 12)) expect(shown).not.toContain(part);
      }),
      { numRuns: 300 },
    );
  });

  const nonSecretValues = fc.oneof(
    fc.uuid().map(String),
    fc.webUrl(),
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    fc.domain(),
    fc.ipV4(),
    fc.boolean().map(String),
    fc.integer().map(String),
    fc.double({ noNaN: true }).map(String),
    fc.stringMatching(/^[a-z]{1,12}$/),
    fc.stringMatching(/^[0-9]{1,5}(?:m|Mi|Gi|s|ms)?$/),
    fc.tuple(
      fc.constantFrom('mcr.microsoft.com/', 'myregistry.azurecr.io/', 'docker.io/library/', 'ghcr.io/org/', ''),
      fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
      fc.stringMatching(/^[0-9]{1,2}\.[0-9]{1,2}(?:\.[0-9]{1,2})?(?:-alpine)?$/),
    ).map(([reg, repo, tag]) => `${reg}${repo}:${tag}`),
    fc.constantFrom('info', 'Production', 'westeurope', 'Always', 'IfNotPresent', 'en-US', 'UTC', 'text/plain', '0 3 * * *', '/var/run/secrets/tokens/azure-identity-token'),
  );

  it('does not flag ordinary configuration values', () => {
    fc.assert(
      fc.property(fc.constantFrom('LOG_LEVEL', 'PORT', 'IMAGE', 'REGION', 'CALLBACK_URL', 'SECRET_NAME', 'TOKEN_TTL'), nonSecretValues, (name, value) => {
        expect(detectSecretValue(value)).toBeUndefined();
        expect(findSecretInText(value)).toBeUndefined();
        expect(detectSecret(name, value)).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });

  it('does not take a secret name on its word for flags, paths, URLs, references and placeholders', () => {
    const notCredentials = fc.oneof(
      fc.constantFrom('true', 'false', 'yes', 'no', '1', '0', '', '  ', 'changeme', 'CHANGE_ME', '<your-password>', 'xxxxxxxx', '********', 'REDACTED'),
      fc.webUrl(),
      fc.stringMatching(/^\/[a-z]{1,10}(?:\/[a-z.]{1,10}){0,3}$/),
      fc.stringMatching(/^[A-Z_]{1,20}$/).map((v) => `$(${v})`),
      fc.stringMatching(/^[A-Z_]{1,20}$/).map((v) => `\${${v}}`),
      fc.stringMatching(/^[a-z]{1,10}$/).map((v) => `{{ .Values.${v} }}`),
    );
    fc.assert(
      fc.property(fc.constantFrom('DB_PASSWORD', 'API_KEY', 'AZURE_CLIENT_SECRET', 'GITHUB_TOKEN', 'credentials'), notCredentials, (name, value) => {
        expect(detectSecret(name, value)).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});

describe('secret-patterns: value detectors', () => {
  for (const which of fakes) {
    const want = EXPECTED_DETECTOR[which];
    it(`${which} → ${want ?? 'nothing'}`, () => {
      expect(detectSecretValue(fake[which]())).toBe(want);
    });
  }

  it('ignores structured secrets whose credential part is a reference or a placeholder', () => {
    expect(detectSecretValue('Server=db;Database=app;User ID=app;Password=$(DB_PASSWORD);')).toBeUndefined();
    expect(detectSecretValue('Server=db;Database=app;User ID=app;Password=;')).toBeUndefined();
    expect(detectSecretValue('Server=tcp:db.database.windows.net;Database=app;Authentication=Active Directory Managed Identity')).toBeUndefined();
    expect(detectSecretValue('postgres://app:${PGPASSWORD}@db:5432/app')).toBeUndefined();
    expect(detectSecretValue('postgres://app:<password>@db:5432/app')).toBeUndefined();
    expect(detectSecretValue('DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=<key>;')).toBeUndefined();
    expect(detectSecretValue('InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/')).toBeUndefined();
  });

  it('needs a key body after a PEM header, and leaves certificates alone', () => {
    expect(detectSecretValue('-----BEGIN ' + 'PRIVATE' + ' KEY-----')).toBeUndefined();
    expect(detectSecretValue('-----BEGIN CERTIFICATE-----\nMIIB' + 'C'.repeat(60) + '\n-----END CERTIFICATE-----')).toBeUndefined();
  });

  it('finds a PEM key inside JSON with escaped newlines', () => {
    const json = JSON.stringify({ type: 'service_account', private_key: fake.privateKey() });
    expect(detectSecretValue(json)).toBe('private-key');
  });

  it('does not take every three-part dotted string for a JWT', () => {
    expect(detectSecretValue(['eyJ' + 'ub3RqdXN0', 'eyJ' + 'zb21ldGhpbmc', 'abc'].join('.'))).toBeUndefined();
    expect(detectSecretValue('com.example.service.v1.Handler')).toBeUndefined();
  });

  it('leaves documented example and placeholder tokens alone', () => {
    expect(detectSecretValue('AKIA' + 'IOSFODNN7' + 'EXAMPLE')).toBeUndefined();
    expect(detectSecretValue('ghp_' + 'x'.repeat(36))).toBeUndefined();
    expect(detectSecretValue('A'.repeat(86) + '==')).toBeUndefined();
  });
});

describe('secret-patterns: names', () => {
  const cases: Array<[string, string | undefined]> = [
    ['DB_PASSWORD', 'password'],
    ['dbPassword', 'password'],
    ['MYSQL_ROOT_PASSWORD', 'password'],
    ['REDIS_PASS', 'password'],
    ['PASSWORD2', 'password'],
    ['password.txt', 'password'],
    ['AZURE_CLIENT_SECRET', 'secret'],
    ['client-secret', 'secret'],
    ['GITHUB_TOKEN', 'token'],
    ['APIKEY', 'api-key'],
    ['x-api-key', 'api-key'],
    ['AWS_SECRET_ACCESS_KEY', 'access-key'],
    ['SECRET_KEY_BASE', 'secret-key'],
    ['STORAGE_ACCOUNT_KEY', 'account-key'],
    ['tls.key', 'private-key'],
    ['credentials.json', 'credentials'],
    ['ConnectionStrings__Default', 'connection-string'],
    // settings about a secret, not the secret
    ['PASSWORD_MIN_LENGTH', undefined],
    ['TOKEN_TTL', undefined],
    ['SECRET_NAME', undefined],
    ['TOKEN_URL', undefined],
    ['POSTGRES_PASSWORD_FILE', undefined],
    ['AZURE_FEDERATED_TOKEN_FILE', undefined],
    ['SSL_KEY_PATH', undefined],
    ['AWS_ACCESS_KEY_ID', undefined],
    ['MYSQL_ALLOW_EMPTY_PASSWORD', undefined],
    ['existingSecret', undefined],
    // not secret words at all
    ['APPINSIGHTS_INSTRUMENTATIONKEY', undefined],
    ['CACHE_KEY', undefined],
    ['PUBLIC_KEY', undefined],
    ['BYPASS_PROXY', undefined],
    ['TOKENIZER_MODEL', undefined],
    ['KEYVAULT_URL', undefined],
    ['AZURE_CLIENT_ID', undefined],
  ];
  for (const [name, want] of cases) it(`${name} → ${want ?? 'not a secret name'}`, () => expect(secretNameKind(name)).toBe(want));

  it('takes a secret name with a literal value', () => {
    expect(detectSecret('DB_PASSWORD', 'fake-Pw-1234')).toEqual({ by: 'name', detector: 'password' });
  });

  it('reads a name-only connection string only when opaque', () => {
    expect(detectSecret('ConnectionStrings__Db', 'Server=tcp:db;Database=app;Authentication=Active Directory Default')).toBeUndefined();
    expect(detectSecret('ConnectionStrings__Db', fake.sqlConnection())).toEqual({ by: 'value', detector: 'sql-connection-string' });
  });

  it('treats a Kubernetes object name as a pointer', () => {
    expect(detectSecret('TLS_SECRET', 'ingress-tls-secret')).toBeUndefined();
    expect(detectSecret('DB_CREDENTIALS', 'db-creds')).toBeUndefined();
  });

  it('treats SOPS, Key Vault references and pipeline tokens as not written down', () => {
    expect(detectSecret('DB_PASSWORD', 'ENC[AES256_GCM,data:Zm9v,iv:YmFy,tag:YmF6,type:str]')).toBeUndefined();
    expect(detectSecret('DB_PASSWORD', '@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db/)')).toBeUndefined();
    expect(detectSecret('DB_PASSWORD', '#{DbPassword}#')).toBeUndefined();
    expect(detectSecret('DB_PASSWORD', '__DbPassword__')).toBeUndefined();
  });

  it("treats Argo CD's and Grafana's secret references as not written down", () => {
    // Argo CD resolves `$key` in argocd-secret and `$secret-name:key` in another Secret, in its own ConfigMaps.
    const argoCd = { argoCd: true };
    expect(detectSecret('clientSecret', '$oidc.azure.clientSecret', argoCd)).toBeUndefined();
    expect(detectSecret('clientSecret', '$argocd-oidc:clientSecret', argoCd)).toBeUndefined();
    expect(detectSecret('webhook.github.secret', '$webhook-secret', argoCd)).toBeUndefined();
    // Grafana reads `$__file{}`, `$__env{}` and `$__vault{}` when it starts.
    expect(detectSecret('basicAuthPassword', '$__file{/etc/secrets/loki-password}')).toBeUndefined();
    expect(detectSecret('GF_SECURITY_ADMIN_PASSWORD', '$__env{ADMIN_PASSWORD}')).toBeUndefined();
    // A literal with a $ elsewhere is still a literal.
    expect(detectSecret('DB_PASSWORD', 'Pa$$w0rd-2024!')).toEqual({ by: 'name', detector: 'password' });
  });

  it('takes `$word` for a literal outside Argo CD: Kubernetes expands only `$(NAME)`', () => {
    expect(detectSecret('DB_PASSWORD', '$uperS3cretPassw0rd')).toEqual({ by: 'name', detector: 'password' });
    expect(detectSecret('clientSecret', '$oidc.azure.clientSecret')).toEqual({ by: 'name', detector: 'secret' });
    expect(detectSecret('webhook.github.secret', '$webhook-secret')).toEqual({ by: 'name', detector: 'secret' });
    expect(isUnresolvedOrPlaceholder('$uperS3cretPassw0rd')).toBe(false);
    // An upper-case variable name is what envsubst fills in, and as text it is no credential.
    expect(detectSecret('DB_PASSWORD', '$DB_PASSWORD')).toBeUndefined();
    expect(detectSecret('DB_PASSWORD', '$(DB_PASSWORD)')).toBeUndefined();
  });
});

describe('secret-patterns: files', () => {
  it('finds a secret-named setting and gives its line', () => {
    const props = ['server.port=8080', 'spring.datasource.url=jdbc:sqlserver://db', 'spring.datasource.password=' + 'fake' + 'Pw1'].join('\n');
    expect(findSecretInText(props)).toEqual({ by: 'name', detector: 'password', line: 3 });
    const json = ['{', '  "Logging": { "LogLevel": "Information" },', '  "AzureAd": {', '    "ClientSecret": "' + 'fake' + 'Val-123' + '"', '  }', '}'].join('\n');
    expect(findSecretInText(json)).toEqual({ by: 'name', detector: 'secret', line: 4 });
  });

  it('gives the line of a value match', () => {
    expect(findSecretInText(['a: 1', 'b: 2', 'storage: ' + fake.storageConnection()].join('\n'))).toEqual({ by: 'value', detector: 'azure-storage-connection-string', line: 3 });
  });

  it('ignores references, settings about secrets and block scalars', () => {
    const yaml = ['password: ${DB_PASSWORD}', 'token_ttl: 300', 'secretName: tls-cert', 'clientSecret: |', '  x', 'password: ""', 'passwordPolicy: strong'].join('\n');
    expect(findSecretInText(yaml)).toBeUndefined();
    // argocd-cm's oidc.config, as Argo CD documents it for Entra ID: a reference in Argo CD's ConfigMaps only.
    const oidc = ['name: Azure', 'issuer: https://login.microsoftonline.com/tenant/v2.0', 'clientID: 0000', 'clientSecret: $oidc.azure.clientSecret', 'requestedIDTokenClaims:', '  groups: {essential: true}'].join('\n');
    expect(findSecretInText(oidc, { argoCd: true })).toBeUndefined();
    expect(findSecretInText(oidc)).toEqual({ by: 'name', detector: 'secret', line: 4 });
  });
});

describe('secret-patterns: look-alikes', () => {
  it('does not take a Subresource Integrity hash for a storage key', () => {
    expect(detectSecretValue('<script src="app.js" integrity="sha512-' + fake.storageKey() + '"></script>')).toBeUndefined();
  });
  it('does not take prose about bearer authentication for a token', () => {
    expect(detectSecretValue('Clients use bearer authentication against the gateway')).toBeUndefined();
  });
});

/** An obviously fake literal, assembled so that no file holds a credential-shaped string. */
const pw = (tag = '') => 'fake' + 'Pw-2024' + tag;

describe('secret-patterns: scripts that read a secret', () => {
  const reads: Array<[string, string]> = [
    ['command substitution', '#!/bin/bash\nexport PGPASSWORD="$(cat /mnt/secrets-store/pg-password)"\npg_dump -h pg -U app orders > /backup/o.sql\n'],
    ['service account token', '#!/bin/sh\nTOKEN=$(cat /var/run/secrets/kubernetes.io/serviceaccount/token)\ncurl -H "Authorization: Bearer $TOKEN" https://kubernetes.default.svc/api\n'],
    ['backticks', '#!/bin/sh\nPASSWORD=`cat /secrets/pw`\n'],
    ['a command with arguments', 'ACCESS_TOKEN=$(az account get-access-token --resource https://ossrdbms-aad.database.windows.net --query accessToken -o tsv)\n'],
    ['Python', 'import os\npassword = os.environ["DB_PASSWORD"]\ntoken = os.getenv("API_TOKEN")\nsecret = settings.get("client_secret")\n'],
    ['Rego', 'package k8s\ndeny[msg] {\n  token := input.request.headers.authorization\n  msg := "no"\n}\n'],
    ['PowerShell', '$cred = New-Object PSCredential("u", $password)\nPassword = $env:DB_PASSWORD\n'],
    ['shell expansions', 'SECRET="$1"\nTOKEN="${2:-}"\nPASSWORD=${DB_PASSWORD:-default}\nAPI_KEY=$API_KEY_FROM_VAULT\nexport DB_PASS="$dbPass"\n'],
    ['an attribute path', 'db:\n  password: env.DB_PASSWORD\n'],
    ['prose and switches', 'Password required\nToken expired\nPasswordAuthentication no\nPermitEmptyPasswords no\n'],
  ];
  for (const [name, text] of reads) it(`${name}: nothing written down`, () => expect(findSecretInText(text)).toBeUndefined());

  it('still finds a literal assigned in a script', () => {
    expect(findSecretInText(`#!/bin/sh\nexport PGPASSWORD="${pw()}"\npg_dump orders\n`)).toEqual({ by: 'name', detector: 'password', line: 2 });
    expect(findSecretInText(`import os\npassword = "${pw()}"\n`)).toEqual({ by: 'name', detector: 'password', line: 2 });
    expect(findSecretInText(`token := "${pw()}"\n`)).toEqual({ by: 'name', detector: 'token', line: 1 });
  });
});

describe('secret-patterns: configuration syntaxes', () => {
  const found: Array<[string, string, string, number]> = [
    ['fluent-bit', `[OUTPUT]\n    Name  http\n    HTTP_User admin\n    HTTP_Passwd ${pw()}\n`, 'password', 4],
    ['redis.conf', `port 6379\nrequirepass ${pw()}\n`, 'password', 2],
    ['redis.conf replica', `replicaof redis-0 6379\nmasterauth ${pw()}\n`, 'password', 2],
    ['nginx header', `location / {\n  proxy_set_header X-Api-Key ${pw()};\n}\n`, 'api-key', 2],
    ['haproxy userlist', `userlist admins\n  user admin insecure-password ${pw()}\n`, 'password', 2],
    ['haproxy stats', `listen stats\n  stats auth admin:${pw()}\n`, 'password', 2],
    ['XML element', `<config>\n  <password>${pw()}</password>\n</config>\n`, 'password', 2],
    ['web.config appSettings', `<appSettings>\n  <add key="DbPassword" value="${pw()}"/>\n</appSettings>\n`, 'password', 2],
    ['XML attribute', `<datasource user="app" password="${pw()}"/>\n`, 'password', 1],
    ['.npmrc password', `registry=https://pkgs.dev.azure.com/o/_packaging/f/npm/registry/\n//pkgs.dev.azure.com/o/_packaging/f/npm/registry/:_password=${Buffer.from(pw()).toString('base64')}\n`, 'password', 2],
    ['.npmrc token', `//registry.npmjs.org/:_authToken=${pw()}\n`, 'token', 1],
    ['.npmrc auth', `_auth=${Buffer.from('u:' + pw()).toString('base64')}\n`, 'credentials', 1],
    ['one-line JSON', JSON.stringify({ Db: { Password: pw() } }), 'password', 1],
  ];
  for (const [name, text, kind, line] of found) {
    it(`${name}: finds the setting`, () => expect(findSecretInText(text)).toEqual({ by: 'name', detector: kind, line }));
  }

  it('leaves references and placeholders in those syntaxes alone', () => {
    const texts = [
      'requirepass ${REDIS_PASSWORD}\n',
      '# requirepass foobared\nrequirepass foobared\n',
      '    HTTP_Passwd ${HTTP_PASSWORD}\n',
      '<password>${DB_PASSWORD}</password>\n',
      '<add key="DbPassword" value="#{DbPassword}#"/>\n',
      '<input type="password" name="password" value="">\n',
      '//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n',
      '{"Db":{"Password":"<your-password>"}}',
      'set $api_key $http_x_api_key;\n',
    ];
    for (const t of texts) expect(findSecretInText(t), t).toBeUndefined();
  });
});

describe('secret-patterns: Azure identity-based connections', () => {
  const settings: Array<[string, string]> = [
    ['AzureWebJobsStorage__credential', 'managedidentity'],
    ['ServiceBusConnection__credential', 'workloadidentity'],
    ['ServiceBusConnection__clientId', '1b4e28ba-2fa1-41d2-883f-0016d3cca427'],
    ['EventHubConnectionString__fullyQualifiedNamespace', 'orders.servicebus.windows.net'],
    ['AzureWebJobsStorage__serviceUri', 'https://storders.blob.core.windows.net'],
    ['StorageConnection__accountName', 'storders'],
    ['CosmosConnection:credential', 'azurecli'],
  ];
  for (const [name, value] of settings) it(`${name} is not a secret`, () => expect(detectSecret(name, value)).toBeUndefined());

  it('still takes a client secret of such a connection for one', () => {
    expect(detectSecret('ServiceBusConnection__clientSecret', pw())).toEqual({ by: 'name', detector: 'secret' });
  });
});

describe('secret-patterns: token and webhook placeholders', () => {
  const placeholders = [
    'xoxb-your-token-here',
    'xoxb-' + 'x'.repeat(24),
    'glpat-' + 'x'.repeat(20),
    'sk_live_' + 'x'.repeat(24),
    'sk_live_' + 'X'.repeat(24),
    'npm_' + 'X'.repeat(36),
    'SG.' + 'x'.repeat(22) + '.' + 'x'.repeat(43),
    'https://fn-orders.azurewebsites.net/api/orders?code=<function-key>',
    'https://fn-orders.azurewebsites.net/api/orders?code=your-function-key-goes-here',
    'https://app.example.com/callback?code=4f1c9a0e7b2d4c3a9e8f7a6b5c4d3e2f',
    'https://prod-00.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-10-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=' + 'x'.repeat(43),
    'https://fakeco.webhook.office.com/webhookb2/' + '0'.repeat(8) + '-0000-0000-0000-' + '0'.repeat(12) + '@' + '0'.repeat(8) + '-0000-0000-0000-' + '0'.repeat(12) + '/IncomingWebhook/' + '0'.repeat(32) + '/' + '0'.repeat(8) + '-0000-0000-0000-' + '0'.repeat(12),
    'https://discord.com/api/webhooks/123456789012345678/' + 'x'.repeat(68),
  ];
  for (const p of placeholders) it(`ignores ${p.slice(0, 60)}`, () => expect(detectSecretValue(p)).toBeUndefined());
});

describe('secret-patterns: settings inside one value', () => {
  it('finds a password in JVM options, Spring JSON and key=value strings', () => {
    expect(findEmbeddedSecret(`-Xmx512m -Dspring.datasource.password=${pw()} -Dfile.encoding=UTF-8`)).toEqual({ by: 'embedded', detector: 'password' });
    expect(findEmbeddedSecret(JSON.stringify({ spring: { datasource: { password: pw() } } }))).toEqual({ by: 'embedded', detector: 'password' });
    expect(findEmbeddedSecret(`Endpoint=https://api.internal;ClientId=svc;ClientSecret=${pw()}`)).toEqual({ by: 'embedded', detector: 'secret' });
    expect(findEmbeddedSecret(`host=db port=5432 user=backup password=${pw()}`)).toEqual({ by: 'embedded', detector: 'password' });
  });

  it('leaves references and ordinary options alone', () => {
    for (const v of [
      '-Xmx512m -Dspring.datasource.password=$(DB_PASSWORD) -Dfile.encoding=UTF-8',
      '-Dspring.datasource.password=${DB_PASSWORD}',
      '{"spring":{"profiles":{"active":"prod"}}}',
      'host=db port=5432 user=backup sslmode=require',
      '--token-file=/var/run/secrets/tokens/t --password-file=/run/secrets/pw',
      // as the Azure portal shows a connection string
      'Server=tcp:db.database.windows.net,1433;Initial Catalog=app;User ID=app;Password={your_password};Encrypt=True;',
      'db-redis.redis.cache.windows.net:6380,password={your-access-key},ssl=True',
    ])
      expect(findEmbeddedSecret(v), v).toBeUndefined();
  });
});

describe('secret-patterns: command lines', () => {
  it('finds secrets in arguments and says which one', () => {
    const args = [
      '-c',
      `pg_dump "host=pg-prod.postgres.database.azure.com port=5432 dbname=orders user=backup sslmode=require password=${pw()}" | gzip > /backup/o.sql.gz`,
      'azcopy',
      'copy',
      '/backup',
      fake.sasUrl(),
      '--client-secret',
      pw('c'),
    ];
    expect(findSecretsInArgs(args)).toEqual([
      { by: 'embedded', detector: 'password', index: 1 },
      { by: 'value', detector: 'azure-sas-token', index: 5 },
      { by: 'name', detector: 'secret', index: 7 },
    ]);
  });

  it('leaves references, files and scripts that read secrets alone', () => {
    const args = [
      '--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller',
      '--token',
      '$(API_TOKEN)',
      '--client-secret-file',
      '/mnt/secrets/client-secret',
      '--password',
      '-',
      '-c',
      'export PGPASSWORD="$(cat /mnt/secrets-store/pg-password)"\npg_dump orders',
      42,
    ];
    expect(findSecretsInArgs(args)).toEqual([]);
  });
});

describe('secret-patterns: nginx directives that pass a request on', () => {
  const configs = [
    'location ~ \\.php$ {\n  fastcgi_pass 127.0.0.1:9000;\n  fastcgi_index index.php;\n}\n',
    'location / {\n  uwsgi_pass unix:/run/uwsgi/app.sock;\n}\n',
    'location /x {\n  proxy_pass backend:8080;\n}\n',
    'set $upstream_api api.default.svc.cluster.local:8080;\nlocation / {\n  proxy_pass $upstream_api;\n}\n',
    'location /grpc {\n  grpc_pass grpc://backend:50051;\n  scgi_pass localhost:4000;\n  memcached_pass cache:11211;\n}\n',
  ];
  for (const c of configs) it(`no secret in ${c.split('\n').find((l) => l.includes('_pass'))?.trim()}`, () => expect(findSecretInText(c)).toBeUndefined());

  it('reads the upstream directives as no secret name, and keeps `pass` elsewhere', () => {
    for (const n of ['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'memcached_pass']) expect(secretNameKind(n), n).toBeUndefined();
    expect(secretNameKind('REDIS_PASS')).toBe('password');
    expect(secretNameKind('smtp_pass')).toBe('password');
  });

  it('takes `$name` on an nginx line for a variable, and still finds a literal there', () => {
    expect(findSecretInText('location / {\n  auth_token $http_x_token;\n}\n')).toBeUndefined();
    expect(findSecretInText(`location / {\n  auth_token ${pw()};\n}\n`)).toEqual({ by: 'name', detector: 'token', line: 2 });
  });
});

describe('secret-patterns: Azure SDK credential types in nested configuration', () => {
  it('does not take a credential type for a credential', () => {
    const json = ['{', '  "ServiceBus": {', '    "fullyQualifiedNamespace": "orders.servicebus.windows.net",', '    "credential": "workloadidentity",', '    "clientId": "1b4e28ba-2fa1-41d2-883f-0016d3cca427"', '  }', '}'].join('\n');
    expect(findSecretInText(json)).toBeUndefined();
    expect(findSecretInText('Storage:\n  serviceUri: https://storders.blob.core.windows.net/\n  credential: managedidentity\n')).toBeUndefined();
    expect(detectSecret('CREDENTIALS', 'managed-identity')).toBeUndefined();
    expect(detectSecret('credential', 'AzureCli')).toBeUndefined();
  });

  it('still takes a literal under a credential name for one', () => {
    expect(detectSecret('credential', pw())).toEqual({ by: 'name', detector: 'credentials' });
  });
});

describe('secret-patterns: Helm values that name a Secret object', () => {
  it('reads an object name under a key ending in Secret as a pointer', () => {
    expect(findSecretInText('runners:\n  secret: gitlab-runner\n  cache:\n    secretName: azure-cache-creds\n')).toBeUndefined();
    expect(findSecretInText('credentialsSecret: azure\n')).toBeUndefined();
    expect(findSecretInText('dags:\n  gitSync:\n    sshKeySecret: airflow-ssh\n')).toBeUndefined();
    expect(detectSecret('tlsSecret', 'ingress')).toBeUndefined();
  });

  it('still takes a generated value under such a key for a secret', () => {
    expect(detectSecret('clientSecret', pw())).toEqual({ by: 'name', detector: 'secret' });
    // Lower case letters and digits, no hyphen: a DNS-1123 name, but not one a person gives an object.
    expect(detectSecret('webhookSecret', 'fake' + 'x9q2w7k4m8')).toEqual({ by: 'name', detector: 'secret' });
    expect(detectSecret('credentialsSecret', 'Fake' + 'Pw-2024')).toEqual({ by: 'name', detector: 'secret' });
  });
});

describe('secret-patterns: key files given by a relative path', () => {
  it('reads a relative path to a key file as a path', () => {
    expect(findSecretInText('xpack.security.http.ssl.enabled: true\nxpack.security.http.ssl.key: certs/elasticsearch.key\n')).toBeUndefined();
    expect(findSecretInText('server.ssl.key: config/certs/kibana.key\n')).toBeUndefined();
    expect(detectSecret('SSL_KEY', 'certs/tls.key')).toBeUndefined();
    expect(detectSecret('TLS_PRIVATE_KEY', 'tls/server.pem')).toBeUndefined();
  });

  it('still takes key material for key material', () => {
    expect(detectSecret('SSL_KEY', fake.privateKey())).toEqual({ by: 'value', detector: 'private-key' });
    expect(detectSecret('SSL_KEY', pw())).toEqual({ by: 'name', detector: 'private-key' });
  });
});

describe("secret-patterns: Airflow's `_secret` options", () => {
  it('reads them as the key to look up in a secrets backend', () => {
    for (const n of ['AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_SECRET', 'AIRFLOW__CORE__FERNET_KEY_SECRET', 'AIRFLOW__WEBSERVER__SECRET_KEY_SECRET', 'AIRFLOW__CELERY__BROKER_URL_SECRET', 'AIRFLOW__SMTP__SMTP_PASSWORD_SECRET', 'sql_alchemy_conn_secret'])
      expect(secretNameKind(n), n).toBeUndefined();
    expect(detectSecret('AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_SECRET', 'airflow-metadata')).toBeUndefined();
    expect(findSecretInText('[database]\nsql_alchemy_conn_secret = airflow/connections/metadata\n')).toBeUndefined();
  });

  it('still takes the options themselves and other `_SECRET` names for secrets', () => {
    expect(secretNameKind('AIRFLOW__WEBSERVER__SECRET_KEY')).toBe('secret-key');
    expect(secretNameKind('AZURE_CLIENT_SECRET')).toBe('secret');
  });
});

describe('secret-patterns: lesser look-alikes', () => {
  it('does not take a SHA-512 checksum for a storage key', () => {
    expect(detectSecretValue('app.tar.gz sha512:' + fake.storageKey())).toBeUndefined();
  });

  it("exempts the Cosmos DB emulator's published key, as Azurite's", () => {
    // The one key the emulator accepts, as Microsoft's documentation publishes it, assembled in pieces.
    const emulatorKey = ['C2y6yDjf5', 'R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw', 'Jw=='].join('/');
    const conn = 'AccountEndpoint=https://localhost:8081/;Account' + 'Key=' + emulatorKey;
    expect(detectSecretValue(conn)).toBeUndefined();
    expect(detectSecretValue(emulatorKey)).toBeUndefined();
    expect(findSecretInText('cosmos:\n  key: ' + emulatorKey + '\n')).toBeUndefined();
    expect(detectSecretValue('AccountEndpoint=https://localhost:8081/;Account' + 'Key=' + fake.storageKey())).toBe('azure-cosmos-connection-string');
  });

  it('reads a description in braces as a placeholder', () => {
    expect(findEmbeddedSecret('DefaultEndpointsProtocol=https;AccountName=acct;Account' + 'Key={storage-account-key};EndpointSuffix=core.windows.net')).toBeUndefined();
    expect(isUnresolvedOrPlaceholder('{client secret}')).toBe(true);
    // ODBC quotes a value in braces: that is still the value.
    expect(findEmbeddedSecret('Driver={ODBC Driver 18 for SQL Server};Server=db;Uid=app;Pwd={' + pw() + ';x}')).toBeDefined();
  });

  it('reads a sentence about the secret as prose', () => {
    expect(findSecretInText('# Setup\npassword: see Key Vault\n')).toBeUndefined();
    expect(findSecretInText('- Token: rotated every month\n')).toBeUndefined();
    expect(detectSecret('DB_PASSWORD', 'p@ss w0rd with spaces')).toEqual({ by: 'name', detector: 'password' });
  });

  it('takes words under a passphrase name for the passphrase they are, unless they read as a sentence about it', () => {
    expect(detectSecret('DB_PASSPHRASE', 'correct horse battery staple')).toEqual({ by: 'name', detector: 'password' });
    expect(detectSecret('keyPassphrase', 'orbit lantern mosaic')).toEqual({ by: 'name', detector: 'password' });
    expect(detectSecret('GPG_PASSPHRASE', 'my dog is the best')).toEqual({ by: 'name', detector: 'password' });
    expect(detectSecret('SSH_PASSPHRASE', 'see Key Vault')).toBeUndefined();
    expect(detectSecret('KEY_PASSPHRASE', 'set at deploy time')).toBeUndefined();
    expect(detectSecret('DB_PASSWORD', 'correct horse battery staple')).toBeUndefined();
  });

  it("does not take a table's primary key for an account key", () => {
    expect(findSecretInText('{"table": "orders", "primaryKey": "order_id", "partitionKey": "/tenantId"}\n')).toBeUndefined();
    expect(detectSecret('PRIMARY_KEY', 'tenant_id')).toBeUndefined();
    expect(detectSecret('primaryKey', 'orderId')).toBeUndefined();
    expect(detectSecret('PRIMARY_KEY', 'fake' + '9x2Q7wK4' + 'b8Lm')).toEqual({ by: 'name', detector: 'account-key' });
  });
});

describe('secret-patterns: YAML lists in configuration files', () => {
  it('finds a name on one line and its value on the next', () => {
    const podTemplate = ['spec:', '  containers:', '  - name: base', '    env:', '    - name: DB_PASSWORD', `      value: ${pw()}`].join('\n');
    expect(findSecretInText(podTemplate)).toEqual({ by: 'name', detector: 'password', line: 6 });
    const dapr = ['spec:', '  type: state.redis', '  metadata:', '  - name: redisHost', '    value: redis-master:6379', '  - name: redisPassword', `    value: "${pw()}"`].join('\n');
    expect(findSecretInText(dapr)).toEqual({ by: 'name', detector: 'password', line: 7 });
    expect(findSecretInText(`env:\n- {name: API_TOKEN, value: ${pw()}}\n`)).toEqual({ by: 'name', detector: 'token', line: 2 });
  });

  it('finds a mapping in a list item', () => {
    expect(findSecretInText(`- password: ${pw()}\n  user: admin\n`)).toEqual({ by: 'name', detector: 'password', line: 1 });
  });

  it('finds a flag and its value on consecutive list items', () => {
    const kubeconfig = ['users:', '- name: u', '  user:', '    exec:', '      command: kubelogin', '      args:', '      - get-token', '      - --client-secret', `      - ${pw()}`].join('\n');
    expect(findSecretInText(kubeconfig)).toEqual({ by: 'name', detector: 'secret', line: 9 });
  });

  it('leaves references, files and other items alone', () => {
    const texts = [
      '- name: DB_PASSWORD_FILE\n  value: /run/secrets/db\n',
      '- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef: {name: db, key: password}\n',
      '- name: DB_PASSWORD\n- value: x-unrelated-item\n',
      '- name: DB_PASSWORD\n      value: other-item-value\n',
      '- --client-secret\n- $(CLIENT_SECRET)\n',
      '- --client-secret-file\n- /etc/secret\n',
      '- secretKey: connectionString\n  remoteRef: {key: sb-connection}\n',
      'repositories:\n- url: https://github.com/org/repo\n  passwordSecret:\n    name: repo-creds\n    key: password\n  usernameSecret:\n    name: repo-creds\n    key: username\n',
    ];
    for (const t of texts) expect(findSecretInText(t), t).toBeUndefined();
  });
});

describe('secret-patterns: Docker config.json', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  it('finds a registry login under auths', () => {
    const config = JSON.stringify({ auths: { 'fake.azurecr.io': { auth: b64('fake-user:' + pw()) } } }, null, 2);
    expect(findSecretInText(config)).toEqual({ by: 'value', detector: 'docker-config-auth', line: 4 });
    expect(detectSecretValue(JSON.stringify({ auths: { 'fake.azurecr.io': { auth: b64('00000000-0000-0000-0000-000000000000:' + pw()) } } }))).toBe('docker-config-auth');
  });

  it('leaves credential helpers, empty logins and `auth` elsewhere alone', () => {
    expect(detectSecretValue(JSON.stringify({ credHelpers: { 'fake.azurecr.io': 'acr-env' }, auths: {} }))).toBeUndefined();
    expect(detectSecretValue(JSON.stringify({ auths: { 'fake.azurecr.io': { auth: b64('fake-user') } } }))).toBeUndefined();
    expect(detectSecretValue(JSON.stringify({ auth: b64('fake-user:' + pw()) }))).toBeUndefined();
  });
});

describe('secret-patterns: well-known secret names', () => {
  const names: Array<[string, string | undefined]> = [
    ['AIRFLOW__CORE__FERNET_KEY', 'encryption-key'],
    ['fernet_key', 'encryption-key'],
    ['Jwt__Key', 'signing-key'],
    ['JWT_KEY', 'signing-key'],
    ['RABBITMQ_ERLANG_COOKIE', 'secret'],
    ['AZURE_OPENAI_KEY', 'api-key'],
    ['AZURE_OPENAI_API_KEY', 'api-key'],
    ['AIRFLOW__CORE__FERNET_KEY_CMD', undefined],
    ['fernetKeySecretName', undefined],
    // `key` alone is a cache key, a sort key, a map key: too common to name a secret.
    ['AZURE_KEY', undefined],
    ['SORT_KEY', undefined],
  ];
  for (const [name, want] of names) it(`${name} → ${want ?? 'not a secret name'}`, () => expect(secretNameKind(name)).toBe(want));

  it('reads a bare Key with the object it is in', () => {
    expect(findEmbeddedSecret(JSON.stringify({ Jwt: { Key: pw(), Issuer: 'app' } }))).toEqual({ by: 'embedded', detector: 'signing-key' });
    expect(findSecretInText(JSON.stringify({ Logging: {}, Jwt: { Key: pw() } }, null, 2))).toEqual({ by: 'name', detector: 'signing-key', line: 4 });
    expect(findSecretInText(`Jwt:\n  Issuer: app\n  Key: ${pw()}\n`)).toEqual({ by: 'name', detector: 'signing-key', line: 3 });
    expect(findSecretInText(`Cache:\n  Key: orders\nSort:\n  Key: ${pw()}\n`)).toBeUndefined();
  });
});

describe('secret-patterns: short flags whose program fixes their meaning', () => {
  it('finds a password behind -p, -P, -a and -u where the program says so', () => {
    expect(findSecretsInArgs(['az', 'login', '--service-principal', '-u', '1b4e28ba-2fa1-41d2-883f-0016d3cca427', '-p', pw(), '--tenant', 't'])).toEqual([{ by: 'name', detector: 'password', index: 6 }]);
    expect(findSecretsInArgs(['/opt/mssql-tools/bin/sqlcmd', '-S', 'db', '-U', 'sa', '-P', pw(), '-Q', 'SELECT 1'])).toEqual([{ by: 'name', detector: 'password', index: 6 }]);
    expect(findSecretsInArgs(['login', 'fake.azurecr.io', '-u', 'fake', '-p', pw()], { program: 'docker' })).toEqual([{ by: 'name', detector: 'password', index: 5 }]);
    expect(findSecretsInArgs(['-u', 'admin:' + pw(), 'https://api'], { program: 'curl' })).toEqual([{ by: 'name', detector: 'password', index: 1 }]);
    expect(findSecretsInArgs(['redis-cli', '-h', 'cache', '-a', pw(), 'ping'])).toEqual([{ by: 'name', detector: 'password', index: 4 }]);
    expect(findSecretsInArgs(['sh', '-c', `mysql -uroot -p${pw()} -h db -e 'select 1'`])).toEqual([{ by: 'embedded', detector: 'password', index: 2 }]);
    expect(findSecretsInArgs(['sh', '-c', `set -e\nsudo sshpass -p '${pw()}' ssh backup@host true`])).toEqual([{ by: 'embedded', detector: 'password', index: 2 }]);
  });

  it('leaves the same letters alone where they mean something else, or read the password', () => {
    const lists: Array<[unknown[], string | undefined]> = [
      [['run', '-p', '8080:80', 'nginx'], 'docker'],
      [['port-forward', '-p', 'fake-pod-name'], 'kubectl'],
      [['-p', 'fake-profile', 'get-token'], undefined],
      [['mysql', '-p', '-h', 'db'], undefined],
      [['sh', '-c', 'mysql -uroot -p"$MYSQL_PASSWORD" -h db'], undefined],
      [['sh', '-c', 'az login --service-principal -u $AZURE_CLIENT_ID -p $(cat /mnt/secrets/sp) -t $AZURE_TENANT_ID'], undefined],
      [['-u', 'admin', 'https://api'], 'curl'],
      [['az', 'login', '--service-principal', '-u', 'x', '-p', '/mnt/certs/sp.pem'], undefined],
      [['az', 'storage', 'blob', 'list', '-p', 'fake-prefix'], undefined],
    ];
    for (const [args, program] of lists) expect(findSecretsInArgs(args, program === undefined ? {} : { program }), JSON.stringify(args)).toEqual([]);
  });
});

describe('secret-patterns: Redis ACL rules and PostgreSQL password files', () => {
  it('finds a clear-text password added by an ACL rule', () => {
    expect(findSecretInText(`user default off\nuser app on >${pw()} ~app:* +@all\n`)).toEqual({ by: 'name', detector: 'password', line: 2 });
    expect(findSecretInText(`redis-cli ACL SETUSER app on >${pw()} ~* +@read\n`)).toEqual({ by: 'name', detector: 'password', line: 1 });
  });

  it('leaves hashed passwords and users without one alone', () => {
    expect(findSecretInText(`user app on #${'9f8e7d6c5b4a3928'.repeat(4)} ~app:* +@all\nuser default off nopass\n`)).toBeUndefined();
  });

  it('finds the password field of a .pgpass line', () => {
    expect(isPgpassFileName('.pgpass')).toBe(true);
    expect(findPgpassSecret(`# host:port:db:user:password\ndb.postgres.database.azure.com:5432:app:app:${pw()}\n`)).toBe(2);
    expect(findPgpassSecret(`db\\:1:5432:*:app:${pw()}\n`)).toBe(1);
    expect(findPgpassSecret('db:5432:*:app:*\ndb:5432:app\n')).toBeUndefined();
  });
});
