import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { TerraformModules, type TerraformAssignment } from './azure/terraform-module.js';
import { isTerraformConfig, terraformConfigResources, WITHOUT_AKS_RESOURCES } from './azure/terraform-config.js';
import { describeFsError, errorMessage, problemKey, type InputError, type InputNote } from '../core/errors.js';
import { decodeInput, type DecodeSink } from './decode.js';
import { DEFAULT_LIMITS, type InputLimits } from './limits.js';
import { decodeFile, invalidUtf8Line } from './parse-file.js';
import { DEFAULT_PARSE_POOL, ParsePool, type ParsePoolOptions } from './parse-pool.js';

const EXTENSIONS = /\.(ya?ml|json|tf)$/i;

export interface IngestOptions {
  limits?: Partial<InputLimits>;
  /** Reads standard input when a path is `-`. */
  readStdin?: () => Promise<string>;
  /** Called once per file read, for progress display. */
  onFile?: (file: string) => void;
  /** Reading on worker threads: when and how many (DEFAULT_PARSE_POOL), or false for one thread. */
  parsePool?: Partial<ParsePoolOptions> | false;
  /**
   * Terraform variables files (`-var-file`), for the module of each path given (the directory, or a
   * file's directory), after the ones that module loads itself.
   */
  terraformVariablesFiles?: readonly string[];
  /**
   * Terraform's data directory in each root module, where `terraform init` installs registry and Git
   * modules: `TF_DATA_DIR` as Terraform reads it, else `.terraform`.
   */
  terraformDataDir?: string;
  /** Terraform `-var NAME=VALUE`s, for the same modules as the `-var-file`s, each after the files written before it. */
  terraformAssignments?: readonly TerraformAssignment[];
  /** The environment whose `TF_VAR_NAME` variables set those modules' variables, as Terraform reads them; the process's by default. */
  terraformEnvironment?: Readonly<Record<string, string | undefined>>;
}

export interface IngestResult extends DecodeSink {
  files: number;
  /** Texts that cannot be read again (stdin), kept for locating findings. */
  texts: Map<string, string>;
}

/** Reads files, directories (recursively: .yaml, .yml, .json, .tf) and `-` (stdin) into resources. */
export async function ingestPaths(paths: readonly string[], options: IngestOptions = {}): Promise<IngestResult> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const result: IngestResult = { resources: [], errors: [], notes: [], files: 0, texts: new Map() };
  const environment = options.terraformEnvironment ?? process.env;
  const dataDir = options.terraformDataDir ?? (environment.TF_DATA_DIR || undefined);
  // Every path is expanded first, so a pool can start on all files at once; each path's own errors
  // keep their place between the files of the paths before and after it.
  const steps: Step[] = [];
  // Where Terraform would run for each path: the directory given, or the directory of the file given.
  const roots = new Set<string>();
  for (const p of paths) {
    if (p === '-') {
      steps.push({ stdin: true });
      continue;
    }
    const sink: DecodeSink = { resources: [], errors: [], notes: [] };
    // Hidden directories are skipped anyway; a data directory named without a dot is Terraform's too.
    const files = await expand(p, sink, dataDir !== undefined && !dataDir.includes('/') ? dataDir : undefined);
    roots.add(resolve(files.length === 1 && files[0] === p ? dirname(p) : p));
    if (sink.errors.length) steps.push({ errors: sink.errors });
    for (const file of files) steps.push({ file });
  }
  const pool = await openPool(steps, limits, options.parsePool);
  const files = steps.flatMap((s) => ('file' in s ? [s.file] : []));
  const modules = new TerraformModules(limits, {
    scanned: files,
    variablesFiles: options.terraformVariablesFiles ?? [],
    assignments: options.terraformAssignments ?? [],
    environment,
    roots,
    ...(dataDir ? { dataDir } : {}),
  });
  try {
    let pooled = 0;
    for (const step of steps) {
      if ('errors' in step) {
        result.errors.push(...step.errors);
      } else if ('stdin' in step) {
        let text: string;
        try {
          text = options.readStdin ? await options.readStdin() : await readStdin(limits.maxFileBytes);
        } catch (e) {
          result.errors.push({ source: '-', message: errorMessage(e) });
          continue;
        }
        result.texts.set('-', text);
        result.files++;
        // Nothing on a pipe is most often the command before it failing (`helm template … | palisade scan -`).
        if (text.trim() === '') result.errors.push({ source: '-', message: 'standard input is empty: did the command before the pipe fail?' });
        else await decodeInput(text, '-', limits, result);
      } else {
        options.onFile?.(step.file);
        result.files++;
        if (pool && inPool(step.file)) merge(await pool.take(pooled++), step.file, result);
        else if (isTerraform(step.file)) await decodeTerraformFile(step.file, modules, limits, result);
        else await decodeFile(step.file, limits, result);
      }
    }
    // The modules the files read call, outside the paths given: Terraform reads them too.
    for (const file of await modules.calledOnly()) {
      options.onFile?.(file);
      result.files++;
      await decodeTerraformFile(file, modules, limits, result, true);
    }
  } finally {
    await pool?.close();
  }
  const unused = (what: string): string =>
    `${what} were not used: ${
      files.some(isTerraform)
        ? 'they are for the Terraform module of a directory given (or of a file given), and none of those holds a .tf or .tf.json file read'
        : 'no Terraform .tf or .tf.json file was read'
    }`;
  if (options.terraformVariablesFiles?.length && !modules.variablesApplied) {
    result.notes.push({ source: options.terraformVariablesFiles.join(', '), message: unused('the variables files') });
  }
  if (options.terraformAssignments?.length && !modules.assignmentsApplied) {
    // Named, never their values: a value may be a secret.
    result.notes.push({ source: options.terraformAssignments.map((a) => `-var ${a.name}`).join(', '), message: unused('the variables') });
  }
  return result;
}

type Step = { file: string } | { stdin: true } | { errors: InputError[] };

function isTerraform(file: string): boolean {
  return /\.tf(\.json)?$/i.test(file);
}

/** Terraform goes through a WebAssembly parser, not worth loading in every worker, and reads its module's files. */
function inPool(file: string): boolean {
  return !isTerraform(file);
}

/**
 * A `.tf` or `.tf.json` file, once per instance of its module (usually one: the module is a root),
 * its references resolved against that instance's scope: the other files of its directory, their
 * variables files or the call's arguments. Resources of a called module are named by the call's
 * address (`module.aks.main`). A file the module read parsed is taken from there; one it could not
 * parse goes the usual way, which says why, and so does a `.tf.json` holding no Terraform resources
 * (read as any JSON file).
 */
async function decodeTerraformFile(file: string, modules: TerraformModules, limits: InputLimits, into: DecodeSink, calledOnly = false): Promise<void> {
  const module = await modules.of(file);
  into.errors.push(...module.errors);
  into.notes.push(...module.notes);
  const parsed = module.files.get(basename(file));
  if (parsed && (parsed.syntax === 'hcl' || isTerraformConfig(parsed.config))) {
    // Each instance says what it says once: most notes are the same for every instance of a module.
    const noted = new Set<string>();
    const notes: InputNote[] = [];
    let produced = false;
    for (const instance of module.instances) {
      const decoded = terraformConfigResources(parsed.config, file, parsed.text, 1, 'terraform-hcl', instance.scope, instance.repetitions);
      if (!instance.address) {
        for (const r of decoded.resources) into.resources.push(r);
      } else {
        const origin = { module: instance.address, root: instance.root, instance: instance.instance };
        for (const r of decoded.resources) into.resources.push({ ...r, name: `${instance.address}.${r.name}`, origin });
      }
      produced ||= decoded.resources.length > 0;
      for (const n of decoded.notes) {
        const key = problemKey(n);
        if (noted.has(key)) continue;
        noted.add(key);
        notes.push(n);
      }
    }
    // An instance that creates nothing (`count = 0`) does not make the file one without resources, and
    // a file read only because a call reads its module was not asked for: nothing of it is skipped.
    into.notes.push(...notes.filter((n) => (!produced && !calledOnly) || n.message !== WITHOUT_AKS_RESOURCES));
    return;
  }
  await decodeFile(file, limits, into);
}

/** A pool over the files worth it, or undefined when one thread is as fast (small inputs, one core). */
async function openPool(steps: readonly Step[], limits: InputLimits, options: Partial<ParsePoolOptions> | false | undefined): Promise<ParsePool | undefined> {
  if (options === false) return undefined;
  const { minBytes, workers } = { ...DEFAULT_PARSE_POOL, ...options };
  const files = steps.flatMap((s) => ('file' in s && inPool(s.file) ? [s.file] : []));
  if (workers < 1 || files.length < 2) return undefined;
  let bytes = 0;
  for (const file of files) {
    const size = await stat(file).then((st) => st.size, () => 0);
    // A file over the limit is refused unread: it costs nothing to parse.
    if (size <= limits.maxFileBytes) bytes += size;
  }
  if (bytes < minBytes) return undefined;
  return new ParsePool(files, limits, workers);
}

/**
 * Appends a file's results one by one: a spread of a large List's resources would overflow the call
 * stack. A copy from a worker holds its own copy of the file's name per resource; they share one
 * again, as they do when read on this thread.
 */
function merge(from: DecodeSink, file: string, into: DecodeSink): void {
  for (const r of from.resources) {
    if (r.source.file === file) r.source.file = file;
    into.resources.push(r);
  }
  for (const e of from.errors) into.errors.push(e);
  for (const n of from.notes) into.notes.push(n);
}

async function expand(path: string, sink: DecodeSink, dataDir: string | undefined): Promise<string[]> {
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    sink.errors.push({ source: path, message: `cannot read: ${describeFsError(e)}` });
    return [];
  }
  // A pipe named on the command line is read like stdin: `palisade scan <(helm template ...)` gives /dev/fd/63.
  if (st.isFile() || st.isFIFO() || st.isCharacterDevice()) return [path];
  if (!st.isDirectory()) {
    sink.errors.push({ source: path, message: 'not a file or directory' });
    return [];
  }
  const out: string[] = [];
  const seen = new Set<string>();
  // Links to directories are followed after the real tree: a directory reached both ways is then read,
  // and its findings named, under its real path, not under the link the sorted walk meets first.
  const linked: string[] = [];
  const visit = async (dir: string): Promise<void> => {
    // Symlinked directories can form loops; visit each real directory once.
    const real = await realpath(dir).catch(() => dir);
    if (seen.has(real)) return;
    seen.add(real);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      sink.errors.push({ source: dir, message: `cannot read directory: ${describeFsError(e)}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        let target;
        try {
          target = await stat(full);
        } catch (e) {
          // A link to a manifest that is gone is an input that could not be read, as the file named
          // directly would be; links to anything else are left alone like any other file.
          if (EXTENSIONS.test(entry.name)) sink.errors.push({ source: full, message: `cannot read: ${describeFsError(e)}` });
          continue;
        }
        isDir = target.isDirectory();
        isFile = target.isFile();
      }
      if (isDir && entry.name === dataDir && (await isTerraformDataDir(full))) continue;
      if (isDir && entry.isSymbolicLink()) linked.push(full);
      else if (isDir) await visit(full);
      else if (isFile && EXTENSIONS.test(entry.name)) out.push(full);
    }
  };
  await visit(path);
  for (let i = 0; i < linked.length; i++) await visit(linked[i]!);
  return out;
}

/** A directory Terraform keeps for a root module (`TF_DATA_DIR`): the modules, providers and workspace `terraform init` put there. */
async function isTerraformDataDir(dir: string): Promise<boolean> {
  for (const marker of ['modules/modules.json', 'providers', 'environment', 'terraform.tfstate']) {
    if (await stat(join(dir, marker)).then(() => true, () => false)) return true;
  }
  return false;
}

export async function readStdin(max: number = DEFAULT_LIMITS.maxFileBytes): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    total += buf.length;
    if (total > max) throw new Error(`standard input over the ${max}-byte limit`);
    chunks.push(buf);
  }
  const buf = Buffer.concat(chunks);
  const bad = invalidUtf8Line(buf);
  if (bad !== undefined) throw new Error(`invalid UTF-8 at line ${bad}: send UTF-8`);
  return buf.toString('utf8');
}
