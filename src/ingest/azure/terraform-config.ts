import { asObj, isObj, type Obj, type Resource } from '../../core/resource.js';
import { unknownMarker } from '../../core/unknown.js';
import { escapeRegExp, TERRAFORM_TYPES, type AzureDecoded } from './kinds.js';
import { lineAt } from '../../core/lines.js';

/** Arguments that steer Terraform itself rather than set an attribute of the resource. */
const META_ARGUMENTS = new Set(['count', 'for_each', 'depends_on', 'lifecycle', 'provider', 'provisioner', 'connection']);

/** Terraform configuration in JSON syntax (`*.tf.json`, and what the HCL parser produces): `{resource: {TYPE: {LABEL: [...]}}}`. */
export function isTerraformConfig(value: Obj): boolean {
  const resource = asObj(value.resource);
  return resource !== undefined && Object.keys(resource).some((t) => t.startsWith('azurerm_'));
}

/**
 * The AKS resources of a Terraform configuration, as plan-style values: attributes as values,
 * nested blocks as arrays of objects. References and interpolations are decided by Terraform at
 * plan time and become the unknown marker naming the expression.
 */
export function terraformConfigResources(config: Obj, source: string, text: string | undefined, fallbackLine: number, format: string): AzureDecoded {
  const resources: Resource[] = [];
  const blocks = asObj(config.resource) ?? {};
  const cursors = new Map<string, number>();
  for (const [type, byLabel] of Object.entries(blocks)) {
    if (!TERRAFORM_TYPES.has(type) || !isObj(byLabel)) continue;
    for (const [label, bodies] of Object.entries(byLabel)) {
      for (const body of Array.isArray(bodies) ? bodies : [bodies]) {
        if (!isObj(body)) continue;
        const line = blockLine(text, type, label, cursors) ?? fallbackLine;
        // `count = 0` creates nothing.
        if (body.count === 0) continue;
        resources.push({
          apiVersion: 'terraform',
          kind: type,
          namespace: null,
          name: label,
          object: blockValues(body, `${type}.${label}`),
          source: { file: source, line },
          format,
        });
      }
    }
  }
  // The parser orders blocks by name; the file's order reads better in reports.
  resources.sort((a, b) => a.source.line - b.source.line);
  const notes = resources.length === 0
    ? [{ source, line: fallbackLine, message: 'Terraform configuration without azurerm_kubernetes_cluster, node pool or diagnostic setting resources; skipped' }]
    : [];
  return { resources, notes };
}

function blockValues(body: Obj, path: string): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(body)) {
    if (META_ARGUMENTS.has(k)) continue;
    if (k === 'dynamic' && isObj(v)) {
      for (const name of Object.keys(v)) setOwn(out, name, unknownMarker(`${path}.${name} is a dynamic block, expanded by Terraform`));
      continue;
    }
    setOwn(out, k, convert(v, `${path}.${k}`, 0));
  }
  return out;
}

function convert(v: unknown, path: string, depth: number): unknown {
  if (typeof v === 'string') return stringValue(v);
  if (depth > 100 || v === null || typeof v !== 'object') return v ?? null;
  if (Array.isArray(v)) return v.map((x, i) => (isObj(x) ? blockOrMap(x, `${path}[${i}]`, depth + 1) : convert(x, `${path}[${i}]`, depth + 1)));
  return blockOrMap(v as Obj, path, depth + 1);
}

/** Nested blocks and map values look alike in the JSON form; both keep their keys, and a block's `dynamic` is expanded only by Terraform. */
function blockOrMap(v: Obj, path: string, depth: number): Obj {
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'dynamic' && isObj(x)) {
      for (const name of Object.keys(x)) setOwn(out, name, unknownMarker(`${path}.${name} is a dynamic block, expanded by Terraform`));
      continue;
    }
    setOwn(out, k, convert(x, `${path}.${k}`, depth));
  }
  return out;
}

/** A string with `${...}` or `%{...}` (not escaped as `$${` / `%%{`) is an expression; otherwise a literal. */
function stringValue(s: string): unknown {
  if (/(^|[^$])\$\{|(^|[^%])%\{/.test(s)) {
    const whole = /^\$\{([\s\S]*)\}$/.exec(s);
    const expr = whole && !whole[1]?.includes('${') ? (whole[1] as string) : s;
    return unknownMarker(`${clip(expr)} is resolved by Terraform`);
  }
  return s.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}

function blockLine(text: string | undefined, type: string, label: string, cursors: Map<string, number>): number | undefined {
  if (text === undefined) return undefined;
  const key = `${type}.${label}`;
  // HCL: `resource "TYPE" "LABEL" {` (labels may be bare identifiers); JSON syntax: the `"LABEL":` key after the type.
  const hcl = new RegExp(`^[ \\t]*resource\\s+"?${escapeRegExp(type)}"?\\s+"?${escapeRegExp(label)}"?\\s*\\{`, 'gm');
  hcl.lastIndex = cursors.get(key) ?? 0;
  let m = hcl.exec(text);
  if (!m) {
    const json = new RegExp(`${escapeRegExp(JSON.stringify(label))}\\s*:`, 'g');
    const typeAt = text.indexOf(JSON.stringify(type));
    json.lastIndex = Math.max(cursors.get(key) ?? 0, typeAt < 0 ? 0 : typeAt);
    m = json.exec(text);
  }
  if (!m) return undefined;
  cursors.set(key, m.index + m[0].length);
  return lineAt(text, m.index + (m[0].length - m[0].trimStart().length));
}

function setOwn(obj: Obj, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function clip(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
