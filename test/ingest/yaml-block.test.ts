import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { dump, load, type DumpOptions } from 'js-yaml';
import { KUBERNETES_YAML_SCHEMA } from '../../src/ingest/yaml-schema.js';
import { describe, expect, it } from 'vitest';
import { decodeText, type DecodeSink } from '../../src/ingest/decode.js';
import { splitDocuments } from '../../src/ingest/documents.js';
import { DEFAULT_LIMITS } from '../../src/ingest/limits.js';
import { loadBlockYaml, UNSUPPORTED } from '../../src/ingest/yaml-block.js';

const SCHEMA = KUBERNETES_YAML_SCHEMA;
const MAX_DEPTH = DEFAULT_LIMITS.maxDepth;

function jsYaml(text: string): { value: unknown } | { error: string } {
  try {
    return { value: load(text, { schema: SCHEMA, maxAliases: DEFAULT_LIMITS.maxAliases, maxDepth: MAX_DEPTH }) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** Deep equality that also holds key order, -0, NaN, and plain-object versus array shape. */
function sameValue(a: unknown, b: unknown, path = '$'): string | undefined {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    return Object.is(a, b) ? undefined : `${path}: ${String(a)} (${typeof a}) vs ${String(b)} (${typeof b})`;
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${path}: different shapes`;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.join('\0') !== kb.join('\0')) return `${path}: keys ${JSON.stringify(ka)} vs ${JSON.stringify(kb)}`;
  for (const k of ka) {
    const d = sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    if (d) return d;
  }
  return undefined;
}

/** The fast loader either bails or returns exactly js-yaml's value; says which. */
function agree(text: string): 'fast' | 'bail' {
  const fast = loadBlockYaml(text, MAX_DEPTH);
  if (fast === UNSUPPORTED) return 'bail';
  const slow = jsYaml(text);
  if ('error' in slow) throw new Error(`fast loader accepted what js-yaml refuses (${slow.error}):\n${text}`);
  const diff = sameValue(fast, slow.value);
  if (diff) throw new Error(`fast loader differs from js-yaml at ${diff}:\n${text}`);
  return 'fast';
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFiles(full));
    else if (/\.ya?ml$/i.test(entry.name)) out.push(full);
  }
  return out.sort();
}

describe('loadBlockYaml agrees with js-yaml', () => {
  it('on every document of the bundled examples and the test fixtures', () => {
    const files = [...yamlFiles('examples'), ...yamlFiles('test')];
    expect(files.length).toBeGreaterThan(20);
    let fast = 0;
    let total = 0;
    for (const file of files) {
      const raw = readFileSync(file, 'utf8');
      for (const doc of splitDocuments(raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw)) {
        total++;
        if (agree(doc.text) === 'fast') fast++;
      }
    }
    // The examples are ordinary manifests: nearly all of them must take the fast path.
    expect(fast / total).toBeGreaterThan(0.9);
  });

  const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels:
    app.kubernetes.io/name: web   # the selector below matches this
  annotations:
    checksum/config: "3f2a"
    note: 'it''s fine'
spec:
  replicas: 3
  selector:
    matchLabels: {app.kubernetes.io/name: web}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
      containers:
      - name: web
        image: registry.example.com/web@sha256:0123abcd
        args: ["--port", "8080", --verbose]
        command:
          - /bin/sh
          - -c
          - |
            set -e
            exec /app/web

        ports:
        - containerPort: 8080
          protocol: TCP
        resources:
          limits: {cpu: 500m, memory: 256Mi}
          requests:
            cpu: 0.25
        volumeMounts: []
        env:
          - name: EMPTY
          - name: TIMEOUT
            value: "30"
      volumes:
      - name: cache
        emptyDir: {}
`;

  it('loads a typical Deployment on the fast path', () => {
    expect(agree(DEPLOYMENT)).toBe('fast');
    expect(agree(DEPLOYMENT.replace(/\n/g, '\r\n'))).toBe('fast');
  });

  const SCALARS = [
    'web', 'null', 'Null', 'NULL', '~', 'nUll', 'true', 'True', 'TRUE', 'tRue', 'false', 'False', 'FALSE', 'yes', 'no', 'on', 'off', 'y', 'n',
    '0', '-0', '+0', '00', '0755', '0o17', '0o8', '0x1F', '0xg', '0b101', '+1', '-1', '1_000', '12345678901234567890', '1e3', '1E3', '1e+3', '-1e-3',
    '1.', '.5', '-.5', '+.5', '1.5', '3.14159', '.inf', '-.inf', '+.Inf', '.INF', '.nan', '.NaN', '.NAN', '-.nan', 'inf', 'nan', '.', '-', '+',
    '1:20', '2026-11-27', '12:30:45', '1.2.3', 'v1', '500m', '256Mi', '*.example.com', 'a*b', 'a&b', 'a!b', 'a#b', 'a:b', 'http://x:80/y',
    'a b  c', 'é€😀'.slice(0, 2), '-x', '--flag', '-1x', '"quoted"', "'single'", '"a\\"b"', "'it''s'", '""', "''", '"\\n\\t\\\\\\/\\0\\a\\b\\e\\N\\_\\L\\P\\ "',
    '"\\x41\\u00e9\\u263A"', '"#not a comment"', 'x # comment', "'a' # comment", '[]', '{}', '[a, b, c]', '[1, "2", \'3\', true, null, .5]',
    '{a: 1, b: "x", c: [no]}'.slice(0, 15) + '}', '{ a: 1 , "b": two }', '[ a , b ]', '[a b, c]', '[-1, -x]',
  ];

  it.each(SCALARS)('resolves %s as a value and as a key like js-yaml', (s) => {
    agree(`v: ${s}\n`);
    agree(`- ${s}\n`);
    if (!s.startsWith('[') && !s.startsWith('{')) agree(`${s}: v\n`);
  });

  it('takes the fast path for the scalars it handles', () => {
    for (const s of ['web', 'null', '~', 'true', 'False', '0755', '0o17', '0x1F', '+1', '-0', '1e3', '.5', '.inf', '.NaN', 'yes', 'a#b', "'it''s'", '"a\\tb"', '[a, 1]', '{a: 1}', '{}', '[]', 'x # c']) {
      expect(agree(`v: ${s}\n`), s).toBe('fast');
    }
    for (const k of ['1', 'null', '~', 'true', '0x10', '.5', '"quoted key"', "'x'", 'a b']) expect(agree(`${k}: v\n`), k).toBe('fast');
  });

  const LAYOUTS: Array<[string, string]> = [
    ['sequence at the key indentation', 'a:\n- 1\n- 2\nb: 3\n'],
    ['indented sequence', 'a:\n  - 1\n  - x: 2\n    y: 3\n'],
    ['nested compact sequences', '- - a\n  - b\n- - - c\n'],
    ['compact mapping in a sequence with a nested sequence', '- a:\n  - 1\n  b: 2\n- c: {}\n'],
    ['empty values', 'a:\nb:\n  c:\nd: ~\n- x\n'.replace('- x\n', '') + 'e:\n'],
    ['empty sequence entries', '- \n-\n- # c\n- x\n'],
    ['comments and blank lines everywhere', '# head\n\na: 1 # one\n   # indented comment\n\nb:   # c\n  # c\n  c: 2\n#tail\n'],
    ['indented document', '   a: 1\n   b:\n     - x\n'],
    ['literal block scalars', 'a: |\n  one\n   two\n\n  three\n\n\nb: |-\n  x\n\nc: |+\n  y\n\n\nd: 1\n'],
    ['folded block scalars', 'a: >\n  one\n  two\n\n  three\n    more\n  back\nb: >-\n  x\n  y\nc: >+\n  z\n\n'],
    ['block scalar with a comment header and less-indented comment after', 'a: | # header\n    text\n  # after\nb: 1\n'],
    ['block scalar at the end without a line break', 'a: |\n  text'],
    ['block scalar at the end with trailing spaces', 'a: |+\n  text\n    '],
    ['block scalar in a sequence', '- |\n  one\n- >-\n  two\n  three\n- x\n'],
    ['empty block scalar', 'a: |\nb: >\n\nc: 1\n'],
    ['block scalar with leading blank lines', 'a: |\n\n  \n  x\n'],
    ['block scalar whose content starts with #', 'a: |\n  # not a comment\n  x\n'],
    ['block scalar value on its own line', 'a:\n  |\n   x\n'],
    ['keys with spaces before the colon', 'a : 1\n"b" : 2\n'],
    ['integer-like keys keep js-yaml order', 'b: 1\n2: x\n1: y\na: z\n'],
    ['deep nesting', 'a:\n  b:\n    c:\n      d:\n        - e:\n            f: [1]\n'],
    ['strings with colons and hashes', 'url: http://example.com:8080/a#b\ncmd: echo a:b #c\n'],
    ['double quoted escapes', 'a: "tab\\there \\"q\\" back\\\\slash \\x41 \\u00e9"\n'],
    ['scalar value on the next line', 'a:\n  just text\nb:\n  "quoted"\n'],
    ['flow collections on their own line', 'a:\n  [1, 2]\nb:\n  {c: d}\n'],
    ['trailing spaces', 'a: 1   \nb: x  \n- \n'.replace('- \n', '')],
    ['unicode', 'name: café\nemoji: "\\u263A"\n'],
    ['multi-line double quoted scalar', 'a: "one\n  two  \n\n   three"\nb: 1\n'],
    ['multi-line single quoted scalar (kubectl last-applied-configuration)', "a:\n  b: '{\"k\":\"v\"}\n\n    '\n  c: 'it''s\n    here'\n"],
    ['escaped line break in a double quoted scalar', 'a: "one\\\n  two \\\n\n  three"\n'],
    ['multi-line flow sequence', 'a:\n  b: [1,\n    "two", # c\n    three\n   ]\n  c: 2\n'],
    ['multi-line flow sequence on its own lines', 'args:\n  [\n    "-listen",\n    ":8080",\n  ]\n'],
    ['multi-line flow mapping', 'a: {b: 1,\n  c: [x, y],\n  "d": {e: f}}\n'],
    ['nested flow collections', 'a: [[1], {b: 2}, [], {}, [[[]]]]\n'],
    ['flow sequence with a trailing comma', 'a: [x, y, ]\n'],
    ['plain scalars starting with a colon', 'host: ::1\n:k: v\n'],
    ['multi-line plain scalars (as go-yaml wraps them)', 'a:\n  b: one two\n    three - four\n\n    five\n  c: x\n- y\n'.replace('- y\n', '') + 'd: 1\n'],
    ['multi-line plain scalar in a sequence', '- one\n  two\n- three\n   four\n'],
    ['multi-line plain scalar on its own lines', 'a:\n  one\n  two #c\n  # c\nb: 1\n'],
    ['multi-line plain scalar ended by a comment line', 'a: one\n  # c\nb: 2\n'],
  ];

  it.each(LAYOUTS)('%s: fast and equal', (_, text) => {
    expect(agree(text)).toBe('fast');
  });

  const BAILS: Array<[string, string]> = [
    ['anchor', 'a: &x 1\nb: 2\n'],
    ['alias', 'a: &x 1\nb: *x\n'],
    ['tag', 'a: !!str 1\n'],
    ['local tag', 'a: !custom x\n'],
    ['merge key', 'base: {a: 1}\nx:\n  <<: {b: 2}\n'],
    ['complex key', '? a\n: b\n'],
    ['directive', '%YAML 1.2\n---\na: 1\n'],
    ['tab indentation', 'a:\n\tb: 1\n'],
    ['multi-line quoted key', '"a\n b": 1\n'],
    ['quoted continuation not indented', 'a:\n  b: "one\n  two"\n'],
    ['flow continuation not indented', 'a:\n  b: [1,\n  2]\n'],
    ['flow closing bracket not indented', 'a:\n  b: [1,\n    2\n  ]\n'],
    ['single-pair mapping in a flow sequence', 'a: [b: c]\n'],
    ['empty flow entry', 'a: [x, , y]\n'],
    ['flow key without a value', 'a: {b, c: d}\n'],
    ['multi-line plain key', 'a\n b: 1\n'],
    ['multi-line plain scalar that turns into a key', 'a: one\n  two: 2\n'],
    ['multi-line plain scalar in a flow collection', 'a: [one\n  two]\n'],
    ['duplicate key', 'a: 1\na: 2\n'],
    ['duplicate key after resolution', '1: a\n0x1: b\n'],
    ['__proto__ key', '__proto__: x\n'],
    ['explicit indentation indicator', 'a: |2\n   x\n'],
    ['bad indentation', 'a: 1\n  b: 2\n'],
    ['mapping on one line', 'a: b: c\n'],
    ['sequence after a key on one line', 'a: - b\n'],
    ['missing key', ': x\n'],
    ['document end marker inside', 'a: 1\n... # end\n'],
    ['scalar document', 'just a string\n'],
    ['\\U escape', 'a: "\\U0001F600"\n'],
    ['comment not separated', "a: 'x'#c\n"],
    ['control character', 'a: "\x01"\n'],
    ['lone carriage return', 'a: 1\rb: 2\n'],
    ['over the depth limit', `${'- '.repeat(MAX_DEPTH + 5)}x\n`],
  ];

  it.each(BAILS)('leaves %s to js-yaml', (_, text) => {
    expect(loadBlockYaml(text, MAX_DEPTH)).toBe(UNSUPPORTED);
  });

  it('bails before js-yaml reaches its depth limit, and loads just below it', () => {
    for (let depth = MAX_DEPTH - 10; depth <= MAX_DEPTH + 2; depth++) {
      for (const text of [`${'- '.repeat(depth)}x\n`, `${Array.from({ length: depth }, (_, i) => `${' '.repeat(2 * i)}k:\n`).join('')}${' '.repeat(2 * depth)}v\n`]) {
        agree(text);
      }
    }
    expect(agree(`${'- '.repeat(MAX_DEPTH - 10)}x\n`)).toBe('fast');
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '1', ':', ' ', '\n', '-', '#', '"', "'", '[', ']', '{', '}', ',', '|', '>', '&', '*', '!', '\\', '.', '~', '\t') }), (text) => {
        agree(text);
      }),
      { seed: 7, numRuns: 3000 },
    );
  });
});

describe('decodeText with the fast loader', () => {
  const decode = (text: string) => {
    const sink: DecodeSink = { resources: [], errors: [], notes: [] };
    decodeText(text, 'in.yaml', DEFAULT_LIMITS, sink);
    return sink;
  };

  it('gives js-yaml its say on what the fast loader leaves: aliases, merge keys, errors with their lines', () => {
    const aliased = decode('apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  name: a\ndata:\n  <<: {x: "1"}\n  z: *m\n');
    expect(aliased.errors).toEqual([]);
    expect(aliased.resources[0]?.object).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { x: '1', z: { name: 'a' } } });

    const broken = decode('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n   bad: indent\n');
    expect(broken.resources.map((r) => r.name)).toEqual(['a']);
    expect(broken.errors).toHaveLength(1);
    expect(broken.errors[0]?.line).toBe(10);
    const jsYamlError = jsYaml('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n   bad: indent\n');
    expect('error' in jsYamlError && jsYamlError.error.startsWith(broken.errors[0]!.message)).toBe(true);

    const duplicated = decode('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n');
    expect(duplicated.errors[0]?.message).toMatch(/duplicated mapping key/);
    expect(duplicated.errors[0]?.line).toBe(5);
  });

  it('still refuses aliases that expand past the node limit', () => {
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 7; i++) laughs.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    const sink = decode(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\n${laughs.join('\n')}\n`);
    expect(sink.resources).toEqual([]);
    expect(sink.errors[0]?.message).toMatch(/aliases expand to more than/);
  });
});

describe('loadBlockYaml on what js-yaml dumps', () => {
  const key = fc.oneof(
    fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9._/-]{0,12}$/),
    fc.constantFrom('1', '10', '0x1', 'null', 'true', '~', 'a b', 'a: b', '#k', '-', '- x', '', ' lead', 'é'),
  );
  const text = fc.oneof(
    fc.stringMatching(/^[a-zA-Z0-9 :#'"\-.,[\]{}|>&*!%@`?~\\/é€]{0,40}$/),
    fc.constantFrom('', ' ', 'null', 'True', 'yes', '0755', '0o17', '1e3', '+1', '.5', '-.inf', 'a\nb', 'a\n\n b\n', 'x\n', '\n', ' x\ny', 'x'.repeat(50) + ' ' + 'y'.repeat(50)),
  );
  const scalar = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(-0));
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      scalar,
      fc.array(tie('value'), { maxLength: 5 }),
      fc.dictionary(key, tie('value'), { maxKeys: 5 }).filter((o) => !Object.hasOwn(o, '__proto__')),
    ),
  }));
  const root = fc.oneof(fc.array(value, { minLength: 1, maxLength: 5 }), fc.dictionary(key, value, { minKeys: 1, maxKeys: 6 }));

  const STYLES: Array<[string, DumpOptions]> = [
    ['default', {}],
    ['lineWidth -1', { lineWidth: -1 }],
    ['double quotes', { quoteStyle: 'double' }],
    ['forceQuotes', { forceQuotes: true }],
    ['flowLevel 2', { flowLevel: 2 }],
    ['indent 4', { indent: 4 }],
    ['seqNoIndent', { seqNoIndent: true }],
    ['indent 3, seqInlineFirst', { indent: 3, seqInlineFirst: true }],
  ];

  it.each(STYLES)('%s: loads equal, and block style does not bail', (_, options) => {
    let fast = 0;
    let runs = 0;
    fc.assert(
      fc.property(root, (v) => {
        const yaml = dump(v, options);
        runs++;
        if (agree(yaml) === 'fast') fast++;
      }),
      { seed: 42, numRuns: 300 },
    );
    // Dumped text the fast loader may leave: explicit indentation indicators (`|2-`, for text with leading spaces),
    // flow collections nested in flow collections, multi-line flow collections.
    if (options.flowLevel === undefined) expect(fast / runs).toBeGreaterThan(0.6);
  });

  it('does not bail on block-style dumps of ordinary manifest values', () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/);
    const leaf = fc.oneof(word, fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom('0755', 'true', '1e3', 'a: b', 'x #y', 'line\nnext\n', 'http://a:1/b'));
    const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
      tree: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('tree'), { maxLength: 4 }), fc.dictionary(word, tie('tree'), { maxKeys: 4 })),
    }));
    fc.assert(
      fc.property(fc.dictionary(word, tree, { minKeys: 1, maxKeys: 6 }), (v) => {
        for (const [, options] of STYLES.filter(([, o]) => o.flowLevel === undefined)) expect(agree(dump(v, options))).toBe('fast');
      }),
      { seed: 3, numRuns: 300 },
    );
  });
});
