import { readFile } from 'node:fs/promises';
import type { Finding } from '../core/finding.js';
import { DocumentLocator } from './locate.js';
import { isJsonOrHcl, locateFieldInSource } from './locate-source.js';

/**
 * Moves each finding's location from its document's first line to the line of its field. Only files
 * that have findings are read again, each once; texts that cannot be re-read (stdin) come from `texts`.
 */
export async function locateFindings(findings: readonly Finding[], texts: ReadonlyMap<string, string>): Promise<void> {
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) {
    if (!f.location || !f.field) continue;
    const list = byFile.get(f.location.file);
    if (list) list.push(f);
    else byFile.set(f.location.file, [f]);
  }
  for (const [file, list] of byFile) {
    let text = texts.get(file);
    if (text === undefined) {
      try {
        text = await readFile(file, 'utf8');
      } catch {
        continue; // the file changed or vanished since it was read: keep the document's line
      }
    }
    // JSON and Terraform HCL have no YAML indentation to read: their own walker follows the text.
    if (isJsonOrHcl(text, file)) {
      for (const f of list) {
        if (!f.location || !f.field) continue;
        const path = f.location.path ? `${f.location.path}.${f.field}` : f.field;
        f.location = { file: f.location.file, line: locateFieldInSource(text, f.location.line, path) ?? f.location.line };
      }
      continue;
    }
    // A trailing \r is whitespace to the walker, so a plain split serves CRLF files too.
    const lines = text.split('\n');
    const locators = new Map<number, DocumentLocator>();
    for (const f of list) {
      if (!f.location || !f.field) continue;
      let locator = locators.get(f.location.line);
      if (!locator) locators.set(f.location.line, (locator = new DocumentLocator(lines, f.location.line)));
      const path = f.location.path ? `${f.location.path}.${f.field}` : f.field;
      f.location = { file: f.location.file, line: locator.line(path) };
    }
  }
}
