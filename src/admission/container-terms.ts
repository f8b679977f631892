/**
 * What a rule's CEL still says about the containers a request adds, with the pod-level parts left out.
 *
 * An update of the `pods/ephemeralcontainers` subresource (`kubectl debug`) can change nothing but the
 * list of ephemeral containers: the pod's own fields, annotations and other containers are as they were
 * when the pod was admitted. The webhook judges such a request on what it adds; a policy does the same
 * when `variables.containers` holds only the added containers and the parts of the expression that do
 * not read them (a hostPath volume, `hostNetwork`, the pod's seccomp profile) are left out, since they
 * cannot have changed. Those parts are found on the expression's own structure: its top-level `&&` and
 * `||` terms, parentheses opened; anything else (a macro, a negation, a conditional) is one term, kept
 * whole when it reads the containers.
 */

/** The expression's terms at its top level, split at `op` outside brackets and string literals. */
function splitTopLevel(expression: string, op: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const ch = expression[i] as string;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (depth === 0 && expression.startsWith(op, i)) {
      parts.push(expression.slice(start, i).trim());
      start = i + op.length;
      i += op.length - 1;
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
  let quote: string | undefined;
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i] as string;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return undefined;
  }
  return inner;
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
  const inner = unwrapParentheses(text);
  return inner !== undefined ? containerTerms(inner, readsContainers) : text;
}

/** `range.all(x, body)` when that is the whole expression. */
function allMacro(expression: string): { range: string; variable: string; body: string } | undefined {
  if (!expression.endsWith(')')) return undefined;
  // The parenthesis that the final one closes, found by a forward scan that skips string literals.
  const opens: number[] = [];
  let open = -1;
  let quote: string | undefined;
  for (let i = 0; i < expression.length; i++) {
    const ch = expression[i] as string;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') opens.push(i);
    else if (ch === ')') open = opens.pop() ?? -1;
  }
  if (open < 4 || expression.slice(open - 4, open) !== '.all') return undefined;
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*,([\s\S]*)$/.exec(expression.slice(open + 1, -1));
  if (!m) return undefined;
  return { range: expression.slice(0, open - 4).trim(), variable: m[1] as string, body: (m[2] as string).trim() };
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
