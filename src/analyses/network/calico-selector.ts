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
/** What the terms of a selector say of each label key: the values they name, and how many test it by substring. */
type KeyUse = Map<string, { literals: Set<string>; terms: number; substrings: number }>;

class Evaluator {
  private at = 0;
  private readonly depth = { n: 0 };
  constructor(
    private readonly toks: readonly Token[],
    private readonly label: (key: string) => LabelKnowledge,
    /** Filled with the keys the terms test, when given. */
    private readonly uses?: KeyUse,
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

  /** A term about one label, through what is known of it; `literals` are the values it names. */
  private about(key: string, holds: (value: string | undefined) => boolean, literals: readonly string[] = [], substring = false): SelectorAnswer {
    if (!KEY.test(key)) throw new Unreadable();
    if (this.uses) {
      let use = this.uses.get(key);
      if (!use) this.uses.set(key, (use = { literals: new Set(), terms: 0, substrings: 0 }));
      for (const l of literals) use.literals.add(l);
      use.terms++;
      if (substring) use.substrings++;
    }
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
      return this.about(key, (v) => (equal ? v === value : v !== value), [value]);
    }
    const next = this.peek();
    if (next?.kind !== 'word') throw new Unreadable();
    // Calico's tokenizer reads `not in`, `starts with` and `ends with` with the space left out too.
    if (next.text === 'in' || next.text === 'notin' || (next.text === 'not' && this.peek(1)?.kind === 'word' && (this.peek(1) as Token).text === 'in')) {
      const negated = next.text !== 'in';
      this.at += next.text === 'not' ? 2 : 1;
      const set = this.set();
      return this.about(key, (v) => (negated ? v === undefined || !set.includes(v) : v !== undefined && set.includes(v)), set);
    }
    if (next.text === 'contains') {
      this.at++;
      const part = this.string();
      return this.about(key, (v) => v !== undefined && v.includes(part), [part], true);
    }
    const joined = next.text === 'startswith' || next.text === 'endswith';
    if (joined || ((next.text === 'starts' || next.text === 'ends') && this.peek(1)?.kind === 'word' && (this.peek(1) as Token).text === 'with')) {
      this.at += joined ? 1 : 2;
      const part = this.string();
      const starts = next.text.startsWith('starts');
      return this.about(key, (v) => v !== undefined && (starts ? v.startsWith(part) : v.endsWith(part)), [part], true);
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

/** A label value no term names (and, with the NUL no label holds, none contains). */
const OTHER_VALUE = '\u0000';
/** The most label assignments tried before settling for `maybe`. */
const MAX_ASSIGNMENTS = 4096;

/**
 * What a Calico selector says of an object whose labels `label` describes; an empty selector selects
 * everything, and one that cannot be read is `unknown`. Where terms read labels of pods (`maybe`), the
 * values that decide them are tried, so that `app == 'a' && app == 'b'`, which no pod satisfies, is
 * `no` rather than `maybe`: each key's values named by the terms, its absence and one other value. A
 * key tested by a substring beside another term (`app contains 'a' && app != 'a'`) has more values that
 * matter than those, and is left at `maybe`.
 */
export function calicoSelector(expr: string, label: (key: string) => LabelKnowledge): SelectorAnswer {
  const source = expr.trim();
  if (source === '') return 'yes';
  const toks = tokens(source);
  if (!toks) return 'unknown';
  const uses: KeyUse = new Map();
  const evaluate = (known: (key: string) => LabelKnowledge, record?: KeyUse): SelectorAnswer => {
    try {
      return new Evaluator(toks, known, record).run();
    } catch (e) {
      if (e instanceof Unreadable) return 'unknown';
      throw e;
    }
  };
  const first = evaluate(label, uses);
  if (first !== 'maybe') return first;
  const podKeys = [...uses].filter(([key]) => label(key) === 'maybe');
  let assignments = 1;
  const candidates = podKeys.map(([key, use]) => {
    assignments *= use.literals.size + 2;
    return { key, values: [undefined, ...use.literals, OTHER_VALUE] };
  });
  if (podKeys.some(([, use]) => use.substrings > 0 && use.terms > 1) || assignments > MAX_ASSIGNMENTS) return 'maybe';
  let unknown = false;
  const assigned = new Map<string, string | undefined>();
  const tryFrom = (i: number): boolean => {
    const c = candidates[i];
    if (!c) {
      const answer = evaluate((key) => (assigned.has(key) ? { value: assigned.get(key) } : label(key)));
      if (answer === 'unknown') unknown = true;
      return answer === 'yes';
    }
    for (const v of c.values) {
      assigned.set(c.key, v);
      if (tryFrom(i + 1)) return true;
    }
    return false;
  };
  if (tryFrom(0)) return 'maybe';
  return unknown ? 'unknown' : 'no';
}
