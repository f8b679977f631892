import { createRequire } from 'node:module';
import type { InputError, InputNote } from '../../core/errors.js';
import { errorMessage } from '../../core/errors.js';
import { isObj, type Obj, type Resource } from '../../core/resource.js';
import { terraformConfigResources } from './terraform-config.js';

type HclParse = (filename: string, contents: string) => Promise<Record<string, unknown>>;

let hclParse: HclParse | undefined;

/**
 * HashiCorp's own HCL parser, compiled to WebAssembly: loaded on the first `.tf` file only. Required
 * rather than imported because its type declarations pull the DOM library into the whole program.
 */
function parser(): HclParse {
  if (!hclParse) {
    const mod = createRequire(import.meta.url)('@cdktf/hcl2json') as { parse: HclParse };
    hclParse = mod.parse;
  }
  return hclParse;
}

export interface HclDecoded {
  resources: Resource[];
  notes: InputNote[];
  errors: InputError[];
}

export interface HclLimits {
  maxDocumentBytes: number;
  maxDepth: number;
}

/** Does stdin text look like Terraform HCL (a top-level block at the start of a line)? */
export function looksLikeHcl(text: string): boolean {
  const t = text.trimStart();
  if (t.startsWith('{') || t.startsWith('[')) return false;
  return /^(resource|data|module|provider|variable|output|locals|terraform)(\s+("[^"\n]*"|[A-Za-z_][\w-]*))*\s*\{/m.test(text);
}

/**
 * A `.tf` file read alone (stdin): its azurerm AKS resources, its references resolved against what
 * it declares itself, or an InputError naming the file and line when the HCL is malformed. A file on
 * disk is read with its module (terraform-module.ts).
 */
export async function terraformHclResources(text: string, source: string, limits: HclLimits): Promise<HclDecoded> {
  const out: HclDecoded = { resources: [], notes: [], errors: [] };
  const parsed = await parseHcl(text, source, limits);
  if ('error' in parsed) {
    out.errors.push(parsed.error);
    return out;
  }
  const decoded = terraformConfigResources(parsed.config, source, text, 1, 'terraform-hcl');
  out.resources.push(...decoded.resources);
  out.notes.push(...decoded.notes);
  return out;
}

/**
 * HCL text (a `.tf` file, a `.tfvars` file) as the JSON form of its body, or an InputError naming the
 * file and line: over the size limit, nested deeper than the limit, or malformed.
 */
export async function parseHcl(text: string, source: string, limits: HclLimits): Promise<{ config: Obj } | { error: InputError }> {
  if (text.length > limits.maxDocumentBytes) {
    return { error: { source, line: 1, message: `Terraform file of ${text.length} bytes refused: over the ${limits.maxDocumentBytes}-byte limit` } };
  }
  const deep = nestingOver(text, limits.maxDepth);
  if (deep !== undefined) return { error: { source, line: deep, message: `Terraform file refused: nesting deeper than ${limits.maxDepth}` } };
  let config: unknown;
  try {
    config = await parser()(source, text);
  } catch (e) {
    return { error: hclError(e, source) };
  }
  return { config: isObj(config) ? config : {} };
}

/** The parser reports `parse config: [FILE:LINE,COL-LINE,COL: Summary; Detail]`; keep the first diagnostic with its line. */
function hclError(e: unknown, source: string): InputError {
  const raw = errorMessage(e).replace(/^parse config:\s*\[/, '').replace(/\]$/, '');
  const m = /^(.*?):(\d+),\d+(?:-\d+(?:,\d+)?)?:\s*([\s\S]*)$/.exec(raw);
  if (m && m[2]) {
    const line = Number(m[2]);
    return { source, line, message: `invalid HCL: ${(m[3] ?? '').split(/\]?, \[?[^\s:]+:\d+,\d+/)[0]}` };
  }
  return { source, message: `invalid HCL: ${raw}` };
}

/** Line where bracket nesting first exceeds `max` (strings and comments skipped), or undefined. */
function nestingOver(text: string, max: number): number | undefined {
  let depth = 0;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    else if (c === '"') {
      for (i++; i < text.length && text[i] !== '"' && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
      if (text[i] === '\n') line++;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
      line++;
    } else if (c === '{' || c === '[' || c === '(') {
      if (++depth > max) return line;
    } else if (c === '}' || c === ']' || c === ')') depth = Math.max(0, depth - 1);
  }
  return undefined;
}
