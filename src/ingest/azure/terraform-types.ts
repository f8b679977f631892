import { UNKNOWN_KEY } from '../../core/unknown.js';
import { isObj, setOwn, type Obj } from '../../core/resource.js';
import { CTY_BOOLS, evaluateTemplate, numberSet, stringSet } from './terraform-expression.js';

/**
 * A variable's type constraint as Terraform reads it (`string`, `list(string)`,
 * `map(object({ name = string, mode = optional(string, "User") }))`): what a value given for the
 * variable is converted to, optional attributes' defaults included.
 */
export type TerraformType =
  | { kind: 'any' }
  | { kind: 'string' | 'number' | 'bool' }
  | { kind: 'list' | 'set' | 'map'; element: TerraformType }
  | { kind: 'tuple'; elements: TerraformType[] }
  | { kind: 'object'; attributes: ReadonlyMap<string, Attribute> };

interface Attribute {
  type: TerraformType;
  optional: boolean;
  /** The `optional(TYPE, DEFAULT)` default, converted to the attribute's type; absent for none (null). */
  default?: unknown;
}

/** Type constraints longer than this are not read: a real one is a few hundred characters. */
const MAX_TYPE_TEXT = 64 * 1024;
/** Nesting past this is not read: a real type is a few levels deep. */
const MAX_TYPE_DEPTH = 32;

// A module's variables are converted once per value given; the same few type texts come back.
const PARSED = new Map<string, TerraformType | undefined>();

/**
 * A type constraint as written in a `variable` block (the parser's JSON form keeps it as `${TYPE}`),
 * or undefined when it is not read here (a default that is not a constant, syntax this reader does
 * not know): values are then left as written.
 */
export function parseType(written: unknown): TerraformType | undefined {
  if (written === undefined) return { kind: 'any' };
  if (typeof written !== 'string' || written.length > MAX_TYPE_TEXT) return undefined;
  const text = typeText(written) as string;
  if (PARSED.has(text)) return PARSED.get(text);
  let type: TerraformType | undefined;
  try {
    const reader = new TypeReader(text);
    type = reader.type(0);
    reader.end();
  } catch {
    type = undefined;
  }
  if (PARSED.size > 1000) PARSED.clear();
  PARSED.set(text, type);
  return type;
}

/** A declared type as written (`list(string)`), without the `${...}` the parser's JSON form wraps it in. */
export function typeText(written: unknown): string | undefined {
  return typeof written === 'string' ? written.replace(/^\$\{([\s\S]*)\}$/, '$1').trim() : undefined;
}

class NotRead extends Error {}

class TypeReader {
  private i = 0;

  constructor(private readonly s: string) {}

  type(depth: number): TerraformType {
    if (depth > MAX_TYPE_DEPTH) throw new NotRead('too deep');
    const name = this.word();
    if (name === 'any') return { kind: 'any' };
    if (name === 'string' || name === 'number' || name === 'bool') return { kind: name };
    this.expect('(');
    let type: TerraformType;
    if (name === 'list' || name === 'set' || name === 'map') type = { kind: name, element: this.type(depth + 1) };
    else if (name === 'tuple') type = { kind: 'tuple', elements: this.tuple(depth + 1) };
    else if (name === 'object') type = { kind: 'object', attributes: this.object(depth + 1) };
    else throw new NotRead(name);
    this.expect(')');
    return type;
  }

  end(): void {
    this.skip();
    if (this.i < this.s.length) throw new NotRead('trailing text');
  }

  private tuple(depth: number): TerraformType[] {
    this.expect('[');
    const out: TerraformType[] = [];
    while (!this.peek(']')) {
      out.push(this.type(depth));
      if (!this.peek(']')) this.expect(',');
    }
    this.expect(']');
    return out;
  }

  private object(depth: number): Map<string, Attribute> {
    this.expect('{');
    const out = new Map<string, Attribute>();
    while (!this.peek('}')) {
      // Terraform wants attribute names bare (`name = string`), not quoted.
      const name = this.word();
      this.skip();
      if (this.s[this.i] !== '=' && this.s[this.i] !== ':') throw new NotRead('attribute');
      this.i++;
      out.set(name, this.attribute(depth));
      // Attributes are separated by commas or new lines.
      if (this.peek(',')) this.i++;
    }
    this.expect('}');
    return out;
  }

  private attribute(depth: number): Attribute {
    const start = this.i;
    if (this.word() !== 'optional') {
      this.i = start;
      return { type: this.type(depth), optional: false };
    }
    this.expect('(');
    const type = this.type(depth);
    let attribute: Attribute = { type, optional: true };
    if (this.peek(',')) {
      this.i++;
      const text = this.expression();
      const value = evaluateTemplate(`\${${text}}`, undefined, () => undefined);
      const converted = value.known ? convertTo(value.value, type) : NOT_CONVERTED;
      if (converted === NOT_CONVERTED) throw new NotRead('default');
      attribute = { type, optional: true, default: converted };
    }
    this.expect(')');
    return attribute;
  }

  /** The text of a default up to the `)` that closes `optional(`, brackets and strings skipped over. */
  private expression(): string {
    const start = this.i;
    let depth = 0;
    for (; this.i < this.s.length; this.i++) {
      const c = this.s[this.i];
      if (c === '"') {
        for (this.i++; this.i < this.s.length && this.s[this.i] !== '"'; this.i++) if (this.s[this.i] === '\\') this.i++;
      } else if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        if (depth === 0) return this.s.slice(start, this.i);
        depth--;
      }
    }
    throw new NotRead('unclosed default');
  }

  private word(): string {
    this.skip();
    const m = /^[A-Za-z_][\w-]*/.exec(this.s.slice(this.i, this.i + 256));
    if (!m) throw new NotRead('name');
    this.i += m[0].length;
    return m[0];
  }

  private peek(c: string): boolean {
    this.skip();
    return this.s[this.i] === c;
  }

  private expect(c: string): void {
    if (!this.peek(c)) throw new NotRead(`expected ${c}`);
    this.i++;
  }

  /** Spaces, new lines and comments: `#` and `//` to the end of the line, and block comments. */
  private skip(): void {
    for (;;) {
      const c = this.s[this.i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.i++;
      else if (c === '#' || (c === '/' && this.s[this.i + 1] === '/')) while (this.i < this.s.length && this.s[this.i] !== '\n') this.i++;
      else if (c === '/' && this.s[this.i + 1] === '*') {
        const end = this.s.indexOf('*/', this.i + 2);
        this.i = end < 0 ? this.s.length : end + 2;
      } else return;
    }
  }
}

/** A value these conversions cannot make as Terraform would (its types or its number formatting decide): left to Terraform. */
export const NOT_CONVERTED: unique symbol = Symbol('not converted');

/**
 * A value converted to a type as Terraform converts a variable's value: primitives as cty converts
 * them (`"true"` to a bool, `"3"` to a number, numbers and bools to strings); the elements of lists,
 * sets, maps and tuples likewise, a set of strings or numbers in cty's order without repeats (a set
 * the evaluator cannot index); an object's declared attributes, each missing or null optional one
 * taking its default (null without one), the undeclared ones dropped. A value that does not convert
 * stays as written (Terraform would refuse it); NOT_CONVERTED when cty's types would decide what
 * these values cannot show (a set of other elements, `any` elements of different types, a number
 * written otherwise than a double holds it).
 */
export function convertTo(value: unknown, type: TerraformType, depth = 0): unknown {
  if (value === null || value === undefined || depth > MAX_TYPE_DEPTH) return value;
  // A part only Terraform knows converts to an unknown value of the type: it stays unknown.
  if (isObj(value) && typeof value[UNKNOWN_KEY] === 'string') return value;
  switch (type.kind) {
    case 'any':
      return value;
    case 'string':
    case 'number':
    case 'bool':
      return primitive(value, type.kind);
    case 'list':
    case 'set': {
      if (!Array.isArray(value)) return value;
      // A set given for a list becomes a plain list (mapping the set itself would keep it a set).
      const items = Array.from(value, (v) => convertTo(v, type.element, depth + 1));
      if (items.includes(NOT_CONVERTED) || (type.element.kind === 'any' && !oneShape(items))) return NOT_CONVERTED;
      if (type.kind === 'list') return items;
      if (items.every((v): v is string => typeof v === 'string')) return stringSet(items);
      if (items.every((v): v is number => typeof v === 'number')) return numberSet(items);
      return NOT_CONVERTED;
    }
    case 'map': {
      if (!isObj(value)) return value;
      const out: Obj = {};
      for (const [k, v] of Object.entries(value)) {
        const converted = convertTo(v, type.element, depth + 1);
        if (converted === NOT_CONVERTED) return NOT_CONVERTED;
        setOwn(out, k, converted);
      }
      return type.element.kind === 'any' && !oneShape(Object.values(out)) ? NOT_CONVERTED : out;
    }
    case 'tuple': {
      if (!Array.isArray(value) || value.length !== type.elements.length) return value;
      const items = Array.from(value, (v, i) => convertTo(v, type.elements[i] as TerraformType, depth + 1));
      return items.includes(NOT_CONVERTED) ? NOT_CONVERTED : items;
    }
    case 'object': {
      if (!isObj(value)) return value;
      // A required attribute missing: Terraform refuses the value; it is left as written.
      for (const [name, a] of type.attributes) if (!a.optional && !Object.prototype.hasOwnProperty.call(value, name)) return value;
      const out: Obj = {};
      for (const [name, a] of type.attributes) {
        const given = Object.prototype.hasOwnProperty.call(value, name) ? value[name] : undefined;
        const converted = given === undefined || given === null ? (a.optional ? (a.default ?? null) : null) : convertTo(given, a.type, depth + 1);
        if (converted === NOT_CONVERTED) return NOT_CONVERTED;
        setOwn(out, name, converted);
      }
      return out;
    }
  }
}

/**
 * Whether the elements of an `any` collection have one type as these values show it, as cty needs to
 * leave them as they are (`[1, "a"]` would become `["1", "a"]`): nulls aside, the same primitive
 * kind, or objects with the same attributes of the same shapes, or lists of such.
 */
function oneShape(items: readonly unknown[]): boolean {
  const shapes = new Set(items.filter((v) => v !== null).map((v) => shapeOf(v, 0)));
  return shapes.size <= 1 && !shapes.has(undefined);
}

function shapeOf(v: unknown, depth: number): string | undefined {
  if (depth > 8) return undefined;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return typeof v;
  if (Array.isArray(v)) {
    const inner = new Set(v.filter((x) => x !== null).map((x) => shapeOf(x, depth + 1)));
    return inner.size <= 1 && !inner.has(undefined) ? `[${[...inner].join('')}]` : undefined;
  }
  if (isObj(v)) {
    const parts: string[] = [];
    for (const k of Object.keys(v).sort()) {
      const inner = v[k] === null ? 'null' : shapeOf(v[k], depth + 1);
      if (inner === undefined) return undefined;
      parts.push(`${JSON.stringify(k)}:${inner}`);
    }
    return `{${parts.join(',')}}`;
  }
  return undefined;
}

// The strings cty, Terraform's type library, may convert to a number.
const DECIMAL = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

function primitive(value: unknown, kind: 'string' | 'number' | 'bool'): unknown {
  if (kind === 'bool' && typeof value === 'string' && CTY_BOOLS.has(value)) return CTY_BOOLS.get(value);
  if (kind === 'number' && typeof value === 'string' && DECIMAL.test(value)) return exactNumber(value) ?? NOT_CONVERTED;
  if (kind === 'string' && typeof value === 'boolean') return String(value);
  // cty writes a number out in full (1e21 as 1000000000000000000000); JavaScript's text is the same for integers a double holds exactly only.
  if (kind === 'string' && typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : NOT_CONVERTED;
  return value;
}

/** A decimal's value when a double holds it as written: a safe integer, or a short plain decimal. */
function exactNumber(text: string): number | undefined {
  const n = Number(text);
  if (/^[-+]?\d+$/.test(text)) return Number.isSafeInteger(n) ? n : undefined;
  return /^[-+]?\d*\.\d+$/.test(text) && text.replace(/[^\d]/g, '').replace(/^0+/, '').length <= 15 ? n : undefined;
}

/** Whether Terraform converts a string to a declared primitive type (`"yes"` is no `bool`, `"abc"` no `number`). */
export function convertsFromString(raw: string, type: unknown): boolean {
  const t = parseType(type);
  return t?.kind === 'bool' ? CTY_BOOLS.has(raw) : t?.kind === 'number' ? DECIMAL.test(raw) || /^[-+]?Inf$/.test(raw) : true;
}
