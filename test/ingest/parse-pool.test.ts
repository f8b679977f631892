import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeText, type DecodeSink } from '../../src/ingest/decode.js';
import { ingestPaths, type IngestOptions } from '../../src/ingest/files.js';
import { DEFAULT_LIMITS } from '../../src/ingest/limits.js';
import { decodeFile } from '../../src/ingest/parse-file.js';
import { ParsePool } from '../../src/ingest/parse-pool.js';

const pod = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers: [{name: c, image: x}]\n`;
const indent = (text: string) => text.replace(/\n(?=.)/g, '\n  ');

// Every kind of input the decoder treats differently, so a pool that dropped, reordered or altered
// any resource, error or note would show in the comparison with one thread.
const ESTATE: Record<string, string> = {
  'a/multi.yaml': `# Source: chart/templates/pods.yaml\n---\n${pod('a1')}---\n\n${pod('a2')}...\n${pod('a3')}`,
  'a/broken.yaml': `${pod('b1')}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n---\n${pod('b3')}`,
  'a/list.yaml': `apiVersion: v1\nkind: List\nitems:\n- ${indent(pod('l1'))}- ${indent(pod('l2'))}- just a string\n`,
  'a/values.yaml': 'name: values\nreplicas: 3\n---\n- just\n- a list\n',
  'a/scalars.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: odd-values\n  __proto__: kept\n' +
    'data:\n  nan: .nan\n  inf: -.inf\n  zero: -0.0\n  octal: 0o17\n  base: &b {image: x, ports: [1, 2]}\n  twice: *b\n  merged:\n    <<: *b\n    name: c\n',
  'a/bomb.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a: &a [1,1,1,1,1,1,1,1,1,1]\n  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n  d: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n`,
  'a/big.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: "${'x'.repeat(3000)}"\n---\n${pod('after-big')}`,
  'a/deep.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: ${'['.repeat(150)}${']'.repeat(150)}\n`,
  'b/pods.json': JSON.stringify({ apiVersion: 'v1', kind: 'PodList', items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'j1' } }] }),
  'b/bad.json': '{\n  "apiVersion": "v1",\n  oops\n}',
  'b/array.json': JSON.stringify([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n1' } }, 42]),
  'b/aks.json': JSON.stringify({
    id: '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1',
    name: 'aks1',
    type: 'Microsoft.ContainerService/ManagedClusters',
    location: 'westeurope',
    properties: { kubernetesVersion: '1.30.3', enableRBAC: true },
  }),
  'b/bom.yaml': `\uFEFF${pod('bom')}`,
  'b/binary.yaml': '\u0000\u0001\u0002ELF',
  'b/utf16.yaml': '\uFFFD\uFFFDa\u0000p\u0000i\u0000',
  'b/flow.yaml': '{apiVersion: v1, kind: Namespace, metadata: {name: flow}}\n',
  'b/main.tf': 'resource "azurerm_kubernetes_cluster" "example" {\n  name = "example"\n}\n',
  'c/empty.yaml': '',
  'c/huge.yaml': `${pod('refused')}# ${'x'.repeat(9000)}\n`,
  'c/deeper/more.yml': Array.from({ length: 40 }, (_, i) => pod(`m${i}`)).join('---\n'),
};

const LIMITS = { maxDocumentBytes: 2000, maxFileBytes: 8000, maxExpandedNodes: 500 };

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'palisade-pool-'));
  for (const [rel, content] of Object.entries(ESTATE)) {
    await mkdir(join(dir, rel, '..'), { recursive: true });
    await writeFile(join(dir, rel), content);
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const onThreads = { minBytes: 0, workers: 2 };

async function both(paths: readonly string[], options: IngestOptions = {}) {
  const files: [string[], string[]] = [[], []];
  const single = await ingestPaths(paths, { ...options, parsePool: false, onFile: (f) => files[0].push(f) });
  const pooled = await ingestPaths(paths, { ...options, parsePool: onThreads, onFile: (f) => files[1].push(f) });
  return { single, pooled, files };
}

describe('reading files on worker threads', () => {
  it('gives the same resources, errors, notes and lines as one thread', async () => {
    const { single, pooled, files } = await both([dir], { limits: LIMITS });
    expect(single.resources.length).toBeGreaterThan(50);
    expect(single.errors.length).toBeGreaterThanOrEqual(8);
    expect(single.notes.length).toBeGreaterThan(3);
    expect(pooled).toEqual(single);
    expect(files[1]).toEqual(files[0]);
  });

  it('keeps values structured clone could alter: NaN, -0, infinity, aliases and a __proto__ key', async () => {
    const { pooled } = await both([join(dir, 'a'), join(dir, 'b')], { limits: LIMITS });
    const cm = pooled.resources.find((r) => r.name === 'odd-values');
    const data = cm?.object.data as Record<string, unknown>;
    expect(data.nan).toBeNaN();
    expect(data.inf).toBe(-Infinity);
    expect(Object.is(data.zero, -0)).toBe(true);
    expect(data.octal).toBe(15);
    // Aliases stay one shared object, as js-yaml leaves them.
    expect(data.twice).toBe(data.base);
    expect(data.merged).toEqual({ image: 'x', ports: [1, 2], name: 'c' });
    const metadata = cm?.object.metadata as Record<string, unknown>;
    expect(Object.keys(metadata)).toContain('__proto__');
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
  });

  it('keeps the order of paths, missing paths and standard input', async () => {
    const paths = [join(dir, 'c'), join(dir, 'missing'), '-', join(dir, 'a')];
    const { single, pooled } = await both(paths, { limits: LIMITS, readStdin: async () => pod('from-stdin') });
    expect(pooled).toEqual(single);
    expect(pooled.errors.findIndex((e) => e.source === join(dir, 'missing'))).toBeGreaterThan(0);
    expect(pooled.resources.map((r) => r.name)).toContain('from-stdin');
    expect(pooled.texts.get('-')).toBe(pod('from-stdin'));
  });
});

describe('ParsePool', () => {
  const sinkOf = (file: string): DecodeSink => {
    const sink: DecodeSink = { resources: [], errors: [], notes: [] };
    decodeText(ESTATE[file] as string, join(dir, file), DEFAULT_LIMITS, sink);
    return sink;
  };

  it('answers each file with what decoding it on this thread gives', async () => {
    const rels = ['a/multi.yaml', 'a/broken.yaml', 'b/pods.json'];
    // Two workers with two files in flight each are sent all three at once.
    const pool = new ParsePool(rels.map((f) => join(dir, f)), DEFAULT_LIMITS, 2);
    try {
      const answers = await Promise.all(rels.map((_, i) => pool.take(i)));
      expect(answers).toEqual(rels.map(sinkOf));
      expect(pool.decodedByWorkers).toBe(3);
    } finally {
      await pool.close();
    }
  });

  it('decodes on the calling thread what its workers leave, so that no file is lost', async () => {
    const rels = Array.from({ length: 30 }, (_, i) => (i % 2 ? 'a/list.yaml' : 'c/deeper/more.yml'));
    const pool = new ParsePool(rels.map((f) => join(dir, f)), DEFAULT_LIMITS, 1);
    // Closing stops the worker with files in flight and leaves the queue unsent.
    await pool.close();
    const answers = [];
    for (let i = 0; i < rels.length; i++) answers.push(await pool.take(i));
    expect(answers).toEqual(rels.map(sinkOf));
    expect(pool.decodedByWorkers).toBeLessThanOrEqual(2);
  });

  it('reads ahead on the calling thread without mixing up files or their read errors', async () => {
    const files = [join(dir, 'a/multi.yaml'), join(dir, 'missing.yaml'), join(dir, 'b/pods.json'), join(dir, 'a/broken.yaml'), join(dir, 'c/huge.yaml')];
    // No worker: the calling thread takes every file, from the last one, reading the next while it decodes.
    const limits = { ...DEFAULT_LIMITS, maxFileBytes: 400 };
    const pool = new ParsePool(files, limits, 0);
    try {
      const answers = [];
      for (let i = files.length - 1; i >= 0; i--) answers.unshift(await pool.take(i));
      const expected = await Promise.all(
        files.map(async (file) => {
          const sink: DecodeSink = { resources: [], errors: [], notes: [] };
          await decodeFile(file, limits, sink);
          return sink;
        }),
      );
      expect(answers).toEqual(expected);
      expect(answers[1]?.errors).toEqual([{ source: files[1], message: 'cannot read: no such file or directory' }]);
      expect(answers.some((a) => a.errors.some((e) => /over the 400-byte limit/.test(e.message)))).toBe(true);
      expect(answers.some((a) => a.resources.length > 0)).toBe(true);
      expect(pool.decodedByWorkers).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it('shares the files between its workers and the calling thread', async () => {
    const rels = Array.from({ length: 40 }, () => 'c/deeper/more.yml');
    const pool = new ParsePool(rels.map((f) => join(dir, f)), DEFAULT_LIMITS, 1);
    try {
      const answers = await Promise.all(rels.map((_, i) => pool.take(i)));
      expect(answers).toEqual(rels.map(sinkOf));
      expect(pool.decodedByWorkers).toBeGreaterThan(0);
      expect(pool.decodedByWorkers).toBeLessThan(rels.length);
    } finally {
      await pool.close();
    }
  });
});
