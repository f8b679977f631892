import { lineAt } from '../../core/lines.js';
import { isObj, type Obj } from '../../core/resource.js';
import { escapeRegExp } from './kinds.js';

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
}

/** One file of a module as parsed: `.tf` through the HCL parser, `.tf.json` as JSON. */
export interface ModuleFile {
  file: string;
  config: Obj;
  text?: string;
}

/** A variables file (`terraform.tfvars`, `*.auto.tfvars`, `--var-file`): top-level `name = value` assignments. */
export interface VariablesFile {
  file: string;
  values: Obj;
  text?: string;
}

export const EMPTY_SCOPE: TerraformScope = { vars: new Map(), unset: new Map(), locals: new Map() };

/** Any `${...}` or `%{...}` not escaped as `$${` / `%%{`: an expression Terraform evaluates. */
export const EXPRESSION = /(^|[^$])\$\{|(^|[^%])%\{/;

/**
 * The scope of a module from its files and variables files, as Terraform settles a root module's
 * variables: a variables file given later overrides one given earlier, and any overrides the
 * declaration's default (the caller passes them in Terraform's order: `terraform.tfvars`,
 * `terraform.tfvars.json`, `*.auto.tfvars` in name order, then `-var-file`s). `-var` and `TF_VAR_`
 * environment variables are the caller's and stay unknown. A variable declared `sensitive` is never
 * read: its value could end up in a report. A value that is itself an expression is no value.
 */
export function moduleScope(files: readonly ModuleFile[], variablesFiles: readonly VariablesFile[]): TerraformScope {
  const vars = new Map<string, TerraformValue>();
  const unset = new Map<string, string>();
  const locals = new Map<string, unknown>();
  // An override file (`override.tf`, `*_override.tf`, given last) merges its arguments into the
  // declaration it names: a later body's `default` replaces an earlier one, its absence keeps it.
  const declared = new Map<string, { body: Obj; file: string; text: string | undefined }>();
  for (const { file, config, text } of files) {
    for (const block of blocks(config.locals)) for (const [k, v] of Object.entries(block)) locals.set(k, v);
    const variables = isObj(config.variable) ? config.variable : {};
    for (const [name, bodies] of Object.entries(variables)) {
      const body = blocks(bodies)[0] ?? {};
      const before = declared.get(name);
      const where = Object.prototype.hasOwnProperty.call(body, 'default') || !before ? { file, text } : before;
      declared.set(name, { body: { ...before?.body, ...body }, file: where.file, text: where.text });
    }
  }
  for (const [name, { body, file, text }] of declared) {
    if (isSensitive(body)) {
      unset.set(name, `var.${name} is sensitive: its value is not read`);
    } else if (Object.prototype.hasOwnProperty.call(body, 'default') && !holdsExpression(body.default)) {
      vars.set(name, { value: typed(body.default, body.type), from: `the default in ${at(file, declarationLine(text, name))}` });
    } else {
      unset.set(name, `var.${name} has no default: its value is given when Terraform runs (-var, a .tfvars file)`);
    }
  }
  for (const { file, values, text } of variablesFiles) {
    for (const [name, value] of Object.entries(values)) {
      const declaration = declared.get(name)?.body;
      // Terraform warns of a value for an undeclared variable and ignores it.
      if (!declaration || isSensitive(declaration) || holdsExpression(value)) continue;
      vars.set(name, { value: typed(value, declaration.type), from: `set in ${at(file, assignmentLine(text, name))}` });
      unset.delete(name);
    }
  }
  return { vars, unset, locals };
}

function isSensitive(declaration: Obj): boolean {
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
 * A value converted to its variable's primitive type as Terraform converts it: `"true"` for a `bool`,
 * `"3"` for a `number`, and a number or bool for a `string`. Collections and unconvertible values
 * stay as written (Terraform would refuse the latter; the rules then read a string where they expect a flag).
 */
function typed(value: unknown, type: unknown): unknown {
  const t = typeof type === 'string' ? type.replace(/^\$\{\s*|\s*\}$/g, '') : '';
  if (t === 'bool' && typeof value === 'string' && (value === 'true' || value === 'false')) return value === 'true';
  if (t === 'number' && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  if (t === 'string' && (typeof value === 'number' || typeof value === 'boolean')) return String(value);
  return value;
}

function at(file: string, line: number | undefined): string {
  return line === undefined ? file : `${file}:${line}`;
}

/** `variable "NAME" {` (or the `"NAME":` key of JSON syntax) in a module file. */
function declarationLine(text: string | undefined, name: string): number | undefined {
  return lineOf(text, [new RegExp(`^[ \\t]*variable\\s+"?${escapeRegExp(name)}"?\\s*\\{`, 'm'), new RegExp(`"${escapeRegExp(name)}"\\s*:`)]);
}

/** `NAME =` at the start of a line of a variables file (or its `"NAME":` key in JSON). */
function assignmentLine(text: string | undefined, name: string): number | undefined {
  return lineOf(text, [new RegExp(`^[ \\t]*${escapeRegExp(name)}\\s*=`, 'm'), new RegExp(`"${escapeRegExp(name)}"\\s*:`)]);
}

function lineOf(text: string | undefined, patterns: readonly RegExp[]): number | undefined {
  if (text === undefined) return undefined;
  for (const p of patterns) {
    const m = p.exec(text);
    if (m) return lineAt(text, m.index + (m[0].length - m[0].trimStart().length));
  }
  return undefined;
}
