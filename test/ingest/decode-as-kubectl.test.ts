import { describe, expect, it } from 'vitest';
import { decodeText, type DecodeSink } from '../../src/ingest/decode.js';
import { splitDocuments } from '../../src/ingest/documents.js';
import { DEFAULT_LIMITS, type InputLimits } from '../../src/ingest/limits.js';

// What kubectl (sigs.k8s.io/yaml over go-yaml v2) reads where js-yaml alone reads something else.

function decode(text: string, source = 'in.yaml', limits: Partial<InputLimits> = {}): DecodeSink {
  const sink: DecodeSink = { resources: [], errors: [], notes: [] };
  decodeText(text, source, { ...DEFAULT_LIMITS, ...limits }, sink);
  return sink;
}

const pod = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers: [{name: c, image: x}]\n`;
const spec = (sink: DecodeSink, i = 0) => sink.resources[i]?.object.spec as Record<string, unknown> | undefined;

describe('Unicode line breaks that YAML 1.1 has and YAML 1.2 has not', () => {
  it.each([
    ['U+2028 line separator', 'in a comment, hiding a key kubectl applies', 'spec:\n  hostPID: false # defaults\u2028  hostNetwork: true\n  containers: [{name: c, image: x}]\n', 7],
    ['U+0085 next line', 'after a plain value, which the block loader would read', 'spec:\n  containers:\n  - name: c\n    image: nginx # pinned\u0085    securityContext: {privileged: true}\n', 9],
    ['U+2029 paragraph separator', 'inside a quoted value', 'spec:\n  containers: [{name: c, image: "nginx\u2029x"}]\n', 7],
  ])('refuses a document holding a %s (%s), naming its line', (name, _where, body, line) => {
    const text = `${pod('first')}---\napiVersion: v1\nkind: Pod\nmetadata: {name: evasion}\n${body}---\n${pod('last')}`;
    const sink = decode(text);
    expect(sink.resources.map((r) => r.name)).toEqual(['first', 'last']);
    expect(sink.errors).toEqual([{ source: 'in.yaml', line: line + 5, message: `${name}: YAML 1.1 readers such as kubectl's end the line here, YAML 1.2 readers do not; replace it` }]);
  });

  it('leaves JSON alone, where they are characters of a string to every reader', () => {
    const sink = decode(JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations: { a: 'x\u2028y' } } }), 'p.json');
    expect(sink.errors).toEqual([]);
    expect(sink.resources.map((r) => r.name)).toEqual(['p']);
  });
});

describe('flow collections and quoted strings that wrap back to their key, which kubectl reads', () => {
  const deployment = (containerTail: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n${containerTail}`;

  it('reads a flow sequence and a flow mapping closed at the key column', () => {
    const sink = decode(deployment('        command: [\n          "nginx", "-g", "daemon off;",\n        ]\n        securityContext: {\n          privileged: true\n        }\n'));
    expect(sink.errors).toEqual([]);
    const container = (spec(sink)?.template as { spec: { containers: Array<Record<string, unknown>> } }).spec.containers[0];
    expect(container).toEqual({ name: 'web', image: 'nginx:1.27', command: ['nginx', '-g', 'daemon off;'], securityContext: { privileged: true } });
  });

  it('reads a double-quoted and a single-quoted string wrapping back to the key column, folded as kubectl folds them', () => {
    const sink = decode(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: q\n  annotations:\n    description: "Front end of the shop; owned by team-a,\n    paged through the on-call rota"\n    note: 'it''s\n    wrapped'\nspec:\n  hostNetwork: true\n`);
    expect(sink.errors).toEqual([]);
    expect((sink.resources[0]?.object.metadata as { annotations: unknown }).annotations).toEqual({ description: 'Front end of the shop; owned by team-a, paged through the on-call rota', note: "it's wrapped" });
    expect(spec(sink)).toEqual({ hostNetwork: true });
  });

  it('reads tabs between the entries of a flow collection, and after a key', () => {
    const sink = decode(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n  labels: {a: b,\tc: d}\nspec:\n  containers:\t[{name: c,\timage: "x\ty"}]\n`);
    expect(sink.errors).toEqual([]);
    expect((sink.resources[0]?.object.metadata as { labels: unknown }).labels).toEqual({ a: 'b', c: 'd' });
    // The tab inside the quoted string is content and stays.
    expect(spec(sink)).toEqual({ containers: [{ name: 'c', image: 'x\ty' }] });
  });

  it('keeps the line of an error found after a wrapped line, and says what kubectl makes of a wrap it could not read', () => {
    const broken = decode(deployment('        command: [\n          "nginx",\n        ]\n        args: [a,\n        b\n'));
    expect(broken.errors).toHaveLength(1);
    expect(broken.errors[0]?.line).toBeGreaterThanOrEqual(14);
    // More wrapped lines than are worth re-indenting one by one.
    const many = Array.from({ length: 40 }, (_, i) => `  k${i}: [\n  x]\n`).join('');
    const refused = decode(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\ndata:\n${many}`);
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors[0]?.message).toBe("deficient indentation: a flow collection ([ ], { }) or a quoted string goes on at or left of its key's column; kubectl accepts that, Palisade could not read it: indent the line");
  });
});

describe('templates and tags: only what is no manifest is noted and skipped', () => {
  it('reads a manifest that holds "{{" in a string, as kubectl does, instead of skipping it as a template', () => {
    const daemonSet = `apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: log-agent\nspec:\n  template:\n    spec:\n      hostPID: true\n      containers:\n      - name: agent\n        image: agent:2.1\n        args: [\n          "--format={{.Time}} {{.Message}}",\n        ]\n        securityContext:\n          privileged: true\n`;
    const sink = decode(`${pod('benign')}---\n${daemonSet}`);
    expect(sink.notes).toEqual([]);
    expect(sink.errors).toEqual([]);
    expect(sink.resources.map((r) => r.name)).toEqual(['benign', 'log-agent']);
  });

  it('reports a manifest holding "{{" in a string that fails for another reason as an error, not a template', () => {
    const sink = decode(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    alert: "pod {{ $labels.pod }} restarted"\nspec:\n  hostNetwork: true\n  containers:\n  - name: c\n    image: nginx\n     bad: indentation\n`);
    expect(sink.notes).toEqual([]);
    expect(sink.errors).toEqual([{ source: 'in.yaml', line: 12, message: 'bad indentation of a mapping entry' }]);
  });

  it('notes the templates of a chart (the ones helm create writes)', () => {
    const service = `apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ include "web.fullname" . }}\nspec:\n  type: {{ .Values.service.type }}\n  ports:\n    - port: {{ .Values.service.port }}\n      targetPort: http\n`;
    const ingress = `{{- if .Values.ingress.enabled -}}\n{{- if semverCompare ">=1.14-0" .Capabilities.KubeVersion.GitVersion -}}\napiVersion: networking.k8s.io/v1beta1\n{{- else -}}\napiVersion: extensions/v1beta1\n{{- end }}\nkind: Ingress\nmetadata:\n  name: {{ $fullName }}\nspec:\n  rules:\n    {{- range .Values.ingress.hosts }}\n    - host: {{ .host | quote }}\n    {{- end }}\n{{- end }}\n`;
    const configMap = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n{{- range $k, $v := .Values.env }}\n  {{ $k }}: {{ $v | quote }}\n{{- end }}\n  image: "{{ .Values.image | default "nginx" }}"\n`;
    for (const text of [service, ingress, configMap]) {
      const sink = decode(text);
      expect(sink.errors).toEqual([]);
      expect(sink.notes.map((n) => n.message)).toEqual(['document 1 is an unrendered template ({{ ... }}): render it (helm template, ...) and scan the output; skipped']);
    }
  });

  it('reads local tags as kubectl does: a tagged scalar is its text, a tagged collection as if untagged', () => {
    const sink = decode(
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: benign\n---\n"apiVersion": v1\n"kind": Pod\nmetadata:\n  name: tagged\n  annotations:\n    owner: !Ref team-a\n    quoted: !Sub "x"\n    number: !Foo 12\nspec: !Spec\n  hostPID: true\n  containers: !List\n  - {name: c, image: nginx, securityContext: {privileged: true}}\n`,
    );
    expect(sink.errors).toEqual([]);
    expect(sink.notes).toEqual([]);
    expect(sink.resources.map((r) => r.name)).toEqual(['benign', 'tagged']);
    expect(sink.resources[1]?.object).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'tagged', annotations: { owner: 'team-a', quoted: 'x', number: '12' } },
      spec: { hostPID: true, containers: [{ name: 'c', image: 'nginx', securityContext: { privileged: true } }] },
    });
  });

  it('never puts the text of a tag in a note or an error (an unquoted "!" value may be a password)', () => {
    const values = 'replicaCount: 2\npostgresql:\n  auth:\n    username: shop\n    password: !Tr0ub4dor&3xyz\n';
    const mkdocs = 'site_name: docs\nplugins:\n  - x: !!python/name:Tr0ub4dor.module\n';
    const secret = `apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  password: !!python/Tr0ub4dor&3xyz\n`;
    for (const [name, text] of [['values.yaml', values], ['mkdocs.yml', mkdocs], ['secret.yaml', secret]] as const) {
      const sink = decode(text, name);
      expect(sink.notes.length + sink.errors.length + sink.resources.length).toBeGreaterThan(0);
      expect(JSON.stringify([sink.notes, sink.errors])).not.toContain('Tr0ub4dor');
    }
    expect(decode(secret, 'secret.yaml').errors[0]?.line).toBe(5);
  });
});

describe('Lists as kubectl reads them', () => {
  const item = (name: string, indent = '  ') => pod(name).trimEnd().split('\n').map((l, i) => (i === 0 ? `- ${l}` : `${indent}${l}`)).join('\n');

  it('refuses a List inside a List, as kubectl does, naming the item', () => {
    const nested = `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  ${item('inner', '    ')}\n${item('outer')}\n`;
    const sink = decode(nested);
    expect(sink.errors).toEqual([{ source: 'in.yaml', line: 1, message: 'items[0] of List is itself a list (List): kubectl refuses a list inside a list, and with it the whole List; skipped' }]);
    expect(sink.resources.map((r) => r.name)).toEqual(['outer']);
    // An item whose kind ends in List but holds no list of items is an object to kubectl.
    const objectNamedList = decode(`apiVersion: v1\nkind: List\nitems:\n- {apiVersion: example.com/v1, kind: FooList, metadata: {name: f}, items: null}\n`);
    expect(objectNamedList.errors).toEqual([]);
    expect(objectNamedList.resources.map((r) => r.kind)).toEqual(['FooList']);
  });

  it('reads "items: null" as an empty List, not as an object of kind List', () => {
    for (const items of ['null', '[]', '~']) {
      const sink = decode(`apiVersion: v1\nkind: List\nitems: ${items}\nmetadata:\n  resourceVersion: ""\n`);
      expect(sink).toEqual({ resources: [], errors: [], notes: [] });
    }
  });

  it('applies the size limit to the items of a YAML List, as to a JSON one, loading one item at a time', () => {
    const items = Array.from({ length: 20 }, (_, i) => `- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c${i}, namespace: shop}\n  data:\n    blob: "${'x'.repeat(200)}"\n`).join('');
    const list = `apiVersion: v1\nkind: List\nitems:\n${items}metadata:\n  resourceVersion: ""\n`;
    expect(list.length).toBeGreaterThan(2000);
    const sink = decode(`${pod('before')}---\n${list}`, 'export.yaml', { maxDocumentBytes: 1000 });
    expect(sink.errors).toEqual([]);
    expect(sink.resources.map((r) => r.name)).toEqual(['before', ...Array.from({ length: 20 }, (_, i) => `c${i}`)]);
    expect(sink.resources.map((r) => [r.source.line, r.source.path])[3]).toEqual([8, 'items[2]']);
    // Indented items, and an item over the limit: refused alone, the others keep their index.
    const big = `  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: big}\n    data: {blob: "${'x'.repeat(1200)}"}\n`;
    const indented = `apiVersion: v1\nkind: ConfigMapList\nitems:\n${items.replace(/^/gm, '  ').replace(/ +$/, '')}${big}  - {apiVersion: v1, kind: ConfigMap, metadata: {name: last}}\n`;
    const mixed = decode(indented, 'export.yaml', { maxDocumentBytes: 1000 });
    expect(mixed.errors).toEqual([{ source: 'export.yaml', line: 104, message: `items[20] of ConfigMapList: ${big.length} bytes, over the 1000-byte limit (limits.maxDocumentBytes in .palisade.yaml); skipped` }]);
    expect(mixed.resources.map((r) => r.name)).toHaveLength(21);
    expect(mixed.resources.at(-1)?.source.path).toBe('items[21]');
  });

  it('refuses an oversized document that is not a List in block style, and bounds the aliases of a List per item', () => {
    const flowList = `apiVersion: v1\nkind: List\nitems: [${Array.from({ length: 20 }, (_, i) => `{apiVersion: v1, kind: ConfigMap, metadata: {name: c${i}}, data: {b: "${'x'.repeat(100)}"}}`).join(', ')}]\n`;
    expect(decode(flowList, 'in.yaml', { maxDocumentBytes: 1000 }).errors[0]?.message).toMatch(/over the 1000-byte limit/);
    const configMap = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  kind: List\nitems:\n- ${'x'.repeat(2000)}\n`;
    expect(decode(configMap, 'in.yaml', { maxDocumentBytes: 1000 }).errors[0]?.message).toMatch(/over the 1000-byte limit/);
    // An alias to an anchor of another item is not followed across items: that item is refused.
    const aliased = `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n  data: &d {blob: "${'x'.repeat(900)}"}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b}\n  data: *d\n`;
    const sink = decode(aliased, 'in.yaml', { maxDocumentBytes: 1000 });
    expect(sink.resources.map((r) => r.name)).toEqual(['a']);
    expect(sink.errors).toEqual([{ source: 'in.yaml', line: 11, message: expect.stringMatching(/^items\[1\] of List: unidentified alias/) as unknown as string }]);
    // An alias bomb in an item is refused as it would be in a document of its own.
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((n, i) => `${n}: &${n} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)];
    const bomb = `- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: bomb}\n  data:\n${levels.map((l) => `    ${l}`).join('\n')}\n`;
    const withBomb = decode(`apiVersion: v1\nkind: List\nitems:\n${bomb}${'- {apiVersion: v1, kind: ConfigMap, metadata: {name: pad}}\n'.repeat(20)}`, 'in.yaml', { maxDocumentBytes: 1000 });
    expect(withBomb.errors).toEqual([{ source: 'in.yaml', line: 4, message: 'items[0] of List refused: its aliases expand to more than 1000000 nodes' }]);
    expect(withBomb.resources).toHaveLength(20);
  });
});

describe('streams of JSON values, which kubectl reads one by one', () => {
  const a = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } };
  const b = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b' }, spec: { hostPID: true } };

  it('reads NDJSON and pretty-printed objects one after the other, each at its own line', () => {
    const ndjson = decode(`${JSON.stringify(a)}\n${JSON.stringify(b)}\n`, 'pods.json');
    expect(ndjson.errors).toEqual([]);
    expect(ndjson.resources.map((r) => [r.name, r.source.line])).toEqual([['a', 1], ['b', 2]]);
    const pretty = `${JSON.stringify(a, null, 2)}\n${JSON.stringify(b, null, 2)}`;
    for (const source of ['pods.json', '-', 'pods.yaml']) {
      const sink = decode(pretty, source);
      expect(sink.errors).toEqual([]);
      expect(sink.resources.map((r) => [r.name, r.source.line])).toEqual([['a', 1], ['b', 8]]);
    }
    // Braces in strings do not end a value.
    const tricky = { ...a, metadata: { name: 'c', annotations: { x: '}{"]', y: 'a\\"}' } } };
    expect(decode(`${JSON.stringify(tricky)} ${JSON.stringify(b)}`, '-').resources.map((r) => r.name)).toEqual(['c', 'b']);
  });

  it('reports a broken value of a stream at its line and reads the others', () => {
    const sink = decode(`${JSON.stringify(a)}\n{"apiVersion": "v1",\n "kind": "Pod", oops}\n${JSON.stringify(b)}\n`, 'pods.json');
    expect(sink.resources.map((r) => r.name)).toEqual(['a', 'b']);
    expect(sink.errors).toEqual([{ source: 'pods.json', line: 3, message: 'invalid JSON: expected a property name in double quotes (column 17)' }]);
  });
});

describe('documents after a "..." end marker', () => {
  it('are skipped with a note until the next "---": kubectl never reads them', () => {
    const foo = (name: string) => `apiVersion: example.com/v1\nkind: Foo\nmetadata:\n  name: ${name}\n`;
    const sink = decode(`${foo('one')}...\n${foo('two')}---\n${foo('three')}...\n# only a comment\n---\n${foo('four')}`);
    expect(sink.resources.map((r) => r.name)).toEqual(['one', 'three', 'four']);
    expect(sink.notes).toEqual([{ source: 'in.yaml', line: 6, message: 'document 2 follows a "..." end marker with no "---" before it: kubectl never reads it; skipped' }]);
    expect(sink.errors).toEqual([]);
    // A directive after the marker belongs to the document its `---` starts.
    expect(splitDocuments(`${foo('one')}...\n%YAML 1.1\n---\n${foo('two')}`).map((d) => d.afterEndMarker)).toEqual([undefined, undefined]);
  });
});

describe('keys that are lists or mappings', () => {
  it('are placed on the line of the key and named as kubectl refuses them', () => {
    const message = 'a mapping key that is a list or mapping (kubectl refuses it too)';
    expect(decode('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  ? [a, b]\n  : x\n').errors).toEqual([{ source: 'in.yaml', line: 6, message }]);
    expect(decode(`${pod('a')}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  x: 1\n  [a, b]: x\n`).errors).toEqual([{ source: 'in.yaml', line: 14, message }]);
  });
});

describe('JSON files that are no manifest', () => {
  it('notes a JSON-with-comments file without apiVersion or kind (a tsconfig.json) instead of failing the scan', () => {
    const tsconfig = '{\n  // compiler options\n  "compilerOptions": {\n    "strict": true,\n  },\n}\n';
    expect(decode(tsconfig, 'tsconfig.json')).toEqual({
      resources: [],
      errors: [],
      notes: [{ source: 'tsconfig.json', line: 2, message: 'not a Kubernetes manifest (no apiVersion or kind): invalid JSON: expected a property name in double quotes (column 3); skipped' }],
    });
    const manifest = '{\n  // a pod\n  "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}\n}\n';
    expect(decode(manifest, 'pod.json').errors).toEqual([{ source: 'pod.json', line: 2, message: 'invalid JSON: expected a property name in double quotes (column 3)' }]);
  });
});
