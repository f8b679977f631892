import { describe, expect, it } from 'vitest';
import { containerTerms, withoutSuperseded } from '../../src/admission/container-terms.js';

const reads = (term: string) => /\bvariables\.containers\b/.test(term);

describe('containerTerms', () => {
  it.each([
    ["variables.spec.?hostNetwork.orValue(false) != true && variables.spec.?hostPID.orValue(false) != true", undefined],
    ['variables.containers.all(c, c.x)', 'variables.containers.all(c, c.x)'],
    ["variables.spec.a == 1 && variables.containers.all(c, c.x)", '(variables.containers.all(c, c.x))'],
    ["variables.spec.os == 'windows' || (variables.spec.b && variables.containers.all(c, c.x))", "(variables.spec.os == 'windows') || ((variables.containers.all(c, c.x)))"],
    ["variables.spec.?v.orValue([]).all(v, !has(v.p) || variables.containers.all(c, c.m != v.name))", "variables.spec.?v.orValue([]).all(v, !has(v.p) || variables.containers.all(c, c.m != v.name))"],
    ["variables.spec.a == '&&' && variables.containers.all(c, c.s == '||')", "(variables.containers.all(c, c.s == '||'))"],
    // A negated group is its terms negated: the pod-level one cannot have changed on the subresource.
    ['variables.spec.a && !(variables.spec.?hostPID.orValue(false) || variables.containers.exists(c, c.p))', '((!(variables.containers.exists(c, c.p))))'],
    ['!((variables.spec.b && variables.containers.exists(c, c.p)))', '(!(variables.spec.b)) || (!(variables.containers.exists(c, c.p)))'],
    ['!(variables.spec.b) && !variables.containers.exists(c, c.p)', '(!variables.containers.exists(c, c.p))'],
    // Triple-quoted literals may hold lone quotes; raw ones take no escapes.
    ["variables.spec.h != '''it's && (''' && variables.containers.all(c, c.n != 'x')", "(variables.containers.all(c, c.n != 'x'))"],
    ['variables.spec.h != """a" || b""" && variables.containers.all(c, c.n != "x")', '(variables.containers.all(c, c.n != "x"))'],
    ["variables.spec.h != r'a\\' && variables.containers.all(c, c.n.matches(r'^[a-z]+$'))", "(variables.containers.all(c, c.n.matches(r'^[a-z]+$')))"],
  ])('%s keeps %s', (expression, kept) => {
    expect(containerTerms(expression, reads)).toBe(kept);
  });
});

describe('withoutSuperseded', () => {
  it('relaxes each element of a list both check, and pairs nothing else', () => {
    expect(withoutSuperseded('variables.spec.?volumes.orValue([]).all(v, !has(v.nfs))', 'variables.spec.?volumes.orValue([]).all(w, !has(w.hostPath))')).toEqual({
      expression: 'variables.spec.?volumes.orValue([]).all(v, (!has(v.nfs)) || (!(!has(v.hostPath))))',
      paired: true,
    });
    expect(withoutSuperseded('variables.containers.all(c, c.x)', "variables.spec.?volumes.orValue([]).all(v, !has(v.hostPath))").paired).toBe(false);
  });

  it('takes a negated macro for a negation, not for a macro over a negated list', () => {
    expect(withoutSuperseded('!variables.containers.all(c, c.x)', '!variables.containers.all(c, c.y)')).toEqual({ expression: '!variables.containers.all(c, c.x)', paired: false });
    expect(withoutSuperseded('a + variables.containers.all(c, c.x)', 'a + variables.containers.all(c, c.y)').paired).toBe(false);
  });

  it('keeps the other rule\'s exemption as the condition under which it reports', () => {
    expect(withoutSuperseded('variables.containers.all(c, c.p)', 'variables.spec.u == false || (variables.containers.all(c, c.q))').expression).toBe(
      'variables.containers.all(c, (c.p) || ((!(variables.spec.u == false)) && !(c.q)))',
    );
  });
});
