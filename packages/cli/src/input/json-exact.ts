/**
 * A JSON parser that keeps integers exact: `JSON.parse` turns 9007199254740993 into 9007199254740992,
 * which would silently change a BIGINT column. Integers outside the safe range become `bigint`; all else
 * is as `JSON.parse` returns it. Used for PROTO-mode records and for JSON held in CSV cells.
 */

/** Malformed JSON; `position` is the zero-based offset of the problem. */
export class JsonSyntaxError extends Error {
  override readonly name = "JsonSyntaxError";
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at column ${position + 1}`);
  }
}

/** A parsed JSON value (objects are plain objects with a null prototype-free shape). */
export type ExactJson = null | boolean | number | bigint | string | ExactJson[] | { [key: string]: ExactJson };

const MAX_DEPTH = 1000;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

/** Parses one JSON text. */
export function parseJsonExact(text: string): ExactJson {
  const reader = new Reader(text);
  const value = reader.value(0);
  reader.skipSpace();
  if (reader.pos < text.length) throw new JsonSyntaxError("unexpected text after the JSON value", reader.pos);
  return value;
}

class Reader {
  pos = 0;

  constructor(private readonly text: string) {}

  value(depth: number): ExactJson {
    if (depth > MAX_DEPTH) throw new JsonSyntaxError(`nesting deeper than ${MAX_DEPTH}`, this.pos);
    this.skipSpace();
    const c = this.text[this.pos];
    switch (c) {
      case "{":
        return this.object(depth);
      case "[":
        return this.array(depth);
      case '"':
        return this.string();
      case "t":
        return this.literal("true", true);
      case "f":
        return this.literal("false", false);
      case "n":
        return this.literal("null", null);
      default:
        if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return this.number();
        throw new JsonSyntaxError(c === undefined ? "unexpected end of JSON" : `unexpected ${JSON.stringify(c)}`, this.pos);
    }
  }

  skipSpace(): void {
    WHITESPACE.lastIndex = this.pos;
    WHITESPACE.exec(this.text);
    this.pos = WHITESPACE.lastIndex;
  }

  private object(depth: number): { [key: string]: ExactJson } {
    const out: { [key: string]: ExactJson } = {};
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') throw new JsonSyntaxError("expected a string key", this.pos);
      const key = this.string();
      this.skipSpace();
      this.expect(":");
      // defineProperty: a "__proto__" key must become data, not change the prototype.
      Object.defineProperty(out, key, { value: this.value(depth + 1), enumerable: true, writable: true, configurable: true });
      this.skipSpace();
      if (this.text[this.pos] === "}") {
        this.pos++;
        return out;
      }
      this.expect(",");
    }
  }

  private array(depth: number): ExactJson[] {
    const out: ExactJson[] = [];
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.skipSpace();
      if (this.text[this.pos] === "]") {
        this.pos++;
        return out;
      }
      this.expect(",");
    }
  }

  // Strings are cut out and handed to JSON.parse, which knows every escape.
  private string(): string {
    const start = this.pos;
    let i = start + 1;
    for (;;) {
      const c = this.text.charCodeAt(i);
      if (Number.isNaN(c)) throw new JsonSyntaxError("unterminated string", start);
      if (c === 34) break;
      if (c < 0x20) throw new JsonSyntaxError("control character in a string", i);
      i += c === 92 ? 2 : 1;
    }
    this.pos = i + 1;
    try {
      return JSON.parse(this.text.slice(start, this.pos)) as string;
    } catch {
      throw new JsonSyntaxError("invalid escape in a string", start);
    }
  }

  private number(): number | bigint {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (match === null) throw new JsonSyntaxError("invalid number", this.pos);
    this.pos = NUMBER.lastIndex;
    const text = match[0];
    const n = Number(text);
    if (/^-?\d+$/.test(text) && !Number.isSafeInteger(n)) return BigInt(text);
    return n;
  }

  private literal<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) throw new JsonSyntaxError(`unexpected ${JSON.stringify(this.text[this.pos])}`, this.pos);
    this.pos += word.length;
    return value;
  }

  private expect(char: string): void {
    if (this.text[this.pos] !== char) {
      const found = this.text[this.pos];
      throw new JsonSyntaxError(`expected '${char}' but found ${found === undefined ? "the end" : JSON.stringify(found)}`, this.pos);
    }
    this.pos++;
  }
}
