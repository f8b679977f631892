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

const ASSIGNMENT = /^\s*(export\s+)?["']?([A-Za-z0-9_.-]{1,128})["']?\s*(:=|[:=])\s*(.*)$/;

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

function unquote(s: string): string {
  if (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0]) return s.slice(1, -1);
  return s;
}

function wordSettings(line: string): Setting[] {
  const out: Setting[] = [];
  const kv = KEY_SPACE_VALUE.exec(line);
  if (kv) out.push({ key: kv[1] as string, value: unquote(kv[2] as string), expands: false, loose: true });
  const d = DIRECTIVE_NAME_VALUE.exec(line);
  // nginx expands `$name` in directive values.
  if (d) out.push({ key: d[1] as string, value: unquote(d[2] as string), expands: true });
  const user = HAPROXY_USER.exec(line);
  if (user) out.push({ key: 'insecure-password', value: user[1] as string, expands: false });
  const stats = HAPROXY_STATS_AUTH.exec(line);
  if (stats) out.push({ key: 'password', value: stats[1] as string, expands: false });
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

function jsonPairs(line: string): Setting[] {
  if (!line.includes('"')) return [];
  const out: Setting[] = [];
  for (const m of line.matchAll(JSON_PAIR)) out.push({ key: jsonString(m[1] as string), value: jsonString(m[2] as string), expands: false });
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

/** Every setting written on one line, in the forms the caller reads. */
export function lineSettings(line: string, forms: SettingForms): Setting[] {
  const out: Setting[] = [];
  if (forms.wholeLine) {
    const a = assignment(line);
    if (a) out.push(a);
    const n = npmrc(line);
    if (n) out.push(n);
    out.push(...wordSettings(line));
  }
  out.push(...jsonPairs(line), ...xmlSettings(line), ...pairs(line));
  return out;
}
