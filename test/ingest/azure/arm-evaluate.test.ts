import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TemplateScope, toJson, uniqueString } from '../../../src/ingest/azure/arm-evaluate.js';
import { isExpression, parseExpression } from '../../../src/ingest/azure/arm-expression.js';
import { unknown } from './helpers.js';

const template = {
  parameters: {
    clusterName: { type: 'string', defaultValue: 'aks-prod' },
    env: { type: 'string', defaultValue: 'Prod' },
    enablePolicy: { type: 'bool', defaultValue: true },
    poolCount: { type: 'int', defaultValue: 2 },
    ranges: { type: 'array', defaultValue: ['10.0.0.0/8', '192.168.0.0/16'] },
    tags: { type: 'object', defaultValue: { team: 'a', cost: { center: 1 } } },
    location: { type: 'string', defaultValue: '[resourceGroup().location]' },
    adminGroup: { type: 'string' },
  },
  variables: {
    fullName: "[concat(parameters('clusterName'), '-', toLower(parameters('env')))]",
    isProd: "[equals(toLower(parameters('env')), 'prod')]",
    profile: { enabled: "[variables('isProd')]", name: "[variables('fullName')]" },
    selfRef: "[variables('selfRef')]",
    copy: [{ name: 'pools', count: "[parameters('poolCount')]", input: { name: "[format('pool{0}', copyIndex('pools'))]" } }],
  },
};

function evaluate(expr: string, extra: Record<string, unknown> = {}) {
  const errors: string[] = [];
  const scope = TemplateScope.create({ ...template, ...extra }, (m) => errors.push(m));
  return { value: toJson(scope.evaluate(expr)), errors };
}

const value = (expr: string) => evaluate(expr).value;

describe('ARM expression syntax', () => {
  it('tells expressions from literal strings and the [[ escape', () => {
    expect(isExpression("[parameters('a')]")).toBe(true);
    expect(isExpression('[[not an expression]')).toBe(false);
    expect(isExpression('plain')).toBe(false);
    expect(value('[[literal]')).toBe('[literal]');
    expect(value('text')).toBe('text');
  });

  it('parses calls, quotes, numbers, property and index access', () => {
    expect(parseExpression("concat('it''s', -1)[0].x")).toEqual({
      t: 'property',
      name: 'x',
      target: { t: 'index', index: { t: 'literal', value: 0 }, target: { t: 'call', name: 'concat', args: [{ t: 'literal', value: "it's" }, { t: 'literal', value: -1 }] } },
    });
  });

  it('never throws on arbitrary text: a syntax error is reported and the value is unknown', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const { value: v, errors } = evaluate(`[${s}]`);
        if (typeof v === 'object' && v !== null && '$palisadeUnknown' in v) return true;
        return errors.length === 0;
      }),
    );
    const bad = evaluate("[concat('a', ]");
    expect(bad.value).toEqual(unknown(/could not be evaluated/));
    expect(bad.errors[0]).toMatch(/cannot evaluate \[concat\('a', \]/);
  });
});

describe('parameters and variables', () => {
  it('uses parameter defaults (themselves expressions) and evaluates variables', () => {
    expect(value("[parameters('clusterName')]")).toBe('aks-prod');
    expect(value("[parameters('CLUSTERNAME')]")).toBe('aks-prod');
    expect(value("[variables('fullName')]")).toBe('aks-prod-prod');
    expect(value("[variables('profile')]")).toEqual({ enabled: true, name: 'aks-prod-prod' });
    expect(value("[variables('profile').enabled]")).toBe(true);
    expect(value("[parameters('tags').cost.center]")).toBe(1);
    expect(value("[parameters('ranges')[1]]")).toBe('192.168.0.0/16');
  });

  it('expands variable copy loops', () => {
    expect(value("[variables('pools')]")).toEqual([{ name: 'pool0' }, { name: 'pool1' }]);
  });

  it('makes a parameter without default unknown, and what depends on it', () => {
    expect(value("[parameters('adminGroup')]")).toEqual(unknown("parameter 'adminGroup' has no default value: it is supplied at deployment"));
    expect(value("[concat('x', parameters('adminGroup'))]")).toEqual(unknown(/adminGroup/));
    expect(value("[equals(parameters('adminGroup'), 'x')]")).toEqual(unknown(/adminGroup/));
    expect(value("[parameters('location')]")).toEqual(unknown('resourceGroup().location is known at deployment'));
  });

  it('reports unknown names and cycles without throwing', () => {
    const missing = evaluate("[parameters('nope')]");
    expect(missing.value).toEqual(unknown(/no parameter 'nope'/));
    expect(missing.errors).toHaveLength(1);
    expect(evaluate("[variables('nope')]").errors[0]).toMatch(/no variable 'nope'/);
    expect(evaluate("[variables('selfRef')]").errors.join()).toMatch(/refers to itself/);
  });
});

describe('functions', () => {
  const cases: Array<[string, unknown]> = [
    ["[concat('a', 'b', 1)]", 'ab1'],
    ["[concat(createArray(1, 2), createArray(3))]", [1, 2, 3]],
    ["[format('{0}-{1}-{0}', 'a', 2)]", 'a-2-a'],
    ["[format('{{x}} {0:D3}', 7)]", '{x} 007'],
    ["[if(equals(parameters('env'), 'Prod'), 'yes', 'no')]", 'yes'],
    ["[if(false(), parameters('nope'), 'lazy')]", 'lazy'],
    ["[equals(parameters('env'), 'prod')]", false],
    ["[not(true)]", false],
    ["[and(true, parameters('enablePolicy'), not(false))]", true],
    ["[or(false, false)]", false],
    ["[bool('TRUE')]", true],
    ["[bool(0)]", false],
    ["[int('42')]", 42],
    ["[string(true)]", 'True'],
    ["[string(createObject('a', 1))]", '{"a":1}'],
    ["[toLower('AbC')]", 'abc'],
    ["[toUpper('AbC')]", 'ABC'],
    ["[split('a/b/c', '/')]", ['a', 'b', 'c']],
    ["[split('/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks', '/')[8]]", 'aks'],
    ["[last(split('a/b/c', '/'))]", 'c'],
    ["[first(parameters('ranges'))]", '10.0.0.0/8'],
    ["[first('xyz')]", 'x'],
    ["[empty('')]", true],
    ["[empty(createArray())]", true],
    ["[empty(parameters('tags'))]", false],
    ["[contains(parameters('ranges'), '0.0.0.0/0')]", false],
    ["[contains('hello', 'ell')]", true],
    ["[contains(parameters('tags'), 'TEAM')]", true],
    ["[length(parameters('ranges'))]", 2],
    ["[length('abcd')]", 4],
    ["[union(parameters('tags'), createObject('cost', createObject('owner', 'b')))]", { team: 'a', cost: { center: 1, owner: 'b' } }],
    ["[union(createArray(1, 2), createArray(2, 3))]", [1, 2, 3]],
    ["[coalesce(null(), null(), 'c')]", 'c'],
    ["[createObject('k', createArray(1))]", { k: [1] }],
    ["[json('{\"a\":[true]}')]", { a: [true] }],
    ["[json('null')]", null],
    ["[replace('a-b-c', '-', '')]", 'abc'],
    ["[substring('abcdef', 1, 3)]", 'bcd'],
    ["[substring('abcdef', 2)]", 'cdef'],
    ["[startsWith('Standard_D2', 'standard')]", true],
    ["[add(1, mul(2, 3))]", 7],
    ["[greaterOrEquals(parameters('poolCount'), 2)]", true],
    ["[tryGet(parameters('tags'), 'missing')]", null],
    ["[resourceId('Microsoft.ContainerService/managedClusters', 'aks')]", '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerService/managedClusters/aks'],
    ["[resourceId('rg2', 'Microsoft.ContainerService/managedClusters/agentPools', 'aks', 'p1')]", '/subscriptions/{subscriptionId}/resourceGroups/rg2/providers/Microsoft.ContainerService/managedClusters/aks/agentPools/p1'],
    ["[resourceId('s1', 'rg2', 'Microsoft.Network/virtualNetworks/subnets', 'v', 's')]", '/subscriptions/s1/resourceGroups/rg2/providers/Microsoft.Network/virtualNetworks/v/subnets/s'],
    ["[resourceGroup().name]", '{resourceGroupName}'],
    ["[resourceGroup().id]", '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}'],
    ["[subscription().subscriptionId]", '{subscriptionId}'],
  ];
  it.each(cases)('%s', (expr, expected) => {
    const got = evaluate(expr);
    expect(got.errors).toEqual([]);
    expect(got.value).toEqual(expected);
  });

  it('makes deployment-time functions unknown, saying why, without a note', () => {
    const got = evaluate("[reference(resourceId('Microsoft.Network/publicIPAddresses', 'ip')).dnsSettings.fqdn]");
    expect(got.value).toEqual(unknown('reference() is resolved at deployment'));
    expect(got.errors).toEqual([]);
    expect(value("[listKeys('x', '2020-01-01').keys[0].value]")).toEqual(unknown('listKeys() is resolved at deployment'));
    expect(value('[utcNow()]')).toEqual(unknown('utcNow() is resolved at deployment'));
    expect(value("[myns.custom('a')]")).toEqual(unknown('myns.custom() is not evaluated offline'));
    expect(value("[subscription().tenantId]")).toEqual(unknown('subscription().tenantId is known at deployment'));
  });

  it('keeps known parts of new arrays and objects, and decides and/or/if/coalesce around unknowns', () => {
    expect(value("[createArray('a', parameters('adminGroup'))]")).toEqual(['a', unknown(/adminGroup/)]);
    expect(value("[createObject('k', parameters('adminGroup'))]")).toEqual({ k: unknown(/adminGroup/) });
    expect(value("[and(false, equals(parameters('adminGroup'), 'x'))]")).toBe(false);
    expect(value("[or(true, equals(parameters('adminGroup'), 'x'))]")).toBe(true);
    expect(value("[and(true, equals(parameters('adminGroup'), 'x'))]")).toEqual(unknown(/adminGroup/));
    expect(value("[if(empty(parameters('adminGroup')), 'a', 'b')]")).toEqual(unknown(/adminGroup/));
    expect(value("[coalesce(parameters('adminGroup'), 'x')]")).toEqual(unknown(/adminGroup/));
    expect(value("[coalesce('x', parameters('adminGroup'))]")).toBe('x');
  });

  it('computes uniqueString and guid deterministically', () => {
    const a = value('[uniqueString(resourceGroup().id)]');
    expect(a).toMatch(/^[a-z2-7]{13}$/);
    expect(value('[uniqueString(resourceGroup().id)]')).toBe(a);
    expect(value("[uniqueString(resourceGroup().id, 'x')]")).not.toBe(a);
    expect(uniqueString(['a'])).toBe(uniqueString(['a']));
    expect(value("[guid('a', 'b')]")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('reports type errors, bad indices and wrong arity as notes', () => {
    for (const expr of ["[parameters('ranges')[5]]", "[toLower(1)]", "[if(true, 'a')]", "[parameters('tags').nope]", "[substring('ab', 5)]", "[div(1, 0)]", "[json('{')]"]) {
      const got = evaluate(expr);
      expect(got.value, expr).toEqual(unknown(/could not be evaluated/));
      expect(got.errors, expr).toHaveLength(1);
    }
  });

  it('bounds runaway growth instead of exhausting memory', () => {
    const variables: Record<string, string> = { v0: "[string('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')]" };
    for (let i = 1; i <= 40; i++) variables[`v${i}`] = `[concat(variables('v${i - 1}'), variables('v${i - 1}'))]`;
    const got = evaluate("[variables('v40')]", { variables });
    expect(got.value).toEqual(unknown(/could not be evaluated/));
    expect(got.errors.join()).toMatch(/over 1000000 characters/);
  });
});

describe('lambda functions', () => {
  const cases: Array<[string, unknown]> = [
    ["[map(parameters('ranges'), lambda('r', concat('allow ', lambdaVariables('r'))))]", ['allow 10.0.0.0/8', 'allow 192.168.0.0/16']],
    ["[map(createArray('a', 'b'), lambda('x', 'i', format('{0}{1}', lambdaVariables('x'), lambdaVariables('i'))))]", ['a0', 'b1']],
    ["[filter(createArray(1, 5, 10), lambda('n', greater(lambdaVariables('n'), 4)))]", [5, 10]],
    ["[filter(createArray('CriticalAddonsOnly=true:NoSchedule', 'x=y:NoSchedule'), lambda('t', startsWith(lambdaVariables('t'), 'Critical')))]", ['CriticalAddonsOnly=true:NoSchedule']],
    ["[reduce(createArray(1, 2, 3), 10, lambda('cur', 'next', add(lambdaVariables('cur'), lambdaVariables('next'))))]", 16],
    ["[reduce(createArray('a', 'b'), '', lambda('cur', 'next', 'i', concat(lambdaVariables('cur'), lambdaVariables('next'), string(lambdaVariables('i')))))]", 'a0b1'],
    ["[sort(createArray(3, 1, 2), lambda('a', 'b', less(lambdaVariables('a'), lambdaVariables('b'))))]", [1, 2, 3]],
    ["[sort(createArray('b', 'c', 'a'), lambda('a', 'b', greater(lambdaVariables('a'), lambdaVariables('b'))))]", ['c', 'b', 'a']],
    [
      "[toObject(createArray(createObject('name', 'sys', 'n', 1), createObject('name', 'app', 'n', 2)), lambda('p', lambdaVariables('p').name))]",
      { sys: { name: 'sys', n: 1 }, app: { name: 'app', n: 2 } },
    ],
    ["[toObject(createArray('a', 'b'), lambda('k', toUpper(lambdaVariables('k'))), lambda('k', length(lambdaVariables('k'))))]", { A: 1, B: 1 }],
    // A lambda sees the parameters of the lambdas it is nested in.
    ["[map(createArray(1, 2), lambda('x', map(createArray(10), lambda('y', add(lambdaVariables('x'), lambdaVariables('y'))))))]", [[11], [12]]],
    ["[map(createArray(), lambda('x', lambdaVariables('x')))]", []],
  ];
  it.each(cases)('%s', (expr, expected) => {
    const got = evaluate(expr);
    expect(got.errors).toEqual([]);
    expect(got.value).toEqual(expected);
  });

  it('decides a list built with map and if, so that an open range is seen', () => {
    const got = evaluate(
      "[concat(map(parameters('ips'), lambda('ip', concat(lambdaVariables('ip'), '/32'))), if(parameters('openAll'), createArray('0.0.0.0/0'), createArray()))]",
      { parameters: { ...template.parameters, ips: { type: 'array', defaultValue: ['203.0.113.7'] }, openAll: { type: 'bool', defaultValue: true } } },
    );
    expect(got.errors).toEqual([]);
    expect(got.value).toEqual(['203.0.113.7/32', '0.0.0.0/0']);
  });

  it('keeps unknown inputs unknown', () => {
    expect(value("[map(parameters('adminGroup'), lambda('x', lambdaVariables('x')))]")).toEqual(unknown(/adminGroup/));
    // An unknown item stays one item of a map; the others are known.
    expect(value("[map(createArray('a', parameters('adminGroup')), lambda('x', concat(lambdaVariables('x'), '/32')))]")).toEqual(['a/32', unknown(/adminGroup/)]);
    // Whether an unknown item is kept, where it sorts or what key it makes cannot be told.
    expect(value("[filter(createArray('a', parameters('adminGroup')), lambda('x', equals(lambdaVariables('x'), 'a')))]")).toEqual(unknown(/filter\(\) cannot tell.*adminGroup/));
    expect(value("[sort(createArray('a', parameters('adminGroup')), lambda('x', 'y', less(lambdaVariables('x'), lambdaVariables('y'))))]")).toEqual(unknown(/sort\(\) cannot tell.*adminGroup/));
    expect(value("[toObject(createArray(parameters('adminGroup')), lambda('x', lambdaVariables('x')))]")).toEqual(unknown(/toObject\(\) cannot tell.*adminGroup/));
    expect(value("[reduce(createArray(1, 2), parameters('adminGroup'), lambda('c', 'n', concat(lambdaVariables('c'), string(lambdaVariables('n')))))]")).toEqual(
      unknown(/adminGroup/),
    );
  });

  it('reports a lambda out of place, a wrong parameter count and an unbound lambda variable', () => {
    for (const expr of [
      "[lambda('x', lambdaVariables('x'))]",
      "[lambdaVariables('x')]",
      "[map(createArray(1), lambda('x', lambdaVariables('y')))]",
      "[map(createArray(1), 'x')]",
      "[sort(createArray(1), lambda('x', true))]",
      "[filter(createArray(1), lambda('x', 'yes'))]",
      "[map(createObject('a', 1), lambda('x', lambdaVariables('x')))]",
    ]) {
      const got = evaluate(expr);
      expect(got.value, expr).toEqual(unknown(/could not be evaluated/));
      expect(got.errors, expr).toHaveLength(1);
    }
  });

  it('does not let a variable see the lambda it is used in', () => {
    const got = evaluate("[map(createArray(1), lambda('x', variables('usesX')))]", { variables: { usesX: "[lambdaVariables('x')]" } });
    expect(got.value).toEqual([unknown(/could not be evaluated/)]);
  });
});
