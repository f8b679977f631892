import { describe, expect, it } from 'vitest';
import { decodeText, type DecodeSink } from '../../src/ingest/decode.js';
import { splitDocuments } from '../../src/ingest/documents.js';
import { DEFAULT_LIMITS, type InputLimits } from '../../src/ingest/limits.js';

function decode(text: string, source = 'in.yaml', limits: Partial<InputLimits> = {}): DecodeSink {
  const sink: DecodeSink = { resources: [], errors: [], notes: [] };
  decodeText(text, source, { ...DEFAULT_LIMITS, ...limits }, sink);
  return sink;
}

const pod = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers: [{name: c, image: x}]\n`;

describe('splitDocuments', () => {
  it('keeps the line where each document content starts', () => {
    const docs = splitDocuments(`# comment\n---\n${pod('a')}---\n\n# Source: chart/x.yaml\n${pod('b')}...\n${pod('c')}`);
    expect(docs.map((d) => d.line)).toEqual([3, 12, 19]);
  });
  it('keeps content written on the separator line', () => {
    const docs = splitDocuments('--- {apiVersion: v1, kind: Namespace, metadata: {name: n}}\n');
    expect(docs).toHaveLength(1);
    expect(docs[0]?.line).toBe(1);
  });
  it('drops documents that are only comments or blank', () => {
    expect(splitDocuments('---\n# nothing\n---\n\n')).toEqual([]);
  });
});

describe('decodeText', () => {
  it('reads multi-document YAML with file and line per resource', () => {
    const sink = decode(`${pod('a')}---\n${pod('b')}`);
    expect(sink.resources.map((r) => [r.name, r.source.line])).toEqual([['a', 1], ['b', 8]]);
    expect(sink.errors).toEqual([]);
  });

  it('expands List kinds as kubectl writes them', () => {
    const list = `apiVersion: v1\nkind: List\nitems:\n- ${pod('a').replace(/\n/g, '\n  ')}\n- ${pod('b').replace(/\n/g, '\n  ')}`;
    expect(decode(list).resources.map((r) => r.name)).toEqual(['a', 'b']);
    const podList = JSON.stringify({ apiVersion: 'v1', kind: 'PodList', items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'j' } }] });
    expect(decode(podList, 'pods.json').resources.map((r) => r.name)).toEqual(['j']);
  });

  it('reports malformed YAML with file and line, and keeps the other documents', () => {
    const sink = decode(`${pod('a')}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n---\n${pod('c')}`);
    expect(sink.resources.map((r) => r.name)).toEqual(['a', 'c']);
    expect(sink.errors).toHaveLength(1);
    expect(sink.errors[0]).toMatchObject({ source: 'in.yaml' });
    expect(sink.errors[0]?.line).toBeGreaterThanOrEqual(11);
    expect(sink.errors[0]?.line).toBeLessThanOrEqual(13);
  });

  it.each([
    ['an unquoted secret that starts with "*" (read as an alias)', 'password: *hunter2Pw0rd!', /unidentified alias \(.*quote it\)/],
    ['a secret after a tag handle', 'password: !x!Zq9secretValue', /undeclared tag handle/],
    ['a verbatim tag', 'password: !<tag:Zq9secretValue> x', /cannot resolve a node|unknown scalar tag/],
  ])('reports %s with its line and without the value', (_, line, message) => {
    const sink = decode(`apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  ${line}\n`);
    expect(sink.errors).toHaveLength(1);
    expect(sink.errors[0]).toMatchObject({ source: 'in.yaml', line: 5 });
    expect(sink.errors[0]?.message).toMatch(message);
    expect(sink.errors[0]?.message).not.toMatch(/hunter2|Zq9secret/);
  });

  it("notes and skips what is no manifest at all: an unrendered chart template, another tool's YAML with its own tags", () => {
    const chart = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "web.fullname" . }}\n  labels:\n    {{- include "web.labels" . | nindent 4 }}\n`;
    const cloudFormation = `AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub "\${AWS::StackName}-logs"\n`;
    const mkdocs = `site_name: docs\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n`;
    for (const [name, text] of [['deployment.yaml', chart], ['stack.yaml', cloudFormation], ['mkdocs.yml', mkdocs]] as const) {
      const sink = decode(`${text}---\n${pod('ok')}`, name);
      expect(sink.errors).toEqual([]);
      expect(sink.resources.map((r) => r.name)).toEqual(['ok']);
      expect(sink.notes).toHaveLength(1);
    }
    expect(decode(chart, 'deployment.yaml').notes[0]?.message).toMatch(/unrendered template .*helm template/);
    // CloudFormation's local tags read as kubectl reads them: a mapping with no apiVersion or kind.
    expect(decode(cloudFormation, 'stack.yaml').notes[0]?.message).toBe('document 1 is not a Kubernetes object (no apiVersion/kind); skipped');
    expect(decode(mkdocs, 'mkdocs.yml').notes[0]?.message).toBe("document 1 is not a Kubernetes object (a !!python/ tag, another tool's YAML); skipped");
  });

  it('refuses objects whose name or namespace is not a string, as the API server does, and keeps the others', () => {
    const sink = decode(
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: 12345}\n---\n` +
        `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb, namespace: [a]}\n---\n` +
        `apiVersion: v1\nkind: Pod\nmetadata: [x]\n---\n${pod('ok')}`,
    );
    expect(sink.resources.map((r) => r.name)).toEqual(['ok']);
    expect(sink.errors).toEqual([
      { source: 'in.yaml', line: 1, message: 'Deployment: metadata.name is a number, not a string (quote it); skipped' },
      { source: 'in.yaml', line: 5, message: 'RoleBinding rb: metadata.namespace is a list, not a string (quote it); skipped' },
      { source: 'in.yaml', line: 9, message: 'Pod: metadata is a list, not a mapping; skipped' },
    ]);
    const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 7 } }, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }] });
    const fromList = decode(list, 'list.json');
    expect(fromList.resources.map((r) => r.name)).toEqual(['p']);
    expect(fromList.errors).toEqual([{ source: 'list.json', line: 1, message: 'items[0] of List: metadata.name is a number, not a string (quote it); skipped' }]);
  });

  it('refuses pod-bearing objects whose pod spec, the way to it or a container list has the wrong type', () => {
    const sink = decode(
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: t}\nspec:\n  template: 5\n---\n` +
        `apiVersion: v1\nkind: Pod\nmetadata: {name: c}\nspec:\n  containers: nginx\n---\n` +
        `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: j}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          initContainers: {a: 1}\n---\n` +
        // Absent parts are a partial export, and odd values further in are the rules' to pass over.
        `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: partial}\n---\n` +
        `apiVersion: v1\nkind: Pod\nmetadata: {name: odd}\nspec:\n  containers: [7, null]\n---\n${pod('ok')}`,
    );
    expect(sink.resources.map((r) => r.name)).toEqual(['partial', 'odd', 'ok']);
    expect(sink.errors.map((e) => [e.line, e.message])).toEqual([
      [1, 'Deployment t: spec.template is a number, not a mapping; skipped'],
      [7, 'Pod c: spec.containers is a string, not a list; skipped'],
      [13, 'CronJob j: spec.jobTemplate.spec.template.spec.initContainers is a mapping, not a list; skipped'],
    ]);
  });

  it('reports malformed JSON with its line', () => {
    const sink = decode('{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  oops\n}', 'bad.json');
    expect(sink.resources).toEqual([]);
    expect(sink.errors[0]).toMatchObject({ source: 'bad.json', line: 4 });
    expect(sink.errors[0]?.message).toMatch(/invalid JSON/);
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    const names = 'abcdefghi';
    for (let i = 1; i < names.length; i++) {
      const prev = names[i - 1] as string;
      levels.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const bomb = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n${levels.map((l) => `  ${l}`).join('\n')}\n`;
    const sink = decode(bomb);
    expect(sink.resources).toEqual([]);
    expect(sink.errors[0]?.message).toMatch(/aliases expand to more than/);
  });

  it('refuses more aliases than the limit', () => {
    const doc = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\nx: &x 1\nlist: [${Array(20).fill('*x').join(', ')}]\n`;
    const sink = decode(doc, 'in.yaml', { maxAliases: 10 });
    expect(sink.errors[0]?.message).toMatch(/maxAliases|alias/i);
  });

  it('refuses documents over the size limit', () => {
    const big = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: "${'x'.repeat(2000)}"\n`;
    const sink = decode(`${big}---\n${pod('ok')}`, 'in.yaml', { maxDocumentBytes: 1000 });
    expect(sink.resources.map((r) => r.name)).toEqual(['ok']);
    expect(sink.errors[0]?.message).toMatch(/over the 1000-byte limit \(limits\.maxDocumentBytes in \.palisade\.yaml\)/);
  });

  it("applies the size limit to a JSON List's items, not to the whole export (kubectl get -o json of a cluster)", () => {
    const item = (i: number) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}`, namespace: 'shop' }, data: { blob: 'x'.repeat(200) } });
    const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: Array.from({ length: 20 }, (_, i) => item(i)) });
    expect(list.length).toBeGreaterThan(1000);
    const sink = decode(list, 'export.json', { maxDocumentBytes: 1000 });
    expect(sink.errors).toEqual([]);
    expect(sink.resources).toHaveLength(20);
    // Anything else that large is still refused.
    const one = JSON.stringify({ ...item(0), data: { blob: 'x'.repeat(2000) } });
    expect(decode(one, 'big.json', { maxDocumentBytes: 1000 }).errors[0]?.message).toMatch(/over the 1000-byte limit/);
    expect(decode(`${one.slice(0, -1)}`, 'broken.json', { maxDocumentBytes: 1000 }).errors[0]?.message).toMatch(/over the 1000-byte limit/);
  });

  it('refuses nesting deeper than the limit, in YAML and in JSON', () => {
    const deepYaml = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: ${'['.repeat(150)}${']'.repeat(150)}\n`;
    expect(decode(deepYaml).errors[0]?.message).toMatch(/depth|nest/i);
    const deepJson = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"data":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const sink = decode(deepJson, 'deep.json');
    expect(sink.resources).toEqual([]);
    expect(sink.errors[0]?.message).toMatch(/nesting deeper than 100/);
  });

  it('refuses binary files', () => {
    const sink = decode('\u0000\u0001\u0002ELF', 'app.yaml');
    expect(sink.errors).toEqual([{ source: 'app.yaml', message: 'binary file refused (not YAML or JSON)' }]);
  });

  it('skips non-Kubernetes documents with a note', () => {
    const sink = decode(`name: values\nreplicas: 3\n---\n${pod('a')}---\n- just\n- a list\n`);
    expect(sink.resources.map((r) => r.name)).toEqual(['a']);
    expect(sink.notes.map((n) => n.message)).toEqual([
      'document 1 is not a Kubernetes object (no apiVersion/kind); skipped',
      'document 3 is not a Kubernetes object (not a mapping); skipped',
    ]);
  });

  it('supports YAML merge keys', () => {
    const doc = `apiVersion: v1\nkind: Pod\nmetadata: {name: m}\nbase: &b {image: x}\nspec:\n  containers:\n  - <<: *b\n    name: c\n`;
    const sink = decode(doc);
    expect(sink.errors).toEqual([]);
    const c = (sink.resources[0]?.object.spec as { containers: Array<Record<string, unknown>> }).containers[0];
    expect(c).toEqual({ image: 'x', name: 'c' });
  });
});

describe('valid input that tools write', () => {
  it('reads a document with a %YAML directive', () => {
    const sink = decode(`%YAML 1.2\n---\n${pod('a')}---\n${pod('b')}`);
    expect(sink.errors).toEqual([]);
    expect(sink.resources.map((r) => [r.name, r.source.line])).toEqual([['a', 3], ['b', 10]]);
  });
  it('reads JSON and YAML that start with a byte-order mark', () => {
    const json = `\uFEFF${JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bom' } })}`;
    expect(decode(json, 'bom.json').resources.map((r) => r.name)).toEqual(['bom']);
    expect(decode(`\uFEFF${pod('yaml-bom')}`).resources.map((r) => r.name)).toEqual(['yaml-bom']);
  });
  it('reads plain scalars as Kubernetes does (YAML 1.1): yes/on/y are true, no/off/n false, 0755 octal; quoted ones stay strings', () => {
    const { resources } = decode(`apiVersion: v1
kind: Pod
metadata: {name: web, annotations: {quoted: "yes"}}
spec:
  hostNetwork: yes
  hostPID: on
  enableServiceLinks: no
  containers: [{name: app, image: nginx, securityContext: {privileged: Y, readOnlyRootFilesystem: off}}]
  volumes: [{name: cfg, configMap: {name: cfg, defaultMode: 0755}}]
`);
    const object = resources[0]?.object as { metadata: { annotations: Record<string, unknown> }; spec: Record<string, unknown> & { containers: Array<{ securityContext: Record<string, unknown> }>; volumes: Array<{ configMap: { defaultMode: unknown } }> } };
    expect([object.spec.hostNetwork, object.spec.hostPID, object.spec.enableServiceLinks]).toEqual([true, true, false]);
    expect(object.spec.containers[0]?.securityContext).toEqual({ privileged: true, readOnlyRootFilesystem: false });
    expect(object.spec.volumes[0]?.configMap.defaultMode).toBe(0o755);
    expect(object.metadata.annotations.quoted).toBe('yes');
  });
  it.each([
    // go-yaml v2 takes out underscores, then asks Go's ParseInt (base prefixes in either case) and then its float pattern.
    ['0_0', 0],
    ['1_000', 1000],
    ['0O17', 0o17],
    ['0B101', 5],
    ['0X1f', 31],
    ['-0x1F', -31],
    ['+0b1', 1],
    ['0755', 0o755],
    ['08', 8],
    ['1_0.5', 10.5],
    ['685_230.15', 685230.15],
    ['685.230_15e+03', 685230.15],
    ['.5', 0.5],
    ['-0', 0],
    // Base 60 is left out of go-yaml on purpose; `.5_0` is no float to ParseFloat, `0o8` no octal.
    ['1:20', '1:20'],
    ['190:20:30', '190:20:30'],
    ['.5_0', '.5_0'],
    ['0o8', '0o8'],
    ['0x', '0x'],
    ['_1', '_1'],
    ['1e', '1e'],
    ['1e400', '1e400'],
  ])('reads the plain scalar %s as go-yaml v2 does, in block and flow style alike', (text, value) => {
    const { resources } = decode(`apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  securityContext: {runAsUser: ${text}}\n  runAsUser: ${text}\n`);
    const spec = resources[0]?.object.spec as { runAsUser: unknown; securityContext: { runAsUser: unknown } };
    expect(spec.runAsUser).toBe(value);
    expect(spec.securityContext.runAsUser).toBe(value);
  });
  it.each([
    ['a `<<` after a key overwrites it, so privileged: false then <<: *root is privileged', 'privileged: false\n      <<: *root', { privileged: true, runAsUser: 0 }],
    ['a key after `<<` overwrites the merged one', '<<: *root\n      privileged: false', { privileged: false, runAsUser: 0 }],
    ['of a merged list the first mapping wins, over keys written before', 'privileged: false\n      <<: [*user, *root]', { privileged: true, runAsUser: 1000 }],
    ['a second `<<` overwrites what the first merged', '<<: *user\n      <<: *root', { privileged: true, runAsUser: 0 }],
  ])('applies merge keys where they stand, as go-yaml v2 behind kubectl does: %s', (_label, context, expected) => {
    const { resources, errors } = decode(`apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations:
    root: &root {privileged: true, runAsUser: 0}
    user: &user {runAsUser: 1000}
spec:
  containers:
  - name: app
    image: nginx
    securityContext:
      ${context}
`);
    expect(errors).toEqual([]);
    const spec = resources[0]?.object.spec as { containers: Array<{ securityContext: unknown }> };
    expect(spec.containers[0]?.securityContext).toEqual(expected);
  });
  it.each([
    ['a `<<` read as a value before', 'metadata: {name: web, annotations: {note: <<}}', '<<: [{privileged: true}, {privileged: false}]'],
    ['an empty merge list before', 'metadata: {name: web, labels: {<<: []}}', '<<: [{privileged: true}, {privileged: false}]'],
    ['a second `<<` whose first mapping is empty', 'metadata: {name: web}', '<<: {privileged: false}\n      <<: [{}, {privileged: true}]'],
  ])('keeps go-yaml v2 merge order after %s', (_label, metadata, context) => {
    const { resources, errors } = decode(`apiVersion: v1\nkind: Pod\n${metadata}\nspec:\n  containers:\n  - name: app\n    image: nginx\n    securityContext:\n      ${context}\n`);
    expect(errors).toEqual([]);
    expect((resources[0]?.object.spec as { containers: Array<{ securityContext: unknown }> }).containers[0]?.securityContext).toEqual({ privileged: true });
  });
  it.each([
    ['the tag !, which makes it a merge key to go-yaml and a plain key to js-yaml', 'env: []\n    securityContext: {! <<: {privileged: true}}', /merge key written with the tag ! \(or another tag\) or an anchor/],
    ['an anchor, whose alias is a plain key to go-yaml and a merge to js-yaml', 'env: [{name: A, value: {&m <<: {}}}]\n    securityContext: {privileged: true, *m : {privileged: false}}', /merge key written with the tag ! \(or another tag\) or an anchor/],
    ['the verbatim tag !<!>, which go-yaml reads as !', 'securityContext:\n      privileged: false\n      !<!> <<: {privileged: true}', /merge key written with the tag ! \(or another tag\) or an anchor/],
    ['!!merge on an empty scalar, which go-yaml reads as the key ""', 'securityContext: {privileged: true, !!merge "": {privileged: false}}', /explicit tag/],
  ])('refuses a merge key written with %s', (_label, containerFields, message) => {
    const { resources, errors } = decode(`apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - name: app\n    image: nginx\n    ${containerFields}\n`);
    expect(resources).toEqual([]);
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(message)]);
  });
  it('reads a << that both readers read alike: a value with an anchor or the tag !, an anchored merge key never aliased', () => {
    const { resources, errors } = decode(`apiVersion: v1
kind: ConfigMap
metadata: {name: odd, annotations: {a: &x <<, b: ! <<}}
data: {&m <<: {k: v}, c: "*x"}
`);
    expect(errors).toEqual([]);
    expect(resources[0]?.object.metadata).toMatchObject({ annotations: { a: '<<', b: '<<' } });
    expect(resources[0]?.object.data).toEqual({ k: 'v', c: '*x' });
  });
  it('reads a << in a string or a here-document as text, in a document js-yaml loads (an anchor in it)', () => {
    const { resources, errors } = decode(`apiVersion: v1
kind: ConfigMap
metadata: {name: scripts, labels: &l {app: build}}
data:
  build.sh: |
    make && cat << EOF > out.txt
    cmd &>/dev/null << EOF
    EOF
  note: "&x << y"
`);
    expect(errors).toEqual([]);
    expect((resources[0]?.object.data as Record<string, string>)['build.sh']).toContain('make && cat << EOF');
  });
  it('still refuses a key written twice in one mapping', () => {
    expect(decode('apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  hostNetwork: false\n  hostNetwork: true\n').errors[0]?.message).toMatch(/duplicated mapping key/);
  });
  it('says UTF-16 files need converting', () => {
    const sink = decode('\uFFFD\uFFFDa\u0000p\u0000i\u0000', 'win.yaml');
    expect(sink.errors[0]?.message).toBe('UTF-16 text refused: save the file as UTF-8');
  });
  it('never quotes the input in a JSON error (it may be a secret)', () => {
    const sink = decode('{"kind": "Secret", "stringData": {"password": hunter2SuperSecret}}', 'secret.json');
    expect(sink.errors).toHaveLength(1);
    expect(JSON.stringify(sink.errors)).not.toContain('hunter2');
    expect(sink.errors[0]).toMatchObject({ line: 1, message: 'invalid JSON: expected a value (column 47)' });
  });
});
