import { defineMappingTag, defineScalarTag, defineSequenceTag, load, YAMLException, type LoadOptions, type MappingTagDefinition, type SequenceTagDefinition, type TagDefinition } from 'js-yaml';
import { KUBERNETES_YAML_SCHEMA } from './yaml-schema.js';
import { ambiguousMergeKey, forgetMergeKeys } from './yaml-merge.js';
import type { InputError, InputNote } from '../core/errors.js';
import { countLines, lineAt } from '../core/lines.js';
import { withoutBom } from '../core/bom.js';
import { isObj, toResource, type Obj, type Resource } from '../core/resource.js';
import { podSpecParts } from '../core/workload.js';
import { azureResources } from './azure/detect.js';
import { looksLikeHcl, terraformHclResources } from './azure/terraform-hcl.js';
import { splitDocuments, type DocumentText } from './documents.js';
import { loadBlockYaml, UNSUPPORTED } from './yaml-block.js';
import { jsonSyntaxPosition } from '../core/json-error.js';
import { yamlFailure } from './yaml-error.js';
import type { InputLimits } from './limits.js';

/**
 * Local tags (`!Ref team-a`, `!Foo {a: 1}`) as go-yaml v2 reads them for kubectl: a tagged scalar is its
 * text, a string, and a tagged collection is read as if it had no tag. js-yaml refuses a tag it does not
 * know, which would leave unread a manifest kubectl applies. The collections take the schema's own tags,
 * so that a tagged mapping merges and refuses keys as an untagged one does. The block loader gives up on
 * every tag, so that it never needs these.
 */
function localTags(tags: readonly TagDefinition[]): TagDefinition[] {
  const local: TagDefinition[] = [defineScalarTag<string>('!', { matchByTagPrefix: true, resolve: (text) => text, identify: () => false })];
  const seq = tags.find((t): t is SequenceTagDefinition<unknown, unknown> => t.nodeKind === 'sequence' && t.tagName === 'tag:yaml.org,2002:seq' && !t.matchByTagPrefix);
  if (seq) local.push(defineSequenceTag<unknown, unknown>('!', { matchByTagPrefix: true, create: seq.create, addItem: seq.addItem, finalize: seq.finalize, identify: () => false }));
  const map = tags.find((t): t is MappingTagDefinition<unknown, unknown> => t.nodeKind === 'mapping' && t.tagName === 'tag:yaml.org,2002:map' && !t.matchByTagPrefix);
  if (map) local.push(defineMappingTag<unknown, unknown>('!', { matchByTagPrefix: true, create: map.create, addPair: map.addPair, has: map.has, keys: map.keys, get: map.get, finalize: map.finalize, identify: () => false }));
  return local;
}

const SCHEMA = KUBERNETES_YAML_SCHEMA.withTags(localTags(KUBERNETES_YAML_SCHEMA.tags));

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
  const text = withoutBom(raw);
  const trimmed = text.trimStart();
  if (source.toLowerCase().endsWith('.json') || trimmed.startsWith('{') || trimmed.startsWith('[')) {
    if (decodeJson(text, source, limits, sink)) return;
  }
  // The whole text is searched once: such characters are rare, and documents are searched only when there is one.
  const yaml11Breaks = hasYaml11Break(text);
  for (const doc of splitDocuments(text)) {
    if (doc.afterEndMarker) {
      sink.notes.push({ source, line: doc.line, message: `document ${doc.index + 1} follows a "..." end marker with no "---" before it: kubectl never reads it; skipped` });
      continue;
    }
    if (yaml11Breaks) {
      const refusal = yaml11BreakError(doc, source);
      if (refusal) {
        sink.errors.push(refusal);
        continue;
      }
    }
    if (doc.text.length > limits.maxDocumentBytes) {
      if (!decodeOversizedList(doc, source, limits, sink)) sink.errors.push({ ...tooLarge(doc.text.length, limits, source), line: doc.line });
      continue;
    }
    const loaded = loadDocument(doc.text, limits);
    if ('error' in loaded) {
      const other = notAManifest(loaded.error, doc.text, limits);
      if (other) sink.notes.push({ source, line: doc.line, message: `document ${doc.index + 1} ${other}; skipped` });
      else sink.errors.push(yamlError(loaded.error, source, doc.firstLine, doc.text));
      continue;
    }
    if (loaded.value === null || loaded.value === undefined) continue;
    if (expandsTooFar(loaded, doc.text, limits)) {
      sink.errors.push({ source, line: doc.line, message: `document refused: its aliases expand to more than ${limits.maxExpandedNodes} nodes` });
      continue;
    }
    addObject(loaded.value, source, doc.line, doc.index, sink);
  }
}

type Loaded = { value: unknown; fast: boolean } | { error: unknown };

/** Plain block YAML takes the fast loader; whatever it leaves (aliases among it) js-yaml loads and words. */
function loadDocument(text: string, limits: InputLimits): Loaded {
  const value = loadBlockYaml(text, limits.maxDepth);
  return value !== UNSUPPORTED ? { value, fast: true } : loadYaml(text, limits);
}

/** Aliases are shared references after load; a small alias count can still expand exponentially. */
function expandsTooFar(loaded: { value: unknown; fast: boolean }, text: string, limits: InputLimits): boolean {
  return !loaded.fast && text.includes('*') && expandedSize(loaded.value, limits.maxExpandedNodes) > limits.maxExpandedNodes;
}

// A document with more wrapped lines than this is not a manifest with a few wrapped flow collections:
// its error is reported rather than each line re-indented and the whole document loaded again.
const MAX_REINDENTED_LINES = 32;

/**
 * js-yaml's load with merges applied as go-yaml applies them (see yaml-merge.ts), each document afresh;
 * a `<<` the two read apart is refused rather than read one way when kubectl reads it the other.
 */
function loadGoYaml(text: string, options: LoadOptions): unknown {
  const ambiguous = ambiguousMergeKey(text, options.maxDepth ?? 100);
  if (ambiguous !== undefined)
    YAMLException.throwAt(text, ambiguous, 'a merge key written with the tag ! (or another tag) or an anchor, which kubectl (go-yaml) and YAML libraries read apart: write it as a plain <<');
  forgetMergeKeys();
  return load(text, options);
}

/**
 * js-yaml, and when it finds a flow collection or a quoted string indented no deeper than its key
 * (`command: [` ... `]` with the `]` under `command`), the same text with that line indented: go-yaml,
 * which kubectl reads with, takes no account of indentation inside them, and neither spaces added before
 * a continuation line nor a tab turned into a space between two entries changes what they hold. Lines are
 * never added or removed, so an error still names the line of the text as written.
 */
function loadYaml(text: string, limits: InputLimits, duplicateKeysOverride = false): Loaded {
  const options = { schema: SCHEMA, maxAliases: limits.maxAliases, maxDepth: limits.maxDepth, json: duplicateKeysOverride };
  let error: unknown;
  try {
    return { value: loadGoYaml(text, options), fast: false };
  } catch (e) {
    error = e;
  }
  let current = text;
  for (let attempt = 0; attempt < MAX_REINDENTED_LINES && yamlReason(error) === DEFICIENT_INDENTATION; attempt++) {
    const position = isObj(error) && isObj(error.mark) && typeof error.mark.position === 'number' ? error.mark.position : undefined;
    const next = position === undefined ? undefined : reindented(current, position);
    if (next === undefined) break;
    current = next;
    try {
      return { value: loadGoYaml(current, options), fast: false };
    } catch (e) {
      error = e;
    }
  }
  return { error };
}

const DEFICIENT_INDENTATION = 'deficient indentation';

function yamlReason(e: unknown): string | undefined {
  return isObj(e) && typeof e.reason === 'string' ? e.reason : undefined;
}

/**
 * The text with the line js-yaml stopped at made readable to it, or undefined when there is nothing to
 * change. js-yaml stops either at the first token of a continuation line (indented too little: give it
 * the indentation of the deepest block written before it, deeper than any key it can belong to) or just
 * after a tab that separates two tokens of a flow collection on the line where it opens (a space then).
 */
function reindented(text: string, position: number): string | undefined {
  const lineStart = text.lastIndexOf('\n', position - 1) + 1;
  let spaces = 0;
  while (text.charCodeAt(lineStart + spaces) === 32) spaces++;
  let first = lineStart + spaces;
  while (text.charCodeAt(first) === 32 || text.charCodeAt(first) === 9) first++;
  if (position <= first) {
    const indent = deepestBlockColumn(text, lineStart) + 1;
    return indent > spaces ? `${text.slice(0, lineStart)}${' '.repeat(indent - spaces)}${text.slice(lineStart)}` : undefined;
  }
  const tabs = separatingTabs(text, first, position);
  if (tabs.length === 0) return undefined;
  let out = text.slice(0, tabs[0]);
  tabs.forEach((tab, k) => (out += ` ${text.slice(tab + 1, tabs[k + 1] ?? text.length)}`));
  return out;
}

/** The deepest column a block key or entry starts at on the lines before `end` (past `- `, `? `, `: `). */
function deepestBlockColumn(text: string, end: number): number {
  let deepest = 0;
  for (let start = 0; start < end; ) {
    let nl = text.indexOf('\n', start);
    if (nl === -1 || nl > end) nl = end;
    let i = start;
    while (i < nl && text.charCodeAt(i) === 32) i++;
    for (;;) {
      const c = text.charCodeAt(i);
      const next = text.charCodeAt(i + 1);
      if (i >= nl || !(c === 45 || c === 63 || c === 58) || !(i + 1 >= nl || next === 32 || next === 9)) break;
      i++;
      while (i < nl && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
    }
    if (i < nl) deepest = Math.max(deepest, i - start);
    start = nl + 1;
  }
  return deepest;
}

/**
 * Tabs between `from` and `to` that separate tokens of a flow collection: outside quotes, in a run of
 * blanks after `[`, `{`, `,` or `:`, or before `]`, `}`, `,`, `:` or the token js-yaml stopped at. A
 * tab inside a plain scalar (`a<TAB>b`) is content and stays.
 */
function separatingTabs(text: string, from: number, to: number): number[] {
  const tabs: number[] = [];
  const blank = (c: number) => c === 32 || c === 9;
  let quote = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (quote !== 0) {
      if (quote === 34 && c === 92) i++;
      else if (c === quote && quote === 39 && text.charCodeAt(i + 1) === 39) i++;
      else if (c === quote) quote = 0;
      continue;
    }
    const previous = i > from ? text.charCodeAt(i - 1) : 32;
    if ((c === 34 || c === 39) && (blank(previous) || FLOW_OPENERS.includes(previous))) quote = c;
    else if (c === 35 && blank(previous)) break;
    else if (c === 9) {
      let runStart = i;
      while (runStart > from && blank(text.charCodeAt(runStart - 1))) runStart--;
      let runEnd = i;
      while (runEnd < to && blank(text.charCodeAt(runEnd))) runEnd++;
      const before = runStart > from ? text.charCodeAt(runStart - 1) : -1;
      if (FLOW_OPENERS.includes(before) || runEnd >= to || FLOW_CLOSERS.includes(text.charCodeAt(runEnd))) tabs.push(i);
    }
  }
  return tabs;
}

// `[`, `{`, `,`, `:` and `]`, `}`, `,`, `:`: what a blank run between two tokens of a flow collection touches.
const FLOW_OPENERS = [91, 123, 44, 58];
const FLOW_CLOSERS = [93, 125, 44, 58];

// Line breaks to YAML 1.1 (go-yaml, which kubectl reads with) and not to YAML 1.2 (js-yaml).
const YAML11_BREAK = /[\x85\u2028\u2029]/;

/** YAML11_BREAK.test, as three searches for one character: several times faster on a long text. */
function hasYaml11Break(text: string): boolean {
  return text.indexOf('\x85') !== -1 || text.indexOf('\u2028') !== -1 || text.indexOf('\u2029') !== -1;
}
const YAML11_BREAK_NAMES: Readonly<Record<string, string>> = { '\x85': 'U+0085 next line', '\u2028': 'U+2028 line separator', '\u2029': 'U+2029 paragraph separator' };

/**
 * A NEL, LS or PS anywhere in a document. kubectl ends the line there, js-yaml does not: in a comment,
 * what follows is a key kubectl applies and js-yaml reads as comment (`hostPID: false # x<LS>hostNetwork:
 * true`), and in a value the two read different text. Refused whole, since the readers disagree.
 */
function yaml11BreakError(doc: DocumentText, source: string): InputError | undefined {
  const found = YAML11_BREAK.exec(doc.text);
  if (!found) return undefined;
  return {
    source,
    line: doc.firstLine + lineAt(doc.text, found.index) - 1,
    message: `${YAML11_BREAK_NAMES[found[0]] ?? 'a Unicode line break'}: YAML 1.1 readers such as kubectl's end the line here, YAML 1.2 readers do not; replace it`,
  };
}

const LIST_KIND_LINE = /^kind:[ \t]*(["']?)[A-Za-z0-9]*List\1[ \t]*(?:#.*)?\r?$/m;
const ITEMS_LINE = /^items:[ \t]*(?:#.*)?\r?$/m;

/**
 * A List over the size limit, as `kubectl get -o yaml` of a whole cluster writes one: its items are the
 * documents the limit is for, as they are in a JSON List. Each item is cut out at its `- ` line and
 * loaded alone, as a document of a stream is, so that no more than one item (and the List's own
 * fields) is ever loaded at once and every bound (size, aliases, depth, expansion) holds per item.
 * False, having reported nothing, when the text is not a List written in block style.
 */
function decodeOversizedList(doc: DocumentText, source: string, limits: InputLimits, sink: DecodeSink): boolean {
  const parts = blockListParts(doc.text);
  if (!parts || parts.header.length > limits.maxDocumentBytes) return false;
  const header = loadDocument(parts.header, limits);
  if ('error' in header || !isObj(header.value) || typeof header.value.kind !== 'string' || !header.value.kind.endsWith('List') || header.value.items !== null) return false;
  const kind = header.value.kind;
  // Sparse: an item refused leaves its place, so that the others keep the index they are located by.
  const items: unknown[] = new Array<unknown>(parts.items.length);
  let line = doc.firstLine;
  let counted = 0;
  parts.items.forEach(({ start, end }, i) => {
    line += countLines(doc.text, counted, start);
    counted = start;
    const text = doc.text.slice(start, end);
    if (text.length > limits.maxDocumentBytes) {
      sink.errors.push({ source, line, message: `items[${i}] of ${kind}: ${text.length} bytes, over the ${limits.maxDocumentBytes}-byte limit (limits.maxDocumentBytes in .palisade.yaml); skipped` });
      return;
    }
    const loaded = loadDocument(text, limits);
    if ('error' in loaded) {
      const error = yamlError(loaded.error, source, line, text);
      sink.errors.push({ ...error, message: `items[${i}] of ${kind}: ${error.message}` });
    } else if (!Array.isArray(loaded.value) || loaded.value.length !== 1) {
      sink.errors.push({ source, line, message: `items[${i}] of ${kind} could not be read alone; skipped` });
    } else if (expandsTooFar(loaded, text, limits)) {
      sink.errors.push({ source, line, message: `items[${i}] of ${kind} refused: its aliases expand to more than ${limits.maxExpandedNodes} nodes` });
    } else {
      items[i] = loaded.value[0];
    }
  });
  addObject({ ...header.value, items }, source, doc.line, doc.index, sink);
  return true;
}

/**
 * Where the items of a List in block style start (`items:` at the left margin, then one `- ` line per
 * item at one indentation) and end, and the text without them; undefined for anything else. A cut in
 * the wrong place (a line inside a multi-line string that reads as an item) breaks the items on either
 * side of it, which then fail to load: it cannot join two items into one or hide one.
 */
function blockListParts(text: string): { header: string; items: Array<{ start: number; end: number }> } | undefined {
  if (!LIST_KIND_LINE.test(text)) return undefined;
  const key = ITEMS_LINE.exec(text);
  const blockStart = key ? text.indexOf('\n', key.index) + 1 : 0;
  if (blockStart === 0) return undefined;
  let indent = -1;
  let blockEnd = text.length;
  const starts: number[] = [];
  for (let pos = blockStart; pos < text.length; ) {
    let nl = text.indexOf('\n', pos);
    if (nl === -1) nl = text.length;
    let i = pos;
    while (text.charCodeAt(i) === 32) i++;
    const c = text.charCodeAt(i);
    if (i < nl && c !== 13 && c !== 35 /* # */) {
      const column = i - pos;
      const next = text.charCodeAt(i + 1);
      const dash = c === 45 && (i + 1 >= nl || next === 32 || next === 13);
      if (indent === -1) {
        if (!dash) return undefined;
        indent = column;
      }
      if (column < indent || (column === indent && !dash)) {
        blockEnd = pos;
        break;
      }
      if (column === indent) starts.push(pos);
    }
    pos = nl + 1;
  }
  if (starts.length === 0) return undefined;
  return { header: text.slice(0, blockStart) + text.slice(blockEnd), items: starts.map((start, k) => ({ start, end: starts[k + 1] ?? blockEnd })) };
}

// Go template actions: a Helm chart's templates/, a kustomize-free repo's `{{ .Values.x }}`.
const TEMPLATE_ACTION = /\{\{-?\s*[.$\w("'/-]/;
// One action, on one line: one that spans lines is left as it is.
const TEMPLATE_ACTION_SPAN = /\{\{(?:[^}\n]|\}(?!\}))*\}\}/g;
const LINE_WITH_ACTION = /^.*\{\{.*$/gm;
// A tag of another tool's YAML that the schema does not read: mkdocs' `!!python/name:`. (Local tags, as
// CloudFormation's `!Sub`, are read as kubectl reads them.)
const FOREIGN_TAG = /^unknown (?:scalar|sequence|mapping) tag !<(?:![A-Za-z]|tag:yaml\.org,2002:python\/)/;
/**
 * Text that may name an apiVersion or kind: the words themselves, quoted or not, or a double-quoted
 * escape that could spell them (`"\x61piVersion"`, a `\` line continuation). A document without any
 * is no Kubernetes object whatever it holds, since kubectl refuses an object without both.
 */
const MAY_NAME_KIND = /apiVersion|kind|\\[xuU\r\n]/;

/**
 * Why a document that does not load is no manifest at all, when that is clear: an unrendered template
 * (a scan of a repository meets a chart's templates), or another tool's YAML with its own tags. Either
 * is noted and skipped, as other non-Kubernetes documents are; any other failure is an error, exit 2.
 * A template is one that loads once its `{{ ... }}` actions are taken out: a manifest that merely holds
 * `{{` in a string, and fails for another reason, is a manifest that kubectl may well apply.
 */
function notAManifest(e: unknown, text: string, limits: InputLimits): string | undefined {
  const mayNameKind = MAY_NAME_KIND.test(text);
  if (TEMPLATE_ACTION.test(text) && (!mayNameKind || 'value' in loadYaml(withoutTemplateActions(text), limits, true)))
    return 'is an unrendered template ({{ ... }}): render it (helm template, ...) and scan the output';
  const reason = yamlReason(e);
  if (!mayNameKind && reason !== undefined && FOREIGN_TAG.test(reason)) return `is not a Kubernetes object (${foreignTag(reason)}, another tool's YAML)`;
  return undefined;
}

/**
 * The text with each one-line template action replaced by a placeholder of its length, every line
 * keeping its length and the column it starts at: `x` where the action is a value (`replicas: {{ .x }}`,
 * `image: "{{ .r }}:{{ .t }}"`), a comment where it is the whole line (`{{- if .x }}`, `{{- toYaml . |
 * nindent 4 }}`). What made js-yaml fail elsewhere — indentation above all — still makes it fail.
 */
function withoutTemplateActions(text: string): string {
  return text.replace(LINE_WITH_ACTION, (line) => {
    const whole = line.replace(TEMPLATE_ACTION_SPAN, '').trim() === '';
    let first = true;
    return line.replace(TEMPLATE_ACTION_SPAN, (action) => {
      const placeholder = whole ? (first ? '#' : ' ') : 'x';
      first = false;
      return placeholder + ' '.repeat(action.length - 1);
    });
  });
}

/**
 * The tag of js-yaml's refusal as a note may show it: mkdocs' `!!python/` by its prefix, anything else
 * as "a custom tag". An unquoted value that starts with `!` is read as a tag, so the text of a tag may
 * be a password (`password: !Tr0ub4dor&3`), and notes reach every report format.
 */
function foreignTag(reason: string): string {
  return /^unknown \w+ tag !<tag:yaml\.org,2002:python\//.test(reason) ? 'a !!python/ tag' : 'a custom tag';
}

/**
 * Returns false when the text is not JSON after all (flow-style YAML), so YAML decoding can try. A
 * stream of JSON values (NDJSON, `jq '.items[]'`) is read value by value, as kubectl reads it.
 */
function decodeJson(text: string, source: string, limits: InputLimits, sink: DecodeSink): boolean {
  const jsonFile = source.toLowerCase().endsWith('.json');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // kubectl takes a stream for JSON when it starts with `{`; a .json file is JSON whatever it starts with.
    // One scan says whether the text is a stream of values and, for a .json file that is none, where it goes wrong.
    const syntax = jsonFile || text.trimStart().startsWith('{') ? jsonSyntaxPosition(text) : undefined;
    const stream = syntax?.reason === AFTER_THE_END ? jsonStreamValues(text) : undefined;
    if (stream) {
      decodeJsonStream(text, stream, source, limits, sink);
      return true;
    }
    if (!jsonFile) return false;
    if (text.length > limits.maxDocumentBytes) {
      sink.errors.push(tooLarge(text.length, limits, source));
      return true;
    }
    const error = jsonError(source, syntax);
    // A tsconfig.json with comments (JSON with comments, trailing commas) in a repository being scanned:
    // JSON that is whole once those are taken out. A truncated file stays an error, whatever it holds.
    if (!MAY_NAME_KIND.test(text) && isJsonWithComments(text)) sink.notes.push({ ...error, message: `not a Kubernetes manifest (no apiVersion or kind): ${error.message}; skipped` });
    else sink.errors.push(error);
    return true;
  }
  decodeJsonValue(value, text, source, 1, 0, limits, sink, true);
  return true;
}

/** Whether the text is JSON once its line and block comments and trailing commas are taken out (tsconfig, devcontainer). */
function isJsonWithComments(text: string): boolean {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      // A string as it is, escapes included.
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return false;
      i = end + 1;
      out += ' ';
    } else out += c;
  }
  try {
    JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
    return true;
  } catch {
    return false;
  }
}

/** One JSON value of a file or stream, starting on `line`; a top-level array's elements are its documents. */
function decodeJsonValue(value: unknown, text: string, source: string, line: number, index: number, limits: InputLimits, sink: DecodeSink, whole: boolean): void {
  // `kubectl get -o json` of a whole cluster is one List: its items are the documents the limit is for.
  // JSON has no aliases to expand, so parsing it to see costs what reading the file did.
  if (text.length > limits.maxDocumentBytes && !isList(value)) {
    sink.errors.push({ ...tooLarge(text.length, limits, source), line });
    return;
  }
  if (depthExceeds(value, limits.maxDepth)) {
    sink.errors.push({ source, line, message: `document refused: nesting deeper than ${limits.maxDepth}` });
    return;
  }
  if (Array.isArray(value) && whole) value.forEach((d, i) => addObject(d, source, line, i, sink, text, `[${i}]`));
  else addObject(value, source, line, index, sink, text);
}

/** What jsonSyntaxError says of a text whose first value is whole and followed by more: maybe a stream of values. */
const AFTER_THE_END = 'unexpected content after the end of the document';

/**
 * Where each value of a stream of JSON objects or arrays starts and ends, when the text is one: its
 * first value is whole and something follows it (jsonSyntaxError says AFTER_THE_END, which the caller
 * checks). Strings are skipped, so brackets in them do not count; a value that does not close runs to
 * the end, where JSON.parse says what is wrong with it.
 */
function jsonStreamValues(text: string): Array<{ start: number; end: number }> | undefined {
  const values: Array<{ start: number; end: number }> = [];
  let i = 0;
  for (;;) {
    while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9 || text.charCodeAt(i) === 10 || text.charCodeAt(i) === 13)) i++;
    if (i >= text.length) return values;
    const start = i;
    const c = text.charCodeAt(i);
    if (c !== 123 && c !== 91) return undefined;
    let depth = 0;
    let inString = false;
    for (; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (inString) {
        if (ch === 92) i++;
        else if (ch === 34) inString = false;
      } else if (ch === 34) inString = true;
      else if (ch === 123 || ch === 91) depth++;
      else if ((ch === 125 || ch === 93) && --depth === 0) {
        i++;
        break;
      }
    }
    values.push({ start, end: i });
  }
}

function decodeJsonStream(text: string, values: ReadonlyArray<{ start: number; end: number }>, source: string, limits: InputLimits, sink: DecodeSink): void {
  let line = 1;
  let counted = 0;
  values.forEach(({ start, end }, index) => {
    line += countLines(text, counted, start);
    counted = start;
    const json = text.slice(start, end);
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      if (json.length > limits.maxDocumentBytes) sink.errors.push({ ...tooLarge(json.length, limits, source), line });
      else {
        const error = jsonError(source, jsonSyntaxPosition(json));
        sink.errors.push({ ...error, line: line + (error.line ?? 1) - 1 });
      }
      return;
    }
    decodeJsonValue(value, json, source, line, index, limits, sink, false);
  });
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
  // `items: null` is an empty list to kubectl, as `[]` is.
  if (typeof kind === 'string' && kind.endsWith('List') && (Array.isArray(value.items) || value.items === null)) {
    (value.items ?? []).forEach((item, i) => {
      if (isObj(item) && typeof item.kind === 'string' && item.kind.endsWith('List') && Array.isArray(item.items)) {
        sink.errors.push({ source, line, message: `items[${i}] of ${kind} is itself a list (${item.kind}): kubectl refuses a list inside a list, and with it the whole ${kind}; skipped` });
        return;
      }
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

function yamlError(e: unknown, source: string, firstLine: number, text: string): InputError {
  const { reason, line } = yamlFailure(e);
  const at = line === undefined ? firstLine : firstLine + line - 1;
  if (reason === DEFICIENT_INDENTATION)
    return { source, line: at, message: 'deficient indentation: a flow collection ([ ], { }) or a quoted string goes on at or left of its key\'s column; kubectl accepts that, Palisade could not read it: indent the line' };
  // js-yaml places this error at the start of the document.
  if (reason === COMPLEX_KEY) {
    const key = complexKeyOffset(text);
    return { source, line: key === undefined ? at : firstLine + lineAt(text, key) - 1, message: 'a mapping key that is a list or mapping (kubectl refuses it too)' };
  }
  return { source, line: at, message: reason };
}

const COMPLEX_KEY = 'object-based map does not support complex keys';
// `? [a, b]`, `? ` alone with the key on the lines below, `[a, b]: x`, `{a: 1}: x`, and `{[a]: x}` / `{{ x }}`.
const COMPLEX_KEY_WRITTEN = /^[ \t]*(?:-[ \t]+)*(?:\?[ \t]*(?:[[{-]|$)|[[{].*[\]}][ \t]*:(?:[ \t]|$))|\{[ \t]*[[{]/m;
const EXPLICIT_KEY = /^[ \t]*(?:-[ \t]+)*\?(?:[ \t]|$)/m;

/** Where a key that is a list or mapping is written, or failing that the first explicit (`? `) key. */
function complexKeyOffset(text: string): number | undefined {
  return (COMPLEX_KEY_WRITTEN.exec(text) ?? EXPLICIT_KEY.exec(text))?.index;
}

/**
 * Where and why JSON is malformed, as jsonSyntaxPosition placed it: from the position alone, since V8's
 * own message quotes the input around the error, which may be a secret.
 */
function jsonError(source: string, err: ReturnType<typeof jsonSyntaxPosition>): InputError {
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
