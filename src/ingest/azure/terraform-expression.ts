import { isObj, setOwn } from '../../core/resource.js';
import { UNKNOWN_KEY } from '../../core/unknown.js';

/**
 * Terraform's expression language, evaluated offline: literals, templates, `var.`, `local.`,
 * `each.` and `count.` references, operators, conditionals, `for` expressions and the common pure functions.
 * Anything Terraform decides when it runs (another resource's attribute, a data source, `path.`,
 * a function reading files or the clock) is *unknown*, and so is every value made from one. An
 * expression Terraform would refuse (a type error, an index out of range) is an *error*, which
 * `try` and `can` catch as Terraform does; to the caller it is as unknown.
 */

/** A value only Terraform can give. */
const UNKNOWN: unique symbol = Symbol('unknown');
/** An expression Terraform would refuse. */
const ERROR: unique symbol = Symbol('error');

type Value = unknown;

/** What a reference names: `var.NAME`, `local.NAME`, `each.key|value`, `count.index`, `terraform.workspace`. */
export type RefKind = 'var' | 'local' | 'each' | 'count' | 'terraform';

/** A reference's value, or undefined when it is not known offline. */
export type Lookup = (kind: RefKind, name: string) => { value: unknown } | undefined;

/**
 * The value of a string as Terraform reads it (a template, or one `${...}`), or `known: false`.
 * `names` are the bare names in scope (a dynamic block's iterator).
 */
export function evaluateTemplate(
  text: string,
  names: ReadonlyMap<string, unknown> | undefined,
  lookup: Lookup,
  work: WorkBudget = { left: MAX_STEPS },
  unknownAt?: (path: string) => unknown,
): { known: true; value: unknown } | { known: false; refused?: true } {
  let value: Value;
  try {
    const parser = new Parser(text);
    const node = parser.template(undefined);
    value = new Evaluator(lookup, work).eval(node, names ?? new Map());
  } catch {
    // Unsupported syntax, a budget spent, or what the engine refuses (a call stack too deep for a
    // chain of thousands of operators): whatever Terraform would make of it, it is not known here.
    return { known: false };
  }
  // An expression Terraform refuses is said so: the caller must not keep the rest of a value it is part of.
  if (value === ERROR) return { known: false, refused: true };
  if (value === UNKNOWN) return { known: false };
  if (!holdsUnknown(value)) return { known: true, value };
  // A collection of known shape with parts only Terraform knows: given so when the caller takes it.
  const partial = withUnknownsAt(value, '', unknownAt ?? (() => UNKNOWN), 0, true);
  if (partial === ERROR) return { known: false, refused: true };
  return unknownAt ? { known: true, value: partial } : { known: false };
}

/**
 * The value a text that is one `jsonencode(VALUE)` call and nothing else encodes, as the JSON reads back
 * (an AzAPI body before AzAPI 2.0, which the provider decodes again): evaluated as far as the values known
 * offline go, each value only Terraform knows replaced in place by `unknownAt(path)` (`.properties.dnsPrefix`,
 * `.properties.agentPoolProfiles[0].vnetSubnetID`), sets as lists. Undefined when the text is no such call,
 * or its value is unknown as a whole or one Terraform refuses.
 */
export function jsonencodedValue(
  text: string,
  names: ReadonlyMap<string, unknown> | undefined,
  lookup: Lookup,
  unknownAt: (path: string) => unknown,
  work: WorkBudget = { left: MAX_STEPS },
): { value: unknown } | undefined {
  let value: Value;
  try {
    const node = new Parser(text).template(undefined);
    const arg = node.t === 'call' && node.name === 'jsonencode' && !node.expand && node.args.length === 1 ? node.args[0] : undefined;
    if (!arg) return undefined;
    value = new Evaluator(lookup, work).eval(arg, names ?? new Map());
  } catch {
    return undefined;
  }
  const out = withUnknownsAt(value, '', unknownAt, 0, false);
  return out === ERROR || value === UNKNOWN ? undefined : { value: out };
}

/**
 * A value with each unknown part replaced by `unknownAt(path)` (the unknown marker outside this module);
 * sets kept as sets, or (`keepSets` false, for JSON) made plain lists; ERROR when any part is one.
 */
function withUnknownsAt(v: Value, path: string, unknownAt: (path: string) => unknown, depth: number, keepSets: boolean): Value {
  if (v === ERROR) return ERROR;
  if (v === UNKNOWN || depth > MAX_DEPTH) return unknownAt(path);
  if (!holdsUnknown(v)) return v instanceof CtySet && !keepSets ? Array.from(v) : v;
  // A set with an unknown element has an unknown length: two elements may turn out equal.
  if (v instanceof CtySet) return unknownAt(path);
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (let i = 0; i < v.length; i++) {
      const x = withUnknownsAt(v[i], `${path}[${i}]`, unknownAt, depth + 1, keepSets);
      if (x === ERROR) return ERROR;
      out.push(x);
    }
    return out;
  }
  if (isObj(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const y = withUnknownsAt(x, `${path}.${k}`, unknownAt, depth + 1, keepSets);
      if (y === ERROR) return ERROR;
      setOwn(out, k, y);
    }
    return out;
  }
  return v;
}

/**
 * Steps the evaluations of one root module (and the modules it calls) may take together: attributes
 * are evaluated again for every instance, and a few lines can ask for hours of work.
 */
export interface WorkBudget {
  left: number;
}

/** Strings longer than this are not built: a few nested `replace` calls would exhaust the memory. */
const MAX_STRING = 1 << 20;

/**
 * Spaces a strip marker (`~`) removes, checked: the parser's native syntax comes already stripped,
 * and in JSON syntax Terraform strips within a line only, and only what Go counts as a space.
 */
function stripped(spaces: string): void {
  if (/[^ \t\r\v\f]/.test(spaces)) throw new Unsupported('strip marker across lines');
}

/** A literal without its trailing spaces (`${~`, `%{~`), in one pass: a regular expression anchored at the end would go back over every space. */
function trimEnd(lit: string): string {
  let end = lit.length;
  while (end > 0 && /\s/.test(lit[end - 1] as string)) end--;
  stripped(lit.slice(end));
  return lit.slice(0, end);
}

/** Syntax this evaluator does not read (heredocs, template directives), or input too large to evaluate. */
class Unsupported extends Error {}

type Node =
  | { t: 'lit'; v: Value }
  | { t: 'tpl'; parts: (string | Node)[] }
  | { t: 'ref'; kind: RefKind; name: string }
  | { t: 'ident'; name: string }
  | { t: 'unknown' }
  | { t: 'get'; obj: Node; key: Node }
  | { t: 'splat'; obj: Node; steps: Node[] }
  | { t: 'call'; name: string; args: Node[]; expand: boolean }
  | { t: 'un'; op: string; x: Node }
  | { t: 'bin'; op: string; a: Node; b: Node }
  | { t: 'cond'; c: Node; a: Node; b: Node }
  | { t: 'tuple'; items: Node[] }
  | { t: 'object'; entries: [Node, Node][] }
  | { t: 'for'; object: boolean; k?: string; v: string; coll: Node; key?: Node; val: Node; cond?: Node; group: boolean };

const MAX_DEPTH = 64;
/** Steps one evaluation may take: a few nested `for` expressions over large collections would otherwise run for hours. */
const MAX_STEPS = 200_000;

const BINARY_LEVELS: readonly (readonly string[])[] = [['||'], ['&&'], ['==', '!='], ['<=', '>=', '<', '>'], ['+', '-'], ['*', '/', '%']];

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly s: string) {}

  /** A template up to `end` (a closing quote) or the end of the text. */
  /** The directive (`else`, `endif`) that ended the last template read inside an `%{ if }`. */
  private stopped: string | undefined;

  /**
   * A template up to `end` (or the text's end); inside an `%{ if }` branch, up to one of the
   * directives `stops` names, which is consumed and left in `stopped`.
   */
  template(end: '"' | undefined, stops: readonly string[] = [], stripStart = false): Node {
    const parts: (string | Node)[] = [];
    let lit = '';
    // After a `~}`, the spaces that follow are left out.
    let strip = stripStart;
    const s = this.s;
    this.stopped = undefined;
    while (this.i < s.length) {
      const c = s[this.i] as string;
      if (strip) {
        strip = false;
        if (/\s/.test(c)) {
          const from = this.i;
          while (this.i < s.length && /\s/.test(s[this.i] as string)) this.i++;
          stripped(s.slice(from, this.i));
          continue;
        }
      }
      if (end !== undefined && c === end) break;
      if ((c === '$' || c === '%') && s[this.i + 1] === c && s[this.i + 2] === '{') {
        lit += `${c}{`;
        this.i += 3;
      } else if (c === '$' && s[this.i + 1] === '{') {
        this.i += 2;
        // `${~` and `~}` strip the spaces before and after the interpolation.
        if (s[this.i] === '~') {
          this.i++;
          lit = trimEnd(lit);
        }
        if (lit) parts.push(lit);
        lit = '';
        parts.push(this.expression());
        this.ws();
        if (s[this.i] === '~') {
          this.i++;
          strip = true;
        }
        this.expect('}');
        continue;
      } else if (c === '%' && s[this.i + 1] === '{') {
        this.i += 2;
        if (s[this.i] === '~') {
          this.i++;
          lit = trimEnd(lit);
        }
        this.ws();
        const word = /^(if|else|endif)(?![\w-])/.exec(s.slice(this.i, this.i + 7))?.[1];
        // `%{ for }` and anything else is left to Terraform.
        if (word === undefined || (word !== 'if' && !stops.includes(word))) throw new Unsupported('template directive');
        this.i += word.length;
        const cond = word === 'if' ? this.expression() : undefined;
        this.ws();
        if (s[this.i] === '~') {
          this.i++;
          strip = true;
        }
        this.expect('}');
        if (cond === undefined) {
          if (lit) parts.push(lit);
          this.stopped = word;
          return { t: 'tpl', parts };
        }
        if (lit) parts.push(lit);
        lit = '';
        parts.push(this.ifDirective(end, cond, strip));
        strip = this.stripNext;
        continue;
      } else if (c === '\\' && end !== undefined) {
        lit += this.escape();
      } else {
        lit += c;
        this.i++;
      }
    }
    // Ended by the text or the closing quote, not by a directive (an inner `%{ if }` set it before).
    this.stopped = undefined;
    if (lit) parts.push(lit);
    // One interpolation and nothing else is its expression's value, of any type.
    if (parts.length === 1 && typeof parts[0] !== 'string') return parts[0] as Node;
    return { t: 'tpl', parts };
  }

  /** Whether the directive that ended the last `%{ if }` asked to strip the spaces after it (`~}`). */
  private stripNext = false;

  /** `%{ if COND }A%{ else }B%{ endif }` after its condition: a conditional between two string templates. */
  private ifDirective(end: '"' | undefined, cond: Node, strip: boolean): Node {
    const a = this.branch(end, ['else', 'endif'], strip);
    let b: Node = { t: 'tpl', parts: [] };
    if (this.stopped === 'else') b = this.branch(end, ['endif'], this.stripNext);
    if (this.stopped !== 'endif') throw new Unsupported('unclosed if');
    return { t: 'cond', c: cond, a, b };
  }

  /** One branch of an `%{ if }`, always a string template (one interpolation alone is made a string too). */
  private branch(end: '"' | undefined, stops: readonly string[], strip: boolean): Node {
    const before = this.i;
    const node = this.template(end, stops, strip);
    const stopped = this.stopped;
    // The closing directive's `~}` is seen by the template that read it: carry it to the one after.
    this.stripNext = /~\s*\}$/.test(this.s.slice(before, this.i));
    this.stopped = stopped;
    return node.t === 'tpl' ? node : { t: 'tpl', parts: [node] };
  }

  private escape(): string {
    const s = this.s;
    const n = s[this.i + 1];
    this.i += 2;
    switch (n) {
      case 'n': return '\n';
      case 'r': return '\r';
      case 't': return '\t';
      case '"': return '"';
      case '\\': return '\\';
      case 'u': case 'U': {
        const len = n === 'u' ? 4 : 8;
        const hex = s.slice(this.i, this.i + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) throw new Unsupported('escape');
        this.i += len;
        return String.fromCodePoint(Number.parseInt(hex, 16));
      }
      default: throw new Unsupported('escape');
    }
  }

  expression(): Node {
    if (++this.depth > MAX_DEPTH) throw new Unsupported('nesting');
    try {
      const c = this.binary(0);
      this.ws();
      if (this.s[this.i] === '?') {
        this.i++;
        const a = this.expression();
        this.ws();
        this.expect(':');
        const b = this.expression();
        return { t: 'cond', c, a, b };
      }
      return c;
    } finally {
      this.depth--;
    }
  }

  private binary(level: number): Node {
    if (level >= BINARY_LEVELS.length) return this.unary();
    let a = this.binary(level + 1);
    for (;;) {
      this.ws();
      // Longer operators come first in each level, so `<=` is never read as `<`.
      const op = (BINARY_LEVELS[level] as readonly string[]).find((o) => this.s.startsWith(o, this.i));
      if (!op) return a;
      this.i += op.length;
      a = { t: 'bin', op, a, b: this.binary(level + 1) };
    }
  }

  private unary(): Node {
    this.ws();
    const c = this.s[this.i];
    if (c === '!' || (c === '-' && !/\d/.test(this.s[this.i + 1] ?? ''))) {
      this.i++;
      if (++this.depth > MAX_DEPTH) throw new Unsupported('nesting');
      try {
        return { t: 'un', op: c, x: this.unary() };
      } finally {
        this.depth--;
      }
    }
    return this.postfix(this.primary());
  }

  private postfix(node: Node): Node {
    for (;;) {
      const save = this.i;
      this.ws();
      const c = this.s[this.i];
      if (c === '.' && this.s[this.i + 1] !== '.') {
        this.i++;
        if (this.s[this.i] === '*') {
          this.i++;
          node = { t: 'splat', obj: node, steps: this.splatSteps(true) };
          continue;
        }
        const m = /^(\d+|[A-Za-z_][\w-]*)/.exec(this.s.slice(this.i, this.i + 256));
        if (!m) throw new Unsupported('attribute');
        this.i += m[0].length;
        node = { t: 'get', obj: node, key: { t: 'lit', v: /^\d/.test(m[0]) ? Number(m[0]) : m[0] } };
      } else if (c === '[') {
        this.i++;
        this.ws();
        if (this.s[this.i] === '*') {
          this.i++;
          this.ws();
          this.expect(']');
          node = { t: 'splat', obj: node, steps: this.splatSteps(false) };
          continue;
        }
        const key = this.expression();
        this.ws();
        this.expect(']');
        node = { t: 'get', obj: node, key };
      } else {
        this.i = save;
        return node;
      }
    }
  }

  /**
   * The traversal a splat applies to each element: the attributes after it (`.*` is the legacy
   * form, attributes only), and indexes too after `[*]`.
   */
  private splatSteps(attributesOnly: boolean): Node[] {
    const steps: Node[] = [];
    for (;;) {
      const save = this.i;
      this.ws();
      const m = this.s[this.i] === '.' ? /^\.([A-Za-z_][\w-]*)/.exec(this.s.slice(this.i, this.i + 256)) : null;
      if (m) {
        this.i += m[0].length;
        steps.push({ t: 'lit', v: m[1] as string });
      } else if (!attributesOnly && this.s[this.i] === '[' && this.s[this.i + 1] !== '*') {
        this.i++;
        steps.push(this.expression());
        this.ws();
        this.expect(']');
      } else {
        this.i = save;
        return steps;
      }
    }
  }

  private primary(): Node {
    this.ws();
    const s = this.s;
    const c = s[this.i];
    if (c === undefined) throw new Unsupported('end');
    if (c === '"') {
      this.i++;
      const node = this.template('"');
      this.expect('"');
      return node;
    }
    if (c === '(') {
      this.i++;
      const node = this.expression();
      this.ws();
      this.expect(')');
      return node;
    }
    if (c === '[') return this.tuple();
    if (c === '{') return this.object();
    const num = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(s.slice(this.i, this.i + 64));
    if (num) {
      this.i += num[0].length;
      return numberLiteral(num[0]);
    }
    const id = /^[A-Za-z_][\w-]*/.exec(s.slice(this.i, this.i + 256));
    if (!id) throw new Unsupported(`token ${c}`);
    this.i += id[0].length;
    const name = id[0];
    if (name === 'true' || name === 'false') return { t: 'lit', v: name === 'true' };
    if (name === 'null') return { t: 'lit', v: null };
    this.ws();
    if (s[this.i] === '(') return this.call(name);
    if (s.startsWith('::', this.i)) throw new Unsupported('provider function');
    if ((name === 'var' || name === 'local' || name === 'each' || name === 'count' || name === 'terraform') && s[this.i] === '.') {
      const m = /^\.([A-Za-z_][\w-]*)/.exec(s.slice(this.i, this.i + 256));
      if (!m) throw new Unsupported('reference');
      this.i += m[0].length;
      return { t: 'ref', kind: name, name: m[1] as string };
    }
    return { t: 'ident', name };
  }

  private call(name: string): Node {
    this.i++;
    const args: Node[] = [];
    let expand = false;
    for (;;) {
      this.ws();
      if (this.s[this.i] === ')') break;
      args.push(this.expression());
      this.ws();
      if (this.s.startsWith('...', this.i)) {
        this.i += 3;
        expand = true;
        this.ws();
      }
      if (this.s[this.i] === ',') this.i++;
      else break;
    }
    this.ws();
    this.expect(')');
    return { t: 'call', name, args, expand };
  }

  private tuple(): Node {
    this.i++;
    if (this.keyword('for')) return this.forExpr(false);
    const items: Node[] = [];
    for (;;) {
      this.ws();
      if (this.s[this.i] === ']') break;
      items.push(this.expression());
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else break;
    }
    this.ws();
    this.expect(']');
    return { t: 'tuple', items };
  }

  private object(): Node {
    this.i++;
    if (this.keyword('for')) return this.forExpr(true);
    const entries: [Node, Node][] = [];
    for (;;) {
      this.ws();
      if (this.s[this.i] === '}') break;
      // A bare name is the key itself, not a variable; anything else is an expression.
      const id = /^[A-Za-z_][\w-]*(?=\s*[=:](?![=>]))/.exec(this.s.slice(this.i, this.i + 256));
      let key: Node;
      if (id) {
        this.i += id[0].length;
        key = { t: 'lit', v: id[0] };
      } else if (this.s[this.i] === '(' || this.s[this.i] === '"') key = this.expression();
      // Terraform refuses a key like `var.x = 1` as ambiguous.
      else throw new Unsupported('object key');
      this.ws();
      if (this.s[this.i] === '=' || this.s[this.i] === ':') this.i++;
      else throw new Unsupported('object');
      entries.push([key, this.expression()]);
      this.ws();
      if (this.s[this.i] === ',') this.i++;
    }
    this.expect('}');
    return { t: 'object', entries };
  }

  private forExpr(object: boolean): Node {
    this.ws();
    const names: string[] = [];
    for (;;) {
      this.ws();
      const id = /^[A-Za-z_][\w-]*/.exec(this.s.slice(this.i, this.i + 256));
      if (!id) throw new Unsupported('for');
      this.i += id[0].length;
      names.push(id[0]);
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else break;
    }
    if (names.length > 2 || !this.keyword('in')) throw new Unsupported('for');
    const coll = this.expression();
    this.ws();
    this.expect(':');
    let key: Node | undefined;
    let val = this.expression();
    this.ws();
    if (object) {
      if (!this.s.startsWith('=>', this.i)) throw new Unsupported('for');
      this.i += 2;
      key = val;
      val = this.expression();
      this.ws();
    }
    let group = false;
    if (object && this.s.startsWith('...', this.i)) {
      this.i += 3;
      group = true;
      this.ws();
    }
    let cond: Node | undefined;
    if (this.keyword('if')) cond = this.expression();
    this.ws();
    this.expect(object ? '}' : ']');
    const [first, second] = names as [string, string | undefined];
    return { t: 'for', object, ...(second !== undefined ? { k: first, v: second } : { v: first }), coll, ...(key ? { key } : {}), val, ...(cond ? { cond } : {}), group };
  }

  private keyword(word: string): boolean {
    this.ws();
    if (this.s.startsWith(word, this.i) && !/[\w-]/.test(this.s[this.i + word.length] ?? '')) {
      this.i += word.length;
      return true;
    }
    return false;
  }

  private expect(c: string): void {
    if (this.s[this.i] !== c) throw new Unsupported(`expected ${c}`);
    this.i++;
  }

  /** Spaces, line breaks and comments. */
  private ws(): void {
    const s = this.s;
    for (;;) {
      const c = s[this.i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.i++;
      else if (c === '#' || (c === '/' && s[this.i + 1] === '/')) {
        while (this.i < s.length && s[this.i] !== '\n') this.i++;
      } else if (c === '/' && s[this.i + 1] === '*') {
        const end = s.indexOf('*/', this.i + 2);
        this.i = end < 0 ? s.length : end + 2;
      } else return;
    }
  }
}

class Evaluator {
  private steps = 0;
  constructor(
    private readonly lookup: Lookup,
    private readonly work: WorkBudget,
  ) {}

  /** Counts `n` steps against this evaluation's limit and the shared budget. */
  charge(n: number): void {
    this.steps += n;
    this.work.left -= n;
    if (this.steps > MAX_STEPS || this.work.left < 0) throw new Unsupported('too many steps');
  }

  eval(node: Node, env: ReadonlyMap<string, Value>): Value {
    this.charge(1);
    switch (node.t) {
      case 'lit':
        return node.v;
      case 'tpl': {
        let out = '';
        let unknown = false;
        for (const p of node.parts) {
          if (typeof p === 'string') {
            out += p;
            continue;
          }
          const v = this.eval(p, env);
          if (v === ERROR) return ERROR;
          const str = v === UNKNOWN ? UNKNOWN : toStr(v);
          if (str === ERROR) return ERROR;
          if (str === UNKNOWN) unknown = true;
          else out += str;
          if (out.length > MAX_STRING) throw new Unsupported('string too long');
        }
        return unknown ? UNKNOWN : out;
      }
      case 'ref': {
        // A `for` expression's or iterator's own `each`, `count` or `terraform` hides Terraform's.
        if ((node.kind === 'each' || node.kind === 'count' || node.kind === 'terraform') && env.has(node.kind)) return index(env.get(node.kind), node.name);
        const found = this.lookup(node.kind, node.name);
        return found === undefined ? UNKNOWN : withoutMarkers(found.value);
      }
      case 'ident':
        return env.has(node.name) ? env.get(node.name) : UNKNOWN;
      case 'unknown':
        return UNKNOWN;
      case 'splat': {
        // Each element through the steps: a null is no element, and any other single value is one.
        const v = this.eval(node.obj, env);
        if (v === UNKNOWN || v === ERROR) return v;
        // A set's splat is a list of its elements in the set's order, as hcl makes it (a plain array:
        // mapping the set itself would give a set).
        const elements = v === null ? [] : v instanceof CtySet ? Array.from(v) : Array.isArray(v) ? v : [v];
        const keys = node.steps.map((k) => this.eval(k, env));
        const out = elements.map((e) => keys.reduce<Value>((x, k) => index(x, k), e));
        return out.includes(ERROR) ? ERROR : out;
      }
      case 'get':
        return index(this.eval(node.obj, env), this.eval(node.key, env));
      case 'un': {
        const x = this.eval(node.x, env);
        if (x === UNKNOWN || x === ERROR) return x;
        if (node.op === '!') {
          const b = toBool(x);
          return b === ERROR ? ERROR : !b;
        }
        const n = toNum(x);
        return n === ERROR ? ERROR : -n;
      }
      case 'bin':
        return binary(node.op, this.eval(node.a, env), this.eval(node.b, env));
      case 'cond': {
        const c = this.eval(node.c, env);
        if (c === ERROR) return ERROR;
        if (c === UNKNOWN) {
          const a = this.eval(node.a, env);
          const b = this.eval(node.b, env);
          return !holdsUnknown(a) && a !== ERROR && deepEqual(a, b) ? a : UNKNOWN;
        }
        const b = toBool(c);
        if (b === ERROR) return ERROR;
        const chosen = this.eval(b ? node.a : node.b, env);
        // Terraform unifies the two results' types (`c ? 1 : false` is a string, `c ? { on = true } : {}` a
        // map of strings, or refused): known only where unifying changes nothing.
        const other = this.eval(b ? node.b : node.a, env);
        if (other === UNKNOWN || other === ERROR || other === null || chosen === null) return chosen;
        return !holdsUnknown(chosen) && !holdsUnknown(other) && unifiesUnchanged(chosen, other, 0) ? chosen : UNKNOWN;
      }
      case 'tuple': {
        // An error anywhere in a collection is the collection's: indexing past it does not hide it.
        const items = node.items.map((n) => this.eval(n, env));
        return items.includes(ERROR) ? ERROR : items;
      }
      case 'object': {
        const out: Record<string, Value> = {};
        for (const [k, v] of node.entries) {
          const key = this.eval(k, env);
          if (key === UNKNOWN || key === ERROR) return key;
          const name = toStr(key);
          if (name === ERROR || name === UNKNOWN) return name;
          const value = this.eval(v, env);
          if (value === ERROR) return ERROR;
          setOwn(out, name, value);
        }
        return out;
      }
      case 'for':
        return this.forExpr(node, env);
      case 'call': {
        const args = node.args.map((a) => this.eval(a, env));
        if (node.expand) {
          const last = args.pop();
          if (last === UNKNOWN || last === ERROR) return last;
          if (!Array.isArray(last)) return ERROR;
          args.push(...(last as Value[]));
        }
        this.charge(args.reduce<number>((n, a) => n + sizeOf(a), 0));
        const out = call(node.name, args);
        if (typeof out === 'string' && out.length > MAX_STRING) throw new Unsupported('string too long');
        return out;
      }
    }
  }

  private forExpr(node: Extract<Node, { t: 'for' }>, env: ReadonlyMap<string, Value>): Value {
    const coll = this.eval(node.coll, env);
    if (coll === UNKNOWN || coll === ERROR) return coll;
    let pairs: [Value, Value][];
    // A list's key is its index, a set's its element: values here do not tell the two apart.
    if (Array.isArray(coll)) pairs = coll.map((v, i) => [coll instanceof CtySet ? v : node.k === undefined ? i : UNKNOWN, v]);
    // cty goes through a map or an object in the lexical order of its keys.
    else if (isObj(coll)) pairs = Object.keys(coll).sort().map((k) => [k, coll[k]]);
    else return ERROR;
    const tuple: Value[] = [];
    const object: Record<string, Value> = {};
    for (const [k, v] of pairs) {
      const inner = new Map(env);
      if (node.k !== undefined) inner.set(node.k, k);
      inner.set(node.v, v);
      if (node.cond) {
        const c = this.eval(node.cond, inner);
        if (c === UNKNOWN || c === ERROR) return c;
        const b = toBool(c);
        if (b === ERROR) return ERROR;
        if (!b) continue;
      }
      const val = this.eval(node.val, inner);
      if (val === ERROR) return ERROR;
      if (!node.object || !node.key) {
        tuple.push(val);
        continue;
      }
      const key = this.eval(node.key, inner);
      if (key === UNKNOWN || key === ERROR) return key;
      const name = toStr(key);
      if (name === ERROR || name === UNKNOWN) return name;
      if (node.group) setOwn(object, name, [...((object[name] as Value[] | undefined) ?? []), val]);
      // Terraform refuses two elements with one key unless they are grouped.
      else if (Object.prototype.hasOwnProperty.call(object, name)) return ERROR;
      else setOwn(object, name, val);
    }
    return node.object ? object : tuple;
  }
}

/**
 * A value as the evaluator holds it: the unknown markers a partly known value carries in from outside
 * (a local with a resource id in it) as UNKNOWN. Converted once per value: a local is read many times.
 */
function withoutMarkers(v: Value): Value {
  if (v === null || typeof v !== 'object') return v;
  const done = CONVERTED.get(v);
  if (done !== undefined) return done.value;
  const out = convertMarkers(v, 0);
  CONVERTED.set(v, { value: out });
  return out;
}

const CONVERTED = new WeakMap<object, { value: Value }>();

function convertMarkers(v: Value, depth: number): Value {
  if (v === null || typeof v !== 'object') return v;
  if (isObj(v) && typeof v[UNKNOWN_KEY] === 'string') return UNKNOWN;
  if (depth > MAX_DEPTH) return UNKNOWN;
  if (Array.isArray(v)) {
    let changed = false;
    const items = v.map((x) => {
      const y = convertMarkers(x, depth + 1);
      if (y !== x) changed = true;
      return y;
    });
    if (!changed) return v;
    if (v instanceof CtySet) {
      const set = new CtySet();
      set.push(...items);
      return set;
    }
    return items;
  }
  if (!isObj(v)) return v;
  let changed = false;
  const out: Record<string, Value> = {};
  for (const [k, x] of Object.entries(v)) {
    const y = convertMarkers(x, depth + 1);
    if (y !== x) changed = true;
    setOwn(out, k, y);
  }
  return changed ? out : v;
}

function holdsUnknown(v: Value, depth = 0): boolean {
  if (v === UNKNOWN || v === ERROR) return true;
  if (depth > 64) return true;
  if (Array.isArray(v)) return v.some((x) => holdsUnknown(x, depth + 1));
  if (isObj(v)) return Object.values(v).some((x) => holdsUnknown(x, depth + 1));
  return false;
}

function index(obj: Value, key: Value): Value {
  if (obj === ERROR || key === ERROR) return ERROR;
  if (obj === UNKNOWN || key === UNKNOWN) return UNKNOWN;
  if (Array.isArray(obj)) {
    // A set has no index (Terraform refuses one); a list or tuple does.
    if (obj instanceof CtySet) return ERROR;
    const i = toNum(key);
    if (i === ERROR || !Number.isInteger(i) || i < 0 || i >= obj.length) return ERROR;
    return obj[i];
  }
  if (isObj(obj)) {
    const k = toStr(key);
    if (k === UNKNOWN) return UNKNOWN;
    if (k === ERROR || !Object.prototype.hasOwnProperty.call(obj, k)) return ERROR;
    return obj[k];
  }
  return ERROR;
}

function binary(op: string, a: Value, b: Value): Value {
  if (op === '&&' || op === '||') {
    // A known false (or true) decides `&&` (or `||`) whatever the other side, even an error, as HCL decides it.
    const x = a === UNKNOWN || a === ERROR ? a : toBool(a);
    const y = b === UNKNOWN || b === ERROR ? b : toBool(b);
    const decisive = op === '||';
    if (x === decisive || y === decisive) return decisive;
    if (x === ERROR || y === ERROR) return ERROR;
    return x === UNKNOWN || y === UNKNOWN ? UNKNOWN : !decisive;
  }
  if (a === ERROR || b === ERROR) return ERROR;
  // A known collection is not null, whatever parts of it are unknown (cty's Equals looks at the value itself).
  if ((op === '==' || op === '!=') && (a === null || b === null) && a !== UNKNOWN && b !== UNKNOWN) return (a === b) === (op === '==');
  if (holdsUnknown(a) || holdsUnknown(b)) return UNKNOWN;
  if (op === '==' || op === '!=') {
    // Values of two types are never equal in cty, and collections carry types (list, set, tuple; map,
    // object) these values do not show, nor do primitives converted to a declared collection type.
    if (a !== null && b !== null && (kind(a) !== kind(b) || typeof a === 'object')) return UNKNOWN;
    return deepEqual(a, b) === (op === '==');
  }
  const x = toNum(a);
  const y = toNum(b);
  if (x === ERROR || y === ERROR) return ERROR;
  switch (op) {
    // cty computes with 512-bit floats: only results exact in a double are known.
    case '+': return exact(x + y);
    case '-': return exact(x - y);
    case '*': return exact(x * y);
    case '/': return y === 0 ? ERROR : exact(x / y);
    case '%': return y === 0 ? UNKNOWN : exact(x % y);
    case '<': return x < y;
    case '>': return x > y;
    case '<=': return x <= y;
    case '>=': return x >= y;
    default: return ERROR;
  }
}

/** The strings cty converts to a bool, and only these. */
export const CTY_BOOLS: ReadonlyMap<string, boolean> = new Map([['true', true], ['false', false], ['1', true], ['0', false]]);

function toBool(v: Value): boolean | typeof ERROR {
  if (typeof v === 'boolean') return v;
  return (typeof v === 'string' ? CTY_BOOLS.get(v) : undefined) ?? ERROR;
}

function toNum(v: Value): number | typeof ERROR {
  if (typeof v === 'number') return v;
  // cty parses with Go's big.Float, which takes a leading `+` too.
  if (typeof v === 'string' && /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(v)) {
    const n = Number(v);
    // Beyond what a double holds, cty's number is another: not converted here.
    if (!Number.isFinite(n) || (Number.isInteger(n) && !Number.isSafeInteger(n))) throw new Unsupported('number');
    return n;
  }
  // Go reads infinities too, which cty may refuse: not an error to be caught here.
  if (typeof v === 'string' && /^[-+]?inf(inity)?$/i.test(v)) throw new Unsupported('infinity');
  return ERROR;
}

/** A number as cty writes it into a string; unknown where a double may not hold what cty holds. */
function toStr(v: Value): string | typeof ERROR | typeof UNKNOWN {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Number.isSafeInteger(v) ? String(v) : UNKNOWN;
  return ERROR;
}

/** A number as written, when a double holds it as cty does: not beyond 2^53 as an integer, nor out of a double's range. */
function numberLiteral(text: string): Node {
  const n = Number(text);
  // A tiny number a double rounds to zero is not zero to cty.
  const zeroed = n === 0 && /[1-9]/.test(text.split(/[eE]/)[0] ?? '');
  const exactly = Number.isFinite(n) && !zeroed && (Number.isInteger(n) ? Number.isSafeInteger(n) : Math.abs(n) > 1e-300);
  return exactly ? { t: 'lit', v: n } : { t: 'unknown' };
}

/** A result only when it is an integer a double holds exactly; cty's own arithmetic may differ otherwise. */
function exact(n: number): Value {
  return Number.isSafeInteger(n) ? n : UNKNOWN;
}

/** The kind of a known value, as far as cty's type unification goes. */
/**
 * Whether the common type Terraform gives two conditional results leaves them as they are: the same
 * primitive type; collections of one shape (the same keys or length, each part so); or lists, and maps
 * written as objects, whose elements all take one type unchanged (`c ? ["a"] : []`, `c ? { env = "x" } : {}`,
 * `c ? [var.ranges] : []`).
 */
function unifiesUnchanged(a: Value, b: Value, depth: number): boolean {
  if (a === null || b === null) return true;
  if (depth > MAX_DEPTH || a instanceof CtySet || b instanceof CtySet) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length === b.length && a.every((x, i) => unifiesUnchanged(x, b[i], depth + 1))) return true;
    return oneElementType([...a, ...b], depth);
  }
  if (isObj(a) && isObj(b)) {
    const keys = Object.keys(a);
    if (keys.length === Object.keys(b).length && keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && unifiesUnchanged(a[k], b[k], depth + 1))) return true;
    return oneElementType([...Object.values(a), ...Object.values(b)], depth);
  }
  return typeof a === typeof b && typeof a !== 'object';
}

/** Whether values (nulls aside) all take one type unchanged: the element type of a list or map made of them. */
function oneElementType(values: readonly Value[], depth: number): boolean {
  const items = values.filter((v) => v !== null);
  const first = items[0];
  return items.every((x) => (typeof x === 'object') === (typeof first === 'object') && Array.isArray(x) === Array.isArray(first) && unifiesUnchanged(first, x, depth + 1));
}

function kind(v: Value): string {
  return v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v;
}

/** About how much work a value is to go through: its elements, recursively up to a point. */
function sizeOf(v: Value): number {
  if (typeof v === 'string') return Math.ceil(v.length / 64);
  if (Array.isArray(v)) return v.length;
  if (isObj(v)) return Object.keys(v).length;
  return 0;
}

/** The value of `toset`: Terraform tells a set from a list (no index; its elements are its keys). */
class CtySet extends Array<unknown> {}

function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

const list = (v: Value): Value[] | undefined => (Array.isArray(v) ? v : undefined);
const map = (v: Value): Record<string, Value> | undefined => (isObj(v) ? v : undefined);
/**
 * A collection passed for a `list(string)` parameter (`join`, `sort`), converted as cty converts it:
 * numbers and bools become strings; a null, a collection or an inexact number makes it undefined.
 */
function strs(v: Value): string[] | typeof UNKNOWN | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: string[] = [];
  for (const x of v) {
    const s = x === null ? ERROR : toStr(x);
    // A number cty writes otherwise than JavaScript does is a string only Terraform can give.
    if (s === UNKNOWN) return UNKNOWN;
    if (typeof s !== 'string') return undefined;
    out.push(s);
  }
  return out;
}

/** A set of strings in cty's order (sorted, without repeats); sets of other values, ordered and unified by cty's rules, are left to Terraform. */
function asSet(v: Value[]): Value {
  return v.every((x) => typeof x === 'string') ? stringSet(v as string[]) : UNKNOWN;
}

/** Strings as a Terraform `set(string)`: in cty's order (by their UTF-8 bytes), without repeats, and told from a list by the evaluator (no index). */
export function stringSet(values: readonly string[]): unknown[] {
  const out = new CtySet();
  for (const x of [...new Set(values)].sort(byUtf8)) out.push(x);
  return out;
}

/** Numbers as a Terraform `set(number)`: ascending, without repeats. */
export function numberSet(values: readonly number[]): unknown[] {
  const out = new CtySet();
  for (const x of [...new Set(values)].sort((a, b) => a - b)) out.push(x);
  return out;
}

/** Go's string order: UTF-8 bytes, which differs from JavaScript's UTF-16 units beyond U+FFFF. */
function byUtf8(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * The patterns read here are those Go's RE2 and JavaScript read alike: ASCII, without flags, named
 * groups, POSIX classes or escapes beyond metacharacters and `\d`/`\w`, a quantifier with nothing to
 * repeat (RE2 reads `^*`, JavaScript refuses it), a class range ending in an escape or a repeat count
 * over RE2's 1000; and with at most two quantifiers, none on a group, so that backtracking stays small
 * on the short strings allowed (JavaScript's engine backtracks, RE2 does not).
 */
const PORTABLE_PATTERN = /^(?:[A-Za-z0-9 _\-,:;/@#=!%&~'"<>^$.*+?()[\]|]|\\[.\-^$*+?()[\]{}|/dDwW\\]|\{\d+(?:,\d*)?\})*$/;
const MAX_REGEX_INPUT = 256;

/**
 * `regex(pattern, string)`: the match (no groups) or the list of its groups; ERROR when it does not match,
 * as Terraform refuses. UNKNOWN for a pattern or string outside what RE2 and JavaScript read alike.
 */
function regex(pattern: string, text: string): Value {
  // `[]`/`[^]` open a class in RE2 and are a whole (empty) one in JavaScript.
  if (!PORTABLE_PATTERN.test(pattern) || /\[\^?\]/.test(pattern) || pattern.includes('(?') || pattern.includes('[:') || pattern.includes('-\\') || pattern.length > MAX_REGEX_INPUT) return UNKNOWN;
  // Each quantifier, with what it repeats: a group, an anchor, an alternation or nothing is not read.
  const quantifiers = [...pattern.matchAll(/(^|\\.|[^\\])([*+?]|\{(\d+)(?:,(\d*))?\})/g)];
  if (quantifiers.length > 2) return UNKNOWN;
  for (const q of quantifiers) {
    const before = q[1] ?? '';
    if (before === '' || /^[()|^$]$/.test(before) || Number(q[3] ?? 0) > 1000 || Number(q[4] || 0) > 1000) return UNKNOWN;
  }
  // JavaScript's `.` does not match `\r`, RE2's does.
  if (text.length > MAX_REGEX_INPUT || !isAscii(text) || text.includes('\r')) return UNKNOWN;
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch {
    return ERROR;
  }
  const m = re.exec(text);
  if (!m) return ERROR;
  if (m.length === 1) return m[0];
  const groups = m.slice(1);
  // A group that took no part in the match: what cty gives for it is not decided here.
  return groups.some((g) => g === undefined) ? UNKNOWN : groups;
}

/** The pure functions a configuration uses most; any other function is unknown. Arguments must be fully known, except for `try` and `can`. */
function call(name: string, args: Value[]): Value {
  if (name === 'try') {
    for (const a of args) {
      if (a === ERROR) continue;
      return holdsUnknown(a) ? UNKNOWN : a;
    }
    return ERROR;
  }
  if (name === 'can') return args[0] === ERROR ? false : holdsUnknown(args[0]) ? UNKNOWN : true;
  if (name === 'coalesce') return coalesce(args);
  if (args.some((a) => a === ERROR)) return ERROR;
  // merge takes known objects whose attribute values are unknown as they are: its result has the same keys.
  if (name === 'merge' && !args.includes(UNKNOWN)) return FUNCTIONS.merge?.(args) ?? ERROR;
  if (args.some((a) => holdsUnknown(a))) return UNKNOWN;
  const fn = FUNCTIONS[name];
  if (!fn) return UNKNOWN;
  const out = fn(args);
  return out === undefined ? ERROR : out;
}

/**
 * `coalesce`: the first argument neither null nor an empty string, as cty goes through them: an
 * unknown one before it makes the result unknown, one after it does not. cty unifies the arguments'
 * types first: known arguments of mixed kinds are left to Terraform, and so is a result that is not
 * a string beside unknown arguments (only a string is what any primitive unifies with).
 */
function coalesce(args: Value[]): Value {
  const known = args.filter((a) => a !== UNKNOWN && !holdsUnknown(a));
  if (args.some((a) => a === ERROR)) return ERROR;
  if (new Set(known.filter((x) => x !== null).map(kind)).size > 1) return UNKNOWN;
  // Collections unify element by element, which these values do not show (`coalesce([1], ["a"])` is `["1"]`).
  if (known.some((x) => x !== null && !isPrimitive(x))) return UNKNOWN;
  for (const a of args) {
    if (a === UNKNOWN || holdsUnknown(a)) return UNKNOWN;
    if (a === null || a === '') continue;
    return known.length === args.length || typeof a === 'string' ? a : UNKNOWN;
  }
  return ERROR;
}

function isPrimitive(v: Value): boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Each returns undefined for arguments Terraform would refuse. */
const FUNCTIONS: Record<string, (a: Value[]) => Value | undefined> = {
  // Terraform counts a string's grapheme clusters: known here for ASCII only.
  length: ([x]) => (typeof x === 'string' ? (isAscii(x) ? x.length : UNKNOWN) : Array.isArray(x) ? x.length : isObj(x) ? Object.keys(x).length : undefined),
  lookup: ([m, k, d]) => {
    const o = map(m);
    const key = toStr(k);
    if (!o || key === ERROR) return undefined;
    if (key === UNKNOWN) return UNKNOWN;
    return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : d;
  },
  contains: ([l, v]) => (list(l) ? (l as Value[]).some((x) => deepEqual(x, v)) : undefined),
  coalescelist: (a) => a.find((x) => Array.isArray(x) && x.length > 0),
  // cty wants lists or tuples: a set is refused.
  concat: (a) => (a.every((x) => Array.isArray(x) && !(x instanceof CtySet)) ? (a as Value[][]).flat(1) : undefined),
  merge: (a) => {
    if (!a.every((x) => x === null || isObj(x))) return undefined;
    const out: Record<string, Value> = {};
    for (const m of a.filter(isObj)) for (const [k, v] of Object.entries(m)) setOwn(out, k, v);
    return out;
  },
  flatten: ([l]) => (list(l) ? (l as Value[]).flat(64) : undefined),
  distinct: ([l]) => (list(l) ? ((l as Value[]).length > 10_000 ? UNKNOWN : (l as Value[]).filter((x, i, all) => all.findIndex((y) => deepEqual(x, y)) === i)) : undefined),
  compact: ([l]) => (list(l) ? (l as Value[]).filter((x) => x !== null && x !== '') : undefined),
  keys: ([m]) => (map(m) ? Object.keys(m as object).sort() : undefined),
  values: ([m]) => (map(m) ? Object.keys(m as object).sort().map((k) => (m as Record<string, Value>)[k]) : undefined),
  element: ([l, i]) => {
    const items = list(l);
    const n = toNum(i);
    return items && !(items instanceof CtySet) && items.length > 0 && n !== ERROR && Number.isInteger(n) && n >= 0 ? items[n % items.length] : undefined;
  },
  one: ([l]) => (list(l) && (l as Value[]).length <= 1 ? ((l as Value[])[0] ?? null) : undefined),
  toset: ([l]) => (list(l) ? asSet(l as Value[]) : undefined),
  tolist: ([l]) => (list(l) ? [...(l as Value[])] : undefined),
  tomap: ([m]) => (map(m) ? m : undefined),
  tostring: ([x]) => (x === null ? null : (() => { const s = toStr(x); return s === ERROR ? undefined : s; })()),
  tonumber: ([x]) => (x === null ? null : (() => { const n = toNum(x); return n === ERROR ? undefined : n; })()),
  tobool: ([x]) => (x === null ? null : (() => { const b = toBool(x); return b === ERROR ? undefined : b; })()),
  // Go's case mapping differs from JavaScript's beyond ASCII (`ß`).
  lower: ([s]) => (typeof s === 'string' ? (isAscii(s) ? s.toLowerCase() : UNKNOWN) : undefined),
  upper: ([s]) => (typeof s === 'string' ? (isAscii(s) ? s.toUpperCase() : UNKNOWN) : undefined),
  trimspace: ([s]) => (typeof s === 'string' ? s.trim() : undefined),
  // Characters are compared one by one: known here for ASCII only.
  trim: ([s, cut]) => (typeof s === 'string' && typeof cut === 'string' ? (isAscii(s) && isAscii(cut) ? trimChars(s, cut) : UNKNOWN) : undefined),
  // cty composes strings (NFC) first: known here for ASCII only.
  trimprefix: ([s, p]) => (typeof s === 'string' && typeof p === 'string' ? (isAscii(s) && isAscii(p) ? (s.startsWith(p) ? s.slice(p.length) : s) : UNKNOWN) : undefined),
  trimsuffix: ([s, p]) => (typeof s === 'string' && typeof p === 'string' ? (isAscii(s) && isAscii(p) ? (p !== '' && s.endsWith(p) ? s.slice(0, -p.length) : s) : UNKNOWN) : undefined),
  // Terraform counts grapheme clusters: known here for ASCII only.
  substr: ([s, o, l]) => (typeof s === 'string' && typeof o === 'number' && typeof l === 'number' ? (isAscii(s) && !s.includes('\r\n') ? substr(s, o, l) : UNKNOWN) : undefined),
  slice: ([l, a, b]) => {
    const items = list(l);
    if (!items || items instanceof CtySet || typeof a !== 'number' || typeof b !== 'number' || !Number.isInteger(a) || !Number.isInteger(b)) return undefined;
    return a >= 0 && a <= b && b <= items.length ? items.slice(a, b) : undefined;
  },
  index: ([l, v]) => {
    const items = list(l);
    if (!items || items instanceof CtySet) return undefined;
    // cty compares types too, which collections here do not show: primitives only.
    if (!isPrimitive(v) || !items.every((x) => x === null || isPrimitive(x))) return UNKNOWN;
    if (items.some((x) => x !== null && kind(x) !== kind(v))) return UNKNOWN;
    const at = items.indexOf(v);
    return at < 0 ? undefined : at;
  },
  zipmap: ([k, v]) => {
    const keys = strs(k);
    const values = list(v);
    if (keys === UNKNOWN) return UNKNOWN;
    // The values must be a list or a tuple: cty refuses a set.
    if (!keys || !values || values instanceof CtySet || keys.length !== values.length) return undefined;
    const out: Record<string, Value> = {};
    keys.forEach((key, i) => setOwn(out, key, values[i]));
    return out;
  },
  range: (a) => numberRange(a),
  sum: ([l]) => {
    const items = list(l);
    if (!items || items.length === 0 || !items.every((x) => typeof x === 'number' && Number.isSafeInteger(x))) return items && items.length > 0 ? UNKNOWN : undefined;
    const total = (items as number[]).reduce((n, x) => n + x, 0);
    return Number.isSafeInteger(total) ? total : UNKNOWN;
  },
  // Sensitive variables are never read, so nothing here is marked: the value is itself.
  nonsensitive: ([x]) => x,
  startswith: ([s, p]) => (typeof s === 'string' && typeof p === 'string' ? s.startsWith(p) : undefined),
  endswith: ([s, p]) => (typeof s === 'string' && typeof p === 'string' ? s.endsWith(p) : undefined),
  strcontains: ([s, p]) => (typeof s === 'string' && typeof p === 'string' ? s.includes(p) : undefined),
  // A pattern in slashes is a regular expression in Go's syntax, not JavaScript's: left to Terraform.
  replace: ([s, f, r]) => (typeof s === 'string' && typeof f === 'string' && typeof r === 'string' ? (f === '' || /^\/.*\/$/.test(f) ? UNKNOWN : s.split(f).join(r)) : undefined),
  split: ([sep, s]) => (typeof sep === 'string' && typeof s === 'string' ? s.split(sep) : undefined),
  regex: ([p, s]) => (typeof p === 'string' && typeof s === 'string' ? regex(p, s) : undefined),
  join: ([sep, ...ls]) => {
    const lists = ls.map(strs);
    if (typeof sep !== 'string' || lists.length === 0 || lists.includes(undefined)) return undefined;
    return lists.includes(UNKNOWN) ? UNKNOWN : (lists as string[][]).flat().join(sep);
  },
  format: ([f, ...a]) => (typeof f === 'string' ? format(f, a) : undefined),
  max: (a) => (a.length && a.every((x) => typeof x === 'number') ? Math.max(...(a as number[])) : undefined),
  min: (a) => (a.length && a.every((x) => typeof x === 'number') ? Math.min(...(a as number[])) : undefined),
  abs: ([x]) => (typeof x === 'number' ? Math.abs(x) : undefined),
  alltrue: ([l]) => (list(l) && (l as Value[]).every((x) => toBool(x) !== ERROR) ? (l as Value[]).every((x) => toBool(x) === true) : undefined),
  anytrue: ([l]) => (list(l) && (l as Value[]).every((x) => toBool(x) !== ERROR) ? (l as Value[]).some((x) => toBool(x) === true) : undefined),
  reverse: ([l]) => (list(l) ? [...(l as Value[])].reverse() : undefined),
  sort: ([l]) => {
    const items = strs(l);
    return items === UNKNOWN ? UNKNOWN : items?.sort(byUtf8);
  },
  setunion: (a) => (a.every(Array.isArray) ? asSet((a as Value[][]).flat(1)) : undefined),
};

/** Go's strings.Trim: every character of `cut` removed from both ends. */
function trimChars(s: string, cut: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && cut.includes(s[a] as string)) a++;
  while (b > a && cut.includes(s[b - 1] as string)) b--;
  return s.slice(a, b);
}

/** `substr` over ASCII (without `\r\n`, one character to Terraform): a negative offset counts from the end, a length of -1 takes the rest; other cases are left to Terraform. */
function substr(s: string, offset: number, length: number): Value {
  // cty takes a length of 0 after a negative offset its own way: left to Terraform.
  if (!Number.isInteger(offset) || !Number.isInteger(length) || length < -1 || (offset < 0 && length === 0)) return UNKNOWN;
  const from = offset < 0 ? s.length + offset : offset;
  if (from < 0) return UNKNOWN;
  if (from >= s.length) return '';
  return length === -1 ? s.slice(from) : s.slice(from, from + length);
}

/** `range(limit)`, `range(start, limit)`, `range(start, limit, step)` over integers, at most 1,024 numbers as Terraform allows. */
function numberRange(a: Value[]): Value | undefined {
  if (a.length < 1 || a.length > 3 || !a.every((x) => typeof x === 'number' && Number.isSafeInteger(x))) return a.every((x) => typeof x === 'number') ? UNKNOWN : undefined;
  const [start, limit, step] = a.length === 1 ? [0, a[0] as number, 1] : [a[0] as number, a[1] as number, (a[2] as number | undefined) ?? ((a[1] as number) >= (a[0] as number) ? 1 : -1)];
  if (step === 0) return undefined;
  // A step away from the limit: left to Terraform.
  if ((step > 0 && start > limit) || (step < 0 && start < limit)) return UNKNOWN;
  const out: number[] = [];
  for (let x = start; step > 0 ? x < limit : x > limit; x += step) {
    if (out.length >= 1024) return undefined;
    out.push(x);
  }
  return out;
}

/** `format` with the verbs configurations use: %s, %d, %v, %% (others are left to Terraform). */
function format(f: string, args: Value[]): Value | undefined {
  let i = 0;
  let bad = false;
  let unknown = false;
  const out = f.replace(/%([%sdv])/g, (_, verb: string) => {
    if (verb === '%') return '%';
    const v = args[i++];
    // %v writes numbers as Go's %g does, which is not JavaScript's: left to Terraform.
    const s = verb === 'd' ? (typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : ERROR) : verb === 'v' && typeof v === 'number' ? UNKNOWN : toStr(v);
    if (s === ERROR) bad = true;
    if (s === UNKNOWN) unknown = true;
    return typeof s === 'string' ? s : '';
  });
  if (bad) return undefined;
  if (unknown || /%([^%sdv]|$)/.test(f.replace(/%%/g, ''))) return UNKNOWN;
  return out;
}
