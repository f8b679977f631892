import { createHash } from 'node:crypto';
import { unknownMarker } from '../../core/unknown.js';
import { setOwn } from '../../core/resource.js';
import { ExpressionSyntaxError, isExpression, literalText, parseExpression, type Expr } from './arm-expression.js';

/** A value that cannot be decided offline, carried through evaluation and written out as the unknown marker. */
export class Unknown {
  constructor(readonly reason: string) {}
}

export type Value = null | boolean | number | string | Value[] | ValueObject | Unknown;
export interface ValueObject {
  [key: string]: Value;
}

/** A template that ARM would reject, or one too large to evaluate: reported, never thrown out of the evaluator. */
export class EvaluationError extends Error {
  override name = 'EvaluationError';
}

export interface EvaluationLimits {
  /** Expression nodes evaluated per template, across all its resources. */
  maxSteps: number;
  maxStringLength: number;
  maxArrayLength: number;
  /** ARM allows at most 800 copies. */
  maxCopies: number;
}

export const EVALUATION_LIMITS: EvaluationLimits = {
  maxSteps: 1_000_000,
  maxStringLength: 1_000_000,
  maxArrayLength: 100_000,
  maxCopies: 800,
};

/*
 * The deployment target is the same for every resource of one template, and these functions only
 * identify it: placeholders keep ids and generated names consistent between resources (a child's
 * `resourceId()` equals its parent's) without inventing a subscription. Values that describe the
 * target (its location, its tenant) stay unknown.
 */
const SUBSCRIPTION_ID = '{subscriptionId}';
const RESOURCE_GROUP = '{resourceGroupName}';

const DEPLOYMENT_TIME = new Set([
  'reference', 'deployment', 'environment', 'utcnow', 'newguid', 'pickzones', 'providers', 'managementgroup',
  'tenant', 'managementgroupresourceid', 'listkeys', 'listsecrets', 'listaccountsas', 'listservicesas',
]);

export type ErrorSink = (message: string) => void;

interface Shared {
  parameterDecls: ValueObjectRaw;
  supplied: Map<string, Value>;
  variableDecls: ValueObjectRaw;
  parameterCache: Map<string, Value>;
  variableCache: Map<string, Value>;
  inProgress: Set<string>;
  limits: EvaluationLimits;
  steps: number;
  parsed: Map<string, Expr>;
}

type ValueObjectRaw = Record<string, unknown>;

/**
 * Evaluates template values in one scope: a template's parameters and variables, and the copy loop
 * indices of the resource being evaluated. Problems go to `onError` and the value becomes unknown.
 */
export class TemplateScope {
  private constructor(
    private readonly shared: Shared,
    private readonly copies: ReadonlyMap<string, number | Unknown>,
    readonly onError: ErrorSink,
    /** The parameters of the lambdas being applied (`lambdaVariables('x')`), by lower-cased name. */
    private readonly lambdaValues: ReadonlyMap<string, Value> = new Map(),
  ) {}

  static create(template: ValueObjectRaw, onError: ErrorSink, supplied: Map<string, Value> = new Map(), limits: EvaluationLimits = EVALUATION_LIMITS): TemplateScope {
    const decls = (v: unknown): ValueObjectRaw => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as ValueObjectRaw) : {});
    return new TemplateScope(
      {
        parameterDecls: decls(getCI(template, 'parameters')),
        supplied,
        variableDecls: decls(getCI(template, 'variables')),
        parameterCache: new Map(),
        variableCache: new Map(),
        inProgress: new Set(),
        limits,
        steps: 0,
        parsed: new Map(),
      },
      new Map(),
      onError,
    );
  }

  /**
   * The same scope inside iteration `index` of a copy loop. A resource loop is also the loop of a bare
   * `copyIndex()`, so it is bound under its name and under ''.
   */
  withCopy(names: readonly string[], index: number | Unknown): TemplateScope {
    const copies = new Map(this.copies);
    for (const name of names) copies.set(name.toLowerCase(), index);
    return new TemplateScope(this.shared, copies, this.onError, this.lambdaValues);
  }

  /** Scope for evaluating the template's own variables: no copy loop or lambda of any resource is visible there. */
  private root(): TemplateScope {
    return this.copies.size === 0 && this.lambdaValues.size === 0 ? this : new TemplateScope(this.shared, new Map(), this.onError);
  }

  get limits(): EvaluationLimits {
    return this.shared.limits;
  }

  /** Deep evaluation of a template value: every expression string, and property `copy` loops. */
  evaluate(raw: unknown): Value {
    if (typeof raw === 'string') return isExpression(raw) ? this.evaluateString(raw) : literalText(raw);
    if (raw === null || raw === undefined) return null;
    if (typeof raw === 'number' || typeof raw === 'boolean') return raw;
    if (Array.isArray(raw)) return raw.map((v) => this.evaluate(v));
    if (typeof raw !== 'object') return null;
    const src = raw as ValueObjectRaw;
    const out: ValueObject = {};
    const loops = propertyCopies(src);
    for (const [k, v] of Object.entries(src)) {
      if (loops && k === 'copy') continue;
      setOwn(out, k, this.evaluate(v));
    }
    for (const loop of loops ?? []) setOwn(out, loop.name, this.expandCopy(loop.name, loop.count, loop.input));
    return out;
  }

  /** One expression string; a failure is reported and becomes an unknown value. */
  evaluateString(text: string): Value {
    try {
      let expr = this.shared.parsed.get(text);
      if (!expr) {
        expr = parseExpression(text.slice(1, -1));
        this.shared.parsed.set(text, expr);
      }
      return this.expr(expr);
    } catch (e) {
      if (!(e instanceof EvaluationError || e instanceof ExpressionSyntaxError)) throw e;
      this.onError(`cannot evaluate ${clip(text)}: ${e.message}`);
      return new Unknown(`${clip(text)} could not be evaluated: ${e.message}`);
    }
  }

  /** `count` iterations of `input` with copyIndex(name) bound, as ARM's property and variable loops produce. */
  expandCopy(name: string, countRaw: unknown, input: unknown): Value {
    const count = this.evaluate(countRaw);
    if (count instanceof Unknown) return new Unknown(`the number of '${name}' copies is unknown: ${count.reason}`);
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > this.limits.maxCopies) {
      this.onError(`copy loop '${name}': count must be an integer from 0 to ${this.limits.maxCopies}`);
      return new Unknown(`the copy loop '${name}' has an invalid count`);
    }
    const out: Value[] = [];
    for (let i = 0; i < count; i++) out.push(this.withCopy([name], i).evaluate(input));
    return out;
  }

  parameter(name: string): Value {
    const key = name.toLowerCase();
    const cached = this.shared.parameterCache.get(key);
    if (cached !== undefined) return cached;
    for (const [k, v] of this.shared.supplied) if (k.toLowerCase() === key) return v;
    const decl = getCI(this.shared.parameterDecls, name);
    if (decl === undefined) throw new EvaluationError(`the template has no parameter '${name}'`);
    const d = typeof decl === 'object' && decl !== null ? (decl as ValueObjectRaw) : {};
    const def = getCI(d, 'defaultValue');
    let value: Value;
    if (def === undefined) {
      value = new Unknown(`parameter '${name}' has no default value: it is supplied at deployment`);
    } else {
      const guard = `parameter:${key}`;
      if (this.shared.inProgress.has(guard)) throw new EvaluationError(`parameter '${name}' refers to itself`);
      this.shared.inProgress.add(guard);
      try {
        value = this.root().evaluate(def);
      } finally {
        this.shared.inProgress.delete(guard);
      }
    }
    this.shared.parameterCache.set(key, value);
    return value;
  }

  variable(name: string): Value {
    const key = name.toLowerCase();
    const cached = this.shared.variableCache.get(key);
    if (cached !== undefined) return cached;
    const guard = `variable:${key}`;
    if (this.shared.inProgress.has(guard)) throw new EvaluationError(`variable '${name}' refers to itself`);
    const decls = this.shared.variableDecls;
    let value: Value | undefined;
    this.shared.inProgress.add(guard);
    try {
      const loop = (propertyCopies(decls) ?? []).find((l) => l.name.toLowerCase() === key);
      if (loop) value = this.root().expandCopy(loop.name, loop.count, loop.input);
      else {
        const decl = key === 'copy' ? undefined : getCI(decls, name);
        if (decl === undefined) throw new EvaluationError(`the template has no variable '${name}'`);
        value = this.root().evaluate(decl);
      }
    } finally {
      this.shared.inProgress.delete(guard);
    }
    this.shared.variableCache.set(key, value);
    return value;
  }

  private step(): void {
    if (++this.shared.steps > this.limits.maxSteps) throw new EvaluationError(`the template needs more than ${this.limits.maxSteps} evaluation steps`);
  }

  private expr(e: Expr): Value {
    this.step();
    switch (e.t) {
      case 'literal':
        return e.value;
      case 'property': {
        const target = this.expr(e.target);
        if (target instanceof Unknown) return target;
        if (!isValueObject(target)) throw new EvaluationError(`cannot read property '${e.name}' of ${describe(target)}`);
        const v = getCI(target, e.name);
        if (v === undefined) throw new EvaluationError(`property '${e.name}' does not exist`);
        return v as Value;
      }
      case 'index': {
        const target = this.expr(e.target);
        const index = this.expr(e.index);
        if (target instanceof Unknown) return target;
        if (index instanceof Unknown) return index;
        if (Array.isArray(target)) {
          if (typeof index !== 'number' || !Number.isInteger(index)) throw new EvaluationError('an array index must be an integer');
          if (index < 0 || index >= target.length) throw new EvaluationError(`index ${index} is out of range (length ${target.length})`);
          return target[index] as Value;
        }
        if (isValueObject(target) && typeof index === 'string') {
          const v = getCI(target, index);
          if (v === undefined) throw new EvaluationError(`property '${index}' does not exist`);
          return v as Value;
        }
        throw new EvaluationError(`cannot index ${describe(target)}`);
      }
      case 'call':
        return this.call(e.name, e.args);
    }
  }

  private call(name: string, argExprs: Expr[]): Value {
    const fn = name.toLowerCase();
    // Lazy functions: an untaken branch may hold an expression that fails, and ARM does not evaluate it.
    switch (fn) {
      case 'if': {
        arity(name, argExprs, 3, 3);
        const cond = this.expr(argExprs[0] as Expr);
        if (cond instanceof Unknown) return cond;
        if (typeof cond !== 'boolean') throw new EvaluationError('if() needs a boolean condition');
        return this.expr(argExprs[cond ? 1 : 2] as Expr);
      }
      case 'and':
      case 'or': {
        arity(name, argExprs, 2);
        const decisive = fn === 'or';
        let unknown: Unknown | undefined;
        for (const a of argExprs) {
          const v = this.expr(a);
          if (v instanceof Unknown) unknown ??= v;
          else if (typeof v !== 'boolean') throw new EvaluationError(`${name}() needs boolean arguments`);
          else if (v === decisive) return decisive;
        }
        return unknown ?? !decisive;
      }
      case 'coalesce': {
        for (const a of argExprs) {
          const v = this.expr(a);
          if (v instanceof Unknown || v !== null) return v;
        }
        return null;
      }
      case 'parameters': {
        arity(name, argExprs, 1, 1);
        const n = this.expr(argExprs[0] as Expr);
        if (n instanceof Unknown) return n;
        return this.parameter(text(n, name));
      }
      case 'variables': {
        arity(name, argExprs, 1, 1);
        const n = this.expr(argExprs[0] as Expr);
        if (n instanceof Unknown) return n;
        return this.variable(text(n, name));
      }
      case 'lambdavariables': {
        arity(name, argExprs, 1, 1);
        const n = this.expr(argExprs[0] as Expr);
        if (n instanceof Unknown) return n;
        return this.lambdaVariable(text(n, name));
      }
      case 'lambda':
        throw new EvaluationError('lambda() can only be an argument of filter(), map(), reduce(), sort() or toObject()');
      case 'filter':
      case 'map':
      case 'reduce':
      case 'sort':
      case 'toobject':
        return this.lambdaFunction(fn, name, argExprs);
    }
    if (DEPLOYMENT_TIME.has(fn) || fn.startsWith('list')) return new Unknown(`${name}() is resolved at deployment`);
    const args = argExprs.map((a) => this.expr(a));
    // An unknown item of a new array or object leaves the rest of it known.
    const structural = fn === 'createarray' || fn === 'createobject';
    const unknown = args.find((a, i): a is Unknown => a instanceof Unknown && (!structural || (fn === 'createobject' && i % 2 === 0)));
    if (unknown) return unknown;
    const impl = FUNCTIONS[fn];
    if (!impl) return new Unknown(`${name}() is not evaluated offline`);
    if (DEEP.has(fn)) {
      for (const a of args) {
        const inner = firstUnknown(a);
        if (inner) return inner;
      }
    }
    const result = impl(args, { name, scope: this });
    if (typeof result === 'string' && result.length > this.limits.maxStringLength) throw new EvaluationError(`${name}() result over ${this.limits.maxStringLength} characters`);
    if (Array.isArray(result) && result.length > this.limits.maxArrayLength) throw new EvaluationError(`${name}() result over ${this.limits.maxArrayLength} items`);
    return result;
  }

  private lambdaVariable(name: string): Value {
    const v = this.lambdaValues.get(name.toLowerCase());
    if (v === undefined) throw new EvaluationError(`lambdaVariables('${name}') is outside a lambda with that parameter`);
    return v;
  }

  /** A `lambda('a', 'b', body)` argument: parameter names as strings, the body left unevaluated. */
  private lambdaArg(fn: string, e: Expr | undefined, minParams: number, maxParams: number): Lambda {
    if (e?.t !== 'call' || e.name.toLowerCase() !== 'lambda') throw new EvaluationError(`${fn}() needs a lambda() argument`);
    const params = e.args.slice(0, -1).map((p) => {
      const n = this.expr(p);
      if (typeof n !== 'string') throw new EvaluationError('lambda() parameter names are strings');
      return n.toLowerCase();
    });
    if (params.length < minParams || params.length > maxParams) {
      const want = minParams === maxParams ? `${minParams}` : `${minParams} to ${maxParams}`;
      throw new EvaluationError(`the lambda of ${fn}() takes ${want} parameter(s), got ${params.length}`);
    }
    return { params, body: e.args[e.args.length - 1] as Expr };
  }

  /** The lambda's body with its parameters bound to `values` (extra values, such as an index it does not declare, are dropped). */
  private apply(lambda: Lambda, values: Value[]): Value {
    const bound = new Map(this.lambdaValues);
    lambda.params.forEach((p, i) => bound.set(p, values[i] as Value));
    return new TemplateScope(this.shared, this.copies, this.onError, bound).expr(lambda.body);
  }

  /** The array a lambda function walks; undefined when it is unknown (the result is then unknown too). */
  private lambdaInput(fn: string, e: Expr | undefined): Value[] | Unknown {
    const v = this.expr(e as Expr);
    return v instanceof Unknown ? v : arrayArg(v, fn);
  }

  /**
   * filter, map, reduce, sort and toObject, as ARM evaluates them: the lambda runs once per item (for sort,
   * per comparison). An unknown item stays an unknown item of a map; where an unknown decides which items
   * are kept, in which order or under which key, the whole result is unknown.
   */
  private lambdaFunction(fn: string, name: string, argExprs: Expr[]): Value {
    arity(name, argExprs, fn === 'reduce' ? 3 : 2, fn === 'toobject' ? 3 : fn === 'reduce' ? 3 : 2);
    const input = this.lambdaInput(name, argExprs[0]);
    if (input instanceof Unknown) return input;
    switch (fn) {
      case 'map': {
        const lambda = this.lambdaArg(name, argExprs[1], 1, 2);
        return input.map((item, i) => this.apply(lambda, [item, i]));
      }
      case 'filter': {
        const lambda = this.lambdaArg(name, argExprs[1], 1, 2);
        const kept: Value[] = [];
        for (const [i, item] of input.entries()) {
          const keep = this.apply(lambda, [item, i]);
          if (keep instanceof Unknown) return new Unknown(`${name}() cannot tell which items it keeps: ${keep.reason}`);
          if (boolArg(keep, name)) kept.push(item);
        }
        return kept;
      }
      case 'reduce': {
        const initial = this.expr(argExprs[1] as Expr);
        const lambda = this.lambdaArg(name, argExprs[2], 2, 3);
        return input.reduce<Value>((acc, item, i) => this.apply(lambda, [acc, item, i]), initial);
      }
      case 'sort':
        return this.sorted(name, input, this.lambdaArg(name, argExprs[1], 2, 2));
      default:
        return this.toObject(name, input, this.lambdaArg(name, argExprs[1], 1, 1), argExprs[2] === undefined ? undefined : this.lambdaArg(name, argExprs[2], 1, 1));
    }
  }

  /** sort(): the lambda says whether its first argument goes before its second. */
  private sorted(name: string, input: Value[], before: Lambda): Value {
    let unknown: Unknown | undefined;
    const precedes = (a: Value, b: Value): boolean => {
      const r = this.apply(before, [a, b]);
      if (r instanceof Unknown) {
        unknown ??= new Unknown(`${name}() cannot tell the order of the items: ${r.reason}`);
        return false;
      }
      return boolArg(r, name);
    };
    const out = [...input].sort((a, b) => (precedes(a, b) ? -1 : precedes(b, a) ? 1 : 0));
    return unknown ?? out;
  }

  /** toObject(): one property per item, named by the key lambda, holding the item or what the value lambda makes of it. */
  private toObject(name: string, input: Value[], keyOf: Lambda, valueOf: Lambda | undefined): Value {
    const out: ValueObject = {};
    for (const item of input) {
      const key = this.apply(keyOf, [item]);
      if (key instanceof Unknown) return new Unknown(`${name}() cannot tell the property names: ${key.reason}`);
      setOwn(out, text(key, name), valueOf ? this.apply(valueOf, [item]) : item);
    }
    return out;
  }

  copyIndex(loop: string | undefined, offset: number): Value {
    const i = this.copies.get((loop ?? '').toLowerCase());
    if (i === undefined) throw new EvaluationError(loop ? `copyIndex('${loop}') outside that copy loop` : 'copyIndex() outside a copy loop');
    return i instanceof Unknown ? i : i + offset;
  }
}

interface Lambda {
  /** Lower-cased, as lambdaVariables() looks them up. */
  params: string[];
  body: Expr;
}

interface CallContext {
  name: string;
  scope: TemplateScope;
}

type Impl = (args: Value[], ctx: CallContext) => Value;

/** Functions whose result depends on every nested value: an unknown anywhere inside makes the result unknown. */
const DEEP = new Set(['equals', 'contains', 'string', 'intersection', 'join', 'indexof', 'lastindexof', 'uniquestring', 'guid', 'format', 'json']);

const FUNCTIONS: Record<string, Impl> = {
  concat: (args, c) => {
    if (args.length > 0 && args.every((a) => Array.isArray(a) || a === null)) return args.flatMap((a) => (a === null ? [] : (a as Value[])));
    return args.map((a) => scalarText(a, c.name)).join('');
  },
  format: (args, c) => {
    arityV(c.name, args, 1);
    return formatString(text(args[0] as Value, c.name), args.slice(1));
  },
  equals: (args, c) => {
    arityV(c.name, args, 2, 2);
    return deepEqual(args[0] as Value, args[1] as Value);
  },
  not: (args, c) => {
    arityV(c.name, args, 1, 1);
    return !boolArg(args[0] as Value, c.name);
  },
  bool: (args, c) => {
    arityV(c.name, args, 1, 1);
    const v = args[0] as Value;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number') return v !== 0;
    if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
    throw new EvaluationError(`bool() cannot convert ${describe(v)}`);
  },
  int: (args, c) => {
    arityV(c.name, args, 1, 1);
    const v = args[0] as Value;
    if (typeof v === 'number') return Math.trunc(v);
    if (typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v)) return Number.parseInt(v, 10);
    throw new EvaluationError(`int() cannot convert ${describe(v)}`);
  },
  string: (args, c) => {
    arityV(c.name, args, 1, 1);
    const v = args[0] as Value;
    return typeof v === 'string' ? v : valueText(v);
  },
  json: (args, c) => {
    arityV(c.name, args, 1, 1);
    const s = text(args[0] as Value, c.name);
    let parsed: unknown;
    try {
      parsed = JSON.parse(s);
    } catch (e) {
      throw new EvaluationError(`json() argument is not JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (depthOver(parsed, 100)) throw new EvaluationError('json() value nested too deeply');
    return parsed as Value;
  },
  tolower: (args, c) => text(one(args, c), c.name).toLowerCase(),
  toupper: (args, c) => text(one(args, c), c.name).toUpperCase(),
  trim: (args, c) => text(one(args, c), c.name).trim(),
  split: (args, c) => {
    arityV(c.name, args, 2, 2);
    const s = text(args[0] as Value, c.name);
    const d = args[1] as Value;
    const delims = Array.isArray(d) ? d.map((x) => text(x, c.name)) : [text(d, c.name)];
    let parts = [s];
    for (const delim of delims) if (delim !== '') parts = parts.flatMap((p) => p.split(delim));
    return parts;
  },
  join: (args, c) => {
    arityV(c.name, args, 2, 2);
    return arrayArg(args[0] as Value, c.name).map((x) => scalarText(x, c.name)).join(text(args[1] as Value, c.name));
  },
  first: (args, c) => {
    const v = one(args, c);
    if (typeof v === 'string') return v.slice(0, 1);
    return arrayArg(v, c.name)[0] ?? null;
  },
  last: (args, c) => {
    const v = one(args, c);
    if (typeof v === 'string') return v.slice(-1);
    const a = arrayArg(v, c.name);
    return a[a.length - 1] ?? null;
  },
  empty: (args, c) => {
    const v = one(args, c);
    if (v === null || v === '') return true;
    if (Array.isArray(v)) return v.length === 0;
    if (isValueObject(v)) return Object.keys(v).length === 0;
    return false;
  },
  contains: (args, c) => {
    arityV(c.name, args, 2, 2);
    const [container, item] = args as [Value, Value];
    if (typeof container === 'string') return container.includes(scalarText(item, c.name));
    if (Array.isArray(container)) return container.some((x) => deepEqual(x, item));
    if (isValueObject(container)) return getCI(container, text(item, c.name)) !== undefined;
    throw new EvaluationError(`contains() cannot search ${describe(container)}`);
  },
  length: (args, c) => {
    const v = one(args, c);
    if (typeof v === 'string' || Array.isArray(v)) return v.length;
    if (isValueObject(v)) return Object.keys(v).length;
    throw new EvaluationError(`length() of ${describe(v)}`);
  },
  union: (args, c) => {
    arityV(c.name, args, 1);
    const present = args.filter((a) => a !== null);
    if (present.every(isValueObject)) return present.reduce<ValueObject>((acc, o) => mergeObjects(acc, o as ValueObject), {});
    if (present.every(Array.isArray)) return uniqueValues((present as Value[][]).flat());
    throw new EvaluationError('union() needs all objects or all arrays');
  },
  intersection: (args, c) => {
    arityV(c.name, args, 2);
    if (args.every(isValueObject)) {
      const [head, ...rest] = args as ValueObject[];
      const out: ValueObject = {};
      for (const [k, v] of Object.entries(head as ValueObject)) if (rest.every((o) => k in o && deepEqual(o[k] as Value, v))) setOwn(out, k, v);
      return out;
    }
    if (args.every(Array.isArray)) {
      const [head, ...rest] = args as Value[][];
      return uniqueValues((head as Value[]).filter((v) => rest.every((a) => a.some((x) => deepEqual(x, v)))));
    }
    throw new EvaluationError('intersection() needs all objects or all arrays');
  },
  createarray: (args) => args,
  array: (args, c) => {
    const v = one(args, c);
    return Array.isArray(v) ? v : [v];
  },
  createobject: (args, c) => {
    if (args.length % 2 !== 0) throw new EvaluationError('createObject() needs key/value pairs');
    const out: ValueObject = {};
    for (let i = 0; i < args.length; i += 2) setOwn(out, text(args[i] as Value, c.name), args[i + 1] as Value);
    return out;
  },
  replace: (args, c) => {
    arityV(c.name, args, 3, 3);
    const [s, from, to] = args.map((a) => text(a, c.name)) as [string, string, string];
    return from === '' ? s : s.split(from).join(to);
  },
  substring: (args, c) => {
    arityV(c.name, args, 2, 3);
    const s = text(args[0] as Value, c.name);
    const start = intArg(args[1] as Value, c.name);
    const len = args.length > 2 ? intArg(args[2] as Value, c.name) : s.length - start;
    if (start < 0 || len < 0 || start + len > s.length) throw new EvaluationError(`substring(${start}, ${len}) is outside a string of length ${s.length}`);
    return s.slice(start, start + len);
  },
  startswith: (args, c) => {
    arityV(c.name, args, 2, 2);
    return text(args[0] as Value, c.name).toLowerCase().startsWith(text(args[1] as Value, c.name).toLowerCase());
  },
  endswith: (args, c) => {
    arityV(c.name, args, 2, 2);
    return text(args[0] as Value, c.name).toLowerCase().endsWith(text(args[1] as Value, c.name).toLowerCase());
  },
  indexof: (args, c) => {
    arityV(c.name, args, 2, 2);
    const [a, b] = args as [Value, Value];
    if (Array.isArray(a)) return a.findIndex((x) => deepEqual(x, b));
    return text(a, c.name).toLowerCase().indexOf(text(b, c.name).toLowerCase());
  },
  lastindexof: (args, c) => {
    arityV(c.name, args, 2, 2);
    const [a, b] = args as [Value, Value];
    if (Array.isArray(a)) {
      for (let i = a.length - 1; i >= 0; i--) if (deepEqual(a[i] as Value, b)) return i;
      return -1;
    }
    return text(a, c.name).toLowerCase().lastIndexOf(text(b, c.name).toLowerCase());
  },
  padleft: (args, c) => {
    arityV(c.name, args, 2, 3);
    const s = scalarText(args[0] as Value, c.name);
    const n = intArg(args[1] as Value, c.name);
    if (n > 16 * 1024) throw new EvaluationError('padLeft() length too large');
    const pad = args.length > 2 ? text(args[2] as Value, c.name) : ' ';
    return pad.length === 1 ? s.padStart(n, pad) : s;
  },
  take: (args, c) => {
    arityV(c.name, args, 2, 2);
    const n = Math.max(0, intArg(args[1] as Value, c.name));
    const v = args[0] as Value;
    return typeof v === 'string' ? v.slice(0, n) : arrayArg(v, c.name).slice(0, n);
  },
  skip: (args, c) => {
    arityV(c.name, args, 2, 2);
    const n = Math.max(0, intArg(args[1] as Value, c.name));
    const v = args[0] as Value;
    return typeof v === 'string' ? v.slice(n) : arrayArg(v, c.name).slice(n);
  },
  range: (args, c) => {
    arityV(c.name, args, 2, 2);
    const start = intArg(args[0] as Value, c.name);
    const count = intArg(args[1] as Value, c.name);
    if (count < 0 || count > c.scope.limits.maxArrayLength) throw new EvaluationError(`range() count ${count} out of bounds`);
    return Array.from({ length: count }, (_, i) => start + i);
  },
  min: (args, c) => Math.min(...numbers(args, c.name)),
  max: (args, c) => Math.max(...numbers(args, c.name)),
  add: (args, c) => arith(args, c.name, (a, b) => a + b),
  sub: (args, c) => arith(args, c.name, (a, b) => a - b),
  mul: (args, c) => arith(args, c.name, (a, b) => a * b),
  div: (args, c) => arith(args, c.name, (a, b) => {
    if (b === 0) throw new EvaluationError('div() by zero');
    return Math.trunc(a / b);
  }),
  mod: (args, c) => arith(args, c.name, (a, b) => {
    if (b === 0) throw new EvaluationError('mod() by zero');
    return a % b;
  }),
  greater: (args, c) => compare(args, c.name) > 0,
  greaterorequals: (args, c) => compare(args, c.name) >= 0,
  less: (args, c) => compare(args, c.name) < 0,
  lessorequals: (args, c) => compare(args, c.name) <= 0,
  null: () => null,
  true: () => true,
  false: () => false,
  tryget: (args, c) => {
    arityV(c.name, args, 2);
    let cur: Value = args[0] as Value;
    for (const k of args.slice(1)) {
      if (Array.isArray(cur) && typeof k === 'number') cur = cur[k] ?? null;
      else if (isValueObject(cur) && typeof k === 'string') cur = (getCI(cur, k) as Value | undefined) ?? null;
      else return null;
    }
    return cur;
  },
  items: (args, c) => {
    const o = objectArg(one(args, c), c.name);
    return Object.keys(o)
      .sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()))
      .map((key) => ({ key, value: o[key] as Value }));
  },
  objectkeys: (args, c) => Object.keys(objectArg(one(args, c), c.name)),
  shallowmerge: (args, c) => {
    const out: ValueObject = {};
    for (const o of arrayArg(one(args, c), c.name)) for (const [k, v] of Object.entries(objectArg(o, c.name))) setOwn(out, k, v);
    return out;
  },
  uniquestring: (args, c) => {
    arityV(c.name, args, 1);
    return uniqueString(args.map((a) => text(a, c.name)));
  },
  guid: (args, c) => {
    arityV(c.name, args, 1);
    const h = createHash('sha256').update(args.map((a) => text(a, c.name)).join('-')).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  },
  resourceid: (args, c) => {
    const strs = args.map((a) => text(a, c.name));
    const t = strs.findIndex((s) => s.includes('/'));
    if (t < 0 || t > 2) throw new EvaluationError('resourceId() needs a resource type');
    const sub = t === 2 ? (strs[0] as string) : SUBSCRIPTION_ID;
    const rg = t >= 1 ? (strs[t - 1] as string) : RESOURCE_GROUP;
    return `/subscriptions/${sub}/resourceGroups/${rg}${providerPath(strs[t] as string, strs.slice(t + 1))}`;
  },
  subscriptionresourceid: (args, c) => {
    const strs = args.map((a) => text(a, c.name));
    const t = strs.findIndex((s) => s.includes('/'));
    if (t < 0 || t > 1) throw new EvaluationError('subscriptionResourceId() needs a resource type');
    const sub = t === 1 ? (strs[0] as string) : SUBSCRIPTION_ID;
    return `/subscriptions/${sub}${providerPath(strs[t] as string, strs.slice(t + 1))}`;
  },
  tenantresourceid: (args, c) => {
    const strs = args.map((a) => text(a, c.name));
    arityV(c.name, strs, 2);
    return providerPath(strs[0] as string, strs.slice(1));
  },
  extensionresourceid: (args, c) => {
    const strs = args.map((a) => text(a, c.name));
    arityV(c.name, strs, 3);
    return `${strs[0] as string}${providerPath(strs[1] as string, strs.slice(2))}`;
  },
  resourcegroup: () => ({
    id: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${RESOURCE_GROUP}`,
    name: RESOURCE_GROUP,
    type: 'Microsoft.Resources/resourceGroups',
    location: new Unknown('resourceGroup().location is known at deployment'),
    tags: new Unknown('resourceGroup().tags is known at deployment'),
    properties: { provisioningState: 'Succeeded' },
  }),
  subscription: () => ({
    id: `/subscriptions/${SUBSCRIPTION_ID}`,
    subscriptionId: SUBSCRIPTION_ID,
    tenantId: new Unknown('subscription().tenantId is known at deployment'),
    displayName: new Unknown('subscription().displayName is known at deployment'),
  }),
  copyindex: (args, c) => {
    arityV(c.name, args, 0, 2);
    const [a, b] = args;
    if (a === undefined) return c.scope.copyIndex(undefined, 0);
    if (typeof a === 'number') return c.scope.copyIndex(undefined, a);
    return c.scope.copyIndex(text(a, c.name), b === undefined ? 0 : intArg(b, c.name));
  },
};

function providerPath(type: string, names: string[]): string {
  const [namespace, ...types] = type.split('/');
  if (types.length !== names.length) throw new EvaluationError(`resource type '${type}' needs ${types.length} name segment(s), got ${names.length}`);
  return `/providers/${namespace}${types.map((t, i) => `/${t}/${names[i] as string}`).join('')}`;
}

/** A deterministic 13-character id in uniqueString()'s alphabet; equal inputs give equal ids within and across scans. */
export function uniqueString(parts: string[]): string {
  const digest = createHash('sha256').update(parts.join('-')).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let out = '';
  for (let i = 0; i < 13; i++) out += alphabet[(digest[i] as number) % 32];
  return out;
}

/** .NET composite formatting as format() does it: `{0}`, `{1:D3}`, `{{` and `}}`. */
function formatString(fmt: string, args: Value[]): string {
  return fmt.replace(/\{\{|\}\}|\{(\d+)(?:,\s*(-?\d+))?(?::([^}]*))?\}/g, (m, idx: string | undefined, align: string | undefined, spec: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const i = Number(idx);
    if (i >= args.length) throw new EvaluationError(`format() has no argument {${i}}`);
    const v = args[i] as Value;
    let s = typeof v === 'number' && spec && /^[dD]\d+$/.test(spec) ? String(Math.abs(v)).padStart(Number(spec.slice(1)), '0') : valueText(v);
    if (typeof v === 'number' && v < 0 && spec && /^[dD]\d+$/.test(spec)) s = `-${s}`;
    const width = align ? Number(align) : 0;
    return width > 0 ? s.padStart(Math.min(width, 1024)) : width < 0 ? s.padEnd(Math.min(-width, 1024)) : s;
  });
}

/** How ARM turns a value into text: booleans as `True`/`False`, objects and arrays as compact JSON. */
function valueText(v: Value): string {
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  return JSON.stringify(toJson(v));
}

function scalarText(v: Value, fn: string): string {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null) return valueText(v);
  throw new EvaluationError(`${fn}() cannot join ${describe(v)} into a string`);
}

function text(v: Value, fn: string): string {
  if (typeof v !== 'string') throw new EvaluationError(`${fn}() needs a string, got ${describe(v)}`);
  return v;
}

function intArg(v: Value, fn: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new EvaluationError(`${fn}() needs an integer, got ${describe(v)}`);
  return v;
}

function boolArg(v: Value, fn: string): boolean {
  if (typeof v !== 'boolean') throw new EvaluationError(`${fn}() needs a boolean, got ${describe(v)}`);
  return v;
}

function arrayArg(v: Value, fn: string): Value[] {
  if (!Array.isArray(v)) throw new EvaluationError(`${fn}() needs an array, got ${describe(v)}`);
  return v;
}

function objectArg(v: Value, fn: string): ValueObject {
  if (!isValueObject(v)) throw new EvaluationError(`${fn}() needs an object, got ${describe(v)}`);
  return v;
}

function numbers(args: Value[], fn: string): number[] {
  const list = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  if (list.length === 0) throw new EvaluationError(`${fn}() needs at least one number`);
  return list.map((v) => intArg(v as Value, fn));
}

function arith(args: Value[], fn: string, op: (a: number, b: number) => number): number {
  arityV(fn, args, 2, 2);
  return op(intArg(args[0] as Value, fn), intArg(args[1] as Value, fn));
}

function compare(args: Value[], fn: string): number {
  arityV(fn, args, 2, 2);
  const [a, b] = args as [Value, Value];
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new EvaluationError(`${fn}() compares two numbers or two strings`);
}

function one(args: Value[], c: CallContext): Value {
  arityV(c.name, args, 1, 1);
  return args[0] as Value;
}

function arity(fn: string, args: readonly unknown[], min: number, max = Infinity): void {
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw new EvaluationError(`${fn}() takes ${want} argument(s), got ${args.length}`);
  }
}

const arityV = arity;

function describe(v: Value): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Unknown) return 'an unknown value';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v).slice(0, 40)}`;
}

export function isValueObject(v: unknown): v is ValueObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Unknown);
}

/** ARM property names, parameter and variable names are case-insensitive. */
export function getCI(obj: Record<string, unknown>, key: string): unknown {
  if (Object.prototype.hasOwnProperty.call(obj, key)) return obj[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
  return undefined;
}

function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i] as Value));
  if (isValueObject(a) && isValueObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k] as Value, b[k] as Value));
  }
  return false;
}

function uniqueValues(list: Value[]): Value[] {
  const out: Value[] = [];
  for (const v of list) if (!out.some((x) => deepEqual(x, v))) out.push(v);
  return out;
}

/** union() merges nested objects recursively; the later value wins otherwise. */
function mergeObjects(a: ValueObject, b: ValueObject): ValueObject {
  const out: ValueObject = {};
  for (const [k, v] of Object.entries(a)) setOwn(out, k, v);
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    setOwn(out, k, isValueObject(prev) && isValueObject(v) ? mergeObjects(prev, v) : v);
  }
  return out;
}

function firstUnknown(v: Value): Unknown | undefined {
  if (v instanceof Unknown) return v;
  if (Array.isArray(v)) {
    for (const x of v) {
      const u = firstUnknown(x);
      if (u) return u;
    }
  } else if (isValueObject(v)) {
    for (const x of Object.values(v)) {
      const u = firstUnknown(x);
      if (u) return u;
    }
  }
  return undefined;
}

function depthOver(v: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[v, 0]];
  while (stack.length) {
    const [cur, d] = stack.pop() as [unknown, number];
    if (typeof cur !== 'object' || cur === null) continue;
    if (d >= max) return true;
    for (const child of Object.values(cur)) stack.push([child, d + 1]);
  }
  return false;
}

interface CopyLoop {
  name: string;
  count: unknown;
  input: unknown;
}

/** Property and variable loops: `"copy": [{"name": "agentPoolProfiles", "count": 3, "input": {...}}]`. */
function propertyCopies(obj: Record<string, unknown>): CopyLoop[] | undefined {
  const copy = obj.copy;
  if (!Array.isArray(copy) || copy.length === 0) return undefined;
  const loops: CopyLoop[] = [];
  for (const c of copy) {
    if (typeof c !== 'object' || c === null || Array.isArray(c)) return undefined;
    const entry = c as Record<string, unknown>;
    if (typeof entry.name !== 'string' || !('input' in entry)) return undefined;
    loops.push({ name: entry.name, count: entry.count, input: entry.input });
  }
  return loops;
}

function clip(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** The evaluated value as JSON, unknown values written as the unknown marker. */
export function toJson(v: Value): unknown {
  if (v instanceof Unknown) return unknownMarker(v.reason);
  if (Array.isArray(v)) return v.map(toJson);
  if (isValueObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) setOwn(out, k, toJson(x));
    return out;
  }
  return v;
}
