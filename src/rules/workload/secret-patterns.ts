/**
 * Recognises credentials written into manifests, by the name of the key that holds them and by the
 * shape of the value. Used by the rules about env vars and ConfigMaps. A match says which detector
 * fired (`azure-storage-key`, `name: password`), never what it matched: callers must be able to put
 * the result in a report as is.
 *
 * Bias: a finding about a secret is high severity and lands in CI gates, so every detector prefers
 * missing an odd case to flagging a value an operator can show is not a secret. Structured detectors
 * check that the credential part is a literal (not `$(VAR)`, not `<placeholder>`), and name-based
 * detection only fires for values that look like they could be a credential and are written down, not
 * read when the setting is used (`$(cat /mnt/secrets/pw)`, `os.environ["X"]`, `$env:X`).
 */
import { createHash } from 'node:crypto';
import { lineAt } from '../../core/lines.js';
import { EnclosingKeys, isBareKeyWord, lineSettings, splitSetting, type Setting } from './secret-settings.js';

export interface SecretMatch {
  /**
   * Whether the key's name, the value's shape, or a setting written inside the value
   * (`-Dspring.datasource.password=...` in JAVA_TOOL_OPTIONS) gave it away.
   */
  by: 'name' | 'value' | 'embedded';
  /** A value detector id (`azure-storage-key`, `jwt`, ...) or the secret kind a name says (`password`, `api-key`, ...). */
  detector: string;
}

/** The value detectors, most specific first; the first that matches names the finding. */
export const VALUE_DETECTORS = [
  'private-key',
  'azure-storage-connection-string',
  'azure-cosmos-connection-string',
  'azure-shared-access-key',
  'azure-sas-token',
  'sql-connection-string',
  'redis-connection-string',
  'jwt',
  'aws-access-key',
  'github-token',
  'slack-token',
  'slack-webhook',
  'teams-webhook',
  'discord-webhook',
  'azure-functions-key',
  'gitlab-token',
  'stripe-key',
  'sendgrid-key',
  'npm-token',
  'azure-ad-client-secret',
  'azure-storage-key',
  'docker-config-auth',
  'url-credentials',
  'url-query-secret',
  'bearer-token',
  'basic-auth',
] as const;
export type ValueDetector = (typeof VALUE_DETECTORS)[number];

/** For messages and evidence: `azure-storage-key`, `name: password` or `embedded password`. */
export function describeSecretMatch(m: SecretMatch): string {
  if (m.by === 'value') return m.detector;
  return m.by === 'name' ? `name: ${m.detector}` : `embedded ${m.detector}`;
}

/** Where a value was written, which decides what a `$` in it means. */
export interface ScanOptions {
  /**
   * Argo CD resolves `$key` (a key of argocd-secret) and `$secret-name:key` in its own ConfigMaps
   * (argocd-cm, argocd-notifications-cm, ...), and nowhere else.
   */
  argoCd?: boolean;
}

// The API server caps a ConfigMap at 1 MiB: scanning stops there, and every detector below is linear
// in what it reads, so a hostile document cannot make a scan slow.
const MAX_SCAN_CHARS = 1 << 20;
const MAX_LINE_CHARS = 8192;

// ---------------------------------------------------------------------------------------------
// Values that are not literal credentials

/** Substitutions resolved somewhere else: the secret is not in the manifest. */
const REFERENCE_INSIDE = [
  /\$\([A-Za-z_][A-Za-z0-9_]*\)/, // Kubernetes dependent env var
  /\$\{[^{}\n]{1,200}\}/, // envsubst, Flux post-build substitution, ${{ secrets.X }} in CI
  /\{\{[^\n]{0,500}?\}\}/, // an unrendered Helm or Go template
  /#\{[^{}\n]{1,200}\}#/, // Azure Pipelines token replacement
  /\$__(?:file|env|vault)\{[^{}\n]{1,300}\}/, // Grafana's provisioning: a file, variable or vault read at start
];

/** Whole values that point at a secret store or are encrypted. */
const REFERENCE_WHOLE = [
  // `$DB_PASSWORD` written for a later envsubst. Kubernetes itself leaves `$name` literal (only `$(NAME)`
  // expands), so a mixed-case `$uperS3cret` is a literal; an upper-case variable name is not a credential
  // either way.
  /^\$[A-Z_][A-Z0-9_]*$/,
  /^%[A-Za-z_][A-Za-z0-9_]*%$/,
  /^__[A-Za-z0-9_]+__$/, // Octopus / release-pipeline token replacement
  /^@Microsoft\.KeyVault\(/i, // App Service style Key Vault reference
  /^secretref:/i, // Azure Container Apps
  /^(?:vault|akv|azurekeyvault|keyvault):/i,
  /^ref\+[a-z0-9]+:\/\//i, // helmfile/vals references
  /^ENC\[[A-Z0-9_]+,/, // a SOPS-encrypted value
  /^AgA[A-Za-z0-9+/]{100,}={0,2}$/, // a Sealed Secrets ciphertext
];

// Templates and defaults are not leaks. A literal `changeme` that ships is a weak default credential,
// which is a different problem from a leaked secret, and flagging chart placeholders would bury the
// real findings.
const PLACEHOLDER =
  /^(?:change[-_ .]?me|change[-_ .]?it|replace[-_ .]?me|replace[-_ ]?with[-_ ].*|set[-_ ]?me|fill[-_ ]?me(?:[-_ ]?in)?|placeholder|dummy|example|sample|test|todo|tbd|fixme|none|null|nil|undefined|unset|empty|n\/?a|redacted|hidden|masked|secret|secrets|password|passwd|token|your[-_ ].*|your(?:password|secret|token|key|apikey|pass)|my[-_]?(?:secret|password|token|key)|<[^<>]*>|\[[^[\]]*\]|\*+|\.{3,}|-+|_+|\?+|x+)$/i;

// `{storage-account-key}`, `{client secret}`: documentation names what goes there, in words and
// braces. An ODBC value quoted in braces (`PWD={p@ss;w0rd}`) is not made of words alone.
const BRACED_DESCRIPTION = /^[A-Za-z]+(?:[-_ ][A-Za-z]+)*[-_ ](?:key|password|passwd|pwd|secret|token|signature|sas|credentials?)$/i;

const FLAG_VALUE = /^(?:true|false|yes|no|on|off|enabled?|disabled?|y|n)$/i;

const PATH_VALUE = /^(?:\/|\.\.?\/|~\/)[\w.\-/]*$|^[A-Za-z]:[\\/][\w.\-\\/ ]*$/;

const URL_VALUE = /^[a-z][a-z0-9+.-]{1,30}:\/\/\S+$/i;

// `TLS_SECRET: ingress-tls-secret` names a Kubernetes object holding the secret; it is a pointer.
const K8S_NAME = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
const SECRET_OBJECT_WORDS = new Set(['secret', 'secrets', 'tls', 'cert', 'certs', 'creds', 'credentials', 'password', 'token', 'key', 'keys', 'keyvault', 'kv', 'vault']);

function isMonotone(s: string): boolean {
  return s.length > 0 && /^(.)\1*$/s.test(s);
}

// Argo CD: `$key` of argocd-secret, or `$secret-name:key` of a Secret labelled part-of: argocd.
const ARGO_CD_REFERENCE = /^\$[A-Za-z0-9_][A-Za-z0-9_.-]*(?::[A-Za-z0-9_.-]+)?$/;

/** A reference, template, encrypted value or placeholder: nothing secret is written down. */
export function isUnresolvedOrPlaceholder(value: string, opts: ScanOptions = {}): boolean {
  const t = stripQuotes(value.trim());
  if (t === '') return true;
  if (REFERENCE_INSIDE.some((re) => re.test(t))) return true;
  if (REFERENCE_WHOLE.some((re) => re.test(t))) return true;
  if (opts.argoCd === true && ARGO_CD_REFERENCE.test(t)) return true;
  // The Azure portal writes `Password={your_password}` into the connection strings it shows.
  const braced = /^\{[^{}]*\}$/.test(t);
  const inner = braced ? t.slice(1, -1) : t;
  if (braced && BRACED_DESCRIPTION.test(inner)) return true;
  return PLACEHOLDER.test(inner) || isMonotone(inner);
}

// A value computed when the setting is read writes nothing secret down: a command substitution
// (`$(cat /mnt/secrets-store/pw)`, `` `cat f` ``, `$(az account get-access-token ...)`), a parameter
// expansion (`${VAR:-x}`), PowerShell's `$env:NAME`.
const COMPUTED_IN_ANY_SYNTAX = /^(?:\$\(|`|\$\{|\$env:[A-Za-z_])/i;
// Where the syntax expands variables (shell, `.env`, nginx), `$name`, `$1` and `$@` are variables.
const VARIABLE = /^\$(?:[A-Za-z_]\w*(?!\w)|[0-9@*#?!])/;
// Code that reads the secret: a call or an index (`os.getenv("X")`, `os.environ["X"]`, `ENV['X']`,
// `Environment.GetEnvironmentVariable("X")`), or an attribute path (`input.request.headers.authorization`
// in Rego, `process.env.DB_PASSWORD`, `env.DB_PASSWORD`).
const CODE_CALL_OR_INDEX = /^[A-Za-z_][\w]*(?:\s*(?:\.|::|->)\s*[A-Za-z_]\w*)*\s*[([]/;
const CODE_ATTRIBUTE_PATH = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$/;

/** Is this value of a setting in a file or a script an expression that reads the secret from elsewhere? */
function isComputedInScript(t: string, expands: boolean): boolean {
  if (COMPUTED_IN_ANY_SYNTAX.test(t)) return true;
  if (expands && VARIABLE.test(t)) return true;
  return CODE_CALL_OR_INDEX.test(t) || CODE_ATTRIBUTE_PATH.test(t);
}

function isObjectNameReference(t: string): boolean {
  if (!K8S_NAME.test(t) || !/[-.]/.test(t)) return false;
  return t.split(/[-.]/).some((part) => SECRET_OBJECT_WORDS.has(part));
}

// `certs/elasticsearch.key`, `config/certs/kibana.key`, `tls/redis.key`: a file the setting points at,
// relative to the program's configuration directory, not the key itself.
const RELATIVE_KEY_FILE = /^(?:[\w.-]+\/)*[\w-][\w.-]*\.(?:key|pem|crt|cer|cert|der|p8|p12|pfx|jks|keystore|truststore|kdb|pub|gpg|asc)$/i;

// The credential types the Azure SDK's client configuration takes under `credential`
// (Microsoft.Extensions.Azure, Functions identity-based connections), and the names of the
// DefaultAzureCredential chain: a type of credential, not one.
const AZURE_CREDENTIAL_TYPES = new Set([
  'managedidentity', 'workloadidentity', 'managedidentityasfederatedidentity', 'azurepipelines', 'azurecli',
  'azurepowershell', 'azuredeveloper', 'azuredevelopercli', 'defaultazurecredential', 'default', 'environment',
  'visualstudio', 'visualstudiocode', 'interactivebrowser', 'sharedtokencache', 'chained',
]);

function isAzureCredentialType(t: string): boolean {
  return AZURE_CREDENTIAL_TYPES.has(t.toLowerCase().replace(/[-_ ]/g, ''));
}

// A table's primary key names a column (`"primaryKey": "order_id"`, `PRIMARY_KEY=tenantId`): words in
// snake or camel case. Account keys are random base64 or hex, with digits and mixed case.
const COLUMN_NAME = /^(?:[a-z]+(?:_[a-z]+)*|[a-z]+(?:[A-Z][a-z]+)*)$/;
// External Secrets' `secretKey: dbPassword` and a `Key` that picks an entry of a Secret name a key of
// a Secret: several words joined in camel or snake case, which a generated secret key is not.
const KEY_NAME = /^(?:[a-z]+(?:_[a-z]+)+|[a-z]+(?:[A-Z][a-z]+)+)$/;

// Helm charts name the Kubernetes Secret that holds a credential in keys ending with `Secret`
// (`credentialsSecret: azure`, `sshKeySecret: airflow-ssh`, `runners.secret: gitlab-runner`). A
// DNS-1123 name there is the object's name. When the word before `Secret` is what the Secret holds,
// any object name counts; otherwise only hyphenated words, which a generated secret does not look like.
const HELD_IN_SECRET = new Set([
  'credential', 'credentials', 'creds', 'key', 'keys', 'password', 'passwords', 'token', 'tokens', 'tls', 'cert',
  'certs', 'certificate', 'certificates', 'ssh', 'auth', 'registry', 'pull', 'config', 'env', 'kubeconfig',
]);
const WORDS_NAME = /^[a-z]+[0-9]{0,3}(?:[-.][a-z]+[0-9]{0,3})+$/;

function namesSecretObject(name: string, t: string): boolean {
  if (!K8S_NAME.test(t) || t.length > 253) return false;
  const tokens = nameTokens(name);
  if (tokens[tokens.length - 1] !== 'secret') return false;
  if (HELD_IN_SECRET.has(tokens[tokens.length - 2] ?? '')) return true;
  return WORDS_NAME.test(t);
}

// `password: see Key Vault`, `- Token: rotated every month`: a sentence about the secret, in words of
// letters. Two words count only with a word no generated secret holds.
const PROSE = /^[A-Za-z]+(?:,? [A-Za-z]+){1,12}[.!]?$/;
const FUNCTION_WORDS = /\b(?:see|in|the|from|is|are|to|by|of|for|with|use|stored|ask)\b/i;

function isProse(t: string): boolean {
  if (!PROSE.test(t)) return false;
  return t.split(' ').length >= 3 || FUNCTION_WORDS.test(t);
}

// Words that say where a secret is or who sets it (`see Key Vault`, `set at deploy time`), which a
// passphrase made of ordinary words (`tiger in the garden`) does not need.
const POINTER_WORDS = /\b(?:see|stored|ask|vault|rotated|managed|provided|injected|set (?:at|by|in|from|via|during)|comes from|taken from)\b/i;

/**
 * A passphrase is made of words (`correct horse battery staple`, `my dog is the best`): under a name
 * that says passphrase, words are prose only when they point at where the secret is kept or set.
 */
function isProseUnder(name: string, t: string): boolean {
  return /passphrase/i.test(name) ? PROSE.test(t) && POINTER_WORDS.test(t) : isProse(t);
}

/** Could this value be a credential, given that its key's name says it is one? */
function literalCredential(value: string, keyword: string, opts: ScanOptions = {}, name = ''): boolean {
  const t = stripQuotes(value.trim());
  // One or two characters (`0`, `-`, `*`) are flags and markers, not credentials.
  if (t.length < 3) return false;
  if (isUnresolvedOrPlaceholder(t, opts)) return false;
  // Kubernetes passes a command substitution through as text; either way no credential is written down.
  if (COMPUTED_IN_ANY_SYNTAX.test(t)) return false;
  if (FLAG_VALUE.test(t) || PATH_VALUE.test(t) || URL_VALUE.test(t) || RELATIVE_KEY_FILE.test(t)) return false;
  if (isObjectNameReference(t) || isProseUnder(name, t)) return false;
  if (keyword === 'credentials' && isAzureCredentialType(t)) return false;
  if (keyword === 'account-key' && COLUMN_NAME.test(t)) return false;
  if (keyword !== 'password' && KEY_NAME.test(t)) return false;
  if (keyword === 'secret' && namesSecretObject(name, t)) return false;
  // Whether a connection string is secret depends on what it carries (Managed Identity and
  // Application Insights strings carry nothing), and the value detectors read those: only an opaque
  // value is taken on its name's word.
  if (keyword === 'connection-string' && (/=/.test(t) || /:\/\//.test(t))) return false;
  return true;
}

function stripQuotes(s: string): string {
  if (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0]) return s.slice(1, -1);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Names

/** `dbPassword`, `DB_PASSWORD`, `db.password`, `APIKey2` → tokens, lower case, digits split off. */
export function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([A-Za-z])([0-9])/g, '$1 $2')
    .replace(/([0-9])([A-Za-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t !== '');
}

/** Token sequences that name a secret, with the kind they name. `key` alone is too common (cache keys, sort keys) to count. */
const NAME_PHRASES: ReadonlyArray<readonly [readonly string[], string]> = [
  [['password'], 'password'],
  [['passwd'], 'password'],
  [['pwd'], 'password'],
  [['pass'], 'password'],
  [['passphrase'], 'password'],
  [['pass', 'phrase'], 'password'],
  [['secret'], 'secret'],
  [['token'], 'token'],
  [['credential'], 'credentials'],
  [['credentials'], 'credentials'],
  [['creds'], 'credentials'],
  [['api', 'key'], 'api-key'],
  [['access', 'key'], 'access-key'],
  [['private', 'key'], 'private-key'],
  [['secret', 'key'], 'secret-key'],
  [['account', 'key'], 'account-key'],
  [['storage', 'key'], 'account-key'],
  [['master', 'key'], 'account-key'],
  [['primary', 'key'], 'account-key'],
  [['secondary', 'key'], 'account-key'],
  [['shared', 'access', 'key'], 'shared-access-key'],
  [['subscription', 'key'], 'subscription-key'],
  [['function', 'key'], 'function-key'],
  [['functions', 'key'], 'function-key'],
  [['admin', 'key'], 'admin-key'],
  [['encryption', 'key'], 'encryption-key'],
  [['signing', 'key'], 'signing-key'],
  [['hmac', 'key'], 'signing-key'],
  [['session', 'key'], 'signing-key'],
  [['app', 'key'], 'signing-key'],
  [['auth', 'key'], 'signing-key'],
  [['jwt', 'key'], 'signing-key'],
  [['fernet', 'key'], 'encryption-key'],
  [['openai', 'key'], 'api-key'],
  [['erlang', 'cookie'], 'secret'],
  [['client', 'key'], 'private-key'],
  [['tls', 'key'], 'private-key'],
  [['ssl', 'key'], 'private-key'],
  [['connection', 'string'], 'connection-string'],
  [['connection', 'strings'], 'connection-string'],
  [['conn', 'str'], 'connection-string'],
  [['conn', 'string'], 'connection-string'],
];

/** Every kind `secretNameKind` can return. */
export const SECRET_NAME_KINDS: readonly string[] = [...new Set(NAME_PHRASES.map(([, kind]) => kind))];

/** One-word spellings (`APIKEY`, `DBPASSWORD`): matched when a token ends with them. */
const COMPOUND_SUFFIXES: ReadonlyArray<readonly [string, string]> = [
  ['password', 'password'],
  ['passwd', 'password'],
  ['secret', 'secret'],
  ['token', 'token'],
  ['apikey', 'api-key'],
  ['accesskey', 'access-key'],
  ['privatekey', 'private-key'],
  ['secretkey', 'secret-key'],
  ['accountkey', 'account-key'],
  ['masterkey', 'account-key'],
  ['sharedaccesskey', 'shared-access-key'],
  ['subscriptionkey', 'subscription-key'],
  ['connectionstring', 'connection-string'],
  ['connectionstrings', 'connection-string'],
  ['connstr', 'connection-string'],
  ['connstring', 'connection-string'],
];

// What may follow the secret word and still name the secret itself (`PASSWORD_2`, `SECRET_KEY_BASE`,
// `token.txt`, `PASSWORD_OLD`). Anything else turns the name into a setting about the secret:
// `TOKEN_TTL`, `PASSWORD_MIN_LENGTH`, `SECRET_NAME`, `TOKEN_URL`, and above all `*_FILE` / `*_PATH`,
// the recommended way of passing a secret (and `AZURE_FEDERATED_TOKEN_FILE` of workload identity).
const ALLOWED_TAIL = new Set([
  'value', 'val', 'base', 'b', 'hex', 'raw', 'plain', 'plaintext', 'text', 'txt', 'str', 'string', 'data',
  'json', 'yaml', 'yml', 'env', 'pem', 'encoded', 'old', 'new', 'current', 'prev', 'previous', 'next',
  'primary', 'secondary', 'main', 'default',
]);

// Words before the secret word that make the name a switch or a pointer:
// `MYSQL_ALLOW_EMPTY_PASSWORD`, `existingSecret`, `USE_TOKEN`, `AUTOMOUNT_TOKEN`.
const FLAG_PREFIX = new Set([
  'existing', 'use', 'enable', 'enabled', 'disable', 'disabled', 'require', 'required', 'allow', 'auto',
  'automount', 'skip', 'ignore', 'generate', 'rotate', 'mount', 'create', 'has', 'is', 'no', 'show', 'hide',
  'mask', 'validate', 'verify', 'check', 'min', 'max', 'num', 'random',
]);

interface PhraseHit {
  start: number;
  end: number; // exclusive
  kind: string;
}

function phraseHits(tokens: readonly string[]): PhraseHit[] {
  const hits: PhraseHit[] = [];
  for (let i = 0; i < tokens.length; i++) {
    for (const [phrase, kind] of NAME_PHRASES) {
      if (i + phrase.length > tokens.length) continue;
      if (phrase.every((p, j) => tokens[i + j] === p)) hits.push({ start: i, end: i + phrase.length, kind });
    }
    const t = tokens[i] as string;
    for (const [suffix, kind] of COMPOUND_SUFFIXES) {
      if (t.endsWith(suffix)) hits.push({ start: i, end: i + 1, kind });
    }
  }
  return hits;
}

// Key names repeat across an estate (LOG_LEVEL in every Deployment): classify each once.
const NAME_CACHE = new Map<string, string | undefined>();
const NAME_CACHE_LIMIT = 50_000;

/** The kind of secret a key's name says it holds (`password`, `api-key`, ...), or undefined. */
export function secretNameKind(name: string): string | undefined {
  // Most names hold none of the words (every word of every config line is asked about): no cache entry for them.
  if (!NAME_WORD_PARTS.test(name.toLowerCase())) return undefined;
  if (NAME_CACHE.has(name)) return NAME_CACHE.get(name);
  const kind = classifyName(name);
  if (NAME_CACHE.size >= NAME_CACHE_LIMIT) NAME_CACHE.clear();
  NAME_CACHE.set(name, kind);
  return kind;
}

// Every phrase and suffix above contains one of these: a name without any cannot match, and most
// names (LOG_LEVEL, PORT, ...) are ruled out by this one test instead of a tokenization.
const SECRET_WORD_PARTS = /pass|pwd|secret|token|cred|key|conn|cookie/;

// SECRET_WORD_PARTS and the words of EXACT_NAMES, lower-cased as classifyName reads them: a name without one names no secret.
const NAME_WORD_PARTS = /pass|pwd|secret|token|cred|key|conn|cookie|auth/;

// Settings named by one word that none of the phrases above cover.
const EXACT_NAMES = new Map([
  ['requirepass', 'password'], // redis.conf
  ['masterauth', 'password'], // redis.conf, a replica's password for its primary
  ['_auth', 'credentials'], // .npmrc, base64 of user:password
]);

// Azure SDK and Functions identity-based connections (`AzureWebJobsStorage__credential: managedidentity`,
// `ServiceBusConnection__fullyQualifiedNamespace`): properties that say where the service is and how to
// get a token, none of them a secret. `__credential` takes a credential type (managedidentity,
// workloadidentity, azurecli...); a `__clientSecret` still names a secret.
const IDENTITY_CONNECTION_PROPERTY =
  /(?:__|:)(?:credential|clientId|tenantId|managedIdentityResourceId|fullyQualifiedNamespace|serviceUri|blobServiceUri|queueServiceUri|tableServiceUri|dfsServiceUri|fileServiceUri|accountName|accountEndpoint|endpoint|vaultUri)$/i;

// nginx's `proxy_pass`, `fastcgi_pass`, `uwsgi_pass`, ... take the address of an upstream: the `pass`
// there is "pass the request on", not a password.
const NGINX_PASS_DIRECTIVES = new Set(['proxy', 'fastcgi', 'uwsgi', 'scgi', 'grpc', 'memcached']);

function isNginxPassDirective(tokens: readonly string[], hit: PhraseHit): boolean {
  return tokens[hit.start] === 'pass' && hit.start > 0 && NGINX_PASS_DIRECTIVES.has(tokens[hit.start - 1] as string);
}

// Airflow reads these options from a secrets backend when `_secret` is appended (`sql_alchemy_conn_secret`,
// `AIRFLOW__CORE__FERNET_KEY_SECRET`): the value is the key to look up there, as a `_cmd` value is the
// command that prints the secret. `password` ([atlas]) is too common a word to count without the prefix.
const AIRFLOW_SECRET_BACKED_OPTIONS: ReadonlyArray<readonly string[]> = [
  ['sql', 'alchemy', 'conn'],
  ['fernet', 'key'],
  ['broker', 'url'],
  ['flower', 'basic', 'auth'],
  ['result', 'backend'],
  ['smtp', 'password'],
  ['secret', 'key'],
];

function isAirflowSecretLookup(tokens: readonly string[], hit: PhraseHit): boolean {
  if (tokens[hit.start] !== 'secret' || hit.end !== tokens.length) return false;
  const before = tokens.slice(0, hit.start);
  const endsWith = (option: readonly string[]) => option.length <= before.length && option.every((t, i) => before[before.length - option.length + i] === t);
  if (AIRFLOW_SECRET_BACKED_OPTIONS.some(endsWith)) return true;
  return before[0] === 'airflow' && before[before.length - 1] === 'password';
}

function classifyName(name: string): string | undefined {
  const exact = EXACT_NAMES.get(name.toLowerCase());
  if (exact !== undefined) return exact;
  if (IDENTITY_CONNECTION_PROPERTY.test(name)) return undefined;
  // Lower-cased as nameTokens does, so that the test agrees with the tokens on every input.
  if (!SECRET_WORD_PARTS.test(name.toLowerCase())) return undefined;
  const tokens = nameTokens(name);
  const hits = phraseHits(tokens);
  if (hits.length === 0) return undefined;
  // The last secret word decides: `SECRET_TOKEN_TTL` is about a token's lifetime.
  let last = hits[0] as PhraseHit;
  for (const h of hits) if (h.end > last.end || (h.end === last.end && h.start < last.start)) last = h;
  if (tokens.slice(0, last.start).some((t) => FLAG_PREFIX.has(t))) return undefined;
  if (isNginxPassDirective(tokens, last) || isAirflowSecretLookup(tokens, last)) return undefined;
  // .NET's `ConnectionStrings__<name>`: what follows is the connection's name.
  if (last.kind === 'connection-string') return last.kind;
  const tail = tokens.slice(last.end);
  if (!tail.every((t) => ALLOWED_TAIL.has(t) || /^\d+$/.test(t))) return undefined;
  return last.kind;
}

// ---------------------------------------------------------------------------------------------
// Values

interface ValueHit {
  detector: ValueDetector;
  index: number;
}

const PEM_PRIVATE = /-----BEGIN (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----/g;

function privateKey(text: string): number {
  for (const m of text.matchAll(PEM_PRIVATE)) {
    // A header with nothing after it is documentation, not a key. Keys embedded in JSON carry
    // escaped newlines (`\n`), which count as whitespace here.
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 400).replace(/\\[nr]|\s/g, '');
    if (/^(?:Proc-Type:|[A-Za-z0-9+/=]{16,})/.test(after)) return m.index;
  }
  return -1;
}

/** `k=v` pairs of a `;` or `,` separated connection string, keys lower-cased. */
function connectionPairs(line: string, sep: ';' | ','): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of line.split(sep).slice(0, 100)) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const k = part.slice(0, eq).trim().toLowerCase().replace(/\s+/g, ' ');
    if (!/^[a-z][a-z0-9 _.-]{0,40}$/.test(k)) continue;
    out.set(k, part.slice(eq + 1).trim());
  }
  return out;
}

function credentialPart(v: string | undefined, minLength: number): boolean {
  if (v === undefined) return false;
  let t = stripQuotes(v.trim());
  if (t.startsWith('{') && t.endsWith('}')) t = t.slice(1, -1);
  return t.length >= minLength && !isUnresolvedOrPlaceholder(t);
}

// Azurite's development account and key are published in Microsoft's documentation.
function isAzuriteLine(line: string): boolean {
  return /AccountName=devstoreaccount1\b|UseDevelopmentStorage=true/i.test(line) || publishedKeyOnLine(line);
}

// The Azure Cosmos DB emulator accepts one well-known key, published in Microsoft's documentation; its
// SHA-256 is kept here so that the repository does not hold a string every secret scanner flags.
const PUBLISHED_KEY_SHA256 = new Set(['aa6547439583c3a275d4542a0df6c1ad6a863971be9f2a2220f027cc02aef615']);
const KEY_SHAPE = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{86}==(?![A-Za-z0-9+/=])/g;

function isPublishedKey(key: string): boolean {
  return PUBLISHED_KEY_SHA256.has(createHash('sha256').update(key).digest('hex'));
}

function publishedKeyOnLine(line: string): boolean {
  if (!line.includes('==')) return false;
  for (const m of line.matchAll(KEY_SHAPE)) if (isPublishedKey(m[0])) return true;
  return false;
}

/** The line around `index`, cut to a window so that many matches on one huge line stay linear. */
function lineAround(text: string, index: number, reach = 2048): string {
  const start = Math.max(0, index - reach);
  const window = text.slice(start, index + reach);
  const at = index - start;
  const from = window.lastIndexOf('\n', at) + 1;
  const to = window.indexOf('\n', at);
  return window.slice(from, to === -1 ? undefined : to);
}

const SQL_KEYS = ['server', 'data source', 'host', 'hostname', 'address', 'addr', 'user id', 'userid', 'uid', 'user', 'username', 'initial catalog', 'database', 'port', 'driver', 'dsn'];

function connectionString(line: string): ValueDetector | undefined {
  if (!line.includes('=')) return undefined;
  for (const sep of [';', ','] as const) {
    if (!line.includes(sep)) continue;
    const pairs = connectionPairs(line, sep);
    if (pairs.size < 2) continue;
    const devAccount = isAzuriteLine(line);
    if (credentialPart(pairs.get('accountkey'), 20) && !devAccount)
      return pairs.has('accountendpoint') ? 'azure-cosmos-connection-string' : 'azure-storage-connection-string';
    if (credentialPart(pairs.get('sharedaccesskey'), 16)) return 'azure-shared-access-key';
    const sas = pairs.get('sharedaccesssignature');
    if (sas !== undefined && /\bsig=/i.test(sas) && !devAccount) return 'azure-sas-token';
    const password = pairs.get('password') ?? pairs.get('pwd');
    if (credentialPart(password, 1)) {
      if (sep === ';' && (SQL_KEYS.some((k) => pairs.has(k)) || /^\s*jdbc:/i.test(line))) return 'sql-connection-string';
      // StackExchange.Redis (Azure Cache for Redis): `host:6380,password=...,ssl=True`.
      if (sep === ',' && /^\s*["']?[\w.-]+:\d+\s*$/.test(line.split(',')[0] as string)) return 'redis-connection-string';
    }
  }
  return undefined;
}

const SAS_SIG = /(?:^|[?&;\s])sig=([A-Za-z0-9%+/=_-]{20,200})/gi;
const SAS_CONTEXT = /(?:^|[?&;\s])(?:sv=\d{4}-\d{2}-\d{2}|skn=[^&\s]+|se=\d)/i;
// A Logic App (or Power Automate) trigger URL signs with `sv=1.0` and names the trigger in `sp`:
// `.../triggers/manual/paths/invoke?api-version=...&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=...`.
const LOGIC_APP_VERSION = /(?:^|[?&;\s])sv=1\.0(?![\d.])/;
const LOGIC_APP_PERMISSION = /(?:^|[?&;\s])sp=(?:%2F|\/)triggers/i;

function sasToken(text: string): number {
  for (const m of text.matchAll(SAS_SIG)) {
    if (!looksGenerated(decodeUri(m[1] as string))) continue;
    // Look only around the signature: a SAS is one query string.
    const line = lineAround(text, m.index);
    if (isAzuriteLine(line)) continue;
    if (SAS_CONTEXT.test(line) || (LOGIC_APP_VERSION.test(line) && LOGIC_APP_PERMISSION.test(line))) return m.index;
  }
  return -1;
}

const JWT_RUN = /[A-Za-z0-9_\-.]{24,}/g;

function jwtHeader(seg: string): boolean {
  if (seg.length > 4096) return false;
  const text = Buffer.from(seg, 'base64url').toString('utf8');
  if (!text.includes('"alg"')) return false;
  try {
    const header: unknown = JSON.parse(text);
    return typeof header === 'object' && header !== null && typeof (header as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}

function jwt(text: string): number {
  for (const m of text.matchAll(JWT_RUN)) {
    const run = m[0];
    if (!run.includes('eyJ')) continue;
    const segs = run.split('.');
    for (let i = 0; i + 2 < segs.length; i++) {
      const [h, p] = [segs[i] as string, segs[i + 1] as string];
      if (h.startsWith('eyJ') && p.length >= 2 && jwtHeader(h)) return m.index;
    }
  }
  return -1;
}

const AWS_KEY = /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g;
const GITHUB_TOKEN = /(?<![A-Za-z0-9_])(?:gh[pousr]_([A-Za-z0-9]{36,255})|github_pat_([A-Za-z0-9_]{22,255}))(?![A-Za-z0-9_])/g;
// Slack tokens carry numeric ids after the prefix (`xoxb-<team>-<bot>-<secret>`, `xoxa-2-...`): the
// digits keep `xoxb-your-token` in a README from matching.
const SLACK_TOKEN = /(?<![A-Za-z0-9])xox[abposre]-(\d{1,20}-[A-Za-z0-9-]{8,250})/g;
const SLACK_WEBHOOK = /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/([A-Za-z0-9_/-]{20,300})/g;
// Teams incoming webhooks: `https://<tenant>.webhook.office.com/webhookb2/<group>@<tenant>/IncomingWebhook/<hex>/<id>`
// (the older host is outlook.office.com/webhook). The URL alone lets anyone post to the channel.
const TEAMS_WEBHOOK =
  /https:\/\/(?:[a-z0-9-]{1,63}\.webhook\.office\.com\/webhookb2|outlook\.office(?:365)?\.com\/webhook)\/[0-9a-f-]{36}@[0-9a-f-]{36}\/IncomingWebhook\/([0-9a-f]{32})\/[0-9a-f-]{36}/gi;
const DISCORD_WEBHOOK = /https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/(?:v\d{1,2}\/)?webhooks\/\d{17,20}\/([A-Za-z0-9_-]{60,68})/g;
// GitLab personal, deploy, runner and trigger tokens.
const GITLAB_TOKEN = /(?<![A-Za-z0-9_-])(?:glpat|gldt|glrt|glptt|glcbt)-([A-Za-z0-9_.-]{20,255})/g;
const STRIPE_KEY = /(?<![A-Za-z0-9_])(?:sk|rk)_live_([A-Za-z0-9]{20,247})(?![A-Za-z0-9])/g;
const SENDGRID_KEY = /(?<![A-Za-z0-9_.-])SG\.([A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/g;
const NPM_TOKEN = /(?<![A-Za-z0-9_])npm_([A-Za-z0-9]{36})(?![A-Za-z0-9_])/g;
// Azure Functions (and App Service) hosts; a function or host key rides in `code=` of an HTTP trigger's URL.
const FUNCTIONS_HOST = /^[a-z0-9-]{1,60}(?:\.scm)?\.(?:azurewebsites\.net|azurewebsites\.us|chinacloudsites\.cn)(?::\d+)?$/i;

// The current format of Entra ID (Azure AD) application secrets: three characters, a digit, `Q~`, and 31-34 more.
const ENTRA_SECRET = /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}\dQ~([A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])/g;
// Storage account keys are 64 random bytes in base64: 86 characters and `==`. Cosmos DB keys have the same shape.
// A SHA-512 digest in base64 has the same length: a Subresource Integrity hash (`sha512-...`) and a
// checksum in `algorithm:digest` form (`sha512:...`).
const STORAGE_KEY = /(?<![A-Za-z0-9+/])(?<!sha512[-:])[A-Za-z0-9+/]{86}==(?![A-Za-z0-9+/=])/g;
// The scheme name is case-insensitive in HTTP.
const BEARER = /\bbearer\s+([A-Za-z0-9._~+/-]{8,}=*)/gi;
const BASIC = /\bbasic\s+([A-Za-z0-9+/]{12,}={0,2})(?![A-Za-z0-9+/=])/gi;
const URL_USERINFO = /^([^\s/:@?#]{0,256}):([^\s/@?#]{1,256})@/;
const SCHEME_CHAR = /[A-Za-z0-9+.-]/;
const MAX_URL_CHARS = 8192;

/** The first match of `re` whose captured body passes `ok`; `ok` defaults to "not one repeated character". */
function firstMatch(text: string, re: RegExp, ok: (m: RegExpExecArray) => boolean = (m) => !isMonotone(bodyOf(m))): number {
  for (const m of text.matchAll(re)) if (ok(m)) return m.index;
  return -1;
}

function generatedBody(m: RegExpExecArray): boolean {
  return looksGenerated(bodyOf(m));
}

function bodyOf(m: RegExpExecArray): string {
  for (let i = m.length - 1; i >= 1; i--) if (m[i] !== undefined) return m[i] as string;
  return m[0];
}

function decodeUri(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

interface UrlToken {
  index: number;
  /** What follows `scheme://`, up to the next whitespace or quote (capped). */
  rest: string;
}

/**
 * Every `scheme://...` in the text. Found from the `://` and walked back to the scheme, and each URL
 * is skipped as a whole, so that the scan stays linear on hostile input.
 */
function urlTokens(text: string): UrlToken[] {
  const out: UrlToken[] = [];
  let i = text.indexOf('://');
  while (i !== -1) {
    let start = i;
    while (start > 0 && i - start < 31 && SCHEME_CHAR.test(text[start - 1] as string)) start--;
    const ws = /[\s"'`<>]/g;
    ws.lastIndex = i + 3;
    const end = ws.exec(text)?.index ?? text.length;
    if (start < i && /[A-Za-z]/.test(text[start] as string)) out.push({ index: start, rest: text.slice(i + 3, Math.min(end, i + 3 + MAX_URL_CHARS)) });
    i = text.indexOf('://', Math.max(end, i + 3));
  }
  return out;
}

function urlCredentials(urls: readonly UrlToken[]): number {
  for (const u of urls) {
    const m = URL_USERINFO.exec(u.rest);
    if (!m) continue;
    const password = decodeUri(m[2] as string);
    if (password.length > 0 && !isUnresolvedOrPlaceholder(password) && !/%24|%7B/i.test(m[2] as string)) return u.index;
  }
  return -1;
}

/** The query parameters of a URL, at most 100, undecoded. */
function queryPairs(u: UrlToken): Array<[string, string]> {
  const q = u.rest.indexOf('?');
  if (q === -1) return [];
  const hash = u.rest.indexOf('#', q);
  const out: Array<[string, string]> = [];
  for (const pair of u.rest.slice(q + 1, hash === -1 ? undefined : hash).split('&').slice(0, 100)) {
    const eq = pair.indexOf('=');
    if (eq > 0) out.push([pair.slice(0, eq), pair.slice(eq + 1)]);
  }
  return out;
}

function functionsKey(urls: readonly UrlToken[]): number {
  for (const u of urls) {
    const slash = u.rest.search(/[/?]/);
    const host = u.rest.slice(0, slash === -1 ? undefined : slash);
    if (!FUNCTIONS_HOST.test(host)) continue;
    for (const [k, v] of queryPairs(u)) {
      if (k !== 'code') continue;
      const key = decodeUri(v);
      // Function keys are 40 or more characters of base64; `code=<function-key>` in a doc is not one.
      if (key.length >= 20 && /^[A-Za-z0-9_+/=-]+$/.test(key) && looksGenerated(key)) return u.index;
    }
  }
  return -1;
}

function urlQuerySecret(urls: readonly UrlToken[]): number {
  for (const u of urls) {
    const q = u.rest.indexOf('?');
    if (q === -1) continue;
    const hash = u.rest.indexOf('#', q);
    const query = u.rest.slice(q + 1, hash === -1 ? undefined : hash);
    for (const pair of query.split('&').slice(0, 100)) {
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const key = decodeUri(pair.slice(0, eq));
      const kind = secretNameKind(key);
      if (kind && literalCredential(decodeUri(pair.slice(eq + 1)), kind, {}, key)) return u.index;
    }
  }
  return -1;
}

/** Is this base64 a `user:password` pair with a password written down? */
function encodesUserPassword(b64: string): boolean {
  const decoded = Buffer.from(b64, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 && colon < decoded.length - 1 && /^[\x20-\x7e]+$/.test(decoded) && !isUnresolvedOrPlaceholder(decoded.slice(colon + 1));
}

function basicAuth(text: string): number {
  return firstMatch(text, BASIC, (m) => encodesUserPassword(m[1] as string));
}

// A Docker (and Podman, Helm registry, ORAS) config.json keeps each registry's login under `auths`,
// in `auth`: base64 of `user:password`.
const DOCKER_AUTHS = /"auths"\s*:\s*\{/;
const DOCKER_AUTH = /"auth"\s*:\s*"([A-Za-z0-9+/]{4,8192}={0,2})"/g;

function dockerConfigAuth(text: string): number {
  if (!text.includes('"auths"')) return -1;
  const auths = DOCKER_AUTHS.exec(text);
  if (!auths) return -1;
  const i = firstMatch(text.slice(auths.index), DOCKER_AUTH, (m) => encodesUserPassword(m[1] as string));
  return i === -1 ? -1 : auths.index + i;
}

// Documentation writes `xxxx`, `<your-key>`, `EXAMPLE` and `...` where a generated credential goes.
const NOT_GENERATED = /x{4,}|\*{3,}|\.{3}|your|example|sample|placeholder|redacted|changeme|[<>{}$]/i;

/** Could this be the random part of a generated credential, not a placeholder for one? */
function looksGenerated(body: string): boolean {
  return !isMonotone(body) && !NOT_GENERATED.test(body);
}

function mixedBase64(s: string): boolean {
  return /[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9]/.test(s);
}

/** Runs every value detector over a value or a whole file; the first detector (in VALUE_DETECTORS order) that matches wins. */
function scanValue(raw: string): ValueHit | undefined {
  const text = raw.length > MAX_SCAN_CHARS ? raw.slice(0, MAX_SCAN_CHARS) : raw;
  let i = privateKey(text);
  if (i >= 0) return { detector: 'private-key', index: i };

  let offset = 0;
  for (const line of text.split('\n')) {
    if (line.length <= MAX_LINE_CHARS) {
      const d = connectionString(line);
      if (d) return { detector: d, index: offset };
    }
    offset += line.length + 1;
  }

  let found: UrlToken[] | undefined;
  const urls = () => (found ??= urlTokens(text));
  const checks: Array<[ValueDetector, () => number]> = [
    ['azure-sas-token', () => sasToken(text)],
    ['jwt', () => jwt(text)],
    ['aws-access-key', () => firstMatch(text, AWS_KEY, (m) => !m[0].endsWith('EXAMPLE'))],
    ['github-token', () => firstMatch(text, GITHUB_TOKEN)],
    ['slack-token', () => firstMatch(text, SLACK_TOKEN, generatedBody)],
    ['slack-webhook', () => firstMatch(text, SLACK_WEBHOOK)],
    ['teams-webhook', () => firstMatch(text, TEAMS_WEBHOOK)],
    ['discord-webhook', () => firstMatch(text, DISCORD_WEBHOOK, generatedBody)],
    ['azure-functions-key', () => functionsKey(urls())],
    ['gitlab-token', () => firstMatch(text, GITLAB_TOKEN, generatedBody)],
    ['stripe-key', () => firstMatch(text, STRIPE_KEY, generatedBody)],
    ['sendgrid-key', () => firstMatch(text, SENDGRID_KEY, generatedBody)],
    ['npm-token', () => firstMatch(text, NPM_TOKEN, generatedBody)],
    ['azure-ad-client-secret', () => firstMatch(text, ENTRA_SECRET)],
    ['azure-storage-key', () => firstMatch(text, STORAGE_KEY, (m) => mixedBase64(m[0]) && !isPublishedKey(m[0]) && !isAzuriteLine(lineAround(text, m.index)))],
    ['docker-config-auth', () => dockerConfigAuth(text)],
    ['url-credentials', () => urlCredentials(urls())],
    ['url-query-secret', () => urlQuerySecret(urls())],
    // A digit tells a token from prose (`bearer authentication`).
    ['bearer-token', () => firstMatch(text, BEARER, (m) => /[0-9]/.test(m[1] as string) && !isUnresolvedOrPlaceholder(m[1] as string))],
    ['basic-auth', () => basicAuth(text)],
  ];
  for (const [detector, run] of checks) {
    i = run();
    if (i >= 0) return { detector, index: i };
  }
  return undefined;
}

/** Which value detector recognises this value as a credential, if any. */
export function detectSecretValue(value: string): ValueDetector | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  return scanValueCached(value)?.detector;
}

/**
 * Is this key/value pair a secret? The value's shape is checked first (it names the credential
 * precisely), then the key's name, which counts only for a value that could be a credential.
 */
// Env values repeat across an estate (`info`, `production`, the same URLs): scan each distinct value
// once. The cache lives only in this process and is never written anywhere.
const VALUE_CACHE = new Map<string, ValueHit | undefined>();

function scanValueCached(value: string): ValueHit | undefined {
  if (value.length > 4096) return scanValue(value);
  if (VALUE_CACHE.has(value)) return VALUE_CACHE.get(value);
  const hit = scanValue(value);
  if (VALUE_CACHE.size >= 50_000) VALUE_CACHE.clear();
  VALUE_CACHE.set(value, hit);
  return hit;
}

export function detectSecret(name: string, value: unknown, opts: ScanOptions = {}): SecretMatch | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const byValue = scanValueCached(value);
  if (byValue) return { by: 'value', detector: byValue.detector };
  const kind = secretNameKind(name);
  if (kind && literalCredential(value, kind, opts, name)) return { by: 'name', detector: kind };
  return undefined;
}

export interface TextSecretMatch extends SecretMatch {
  /** 1-based line in the text. */
  line: number;
}

interface SettingScan {
  /** Read whole-line forms (`key: value`, `key value`): the text is a file, not one value. */
  wholeLine: boolean;
  /** The text is a script or a configuration file, where a value can be code or a variable. */
  script: boolean;
}

// A `key value` line has the shape of prose too (`Password required`): there a value of letters alone
// is taken for a word, not a credential.
const PLAIN_WORD = /^[A-Za-z][a-z]*$/;

/** The kind of secret a setting holds as a literal, or undefined. */
function settingKind(s: Setting, opts: ScanOptions, scan: SettingScan): string | undefined {
  const kind = secretNameKind(s.key);
  if (!kind) return undefined;
  const t = stripQuotes(s.value.trim());
  if (scan.script && isComputedInScript(t, s.expands)) return undefined;
  if (s.loose && PLAIN_WORD.test(t)) return undefined;
  return literalCredential(t, kind, opts, s.key) ? kind : undefined;
}

/**
 * `Key` under `Jwt` is `Jwt.Key`: the block a bare `Key` sits in says which key it is. Under a block
 * that itself names a secret (`passwordSecret: {name: ..., key: password}`), `key` picks an entry of it.
 */
function qualified(s: Setting, parent: string | undefined): Setting {
  if (parent === undefined || !isBareKeyWord(s.key) || secretNameKind(parent) !== undefined) return s;
  return { ...s, key: `${parent}.${s.key}` };
}

function settingSecret(text: string, opts: ScanOptions, scan: SettingScan): { kind: string; line: number } | undefined {
  const lines = text.split('\n');
  const blocks = new EnclosingKeys();
  // Whether lines[n] is an Azurite line, when the pass before already asked it of its next line.
  let azuriteAhead: boolean | undefined;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n] as string;
    const parent = scan.wholeLine ? blocks.next(line.length > MAX_LINE_CHARS ? '' : line) : undefined;
    // Azurite's published development key is no secret, in whatever setting it appears.
    const skip = line.length > MAX_LINE_CHARS || (azuriteAhead ?? isAzuriteLine(line));
    azuriteAhead = undefined;
    if (skip) continue;
    for (const s of lineSettings(line, scan)) {
      const kind = settingKind(qualified(s, parent), opts, scan);
      if (kind) return { kind, line: n + 1 };
    }
    const next = lines[n + 1];
    if (!scan.wholeLine || next === undefined || next.length > MAX_LINE_CHARS) continue;
    azuriteAhead = isAzuriteLine(next);
    if (azuriteAhead) continue;
    const split = splitSetting(line, next);
    const kind = split && settingKind(split, opts, scan);
    if (kind) return { kind, line: n + 2 };
  }
  return undefined;
}

/**
 * Finds a secret in the text of a configuration file or a script (a ConfigMap value such as
 * `application.properties`, `appsettings.json`, `.env`, `redis.conf`, `web.config`, `.npmrc` or
 * `backup.sh`): value detectors over the whole text, then settings whose key names a secret and whose
 * value is written down, not read when the file is used (`$(cat /mnt/secrets/pw)`, `os.environ["X"]`).
 */
export function findSecretInText(raw: string, opts: ScanOptions = {}): TextSecretMatch | undefined {
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  const text = raw.length > MAX_SCAN_CHARS ? raw.slice(0, MAX_SCAN_CHARS) : raw;
  const hit = scanValue(text);
  if (hit) return { by: 'value', detector: hit.detector, line: lineAt(text, hit.index) };
  const setting = settingSecret(text, opts, { wholeLine: true, script: true });
  return setting && { by: 'name', detector: setting.kind, line: setting.line };
}

/** The file names libpq reads a password file under (`PGPASSFILE` defaults to `~/.pgpass`). */
export function isPgpassFileName(key: string): boolean {
  return /^\.?pgpass(?:\.conf)?$/i.test(key);
}

/**
 * The line of the first password in a PostgreSQL password file: `hostname:port:database:username:password`,
 * with `\:` and `\\` escaping a colon and a backslash and `#` starting a comment.
 */
export function findPgpassSecret(raw: string): number | undefined {
  if (typeof raw !== 'string') return undefined;
  const lines = raw.slice(0, MAX_SCAN_CHARS).split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = (lines[n] as string).trim();
    if (line === '' || line.startsWith('#') || line.length > MAX_LINE_CHARS) continue;
    // Escapes keep their length, so that the last field's length finds the password in the line.
    const fields = line.replace(/\\[\\:]/g, 'xx').split(':');
    if (fields.length !== 5) continue;
    const password = line.slice(line.length - (fields[4] as string).length);
    if (literalCredential(password, 'password')) return n + 1;
  }
  return undefined;
}

export interface EmbeddedScanOptions extends ScanOptions {
  /** The value is a command line or a script (container args), where `$name` and code read secrets. */
  script?: boolean;
}

/**
 * A secret inside one value: a shape the value detectors know, or a setting written inside the value
 * (`-Dspring.datasource.password=...` in JAVA_TOOL_OPTIONS, `{"password": "..."}` in
 * SPRING_APPLICATION_JSON, `host=db password=...` for libpq, `Endpoint=...;Password=...`).
 */
export function findEmbeddedSecret(value: unknown, opts: EmbeddedScanOptions = {}): SecretMatch | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.length > MAX_SCAN_CHARS ? value.slice(0, MAX_SCAN_CHARS) : value;
  const hit = scanValueCached(text);
  if (hit) return { by: 'value', detector: hit.detector };
  const kind = embeddedSettingCached(text, opts);
  return kind === undefined ? undefined : { by: 'embedded', detector: kind };
}

// Env values repeat across an estate, as for scanValueCached: read the settings inside each distinct
// value once per set of options. Only in this process, never written anywhere.
const EMBEDDED_CACHE = new Map<string, string | null>();

function embeddedSettingCached(text: string, opts: EmbeddedScanOptions): string | undefined {
  const read = () => settingSecret(text, opts, { wholeLine: false, script: opts.script === true })?.kind;
  if (text.length > 4096) return read();
  const key = `${opts.script === true ? 1 : 0}${opts.argoCd === true ? 1 : 0}${text}`;
  const known = EMBEDDED_CACHE.get(key);
  if (known !== undefined) return known ?? undefined;
  const kind = read();
  if (EMBEDDED_CACHE.size >= 50_000) EMBEDDED_CACHE.clear();
  EMBEDDED_CACHE.set(key, kind ?? null);
  return kind;
}

export interface ArgSecretMatch extends SecretMatch {
  /** Index of the argument in the list. */
  index: number;
}

const FLAG = /^--?([A-Za-z][\w.-]{0,127})$/;

/** The name of the flag right before `args[index]` (`--client-secret` → `client-secret`), if it is one. */
function flagBefore(args: readonly unknown[], index: number): string | undefined {
  const prev = args[index - 1];
  return typeof prev === 'string' ? FLAG.exec(prev)?.[1] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Short flags whose meaning the program fixes

const MYSQL_CLIENTS = new Set(['mysql', 'mysqldump', 'mysqladmin', 'mysqlimport', 'mysqlcheck', 'mysqlpump', 'mysqlshow', 'mariadb', 'mariadb-dump', 'mariadb-admin']);
// `login -u <user> -p <password>`: the Azure CLI (`az login --service-principal`), Docker and the
// registry clients that copy its flags.
const LOGIN_CLIENTS = new Set(['az', 'docker', 'podman', 'nerdctl', 'buildah', 'skopeo', 'helm', 'oras', 'crane', 'regctl']);
// Words that run the next word as the command: `sudo mysql ...`, `exec docker login ...`.
const COMMAND_PREFIX = new Set(['sudo', 'exec', 'env', 'nohup', 'time', 'command']);

/** `/opt/mssql-tools/bin/sqlcmd` → `sqlcmd`. */
export function programName(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1).toLowerCase();
}

/** The index of the program in a command's words, past `sudo`, `env` and `VAR=value` prefixes. */
function programIndex(words: readonly string[]): number {
  let i = 0;
  while (i < words.length && (COMMAND_PREFIX.has(words[i] as string) || /^[A-Za-z_]\w*=/.test(words[i] as string))) i++;
  return i;
}

function passwordWritten(value: string | undefined): boolean {
  if (value === undefined || value.startsWith('-')) return false;
  const t = stripQuotes(value);
  return !isComputedInScript(t, true) && literalCredential(t, 'password');
}

/** `curl -u user:password`: the part after the first colon, which curl asks for when it is missing. */
function curlPassword(value: string | undefined): string | undefined {
  const colon = value?.indexOf(':') ?? -1;
  return value !== undefined && colon > 0 ? value.slice(colon + 1) : undefined;
}

/**
 * The words of one command that carry a password behind a short flag, where the program says so:
 * `mysql -p<pw>`, `sqlcmd -P <pw>`, `curl -u user:<pw>`, `sshpass -p <pw>`, `redis-cli -a <pw>`,
 * `az login ... -p <pw>`, `docker login -u <user> -p <pw>`. The same letters mean other things to other
 * programs (`-p` is a port, a path or a profile), so nothing is read without the program.
 */
function shortFlagPasswords(words: readonly string[]): number[] {
  const start = programIndex(words);
  const program = programName(words[start] ?? '');
  const out: number[] = [];
  const login = LOGIN_CLIENTS.has(program) && words.includes('login');
  for (let i = start + 1; i < words.length; i++) {
    const w = words[i] as string;
    const next = words[i + 1];
    if (MYSQL_CLIENTS.has(program)) {
      // mysql takes the password attached: `-p` alone asks for it.
      const attached = /^-p(.+)$/.exec(w)?.[1];
      if (passwordWritten(attached)) out.push(i);
    } else if (program === 'sqlcmd' || program === 'bcp') {
      if (w === '-P' && passwordWritten(next)) out.push(i + 1);
    } else if (program === 'curl') {
      if ((w === '-u' || w === '--user') && passwordWritten(curlPassword(next))) out.push(i + 1);
      else if (/^-u[^-]/.test(w) && passwordWritten(curlPassword(w.slice(2)))) out.push(i);
    } else if (program === 'sshpass') {
      if (w === '-p' && passwordWritten(next)) out.push(i + 1);
      else if (/^-p./.test(w) && passwordWritten(w.slice(2))) out.push(i);
    } else if (program === 'redis-cli') {
      if (w === '-a' && passwordWritten(next)) out.push(i + 1);
    } else if (login && w === '-p' && passwordWritten(next)) {
      out.push(i + 1);
    }
  }
  return out;
}

/** The words of each command in a shell script, quotes removed: enough to find a program's flags. */
function scriptCommands(script: string): string[][] {
  const out: string[][] = [];
  for (const command of script.split(/\n|;|&&|\|\|?/).slice(0, 1000)) {
    const words = command.match(/"[^"]*"|'[^']*'|\S+/g)?.map(stripQuotes) ?? [];
    if (words.length > 1) out.push(words.slice(0, 200));
  }
  return out;
}

function scriptHasShortFlagPassword(script: string): boolean {
  if (script.length > MAX_SCAN_CHARS) return false;
  return scriptCommands(script).some((words) => shortFlagPasswords(words).length > 0);
}

export interface ArgScanOptions extends ScanOptions {
  /**
   * The program the list is given to, when it is not the list's first word: the container's command,
   * or the image's entrypoint for `args` alone (`curlimages/curl` → `curl`).
   */
  program?: string;
}

/**
 * Secrets in a container's `command` or `args`: each argument read as a command line, and an
 * argument that follows a flag naming a secret (`--client-secret`, then the value).
 */
export function findSecretsInArgs(args: readonly unknown[], opts: ArgScanOptions = {}): ArgSecretMatch[] {
  const { program, ...scan } = opts;
  const out: ArgSecretMatch[] = [];
  args.forEach((arg, index) => {
    if (typeof arg !== 'string') return;
    const inside = findEmbeddedSecret(arg, { ...scan, script: true }) ?? (scriptHasShortFlagPassword(arg) ? { by: 'embedded' as const, detector: 'password' } : undefined);
    if (inside) {
      out.push({ ...inside, index });
      return;
    }
    const flag = flagBefore(args, index);
    if (flag === undefined || arg.startsWith('-')) return;
    const kind = settingKind({ key: flag, value: arg, expands: true }, scan, { wholeLine: false, script: true });
    if (kind) out.push({ by: 'name', detector: kind, index });
  });
  const words = args.map((a) => (typeof a === 'string' ? a : ''));
  const offset = program === undefined ? 0 : 1;
  for (const i of shortFlagPasswords(program === undefined ? words : [program, ...words])) {
    const index = i - offset;
    if (!out.some((m) => m.index === index)) out.push({ by: 'name', detector: 'password', index });
  }
  return out.sort((a, b) => a.index - b.index);
}
