import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { withoutBom } from '../../core/bom.js';
import { describeFsError, type InputError, type InputNote } from '../../core/errors.js';
import { jsonSyntaxPosition } from '../../core/json-error.js';
import { isObj, setOwn } from '../../core/resource.js';
import { readBounded } from '../parse-file.js';
import type { DecodeSink } from '../decode.js';
import type { InputLimits } from '../limits.js';
import { parseHcl } from './terraform-hcl.js';
import { calledScope, moduleScope, type ModuleFile, type Syntax, type TerraformScope, type VariablesFile } from './terraform-scope.js';
import { evaluateIn } from './terraform-config.js';
import { escapeRegExp } from './kinds.js';
import { lineAt } from '../../core/lines.js';

/** One instance of a module: its address (`module.aks`, empty for a root module) and the scope its expressions see. */
export interface ModuleInstance {
  address: string;
  scope: TerraformScope;
}

/** What a file's module gives it: the module's instances, its files as parsed, and the problems met (given once). */
export interface ModuleRead {
  /** Usually one; none when every call of the module has `count = 0`; one per call (and per instance of the caller) when called. */
  instances: ModuleInstance[];
  /** The module's files that parsed, by absolute path. */
  files: ReadonlyMap<string, ModuleFile>;
  errors: InputError[];
  notes: InputNote[];
}

export interface ModuleOptions {
  /** The files the scan reads, as given: their own problems are theirs to report, and their directories are its modules. */
  scanned?: readonly string[];
  /** `-var-file`s, applied to the root modules after the files those load by themselves. */
  variablesFiles?: readonly string[];
}

/** A `module` block calling a module in a local directory. */
interface ModuleCall {
  name: string;
  /** The `source` as written. */
  source: string;
  /** The calling module's directory, absolute. */
  parent: string;
  args: Record<string, unknown>;
  count: unknown;
  file: string;
  line: number | undefined;
}

/** One directory as read: its files, what it declares, what it calls. */
interface DirRead {
  files: Map<string, ModuleFile>;
  /** The scope without variables files: what a called instance starts from. */
  base: TerraformScope;
  /** The variables files Terraform loads in this directory when it runs there. */
  variables: VariablesFile[];
  calls: ModuleCall[];
  errors: InputError[];
  notes: InputNote[];
}

/** Arguments of a `module` block that are Terraform's, not the called module's variables. */
const MODULE_META = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on']);

/** Module calls nested deeper than this are read as roots: Terraform configurations are not that deep. */
const MAX_CALL_DEPTH = 8;

/**
 * The modules of one read of the inputs, by directory: Terraform makes one module of every `.tf` and
 * `.tf.json` file of a directory, so a variable declared in `variables.tf` and set in
 * `terraform.tfvars` is the value `main.tf` uses. A directory that another module read calls through
 * a local `source` is no root: each call is an instance (`module.aks`), whose variables are the call's
 * arguments, and it reads no variables files. Each directory is read once, and its problems are given
 * to the first of its files that asks.
 */
export class TerraformModules {
  private readonly dirs = new Map<string, Promise<DirRead>>();
  private readonly told = new Set<string>();
  /** Problems given already: a `-var-file` read for each module is wrong the same way in each. */
  private readonly given = new Set<string>();
  private callers?: Promise<Map<string, ModuleCall[]>>;
  private extra?: Promise<{ variables: VariablesFile[]; errors: InputError[] }>;
  /** The files read, absolute. */
  private readonly scanned: ReadonlySet<string>;
  /** The directories of the Terraform files read: absolute → as given (how reports name them). */
  private readonly modules = new Map<string, string>();

  constructor(
    private readonly limits: InputLimits,
    private readonly options: ModuleOptions = {},
  ) {
    const files = options.scanned ?? [];
    this.scanned = new Set(files.map((f) => resolve(f)));
    for (const f of files) if (/\.tf(\.json)?$/i.test(f) && !this.modules.has(resolve(dirname(f)))) this.modules.set(resolve(dirname(f)), dirname(f));
  }

  /** The module of a `.tf` or `.tf.json` file. */
  async of(file: string): Promise<ModuleRead> {
    const dir = resolve(dirname(file));
    if (!this.modules.has(dir)) this.modules.set(dir, dirname(file));
    const callers = await this.callGraph();
    const read = await this.readDir(dir);
    const instances = await this.instances(dir, callers, []);
    const extra = await this.extraVariables();
    if (this.told.has(dir)) return { instances, files: read.files, errors: [], notes: [] };
    this.told.add(dir);
    const fresh = (p: InputNote) => {
      const key = `${p.source}\u0000${p.line ?? ''}\u0000${p.message}`;
      if (this.given.has(key)) return false;
      this.given.add(key);
      return true;
    };
    return { instances, files: read.files, errors: [...read.errors, ...extra.errors].filter(fresh), notes: read.notes.filter(fresh) };
  }

  /** A directory by its absolute path, read (once) under the name it was given. */
  private readDir(dir: string): Promise<DirRead> {
    let read = this.dirs.get(dir);
    if (!read) this.dirs.set(dir, (read = readModule(this.modules.get(dir) ?? dir, this.limits, this.scanned)));
    return read;
  }

  private extraVariables(): Promise<{ variables: VariablesFile[]; errors: InputError[] }> {
    this.extra ??= (async () => {
      const variables: VariablesFile[] = [];
      const errors: InputError[] = [];
      for (const file of this.options.variablesFiles ?? []) {
        const read = await readConfig(file, this.limits);
        if ('config' in read) variables.push({ file, values: read.config, text: read.text, syntax: read.syntax });
        else errors.push(read.error);
      }
      return { variables, errors };
    })();
    return this.extra;
  }

  /** The calls of each directory read by the scan, by the directory called; calls of directories not read are noted. */
  private callGraph(): Promise<Map<string, ModuleCall[]>> {
    this.callers ??= (async () => {
      const callers = new Map<string, ModuleCall[]>();
      for (const dir of [...this.modules.keys()]) {
        const read = await this.readDir(dir);
        for (const call of read.calls) {
          const child = resolve(dir, call.source);
          if (child === dir) continue;
          if (this.modules.has(child)) callers.set(child, [...(callers.get(child) ?? []), call]);
          else read.notes.push({ source: call.file, ...(call.line !== undefined ? { line: call.line } : {}), message: `module.${call.name} calls ${call.source}, which is not among the paths read: its resources are not checked` });
        }
      }
      return callers;
    })();
    return this.callers;
  }

  /** The instances of the module in `dir`: one root, or one per call of each instance of its callers. */
  private async instances(dir: string, callers: ReadonlyMap<string, ModuleCall[]>, stack: readonly string[]): Promise<ModuleInstance[]> {
    const read = await this.readDir(dir);
    const calls = (callers.get(dir) ?? []).filter((c) => !stack.includes(c.parent));
    // Not called (or only in a cycle Terraform would refuse, or too deep to be real): a root module.
    if (calls.length === 0 || stack.length >= MAX_CALL_DEPTH) {
      const extra = await this.extraVariables();
      return [{ address: '', scope: moduleScope([...read.files.values()], [...read.variables, ...extra.variables]) }];
    }
    const out: ModuleInstance[] = [];
    for (const call of calls) {
      for (const parent of await this.instances(call.parent, callers, [...stack, dir])) {
        const count = call.count === undefined ? undefined : evaluateIn(parent.scope, call.count)?.value;
        if (count === 0 || count === '0') continue;
        const address = `${parent.address ? `${parent.address}.` : ''}module.${call.name}`;
        const caller = `${address} in ${call.file}${call.line !== undefined ? `:${call.line}` : ''}`;
        out.push({ address, scope: calledScope(read.base, call.args, caller, (v) => evaluateIn(parent.scope, v), parent.scope) });
      }
    }
    return out;
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

async function readModule(dir: string, limits: InputLimits, scanned: ReadonlySet<string>): Promise<DirRead> {
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
  for (const file of autoVariablesFiles(names).map((n) => join(dir, n))) {
    const read = await readConfig(file, limits);
    if ('config' in read) variables.push({ file, values: read.config, text: read.text, syntax: read.syntax });
    // A `.tfvars.json` in a directory scanned reports its own problems as JSON.
    else if (!scanned.has(resolve(file))) errors.push(read.error);
  }
  const calls = [...files.values()].flatMap((f) => localCalls(f, dir));
  return { files, base: moduleScope([...files.values()], []), variables, calls, errors, notes };
}

/** The `module` blocks of a file whose `source` is a local directory (`./x`, `../x`), as Terraform requires it written. */
function localCalls(f: ModuleFile, dir: string): ModuleCall[] {
  const modules = isObj(f.config.module) ? f.config.module : {};
  const calls: ModuleCall[] = [];
  for (const [name, bodies] of Object.entries(modules)) {
    for (const body of (Array.isArray(bodies) ? bodies : [bodies]).filter(isObj)) {
      if (typeof body.source !== 'string' || !/^\.\.?[\\/]/.test(body.source)) continue;
      const args: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(body)) if (!MODULE_META.has(k)) setOwn(args, k, v);
      calls.push({ name, source: body.source, parent: resolve(dir), args, count: body.count, file: f.file, line: callLine(f.text, name) });
    }
  }
  return calls;
}

function callLine(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const m = new RegExp(`^[ \\t]*module\\s+"?${escapeRegExp(name)}"?\\s*\\{`, 'm').exec(text);
  return m ? lineAt(text, m.index + (m[0].length - m[0].trimStart().length)) : undefined;
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
