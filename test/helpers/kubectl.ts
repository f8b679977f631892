import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';
import { tempTree } from './cli.js';

/**
 * kubectl's own reading of a YAML stream, offline (`label --local` asks no server), or undefined when
 * kubectl is not installed. Each object comes back with a label kubectl added, which shows it decoded
 * the object rather than passing the text through. `T` is the caller's view of the objects.
 */
export function kubectlParse<T>(yaml: string): T[] | undefined {
  const probe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return undefined;
  // An empty kubeconfig keeps the user's clusters out of it.
  const env = { ...process.env, KUBECONFIG: `${tempTree({ config: '' })}/config` };
  const out = spawnSync('kubectl', ['label', '--local', '-f', '-', 'palisade.io/parsed=true', '-o', 'json'], { input: yaml, encoding: 'utf8', env });
  expect(out.stderr).toBe('');
  expect(out.status).toBe(0);
  // One indented JSON object per document, one after the other: each starts with a { at the start of a line.
  const docs = out.stdout
    .trim()
    .split(/\n(?=\{)/)
    .map((text) => JSON.parse(text) as { metadata?: { labels?: Record<string, string> } });
  for (const d of docs) expect(d.metadata?.labels?.['palisade.io/parsed']).toBe('true');
  return docs as T[];
}
