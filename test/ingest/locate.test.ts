import { describe, expect, it } from 'vitest';
import { DocumentLocator, LineIndex } from '../../src/ingest/locate.js';

const locateField = (lines: readonly string[], start: number, path: string) => new DocumentLocator(lines, start).line(path);
import { locateFieldInSource } from '../../src/ingest/locate-source.js';

const text = `# Source: chart/templates/web.yaml
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    "quoted.key/x": "1"
spec:
  template:
    spec:
      containers:
        - name: sidecar
          image: a
        - name: app
          image: b
          securityContext:
            privileged: true
          ports:
          - containerPort: 80
            hostPort: 80
      volumes:
      - name: v
        hostPath:
          path: /etc
`;
const lines = text.split('\n');

describe('locateField', () => {
  it.each([
    ['spec.template.spec.containers[1].securityContext.privileged', 18],
    ['spec.template.spec.containers[0].image', 14],
    ['spec.template.spec.containers[1].ports[0].hostPort', 21],
    ['spec.template.spec.volumes[0].hostPath.path', 25],
    ['metadata.annotations.quoted\\.key/x', 8],
    ['spec.template.spec.containers[1]', 15],
  ])('%s is on line %i', (path, line) => {
    expect(locateField(lines, 3, path)).toBe(line);
  });

  it('falls back to the deepest part of the path that exists', () => {
    expect(locateField(lines, 3, 'spec.template.spec.containers[1].securityContext.runAsNonRoot')).toBe(17);
    expect(locateField(lines, 3, 'spec.template.spec.containers[0].resources.limits.cpu')).toBe(13);
    expect(locateField(lines, 3, 'spec.template.spec.containers[7].image')).toBe(12);
  });

  it('finds the fields of an item whose `-` stands alone, or with a comment, on its line', () => {
    const t = [
      'apiVersion: v1', //                1
      'kind: Pod', //                     2
      'spec:', //                         3
      '  containers:', //                 4
      '  -', //                           5
      '    name: a', //                   6
      '    securityContext:', //          7
      '      privileged: true', //        8
      '  - # the sidecar', //             9
      '    name: b', //                   10
      '    image: b', //                  11
      '  - name: c', //                   12
      '    image: c', //                  13
    ];
    expect(locateField(t, 1, 'spec.containers[0].securityContext.privileged')).toBe(8);
    expect(locateField(t, 1, 'spec.containers[0].name')).toBe(6);
    expect(locateField(t, 1, 'spec.containers[1].image')).toBe(11);
    expect(locateField(t, 1, 'spec.containers[2].image')).toBe(13);
    expect(locateField(t, 1, 'spec.containers[0]')).toBe(5);
  });

  it('keeps the document line for flow style or JSON', () => {
    const json = ['{"apiVersion": "v1", "kind": "Pod",', ' "spec": {"containers": [{"name": "a"}]}}'];
    expect(locateField(json, 1, 'spec.containers[0].name')).toBe(1);
  });

  it('skips whole values between the keys of a mapping, whatever they hold', () => {
    const t = [
      'apiVersion: v1', //                       1
      'kind: Pod',
      'metadata:',
      '  labels:',
      '    spec: not-this-one', //              5: a deeper key of the same name
      '  annotations:',
      '    note: |',
      '      spec:', //                         8: inside a block scalar
      '# a comment at column 0 inside metadata',
      '',
      '      hostPID: no',
      'spec:', //                              12
      '  containers:',
      '  - name: a', //                         14: a sequence at its key's column
      '    image: x',
      '    env:',
      '    - name: image',
      '      value: y',
      '    image2: z',
      '  - name: b',
      '    # image: commented out',
      '    image: w', //                         22
      '  hostPID: true', //                      23
    ];
    expect(locateField(t, 1, 'spec')).toBe(12);
    expect(locateField(t, 1, 'spec.hostPID')).toBe(23);
    expect(locateField(t, 1, 'spec.containers[0].image')).toBe(15);
    expect(locateField(t, 1, 'spec.containers[0].image2')).toBe(19);
    expect(locateField(t, 1, 'spec.containers[1].image')).toBe(22);
    expect(locateField(t, 1, 'metadata.annotations.note')).toBe(7);
    expect(locateField(t, 1, 'spec.containers[2]')).toBe(13);
  });

  it('does not leave the document it starts in', () => {
    const two = ['apiVersion: v1', 'kind: Pod', '---', 'apiVersion: v1', 'kind: Pod', 'spec:', '  hostPID: true'];
    expect(locateField(two, 1, 'spec.hostPID')).toBe(1);
    expect(locateField(two, 4, 'spec.hostPID')).toBe(7);
  });
});

describe('LineIndex', () => {
  it('has the lines a split at newlines gives, carriage returns kept', () => {
    for (const t of ['', '\n', 'a', 'a\n', 'a\nb', 'a\r\nb\r\n', '\n\n x\n']) {
      const index = new LineIndex(t);
      expect(Array.from({ length: index.count }, (_, i) => index.line(i))).toEqual(t.split('\n'));
    }
  });

  it('locates a field the same from the file\'s index as from its lines', () => {
    const crlf = text.replace(/\n/g, '\r\n');
    for (const t of [text, crlf]) {
      const path = 'spec.template.spec.containers[1].securityContext.privileged';
      expect(new DocumentLocator(new LineIndex(t), 3).line(path)).toBe(locateField(t.split('\n'), 3, path));
      expect(new DocumentLocator(new LineIndex(t), 3).line(path)).toBe(t.split('\n').findIndex((l) => l.includes('privileged')) + 1);
    }
  });

  it('does not read a key past the end of its line', () => {
    const t = 'a:\n  b\n  : 1\nc:\n  "d\n  ":\n';
    expect(new DocumentLocator(new LineIndex(t), 1).line('a.b')).toBe(1);
    expect(new DocumentLocator(new LineIndex(t), 1).line('c.d')).toBe(4);
  });
});

describe('locateFieldInSource (JSON)', () => {
  const json = JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', annotations: { 'a.b/c': '1' } }, spec: { template: { spec: { containers: [{ name: 'a', image: 'i' }, { name: 'b', securityContext: { privileged: true } }] } } } }, null, 2);
  const lineOf = (needle: string) => json.split('\n').findIndex((l) => l.includes(needle)) + 1;
  it('finds keys, escaped keys and array elements', () => {
    expect(locateFieldInSource(json, 1, 'spec.template.spec.containers[1].securityContext.privileged')).toBe(lineOf('"privileged"'));
    expect(locateFieldInSource(json, 1, 'metadata.annotations.a\\.b/c')).toBe(lineOf('"a.b/c"'));
    expect(locateFieldInSource(json, 1, 'spec.template.spec.containers[0].image')).toBe(lineOf('"image"'));
  });
  it('stops at the deepest part that exists', () => {
    expect(locateFieldInSource(json, 1, 'spec.template.spec.containers[1].securityContext.runAsNonRoot')).toBe(lineOf('"securityContext"'));
  });
  it('leaves YAML to the indentation walk', () => {
    expect(locateFieldInSource('kind: Pod\nspec: {}\n', 1, 'spec')).toBeUndefined();
  });
  it('finds a field of an element of a top-level array (az CLI list output)', () => {
    const list = JSON.stringify([{ name: 'a1', scope: '/s/1' }, { name: 'a2', scope: '/s/2' }], null, 2);
    const at = (needle: string) => list.split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(locateFieldInSource(list, 1, '[1].scope')).toBe(at('"/s/2"'));
    expect(locateFieldInSource(list, 1, '[0].name')).toBe(at('"a1"'));
  });
  it('finds a field of the item a List line starts, among many items', () => {
    const items = Array.from({ length: 500 }, (_, i) => ({ kind: 'Pod', metadata: { name: `p${i}` }, spec: { hostPID: i % 2 === 0 } }));
    const list = JSON.stringify({ kind: 'List', items }, null, 2);
    const lines = list.split('\n');
    const itemLine = lines.findIndex((l) => l.includes('"p321"')) - 2;
    const expected = lines.findIndex((l, k) => k > itemLine && l.includes('"hostPID"')) + 1;
    expect(locateFieldInSource(list, itemLine + 1, 'spec.hostPID')).toBe(expected);
  });
  it('answers the resource\'s own line for JSON written on one line', () => {
    const compact = JSON.stringify({ kind: 'List', items: [{ kind: 'Pod', spec: { hostPID: true } }] });
    expect(locateFieldInSource(compact, 1, 'items[0].spec.hostPID')).toBe(1);
    expect(locateFieldInSource(`${compact}\n`, 1, 'items[0].spec.hostPID')).toBe(1);
  });
});
