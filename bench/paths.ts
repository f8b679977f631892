import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Inventory } from '../src/core/inventory.js';
import { findAttackPaths } from '../src/cli/paths.js';
import { ingestPaths } from '../src/ingest/files.js';
import { generateEstate } from './generate.js';

/**
 * The `palisade paths` budget: the attack paths of the seeded 50k-resource estate (the scan bench's)
 * in < 5 s once it is read — the rules the paths read, the graph and one bounded search per crown
 * jewel. Reading the files is the scan bench's business and is printed beside it, not counted.
 * Prints figures; never fails the run.
 */

const TARGET_MS = 5000;

export interface PathsBenchOptions {
  seed?: number;
  resources?: number;
  files?: number;
  root?: string;
  runs?: number;
}

export async function runPathsBench(opts: PathsBenchOptions = {}): Promise<{ readMs: number; pathsMs: number; cpuMs: number; paths: number; pass: boolean }> {
  const estate = generateEstate({ seed: opts.seed ?? 42, resources: opts.resources ?? 50_000, files: opts.files ?? 250, root: opts.root ?? join(process.cwd(), '.bench-tmp') });
  const t0 = performance.now();
  const ingest = await ingestPaths([estate.dir]);
  const readMs = performance.now() - t0;
  const times: number[] = [];
  const cpu: number[] = [];
  let paths = 0;
  let nodes = 0;
  let edges = 0;
  for (let run = 0; run < (opts.runs ?? 3); run++) {
    // A fresh inventory each run: the analyses it caches (reachability, permissions) are part of the cost.
    const inventory = new Inventory(ingest.resources);
    const t = performance.now();
    const c = process.cpuUsage();
    const analysis = findAttackPaths(inventory);
    times.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
    paths = analysis.paths.length;
    nodes = analysis.graph.nodes.length;
    edges = analysis.graph.edges.length;
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const pathsMs = median(times);
  const cpuMs = median(cpu);
  const pass = pathsMs < TARGET_MS;
  console.log(`\npaths: ${ingest.resources.length} resources (read in ${Math.round(readMs)} ms, not counted)`);
  console.log(`  graph ${nodes} nodes, ${edges} edges; ${paths} paths`);
  console.log(`  attack paths: ${Math.round(pathsMs)} ms median of ${times.length} (budget < ${TARGET_MS} ms, ${(pathsMs / TARGET_MS).toFixed(2)}× of it) ${pass ? 'PASS' : 'FAIL'}`);
  // On a shared machine the wall time drifts with the load; the CPU time and the ratio to reading much less.
  console.log(`  cpu time ${Math.round(cpuMs)} ms; ${(pathsMs / readMs).toFixed(2)}× the time reading the files took`);
  return { readMs, pathsMs, cpuMs, paths, pass };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await runPathsBench();
