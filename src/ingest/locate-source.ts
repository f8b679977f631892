import { splitPath } from '../core/field-path.js';

/**
 * Where a field is written in JSON (ARM templates, az CLI output, Terraform plans) and Terraform HCL:
 * the counterparts of the indentation walk YAML gets in locate.ts. Used for findings and for drift.
 */

interface JsonNode {
  line: number;
  endLine: number;
  /** Members of an object, with the line of each key. */
  members?: Array<{ key: string; line: number; value: JsonNode }>;
  items?: JsonNode[];
}

/** A tolerant JSON reader that keeps lines (ARM templates may hold comments and trailing commas). */
function parseJsonLines(text: string): JsonNode | undefined {
  let i = 0;
  let line = 1;
  const skip = () => {
    for (;;) {
      const c = text[i];
      if (c === '\n') {
        line++;
        i++;
      } else if (c === ' ' || c === '\t' || c === '\r' || c === '\ufeff') i++;
      else if (c === '/' && text[i + 1] === '/') {
        while (i < text.length && text[i] !== '\n') i++;
      } else if (c === '/' && text[i + 1] === '*') {
        const end = text.indexOf('*/', i + 2);
        const stop = end === -1 ? text.length : end + 2;
        for (let k = i; k < stop; k++) if (text[k] === '\n') line++;
        i = stop;
      } else return;
    }
  };
  const str = (): string => {
    let out = '';
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        const next = text[i + 1] ?? '';
        if (next === 'u') {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
          continue;
        }
        out += ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' } as Record<string, string>)[next] ?? next;
        i += 2;
        continue;
      }
      if (text[i] === '\n') line++;
      out += text[i];
      i++;
    }
    i++;
    return out;
  };
  let depth = 0;
  const value = (): JsonNode | undefined => {
    skip();
    const start = line;
    const c = text[i];
    if (c === '{' || c === '[') {
      if (++depth > 256) return undefined;
      i++;
      const node: JsonNode = c === '{' ? { line: start, endLine: start, members: [] } : { line: start, endLine: start, items: [] };
      const close = c === '{' ? '}' : ']';
      for (;;) {
        skip();
        if (i >= text.length) return undefined;
        if (text[i] === close) {
          i++;
          break;
        }
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (node.members) {
          if (text[i] !== '"') return undefined;
          const keyLine = line;
          const key = str();
          skip();
          if (text[i] !== ':') return undefined;
          i++;
          const v = value();
          if (!v) return undefined;
          node.members.push({ key, line: keyLine, value: v });
        } else {
          const v = value();
          if (!v) return undefined;
          node.items?.push(v);
        }
      }
      depth--;
      node.endLine = line;
      return node;
    }
    if (c === '"') {
      str();
      return { line: start, endLine: line };
    }
    const m = /^[^\s,\]}]+/.exec(text.slice(i, i + 64));
    if (!m) return undefined;
    i += m[0].length;
    return { line: start, endLine: start };
  };
  const root = value();
  return root;
}

function member(node: JsonNode, key: string): { line: number; value: JsonNode } | undefined {
  const members = node.members ?? [];
  return members.find((m) => m.key === key) ?? members.find((m) => m.key.toLowerCase() === key.toLowerCase());
}

/** The innermost object around `line` that has a key on it (a template resource's `"type"` line), else the innermost around it. */
function objectAt(root: JsonNode, line: number): JsonNode | undefined {
  let best: JsonNode | undefined;
  let bestKeyed: JsonNode | undefined;
  const visit = (n: JsonNode) => {
    if (n.line > line || n.endLine < line) return;
    if (n.members) {
      best = n;
      if (n.members.some((m) => m.line === line)) bestKeyed = n;
    }
    // Children follow each other in the text: only those whose lines reach `line` can hold it. A search,
    // not a walk, so that locating every finding of a 10,000-item List stays linear.
    if (n.members) for (const m of around(n.members, (x) => x.value, line)) visit(m.value);
    if (n.items) for (const item of around(n.items, (x) => x, line)) visit(item);
  };
  visit(root);
  return bestKeyed ?? best;
}

/**
 * The children of a node (in text order, their line ranges apart but for a shared edge line) whose
 * range can include `line`: from the last one starting before it, the ones starting on it.
 */
function around<T>(children: readonly T[], nodeOf: (c: T) => JsonNode, line: number): T[] {
  let lo = 0;
  let hi = children.length - 1;
  let first = children.length;
  // The first child ending at or after `line`.
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (nodeOf(children[mid] as T).endLine >= line) {
      first = mid;
      hi = mid - 1;
    } else lo = mid + 1;
  }
  const out: T[] = [];
  for (let k = first; k < children.length; k++) {
    const c = children[k] as T;
    if (nodeOf(c).line > line) break;
    out.push(c);
  }
  return out;
}

/** The outermost array that starts on `line`. */
function arrayAt(root: JsonNode, line: number): JsonNode | undefined {
  if (root.items && root.line === line) return root;
  for (const m of root.members ?? []) if (m.value.items && m.value.line === line) return m.value;
  return undefined;
}

// Every drift entry of a template asks about the same text: read it once.
let parsedJson: { text: string; root: JsonNode | undefined } | undefined;
let parsedHcl: { text: string; lines: string[]; depths: number[] } | undefined;

function jsonFieldLine(text: string, start: number, field: string): number {
  // JSON on one line (minified, `jq -c`) has one line to give: every field is on it.
  if (text.indexOf('\n') < 0 || text.indexOf('\n') === text.length - 1) return start;
  if (parsedJson?.text !== text) parsedJson = { text, root: parseJsonLines(text) };
  const root = parsedJson.root;
  if (!root) return start;
  const path = splitPath(field);
  // `[2].scope`: an element of a top-level array (`az role assignment list`), found from the array.
  const at = typeof path[0] === 'number' ? (arrayAt(root, start) ?? objectAt(root, start)) : objectAt(root, start);
  if (!at) return start;
  let node: JsonNode = at;
  const first = path[0];
  if (typeof first === 'string' && !member(node, first)) {
    // A Terraform plan resource keeps its attributes under `values`; Terraform JSON syntax under the label.
    const inner = member(node, 'values') ?? node.members?.find((m) => m.line === start && m.value.members);
    if (inner && member(inner.value, first)) node = inner.value;
  }
  let found = start;
  for (const seg of path) {
    if (typeof seg === 'number') {
      const item: JsonNode | undefined = node.items?.[seg];
      if (!item) break;
      node = item;
      found = item.line;
    } else {
      const m = member(node, seg);
      if (!m) break;
      node = m.value;
      found = m.line;
    }
  }
  return found;
}

/** Bracket depth at the start of each line, ignoring strings and comments. */
function hclDepths(lines: readonly string[]): number[] {
  const depths: number[] = [];
  let depth = 0;
  let inBlockComment = false;
  for (const text of lines) {
    depths.push(depth);
    let inString = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (inBlockComment) {
        if (c === '*' && text[i + 1] === '/') {
          inBlockComment = false;
          i++;
        }
      } else if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '#' || (c === '/' && text[i + 1] === '/')) break;
      else if (c === '/' && text[i + 1] === '*') {
        inBlockComment = true;
        i++;
      } else if (c === '{' || c === '[' || c === '(') depth++;
      else if (c === '}' || c === ']' || c === ')') depth--;
    }
  }
  depths.push(depth);
  return depths;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Follows `network_profile[0].network_policy` through the blocks of the resource starting at `start`. */
function hclFieldLine(text: string, start: number, field: string): number {
  if (parsedHcl?.text !== text) {
    const split = text.split(/\r?\n/);
    parsedHcl = { text, lines: split, depths: hclDepths(split) };
  }
  const { lines, depths } = parsedHcl;
  let lo = start - 1;
  if (lo < 0 || lo >= lines.length) return start;
  let level = depths[lo] as number;
  let found = start;
  const path = splitPath(field);
  for (let p = 0; p < path.length; p++) {
    const seg = path[p];
    if (typeof seg !== 'string') continue;
    const next = path[p + 1];
    const want = typeof next === 'number' ? next : 0;
    const key = new RegExp(`^\\s*"?${escapeRegExp(seg)}"?\\s*(=|\\{|")`);
    let hit = -1;
    let count = 0;
    for (let i = lo + 1; i < lines.length; i++) {
      const d = depths[i] as number;
      if (d <= level) break;
      if (d !== level + 1 || !key.test(lines[i] as string)) continue;
      if (count++ === want) {
        hit = i;
        break;
      }
    }
    if (hit === -1) break;
    found = hit + 1;
    lo = hit;
    level = depths[hit] as number;
  }
  return found;
}

/**
 * The line where `field` is written in a JSON or Terraform HCL source, starting from the resource's
 * line `start`; the nearest written parent when the field itself is not written. YAML sources answer
 * undefined (the ingest's YAML locator handles them).
 */
export function locateFieldInSource(text: string, start: number, field: string): number | undefined {
  if (field === '') return start;
  if (isJson(text)) return jsonFieldLine(text, start, field);
  if (isHcl(text)) return hclFieldLine(text, start, field);
  return undefined;
}

/** Starts with `{` or `[` after any byte-order mark and whitespace (checked without copying the text). */
function isJson(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfeff || c === 32 || c === 9 || c === 10 || c === 13) continue;
    return c === 123 || c === 91;
  }
  return false;
}

function isHcl(text: string): boolean {
  return /^\s*(resource|data|module|variable|locals|provider|terraform|output)\b[^\n=]*\{/m.test(text);
}

/**
 * Text this module can walk (YAML is walked by indentation in locate.ts). HCL is looked for only in
 * `.tf` files and stdin, so large YAML files are not searched for Terraform blocks.
 */
export function isJsonOrHcl(text: string, file: string): boolean {
  return isJson(text) || ((file === '-' || /\.tf$/i.test(file)) && isHcl(text));
}
