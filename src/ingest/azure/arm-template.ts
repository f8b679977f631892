import type { InputNote } from '../../core/errors.js';
import { isObj, setOwn, type Obj, type Resource } from '../../core/resource.js';
import { getCI, TemplateScope, toJson, Unknown, type Value } from './arm-evaluate.js';
import { armKind, escapeRegExp, MANAGED_CLUSTER_KIND, type AzureDecoded } from './kinds.js';
import { lineAt } from '../../core/lines.js';

/** ARM (and Bicep-compiled) deployment templates, for every deployment scope. */
export function isArmTemplate(value: Obj): boolean {
  const schema = getCI(value, '$schema');
  const resources = getCI(value, 'resources');
  return typeof schema === 'string' && /deploymenttemplate\.json/i.test(schema) && (Array.isArray(resources) || isObj(resources));
}

const MAX_NESTED_DEPLOYMENTS = 10;

interface Walk {
  source: string;
  line: number;
  text: string | undefined;
  resources: Resource[];
  notes: InputNote[];
  noted: Set<string>;
  /** Where the search for each `"type": "..."` literal goes on, so resources of one type get successive lines. */
  cursors: Map<string, number>;
  lines: WeakMap<object, number>;
  /** What is being evaluated, for notes. */
  current: { what: string; line: number };
}

interface Parent {
  type: string;
  name: string;
}

/**
 * The managedClusters, agentPools and diagnosticSettings resources of a template, evaluated:
 * parameters take their default values, variables and functions are computed, and what only a
 * deployment knows becomes the unknown marker. `text` (the file as JSON) gives each resource its line.
 */
export function armTemplateResources(template: Obj, source: string, line: number, text?: string): AzureDecoded {
  const walk: Walk = {
    source,
    line,
    text,
    resources: [],
    notes: [],
    noted: new Set(),
    cursors: new Map(),
    lines: new WeakMap(),
    current: { what: 'template', line },
  };
  const onError = (message: string): void => {
    const full = `${walk.current.what}: ${message}`;
    if (walk.noted.has(full)) return;
    walk.noted.add(full);
    walk.notes.push({ source, line: walk.current.line, message: full });
  };
  walkTemplate(template, TemplateScope.create(template, onError), walk, 0);
  if (walk.resources.length === 0) {
    walk.notes.push({ source, line, message: 'ARM template without managedClusters, agentPools or diagnosticSettings resources; skipped' });
  }
  return { resources: walk.resources, notes: walk.notes };
}

function walkTemplate(template: Obj, scope: TemplateScope, walk: Walk, depth: number): void {
  const resources = getCI(template, 'resources');
  // languageVersion 2.0 (Bicep) keys resources by symbolic name.
  const list = Array.isArray(resources) ? resources : isObj(resources) ? Object.values(resources) : [];
  for (const raw of list) if (isObj(raw)) walkResource(raw, scope, walk, undefined, depth);
}

/** A child type written inside its parent is one segment (`agentPools`); a full type starts with its namespace. */
function isFullType(type: string): boolean {
  return (type.split('/')[0] ?? '').includes('.');
}

function walkResource(raw: Obj, scope: TemplateScope, walk: Walk, parent: Parent | undefined, depth: number): void {
  const typeRaw = getCI(raw, 'type');
  walk.current = { what: `template resource of type ${typeof typeRaw === 'string' ? typeRaw : '?'}`, line: walk.line };
  const typeValue = scope.evaluate(typeRaw);
  if (typeof typeValue !== 'string' || typeValue === '') return;
  const short = parent !== undefined && !isFullType(typeValue);
  const type = short ? `${parent.type}/${typeValue}` : typeValue;
  const kind = armKind(type);
  const deployment = type.toLowerCase() === 'microsoft.resources/deployments';
  // Only a cluster's children (agent pools, its diagnostic settings) are AKS resources.
  const children = kind === MANAGED_CLUSTER_KIND ? getCI(raw, 'resources') : undefined;
  if (!kind && !deployment) return;
  const line = kind ? lineOf(raw, typeRaw, walk) : walk.line;
  // An `existing` resource is only referred to (Bicep); it still takes its place in the text.
  if (getCI(raw, 'existing') === true) return;

  for (const s of iterations(raw, scope, walk, type, line)) {
    const nameRaw = getCI(raw, 'name');
    walk.current = { what: `template resource ${type} ${describeName(nameRaw)}`, line };
    const condition = getCI(raw, 'condition');
    if (condition !== undefined && s.evaluate(condition) === false) continue;
    const nameValue = s.evaluate(nameRaw);
    // A name that only the deployment knows is shown as written.
    const name = typeof nameValue === 'string' ? nameValue : typeof nameRaw === 'string' ? nameRaw : '';
    const fullName = short ? `${parent.name}/${name}` : name;
    if (kind) {
      const object: Obj = {};
      for (const [k, v] of Object.entries(raw)) {
        if (k.toLowerCase() === 'resources') continue;
        setOwn(object, k, toJson(s.evaluate(v)));
      }
      const apiVersion = object[Object.keys(object).find((k) => k.toLowerCase() === 'apiversion') ?? 'apiVersion'];
      walk.resources.push({
        apiVersion: typeof apiVersion === 'string' ? apiVersion : '',
        kind,
        namespace: null,
        name: fullName,
        object,
        source: { file: walk.source, line },
        format: 'arm-template',
      });
    }
    if (deployment) nestedDeployment(raw, s, walk, depth);
    if (Array.isArray(children)) {
      for (const child of children) if (isObj(child)) walkResource(child, s, walk, { type, name: fullName }, depth);
    }
  }
}

/** Scopes for each copy of a resource: one without a `copy`, `count` with one (a single unknown-index copy when the count is unknown). */
function iterations(raw: Obj, scope: TemplateScope, walk: Walk, type: string, line: number): TemplateScope[] {
  const copy = getCI(raw, 'copy');
  if (!isObj(copy)) return [scope];
  const loopName = typeof copy.name === 'string' ? copy.name : '';
  walk.current = { what: `template resource ${type} copy loop '${loopName}'`, line };
  const count = scope.evaluate(getCI(copy, 'count'));
  if (count instanceof Unknown) return [scope.withCopy([loopName, ''], new Unknown(`the copy count is unknown: ${count.reason}`))];
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > scope.limits.maxCopies) {
    scope.onError(`copy count must be an integer from 0 to ${scope.limits.maxCopies}`);
    return [scope.withCopy([loopName, ''], new Unknown('the copy count is invalid'))];
  }
  return Array.from({ length: count }, (_, i) => scope.withCopy([loopName, ''], i));
}

/** A deployment resource with an inline template: inner scope gets its own parameters, outer scope shares the parent's. */
function nestedDeployment(raw: Obj, scope: TemplateScope, walk: Walk, depth: number): void {
  const props = getCI(raw, 'properties');
  if (!isObj(props)) return;
  const template = getCI(props, 'template');
  if (!isObj(template)) return;
  if (depth >= MAX_NESTED_DEPLOYMENTS) {
    scope.onError(`nested deployments deeper than ${MAX_NESTED_DEPLOYMENTS} are not evaluated`);
    return;
  }
  const options = getCI(props, 'expressionEvaluationOptions');
  const inner = isObj(options) && String(getCI(options, 'scope') ?? '').toLowerCase() === 'inner';
  if (!inner) {
    walkTemplate(template, scope, walk, depth + 1);
    return;
  }
  const supplied = new Map<string, Value>();
  const params = getCI(props, 'parameters');
  if (isObj(params)) {
    for (const [k, v] of Object.entries(params)) {
      if (isObj(v) && 'value' in v) supplied.set(k, scope.evaluate(v.value));
      else supplied.set(k, new Unknown(`parameter '${k}' of the nested deployment comes from a Key Vault reference`));
    }
  }
  walkTemplate(template, TemplateScope.create(template, scope.onError, supplied, scope.limits), walk, depth + 1);
}

function lineOf(raw: Obj, typeRaw: unknown, walk: Walk): number {
  const known = walk.lines.get(raw);
  if (known !== undefined) return known;
  let line = walk.line;
  if (walk.text !== undefined && typeof typeRaw === 'string') {
    const literal = JSON.stringify(typeRaw);
    const key = literal.toLowerCase();
    const re = new RegExp(`"type"\\s*:\\s*${escapeRegExp(literal)}`, 'gi');
    re.lastIndex = walk.cursors.get(key) ?? 0;
    const m = re.exec(walk.text);
    if (m) {
      walk.cursors.set(key, m.index + m[0].length);
      line = walk.line + lineAt(walk.text, m.index) - 1;
    }
  }
  walk.lines.set(raw, line);
  return line;
}

function describeName(nameRaw: unknown): string {
  if (typeof nameRaw !== 'string') return '(no name)';
  return nameRaw.length > 80 ? `'${nameRaw.slice(0, 77)}...'` : `'${nameRaw}'`;
}
