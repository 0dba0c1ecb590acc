/**
 * A streaming RFC 4180 CSV reader: comma-separated fields, fields in double quotes may hold commas, line
 * breaks and doubled quotes (`""` for `"`); records end with CRLF, LF or CR. Text arrives in chunks of
 * any size, split anywhere. A byte-order mark is dropped; empty lines are skipped.
 *
 * Strict where a lenient reader would guess: a quote inside an unquoted field, text after a closing
 * quote, and a quoted field left open at the end of the input are errors naming the line.
 */

/** One record. */
export interface CsvRow {
  fields: string[];
  /** Whether each field was quoted: lets callers tell `""` (an empty string) from nothing (NULL). */
  quoted: boolean[];
  /** The 1-based line the record starts on. */
  line: number;
}

/** Malformed CSV at `line`. */
export class CsvFormatError extends Error {
  override readonly name = "CsvFormatError";
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

type State = "field-start" | "unquoted" | "quoted" | "quote-in-quoted";

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/** The incremental parser: `push` chunks, then `end`; each returns the records completed so far. */
export class CsvParser {
  private state: State = "field-start";
  private field = "";
  private fields: string[] = [];
  private quoted: boolean[] = [];
  private fieldQuoted = false;
  private line = 1;
  private recordLine = 1;
  private started = false;
  /** A CR was just seen: a following LF belongs to the same line break. */
  private afterCr = false;
  private first = true;

  /** Consumes a chunk and returns the records it completed. */
  push(chunk: string): CsvRow[] {
    let text = chunk;
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const rows: CsvRow[] = [];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === LF && this.afterCr) {
        this.afterCr = false;
        if (this.state === "quoted") this.field += "\n";
        continue;
      }
      this.afterCr = c === CR;
      if (this.state === "quoted") {
        if (c === QUOTE) this.state = "quote-in-quoted";
        else this.field += text[i];
        if (c === LF || c === CR) this.line++;
        continue;
      }
      if (c === LF || c === CR) {
        this.endRecord(rows);
        this.line++;
        this.recordLine = this.line;
        continue;
      }
      this.started = true;
      this.consume(c, text[i]!);
    }
    return rows;
  }

  /** Ends the input: returns the last record if it had no line break, or throws for an open quote. */
  end(): CsvRow[] {
    if (this.state === "quoted") throw new CsvFormatError(`a quoted field is not closed before the end of the file (the record starts on line ${this.recordLine})`, this.recordLine);
    const rows: CsvRow[] = [];
    this.endRecord(rows);
    return rows;
  }

  // One character that is not a line break (outside quotes).
  private consume(c: number, char: string): void {
    switch (this.state) {
      case "field-start":
        if (c === QUOTE) {
          this.state = "quoted";
          this.fieldQuoted = true;
        } else if (c === COMMA) {
          this.endField();
        } else {
          this.field += char;
          this.state = "unquoted";
        }
        return;
      case "unquoted":
        if (c === COMMA) this.endField();
        else if (c === QUOTE) throw new CsvFormatError("a double quote inside an unquoted field (quote the whole field and double the quote: \"a\"\"b\")", this.line);
        else this.field += char;
        return;
      case "quote-in-quoted":
        if (c === QUOTE) {
          this.field += '"';
          this.state = "quoted";
        } else if (c === COMMA) {
          this.endField();
        } else {
          throw new CsvFormatError(`unexpected ${JSON.stringify(char)} after a closing quote (expected a comma or the end of the line)`, this.line);
        }
        return;
      case "quoted":
        return; // handled by push
    }
  }

  private endField(): void {
    this.fields.push(this.field);
    this.quoted.push(this.fieldQuoted);
    this.field = "";
    this.fieldQuoted = false;
    this.state = "field-start";
    this.started = true;
  }

  private endRecord(rows: CsvRow[]): void {
    if (!this.started && this.fields.length === 0) return; // an empty line
    this.endField();
    rows.push({ fields: this.fields, quoted: this.quoted, line: this.recordLine });
    this.fields = [];
    this.quoted = [];
    this.started = false;
  }
}

/** Reads records from a stream of text chunks. */
export async function* readCsvRows(chunks: AsyncIterable<string>): AsyncGenerator<CsvRow> {
  const parser = new CsvParser();
  for await (const chunk of chunks) yield* parser.push(chunk);
  yield* parser.end();
}
