/**
 * The ARM template expression language: `[concat(parameters('a'), '-x')]`. Function calls,
 * single-quoted strings ('' escapes a quote), integers, and `.property` / `[index]` access on
 * any value.
 */
export type Expr =
  | { t: 'literal'; value: string | number | boolean | null }
  | { t: 'call'; name: string; args: Expr[] }
  | { t: 'property'; target: Expr; name: string }
  | { t: 'index'; target: Expr; index: Expr };

export class ExpressionSyntaxError extends Error {
  override name = 'ExpressionSyntaxError';
}

const MAX_NESTING = 64;

/** True when a template string is an expression (`[...]`, but not the `[[` escape for a literal bracket). */
export function isExpression(s: string): boolean {
  return s.length >= 2 && s.startsWith('[') && s.endsWith(']') && !s.startsWith('[[');
}

/** The literal a non-expression template string stands for: `[[x]` is the text `[x]`. */
export function literalText(s: string): string {
  return s.startsWith('[[') ? s.slice(1) : s;
}

/** Parses the text between the outer brackets of an expression string. */
export function parseExpression(src: string): Expr {
  const p = new Parser(src);
  p.skipSpace();
  const e = p.expression(0);
  p.skipSpace();
  if (!p.done()) throw p.error('unexpected text');
  return e;
}

class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  done(): boolean {
    return this.pos >= this.src.length;
  }

  error(what: string): ExpressionSyntaxError {
    return new ExpressionSyntaxError(`${what} at character ${this.pos + 1}`);
  }

  skipSpace(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos] as string)) this.pos++;
  }

  private peek(): string {
    return this.src[this.pos] ?? '';
  }

  private expect(ch: string): void {
    this.skipSpace();
    if (this.peek() !== ch) throw this.error(`expected '${ch}'`);
    this.pos++;
  }

  expression(depth: number): Expr {
    if (depth > MAX_NESTING) throw this.error('expression nested too deeply');
    this.skipSpace();
    let e = this.primary(depth);
    for (;;) {
      this.skipSpace();
      const ch = this.peek();
      if (ch === '.') {
        this.pos++;
        this.skipSpace();
        e = { t: 'property', target: e, name: this.identifier() };
      } else if (ch === '[') {
        this.pos++;
        const index = this.expression(depth + 1);
        this.expect(']');
        e = { t: 'index', target: e, index };
      } else {
        return e;
      }
    }
  }

  private primary(depth: number): Expr {
    const ch = this.peek();
    if (ch === "'") return { t: 'literal', value: this.string() };
    if (/[-0-9]/.test(ch)) return { t: 'literal', value: this.number() };
    if (/[A-Za-z_]/.test(ch)) {
      let name = this.identifier();
      this.skipSpace();
      // User-defined functions are namespaced: `ns.fn(...)`.
      const save = this.pos;
      if (this.peek() === '.') {
        this.pos++;
        this.skipSpace();
        if (/[A-Za-z_]/.test(this.peek())) {
          const member = this.identifier();
          this.skipSpace();
          if (this.peek() === '(') name = `${name}.${member}`;
          else this.pos = save;
        } else {
          this.pos = save;
        }
      }
      if (this.peek() !== '(') {
        const lower = name.toLowerCase();
        if (lower === 'true') return { t: 'literal', value: true };
        if (lower === 'false') return { t: 'literal', value: false };
        if (lower === 'null') return { t: 'literal', value: null };
        throw this.error(`'${name}' is not a function call`);
      }
      this.pos++;
      const args: Expr[] = [];
      this.skipSpace();
      if (this.peek() === ')') {
        this.pos++;
        return { t: 'call', name, args };
      }
      for (;;) {
        args.push(this.expression(depth + 1));
        this.skipSpace();
        const c = this.peek();
        if (c === ',') {
          this.pos++;
          continue;
        }
        if (c === ')') {
          this.pos++;
          return { t: 'call', name, args };
        }
        throw this.error("expected ',' or ')'");
      }
    }
    throw this.error(ch ? `unexpected '${ch}'` : 'unexpected end of expression');
  }

  private identifier(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.src.slice(this.pos));
    if (!m) throw this.error('expected a name');
    this.pos += m[0].length;
    return m[0];
  }

  private string(): string {
    this.pos++;
    let out = '';
    for (;;) {
      const i = this.src.indexOf("'", this.pos);
      if (i === -1) throw this.error('unterminated string');
      out += this.src.slice(this.pos, i);
      this.pos = i + 1;
      if (this.peek() === "'") {
        out += "'";
        this.pos++;
        continue;
      }
      return out;
    }
  }

  private number(): number {
    const m = /^-?[0-9]+(\.[0-9]+)?/.exec(this.src.slice(this.pos));
    if (!m) throw this.error('expected a number');
    this.pos += m[0].length;
    return Number(m[0]);
  }
}
