import { readFile } from 'node:fs/promises';
import type { Finding } from '../core/finding.js';
import { DocumentLocator, LineIndex } from './locate.js';
import { isJsonOrHcl, locateFieldInSource } from './locate-source.js';

/**
 * Lines of fields in one source text, whatever its format: JSON and Terraform HCL by their own
 * walker, YAML by indentation (split once, one cached walker per document).
 */
export class SourceLocator {
  private readonly structured: boolean;
  private lines: LineIndex | undefined;
  private readonly documents = new Map<number, DocumentLocator>();

  constructor(
    private readonly text: string,
    file: string,
  ) {
    this.structured = isJsonOrHcl(text, file);
  }

  /** The line of `path` in the object whose document starts at `docLine`. */
  line(docLine: number, path: string): number {
    if (this.structured) return locateFieldInSource(this.text, docLine, path) ?? docLine;
    // A trailing \r is whitespace to the walker, so lines split at \n serve CRLF files too.
    this.lines ??= new LineIndex(this.text);
    let locator = this.documents.get(docLine);
    if (!locator) this.documents.set(docLine, (locator = new DocumentLocator(this.lines, docLine)));
    return locator.line(path);
  }
}

/** A file's locator (texts that cannot be re-read, such as stdin, come from `texts`); undefined when it is gone. */
async function readSource(file: string, texts: ReadonlyMap<string, string>): Promise<SourceLocator | undefined> {
  const text = texts.get(file) ?? (await readFile(file, 'utf8').catch(() => undefined));
  return text === undefined ? undefined : new SourceLocator(text, file);
}

/** Reads each file once, for callers that come back to a file; undefined when it is gone. */
export function sourceReader(texts: ReadonlyMap<string, string>): (file: string) => Promise<SourceLocator | undefined> {
  const cache = new Map<string, SourceLocator | undefined>();
  return async (file) => {
    if (cache.has(file)) return cache.get(file);
    const locator = await readSource(file, texts);
    cache.set(file, locator);
    return locator;
  };
}

/**
 * Moves each finding's location from its document's first line to the line of its field. Only files
 * that have findings are read again, each once; a file that changed or vanished since keeps the
 * document's line.
 */
export async function locateFindings(findings: readonly Finding[], texts: ReadonlyMap<string, string>): Promise<void> {
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) {
    if (!f.location || !(f.location.field ?? f.field)) continue;
    const list = byFile.get(f.location.file);
    if (list) list.push(f);
    else byFile.set(f.location.file, [f]);
  }
  // One file at a time, its locator let go before the next: what a walk caches (a line index, a cursor
  // per path prefix of every document) then dies young instead of being kept, and copied, to the end.
  for (const [file, list] of byFile) {
    const source = await readSource(file, texts);
    if (!source) continue;
    for (const f of list) {
      const field = f.location?.field ?? f.field;
      if (!f.location || !field) continue;
      const path = f.location.path ? `${f.location.path}.${field}` : field;
      // A location at another object's field keeps naming that field: the finding's own is about something else.
      f.location = f.location.field === undefined ? { file, line: source.line(f.location.line, path) } : { file, line: source.line(f.location.line, path), field };
    }
  }
}
