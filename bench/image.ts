/**
 * The image budget of DESIGN.md: `image scan` of a real Debian image against reading its layers with
 * `tar` in the same run. The image is the minbase root filesystem debootstrap makes, packed by umoci
 * (built once per machine, see test/helpers/debian-image.ts). The scan is the whole command a user runs
 * on an OCI layout: open, walk every layer once, list packages, match them against a database, without
 * the package cache; compiled, as `palisade` runs (compiled.ts), or through tsx with `--sources`. The baseline decompresses and reads every layer with GNU tar (`tar -xzOf`).
 * Both run in fresh processes, alternating, and the medians are compared.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { debianImage, debianImageUnavailable } from '../test/helpers/debian-image.js';
import { compileCli } from './compiled.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface ImageBenchResult {
  image: string;
  layers: number;
  compressedMiB: number;
  tarSeconds: number;
  scanSeconds: number;
  ratio: number;
  packages: number;
  scanMaxRssMiB: number;
}

function layerBlobs(layout: string, tag: string): string[] {
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string; annotations?: Record<string, string> }> };
  const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag) ?? index.manifests[0];
  if (entry === undefined) throw new Error(`${layout}: empty index`);
  const blob = (digest: string) => join(layout, 'blobs', ...digest.split(':'));
  const manifest = JSON.parse(readFileSync(blob(entry.digest), 'utf8')) as { layers: Array<{ digest: string }> };
  return manifest.layers.map((l) => blob(l.digest));
}

function timeTar(layers: readonly string[]): number {
  const started = process.hrtime.bigint();
  for (const layer of layers) {
    const r = spawnSync('tar', ['-xzOf', layer], { stdio: ['ignore', 'ignore', 'ignore'] });
    if (r.status !== 0) throw new Error(`tar -xzOf ${layer} exited ${r.status}`);
  }
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/**
 * One `image scan` in a fresh process, timed around the command itself (imports excluded): the compiled
 * build in `built` (as the CLI runs, see compiled.ts), or the TypeScript sources through tsx.
 */
function timeScan(ref: string, db: string, built: string | undefined): { seconds: number; maxRssMiB: number; packages: number } {
  const module = (path: string) => JSON.stringify(built ? pathToFileURL(join(built, `${path}.js`)).href : join(ROOT, 'src', `${path}.ts`));
  const script = `
    import { scanImage } from ${module('cli/image-pipeline')};
    import { openVulnDb } from ${module('vulndb/index')};
    const db = openVulnDb(${JSON.stringify(db)});
    const started = process.hrtime.bigint();
    const out = await scanImage(${JSON.stringify(ref)}, db, {});
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    db.close();
    console.log(JSON.stringify({ seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024, packages: out.packages.length }));
  `;
  const loader = built ? [] : ['--import', 'tsx'];
  const r = spawnSync(process.execPath, [...loader, '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`image scan child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { seconds: number; maxRssMiB: number; packages: number };
}

/** A small database so matching runs for real (its cost is part of a scan). */
function benchDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-bench-osv-'));
  for (const [i, name] of ['glibc', 'bash', 'coreutils', 'zlib', 'tar', 'dpkg', 'apt', 'systemd'].entries())
    writeFileSync(
      join(dir, `r${i}.json`),
      JSON.stringify({ id: `DEBIAN-CVE-2099-${i}`, modified: '2026-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'Debian:12', name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '99:0' }] }] }] }),
    );
  const db = join(dir, 'osv.sqlite');
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'db', 'import', dir, '--db', db], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`db import failed: ${r.stderr}`);
  return db;
}

export async function runImageBench(opts: { runs: number; sources?: boolean; log: (line: string) => void }): Promise<ImageBenchResult | undefined> {
  const why = debianImageUnavailable();
  if (why !== undefined) {
    console.log(`image: skipped (${why})`);
    return undefined;
  }
  opts.log('image: building (or reusing) the Debian minbase image ...');
  const image = await debianImage();
  const layers = layerBlobs(image.layout, image.tag);
  const ref = `${image.layout}:${image.tag}`;
  const db = benchDb();
  let built: string | undefined;
  if (!opts.sources) {
    built = join(ROOT, '.bench-tmp', 'dist-image');
    compileCli(built, (line) => opts.log(`image: ${line}`));
  }
  const tar: number[] = [];
  const scans: Array<{ seconds: number; maxRssMiB: number; packages: number }> = [];
  // Warm the page cache for both, then alternate.
  timeTar(layers);
  for (let i = 0; i < opts.runs; i++) {
    tar.push(timeTar(layers));
    scans.push(timeScan(ref, db, built));
    opts.log(`image: run ${i + 1}/${opts.runs}: tar ${tar[i]?.toFixed(2)} s, scan ${scans[i]?.seconds.toFixed(2)} s`);
  }
  const tarSeconds = median(tar);
  const scanSeconds = median(scans.map((s) => s.seconds));
  return {
    image: `debian ${image.tag} minbase (debootstrap, umoci)`,
    layers: layers.length,
    compressedMiB: Math.round((layers.reduce((n, l) => n + statSync(l).size, 0) / 2 ** 20) * 10) / 10,
    tarSeconds: round(tarSeconds),
    scanSeconds: round(scanSeconds),
    ratio: round(scanSeconds / tarSeconds),
    packages: scans[0]?.packages ?? 0,
    scanMaxRssMiB: Math.round(Math.max(...scans.map((s) => s.maxRssMiB))),
  };
}

export function formatImageBench(r: ImageBenchResult): string {
  const verdict = r.ratio <= 1.5 ? 'PASS' : 'FAIL';
  return [
    `image scan: ${r.image}, ${r.layers} layer(s), ${r.compressedMiB} MiB compressed, ${r.packages} packages`,
    `  tar -xzOf (baseline) ${r.tarSeconds.toFixed(2)} s   image scan ${r.scanSeconds.toFixed(2)} s   ratio ${r.ratio.toFixed(2)}× (target ≤ 1.5×) ${verdict}   peak RSS ${r.scanMaxRssMiB} MiB`,
  ].join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
