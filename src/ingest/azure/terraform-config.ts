import { asObj, isObj, setOwn, type Obj, type Resource } from '../../core/resource.js';
import { UNKNOWN_KEY, unknownMarker } from '../../core/unknown.js';
import { AZAPI_RESOURCE, AZAPI_UPDATE_RESOURCE, azapiKind, azapiUpdateNote, decodedBody, escapeRegExp, TERRAFORM_TYPES, type AzureDecoded } from './kinds.js';
import { lineAt } from '../../core/lines.js';
import type { InputNote } from '../../core/errors.js';
import { EXPRESSION, moduleScope, unescapeTemplate, type TerraformScope } from './terraform-scope.js';
import { convertsFromString } from './terraform-types.js';
import { evaluateTemplate, jsonencodedValue, type Lookup } from './terraform-expression.js';

/** The note on a configuration that declares none of the resources read. */
export const WITHOUT_AKS_RESOURCES = 'Terraform configuration without AKS cluster, node pool or diagnostic setting resources (azurerm, or AzAPI clusters and pools); skipped';

/** Arguments that steer Terraform itself rather than set an attribute of the resource. */
const META_ARGUMENTS = new Set(['count', 'for_each', 'depends_on', 'lifecycle', 'provider', 'provisioner', 'connection']);

/** Terraform configuration in JSON syntax (`*.tf.json`, and what the HCL parser produces): `{resource: {TYPE: {LABEL: [...]}}}`. */
export function isTerraformConfig(value: Obj): boolean {
  const resource = asObj(value.resource);
  return resource !== undefined && Object.keys(resource).some((t) => t.startsWith('azurerm_') || t.startsWith('azapi_'));
}

/**
 * The AKS resources of a Terraform configuration, as plan-style values: attributes as values,
 * nested blocks as arrays of objects. A reference to a variable with a value written down (its
 * default, a variables file Terraform loads by itself) or to a local made of such values and
 * literals is that value; `scope` holds the module's (by default, what this file declares). Other
 * references and interpolations (other resources, functions) are decided by Terraform at plan time
 * and become the unknown marker naming the expression. A resource whose values came from variables
 * says which, by field, in `valueSources`.
 */
export function terraformConfigResources(
  config: Obj,
  source: string,
  text: string | undefined,
  fallbackLine: number,
  format: string,
  scope: TerraformScope = moduleScope([{ file: source, config, ...(text !== undefined ? { text } : {}) }], []),
  budget: RepetitionBudget = { left: MAX_REPEATED_RESOURCES, why: `the file's resources would be over ${MAX_REPEATED_RESOURCES}` },
): AzureDecoded {
  const resources: Resource[] = [];
  const notes: InputNote[] = [];
  const refs = refsOf(scope);
  const blocks = asObj(config.resource) ?? {};
  const cursors = new Map<string, number>();
  for (const [type, byLabel] of Object.entries(blocks)) {
    if ((!TERRAFORM_TYPES.has(type) && type !== AZAPI_RESOURCE) || !isObj(byLabel)) continue;
    for (const [label, bodies] of Object.entries(byLabel)) {
      for (const body of Array.isArray(bodies) ? bodies : [bodies]) {
        if (!isObj(body)) continue;
        // An AzAPI resource is read when it creates an AKS cluster, pool or diagnostic setting, as the ARM resource its body describes.
        const azapi = type === AZAPI_RESOURCE ? azapiType(body.type, refs) : undefined;
        const kind = azapi ? azapiKind(azapi.value) : type;
        if (!kind) {
          // One whose type only Terraform knows may be any: said, unless count or for_each leaves it out.
          if (azapi?.unknown !== undefined && repetitionsOf(body.count, body.for_each, refs)?.length !== 0) {
            const message = `${type}.${label}: its type is known only when Terraform runs (${azapi.unknown}); if it creates an AKS cluster, node pool or diagnostic setting, that is not checked here`;
            notes.push({ source, line: blockLine(text, type, label, cursors) ?? fallbackLine, message });
          }
          continue;
        }
        const line = blockLine(text, type, label, cursors) ?? fallbackLine;
        // A known `count` or `for_each` makes one resource per index or key (none for 0 or an empty
        // collection), as Terraform names them; an unknown one, one resource standing for all.
        let repeated = repetitionsOf(body.count, body.for_each, refs);
        if (repeated && repeated.length - 1 > budget.left) {
          notes.push({ source, line, message: `${type}.${label}: ${body.for_each === undefined ? 'its count is read once for all its indexes, not per index' : 'its for_each is read once for all its keys, not per key'}: ${budget.why}` });
          repeated = undefined;
        } else if (repeated) budget.left -= Math.max(0, repeated.length - 1);
        for (const instance of repeated ?? [undefined]) {
          const ctx: Conversion = { refs: instance ? { ...refs, ...instance.refs } : refs, prefix: `${type}.${label}`, sources: {}, dynamic: { left: MAX_DYNAMIC_BLOCKS } };
          const object = blockValues(body, ctx.prefix, ctx);
          if (type === AZAPI_RESOURCE) readStringBody(object, body.body, ctx.refs, `${type}.${label}${instance?.key ?? ''}.body`);
          resources.push({
            apiVersion: 'terraform',
            kind,
            namespace: null,
            name: instance ? `${label}${instance.key}` : label,
            object,
            source: { file: source, line },
            format,
            ...(Object.keys(ctx.sources).length ? { valueSources: ctx.sources } : {}),
          });
        }
      }
    }
  }
  // An AzAPI update patches a cluster made elsewhere: said, not skipped in silence.
  for (const [label, bodies] of Object.entries(asObj(blocks[AZAPI_UPDATE_RESOURCE]) ?? {})) {
    for (const body of (Array.isArray(bodies) ? bodies : [bodies]).filter(isObj)) {
      // One that `count = 0` or an empty `for_each` leaves out changes nothing.
      if (repetitionsOf(body.count, body.for_each, refs)?.length === 0) continue;
      const why = azapiUpdateNote(AZAPI_UPDATE_RESOURCE, `${AZAPI_UPDATE_RESOURCE}.${label}`, azapiType(body.type, refs).value);
      if (why) notes.push({ source, line: blockLine(text, AZAPI_UPDATE_RESOURCE, label, cursors) ?? fallbackLine, message: why });
    }
  }
  // The parser orders blocks by name; the file's order reads better in reports.
  resources.sort((a, b) => a.source.line - b.source.line);
  // A file of only variables, outputs or providers is part of a module, not something left out.
  if (resources.length === 0 && notes.length === 0 && Object.keys(blocks).length > 0) {
    notes.push({ source, line: fallbackLine, message: WITHOUT_AKS_RESOURCES });
  }
  return { resources, notes };
}

/**
 * An AzAPI resource's `type` as Terraform evaluates it (`var.resource_types.cluster` in the Azure Verified
 * Module), else as written: a version left to Terraform (`@${local.api_version}`) still names the ARM type.
 */
function azapiType(written: unknown, refs: Refs): { value: unknown; unknown?: string } {
  if (typeof written !== 'string') return { value: written };
  const value = stringValue(written, refs, new Set());
  if (typeof value === 'string' || azapiKind(written) !== undefined) return { value: typeof value === 'string' ? value : written };
  return { value: undefined, unknown: isObj(value) && typeof value[UNKNOWN_KEY] === 'string' ? value[UNKNOWN_KEY] : 'not known offline' };
}

/**
 * A module call's argument as Terraform evaluates it in `scope`, in one instance of a repeated call:
 * the value with the variables it was made from, or undefined when it is not known offline. A value of
 * known shape keeps the parts only Terraform knows as unknown markers (an object with a resource id in it).
 */
export function evaluateIn(scope: TerraformScope, value: unknown, instance?: InstanceRefs): { value: unknown; vars: ReadonlySet<string> } | undefined {
  const vars = new Set<string>();
  const refs: Refs = { ...refsOf(scope), ...instance };
  const resolved = literalValue(value, refs, 0, vars, true);
  return resolved === undefined ? undefined : { value: resolved, vars };
}

/** One instance of a `for_each`: `each.key`, `each.value`, and the variables the collection came from. */
export interface Each {
  key: string;
  value: unknown;
  vars: ReadonlySet<string>;
}

/** One instance of a `count`: `count.index`, and the variables the number came from. */
export interface CountIndex {
  index: number;
  vars: ReadonlySet<string>;
}

/** What one instance of a repeated resource or call reads: `each.` or `count.`. */
export interface InstanceRefs {
  each?: Each;
  count?: CountIndex;
}

/** One instance `count` or `for_each` makes: its key in the address (`[0]`, `["blue"]`) and what it reads. */
export interface Repetition {
  key: string;
  refs: InstanceRefs;
}

/** Instances of one `count` or `for_each` past which they are left to Terraform: a real one has tens. */
const MAX_EACH = 1000;

/**
 * The resources `count` and `for_each` may add in one root module and the modules it calls, or in
 * one file read alone: a few lines naming one large variable many times would otherwise make millions.
 */
export const MAX_REPEATED_RESOURCES = 5000;

/** How many resources `count` and `for_each` may still add (beyond one per block), shared by what it is given to, and why not more. */
export interface RepetitionBudget {
  left: number;
  readonly why: string;
}

/**
 * The instances of a resource or module call, evaluated in `scope`: none for `count = 0` or an empty
 * `for_each`; one per index of a known `count` (`[0]`, with `count.index`) or per key of a known
 * `for_each` (`["blue"]`, with `each.key` and `each.value`). Undefined when neither is written, or
 * when the number or the collection is not known offline or is too large to be real: one instance
 * then stands for all.
 */
export function repetitionsIn(scope: TerraformScope, count: unknown, forEach: unknown): Repetition[] | undefined {
  return repetitionsOf(count, forEach, refsOf(scope));
}

function repetitionsOf(count: unknown, forEach: unknown, refs: Refs): Repetition[] | undefined {
  const n = count === undefined ? undefined : countOf(count, refs);
  if (n?.value === 0) return [];
  // Terraform refuses both at once; `for_each` is what these values can say more of.
  if (forEach !== undefined) return forEachOf(forEach, refs)?.map((each) => ({ key: `[${JSON.stringify(each.key)}]`, refs: { each } }));
  if (n === undefined) return undefined;
  return Array.from({ length: n.value }, (_, index) => ({ key: `[${index}]`, refs: { count: { index, vars: n.vars } } }));
}

/**
 * A known `count`: a whole number from 0 up, or a string of one (`"2"`, `"2.0"`: Terraform converts it). Undefined
 * when unknown, when Terraform would refuse it (negative, fractional, another type), or when too large.
 */
function countOf(count: unknown, refs: Refs): { value: number; vars: ReadonlySet<string> } | undefined {
  const vars = new Set<string>();
  const value = literalValue(count, refs, 0, vars);
  const n = typeof value === 'string' && value.length <= 32 && convertsFromString(value, 'number') ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= MAX_EACH ? { value: n, vars } : undefined;
}

function forEachOf(forEach: unknown, refs: Refs): Each[] | undefined {
  const vars = new Set<string>();
  const value = literalValue(forEach, refs, 0, vars);
  let each: Each[] | undefined;
  if (isObj(value)) each = Object.entries(value).map(([key, v]) => ({ key, value: v, vars }));
  else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) each = [...new Set(value)].map((key) => ({ key, value: key, vars }));
  return each && each.length <= MAX_EACH ? each : undefined;
}

/** A local resolved to a value, with the variables it was made from. */
interface ResolvedLocal {
  value: unknown;
  vars: ReadonlySet<string>;
}

interface Refs {
  scope: TerraformScope;
  /** `local.NAME` resolved, or undefined when it is not known offline (or not written). */
  local(name: string): ResolvedLocal | undefined;
  /** In a resource or module call with a known `for_each`: the instance being read. */
  each?: Each;
  /** In a resource or module call with a known `count`: the instance being read. */
  count?: CountIndex;
  /** In the content of dynamic blocks: each iterator's element (`NAME.key`, `NAME.value`). */
  iterators?: ReadonlyMap<string, { key?: string; value: unknown }>;
}

/** One resource's conversion: what references resolve to, and where variables' values went. */
interface Conversion {
  refs: Refs;
  /** Dynamic blocks the resource may still expand: shared by the whole conversion. */
  dynamic: { left: number };
  /** `TYPE.LABEL`, which the fields in `sources` leave out. */
  prefix: string;
  /** Field (`api_server_access_profile[0].authorized_ip_ranges`) → the variables its value came from. */
  sources: Record<string, string>;
}

function blockValues(body: Obj, path: string, ctx: Conversion): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(body)) {
    if (META_ARGUMENTS.has(k)) continue;
    if (k === 'dynamic' && isObj(v)) setDynamic(out, v, path, ctx, 0);
    else setBlock(out, k, convert(v, `${path}.${k}`, ctx, 0));
  }
  return out;
}

function convert(v: unknown, path: string, ctx: Conversion, depth: number): unknown {
  if (typeof v === 'string') {
    const used = new Set<string>();
    const value = stringValue(v, ctx.refs, used, true);
    // A value made of many (an object from a local) is not said to come from all of them at each of its parts.
    if (used.size > 0 && !isUnknown(value) && isLeafValue(value)) setOwn(ctx.sources, path.slice(ctx.prefix.length + 1), describeVars(used, ctx.refs.scope));
    return value;
  }
  if (depth > 100 || v === null || typeof v !== 'object') return v ?? null;
  if (Array.isArray(v)) return v.map((x, i) => (isObj(x) ? blockOrMap(x, `${path}[${i}]`, ctx, depth + 1) : convert(x, `${path}[${i}]`, ctx, depth + 1)));
  return blockOrMap(v as Obj, path, ctx, depth + 1);
}

/** Nested blocks and map values look alike in the JSON form; both keep their keys, and a block's `dynamic` blocks are expanded. */
function blockOrMap(v: Obj, path: string, ctx: Conversion, depth: number): Obj {
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'dynamic' && isObj(x)) setDynamic(out, x, path, ctx, depth);
    else setBlock(out, k, convert(x, `${path}.${k}`, ctx, depth));
  }
  return out;
}

/** Sets a block written both as blocks and as dynamic blocks to all of them; one side unknown makes the whole unknown. */
function setBlock(out: Obj, name: string, value: unknown): void {
  const before = Object.prototype.hasOwnProperty.call(out, name) ? out[name] : undefined;
  if (before === undefined) setOwn(out, name, value);
  else if (Array.isArray(before) && Array.isArray(value)) setOwn(out, name, [...before, ...value]);
  else setOwn(out, name, isUnknown(before) ? before : value);
}

/** Dynamic blocks a configuration may expand at most, per resource: nested ones multiply. */
const MAX_DYNAMIC_BLOCKS = 1000;

/**
 * The `dynamic "NAME"` blocks of a body, each expanded as Terraform expands it when its `for_each` is
 * known: one block per element, its `content` read with the iterator (`NAME`, or the `iterator`
 * given) as `NAME.key` and `NAME.value`. Unknown to Terraform when the collection is not known.
 */
function setDynamic(out: Obj, spec: Obj, path: string, ctx: Conversion, depth: number): void {
  for (const [name, bodies] of Object.entries(spec)) {
    const at = `${path}.${name}`;
    const expanded: Obj[] = [];
    const used = new Set<string>();
    let value: unknown = expanded;
    for (const body of (Array.isArray(bodies) ? bodies : [bodies]).filter(isObj)) {
      const each = dynamicEach(literalValue(body.for_each, ctx.refs, 0, used));
      if (!each || expanded.length + each.length > ctx.dynamic.left) {
        value = unknownMarker(`${at} is a dynamic block, expanded by Terraform`);
        break;
      }
      const iterator = typeof body.iterator === 'string' ? body.iterator.replace(/^\$\{\s*|\s*\}$/g, '') : name;
      const content = (Array.isArray(body.content) ? body.content : [body.content]).find(isObj) ?? {};
      for (const element of each) {
        const iterators = new Map(ctx.refs.iterators ?? []);
        iterators.set(iterator, element);
        expanded.push(blockOrMap(content, `${at}[${expanded.length}]`, { ...ctx, refs: { ...ctx.refs, iterators } }, depth + 1));
      }
    }
    if (Array.isArray(value)) {
      ctx.dynamic.left -= expanded.length;
      if (used.size > 0) setOwn(ctx.sources, at.slice(ctx.prefix.length + 1), describeVars(used, ctx.refs.scope));
    }
    setBlock(out, name, value);
  }
}

/**
 * The elements of a dynamic block's `for_each`, in Terraform's order: a map's entries by key; a list's
 * or set's items, without a key, since a list's is its index and a set's its element and these values
 * do not say which (`NAME.key` is then left to Terraform). Undefined when not known.
 */
function dynamicEach(collection: unknown): { key?: string; value: unknown }[] | undefined {
  let each: { key?: string; value: unknown }[] | undefined;
  if (isObj(collection)) each = Object.keys(collection).sort().map((key) => ({ key, value: collection[key] }));
  else if (Array.isArray(collection)) each = collection.map((value) => ({ value }));
  return each && each.length <= MAX_EACH ? each : undefined;
}

/** `var.office_ip_ranges, the default in variables.tf:12`, for each variable used. */
function describeVars(used: ReadonlySet<string>, scope: TerraformScope): string {
  return [...used].sort().map((name) => `var.${name}, ${scope.vars.get(name)?.from ?? 'its value'}`).join('; ');
}

/** A primitive, or a list of primitives: a value whose variables can be named at each of its findings. */
function isLeafValue(v: unknown): boolean {
  return v === null || typeof v !== 'object' || (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object'));
}

function isUnknown(v: unknown): boolean {
  return isObj(v) && Object.prototype.hasOwnProperty.call(v, UNKNOWN_KEY);
}

/** A string that is one reference and nothing else: `${var.NAME}`, with `.key`, `[0]`, `["key"]` steps after the name. */
const WHOLE_REF = /^\$\{\s*(local|var|each)\.([\w-]+)((?:\.[\w-]+|\[\d+\]|\["[^"\\]*"\])*)\s*\}$/;

/**
 * A string with `${...}` or `%{...}` (not escaped as `$${` / `%%{`) is an expression, evaluated as
 * Terraform would with the values known offline (terraform-expression.ts); otherwise a literal. The
 * variables whose values a known result was made from are added to `used`. An unknown result is the
 * unknown marker: why a variable referred to alone has no value, or the expression left to Terraform.
 * With `partial`, a value of known shape keeps its known parts, each unknown one a marker saying where
 * it is; `refused` is told when Terraform would refuse the expression rather than decide it later.
 */
function stringValue(s: string, refs: Refs, used: Set<string>, partial = false, refused?: { seen: boolean }): unknown {
  if (!EXPRESSION.test(s)) return unescapeTemplate(s);
  const mine = new Set<string>();
  const unknownAt = partial ? (path: string) => unknownMarker(`${clip(withInstanceKeys(expressionOf(s), refs))} (${path.replace(/^\./, '')})${RESOLVED_LATER}`) : undefined;
  const result = evaluateTemplate(s, refs.iterators, lookupOf(refs, mine), refs.scope.work, unknownAt);
  if (!result.known && result.refused && refused) refused.seen = true;
  if (result.known) {
    for (const v of mine) used.add(v);
    // Shared with the variable or local it came from, never copied: nothing changes a resource's
    // object once read, and a large value used by many module instances would multiply the memory.
    return result.value;
  }
  const whole = WHOLE_REF.exec(s.trim());
  const why = whole?.[1] === 'var' ? refs.scope.unset.get(whole[2] as string) : undefined;
  if (why !== undefined) return unknownMarker(why);
  return unknownMarker(`${clip(withInstanceKeys(expressionOf(s), refs))}${RESOLVED_LATER}`);
}

/** The expression of a string that is one `${...}`, else the template as written: what a reason quotes. */
function expressionOf(s: string): string {
  const wholeExpr = /^\$\{([\s\S]*)\}$/.exec(s);
  return wholeExpr && !wholeExpr[1]?.includes('${') ? (wholeExpr[1] as string) : s;
}

/** What references name in `refs`, adding the variables a value was made from to `mine`. */
function lookupOf(refs: Refs, mine: Set<string>): Lookup {
  return (kind, name) => {
    const base = kind === 'var' ? refs.scope.vars.get(name) : kind === 'local' ? refs.local(name) : kind === 'each' ? eachRef(refs.each, name) : kind === 'count' ? countRef(refs.count, name) : terraformRef(refs.scope, name);
    if (base === undefined) return undefined;
    if ('from' in base) mine.add(name);
    else for (const v of base.vars) mine.add(v);
    return base;
  };
}

/**
 * An AzAPI body written as a string, as AzAPI before 2.0 takes it, read as the object AzAPI sends:
 * `jsonencode({...})` evaluated value by value (what only Terraform knows is unknown in place, not the
 * whole body), a JSON text (a heredoc) decoded.
 */
function readStringBody(object: Obj, written: unknown, refs: Refs, where: string): void {
  if (typeof written !== 'string') return;
  const encoded = EXPRESSION.test(written) ? jsonencodedValue(written, refs.iterators, lookupOf(refs, new Set()), (path) => unknownMarker(`${where}${path}${RESOLVED_LATER}`), refs.scope.work) : undefined;
  if (encoded) setOwn(object, 'body', encoded.value);
  else if (typeof object.body === 'string') setOwn(object, 'body', decodedBody(object.body, where));
}

/** How an expression left to Terraform is said to be. */
const RESOLVED_LATER = ' is resolved by Terraform';

/**
 * An expression with `[count.index]` and `[each.key]` written as the instance's own index or key:
 * `azurerm_kubernetes_cluster.main[1].id` says which instance a pool of `count = 2` names.
 */
function withInstanceKeys(expr: string, refs: Refs): string {
  let out = expr;
  if (refs.count) out = out.replace(/\[\s*count\.index\s*\]/g, `[${refs.count.index}]`);
  const each = refs.each;
  if (each) out = out.replace(/\[\s*each\.key\s*\]/g, () => `[${JSON.stringify(each.key)}]`);
  return out;
}

function eachRef(each: Each | undefined, name: string): ResolvedLocal | undefined {
  if (!each) return undefined;
  return name === 'key' ? { value: each.key, vars: each.vars } : name === 'value' ? { value: each.value, vars: each.vars } : undefined;
}

/** `terraform.workspace`, when the root module's workspace is known; it comes from no variable. */
function terraformRef(scope: TerraformScope, name: string): ResolvedLocal | undefined {
  return name === 'workspace' && scope.workspace !== undefined ? { value: scope.workspace, vars: NO_VARS } : undefined;
}

const NO_VARS: ReadonlySet<string> = new Set();

function countRef(count: CountIndex | undefined, name: string): ResolvedLocal | undefined {
  return count && name === 'index' ? { value: count.index, vars: count.vars } : undefined;
}

// The files of a module share one scope: its locals are resolved once, for all of them.
const REFS = new WeakMap<TerraformScope, Refs>();

/** Locals referring to locals deeper than this are left to Terraform: the resolution recurses. */
const MAX_LOCAL_DEPTH = 200;

/**
 * The references of a scope. A local is resolved when first used, and remembered: its value when
 * it is made of literals, known variables and such locals (Terraform evaluates it the same way in
 * every plan with those variables), else unknown. A local being resolved is unknown to itself, so a
 * cycle settles nothing.
 */
function refsOf(scope: TerraformScope): Refs {
  const cached = REFS.get(scope);
  if (cached) return cached;
  const done = new Map<string, ResolvedLocal | undefined>();
  let depth = 0;
  const refs: Refs = {
    scope,
    local(name) {
      if (done.has(name)) return done.get(name);
      if (!scope.locals.has(name) || depth >= MAX_LOCAL_DEPTH) return undefined;
      done.set(name, undefined);
      depth++;
      try {
        const vars = new Set<string>();
        const value = literalValue(scope.locals.get(name), refs, 0, vars, true);
        const resolved = value === undefined ? undefined : { value, vars };
        done.set(name, resolved);
        return resolved;
      } finally {
        depth--;
      }
    },
  };
  REFS.set(scope, refs);
  return refs;
}

/**
 * The value of a locals entry when it is made of literals and known references only, else undefined;
 * `partial`, a value of known shape keeps the parts only Terraform knows as unknown markers in place.
 */
function literalValue(v: unknown, refs: Refs, depth: number, used: Set<string>, partial = false): unknown {
  if (depth > 32) return undefined;
  if (typeof v === 'string') {
    const refused = { seen: false };
    const value = stringValue(v, refs, used, partial, refused);
    // Unknown as a whole: undefined, or in a value taken partly known, the marker in its place. A part
    // Terraform refuses fails the whole value (Terraform stops there): nothing of it is kept.
    return isUnknown(value) ? (partial && depth > 0 && !refused.seen ? value : undefined) : value;
  }
  if (v === null || typeof v !== 'object') return v;
  const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
  const out: unknown[] | Obj = Array.isArray(v) ? [] : {};
  for (const [k, x] of entries) {
    const value = literalValue(x, refs, depth + 1, used, partial);
    if (value === undefined) return undefined;
    if (Array.isArray(out)) out.push(value);
    else {
      // A key written as an expression (`(var.env) = 1`, `"${local.name}" = 2`) is its value.
      const key = typeof k === 'string' && EXPRESSION.test(k) ? stringValue(k, refs, used) : k;
      if (typeof key !== 'string' && typeof key !== 'number') return undefined;
      setOwn(out, String(key), value);
    }
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
