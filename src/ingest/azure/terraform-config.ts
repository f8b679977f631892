import { asObj, isObj, setOwn, type Obj, type Resource } from '../../core/resource.js';
import { UNKNOWN_KEY, unknownMarker } from '../../core/unknown.js';
import { escapeRegExp, TERRAFORM_TYPES, type AzureDecoded } from './kinds.js';
import { lineAt } from '../../core/lines.js';

/** Arguments that steer Terraform itself rather than set an attribute of the resource. */
const META_ARGUMENTS = new Set(['count', 'for_each', 'depends_on', 'lifecycle', 'provider', 'provisioner', 'connection']);

/** Terraform configuration in JSON syntax (`*.tf.json`, and what the HCL parser produces): `{resource: {TYPE: {LABEL: [...]}}}`. */
export function isTerraformConfig(value: Obj): boolean {
  const resource = asObj(value.resource);
  return resource !== undefined && Object.keys(resource).some((t) => t.startsWith('azurerm_'));
}

/**
 * The AKS resources of a Terraform configuration, as plan-style values: attributes as values,
 * nested blocks as arrays of objects. A `local.NAME` whose value is written as a literal in the same
 * file is that value; other references and interpolations (variables, other resources, functions)
 * are decided by Terraform at plan time and become the unknown marker naming the expression.
 */
export function terraformConfigResources(config: Obj, source: string, text: string | undefined, fallbackLine: number, format: string): AzureDecoded {
  const resources: Resource[] = [];
  const locals = literalLocals(config);
  const blocks = asObj(config.resource) ?? {};
  const cursors = new Map<string, number>();
  for (const [type, byLabel] of Object.entries(blocks)) {
    if (!TERRAFORM_TYPES.has(type) || !isObj(byLabel)) continue;
    for (const [label, bodies] of Object.entries(byLabel)) {
      for (const body of Array.isArray(bodies) ? bodies : [bodies]) {
        if (!isObj(body)) continue;
        const line = blockLine(text, type, label, cursors) ?? fallbackLine;
        // `count = 0` creates nothing.
        if (body.count === 0) continue;
        resources.push({
          apiVersion: 'terraform',
          kind: type,
          namespace: null,
          name: label,
          object: blockValues(body, `${type}.${label}`, locals),
          source: { file: source, line },
          format,
        });
      }
    }
  }
  // The parser orders blocks by name; the file's order reads better in reports.
  resources.sort((a, b) => a.source.line - b.source.line);
  const notes = resources.length === 0
    ? [{ source, line: fallbackLine, message: 'Terraform configuration without azurerm_kubernetes_cluster, node pool or diagnostic setting resources; skipped' }]
    : [];
  return { resources, notes };
}

/** Literal values of `local.NAME`, by name. */
type Locals = ReadonlyMap<string, unknown>;

function blockValues(body: Obj, path: string, locals: Locals): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(body)) {
    if (META_ARGUMENTS.has(k)) continue;
    if (k === 'dynamic' && isObj(v)) {
      for (const name of Object.keys(v)) setOwn(out, name, unknownMarker(`${path}.${name} is a dynamic block, expanded by Terraform`));
      continue;
    }
    setOwn(out, k, convert(v, `${path}.${k}`, locals, 0));
  }
  return out;
}

function convert(v: unknown, path: string, locals: Locals, depth: number): unknown {
  if (typeof v === 'string') return stringValue(v, locals);
  if (depth > 100 || v === null || typeof v !== 'object') return v ?? null;
  if (Array.isArray(v)) return v.map((x, i) => (isObj(x) ? blockOrMap(x, `${path}[${i}]`, locals, depth + 1) : convert(x, `${path}[${i}]`, locals, depth + 1)));
  return blockOrMap(v as Obj, path, locals, depth + 1);
}

/** Nested blocks and map values look alike in the JSON form; both keep their keys, and a block's `dynamic` is expanded only by Terraform. */
function blockOrMap(v: Obj, path: string, locals: Locals, depth: number): Obj {
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'dynamic' && isObj(x)) {
      for (const name of Object.keys(x)) setOwn(out, name, unknownMarker(`${path}.${name} is a dynamic block, expanded by Terraform`));
      continue;
    }
    setOwn(out, k, convert(x, `${path}.${k}`, locals, depth));
  }
  return out;
}

const EXPRESSION = /(^|[^$])\$\{|(^|[^%])%\{/;
/** `${local.NAME}`, `${local.NAME.key}`, `${local.NAME[0]}`, `${local.NAME["key"]}` (not escaped as `$${`). */
const LOCAL_REF = /(?<!\$)\$\{\s*local\.([\w-]+)((?:\.[\w-]+|\[\d+\]|\["[^"\\]*"\])*)\s*\}/g;
/** A string that is one local reference and nothing else. */
const WHOLE_LOCAL_REF = new RegExp(`^${LOCAL_REF.source}$`);

/**
 * A string with `${...}` or `%{...}` (not escaped as `$${` / `%%{`) is an expression; otherwise a
 * literal. References to literal locals are replaced by their values first: the whole string when it
 * is one reference (any type), each interpolation of a string, number or bool otherwise.
 */
function stringValue(s: string, locals: Locals): unknown {
  if (!EXPRESSION.test(s)) return unescape(s);
  const whole = WHOLE_LOCAL_REF.exec(s.trim());
  if (whole) {
    const value = localValue(locals, whole[1] as string, whole[2] as string);
    if (value !== undefined) return structuredClone(value);
  } else {
    const substituted = s.replace(LOCAL_REF, (ref, name: string, rest: string) => {
      const value = localValue(locals, name, rest);
      return isScalar(value) && !EXPRESSION.test(String(value)) ? escape(String(value)) : ref;
    });
    if (!EXPRESSION.test(substituted)) return unescape(substituted);
  }
  const wholeExpr = /^\$\{([\s\S]*)\}$/.exec(s);
  const expr = wholeExpr && !wholeExpr[1]?.includes('${') ? (wholeExpr[1] as string) : s;
  return unknownMarker(`${clip(expr)} is resolved by Terraform`);
}

function unescape(s: string): string {
  return s.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}

function escape(s: string): string {
  return s.replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** The value at `local.NAME` followed by `.key`, `[0]`, `["key"]` steps, or undefined when it is not a known literal. */
function localValue(locals: Locals, name: string, rest: string): unknown {
  if (!locals.has(name)) return undefined;
  let cur: unknown = locals.get(name);
  for (const step of rest.matchAll(/\.([\w-]+)|\[(\d+)\]|\["([^"\\]*)"\]/g)) {
    const key = step[1] ?? step[3];
    if (key !== undefined) cur = isObj(cur) && Object.prototype.hasOwnProperty.call(cur, key) ? cur[key] : undefined;
    else cur = Array.isArray(cur) ? cur[Number(step[2])] : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

/**
 * The `locals` of the file whose values are literals, or references to such locals: Terraform
 * evaluates them to the same value in every plan, unlike a variable, which the caller sets. A local
 * written in another file of the module stays unknown here.
 */
function literalLocals(config: Obj): Locals {
  const written = new Map<string, unknown>();
  for (const block of Array.isArray(config.locals) ? config.locals : [config.locals]) {
    if (!isObj(block)) continue;
    for (const [k, v] of Object.entries(block)) written.set(k, v);
  }
  const known = new Map<string, unknown>();
  // Each pass settles the locals whose references settled in the one before; a cycle settles nothing.
  for (let pass = 0; pass <= written.size; pass++) {
    let settled = false;
    for (const [k, v] of written) {
      if (known.has(k)) continue;
      const value = literalValue(v, known, 0);
      if (value === undefined) continue;
      known.set(k, value);
      settled = true;
    }
    if (!settled) break;
  }
  return known;
}

/** The value of a locals entry when it is made of literals and known locals only, else undefined. */
function literalValue(v: unknown, known: Locals, depth: number): unknown {
  if (depth > 32) return undefined;
  if (typeof v === 'string') {
    const value = stringValue(v, known);
    return isObj(value) && Object.prototype.hasOwnProperty.call(value, UNKNOWN_KEY) ? undefined : value;
  }
  if (v === null || typeof v !== 'object') return v;
  const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
  const out: unknown[] | Obj = Array.isArray(v) ? [] : {};
  for (const [k, x] of entries) {
    const value = literalValue(x, known, depth + 1);
    if (value === undefined) return undefined;
    if (Array.isArray(out)) out.push(value);
    else setOwn(out, String(k), value);
  }
  return out;
}

function blockLine(text: string | undefined, type: string, label: string, cursors: Map<string, number>): number | undefined {
  if (text === undefined) return undefined;
  const key = `${type}.${label}`;
  // HCL: `resource "TYPE" "LABEL" {` (labels may be bare identifiers); JSON syntax: the `"LABEL":` key after the type.
  const hcl = new RegExp(`^[ \\t]*resource\\s+"?${escapeRegExp(type)}"?\\s+"?${escapeRegExp(label)}"?\\s*\\{`, 'gm');
  hcl.lastIndex = cursors.get(key) ?? 0;
  let m = hcl.exec(text);
  if (!m) {
    const json = new RegExp(`${escapeRegExp(JSON.stringify(label))}\\s*:`, 'g');
    const typeAt = text.indexOf(JSON.stringify(type));
    json.lastIndex = Math.max(cursors.get(key) ?? 0, typeAt < 0 ? 0 : typeAt);
    m = json.exec(text);
  }
  if (!m) return undefined;
  cursors.set(key, m.index + m[0].length);
  return lineAt(text, m.index + (m[0].length - m[0].trimStart().length));
}

function clip(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
