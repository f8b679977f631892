import { readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { withoutBom } from '../../core/bom.js';
import type { InputError, InputNote } from '../../core/errors.js';
import { jsonSyntaxPosition } from '../../core/json-error.js';
import { isObj } from '../../core/resource.js';
import { readBounded } from '../parse-file.js';
import type { DecodeSink } from '../decode.js';
import type { InputLimits } from '../limits.js';
import { parseHcl } from './terraform-hcl.js';
import { moduleScope, type ModuleFile, type TerraformScope, type VariablesFile } from './terraform-scope.js';

/** What reading a module's directory gave: its scope, and the problems met (given once per module). */
export interface ModuleRead {
  scope: TerraformScope;
  errors: InputError[];
  notes: InputNote[];
}

/**
 * The modules of one read of the inputs, by directory: Terraform makes one module of every `.tf` and
 * `.tf.json` file of a directory, so a variable declared in `variables.tf` and set in
 * `terraform.tfvars` is the value `main.tf` uses. Each directory is read once, and its problems are
 * given to the first of its files that asks.
 */
export class TerraformModules {
  private readonly dirs = new Map<string, Promise<ModuleRead | undefined>>();
  private readonly told = new Set<string>();
  /** Problems given already: a `-var-file` read for each module is wrong the same way in each. */
  private readonly given = new Set<string>();

  /**
   * @param scanned the files the scan reads anyway (absolute paths), whose own errors the read of their module leaves out
   * @param variablesFiles `-var-file`s, applied to every module after the ones it loads by itself
   */
  constructor(
    private readonly limits: InputLimits,
    private readonly scanned: ReadonlySet<string> = new Set(),
    private readonly variablesFiles: readonly string[] = [],
  ) {}

  /** The module of a `.tf` file, or undefined when its directory cannot be listed (the file alone is then its module). */
  async of(file: string): Promise<ModuleRead | undefined> {
    const dir = dirname(file);
    let read = this.dirs.get(dir);
    if (!read) this.dirs.set(dir, (read = readModule(dir, this.limits, this.scanned, this.variablesFiles)));
    const module = await read;
    if (!module || this.told.has(dir)) return module && { scope: module.scope, errors: [], notes: [] };
    this.told.add(dir);
    const fresh = <T extends InputNote>(p: T) => {
      const key = `${p.source}\u0000${p.line ?? ''}\u0000${p.message}`;
      if (this.given.has(key)) return false;
      this.given.add(key);
      return true;
    };
    return { scope: module.scope, errors: module.errors.filter(fresh), notes: module.notes.filter(fresh) };
  }
}

/** Terraform's own order: primary files by name, then override files by name. */
function moduleFileOrder(a: string, b: string): number {
  return Number(isOverride(a)) - Number(isOverride(b)) || (a < b ? -1 : a > b ? 1 : 0);
}

function isOverride(name: string): boolean {
  return /(^|_)override\.tf(\.json)?$/.test(name);
}

/** The variables files Terraform loads by itself, in its order. */
function autoVariablesFiles(names: readonly string[]): string[] {
  const fixed = ['terraform.tfvars', 'terraform.tfvars.json'].filter((n) => names.includes(n));
  const auto = names.filter((n) => /\.auto\.tfvars(\.json)?$/.test(n)).sort();
  return [...fixed, ...auto];
}

async function readModule(dir: string, limits: InputLimits, scanned: ReadonlySet<string>, extra: readonly string[]): Promise<ModuleRead | undefined> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.isDirectory()).map((e) => e.name);
  } catch {
    return undefined;
  }
  const errors: InputError[] = [];
  const notes: InputNote[] = [];
  const files: ModuleFile[] = [];
  for (const name of names.filter((n) => /\.tf(\.json)?$/i.test(n)).sort(moduleFileOrder)) {
    const file = join(dir, name);
    const read = await readConfig(file, limits);
    if ('config' in read) files.push({ file, config: read.config, text: read.text });
    // A file the scan reads reports its own problems; another only weakens what the module resolves.
    else if (!scanned.has(resolve(file))) notes.push({ source: file, ...(read.error.line !== undefined ? { line: read.error.line } : {}), message: `not read for its module's variables and locals: ${read.error.message}` });
  }
  const variables: VariablesFile[] = [];
  for (const file of [...autoVariablesFiles(names).map((n) => join(dir, n)), ...extra]) {
    const read = await readConfig(file, limits);
    if ('config' in read) variables.push({ file, values: read.config, text: read.text });
    // A `.tfvars.json` in a directory scanned reports its own problems as JSON.
    else if (!scanned.has(resolve(file))) errors.push(read.error);
  }
  return { scope: moduleScope(files, variables), errors, notes };
}

/** A module or variables file as the JSON form of its body: `.json` files as JSON, others as HCL. */
async function readConfig(file: string, limits: InputLimits): Promise<{ config: Record<string, unknown>; text: string } | { error: InputError }> {
  const sink: DecodeSink = { resources: [], errors: [], notes: [] };
  const text = await readBounded(file, limits.maxFileBytes, sink);
  if (text === undefined) return { error: sink.errors[0] ?? { source: file, message: 'cannot read' } };
  if (!basename(file).endsWith('.json')) {
    const parsed = await parseHcl(text, file, limits);
    return 'error' in parsed ? parsed : { config: parsed.config, text };
  }
  if (text.length > limits.maxDocumentBytes) return { error: { source: file, line: 1, message: `file of ${text.length} bytes refused: over the ${limits.maxDocumentBytes}-byte limit` } };
  try {
    const value: unknown = JSON.parse(withoutBom(text));
    if (!isObj(value)) return { error: { source: file, line: 1, message: 'not a JSON object' } };
    return { config: value, text };
  } catch {
    // V8's message quotes the text around the error, and a variables file may hold secrets.
    const at = jsonSyntaxPosition(text);
    return { error: { source: file, ...(at ? { line: at.line } : {}), message: `invalid JSON${at ? `: ${at.reason}` : ''}` } };
  }
}
