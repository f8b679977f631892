import { describe, expect, it } from 'vitest';
import { evaluateTemplate, type Lookup } from '../../../src/ingest/azure/terraform-expression.js';

const VARS: Record<string, unknown> = {
  env: 'prod',
  n: 3,
  on: true,
  zones: ['1', '2', '3'],
  pools: { gpu: { vm_size: 'NC6', count: 2 }, batch: { vm_size: 'D4', count: 0 } },
  empty: '',
  o: null,
};

const lookup: Lookup = (kind, name) => {
  if (kind === 'var' && Object.prototype.hasOwnProperty.call(VARS, name)) return { value: VARS[name] };
  if (kind === 'local' && name === 'prefix') return { value: 'shop' };
  if (kind === 'each' && name === 'key') return { value: 'gpu' };
  return undefined;
};

const value = (text: string) => evaluateTemplate(text, undefined, lookup);

// Each expression as the HCL ingest writes it (`${...}` around native syntax), with the value Terraform gives it.
const known: [string, unknown][] = [
  ['plain', 'plain'],
  ['$${literal}', '${literal}'],
  ['aks-${var.env}-${local.prefix}', 'aks-prod-shop'],
  ['${var.n + 1}', 4],
  ['${var.n * 2 - 1}', 5],
  ['${(var.n + 1) * 2}', 8],
  ['${-var.n}', -3],
  ['${var.n % 2 == 1}', true],
  ['${var.n >= 3 && var.env != "dev"}', true],
  ['${!var.on}', false],
  ['${"1" + 1}', 2],
  ['${var.env == "prod" ? "Standard" : "Free"}', 'Standard'],
  ['${var.env == "dev" ? [] : ["10.0.0.0/8"]}', ['10.0.0.0/8']],
  ['${var.zones[1]}', '2'],
  ['${var.pools.gpu.vm_size}', 'NC6'],
  ['${var.pools["batch"]["count"]}', 0],
  ['${[for z in var.zones : "zone-${z}"]}', ['zone-1', 'zone-2', 'zone-3']],
  ['${[for z in ["a", "b", "c"] : z if z != "b"]}', ['a', 'c']],
  ['${[for k, v in { b = 1, a = 2, "10" = 3, "9" = 4 } : k]}', ['10', '9', 'a', 'b']],
  ['${[for k, z in toset(["b", "a"]) : k]}', ['a', 'b']],
  ['${"a ${~ "b"}"}', 'ab'],
  ['${try({ a = 1, b = {}.x }.a, "fb")}', 'fb'],
  ['${try(var.o == null || var.o.enabled, false)}', true],
  ['${tobool("1")}', true],
  ['${merge({ "__proto__" = "x" })}', JSON.parse('{"__proto__": "x"}')],
  ['${{for k, p in var.pools : k => p.vm_size if p.count > 0}}', { gpu: 'NC6' }],
  ['${{for z in ["a", "b", "a"] : z => z...}}', { a: ['a', 'a'], b: ['b'] }],
  ['${{ name = "x", "quoted" = 1, (var.env) = true }}', { name: 'x', quoted: 1, prod: true }],
  ['${{\n  a = 1 # a comment\n  b = 2\n}}', { a: 1, b: 2 }],
  ['${lookup(var.pools, "none", { vm_size = "B2" }).vm_size}', 'B2'],
  ['${merge({ a = 1 }, { b = 2 }, null)}', { a: 1, b: 2 }],
  ['${concat(var.zones, ["4"])}', ['1', '2', '3', '4']],
  ['${coalesce(var.empty, null, "fallback")}', 'fallback'],
  ['${try(var.pools.none.vm_size, "default")}', 'default'],
  ['${can(var.zones[7])}', false],
  ['${toset(["b", "a", "b"])}', ['a', 'b']],
  ['${length(var.pools)}', 2],
  ['${contains(var.zones, "2")}', true],
  ['${keys(var.pools)}', ['batch', 'gpu']],
  ['${join(",", var.zones)}', '1,2,3'],
  // Arguments converted to the parameter's list(string), as cty converts them.
  ['${join(",", [1, true, "a"], toset(["b"]))}', '1,true,a,b'],
  ['${sort([10, 9, "8"])}', ['10', '8', '9']],
  ['${trim("--prod-aks-", "-")}', 'prod-aks'],
  // Strings in Go's order, by UTF-8 bytes.
  ['${sort(["\uFF01", "\uD83D\uDE00"])}', ['\uFF01', '\uD83D\uDE00']],
  // A strip marker within a line, after a long run of spaces, in one pass.
  [`${' '.repeat(200_000)}a %{~ if var.on }x%{ endif }`, `${' '.repeat(200_000)}ax`],
  // Template directives: %{ if } with %{ else }, nested, with strip markers.
  ['aks-%{ if var.on }on%{ else }off%{ endif }', 'aks-on'],
  ['${var.env}%{ if !var.on }-x%{ endif }', 'prod'],
  ['%{ if var.on }${var.n}%{ endif }', '3'],
  ['a %{~ if var.on ~} b %{~ endif ~} c', 'abc'],
  ['%{ if var.on }%{ if var.env == "prod" }p%{ else }d%{ endif }%{ endif }', 'p'],
  ['${"x%{ if var.on }y%{ endif }"}', 'xy'],
  ['${trimprefix("aks-prod", "aks-")}', 'prod'],
  ['${trimsuffix("prod-aks", "-aks")}', 'prod'],
  ['${substr("westeurope", 0, 4)}', 'west'],
  ['${substr("westeurope", -6, -1)}', 'europe'],
  ['${slice(["a", "b", "c"], 1, 3)}', ['b', 'c']],
  ['${index(["a", "b"], "b")}', 1],
  ['${zipmap(["a", "b"], [1, 2])}', { a: 1, b: 2 }],
  ['${range(3)}', [0, 1, 2]],
  ['${range(1, 7, 2)}', [1, 3, 5]],
  ['${sum([1, 2, 3])}', 6],
  // A leading + is a sign to cty, not an error for try to catch.
  ['${try(tonumber("+5"), 0)}', 5],
  ['${nonsensitive(var.env)}', 'prod'],
  // The first argument neither null nor empty decides; unknown ones after it do not matter.
  ['${coalesce(null, "", var.env, data.azurerm_resource_group.rg.location)}', 'prod'],
  ['${split(",", "a,b")}', ['a', 'b']],
  ['${format("%s-%d", var.env, var.n)}', 'prod-3'],
  ['${upper(each.key)}', 'GPU'],
  ['${"a \\"quoted\\" ${var.env}"}', 'a "quoted" prod'],
  ['${var.zones[*]}', ['1', '2', '3']],
  ['${values(var.pools)[*].vm_size}', ['D4', 'NC6']],
  ['${values(var.pools).*.count}', [0, 2]],
  ['${[{ a = [1, 2] }, { a = [3, 4] }][*].a[1]}', [2, 4]],
  ['${var.env[*]}', ['prod']],
  ['${var.o[*]}', []],
  // A set's splat is a list in the set's order.
  ['${toset(["b", "a", "b"])[*]}', ['a', 'b']],
  ['${(toset(["b", "a"])[*])[0]}', 'a'],
  ['${unknown_resource.x.id == "a" || true}', true],
  ['${unknown_resource.x.id == "a" && false}', false],
  ['${azurerm_x.y.id != "" ? "same" : "same"}', 'same'],
];

// Values only Terraform gives: other resources, unknown functions, errors, what this reader does not parse.
const unknown: string[] = [
  '${azurerm_resource_group.rg.location}',
  '${var.undeclared}',
  '${local.missing}',
  'aks-${data.azurerm_client_config.current.tenant_id}',
  '${path.module}',
  '${azurerm_log_analytics_workspace.main[*].id}',
  '${file("key.pub")}',
  '${var.zones[7]}',
  '${var.env + 1}',
  '${var.on ? azurerm_x.y.id : "b"}',
  '${unknown_resource.x.id == "a" && true}',
  '${[var.env, azurerm_x.y.id]}',
  '${contains([azurerm_x.y.id], "a")}',
  '%{ if azurerm_x.y.on }x%{ endif }',
  '%{ if var.on }x',
  '%{ if var.on }%{ if var.on }x%{ endif }',
  '%{ for z in var.zones }${z}%{ endfor }',
  '%{ else }',
  '${var.n +}',
  '${provider::azurerm::parse_resource_id("x")}',
  '${[for a in var.zones : a if azurerm_x.y.on]}',
  // A list's index or a set's element: a variable's value does not say which.
  '${[for i, z in var.zones : i]}',
  // Types: cty never finds values of two types equal, and collections carry types these values do not show.
  '${var.zones == []}',
  '${var.n == "3"}',
  '${var.on ? 1 : false}',
  '${coalesce(1, "a")}',
  '${toset(["b", "a"])[0]}',
  '${join(",", [null])}',
  // cty writes 1.5 as a string its own way: not an error for try or can to catch.
  '${try(join("-", [1.5]), "fallback")}',
  '${try(tonumber("Inf"), 0)}',
  '${can(join("-", [1.5]))}',
  '${substr("a\\r\\nb", 1, 1)}',
  '${substr("abc", -2, 0)}',
  '${trimsuffix("cafe\u0301", "\u0301")}',
  '${zipmap(["a", "b"], toset(["x", "y"]))}',
  '${index([["a"]], ["a"])}',
  '${index(["1"], 1)}',
  '${coalesce([1], ["a"])}',
  '${concat(toset(["a"]), ["c"])}',
  '%{ if-1 == -1 }a%{ endif }',
  'a \n  %{~ if var.on ~}\n  b%{ endif }',
  '${coalesce(data.azurerm_resource_group.rg.location, var.env)}',
  '${coalesce(var.n, data.x.y)}',
  '${trim("ééa", "é")}',
  '${substr("é", 0, 1)}',
  '${slice(["a"], 1, 3)}',
  '${index(["a"], "b")}',
  '${range(3, 1, 1)}',
  '${range(2000)}',
  '${sum([])}',
  '${join(",", [[1]])}',
  '${join(",", [0.1])}',
  // The steps after [*] apply to each element: a string has no index.
  '${toset(["b", "a"])[*][0]}',
  '${[1, {}.x][0]}',
  // Numbers cty holds more precisely, or writes otherwise.
  '${0.1 + 0.2}',
  '${9007199254740993 == 9007199254740992}',
  '${1e400}',
  '${1e-400 == 0}',
  '${tonumber("9007199254740993")}',
  'v${1e21}',
  '${format("%v", 1000000)}',
  '${tonumber(" 5")}',
  '${length("e\u0301")}',
  '${upper("ß")}',
  '${replace("abc", "", "-")}',
  '${{ var.on = 1 }}',
  '${format("100%")}',
];

describe('Terraform expressions', () => {
  it.each(known)('%s is known', (text, expected) => {
    expect(value(text)).toEqual({ known: true, value: expected });
  });

  it.each(unknown)('%s is left to Terraform', (text) => {
    expect(value(text)).toEqual({ known: false });
  });

  it('gives up on expressions too deep or too costly to evaluate, quickly', () => {
    expect(value(`\${${'('.repeat(200)}1${')'.repeat(200)}}`)).toEqual({ known: false });
    const big = `[${Array.from({ length: 100 }, (_, i) => i).join(', ')}]`;
    const started = Date.now();
    expect(value(`\${[for a in ${big} : [for b in ${big} : [for c in ${big} : a + b + c]]]}`)).toEqual({ known: false });
    expect(Date.now() - started).toBeLessThan(5000);
    // Strings that would grow past memory, and chains too long for the call stack, are not evaluated.
    const a1000 = 'a'.repeat(1000);
    expect(value(`\${replace(replace("${a1000}", "a", "${a1000}"), "a", "${a1000}")}`)).toEqual({ known: false });
    expect(value(`\${${Array.from({ length: 300_000 }, () => '1').join(' + ')}}`)).toEqual({ known: false });
  });

  it('shares one budget of work between evaluations', () => {
    const work = { left: 1000 };
    const big = `[${Array.from({ length: 100 }, (_, i) => i).join(', ')}]`;
    const costly = `\${[for a in ${big} : [for b in ${big} : 1]]}`;
    expect(evaluateTemplate(costly, undefined, lookup, work)).toEqual({ known: false });
    expect(evaluateTemplate('${var.n + 1}', undefined, lookup, work)).toEqual({ known: false });
    expect(evaluateTemplate('${var.n + 1}', undefined, lookup, { left: 1000 })).toEqual({ known: true, value: 4 });
  });
});
