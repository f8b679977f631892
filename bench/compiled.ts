import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * The processes a user runs are compiled JavaScript (`npm run build`, `bin.palisade` → dist/cli/main.js),
 * not TypeScript through tsx: tsx adds a module-loader thread and wraps every named inner function in a
 * naming helper, which costs memory and time a user never pays. Benchmarks that measure a command's
 * process measure this build of it.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Compiles src/ with tsconfig.build.json into `outDir`; returns the CLI's entry point there. */
export function compileCli(outDir: string, log: (line: string) => void): string {
  rmSync(outDir, { recursive: true, force: true });
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', outDir, '--sourceMap', 'false'], { cwd: ROOT, encoding: 'utf8' });
  const main = join(outDir, 'cli', 'main.js');
  // tsc emits despite type errors elsewhere in the tree; a missing entry point is the failure that counts.
  if (!existsSync(main)) throw new Error(`could not compile the CLI:\n${r.stdout}${r.stderr}`);
  if (r.status !== 0) log('tsc reported type errors; measuring what it emitted');
  return main;
}

/**
 * A self-contained bench script (node: imports only) as plain JavaScript in `outDir`, its types
 * removed; returns its path. For the processes a benchmark compares with the compiled CLI.
 */
export function compileScript(file: string, outDir: string): string {
  const out = ts.transpileModule(readFileSync(file, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: file,
  });
  mkdirSync(outDir, { recursive: true });
  const target = join(outDir, basename(file).replace(/\.ts$/, '.mjs'));
  writeFileSync(target, out.outputText);
  return target;
}
