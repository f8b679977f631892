import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Report } from '../core/report.js';
import { repositoryFile, type SourceRoot } from './sarif.js';

/**
 * The git repository that holds `dir`: the nearest of it and its ancestors with a `.git` entry (a
 * directory in a clone, a file in a worktree or submodule), or undefined outside any repository.
 */
export function repositoryRootOf(dir: string, cache: Map<string, string | undefined> = new Map()): string | undefined {
  const seen: string[] = [];
  let root: string | undefined;
  for (let at = resolve(dir); ; at = dirname(at)) {
    if (cache.has(at)) {
      root = cache.get(at);
      break;
    }
    seen.push(at);
    if (existsSync(resolve(at, '.git'))) {
      root = at;
      break;
    }
    if (dirname(at) === at) break;
  }
  for (const d of seen) cache.set(d, root);
  return root;
}

/**
 * What `%SRCROOT%` stands for in the SARIF log of `report`: the git repository that holds most of the
 * report's files (code scanning reads a URI as relative to the repository root), else, when none is
 * in a repository, the working directory. Files are read relative to `cwd`, as Palisade was given them.
 */
export function sarifSourceRoot(report: Report, cwd: string = process.cwd()): SourceRoot {
  const cache = new Map<string, string | undefined>();
  const votes = new Map<string, number>();
  for (const f of report.findings) {
    const file = repositoryFile(f);
    if (file === undefined) continue;
    const root = repositoryRootOf(dirname(resolve(cwd, file)), cache);
    if (root !== undefined) votes.set(root, (votes.get(root) ?? 0) + 1);
  }
  let best: string | undefined;
  for (const [root, n] of votes) if (best === undefined || n > votes.get(best)!) best = root;
  return { root: best ?? resolve(cwd), cwd: resolve(cwd) };
}
