import { describe, expect, it } from 'vitest';
import { calicoSelector, type LabelKnowledge, type SelectorAnswer } from '../../../src/analyses/network/calico-selector.js';

/** Namespace labels, all known. */
const ns = (labels: Record<string, string>) => (key: string): LabelKnowledge => ({ value: labels[key] });
/** Pod labels: any term about them may hold for some pod. */
const pods = (): LabelKnowledge => 'maybe';
/** Labels of a namespace whose object is not in the input. */
const unknownLabels = (): LabelKnowledge => 'unknown';

const team = ns({ team: 'web', tier: 'frontend', 'projectcalico.org/name': 'shop' });

describe('calicoSelector', () => {
  const cases: Array<[string, SelectorAnswer]> = [
    ['', 'yes'],
    ['all()', 'yes'],
    ['global()', 'unknown'],
    ["team notin {'api'}", 'yes'],
    ["tier startswith 'front'", 'yes'],
    ["tier endswith 'end'", 'yes'],
    ["team in {'web', }", 'yes'],
    ["team in {'web' 'api'}", 'unknown'],
    ["team == 'web' &&\nhas(tier)", 'unknown'],
    ["team == 'web'", 'yes'],
    ['team == "api"', 'no'],
    ["team != 'api'", 'yes'],
    ['has(team)', 'yes'],
    ['!has(team)', 'no'],
    ['has(owner)', 'no'],
    ["team in {'web', 'api'}", 'yes'],
    ["team not in {'web', 'api'}", 'no'],
    ["owner not in {'x'}", 'yes'],
    ['team in {}', 'no'],
    ["tier contains 'front'", 'yes'],
    ["tier starts with 'front'", 'yes'],
    ["tier ends with 'front'", 'no'],
    ["team == 'api' || tier == 'frontend'", 'yes'],
    ["team == 'api' || tier == 'backend'", 'no'],
    // && binds tighter than ||.
    ["team == 'api' && tier == 'x' || has(tier)", 'yes'],
    ["team == 'api' && (tier == 'x' || has(tier))", 'no'],
    ["!(team == 'api')", 'yes'],
    ["!!(team == 'web')", 'yes'],
    ["projectcalico.org/name == 'shop' && has(team)", 'yes'],
    ["a && b == 'x' || c contains 'y'", 'unknown'],
    ["team == 'web' &&", 'unknown'],
    ["team === 'web'", 'unknown'],
    ["team == 'web", 'unknown'],
    ['(team == "web"', 'unknown'],
    ["team == web", 'unknown'],
    ["team ~= 'web'", 'unknown'],
  ];
  it.each(cases)('%s on known labels → %s', (expr, want) => {
    expect(calicoSelector(expr, team)).toBe(want);
  });

  it('answers maybe for terms about pod labels, which some pod may have, negated or not', () => {
    expect(calicoSelector("app == 'web'", pods)).toBe('maybe');
    expect(calicoSelector("!(app == 'web')", pods)).toBe('maybe');
    expect(calicoSelector("app == 'web' || all()", pods)).toBe('yes');
    expect(calicoSelector("app == 'web' && !all()", pods)).toBe('no');
  });

  it('answers no for terms about pod labels that no pod can satisfy together, trying the values that decide them', () => {
    expect(calicoSelector("app == 'a' && app == 'b'", pods)).toBe('no');
    expect(calicoSelector('has(app) && !has(app)', pods)).toBe('no');
    expect(calicoSelector('!(has(app) || !has(app))', pods)).toBe('no');
    expect(calicoSelector("app in {'a', 'b'} && app not in {'a'}", pods)).toBe('maybe');
    expect(calicoSelector("app == 'a' && tier != 'x' && !has(debug)", pods)).toBe('maybe');
    // A substring beside another term on one key: values besides those named may decide it.
    expect(calicoSelector("app contains 'a' && app != 'a'", pods)).toBe('maybe');
  });

  it('answers unknown where nothing is known of the labels, unless the rest decides', () => {
    expect(calicoSelector('has(team)', unknownLabels)).toBe('unknown');
    expect(calicoSelector('has(team) || all()', unknownLabels)).toBe('yes');
    expect(calicoSelector('has(team) && !all()', unknownLabels)).toBe('no');
  });

  it('takes a label value that is not text for an absent label', () => {
    const hostile = (): LabelKnowledge => ({ value: 42 as unknown as string });
    expect(calicoSelector("k contains 'x'", hostile)).toBe('no');
    expect(calicoSelector('has(k)', hostile)).toBe('no');
  });

  it('reads a hostile selector without overflowing the stack', () => {
    expect(calicoSelector(`${'('.repeat(5000)}all()${')'.repeat(5000)}`, team)).toBe('unknown');
    expect(calicoSelector(`${'!'.repeat(5000)}all()`, team)).toBe('unknown');
  });
});
