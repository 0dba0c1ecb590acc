/**
 * JSON parsing that keeps large integers exact. Delta logs carry longs (`txn.version`, sizes,
 * statistics) that Spark writes as plain JSON numbers; `JSON.parse` rounds any integer beyond 2^53.
 * Here an integer literal that is not a safe integer becomes a `bigint`; every other value is what
 * `JSON.parse` would give.
 */

/** A parsed JSON value: JSON.parse's result, with unsafe integers as bigints. */
export type LosslessJsonValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | LosslessJsonValue[]
  | { [key: string]: LosslessJsonValue };

// An integer with at most 15 digits is always safe, so text without a longer digit run can go
// through the (much faster) native parser unchanged.
const LONG_DIGIT_RUN = /\d{16}/;

/**
 * Parses JSON text, returning unsafe integers (beyond ±(2^53 − 1)) as bigints.
 *
 * @throws SyntaxError for text that is not valid JSON.
 */
export function parseLosslessJson(text: string): LosslessJsonValue {
  if (!LONG_DIGIT_RUN.test(text)) return JSON.parse(text) as LosslessJsonValue;
  const parser = new Parser(text);
  const value = parser.value();
  parser.end();
  return value;
}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

/** How deeply objects and arrays may nest. */
const MAX_DEPTH = 1000;

class Parser {
  private at = 0;

  private depth = 0;

  constructor(private readonly text: string) {}

  value(): LosslessJsonValue {
    this.skipWhitespace();
    const char = this.text[this.at];
    switch (char) {
      case "{":
      case "[":
        return this.nested(char);
      case '"':
        return this.string();
      case "t":
        return this.literal("true", true);
      case "f":
        return this.literal("false", false);
      case "n":
        return this.literal("null", null);
      default:
        return this.number();
    }
  }

  /** Objects and arrays, with a nesting limit so hostile input fails cleanly instead of overflowing the stack. */
  private nested(open: "{" | "["): LosslessJsonValue {
    if (++this.depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    const value = open === "{" ? this.object() : this.array();
    this.depth--;
    return value;
  }

  end(): void {
    this.skipWhitespace();
    if (this.at !== this.text.length) this.fail("unexpected text after the value");
  }

  private object(): { [key: string]: LosslessJsonValue } {
    const out: { [key: string]: LosslessJsonValue } = {};
    this.at++; // {
    this.skipWhitespace();
    if (this.text[this.at] === "}") {
      this.at++;
      return out;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.at] !== '"') this.fail("expected a member name");
      const key = this.string();
      this.skipWhitespace();
      this.expect(":");
      // defineProperty, not assignment: a "__proto__" member must become a key, not a new prototype.
      Object.defineProperty(out, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
      this.skipWhitespace();
      if (this.text[this.at] === ",") {
        this.at++;
        continue;
      }
      this.expect("}");
      return out;
    }
  }

  private array(): LosslessJsonValue[] {
    const out: LosslessJsonValue[] = [];
    this.at++; // [
    this.skipWhitespace();
    if (this.text[this.at] === "]") {
      this.at++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.skipWhitespace();
      if (this.text[this.at] === ",") {
        this.at++;
        continue;
      }
      this.expect("]");
      return out;
    }
  }

  // Finds the closing quote (skipping escapes) and lets the native parser decode the escapes.
  private string(): string {
    const start = this.at;
    let i = start + 1;
    for (;;) {
      const char = this.text[i];
      if (char === undefined) this.fail("unterminated string");
      if (char === "\\") i += 2;
      else if (char === '"') break;
      else i++;
    }
    this.at = i + 1;
    return JSON.parse(this.text.slice(start, this.at)) as string;
  }

  private number(): number | bigint {
    NUMBER.lastIndex = this.at;
    const match = NUMBER.exec(this.text);
    if (match === null || match[0] === "" || match[0] === "-") this.fail("unexpected character");
    this.at += match[0].length;
    const literal = match[0];
    const isInteger = match[1] === undefined && match[2] === undefined;
    const value = Number(literal);
    return isInteger && !Number.isSafeInteger(value) ? BigInt(literal) : value;
  }

  private literal<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.at)) this.fail(`expected ${word}`);
    this.at += word.length;
    return value;
  }

  private expect(char: string): void {
    if (this.text[this.at] !== char) this.fail(`expected '${char}'`);
    this.at++;
  }

  private skipWhitespace(): void {
    WHITESPACE.lastIndex = this.at;
    WHITESPACE.exec(this.text);
    this.at = WHITESPACE.lastIndex;
  }

  private fail(problem: string): never {
    throw new SyntaxError(`Invalid JSON at position ${this.at}: ${problem}`);
  }
}
