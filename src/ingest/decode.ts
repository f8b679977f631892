import { load } from 'js-yaml';
import { KUBERNETES_YAML_SCHEMA } from './yaml-schema.js';
import type { InputError, InputNote } from '../core/errors.js';
import { isObj, toResource, type Obj, type Resource } from '../core/resource.js';
import { podSpecParts } from '../core/workload.js';
import { azureResources } from './azure/detect.js';
import { looksLikeHcl, terraformHclResources } from './azure/terraform-hcl.js';
import { splitDocuments } from './documents.js';
import { loadBlockYaml, UNSUPPORTED } from './yaml-block.js';
import { jsonSyntaxPosition } from '../core/json-error.js';
import { yamlFailure } from './yaml-error.js';
import type { InputLimits } from './limits.js';

const SCHEMA = KUBERNETES_YAML_SCHEMA;

export interface DecodeSink {
  resources: Resource[];
  errors: InputError[];
  notes: InputNote[];
}

/**
 * Decodes one input of any supported format: Terraform HCL (`.tf`, or stdin that reads as HCL) needs
 * an asynchronous parser; everything else goes through `decodeText`.
 */
export async function decodeInput(text: string, source: string, limits: InputLimits, sink: DecodeSink): Promise<void> {
  if (source.toLowerCase().endsWith('.tf') || (source === '-' && looksLikeHcl(text))) {
    const decoded = await terraformHclResources(text, source, limits);
    sink.resources.push(...decoded.resources);
    sink.notes.push(...decoded.notes);
    sink.errors.push(...decoded.errors);
    return;
  }
  decodeText(text, source, limits, sink);
}

/** Decodes the text of one file (or stdin) into resources; every problem lands in the sink, never thrown. */
export function decodeText(raw: string, source: string, limits: InputLimits, sink: DecodeSink): void {
  if (looksBinary(raw)) {
    // UTF-16 (as some Windows tools save) decodes to replacement characters and NULs.
    const utf16 = raw.startsWith('\uFFFD\uFFFD') || raw.charCodeAt(1) === 0;
    sink.errors.push({ source, message: utf16 ? 'UTF-16 text refused: save the file as UTF-8' : 'binary file refused (not YAML or JSON)' });
    return;
  }
  // A byte-order mark (PowerShell's Out-File writes one) is not content.
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  const trimmed = text.trimStart();
  if (source.toLowerCase().endsWith('.json') || trimmed.startsWith('{') || trimmed.startsWith('[')) {
    if (decodeJson(text, source, limits, sink)) return;
  }
  for (const doc of splitDocuments(text)) {
    if (doc.text.length > limits.maxDocumentBytes) {
      sink.errors.push({ ...tooLarge(doc.text.length, limits, source), line: doc.line });
      continue;
    }
    // Plain block YAML takes the fast loader; whatever it leaves (aliases among it) js-yaml loads and words.
    let value: unknown = loadBlockYaml(doc.text, limits.maxDepth);
    const fast = value !== UNSUPPORTED;
    if (!fast) {
      try {
        value = load(doc.text, { schema: SCHEMA, maxAliases: limits.maxAliases, maxDepth: limits.maxDepth, filename: source });
      } catch (e) {
        const other = notAManifest(e, doc.text);
        if (other) sink.notes.push({ source, line: doc.line, message: `document ${doc.index + 1} ${other}; skipped` });
        else sink.errors.push(yamlError(e, source, doc.firstLine));
        continue;
      }
    }
    if (value === null || value === undefined) continue;
    // Aliases are shared references after load; a small alias count can still expand exponentially.
    if (!fast && doc.text.includes('*') && expandedSize(value, limits.maxExpandedNodes) > limits.maxExpandedNodes) {
      sink.errors.push({ source, line: doc.line, message: `document refused: its aliases expand to more than ${limits.maxExpandedNodes} nodes` });
      continue;
    }
    addObject(value, source, doc.line, doc.index, sink);
  }
}

// Go template actions: a Helm chart's templates/, a kustomize-free repo's `{{ .Values.x }}`.
const TEMPLATE_ACTION = /\{\{-?\s*[.$\w("'/-]/;
// A tag of another tool's YAML: CloudFormation's `!Sub`/`!Ref`, mkdocs' `!!python/name:`.
const FOREIGN_TAG = /^unknown (?:scalar|sequence|mapping) tag !<(?:![A-Za-z]|tag:yaml\.org,2002:python\/)/;

/**
 * Why a document that does not load is no manifest at all, when that is clear: an unrendered template
 * (a scan of a repository meets a chart's templates), or another tool's YAML with its own tags, which
 * Kubernetes manifests never carry. Either is noted and skipped, as other non-Kubernetes documents
 * are; any other failure is an error in a manifest.
 */
function notAManifest(e: unknown, text: string): string | undefined {
  if (TEMPLATE_ACTION.test(text)) return 'is an unrendered template ({{ ... }}): render it (helm template, ...) and scan the output';
  const reason = (e as { reason?: unknown } | undefined)?.reason;
  // A manifest with an unquoted `!value` is a manifest to fix, not another tool's file.
  if (/^apiVersion:/m.test(text) && /^kind:/m.test(text)) return undefined;
  if (typeof reason === 'string' && FOREIGN_TAG.test(reason)) return `is not a Kubernetes object (${reason.replace(/^unknown \w+ tag !<(.*)>$/, 'tag $1')}, another tool's YAML)`;
  return undefined;
}

/** Returns false when the text is not JSON after all (flow-style YAML), so YAML decoding can try. */
function decodeJson(text: string, source: string, limits: InputLimits, sink: DecodeSink): boolean {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    if (!source.toLowerCase().endsWith('.json')) return false;
    if (text.length > limits.maxDocumentBytes) sink.errors.push(tooLarge(text.length, limits, source));
    else sink.errors.push(jsonError(text, source));
    return true;
  }
  // `kubectl get -o json` of a whole cluster is one List: its items are the documents the limit is for.
  // JSON has no aliases to expand, so parsing it to see costs what reading the file did.
  if (text.length > limits.maxDocumentBytes && !isList(value)) {
    sink.errors.push(tooLarge(text.length, limits, source));
    return true;
  }
  if (depthExceeds(value, limits.maxDepth)) {
    sink.errors.push({ source, line: 1, message: `document refused: nesting deeper than ${limits.maxDepth}` });
    return true;
  }
  if (Array.isArray(value)) value.forEach((d, i) => addObject(d, source, 1, i, sink, text, `[${i}]`));
  else addObject(value, source, 1, 0, sink, text);
  return true;
}

function isList(value: unknown): boolean {
  return isObj(value) && typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items);
}

function tooLarge(bytes: number, limits: InputLimits, source: string): InputError {
  return { source, line: 1, message: `document of ${bytes} bytes refused: over the ${limits.maxDocumentBytes}-byte limit (limits.maxDocumentBytes in .palisade.yaml)` };
}

/** `text` is the JSON the value came from, when it did: Azure templates and plans use it to place their resources. */
function addObject(value: unknown, source: string, line: number, index: number, sink: DecodeSink, text?: string, path?: string): void {
  if (!isObj(value)) {
    sink.notes.push({ source, line, message: `document ${index + 1} is not a Kubernetes object (not a mapping); skipped` });
    return;
  }
  const kind = value.kind;
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(value.items)) {
    value.items.forEach((item, i) => {
      // Findings on an item are located below `items[i]` of the List's document.
      const r = toResource(typedListItem(item, kind, value.apiVersion), { file: source, line, path: `${path ? `${path}.` : ''}items[${i}]` });
      const problem = r && identityProblem(r.object);
      if (problem) sink.errors.push({ source, line, message: `items[${i}] of ${kind}${r.name ? ` (${r.kind} ${r.name})` : ''}: ${problem}` });
      else if (r) sink.resources.push(r);
      else sink.notes.push({ source, line, message: `an item of ${kind} is not a Kubernetes object; skipped` });
    });
    return;
  }
  const r = toResource(value, { file: source, line, ...(path ? { path } : {}) });
  if (r) {
    const problem = identityProblem(r.object);
    if (problem) sink.errors.push({ source, line, message: `${r.kind}${r.name ? ` ${r.name}` : ''}: ${problem}` });
    else sink.resources.push(r);
    return;
  }
  const azure = azureResources(value, source, line, text);
  if (azure) {
    // An element of a top-level array (`az role assignment list` output): its findings are located below `[i]`.
    for (const r of azure.resources) sink.resources.push(path && r.source.path === undefined && r.source.line === line ? { ...r, source: { ...r.source, path } } : r);
    sink.notes.push(...azure.notes);
    return;
  }
  sink.notes.push({ source, line, message: `document ${index + 1} is not a Kubernetes object (no apiVersion/kind); skipped` });
}

/**
 * Why the API server would refuse an object before looking at anything else: a name or namespace that is
 * not a string (`name: 12345` unquoted) or metadata that is not a mapping. Read anyway, such an object
 * would be reported under an empty name, or bound into a namespace it does not name: refused, it is an
 * input error and the exit code says so.
 */
function identityProblem(object: Obj): string | undefined {
  const meta = object.metadata;
  if (meta !== undefined && meta !== null) {
    if (!isObj(meta)) return `metadata is ${typeOfValue(meta)}, not a mapping; skipped`;
    for (const key of ['name', 'generateName', 'namespace'] as const) {
      const v = meta[key];
      if (v !== undefined && v !== null && typeof v !== 'string') return `metadata.${key} is ${typeOfValue(v)}, not a string (quote it); skipped`;
    }
  }
  return podShapeProblem(object);
}

/**
 * A pod spec, the way to it, or its container lists of the wrong type (`template: 5`, `containers:
 * nginx`): the API server refuses the object, and read anyway it would pass every Pod Security check
 * with nothing checked. An absent part is fine (a partial export). Odd values further in (a container
 * that is not a mapping) are left to the rules, which pass over them.
 */
function podShapeProblem(object: Obj): string | undefined {
  const parts = podSpecParts(typeof object.kind === 'string' ? object.kind : '');
  if (!parts) return undefined;
  let at: unknown = object;
  let path = '';
  for (const part of parts) {
    at = (at as Obj)[part];
    path = path ? `${path}.${part}` : part;
    if (at === undefined || at === null) return undefined;
    if (!isObj(at)) return `${path} is ${typeOfValue(at)}, not a mapping; skipped`;
  }
  for (const key of ['containers', 'initContainers', 'ephemeralContainers'] as const) {
    const list = (at as Obj)[key];
    if (list !== undefined && list !== null && !Array.isArray(list)) return `${path}.${key} is ${typeOfValue(list)}, not a list; skipped`;
  }
  return undefined;
}

function typeOfValue(v: unknown): string {
  return Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `a ${typeof v}`;
}

/**
 * The API server leaves `kind` and `apiVersion` out of the items of a typed list (`PodList`,
 * `NamespaceList`): they are the list's kind without `List`, and its apiVersion.
 */
function typedListItem(item: unknown, listKind: string, listApiVersion: unknown): unknown {
  if (!isObj(item) || listKind === 'List' || (item.kind !== undefined && item.apiVersion !== undefined)) return item;
  return { apiVersion: listApiVersion, kind: listKind.slice(0, -'List'.length), ...item };
}

function yamlError(e: unknown, source: string, firstLine: number): InputError {
  const { reason, line } = yamlFailure(e);
  return { source, line: line === undefined ? firstLine : firstLine + line - 1, message: reason };
}

/**
 * Where and why JSON is malformed, from the position alone: V8's own message quotes the input around
 * the error, which may be a secret.
 */
function jsonError(text: string, source: string): InputError {
  const err = jsonSyntaxPosition(text);
  if (!err) return { source, message: 'invalid JSON' };
  return { source, line: err.line, message: `invalid JSON: ${err.reason} (column ${err.column})` };
}

function looksBinary(text: string): boolean {
  const n = Math.min(text.length, 8192);
  for (let i = 0; i < n; i++) if (text.charCodeAt(i) === 0) return true;
  return false;
}

/** Iterative, so a hostile depth cannot overflow the stack while it is being measured. */
export function depthExceeds(root: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length) {
    const [v, d] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    if (d >= max) return true;
    for (const child of Object.values(v)) if (typeof child === 'object' && child !== null) stack.push([child, d + 1]);
  }
  return false;
}

/** Node count with aliases expanded, memoised per shared object so the count itself stays linear. */
function expandedSize(root: unknown, cap: number): number {
  const memo = new Map<object, number>();
  const size = (v: unknown, depth: number): number => {
    if (typeof v !== 'object' || v === null) return 1;
    const known = memo.get(v);
    if (known !== undefined) return known;
    if (depth > 200) return cap + 1;
    let n = 1;
    for (const child of Object.values(v)) {
      n += size(child, depth + 1);
      if (n > cap) break;
    }
    memo.set(v, n);
    return n;
  };
  return size(root, 0);
}
