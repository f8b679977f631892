/** One YAML document cut out of a multi-document stream, with the 1-based line its content starts on. */
export interface DocumentText {
  text: string;
  /** Line of the first content line (not blank, not a comment) — where `apiVersion:` usually is. */
  line: number;
  /** Line the document's text begins on (after its `---`); js-yaml's line numbers count from here. */
  firstLine: number;
  /** 0-based index of the document in its file. */
  index: number;
  /**
   * Follows a `...` end marker with no `---` between them. kubectl cuts a stream at `---` lines only
   * and reads one YAML document from each piece, so it never reads (nor applies) such a document.
   */
  afterEndMarker?: true;
}

const SEPARATOR = /^---(?:[ \t]|$)/;

/**
 * Splits a YAML stream at `---` and `...` lines without parsing it. Splitting ourselves keeps each
 * document's start line (js-yaml's loadAll loses it) and lets one broken document fail alone.
 */
export function splitDocuments(text: string): DocumentText[] {
  const docs: DocumentText[] = [];
  let firstLine = 1;
  let contentLine = 0; // 0 = no content yet
  let directives = false; // directive lines seen before the document's `---`
  let afterEndMarker = false; // a `...` line ended the last document and no `---` has come since
  let lineNo = 1;
  let pos = 0;
  let parts: string[] = [];
  let chunkStart = 0;
  const flush = (end: number) => {
    parts.push(text.slice(chunkStart, end));
    const body = parts.join('');
    if (contentLine !== 0) {
      const doc: DocumentText = { text: body, line: contentLine, firstLine, index: docs.length };
      if (afterEndMarker) doc.afterEndMarker = true;
      docs.push(doc);
    }
    parts = [];
  };
  while (pos <= text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl === -1) nl = text.length;
    const c0 = text.charCodeAt(pos);
    if (c0 === 45 /* - */ || c0 === 46 /* . */) {
      const line = text.slice(pos, nl).replace(/\r$/, '');
      if (SEPARATOR.test(line) && directives) {
        // `%YAML 1.2` / `%TAG` lines belong to the document this `---` starts: keep them together.
        directives = false;
        afterEndMarker = false;
        pos = nl + 1;
        lineNo++;
        continue;
      }
      if (SEPARATOR.test(line)) {
        flush(pos);
        afterEndMarker = false;
        // `--- {a: 1}` or `--- # note`: the rest of the line belongs to the new document.
        parts.push('   ' + text.slice(pos + 3, nl + 1));
        chunkStart = Math.min(nl + 1, text.length);
        firstLine = lineNo;
        const rest = line.slice(3).trim();
        contentLine = rest !== '' && !rest.startsWith('#') ? lineNo : 0;
        pos = nl + 1;
        lineNo++;
        continue;
      }
      if (line === '...') {
        flush(pos);
        afterEndMarker = true;
        chunkStart = Math.min(nl + 1, text.length);
        firstLine = lineNo + 1;
        contentLine = 0;
        pos = nl + 1;
        lineNo++;
        continue;
      }
    }
    if (contentLine === 0 && c0 === 37 /* % */) {
      directives = true;
      pos = nl + 1;
      lineNo++;
      continue;
    }
    if (contentLine === 0) {
      // First non-blank, non-comment line of the document.
      let i = pos;
      while (i < nl && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9 || text.charCodeAt(i) === 13)) i++;
      if (i < nl && text.charCodeAt(i) !== 35 /* # */) contentLine = lineNo;
    }
    if (nl >= text.length) break;
    pos = nl + 1;
    lineNo++;
  }
  flush(text.length);
  return docs;
}
