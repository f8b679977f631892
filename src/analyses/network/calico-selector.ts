/*
 * Calico's selector language (projectcalico.org/v3 `selector` and `namespaceSelector`), evaluated as far
 * as the input allows. Terms: `all()`, `global()`, `has(k)`, `k == 'v'`, `k != 'v'`, `k in {'a', 'b'}`,
 * `k not in {...}`, `k contains 'v'`, `k starts with 'v'`, `k ends with 'v'`; joined by `&&` and `||`
 * (`&&` binding tighter), negated with `!`, grouped with parentheses. Strings are single- or
 * double-quoted. Anything else makes the whole selector unreadable.
 *
 * Four answers: `yes` and `no` where the labels are known; `maybe` where the term reads a label of pods,
 * which some pod may and another may not have; `unknown` where nothing is known of the label.
 */

export type SelectorAnswer = 'yes' | 'no' | 'maybe' | 'unknown';

/** What is known of a label: its value (undefined when absent), `maybe` for a pod label, `unknown`. */
export type LabelKnowledge = { value: string | undefined } | 'maybe' | 'unknown';

type Token = { kind: 'word'; text: string } | { kind: 'string'; text: string } | { kind: 'op'; text: string };

const KEY = /^[A-Za-z0-9_./-]+$/;
const OPERATORS = ['&&', '||', '==', '!=', '!', '(', ')', '{', '}', ','];

/** The selector's tokens; undefined when it holds a character the language has no place for. */
function tokens(source: string): Token[] | undefined {
  const out: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = source.indexOf(c, i + 1);
      if (end < 0) return undefined;
      out.push({ kind: 'string', text: source.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (op) {
      out.push({ kind: 'op', text: op });
      i += op.length;
      continue;
    }
    const m = /^[A-Za-z0-9_./-]+/.exec(source.slice(i, i + 512));
    if (!m) return undefined;
    out.push({ kind: 'word', text: m[0] });
    i += m[0].length;
  }
  return out;
}

function not(a: SelectorAnswer): SelectorAnswer {
  return a === 'yes' ? 'no' : a === 'no' ? 'yes' : a;
}

function and(a: SelectorAnswer, b: SelectorAnswer): SelectorAnswer {
  if (a === 'no' || b === 'no') return 'no';
  if (a === 'unknown' || b === 'unknown') return 'unknown';
  return a === 'maybe' || b === 'maybe' ? 'maybe' : 'yes';
}

function or(a: SelectorAnswer, b: SelectorAnswer): SelectorAnswer {
  if (a === 'yes' || b === 'yes') return 'yes';
  if (a === 'maybe' || b === 'maybe') return 'maybe';
  return a === 'unknown' || b === 'unknown' ? 'unknown' : 'no';
}

class Unreadable extends Error {}

/** Recursive descent over the tokens: or := and ('||' and)*; and := unary ('&&' unary)*; unary := '!' unary | '(' or ')' | term. */
class Evaluator {
  private at = 0;
  constructor(
    private readonly toks: readonly Token[],
    private readonly label: (key: string) => LabelKnowledge,
    private readonly depth = { n: 0 },
  ) {}

  run(): SelectorAnswer {
    const answer = this.or();
    if (this.at !== this.toks.length) throw new Unreadable();
    return answer;
  }

  private peek(offset = 0): Token | undefined {
    return this.toks[this.at + offset];
  }

  private isOp(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t?.kind === 'op' && t.text === text;
  }

  private expectOp(text: string): void {
    if (!this.isOp(text)) throw new Unreadable();
    this.at++;
  }

  private or(): SelectorAnswer {
    let a = this.and();
    while (this.isOp('||')) {
      this.at++;
      a = or(a, this.and());
    }
    return a;
  }

  private and(): SelectorAnswer {
    let a = this.unary();
    while (this.isOp('&&')) {
      this.at++;
      a = and(a, this.unary());
    }
    return a;
  }

  private unary(): SelectorAnswer {
    // A hostile selector of a thousand `(` or `!` must not overflow the stack.
    if (++this.depth.n > 100) throw new Unreadable();
    try {
      if (this.isOp('!')) {
        this.at++;
        return not(this.unary());
      }
      if (this.isOp('(')) {
        this.at++;
        const a = this.or();
        this.expectOp(')');
        return a;
      }
      return this.term();
    } finally {
      this.depth.n--;
    }
  }

  private word(): string {
    const t = this.peek();
    if (t?.kind !== 'word') throw new Unreadable();
    this.at++;
    return t.text;
  }

  private string(): string {
    const t = this.peek();
    if (t?.kind !== 'string') throw new Unreadable();
    this.at++;
    return t.text;
  }

  /** A term about one label, through what is known of it. */
  private about(key: string, holds: (value: string | undefined) => boolean): SelectorAnswer {
    if (!KEY.test(key)) throw new Unreadable();
    const known = this.label(key);
    if (known === 'maybe' || known === 'unknown') return known;
    // A value that is not text (hostile input) is no label value.
    return holds(typeof known.value === 'string' ? known.value : undefined) ? 'yes' : 'no';
  }

  private term(): SelectorAnswer {
    const first = this.word();
    if ((first === 'all' || first === 'global') && this.isOp('(')) {
      this.expectOp('(');
      this.expectOp(')');
      // global() is refused by Calico's validator in these fields, and Felix applies it to everything when
      // it is not validated: no answer to trust.
      return first === 'all' ? 'yes' : 'unknown';
    }
    if (first === 'has' && this.isOp('(')) {
      this.expectOp('(');
      const key = this.word();
      this.expectOp(')');
      return this.about(key, (v) => v !== undefined);
    }
    const key = first;
    if (this.isOp('==') || this.isOp('!=')) {
      const equal = this.isOp('==');
      this.at++;
      const value = this.string();
      return this.about(key, (v) => (equal ? v === value : v !== value));
    }
    const next = this.peek();
    if (next?.kind !== 'word') throw new Unreadable();
    // Calico's tokenizer reads `not in`, `starts with` and `ends with` with the space left out too.
    if (next.text === 'in' || next.text === 'notin' || (next.text === 'not' && this.peek(1)?.kind === 'word' && (this.peek(1) as Token).text === 'in')) {
      const negated = next.text !== 'in';
      this.at += next.text === 'not' ? 2 : 1;
      const set = this.set();
      return this.about(key, (v) => (negated ? v === undefined || !set.includes(v) : v !== undefined && set.includes(v)));
    }
    if (next.text === 'contains') {
      this.at++;
      const part = this.string();
      return this.about(key, (v) => v !== undefined && v.includes(part));
    }
    const joined = next.text === 'startswith' || next.text === 'endswith';
    if (joined || ((next.text === 'starts' || next.text === 'ends') && this.peek(1)?.kind === 'word' && (this.peek(1) as Token).text === 'with')) {
      this.at += joined ? 1 : 2;
      const part = this.string();
      const starts = next.text.startsWith('starts');
      return this.about(key, (v) => v !== undefined && (starts ? v.startsWith(part) : v.endsWith(part)));
    }
    throw new Unreadable();
  }

  /** `{'a', 'b'}`, possibly empty. */
  private set(): string[] {
    this.expectOp('{');
    const out: string[] = [];
    if (this.isOp('}')) {
      this.at++;
      return out;
    }
    for (;;) {
      out.push(this.string());
      if (this.isOp(',')) this.at++;
      if (this.isOp('}')) {
        this.at++;
        return out;
      }
      // Entries are separated by commas (a trailing one allowed, as Calico allows it).
      if (this.toks[this.at - 1]?.kind !== 'op') throw new Unreadable();
    }
  }
}

/**
 * What a Calico selector says of an object whose labels `label` describes; an empty selector selects
 * everything, and one that cannot be read is `unknown`.
 */
export function calicoSelector(expr: string, label: (key: string) => LabelKnowledge): SelectorAnswer {
  const source = expr.trim();
  if (source === '') return 'yes';
  const toks = tokens(source);
  if (!toks) return 'unknown';
  try {
    return new Evaluator(toks, label).run();
  } catch (e) {
    if (e instanceof Unreadable) return 'unknown';
    throw e;
  }
}
