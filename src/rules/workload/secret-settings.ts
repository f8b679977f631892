/**
 * Finds the `key → value` settings written in a line of a configuration file, a script or a command
 * line, in the syntaxes configurations use: `key: value`, `key = value`, `key := value`, `key value`
 * (redis.conf, fluent-bit, nginx), `.npmrc` registry settings, XML elements and attributes, JSON pairs,
 * `-Dkey=value` and `--key=value` options, and `key=value` pairs in connection strings and shell
 * command prefixes. Parsing only: whether a setting holds a secret is decided by secret-patterns.
 *
 * Every expression here is linear in the line it reads, and callers cap a line's length.
 */

export interface Setting {
  key: string;
  value: string;
  /**
   * Whether the syntax expands `$name` in the value (a shell, `.env` or nginx assignment): there,
   * `$name` is a variable read when it runs, not the secret itself. In YAML, JSON, XML and Kubernetes
   * fields `$name` is literal text.
   */
  expands: boolean;
  /** The syntax (`key value`) is also the shape of a sentence, so a plain word is not taken for a value. */
  loose?: boolean;
}

/** Which syntaxes a caller reads. */
export interface SettingForms {
  /** Forms that take a whole line (`key: value`, `key value`, `.npmrc`): for files, not for one value. */
  wholeLine: boolean;
}

// A YAML sequence entry (`- password: ...`) holds a mapping like any other line.
const ASSIGNMENT = /^\s*(?:-[ \t]+)?(export\s+)?["']?([A-Za-z0-9_.-]{1,128})["']?\s*(:=|[:=])\s*(.*)$/;

/** The value of a `key: value` / `key = value` line, without quotes, trailing comment or separator. */
export function assignedValue(rest: string): string {
  const r = rest.trim();
  const q = r[0];
  if (q === '"' || q === "'") {
    const end = r.indexOf(q, 1);
    return end > 0 ? r.slice(1, end) : r.slice(1);
  }
  // A YAML block scalar (`|`, `>`) continues on the next lines: nothing on this one.
  if (/^[|>][-+]?\d*$/.test(r)) return '';
  return r.replace(/\s+#.*$/, '').replace(/[,;]$/, '').trim();
}

function assignment(line: string): Setting | undefined {
  const m = ASSIGNMENT.exec(line);
  if (!m) return undefined;
  const [, exported, key, op, rest] = m as unknown as [string, string | undefined, string, string, string];
  // `KEY=value` (shell, `.env`, properties) expands `$name`; `key: value` (YAML, JSON) does not.
  return { key, value: assignedValue(rest), expands: exported !== undefined || op === '=' || op === ':=' };
}

// `//registry.npmjs.org/:_authToken=...`, `//pkgs.dev.azure.com/org/_packaging/feed/npm/registry/:_password=...`
const NPMRC = /^\s*\/\/[^\s=]{1,1000}?:(_authToken|_password|_auth)\s*=\s*(.*)$/;

function npmrc(line: string): Setting | undefined {
  const m = NPMRC.exec(line);
  if (!m) return undefined;
  // npm expands `${VAR}` in .npmrc, not `$VAR`.
  return { key: m[1] as string, value: assignedValue(m[2] as string), expands: false };
}

const VALUE_TOKEN = `("[^"]{0,1024}"|'[^']{0,1024}'|[^\\s"'#;]{1,1024})`;

// `requirepass <pw>` (redis.conf), `HTTP_Passwd <pw>` (fluent-bit), `secret_key_base <v>;`: a line of
// exactly one key and one value.
const KEY_SPACE_VALUE = new RegExp(`^\\s*([A-Za-z_][A-Za-z0-9_.-]{0,127})[ \\t]+${VALUE_TOKEN}[ \\t]*;?[ \\t]*(?:#.*)?$`);

// nginx `proxy_set_header X-Api-Key <v>;`, `fastcgi_param DB_PASSWORD <v>;`, `set $api_token <v>;`,
// haproxy `http-request set-header X-Api-Key <v>`: the second word names what the third is.
const DIRECTIVE_NAME_VALUE = new RegExp(
  `^\\s*(?:proxy_set_header|add_header|more_set_headers|grpc_set_header|fastcgi_param|uwsgi_param|scgi_param|set|env|http-request[ \\t]+set-header|http-request[ \\t]+add-header)[ \\t]+\\$?([A-Za-z_][A-Za-z0-9_.-]{0,127})[ \\t]+${VALUE_TOKEN}[ \\t]*;?[ \\t]*(?:#.*)?$`,
);

// haproxy userlists: `user admin insecure-password <pw>` (the `password` keyword takes a hash).
const HAPROXY_USER = /^\s*user\s+\S{1,128}\s+insecure-password\s+(\S{1,1024})/;
// haproxy `stats auth <user>:<password>`.
const HAPROXY_STATS_AUTH = /^\s*stats\s+auth\s+[^\s:]{1,128}:(\S{1,1024})/;

// Redis ACL rules (users.acl, redis.conf, `ACL SETUSER`): `>pw` adds a password in clear text (`#<sha256>`
// adds a hash, and `<pw` removes one).
const REDIS_ACL_USER = /^\s*user[ \t]+\S{1,128}[ \t]|(?:^|[ \t])acl[ \t]+setuser[ \t]+\S{1,128}[ \t]/i;
const REDIS_ACL_PASSWORD = /(?<=[ \t])>(\S{1,1024})/;

function unquote(s: string): string {
  if (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0]) return s.slice(1, -1);
  return s;
}

function wordSettings(line: string): Setting[] {
  const out: Setting[] = [];
  const kv = KEY_SPACE_VALUE.exec(line);
  // A line closed by `;` is nginx's (redis.conf and fluent-bit end none), where `$name` is a variable.
  if (kv) out.push({ key: kv[1] as string, value: unquote(kv[2] as string), expands: /;[ \t]*(?:#.*)?$/.test(line), loose: true });
  const d = DIRECTIVE_NAME_VALUE.exec(line);
  // nginx expands `$name` in directive values.
  if (d) out.push({ key: d[1] as string, value: unquote(d[2] as string), expands: true });
  const user = HAPROXY_USER.exec(line);
  if (user) out.push({ key: 'insecure-password', value: user[1] as string, expands: false });
  const stats = HAPROXY_STATS_AUTH.exec(line);
  if (stats) out.push({ key: 'password', value: stats[1] as string, expands: false });
  const acl = REDIS_ACL_USER.exec(line) ? REDIS_ACL_PASSWORD.exec(line.slice(0, 4096)) : null;
  if (acl) out.push({ key: 'password', value: acl[1] as string, expands: false });
  return out;
}

const JSON_PAIR = /"((?:[^"\\\n]|\\.){1,128})"\s*:\s*"((?:[^"\\\n]|\\.){0,1024})"/g;

function jsonString(body: string): string {
  try {
    const v: unknown = JSON.parse(`"${body}"`);
    return typeof v === 'string' ? v : body;
  } catch {
    return body;
  }
}

// `{"Jwt": {"Key": "..."}}` (the JWT signing key of ASP.NET samples): a key named `Key` says what it
// is only with the object it is in.
const OPENED_OBJECT = /"((?:[^"\\\n]|\\.){1,128})"\s*:\s*\{\s*$/;
const PARENT_LOOKBACK = 200;

function withParent(line: string, index: number, key: string): string {
  if (!isBareKeyWord(key)) return key;
  const before = line.slice(Math.max(0, index - PARENT_LOOKBACK), index);
  const parent = OPENED_OBJECT.exec(before)?.[1];
  return parent === undefined ? key : `${jsonString(parent)}.${key}`;
}

/** `Key` alone, which names a secret only with the object it belongs to. */
export function isBareKeyWord(key: string): boolean {
  return key.toLowerCase() === 'key';
}

function jsonPairs(line: string): Setting[] {
  if (!line.includes('"')) return [];
  const out: Setting[] = [];
  for (const m of line.matchAll(JSON_PAIR)) {
    out.push({ key: withParent(line, m.index, jsonString(m[1] as string)), value: jsonString(m[2] as string), expands: false });
  }
  return out;
}

// `<password>...</password>`, `<ns:Password>...</ns:Password>`
const XML_ELEMENT = /<((?:[A-Za-z_][\w.-]{0,63}:)?([A-Za-z_][\w.-]{0,127}))(?:\s[^<>]{0,1000})?>([^<>]{1,1024})<\/\1\s*>/g;
const XML_TAG = /<[A-Za-z_][^<>]{0,2000}>/g;
// An attribute name starts after whitespace, which keeps the scan of a tag linear.
const XML_ATTRIBUTE = /(?<=\s)([A-Za-z_][\w.:-]{0,127})\s*=\s*(?:"([^"]{0,1024})"|'([^']{0,1024})')/g;

function xmlEntities(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e] ?? '');
}

function xmlSettings(line: string): Setting[] {
  if (!line.includes('<')) return [];
  const out: Setting[] = [];
  for (const m of line.matchAll(XML_ELEMENT)) out.push({ key: m[2] as string, value: xmlEntities((m[3] as string).trim()), expands: false });
  for (const tag of line.matchAll(XML_TAG)) {
    const attrs = new Map<string, string>();
    for (const a of tag[0].matchAll(XML_ATTRIBUTE)) attrs.set((a[1] as string).toLowerCase(), xmlEntities(a[2] ?? a[3] ?? ''));
    // `<add key="DbPassword" value="..."/>` (.NET appSettings), `<property name="password" value="..."/>`:
    // the value attribute holds what the key or name attribute names.
    const named = attrs.get('key') ?? attrs.get('name');
    const value = attrs.get('value');
    if (named !== undefined && value !== undefined) out.push({ key: named, value, expands: false });
    for (const [k, v] of attrs) if (!['key', 'name', 'value'].includes(k)) out.push({ key: k, value: v, expands: false });
  }
  return out;
}

// `key=value` anywhere: libpq `host=db password=...`, `-Dspring.datasource.password=...`,
// `--db-password=...`, `Endpoint=...;Password=...`, a shell's `PGPASSWORD=... pg_dump`.
const PAIR = /(?:^|[\s;,&?"'({[])-{0,2}([A-Za-z_][\w.-]{0,127})=(?!=)("[^"\n]{0,1024}"|'[^'\n]{0,1024}'|[^\s;,&"'\n]{1,1024})/g;

function pairs(line: string): Setting[] {
  if (!line.includes('=')) return [];
  const out: Setting[] = [];
  for (const m of line.matchAll(PAIR)) out.push({ key: m[1] as string, value: unquote(m[2] as string), expands: true });
  return out;
}

// A list of `name`/`value` objects (a pod template's env, a Dapr component's metadata, Argo CD's Helm
// parameters) in flow style: `- {name: DB_PASSWORD, value: ...}`.
const FLOW_NAME_VALUE = /\{\s*name:\s*["']?([A-Za-z_][\w.-]{0,127})["']?\s*,\s*value:\s*("[^"\n]{0,1024}"|'[^'\n]{0,1024}'|[^,}\n]{1,1024}?)\s*\}/g;

function flowNameValues(line: string): Setting[] {
  if (!line.includes('name:')) return [];
  const out: Setting[] = [];
  for (const m of line.matchAll(FLOW_NAME_VALUE)) out.push({ key: m[1] as string, value: unquote((m[2] as string).trim()), expands: false });
  return out;
}

/** Every setting written on one line, in the forms the caller reads. */
export function lineSettings(line: string, forms: SettingForms): Setting[] {
  const out: Setting[] = [];
  if (forms.wholeLine) {
    const a = assignment(line);
    if (a) out.push(a);
    const n = npmrc(line);
    if (n) out.push(n);
    out.push(...wordSettings(line), ...flowNameValues(line));
  }
  out.push(...jsonPairs(line), ...xmlSettings(line), ...pairs(line));
  return out;
}

// The same list in block style: `- name: DB_PASSWORD` and, in the same item, `value: ...` on the next line.
const NAME_ITEM = /^([ \t]*)-[ \t]+name:[ \t]*["']?([A-Za-z_][\w.-]{0,127})["']?[ \t]*$/;
const VALUE_IN_ITEM = /^([ \t]*)value:[ \t]*(.*)$/;
// A command line written as a YAML list (a kubeconfig's exec args): `- --client-secret`, then `- <value>`.
const FLAG_ITEM = /^([ \t]*)-[ \t]+--?([A-Za-z][\w.-]{0,127})[ \t]*$/;
const NEXT_ITEM = /^([ \t]*)-[ \t]+(.*)$/;

/** A setting whose name is on one line of a YAML list and whose value is on the next. */
export function splitSetting(line: string, next: string): Setting | undefined {
  const named = NAME_ITEM.exec(line);
  if (named) {
    const v = VALUE_IN_ITEM.exec(next);
    // The value belongs to the same item when it is indented under the name, past the `- `.
    if (!v || (v[1] as string).length !== (named[1] as string).length + 2) return undefined;
    return { key: named[2] as string, value: assignedValue(v[2] as string), expands: false };
  }
  const flag = FLAG_ITEM.exec(line);
  if (flag) {
    const v = NEXT_ITEM.exec(next);
    if (!v || (v[1] as string) !== (flag[1] as string) || (v[2] as string).startsWith('-')) return undefined;
    return { key: flag[2] as string, value: assignedValue(v[2] as string), expands: false };
  }
  return undefined;
}

// A mapping key with nothing after it opens a block (`Jwt:` in YAML, `"Jwt": {` in JSON).
const BLOCK_OPENER = /^([ \t]*)(?:-[ \t]+)?["']?([A-Za-z_][\w.-]{0,127})["']?[ \t]*:[ \t]*\{?[ \t]*$/;

/**
 * The key of the block a line sits in, followed by indentation: enough to tell `Jwt: {Key: ...}` from
 * `Cache: {Key: ...}` in YAML and pretty-printed JSON, which indent what they nest.
 */
export class EnclosingKeys {
  private readonly stack: Array<{ indent: number; key: string }> = [];

  /** The key of the block `line` is in; call once per line, in order. */
  next(line: string): string | undefined {
    if (line.trim() === '') return this.stack[this.stack.length - 1]?.key;
    const indent = /^[ \t]*/.exec(line)?.[0].length ?? 0;
    while (this.stack.length > 0 && (this.stack[this.stack.length - 1] as { indent: number }).indent >= indent) this.stack.pop();
    const parent = this.stack[this.stack.length - 1]?.key;
    const opener = BLOCK_OPENER.exec(line);
    if (opener && this.stack.length < 100) this.stack.push({ indent, key: opener[2] as string });
    return parent;
  }
}
