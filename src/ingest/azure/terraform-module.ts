import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { withoutBom } from '../../core/bom.js';
import { describeFsError, type InputError, type InputNote } from '../../core/errors.js';
import { jsonSyntaxPosition } from '../../core/json-error.js';
import { isObj } from '../../core/resource.js';
import { readBounded } from '../parse-file.js';
import type { DecodeSink } from '../decode.js';
import type { InputLimits } from '../limits.js';
import { parseHcl } from './terraform-hcl.js';
import { moduleScope, type ModuleFile, type Syntax, type TerraformScope, type VariablesFile } from './terraform-scope.js';

/** What reading a module's directory gave: its scope, its files as parsed, and the problems met (given once). */
export interface ModuleRead {
  scope: TerraformScope;
  /** The module's files that parsed, by absolute path. */
  files: ReadonlyMap<string, ModuleFile>;
  errors: InputError[];
  notes: InputNote[];
}

export interface ModuleOptions {
  /** The files the scan reads anyway (absolute paths): their own problems are theirs to report. */
  scanned?: ReadonlySet<string>;
  /** `-var-file`s, applied after the files a module loads by itself. */
  variablesFiles?: readonly string[];
  /**
   * The directories (absolute) Terraform would run in, the only ones the `-var-file`s are for: a
   * module called by another gets its variables from the call, never from the command line.
   */
  roots?: ReadonlySet<string>;
}

/**
 * The modules of one read of the inputs, by directory: Terraform makes one module of every `.tf` and
 * `.tf.json` file of a directory, so a variable declared in `variables.tf` and set in
 * `terraform.tfvars` is the value `main.tf` uses. Each directory is read once, and its problems are
 * given to the first of its files that asks.
 */
export class TerraformModules {
  private readonly dirs = new Map<string, Promise<ModuleRead>>();
  private readonly told = new Set<string>();
  /** Problems given already: a `-var-file` read for each module is wrong the same way in each. */
  private readonly given = new Set<string>();

  constructor(
    private readonly limits: InputLimits,
    private readonly options: ModuleOptions = {},
  ) {}

  /** The module of a `.tf` or `.tf.json` file. */
  async of(file: string): Promise<ModuleRead> {
    const dir = resolve(dirname(file));
    let read = this.dirs.get(dir);
    if (!read) this.dirs.set(dir, (read = this.read(dirname(file), dir)));
    const module = await read;
    if (this.told.has(dir)) return { ...module, errors: [], notes: [] };
    this.told.add(dir);
    const fresh = (p: InputNote) => {
      const key = `${p.source}\u0000${p.line ?? ''}\u0000${p.message}`;
      if (this.given.has(key)) return false;
      this.given.add(key);
      return true;
    };
    return { ...module, errors: module.errors.filter(fresh), notes: module.notes.filter(fresh) };
  }

  /** Whether some module read took the `-var-file`s: one in a directory a path names. */
  variablesApplied = false;

  private read(dir: string, absolute: string): Promise<ModuleRead> {
    const { scanned = new Set<string>(), variablesFiles = [], roots = new Set<string>() } = this.options;
    const root = roots.has(absolute);
    if (root && variablesFiles.length) this.variablesApplied = true;
    return readModule(dir, this.limits, scanned, root ? variablesFiles : []);
  }
}

/** Terraform's own order: primary files by name, then override files by name. */
function moduleFileOrder(a: string, b: string): number {
  return Number(isOverride(a)) - Number(isOverride(b)) || (a < b ? -1 : a > b ? 1 : 0);
}

function isOverride(name: string): boolean {
  return /(^|_)override\.tf(\.json)?$/.test(name);
}

/** Names Terraform skips in a module directory: hidden files, editor backups and lock files. */
function ignoredByTerraform(name: string): boolean {
  return name.startsWith('.') || name.endsWith('~') || (name.startsWith('#') && name.endsWith('#'));
}

/** The variables files Terraform loads by itself, in its order. */
function autoVariablesFiles(names: readonly string[]): string[] {
  const fixed = ['terraform.tfvars', 'terraform.tfvars.json'].filter((n) => names.includes(n));
  const auto = names.filter((n) => /\.auto\.tfvars(\.json)?$/.test(n)).sort();
  return [...fixed, ...auto];
}

async function readModule(dir: string, limits: InputLimits, scanned: ReadonlySet<string>, extra: readonly string[]): Promise<ModuleRead> {
  const errors: InputError[] = [];
  const notes: InputNote[] = [];
  const files = new Map<string, ModuleFile>();
  let names: string[] = [];
  try {
    names = await regularFiles(dir);
  } catch (e) {
    notes.push({ source: dir, message: `cannot list the module's directory (${describeFsError(e)}): its other files and variables files are not read` });
  }
  for (const name of names.filter((n) => /\.tf(\.json)?$/.test(n)).sort(moduleFileOrder)) {
    const file = join(dir, name);
    const read = await readConfig(file, limits);
    if ('config' in read) files.set(resolve(file), { file, config: read.config, text: read.text, syntax: read.syntax });
    // A file the scan reads reports its own problems; another only weakens what the module resolves.
    else if (!scanned.has(resolve(file))) notes.push({ source: file, ...(read.error.line !== undefined ? { line: read.error.line } : {}), message: `not read for its module's variables and locals: ${read.error.message}` });
  }
  const variables: VariablesFile[] = [];
  for (const file of [...autoVariablesFiles(names).map((n) => join(dir, n)), ...extra]) {
    const read = await readConfig(file, limits);
    if ('config' in read) variables.push({ file, values: read.config, text: read.text, syntax: read.syntax });
    // A `.tfvars.json` in a directory scanned reports its own problems as JSON.
    else if (!scanned.has(resolve(file))) errors.push(read.error);
  }
  return { scope: moduleScope([...files.values()], variables), files, errors, notes };
}

/**
 * The names of the regular files of a directory (links followed), without those Terraform ignores:
 * a pipe or a device named `terraform.tfvars` would block the read or never end.
 */
async function regularFiles(dir: string): Promise<string[]> {
  const names: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (ignoredByTerraform(e.name) || !/\.(tf|tf\.json|tfvars|tfvars\.json)$/.test(e.name)) continue;
    if (e.isFile() || (e.isSymbolicLink() && (await stat(join(dir, e.name)).then((s) => s.isFile(), () => false)))) names.push(e.name);
  }
  return names;
}

/** A module or variables file as the JSON form of its body: `.json` files as JSON, others as HCL. */
async function readConfig(file: string, limits: InputLimits): Promise<{ config: Record<string, unknown>; text: string; syntax: Syntax } | { error: InputError }> {
  const sink: DecodeSink = { resources: [], errors: [], notes: [] };
  const text = await readBounded(file, limits.maxFileBytes, sink);
  if (text === undefined) return { error: sink.errors[0] ?? { source: file, message: 'cannot read' } };
  if (!basename(file).endsWith('.json')) {
    const parsed = await parseHcl(text, file, limits);
    return 'error' in parsed ? parsed : { config: parsed.config, text, syntax: 'hcl' };
  }
  if (text.length > limits.maxDocumentBytes) return { error: { source: file, line: 1, message: `file of ${text.length} bytes refused: over the ${limits.maxDocumentBytes}-byte limit` } };
  try {
    const value: unknown = JSON.parse(withoutBom(text));
    if (!isObj(value)) return { error: { source: file, line: 1, message: 'not a JSON object' } };
    return { config: value, text, syntax: 'json' };
  } catch {
    // V8's message quotes the text around the error, and a variables file may hold secrets.
    const at = jsonSyntaxPosition(text);
    return { error: { source: file, ...(at ? { line: at.line } : {}), message: `invalid JSON${at ? `: ${at.reason}` : ''}` } };
  }
}
