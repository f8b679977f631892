import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { withoutBom } from '../../core/bom.js';
import { describeFsError, problemKey, type InputError, type InputNote } from '../../core/errors.js';
import { jsonSyntaxPosition } from '../../core/json-error.js';
import { isObj, setOwn, type Obj } from '../../core/resource.js';
import { lineAt } from '../../core/lines.js';
import { readBounded } from '../parse-file.js';
import type { DecodeSink } from '../decode.js';
import type { InputLimits } from '../limits.js';
import { parseHcl } from './terraform-hcl.js';
import { calledScope, isSensitive, moduleScope, type ModuleFile, type Syntax, type TerraformScope, type VariablesFile } from './terraform-scope.js';
import { convertsFromString, parseType, typeText } from './terraform-types.js';
import { evaluateIn, MAX_REPEATED_RESOURCES, repetitionsIn, type Repetition, type RepetitionBudget } from './terraform-config.js';
import { AZAPI_RESOURCE, azapiKind, escapeRegExp, TERRAFORM_TYPES } from './kinds.js';

/**
 * One instance of a module: a root module (the directory Terraform runs in), or a module one calls
 * (`module "aks" { source = "../modules/aks" }`), once per call.
 */
export interface ModuleInstance {
  /** `module.aks`, `module.platform.module.aks`; empty for a root module. */
  address: string;
  /** The names of the calls that lead to it from its root (`platform`, `aks`), as Terraform keys installed modules. */
  path: readonly string[];
  /** The root module's directory, as the ingest names it: two roots calling one module are two instances. */
  root: string;
  /** The root's real directory from the module's (`../../envs/prod`; empty for a root): names the instance wherever the scan runs from. */
  instance: string;
  /** The root's real directory. */
  rootReal: string;
  scope: TerraformScope;
  /** What `count` and `for_each` may still add to the root module and the modules it calls, shared by all of them. */
  repetitions: RepetitionBudget;
}

/** What a file's module gives it: the module's instances, its files as parsed, and the problems met (given once). */
export interface ModuleRead {
  /** One for a root module; one per call (and per instance of each caller) for a called one; none when no call creates it (`count = 0`). */
  instances: ModuleInstance[];
  /** The module's files that parsed, by file name. */
  files: ReadonlyMap<string, ModuleFile>;
  errors: InputError[];
  notes: InputNote[];
}

export interface ModuleOptions {
  /** The files the scan reads (as given): their own problems are theirs to report, and their directories are its modules. */
  scanned?: readonly string[];
  /** `-var-file`s, applied after the files a root module loads by itself. */
  variablesFiles?: readonly string[];
  /** The directories (absolute) Terraform would run in, the only ones the `-var-file`s are for. */
  roots?: ReadonlySet<string>;
  /** Terraform's data directory in a root module (`TF_DATA_DIR`), where `terraform init` installs modules; `.terraform` by default. */
  dataDir?: string;
  /** `-var NAME=VALUE`s, for the same root modules as the `-var-file`s, each after the ones written before it. */
  assignments?: readonly TerraformAssignment[];
  /** The environment Terraform would run in: its `TF_VAR_NAME` variables set the root modules' variables, before any file. */
  environment?: Readonly<Record<string, string | undefined>>;
}

/** A `-var NAME=VALUE`, and how many `-var-file`s were written before it: Terraform applies both in command-line order. */
export interface TerraformAssignment {
  name: string;
  value: string;
  afterFiles: number;
}

/** A `module` block. */
interface ModuleCall {
  name: string;
  /** The `source` as written. */
  source: string;
  /** Whether the source is not a local directory (`./x`, `../x`): a registry, Git or archive address `terraform init` installs. */
  remote: boolean;
  /** The called directory of a local source, by real path; undefined when it cannot be read. */
  target?: string;
  /** The `version` constraint of a registry source, as written. */
  version?: string;
  args: Obj;
  count: unknown;
  forEach: unknown;
  /** `module.aks in envs/prod/main.tf:3`. */
  where: string;
  file: string;
  line: number | undefined;
}

/** One module directory as read, once per ingest. */
interface ModuleDir {
  /** The directory as the ingest names it: as given, or joined from its caller's `source`. */
  name: string;
  /** Its real path (links resolved): what tells directories apart. */
  real: string;
  /** What its files' names start with: `infra/`, `./`, or nothing for a file given without a directory. */
  prefix: string;
  /** Whether some file the scan reads is in it; the files of other directories are read for their callers. */
  scanned: boolean;
  /** Its `.tf` and `.tf.json` file names, in Terraform's order, parsed or not. */
  names: string[];
  /** The variables files Terraform loads in it by itself, in its order: read when it is a root. */
  variablesNames: string[];
  files: Map<string, ModuleFile>;
  /** Its scope without variables files: what an instance called by another starts from. */
  base: TerraformScope;
  calls: ModuleCall[];
  instances: ModuleInstance[];
  /** How many AKS resources (clusters, node pools, diagnostic settings) its files declare: what an instance costs. */
  resources: number;
  errors: InputError[];
  notes: InputNote[];
  /** The notes given already, by source, line and message. */
  noted: Set<string>;
  /** Why its directory could not be listed, when it could not. */
  unlisted?: string;
}

/** Arguments of a `module` block that are Terraform's, not the called module's variables. */
const MODULE_META = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on']);

/** Module directories read beyond the ones scanned; past it, calls are noted and not followed. */
const MAX_MODULE_DIRS = 500;
/**
 * Module instances of one root module, and the AKS resources they may hold. Each call of a module is
 * an instance, and calls nest: a module called ten times by a module called ten times is a hundred,
 * each decoded in full. Real configurations have tens; a few kilobytes of nested calls could
 * otherwise make millions. Each root has its own budget, so one runaway root leaves the others whole.
 */
const MAX_ROOT_INSTANCES = 1000;
const MAX_ROOT_RESOURCES = 1000;
/** The AKS resources all module instances of one ingest may hold: linking pools to clusters compares each pair. */
const MAX_TOTAL_RESOURCES = 10_000;

interface Budget {
  instances: number;
  resources: number;
  capped: boolean;
}

function capReason(budget: Budget, total: number, need: number): string {
  if (budget.instances <= 0) return `over ${MAX_ROOT_INSTANCES} module instances`;
  if (total < need) return `the module instances of the paths read would hold over ${MAX_TOTAL_RESOURCES} AKS resources`;
  return `its module instances would hold over ${MAX_ROOT_RESOURCES} AKS resources`;
}

/** Notes a problem once per directory: a call met once per instance of its module says the same each time. */
function note(dir: ModuleDir, n: InputNote): void {
  const key = problemKey(n);
  if (dir.noted.has(key)) return;
  dir.noted.add(key);
  dir.notes.push(n);
}

/** Module calls nested deeper than this are not followed: real configurations are a few levels deep. */
const MAX_CALL_DEPTH = 16;

/**
 * The modules of one read of the inputs. Terraform makes one module of every `.tf` and `.tf.json`
 * file of a directory, so a variable declared in `variables.tf` and set in `terraform.tfvars` is the
 * value `main.tf` uses. A directory some module read calls through a local `source` (`./x`, `../x`)
 * is no root: each call is an instance (`module.aks`), whose variables are the call's arguments
 * evaluated in the caller, and it reads no variables files. Called directories are read even outside
 * the paths given, as Terraform reads them, and an instance belongs to its root module: two
 * environments calling one module are two clusters. A remote source (a registry, Git) is the
 * directory `terraform init` installed it in for the root module, as its modules manifest says.
 * Directories are told apart by real path (a symbolic link to a module is that module); each is read
 * once, and its problems are given to the first of its files that asks.
 */
export class TerraformModules {
  private prepared?: Promise<Map<string, ModuleDir>>;
  /** Directory as asked for → real path. */
  private readonly keys = new Map<string, Promise<string>>();
  private readonly told = new Set<string>();
  /** Problems given already: a `-var-file` read for each root is wrong the same way in each. */
  private readonly given = new Set<string>();
  /** Whether some root module took the `-var-file`s: one in a directory a path names. */
  variablesApplied = false;
  /** Whether some root module took the `-var`s. */
  assignmentsApplied = false;
  /** The files scanned, absolute. */
  private readonly scannedFiles: ReadonlySet<string>;

  constructor(
    private readonly limits: InputLimits,
    private readonly options: ModuleOptions = {},
  ) {
    this.scannedFiles = new Set((options.scanned ?? []).map((f) => resolve(f)));
  }

  /** The module of a `.tf` or `.tf.json` file. */
  async of(file: string): Promise<ModuleRead> {
    const dirs = await this.prepare();
    const key = await this.key(dirname(file));
    const dir = dirs.get(key) ?? (await this.readAlone(dirs, key, dirname(file)));
    const read = { instances: dir.instances, files: dir.files };
    if (this.told.has(key)) return { ...read, errors: [], notes: [] };
    this.told.add(key);
    return { ...read, errors: dir.errors.filter(this.fresh), notes: dir.notes.filter(this.fresh) };
  }

  /**
   * The `.tf` and `.tf.json` files of the modules some call creates that the scan does not read
   * itself: the ingest reads them after the others, as Terraform reads a module whole (a path naming
   * one file of a called module, as a hook passing the files changed does, does not leave out the rest).
   */
  async calledOnly(): Promise<string[]> {
    const dirs = await this.prepare();
    const called = [...dirs.values()].filter((d) => d.instances.some((i) => i.address !== ''));
    return called.flatMap((d) => d.names.map((n) => d.prefix + n)).filter((f) => !this.scannedFiles.has(resolve(f)));
  }

  private readonly fresh = (p: InputNote): boolean => {
    const key = problemKey(p);
    if (this.given.has(key)) return false;
    this.given.add(key);
    return true;
  };

  private key(dir: string): Promise<string> {
    const abs = resolve(dir);
    let key = this.keys.get(abs);
    if (!key) this.keys.set(abs, (key = realpath(abs).catch(() => abs)));
    return key;
  }

  /** A directory of a file that was not among the files scanned (not one the ingest gives): a root of its own. */
  private async readAlone(dirs: Map<string, ModuleDir>, key: string, name: string): Promise<ModuleDir> {
    const dir = await readModule(name, within(name), this.limits, this.scannedFiles, true);
    dir.real = key;
    dirs.set(key, dir);
    dir.instances = [await this.rootInstance(dir, key)];
    return dir;
  }

  /** Reads the directories scanned, follows their calls, and makes every instance, once. */
  private prepare(): Promise<Map<string, ModuleDir>> {
    this.prepared ??= (async () => {
      const dirs = new Map<string, ModuleDir>();
      for (const file of this.options.scanned ?? []) {
        if (!/\.tf(\.json)?$/i.test(file)) continue;
        const key = await this.key(dirname(file));
        // Its files are named as the file given is (`./main.tf` → `./variables.tf`).
        if (!dirs.has(key)) {
          const read = await readModule(dirname(file), file.slice(0, file.length - basename(file).length), this.limits, this.scannedFiles, true);
          read.real = key;
          dirs.set(key, read);
        }
      }
      await this.follow(dirs, [...dirs.values()]);
      await this.instantiate(dirs);
      return dirs;
    })();
    return this.prepared;
  }

  /** Module directories read beyond the ones scanned, local or installed. */
  private followed = 0;

  /** Reads the directories the local calls of `queue` name, and theirs, by real path. */
  private async follow(dirs: Map<string, ModuleDir>, queue: ModuleDir[]): Promise<void> {
    for (let dir = queue.shift(); dir; dir = queue.shift()) {
      for (const call of dir.calls) {
        if (call.remote) continue;
        // Relative to the caller's real directory, as the system resolves it for Terraform (through links).
        const key = await realpath(resolve(dir.real, call.source)).catch(() => undefined);
        // Named as written from the caller when that names the same directory, else by its real path.
        const written = join(dir.name, call.source);
        const name = key !== undefined && (await realpath(resolve(written)).catch(() => undefined)) === key ? written : (key ?? written);
        const isDir = key !== undefined && (await stat(key).then((s) => s.isDirectory(), () => false));
        if (!key || !isDir) {
          note(dir, { source: call.file, ...lineOf(call), message: `module.${call.name} calls ${call.source}, which is not a directory that can be read: its resources are not checked` });
          continue;
        }
        if (!dirs.has(key)) {
          const read = await this.readCalled(dirs, dir, call, name, key, call.source);
          if (!read) continue;
          queue.push(read);
        }
        call.target = key;
      }
    }
  }

  /** A directory a call names, read once for every caller; undefined past the cap on directories. */
  private async readCalled(dirs: Map<string, ModuleDir>, caller: ModuleDir, call: ModuleCall, name: string, key: string, shown: string): Promise<ModuleDir | undefined> {
    if (this.followed++ >= MAX_MODULE_DIRS) {
      note(caller, { source: call.file, ...lineOf(call), message: `module.${call.name} is not read: over ${MAX_MODULE_DIRS} module directories` });
      return undefined;
    }
    const read = await readModule(name, within(name), this.limits, new Set(), false);
    read.real = key;
    dirs.set(key, read);
    // Its own notes reach no one: none of its files is asked for when it cannot be listed.
    if (read.unlisted !== undefined) note(caller, { source: call.file, ...lineOf(call), message: `module.${call.name} calls ${shown}, whose directory cannot be listed (${read.unlisted}): its resources are not checked` });
    return read;
  }

  /**
   * The directory where `terraform init` installed the module a call names in one root module
   * (`.terraform/modules/aks`), from the root's modules manifest, read and followed once; undefined,
   * with a note on the call, when the module is not installed there, or was installed from another
   * source (Terraform refuses to run until `terraform init` is run again).
   */
  private async installedTarget(dirs: Map<string, ModuleDir>, caller: ModuleDir, call: ModuleCall, parent: ModuleInstance): Promise<string | undefined> {
    const manifest = await this.manifest(parent.root, parent.rootReal);
    const key = [...parent.path, call.name].join('.');
    const where = `module.${call.name} uses ${call.source}, which terraform init installs`;
    const record = 'records' in manifest ? manifest.records.get(key) : undefined;
    if (!('records' in manifest) || !record) {
      const why = 'records' in manifest ? `${manifest.file} lists no module ${key}` : manifest.why;
      note(caller, { source: call.file, ...lineOf(call), message: `${where}, and ${why}: run terraform init in ${parent.root} to have its resources checked` });
      return undefined;
    }
    if (!sameSource(call.source, record.source)) {
      note(caller, { source: call.file, ...lineOf(call), message: `${where}, and ${manifest.file} has ${record.source} installed for it: run terraform init in ${parent.root} again to have its resources checked` });
      return undefined;
    }
    if (call.version !== undefined && record.version !== undefined && meetsConstraint(record.version, call.version) === false) {
      note(caller, { source: call.file, ...lineOf(call), message: `${where}, and ${manifest.file} has version ${record.version} installed for it, which version = "${call.version}" does not allow: run terraform init in ${parent.root} again to have its resources checked` });
      return undefined;
    }
    // Named from the root as the ingest names it; read by real path.
    const name = join(parent.root, record.dir);
    const target = await realpath(resolve(parent.rootReal, record.dir)).catch(() => undefined);
    if (target === undefined || !(await stat(target).then((st) => st.isDirectory(), () => false))) {
      note(caller, { source: call.file, ...lineOf(call), message: `${where}, and ${name}, where ${manifest.file} says it is, is not a directory that can be read: run terraform init in ${parent.root} again to have its resources checked` });
      return undefined;
    }
    if (!dirs.has(target)) {
      const read = await this.readCalled(dirs, caller, call, name, target, name);
      if (!read) return undefined;
      // Its local calls (a registry module's `./modules/node_pool`) are followed from it, as Terraform installs them.
      await this.follow(dirs, [read]);
    }
    return target;
  }

  private readonly manifests = new Map<string, Promise<Manifest | { why: string }>>();

  /** Terraform's data directory in a root module: `TF_DATA_DIR`, else `.terraform`. */
  private get dataDir(): string {
    return this.options.dataDir ?? '.terraform';
  }

  /** The directories read that lie in a data directory's `modules`, where `terraform init` installs modules: a scanned directory's, or `TF_DATA_DIR` given whole. */
  private async installedDirs(dirs: ReadonlyMap<string, ModuleDir>): Promise<Set<string>> {
    const dataDir = this.dataDir;
    const bases = isAbsolute(dataDir) ? [dataDir] : [...dirs].filter(([, d]) => d.scanned).map(([key]) => join(key, dataDir));
    const homes: string[] = [];
    for (const base of bases) {
      const home = await realpath(join(base, 'modules')).catch(() => undefined);
      if (home !== undefined) homes.push(home + sep);
    }
    return new Set([...dirs.keys()].filter((key) => homes.some((home) => key.startsWith(home))));
  }

  /** The modules manifest `terraform init` writes in a root module (`name`, by real path `real`), read once per root. */
  private manifest(name: string, real: string): Promise<Manifest | { why: string }> {
    let read = this.manifests.get(real);
    if (!read) this.manifests.set(real, (read = readManifest(name, real, this.dataDir, this.limits)));
    return read;
  }

  /**
   * The instances of every module read: each root (a directory no module read calls, or one only a
   * cycle reaches) and, depth first from it, one per call that creates something.
   */
  private async instantiate(dirs: Map<string, ModuleDir>): Promise<void> {
    const called = new Set<string>();
    for (const [key, dir] of dirs) for (const call of dir.calls) if (call.target !== undefined && call.target !== key) called.add(call.target);
    // What `terraform init` installed (below a root's `DATA_DIR/modules`) is no root, even where the scan
    // reads it (a data directory `TF_DATA_DIR` names without a dot): only a call reaches it.
    const installed = await this.installedDirs(dirs);
    for (const key of installed) called.add(key);
    let total = MAX_TOTAL_RESOURCES;
    const visit = async (dir: ModuleDir, parent: ModuleInstance, stack: readonly string[], budget: Budget): Promise<void> => {
      for (const call of dir.calls) {
        // An installed module is the one `terraform init` put in this root's data directory.
        const target = call.remote ? await this.installedTarget(dirs, dir, call, parent) : call.target;
        const child = target === undefined ? undefined : dirs.get(target);
        if (!child || target === undefined) continue;
        if (stack.includes(target)) {
          note(dir, { source: call.file, ...lineOf(call), message: `module.${call.name} calls a module that calls it back, which Terraform refuses: not followed` });
          continue;
        }
        if (stack.length >= MAX_CALL_DEPTH) {
          note(dir, { source: call.file, ...lineOf(call), message: `module.${call.name} is not read: modules nested over ${MAX_CALL_DEPTH} deep` });
          continue;
        }
        for (const { key, refs } of repetitionsIn(parent.scope, call.count, call.forEach) ?? [{ key: '', refs: {} } satisfies Repetition]) {
          if (budget.instances <= 0 || budget.resources < child.resources || total < child.resources) {
            // Once per root: past the cap, every call left would say the same.
            if (!budget.capped) note(dir, { source: call.file, ...lineOf(call), message: `module.${call.name} and the calls after it are not read for the root module ${parent.root}: ${capReason(budget, total, child.resources)}` });
            budget.capped = true;
            break;
          }
          budget.instances--;
          budget.resources -= child.resources;
          total -= child.resources;
          const address = `${parent.address ? `${parent.address}.` : ''}module.${call.name}${key}`;
          const where = key ? call.where.replace(`module.${call.name} `, `module.${call.name}${key} `) : call.where;
          const scope = calledScope(child.base, call.args, where, (v) => evaluateIn(parent.scope, v, refs), parent.scope);
          const instance: ModuleInstance = { address, path: [...parent.path, call.name], root: parent.root, instance: relative(child.real, parent.rootReal), rootReal: parent.rootReal, scope, repetitions: parent.repetitions };
          child.instances.push(instance);
          await visit(child, instance, [...stack, target], budget);
        }
      }
    };
    const roots = [...dirs.keys()].filter((key) => dirs.get(key)?.scanned && !called.has(key));
    // A directory scanned that only a cycle reaches is a root too: its resources are not lost.
    const reached = reachable(dirs, [...roots, ...installed]);
    for (const [key, dir] of dirs) {
      if (!dir.scanned || reached.has(key)) continue;
      roots.push(key);
      for (const k of reachable(dirs, [key])) reached.add(k);
    }
    for (const key of roots) {
      const dir = dirs.get(key);
      if (!dir) continue;
      const root = await this.rootInstance(dir, key);
      dir.instances.push(root);
      await visit(dir, root, [key], { instances: MAX_ROOT_INSTANCES, resources: MAX_ROOT_RESOURCES, capped: false });
    }
    for (const dir of dirs.values()) {
      if (dir.scanned && dir.instances.length === 0) {
        note(dir, { source: dir.name, message: 'a module that other modules call, and no call read creates (count = 0, an empty for_each, or a call not followed): its resources are not checked' });
      }
    }
  }

  /**
   * A root module's instance: its variables from the files it loads by itself; when a path given
   * names it, from `TF_VAR_` environment variables before those files, and the `-var-file`s and
   * `-var`s after them, in the order written.
   */
  private async rootInstance(dir: ModuleDir, key: string): Promise<ModuleInstance> {
    // Whether a path given names this root: only then is it where Terraform runs with the flags and environment.
    const named = (await this.rootKeys()).includes(key);
    const variables = await readVariables(dir, this.limits, this.scannedFiles);
    if (named) {
      const environment = Object.entries(this.options.environment ?? {}).flatMap(([k, v]) => (k.startsWith('TF_VAR_') && v !== undefined ? [[k.slice(7), v, `TF_VAR_${k.slice(7)} in the environment`] as const] : []));
      variables.unshift(...(await givenValues(dir, environment, this.limits)));
    }
    const files = named && this.options.variablesFiles?.length ? await this.variablesFiles() : undefined;
    if (files) {
      this.variablesApplied = true;
      // Given with every root that takes them; the first to be told says it.
      dir.errors.push(...files.errors);
    }
    const assignments = named ? (this.options.assignments ?? []) : [];
    if (assignments.length) this.assignmentsApplied = true;
    // `-var-file`s and `-var`s in the order they were written: a later one overrides an earlier one.
    const written = files?.values.length ?? 0;
    for (let k = 0; k <= written; k++) {
      const here = assignments.filter((a) => a.afterFiles === k || (k === written && a.afterFiles > k));
      if (here.length) variables.push(...(await givenValues(dir, here.map((a) => [a.name, a.value, `-var ${a.name} on the command line`] as const), this.limits)));
      const file = files?.values[k];
      if (file) variables.push(file);
    }
    const repetitions = { left: MAX_REPEATED_RESOURCES, why: `the resources of the root module ${dir.name} would be over ${MAX_REPEATED_RESOURCES}` };
    // TF_WORKSPACE selects the workspace wherever Terraform runs with it: for a root below the paths
    // given, whether it would run there with it is not known.
    const selected = this.options.environment?.TF_WORKSPACE;
    const workspace = selected ? (named ? validWorkspace(selected) : undefined) : await selectedWorkspace(dir.real, this.dataDir);
    const scope = { ...moduleScope([...dir.files.values()], variables), ...(workspace !== undefined ? { workspace } : {}) };
    return { address: '', path: [], root: dir.name, instance: '', rootReal: dir.real, scope, repetitions };
  }

  private roots?: Promise<string[]>;

  /** The real paths of the directories the `-var-file`s are for, worked out once. */
  private rootKeys(): Promise<string[]> {
    this.roots ??= Promise.all([...(this.options.roots ?? [])].map((r) => this.key(r)));
    return this.roots;
  }

  private extra?: Promise<{ values: (VariablesFile | undefined)[]; errors: InputError[] }>;

  /** The `-var-file`s, read once, in the order given (undefined for one that cannot be read). */
  private variablesFiles(): Promise<{ values: (VariablesFile | undefined)[]; errors: InputError[] }> {
    this.extra ??= (async () => {
      const values: (VariablesFile | undefined)[] = [];
      const errors: InputError[] = [];
      for (const file of this.options.variablesFiles ?? []) {
        const read = await readConfig(file, this.limits);
        values.push('config' in read ? { file, values: read.config, text: read.text, syntax: read.syntax } : undefined);
        if (!('config' in read)) errors.push(read.error);
      }
      return { values, errors };
    })();
    return this.extra;
  }
}

/** The directories the calls from `from` reach, theirs included, whatever their `count`. */
function reachable(dirs: ReadonlyMap<string, ModuleDir>, from: readonly string[]): Set<string> {
  const seen = new Set(from);
  const queue = [...from];
  for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
    for (const call of dirs.get(key)?.calls ?? []) {
      if (call.target === undefined || seen.has(call.target)) continue;
      seen.add(call.target);
      queue.push(call.target);
    }
  }
  return seen;
}

/** The prefix of the files of a directory named `dir`. */
function within(dir: string): string {
  return dir.endsWith('/') ? dir : `${dir}/`;
}

function lineOf(call: ModuleCall): { line?: number } {
  return call.line !== undefined ? { line: call.line } : {};
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

/**
 * A module directory: its `.tf` and `.tf.json` files parsed, and its local calls. A problem of a file
 * is its own to report when the ingest decodes it (a file scanned, or any file of a directory read
 * only because it is called); another only weakens what the module resolves, and is a note.
 */
async function readModule(dir: string, prefix: string, limits: InputLimits, scanned: ReadonlySet<string>, scannedDir: boolean): Promise<ModuleDir> {
  const notes: InputNote[] = [];
  const files = new Map<string, ModuleFile>();
  let all: string[] = [];
  let unlisted: string | undefined;
  try {
    all = await regularFiles(dir);
  } catch (e) {
    unlisted = describeFsError(e);
    notes.push({ source: dir, message: `cannot list the module's directory (${unlisted}): its other files and variables files are not read` });
  }
  const names = all.filter((n) => /\.tf(\.json)?$/.test(n)).sort(moduleFileOrder);
  for (const name of names) {
    const file = prefix + name;
    const read = await readConfig(file, limits);
    if ('config' in read) files.set(name, { file, config: read.config, text: read.text, syntax: read.syntax });
    else if (scannedDir && !scanned.has(resolve(file))) notes.push({ source: file, ...(read.error.line !== undefined ? { line: read.error.line } : {}), message: `not read for its module's variables and locals: ${read.error.message}` });
  }
  const parsed = [...files.values()];
  return {
    name: dir,
    real: resolve(dir),
    prefix,
    scanned: scannedDir,
    names,
    variablesNames: autoVariablesFiles(all),
    files,
    base: moduleScope(parsed, []),
    calls: parsed.flatMap(moduleCalls),
    instances: [],
    resources: parsed.reduce((n, f) => n + aksResources(f.config), 0),
    errors: [],
    notes,
    noted: new Set(),
    ...(unlisted !== undefined ? { unlisted } : {}),
  };
}

/** How many resource blocks of the types the ingest reads a file declares (AzAPI ones that may be AKS clusters or pools included). */
function aksResources(config: Obj): number {
  let n = 0;
  for (const [type, byLabel] of Object.entries(isObj(config.resource) ? config.resource : {})) {
    if (!isObj(byLabel)) continue;
    if (TERRAFORM_TYPES.has(type)) for (const bodies of Object.values(byLabel)) n += Array.isArray(bodies) ? bodies.length : 1;
    // An AzAPI resource counts when its type names an AKS cluster or pool, or is left to an expression.
    else if (type === AZAPI_RESOURCE) n += Object.values(byLabel).flat().filter((b) => isObj(b) && (azapiKind(b.type) !== undefined || (typeof b.type === 'string' && b.type.includes('${')))).length;
  }
  return n;
}

/** The variables files a root module loads by itself, then the `-var-file`s given for it. */
async function readVariables(dir: ModuleDir, limits: InputLimits, scanned: ReadonlySet<string>): Promise<VariablesFile[]> {
  const variables: VariablesFile[] = [];
  for (const file of dir.variablesNames.map((n) => dir.prefix + n)) {
    const read = await readConfig(file, limits);
    if ('config' in read) variables.push({ file, values: read.config, text: read.text, syntax: read.syntax });
    // A `.tfvars.json` in a directory scanned reports its own problems as JSON.
    else if (!scanned.has(resolve(file))) dir.errors.push(read.error);
  }
  return variables;
}

/** The `module` blocks of a file; a local directory is written `./x` or `../x`, as Terraform requires. */
function moduleCalls(f: ModuleFile): ModuleCall[] {
  const modules = isObj(f.config.module) ? f.config.module : {};
  const calls: ModuleCall[] = [];
  for (const [name, bodies] of Object.entries(modules)) {
    for (const body of (Array.isArray(bodies) ? bodies : [bodies]).filter(isObj)) {
      if (typeof body.source !== 'string' || body.source.trim() === '') continue;
      const args: Obj = {};
      for (const [k, v] of Object.entries(body)) if (!MODULE_META.has(k)) setOwn(args, k, v);
      const line = callLine(f.text, name);
      calls.push({ name, source: body.source, remote: !/^\.\.?[\\/]/.test(body.source), ...(typeof body.version === 'string' ? { version: body.version } : {}), args, count: body.count, forEach: body.for_each, where: `module.${name} in ${f.file}${line !== undefined ? `:${line}` : ''}`, file: f.file, line });
    }
  }
  return calls;
}

/** `module "NAME" {` in native syntax, the `"NAME":` key in JSON syntax. */
function callLine(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const m = new RegExp(`^[ \\t]*module\\s+"?${escapeRegExp(name)}"?\\s*\\{`, 'm').exec(text) ?? new RegExp(`${escapeRegExp(JSON.stringify(name))}\\s*:`).exec(text);
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

/** What `terraform init` installed for one root module: `.terraform/modules/modules.json`, by module key (`aks`, `platform.aks`). */
interface Manifest {
  /** The manifest as the ingest names it. */
  file: string;
  records: ReadonlyMap<string, { source: string; dir: string; version?: string }>;
}

/** A manifest larger than this is not one `terraform init` wrote: it holds a line per module. */
const MAX_MANIFEST_BYTES = 4 << 20;

/** A root module's modules manifest, or why there is none to read. */
async function readManifest(root: string, rootReal: string, dataDir: string, limits: InputLimits): Promise<Manifest | { why: string }> {
  const file = isAbsolute(dataDir) ? join(dataDir, 'modules', 'modules.json') : join(root, dataDir, 'modules', 'modules.json');
  const real = resolve(rootReal, dataDir, 'modules', 'modules.json');
  if (!(await stat(real).then((st) => st.isFile(), () => false))) return { why: `${file} does not exist` };
  const sink: DecodeSink = { resources: [], errors: [], notes: [] };
  const text = await readBounded(real, Math.min(limits.maxFileBytes, MAX_MANIFEST_BYTES), sink);
  if (text === undefined) return { why: `${file} cannot be read (${sink.errors[0]?.message ?? 'unreadable'})` };
  let value: unknown;
  try {
    value = JSON.parse(withoutBom(text));
  } catch {
    return { why: `${file} is not valid JSON` };
  }
  const modules = isObj(value) && Array.isArray(value.Modules) ? value.Modules : undefined;
  if (!modules) return { why: `${file} has no Modules list` };
  const records = new Map<string, { source: string; dir: string; version?: string }>();
  for (const m of modules) {
    if (!isObj(m) || typeof m.Key !== 'string' || typeof m.Source !== 'string' || typeof m.Dir !== 'string' || m.Dir === '') continue;
    records.set(m.Key, { source: m.Source, dir: m.Dir, ...(typeof m.Version === 'string' && m.Version !== '' ? { version: m.Version } : {}) });
  }
  return { file, records };
}

/**
 * Whether a call's `source` is the one a manifest records. Terraform records a registry address with
 * its host (`Azure/aks/azurerm` as `registry.terraform.io/Azure/aks/azurerm`) and a shorthand Git
 * address in full (`github.com/org/repo` as `git::https://github.com/org/repo.git`, `git@host:org/repo`
 * as `git::ssh://git@host/org/repo`): both sides are brought to one plain form, scheme and `.git`
 * left out. Only what tells two modules apart counts: a false mismatch would leave a module unread.
 */
function sameSource(written: string, recorded: string): boolean {
  return plainSource(written) === plainSource(recorded);
}

function plainSource(source: string): string {
  let s = source.trim().replace(/^git::/, '').replace(/^(https|ssh):\/\//, '');
  // `git@github.com:org/repo` (SCP style) is `git@github.com/org/repo` in URL form.
  s = s.replace(/^([\w.-]+@[\w.-]+):(?!\d+\/)/, '$1/');
  if (/^[\w-]+\/[\w-]+\/[\w-]+(\/\/|$)/.test(s)) s = `registry.terraform.io/${s}`;
  const query = s.indexOf('?');
  const [address, rest] = query < 0 ? [s, ''] : [s.slice(0, query), s.slice(query)];
  // Hosts and registry names are not case-sensitive; a Git ref in the query is.
  return address.replace(/\.git(?=$|\/\/)/, '').toLowerCase() + rest;
}

/**
 * Whether an installed version meets a call's `version` constraint (`~> 9.1`, `>= 9.0, < 10.0`), as
 * Terraform checks it before it plans. Undefined when either is written in a form not read here (a
 * pre-release, an operator unknown): the module is then read as installed.
 */
export function meetsConstraint(version: string, constraint: string): boolean | undefined {
  const have = versionParts(version);
  if (!have) return undefined;
  for (const part of constraint.split(',')) {
    const m = /^\s*(=|!=|>=|<=|>|<|~>)?\s*v?([\d.]+)\s*$/.exec(part);
    const want = m ? versionParts(m[2] ?? '') : undefined;
    if (!m || !want) return undefined;
    const cmp = compareParts(have, want);
    const op = m[1] ?? '=';
    if (op === '~>') {
      // The last segment written may grow; the ones before it are fixed (`~> 9.1` is >= 9.1, < 10;
      // `~> 9` only >= 9, as go-version reads it).
      const fixed = want.slice(0, want.length - 1);
      if (cmp < 0 || fixed.some((n, i) => (have[i] ?? 0) !== n)) return false;
    } else if (!(op === '=' ? cmp === 0 : op === '!=' ? cmp !== 0 : op === '>=' ? cmp >= 0 : op === '<=' ? cmp <= 0 : op === '>' ? cmp > 0 : cmp < 0)) return false;
  }
  return true;
}

function versionParts(v: string): number[] | undefined {
  return /^\d+(\.\d+){0,2}$/.test(v.trim()) ? v.trim().split('.').map(Number) : undefined;
}

function compareParts(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Values given as strings (`-var NAME=VALUE`, `TF_VAR_NAME`) for the variables a root module declares,
 * parsed as Terraform parses them: the string itself for a variable of a primitive type or of none,
 * an HCL expression for any other (`["10.0.0.0/8"]` for a `list(string)`). A value Terraform would
 * refuse is noted and not read; a name the module does not declare is not its variable.
 */
async function givenValues(dir: ModuleDir, given: readonly (readonly [name: string, raw: string, where: string])[], limits: InputLimits): Promise<VariablesFile[]> {
  const out: VariablesFile[] = [];
  for (const [name, raw, where] of given) {
    const declaration = dir.base.declared.get(name);
    if (!declaration || isSensitive(declaration)) continue;
    const origin = `set by ${where}`;
    // Never the value itself, nor the parser's message, which may quote it: it may be a secret.
    const refused = (): void => note(dir, { source: where, message: `not a valid value for var.${name} of ${dir.name}, whose type is ${typeText(declaration.type) ?? 'not known'}: not read` });
    if (takesLiteral(declaration.type)) {
      if (convertsFromString(raw, declaration.type)) out.push({ file: where, values: { [name]: raw }, syntax: 'json', origin });
      else refused();
      continue;
    }
    const parsed = await parseHcl(`value = ${raw}\n`, where, limits);
    const value = 'config' in parsed && Object.keys(parsed.config).length === 1 ? parsed.config.value : undefined;
    if (value === undefined) refused();
    else out.push({ file: where, values: { [name]: value }, syntax: 'hcl', origin });
  }
  return out;
}

/** Whether Terraform takes a string given for a variable of this declared type as it is: a primitive type, or no type. */
function takesLiteral(type: unknown): boolean {
  if (type === undefined) return true;
  const kind = parseType(type)?.kind;
  return kind === 'string' || kind === 'number' || kind === 'bool';
}

/**
 * The workspace `terraform workspace select` chose for a root module, as Terraform reads it: the
 * `environment` file of its data directory, else `default`. Undefined when that file cannot be read
 * or names no valid workspace.
 */
async function selectedWorkspace(rootReal: string, dataDir: string): Promise<string | undefined> {
  const file = resolve(rootReal, dataDir, 'environment');
  const st = await stat(file).catch(() => undefined);
  if (!st) return 'default';
  if (!st.isFile() || st.size > 1024) return undefined;
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : validWorkspace(text.trim());
}

/** A workspace name Terraform accepts (letters, digits, `-`, `_`, `.`), else undefined: anything else is no workspace it would select. */
function validWorkspace(name: string): string | undefined {
  return /^[\w.-]{1,90}$/.test(name) ? name : undefined;
}
