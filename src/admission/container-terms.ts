/**
 * What a rule's CEL still says about the containers a request adds, with the pod-level parts left out.
 *
 * An update of the `pods/ephemeralcontainers` subresource (`kubectl debug`) can change nothing but the
 * list of ephemeral containers: the pod's own fields, annotations and other containers are as they were
 * when the pod was admitted. The webhook judges such a request on what it adds; a policy does the same
 * when `variables.containers` holds only the added containers and the parts of the expression that do
 * not read them (a hostPath volume, `hostNetwork`, the pod's seccomp profile) are left out, since they
 * cannot have changed. Those parts are found on the expression's own structure: its top-level `&&` and
 * `||` terms, parentheses opened, a negated group distributed over its terms (`!(a || b)` as `!(a) &&
 * !(b)`); anything else (a macro, a conditional) is one term, kept whole when it reads the containers.
 */

/**
 * The index just past the string literal that starts at `i`, or `i` when none starts there. CEL
 * literals are quoted with `'`, `"` or either tripled (which may hold lone quotes), and a raw one
 * (`r'...'`, `R"..."`) takes no escapes: `r'a\'` ends at its second quote.
 */
function literalEnd(expression: string, i: number): number {
  const raw = (expression[i] === 'r' || expression[i] === 'R') && !/[\w.]/.test(expression[i - 1] ?? '');
  const at = raw ? i + 1 : i;
  const quote = expression[at];
  if (quote !== "'" && quote !== '"') return i;
  const delimiter = expression.startsWith(quote.repeat(3), at) ? quote.repeat(3) : quote;
  for (let k = at + delimiter.length; k < expression.length; k++) {
    if (!raw && expression[k] === '\\') k++;
    else if (expression.startsWith(delimiter, k)) return k + delimiter.length;
  }
  return expression.length;
}

/** The characters of the expression outside string literals, with their indexes. */
function codeCharacters(expression: string): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (let i = 0; i < expression.length; i++) {
    const end = literalEnd(expression, i);
    if (end > i) i = end - 1;
    else out.push([expression[i] as string, i]);
  }
  return out;
}

/** The expression's terms at its top level, split at `op` outside brackets and string literals. */
function splitTopLevel(expression: string, op: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (const [ch, i] of codeCharacters(expression)) {
    if (i < start) continue;
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (depth === 0 && expression.startsWith(op, i)) {
      parts.push(expression.slice(start, i).trim());
      start = i + op.length;
    }
  }
  parts.push(expression.slice(start).trim());
  return parts;
}

/** Whether a top-level `?` (a conditional, the lowest precedence in CEL) is in the expression. */
function hasTopLevelConditional(expression: string): boolean {
  // `.?field` and `[?key]` are optional selection, not conditionals.
  return splitTopLevel(expression.replace(/\.\?/g, '..').replace(/\[\?/g, '[.'), '?').length > 1;
}

/** The text inside one pair of parentheses around the whole expression, if there is such a pair. */
function unwrapParentheses(expression: string): string | undefined {
  if (!expression.startsWith('(') || !expression.endsWith(')')) return undefined;
  const inner = expression.slice(1, -1);
  // `(a) && (b)` starts and ends with parentheses that are not one pair.
  let depth = 0;
  for (const [ch] of codeCharacters(inner)) {
    if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return undefined;
  }
  return inner;
}

/** The operand of a negation of a parenthesised expression, `!(a || b)`, with its parentheses opened. */
function negatedGroup(expression: string): string | undefined {
  if (!expression.startsWith('!')) return undefined;
  let inner = unwrapParentheses(expression.slice(1).trim());
  for (let deeper = inner; deeper !== undefined; deeper = unwrapParentheses(deeper.trim())) inner = deeper.trim();
  return inner;
}

/**
 * A negated group as the terms it negates, by De Morgan's laws (`!(a || b)` is `!(a) && !(b)`), so that
 * its pod-level terms can be told from those about the containers; undefined when it is one term.
 */
function distributedNegation(expression: string): string | undefined {
  const inner = negatedGroup(expression);
  if (inner === undefined || hasTopLevelConditional(inner)) return undefined;
  const alternatives = splitTopLevel(inner, '||');
  if (alternatives.length > 1) return alternatives.map((a) => `!(${a})`).join(' && ');
  const conjuncts = splitTopLevel(inner, '&&');
  if (conjuncts.length > 1) return conjuncts.map((c) => `!(${c})`).join(' || ');
  return undefined;
}

/**
 * The part of `expression` that judges the containers alone: `undefined` when no part reads them.
 * `readsContainers` tells whether a term reads the containers (directly or through a variable made of them).
 */
export function containerTerms(expression: string, readsContainers: (term: string) => boolean): string | undefined {
  const text = expression.trim();
  if (!readsContainers(text)) return undefined;
  if (hasTopLevelConditional(text)) return text;
  const alternatives = splitTopLevel(text, '||');
  if (alternatives.length > 1) {
    // A pod-level alternative (a Windows pod, a user namespace) exempts the added containers as it
    // exempts the others: it stays. The alternatives that read the containers keep only that part.
    return alternatives.map((a) => (readsContainers(a) ? `(${containerTerms(a, readsContainers) ?? 'true'})` : `(${a})`)).join(' || ');
  }
  const conjuncts = splitTopLevel(text, '&&');
  if (conjuncts.length > 1) {
    const kept = conjuncts.flatMap((c) => {
      const part = containerTerms(c, readsContainers);
      return part === undefined ? [] : [`(${part})`];
    });
    return kept.length ? kept.join(' && ') : undefined;
  }
  const distributed = distributedNegation(text);
  if (distributed !== undefined) return containerTerms(distributed, readsContainers);
  const inner = unwrapParentheses(text);
  return inner !== undefined ? containerTerms(inner, readsContainers) : text;
}

/**
 * Whether a macro's range is one operand, a name with selections, indexes and calls (`variables.spec.?volumes.orValue([])`):
 * `!x.all(...)` and `a + b.all(...)` apply the macro to `x` and `b` only.
 */
function isMemberChain(range: string): boolean {
  let depth = 0;
  let outside = '';
  for (const [ch] of codeCharacters(range)) {
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (depth === 0) outside += ch;
  }
  return /^[A-Za-z_]/.test(outside.trim()) && /^[\w.\s]*$/.test(outside.replace(/\.\?/g, '.'));
}

/** `range.all(x, body)` when that is the whole expression. */
function allMacro(expression: string): { range: string; variable: string; body: string } | undefined {
  if (!expression.endsWith(')')) return undefined;
  // The parenthesis that the final one closes, found by a forward scan that skips string literals.
  const opens: number[] = [];
  let open = -1;
  for (const [ch, i] of codeCharacters(expression)) {
    if (ch === '(') opens.push(i);
    else if (ch === ')') open = opens.pop() ?? -1;
  }
  if (open < 4 || expression.slice(open - 4, open) !== '.all') return undefined;
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*,([\s\S]*)$/.exec(expression.slice(open + 1, -1));
  const range = expression.slice(0, open - 4).trim();
  if (!m || !isMemberChain(range)) return undefined;
  return { range, variable: m[1] as string, body: (m[2] as string).trim() };
}

/** Where the rule that takes over reports: a macro's elements or a pod-level term, and when (`guard`). */
type Site = { guard: readonly string[] } & ({ macro: { range: string; variable: string; body: string } } | { term: string });

/** The places an expression reports on, through its top-level `&&`, `||` and parentheses. */
function sitesOf(expression: string, guard: readonly string[]): Site[] {
  const text = expression.trim();
  if (hasTopLevelConditional(text)) return [{ guard, term: text }];
  const alternatives = splitTopLevel(text, '||');
  // An alternative that holds (a Windows pod, a user namespace) means the others report nothing.
  if (alternatives.length > 1) return alternatives.flatMap((a, i) => sitesOf(a, [...guard, ...alternatives.filter((_, j) => j !== i).map((o) => `!(${o})`)]));
  const conjuncts = splitTopLevel(text, '&&');
  if (conjuncts.length > 1) return conjuncts.flatMap((c) => sitesOf(c, guard));
  const inner = unwrapParentheses(text);
  if (inner !== undefined) return sitesOf(inner, guard);
  const macro = allMacro(text);
  return [macro ? { guard, macro } : { guard, term: text }];
}

/** The pod fields a term reads, two levels deep (`securityContext.seccompProfile`): terms about the same field read the same ones. */
function podFields(term: string): Set<string> {
  return new Set([...term.matchAll(/variables\.spec\.\??([A-Za-z]+)\.\??([A-Za-z]+)/g)].map((m) => `${m[1]}.${m[2]}`));
}

/** `!(term)` under the guard: the other rule reports there. */
function reports(site: { guard: readonly string[] }, term: string): string {
  return [...site.guard.map((g) => `(${g})`), `!(${term})`].join(' && ');
}

/** Renames a macro's variable (an identifier not after a dot), for a body written with another name. */
function renameVariable(body: string, from: string, to: string): string {
  return from === to ? body : body.replace(new RegExp(`(?<![.\\w])${from}\\b`, 'g'), to);
}

/**
 * `expression` of a rule that `other` takes over from for the same fields (`Rule.supersedes`: the scan
 * drops this rule's finding on a field the other reports), relaxed field by field: each element of a
 * list both check (a volume, a container, a capability) and each pod-level term about the same pod
 * field passes where the other rule reports. `paired` is false when no part of the two lines up.
 */
export function withoutSuperseded(expression: string, other: string): { expression: string; paired: boolean } {
  return relax(expression, sitesOf(other, []));
}

function relax(expression: string, sites: readonly Site[]): { expression: string; paired: boolean } {
  const text = expression.trim();
  const parts = (list: string[], op: string) => {
    const done = list.map((p) => relax(p, sites));
    return { expression: done.map((d) => `(${d.expression})`).join(op), paired: done.some((d) => d.paired) };
  };
  if (!hasTopLevelConditional(text)) {
    const alternatives = splitTopLevel(text, '||');
    if (alternatives.length > 1) return parts(alternatives, ' || ');
    const conjuncts = splitTopLevel(text, '&&');
    if (conjuncts.length > 1) return parts(conjuncts, ' && ');
    const inner = unwrapParentheses(text);
    if (inner !== undefined) return relax(inner, sites);
    const macro = allMacro(text);
    if (macro) return relaxMacro(macro, sites) ?? { expression: text, paired: false };
  }
  const fields = podFields(text);
  const same = sites.filter((s): s is Site & { term: string } => 'term' in s && [...podFields(s.term)].some((f) => fields.has(f)));
  if (same.length === 0) return { expression: text, paired: false };
  return { expression: [`(${text})`, ...same.map((s) => `(${reports(s, s.term)})`)].join(' || '), paired: true };
}

/** A macro over the same list as one of the other rule's: relaxed inside, or element by element. */
function relaxMacro(macro: { range: string; variable: string; body: string }, sites: readonly Site[]): { expression: string; paired: boolean } | undefined {
  const same = sites.flatMap((s) => ('macro' in s && s.macro.range === macro.range ? [{ guard: s.guard, body: renameVariable(s.macro.body, s.macro.variable, macro.variable) }] : []));
  if (same.length === 0) return undefined;
  const inner = relax(macro.body, same.flatMap((s) => sitesOf(s.body, s.guard)));
  // Nothing inside lines up (a volume, a container as a whole): the element is the field both report on.
  const body = inner.paired ? inner.expression : [`(${macro.body})`, ...same.map((s) => `(${reports(s, s.body)})`)].join(' || ');
  return { expression: `${macro.range}.all(${macro.variable}, ${body})`, paired: true };
}
