/**
 * A streaming CSV reader (RFC 4180: `"` quotes a field, `""` is a quote, quoted fields may span lines),
 * fed text in pieces of any size. Each row is handed on with the line it starts on; memory is bounded
 * by the largest row (`maxRowChars`; a longer row is reported and skipped).
 */
export class CsvReader {
  private field = '';
  private row: string[] = [];
  private inQuotes = false;
  /** A quote inside a quoted field: the end of the field, or the first half of `""`. */
  private quotePending = false;
  private rowChars = 0;
  private tooLong = false;
  private line = 1;
  private rowLine = 1;
  private sawContent = false;

  constructor(
    private readonly onRow: (fields: string[], line: number) => void,
    private readonly onTooLong: (line: number) => void,
    private readonly maxRowChars: number,
  ) {}

  push(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i] as string;
      if (this.quotePending) {
        this.quotePending = false;
        if (ch === '"') {
          this.add('"');
          continue;
        }
        this.inQuotes = false;
      }
      if (this.inQuotes) {
        if (ch === '"') this.quotePending = true;
        else {
          if (ch === '\n') this.line++;
          this.add(ch);
        }
        continue;
      }
      if (ch === '"' && this.field === '') {
        this.inQuotes = true;
        this.sawContent = true;
      } else if (ch === ',') {
        this.endField();
        this.sawContent = true;
      } else if (ch === '\n') {
        this.endRow();
        this.line++;
        this.rowLine = this.line;
      } else if (ch !== '\r') {
        this.add(ch);
        this.sawContent = true;
      }
    }
  }

  end(): void {
    this.quotePending = false;
    this.inQuotes = false;
    this.endRow();
  }

  reset(): void {
    this.field = '';
    this.row = [];
    this.inQuotes = false;
    this.quotePending = false;
    this.rowChars = 0;
    this.tooLong = false;
    this.line = 1;
    this.rowLine = 1;
    this.sawContent = false;
  }

  private add(ch: string): void {
    if (this.tooLong) return;
    if (++this.rowChars > this.maxRowChars) {
      this.tooLong = true;
      this.field = '';
      this.row = [];
      return;
    }
    this.field += ch;
  }

  private endField(): void {
    if (!this.tooLong) this.row.push(this.field);
    this.field = '';
  }

  private endRow(): void {
    if (this.tooLong) this.onTooLong(this.rowLine);
    else if (this.sawContent) {
      this.row.push(this.field);
      this.onRow(this.row, this.rowLine);
    }
    this.field = '';
    this.row = [];
    this.rowChars = 0;
    this.tooLong = false;
    this.sawContent = false;
  }
}
