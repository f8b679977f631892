import { lineAt } from '../../core/lines.js';
import { isObj, setOwn, type Obj } from '../../core/resource.js';
import { escapeRegExp } from './kinds.js';
import { convertTo, NOT_CONVERTED, parseType, typeText } from './terraform-types.js';

/** A variable's value and where Terraform would take it from: `the default in variables.tf:3`, `set in prod.tfvars:2`. */
export interface TerraformValue {
  value: unknown;
  from: string;
}

/**
 * What a module's expressions can be resolved against without running Terraform: the variables
 * whose value is written down (their default, or a variables file Terraform loads by itself), why
 * each other declared variable has none, and the `locals` of every file of the module.
 */
export interface TerraformScope {
  vars: ReadonlyMap<string, TerraformValue>;
  unset: ReadonlyMap<string, string>;
  locals: ReadonlyMap<string, unknown>;
  /** Each declared variable's `variable` block, override files merged in: what a call's arguments set. */
  declared: ReadonlyMap<string, Obj>;
  /** What evaluating the root module's expressions (and its called modules') may still cost, shared by all of them. */
  work: { left: number };
  /** `terraform.workspace`, when known: the root module's selected workspace, shared by the modules it calls. */
  workspace?: string;
}

/** Steps of expression evaluation one root module and the modules it calls may take: a few seconds' worth. */
export const MAX_ROOT_WORK = 20_000_000;

/**
 * How a file was written. The HCL parser gives native syntax in JSON form, where a literal `${` is
 * escaped as `$${`: a value read from it is unescaped to what Terraform reads. JSON syntax
 * (`.tf.json`, `.tfvars.json`) gives variable values literally.
 */
export type Syntax = 'hcl' | 'json';

/** One file of a module as parsed: `.tf` through the HCL parser, `.tf.json` as JSON. */
export interface ModuleFile {
  file: string;
  config: Obj;
  text?: string;
  syntax?: Syntax;
}

/**
 * A variables file (`terraform.tfvars`, `*.auto.tfvars`, `--var-file`): top-level `name = value`
 * assignments; or values given outside files (`--var`, `TF_VAR_` variables), which `origin` names.
 */
export interface VariablesFile {
  file: string;
  values: Obj;
  text?: string;
  syntax?: Syntax;
  /** Where values not read from a file were given: `set by TF_VAR_env in the environment`. */
  origin?: string;
}

/** Any `${...}` or `%{...}` not escaped as `$${` / `%%{`: an expression Terraform evaluates. */
export const EXPRESSION = /(^|[^$])\$\{|(^|[^%])%\{/;

/** A literal string of native syntax as Terraform reads it: `$${` and `%%{` are `${` and `%{`. */
export function unescapeTemplate(s: string): string {
  return s.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}

/**
 * The scope of a module from its files and variables files, as Terraform settles a root module's
 * variables: a variables file given later overrides one given earlier, and any overrides the
 * declaration's default (the caller passes them in Terraform's order: `terraform.tfvars`,
 * `terraform.tfvars.json`, `*.auto.tfvars` in name order, then `-var-file`s; `TF_VAR_` environment
 * variables come before all the files, `-var`s after them). A variable declared `sensitive` is never
 * read: its value could end up in a report. A value that is itself an expression is no value.
 */
export function moduleScope(files: readonly ModuleFile[], variablesFiles: readonly VariablesFile[]): TerraformScope {
  const vars = new Map<string, TerraformValue>();
  const unset = new Map<string, string>();
  const locals = new Map<string, unknown>();
  // An override file (`override.tf`, `*_override.tf`, given last) merges its arguments into the
  // declaration it names: a later body's `default` replaces an earlier one, its absence keeps it.
  const declared = new Map<string, { body: Obj; file: string; text: string | undefined; syntax: Syntax | undefined }>();
  for (const { file, config, text, syntax } of files) {
    for (const block of blocks(config.locals)) for (const [k, v] of Object.entries(block)) locals.set(k, v);
    const variables = isObj(config.variable) ? config.variable : {};
    for (const [name, bodies] of Object.entries(variables)) {
      const body = blocks(bodies)[0] ?? {};
      const before = declared.get(name);
      const where = Object.prototype.hasOwnProperty.call(body, 'default') || !before ? { file, text, syntax } : before;
      declared.set(name, { body: { ...before?.body, ...body }, file: where.file, text: where.text, syntax: where.syntax });
    }
  }
  for (const [name, { body, file, text, syntax }] of declared) {
    const hasDefault = Object.prototype.hasOwnProperty.call(body, 'default') && !(body.default === null && notNullable(body));
    if (isSensitive(body)) {
      unset.set(name, `var.${name} is sensitive: its value is not read`);
    } else if (hasDefault && !holdsExpression(body.default)) {
      const value = typed(literal(body.default, syntax), body.type);
      if (value === NOT_CONVERTED) unset.set(name, convertedByTerraform(name, body.type));
      else vars.set(name, { value, from: `the default in ${at(file, declarationLine(text, name, syntax))}` });
    } else {
      unset.set(name, `var.${name} has no default: its value is given when Terraform runs (-var, a .tfvars file)`);
    }
  }
  for (const { file, values, text, syntax, origin } of variablesFiles) {
    for (const [name, value] of Object.entries(values)) {
      const declaration = declared.get(name)?.body;
      // Terraform warns of a value for an undeclared variable and ignores it.
      if (!declaration || isSensitive(declaration) || holdsExpression(value)) continue;
      // null for a variable that is not nullable leaves it at its default.
      if (value === null && notNullable(declaration)) continue;
      const converted = typed(literal(value, syntax), declaration.type);
      if (converted === NOT_CONVERTED) {
        vars.delete(name);
        unset.set(name, convertedByTerraform(name, declaration.type));
        continue;
      }
      vars.set(name, { value: converted, from: origin ?? `set in ${at(file, assignmentLine(text, name, syntax))}` });
      unset.delete(name);
    }
  }
  return { vars, unset, locals, declared: new Map([...declared].map(([name, d]) => [name, d.body])), work: { left: MAX_ROOT_WORK } };
}

/** A value written in the calling module as Terraform evaluates it there, or undefined when it is not known offline. */
export type Evaluate = (value: unknown) => { value: unknown; vars: ReadonlySet<string> } | undefined;

/**
 * The scope of one instance of a module another calls (`module "aks" { source = "../modules/aks" … }`):
 * a variable takes the value the call gives it, evaluated in the caller (`evaluate`, against
 * `caller`'s scope), else its default; a called module reads no variables files. `call` names the
 * call (`module.aks in envs/prod/main.tf:3`). A sensitive variable stays unread, as in a root module.
 */
export function calledScope(module: TerraformScope, args: Obj, call: string, evaluate: Evaluate, caller: TerraformScope): TerraformScope {
  const vars = new Map<string, TerraformValue>();
  const unset = new Map<string, string>();
  for (const [name, body] of module.declared) {
    // null for a variable that is not nullable leaves it at its default, as in a variables file.
    const given = Object.prototype.hasOwnProperty.call(args, name) && !(args[name] === null && notNullable(body));
    const fallback = module.vars.get(name);
    if (isSensitive(body)) unset.set(name, `var.${name} is sensitive: its value is not read`);
    else if (!given && fallback) vars.set(name, fallback);
    else if (!given) unset.set(name, `var.${name} has no default and ${call} does not set it`);
    else {
      const got = evaluate(args[name]);
      if (!got) unset.set(name, `var.${name} is set by ${call} to a value Terraform resolves`);
      // null for a variable that is not nullable leaves it at its default, however the null was made.
      else if (got.value === null && notNullable(body) && fallback) vars.set(name, fallback);
      else {
        const via = [...got.vars].sort().map((v) => `var.${v}, ${caller.vars.get(v)?.from ?? 'its value'}`);
        const value = typed(got.value, body.type);
        if (value === NOT_CONVERTED) unset.set(name, convertedByTerraform(name, body.type));
        else vars.set(name, { value, from: `set by ${call}${via.length ? ` from ${via.join('; ')}` : ''}` });
      }
    }
  }
  return { vars, unset, locals: module.locals, declared: module.declared, work: caller.work, ...(caller.workspace !== undefined ? { workspace: caller.workspace } : {}) };
}

/** Whether a variable is declared `sensitive`: its value is never read. */
export function isSensitive(declaration: Obj): boolean {
  return declaration.sensitive === true || declaration.sensitive === 'true';
}

/** HCL blocks come as a list of bodies (`variable: {x: [{...}]}`), JSON syntax may give one body. */
function blocks(v: unknown): Obj[] {
  return (Array.isArray(v) ? v : [v]).filter(isObj);
}

function holdsExpression(v: unknown, depth = 0): boolean {
  if (typeof v === 'string') return EXPRESSION.test(v);
  if (depth > 32) return true;
  if (Array.isArray(v)) return v.some((x) => holdsExpression(x, depth + 1));
  if (isObj(v)) return Object.values(v).some((x) => holdsExpression(x, depth + 1));
  return false;
}

/**
 * A value converted to its variable's declared type, as Terraform converts it (terraform-types.ts);
 * left as written when the type is not read, and NOT_CONVERTED when only Terraform can convert it.
 */
function typed(value: unknown, type: unknown): unknown {
  const t = parseType(type);
  return t ? convertTo(value, t) : value;
}

function convertedByTerraform(name: string, type: unknown): string {
  return `var.${name} is converted to ${typeText(type) ?? 'its type'} by Terraform, in a way these values do not show`;
}

function notNullable(declaration: Obj): boolean {
  return declaration.nullable === false || declaration.nullable === 'false';
}

/** A value as Terraform reads it: strings from native syntax with `$${` and `%%{` unescaped. */
function literal(value: unknown, syntax: Syntax | undefined, depth = 0): unknown {
  if (syntax !== 'hcl' || depth > 32) return value;
  if (typeof value === 'string') return unescapeTemplate(value);
  if (Array.isArray(value)) return value.map((x) => literal(x, syntax, depth + 1));
  if (isObj(value)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(value)) setOwn(out, k, literal(x, syntax, depth + 1));
    return out;
  }
  return value;
}

function at(file: string, line: number | undefined): string {
  return line === undefined ? file : `${file}:${line}`;
}

/** `variable "NAME" {` in native syntax, the `"NAME":` key in JSON syntax. */
function declarationLine(text: string | undefined, name: string, syntax: Syntax | undefined): number | undefined {
  const pattern = syntax === 'json' ? `"${escapeRegExp(name)}"\\s*:` : `^[ \\t]*variable\\s+"?${escapeRegExp(name)}"?\\s*\\{`;
  return lineOf(text, [new RegExp(pattern, 'm')]);
}

/** `NAME =` at the start of a line of a variables file, or its `"NAME":` key in JSON. */
function assignmentLine(text: string | undefined, name: string, syntax: Syntax | undefined): number | undefined {
  const pattern = syntax === 'json' ? `"${escapeRegExp(name)}"\\s*:` : `^[ \\t]*${escapeRegExp(name)}\\s*=`;
  return lineOf(text, [new RegExp(pattern, 'm')]);
}

function lineOf(text: string | undefined, patterns: readonly RegExp[]): number | undefined {
  if (text === undefined) return undefined;
  for (const p of patterns) {
    const m = p.exec(text);
    if (m) return lineAt(text, m.index + (m[0].length - m[0].trimStart().length));
  }
  return undefined;
}
