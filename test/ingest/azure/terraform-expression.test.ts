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
    // Unknown, or refused as Terraform would refuse it (said so): never a value.
    expect(value(text)).toMatchObject({ known: false });
    expect(Object.keys(value(text)).filter((k) => k !== 'known' && k !== 'refused')).toEqual([]);
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

describe('values of known shape with parts only Terraform knows', () => {
  const marker = (why: string) => ({ $palisadeUnknown: why });
  // `local.net` as the ingest hands over a local with a resource id in it: the id is the unknown marker.
  const PARTIAL: Record<string, unknown> = {
    net: { policy: 'calico', subnet: marker('azurerm_subnet.nodes.id is resolved by Terraform') },
    ranges: ['10.0.0.0/8', marker('azurerm_public_ip.office.ip_address is resolved by Terraform')],
  };
  const partialLookup: Lookup = (kind, name) => (kind === 'local' && name in PARTIAL ? { value: PARTIAL[name] } : undefined);
  const at = (path: string) => ({ unknownAt: path });
  const partial = (text: string) => evaluateTemplate(text, undefined, partialLookup, undefined, at);
  const whole = (text: string) => evaluateTemplate(text, undefined, partialLookup);

  it('reads the known parts and keeps the unknown ones in place, where the caller takes a partly known value', () => {
    expect(partial('${local.net.policy}')).toEqual({ known: true, value: 'calico' });
    expect(partial('${local.net}')).toEqual({ known: true, value: { policy: 'calico', subnet: { unknownAt: '.subnet' } } });
    expect(partial('${merge(local.net, { mode = "overlay" })}')).toEqual({ known: true, value: { policy: 'calico', subnet: { unknownAt: '.subnet' }, mode: 'overlay' } });
    expect(partial('${[for r in local.ranges : r]}')).toEqual({ known: true, value: ['10.0.0.0/8', { unknownAt: '[1]' }] });
    // Otherwise a value with any unknown part is unknown, as before.
    expect(whole('${local.net}')).toEqual({ known: false });
    expect(whole('${local.net.subnet}')).toEqual({ known: false });
  });

  it('compares a known collection with null whatever its unknown parts, as cty does, and nothing else', () => {
    expect(partial('${local.net != null}')).toEqual({ known: true, value: true });
    expect(partial('${local.net == null}')).toEqual({ known: true, value: false });
    expect(partial('${local.net.subnet == null}')).toEqual({ known: false });
    expect(partial('${local.net == { policy = "calico" }}')).toEqual({ known: false });
    // An unknown value's comparison is unknown, and so is a `for` it filters; one filtered by its known key is not.
    expect(partial('${{ for k, v in local.net : k => v if v != null }}')).toEqual({ known: false });
    expect(partial('${{ for k, v in local.net : k => v if k != "subnet" }}')).toEqual({ known: true, value: { policy: 'calico' } });
  });

  it('leaves to Terraform what the unknown parts could change: lengths of sets, functions of the whole', () => {
    expect(partial('${toset(local.ranges)}')).toEqual({ known: false });
    expect(partial('${length(local.ranges)}')).toEqual({ known: false });
    expect(partial('${jsonencode(local.net)}')).toEqual({ known: false });
    expect(partial('${merge(local.net, local.unset)}')).toEqual({ known: false });
  });
});

describe('regex', () => {
  it('matches as RE2 does for the patterns both engines read alike', () => {
    expect(value('${regex("^(aadProfile|networkProfile)$", "networkProfile")}')).toEqual({ known: true, value: ['networkProfile'] });
    expect(value('${regex("[0-9]+", "v1.31.2")}')).toEqual({ known: true, value: '1' });
    expect(value('${regex("^(\\\\d+)\\\\.(\\\\d+)", "1.31.2")}')).toEqual({ known: true, value: ['1', '31'] });
    expect(value('${can(regex("^(a|b)$", "c"))}')).toEqual({ known: true, value: false });
    expect(value('${can(regex("^(.*)$", "anything"))}')).toEqual({ known: true, value: true });
    // No match is an error Terraform raises: try catches it.
    expect(value('${try(regex("^x", "y"), "none")}')).toEqual({ known: true, value: 'none' });
  });

  it('leaves to Terraform what RE2 and JavaScript may read differently, or could backtrack for long', () => {
    for (const pattern of ['(?i)abc', '(?P<n>a)', '[[:alpha:]]+', '\\\\s+', '(a+)+$', '[]a]', '\\\\bword', '[a-\\\\d]', 'x{0,1001}', '^*a', 'a$*', '\\\\d*\\\\d*\\\\d*x']) {
      expect(value(`\${regex("${pattern}", "abc")}`), pattern).toEqual({ known: false });
    }
    expect(value('${regex("a", "é a")}')).toEqual({ known: false });
    expect(value('${regex("^(a)?b", "b")}')).toEqual({ known: false });
    // Two quantifiers are read: a few hundred characters cannot make them backtrack for long.
    expect(value(`\${can(regex("\\\\d*\\\\d*x", "${'1'.repeat(200)}"))}`)).toEqual({ known: true, value: false });
  });
});

describe('conditionals and errors with partly known values', () => {
  const marker = { $palisadeUnknown: 'azurerm_subnet.s.id is resolved by Terraform' };
  const values: Record<string, unknown> = { prof: { enabled: true, subnet: marker }, tags: { env: 'prod' }, on: true };
  const lookup2: Lookup = (kind, name) => (name in values ? { value: values[name] } : undefined);
  const v = (text: string) => evaluateTemplate(text, undefined, lookup2, undefined, (path) => ({ at: path }));

  it('knows a conditional only where Terraform\'s type unification changes nothing', () => {
    expect(v('${var.on ? local.prof : {}}')).toEqual({ known: false });
    expect(v('${var.on ? { enabled = true, ranges = ["1.2.3.4/32"] } : {}}')).toEqual({ known: false });
    expect(v('${true ? { a = 1 } : { a = "s" }}')).toEqual({ known: false });
    expect(v('${true ? [1] : ["a"]}')).toEqual({ known: false });
    expect(v('${var.on ? local.tags : {}}')).toEqual({ known: true, value: { env: 'prod' } });
    expect(v('${var.on ? ["10.0.0.0/8"] : []}')).toEqual({ known: true, value: ['10.0.0.0/8'] });
    expect(v('${var.on ? { a = 1, b = "x" } : { a = 2, b = "y" }}')).toEqual({ known: true, value: { a: 1, b: 'x' } });
    expect(v('${var.on ? local.prof : null}')).toEqual({ known: true, value: { enabled: true, subnet: { at: '.subnet' } } });
  });

  it('says when a part is refused, so that nothing of the value is kept', () => {
    expect(v('${{ a = [1, 2][5], b = true }}')).toEqual({ known: false, refused: true });
    expect(v('${{ a = 1 + "abc", b = local.prof }}')).toEqual({ known: false, refused: true });
  });
});
