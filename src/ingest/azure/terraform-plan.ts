import { asArray, asObj, asString, isObj, setOwn, type Obj, type Resource } from '../../core/resource.js';
import { unknownMarker } from '../../core/unknown.js';
import { AZAPI_RESOURCE, azapiKind, azapiUpdateNote, decodedBody, escapeRegExp, TERRAFORM_TYPES, type AzureDecoded } from './kinds.js';
import { lineAt } from '../../core/lines.js';
import type { InputNote } from '../../core/errors.js';
import { blockExpressions, configuredAt, planConfiguration, referencesOf } from './terraform-plan-config.js';

/** `terraform show -json` of a plan (`planned_values`) or of the state (`values`). */
export function isTerraformPlan(value: Obj): boolean {
  if (typeof value.format_version !== 'string') return false;
  return isObj(asObj(value.planned_values)?.root_module) || isObj(asObj(value.values)?.root_module);
}

/**
 * The AKS resources of a plan or state: attribute values as Terraform shows them, and values that
 * the plan marks as known only after apply replaced by the unknown marker. Where the plan carries its
 * `configuration`, a value known only after apply that the configuration does not write is left out
 * (the provider or Azure default applies, as for any unset attribute), and the reason of one it does
 * write names the expression's references (`azurerm_kubernetes_cluster.main.id`).
 */
export function terraformPlanResources(plan: Obj, source: string, line: number, text?: string): AzureDecoded {
  const root = asObj(asObj(plan.planned_values)?.root_module) ?? asObj(asObj(plan.values)?.root_module) ?? {};
  const unknownByAddress = new Map<string, unknown>();
  for (const rc of asArray(plan.resource_changes)) {
    const change = asObj(asObj(rc)?.change);
    const address = asString(asObj(rc)?.address);
    if (address && change && change.after_unknown !== undefined) unknownByAddress.set(address, change.after_unknown);
  }
  const configuration = planConfiguration(plan);
  const resources: Resource[] = [];
  const notes: InputNote[] = [];
  const modules: Obj[] = [root];
  // Breadth-first over child modules: no recursion for hostile depth to exhaust.
  for (let i = 0; i < modules.length && i < 10_000; i++) {
    const mod = modules[i] as Obj;
    for (const raw of asArray(mod.resources)) {
      const r = asObj(raw);
      const type = asString(r?.type);
      if (!r || !type) continue;
      if (r.mode !== undefined && r.mode !== 'managed') continue;
      const label = asString(r.name) ?? '';
      const address = asString(r.address) ?? `${type}.${label}`;
      const planned = asObj(r.values) ?? {};
      const update = azapiUpdateNote(type, address, planned.type);
      if (update) notes.push({ source, line: addressLine(text, address, line), message: update });
      // An AzAPI resource creating an AKS cluster or pool is read as the ARM resource its body describes.
      const kind = type === AZAPI_RESOURCE ? azapiKind(planned.type) : TERRAFORM_TYPES.has(type) ? type : undefined;
      if (!kind) continue;
      const values = structuredClone(planned);
      // A body written with `jsonencode` (AzAPI before 2.0) is a JSON string in the plan, decoded as AzAPI sends it.
      if (type === AZAPI_RESOURCE && typeof values.body === 'string') setOwn(values, 'body', decodedBody(values.body, `${address}.body`));
      const afterUnknown = unknownByAddress.get(address);
      const moduleAddress = asString(mod.address) ?? '';
      const expressions = configuration?.expressionsOf(moduleAddress, type, label);
      const isNull = (expression: unknown): boolean => configuration?.isNull(moduleAddress, expression) ?? false;
      if (afterUnknown !== undefined) markUnknown(values, afterUnknown, { expressions, isNull }, address, 0);
      resources.push({
        apiVersion: 'terraform',
        kind,
        namespace: null,
        name: resourceName(address, type, label),
        object: values,
        source: { file: source, line: addressLine(text, address, line) },
        format: 'terraform-plan',
      });
    }
    for (const child of asArray(mod.child_modules)) {
      const c = asObj(child);
      if (c) modules.push(c);
    }
  }
  if (resources.length === 0 && notes.length === 0) notes.push({ source, line, message: 'Terraform plan without AKS cluster, node pool or diagnostic setting resources (azurerm, or AzAPI clusters and pools); skipped' });
  return { resources, notes };
}

/**
 * The resource label, with the instance key of `count`/`for_each` (`pool[0]`, `pool["gpu"]`) and
 * the module path for resources in child modules, so that instances stay apart.
 */
function resourceName(address: string, type: string, label: string): string {
  const marker = `${type}.${label}`;
  const at = address.lastIndexOf(marker);
  if (at < 0) return label;
  const modulePath = address.slice(0, at).replace(/\.$/, '');
  const instance = address.slice(at + marker.length);
  return `${modulePath ? `${modulePath}.` : ''}${label}${instance}`;
}

/** What the configuration writes at one place of a resource, when the plan carries its configuration. */
interface Written {
  expressions: unknown;
  /** Whether an attribute expression evaluates to null (variables left at a null default). */
  isNull(expression: unknown): boolean;
}

/**
 * Walks `after_unknown` beside the values: `true` marks a value (or a whole block) known only after
 * apply. `written.expressions` is what the configuration writes at the same place.
 */
function markUnknown(values: unknown, unknown: unknown, written: Written, address: string, depth: number): void {
  if (depth > 64) return;
  const { expressions } = written;
  if (Array.isArray(values) && Array.isArray(unknown)) {
    unknown.forEach((u, i) => {
      if (u === true) values[i] = unknownMarker(`${address}: the value is known only after apply`);
      else if (typeof u === 'object' && u !== null) markUnknown(values[i], u, { ...written, expressions: blockExpressions(expressions, i) }, address, depth + 1);
    });
    return;
  }
  if (!isObj(values) || !isObj(unknown)) return;
  for (const [k, u] of Object.entries(unknown)) {
    const configured = isObj(expressions) ? configuredAt(expressions, k) : { state: 'unsure' as const };
    if (u === true) {
      // Optional and computed, and unset or set to null (a variable left at its null default): the default applies.
      if (configured.state === 'unset' || (configured.state === 'written' && written.isNull(configured.expression))) {
        setOwn(values, k, null);
        continue;
      }
      const refs = configured.state === 'written' ? referencesOf(configured.expression) : [];
      const from = refs.length > 0 ? ` (from ${refs.join(', ')})` : '';
      setOwn(values, k, unknownMarker(`${address}.${k} is known only after apply${from}`));
    } else if (typeof u === 'object' && u !== null) {
      // Nested blocks are lists of expression objects; an attribute expression (a map or list attribute written whole) says nothing about its elements.
      const inner = configured.state === 'written' && Array.isArray(configured.expression) ? configured.expression : undefined;
      markUnknown(values[k], u, { ...written, expressions: inner }, `${address}.${k}`, depth + 1);
    }
  }
}

function addressLine(text: string | undefined, address: string, fallback: number): number {
  if (text === undefined) return fallback;
  const m = new RegExp(`"address"\\s*:\\s*${escapeRegExp(JSON.stringify(address))}`).exec(text);
  return m ? fallback + lineAt(text, m.index) - 1 : fallback;
}
