/**
 * A small, strict JSON reader (RFC 8259) that keeps every number as its source text. `JSON.parse` turns
 * 9007199254740993 into 9007199254740992 and 0.1 into a binary fraction before anyone can look; long,
 * timestamp and decimal columns need the digits the client actually sent, so the record decoder converts
 * numbers itself, per column type.
 */
import { clip, quote } from "../text/bounded-text.js";

/** A JSON number, exactly as written in the source text. */
export class JsonNumber {
  constructor(readonly text: string) {}

  /** True when the text is an integer literal (no fraction, no exponent). */
  get isInteger(): boolean {
    return /^-?\d+$/.test(this.text);
  }
}

/** A JSON object: a `Map` keeps key order and cannot be confused by keys such as `__proto__`. */
export type JsonObject = Map<string, JsonValue>;

/** Any JSON value; numbers stay as `JsonNumber`. */
export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;

/** Thrown for text that is not JSON; `position` is the character offset of the problem. */
export class JsonSyntaxError extends Error {
  override readonly name = "JsonSyntaxError";
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
  }
}

/** Deep enough for any sane record, shallow enough that recursion cannot exhaust the stack. */
const MAX_DEPTH = 512;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const PLAIN_STRING_RUN = /[^"\\\u0000-\u001f]*/y;
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/** Parses one JSON text. Duplicate object keys keep the last value, as `JSON.parse` does. */
export function readJson(text: string): JsonValue {
  const reader = new Reader(text);
  reader.skipSpace();
  const value = reader.value(0);
  reader.skipSpace();
  if (reader.pos !== text.length) throw new JsonSyntaxError("unexpected text after the JSON value", reader.pos);
  return value;
}

class Reader {
  pos = 0;
  constructor(private readonly text: string) {}

  skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      this.pos++;
    }
  }

  value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) throw new JsonSyntaxError(`nesting deeper than ${MAX_DEPTH}`, this.pos);
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
        return this.number();
    }
  }

  private object(depth: number): JsonObject {
    const result: JsonObject = new Map();
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return result;
    }
    for (;;) {
      if (this.text[this.pos] !== '"') throw new JsonSyntaxError("expected a string key", this.pos);
      const key = this.string();
      this.skipSpace();
      this.expect(":");
      this.skipSpace();
      result.set(key, this.value(depth + 1));
      this.skipSpace();
      if (this.text[this.pos] === "}") {
        this.pos++;
        return result;
      }
      this.expect(",");
      this.skipSpace();
    }
  }

  private array(depth: number): JsonValue[] {
    const result: JsonValue[] = [];
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return result;
    }
    for (;;) {
      result.push(this.value(depth + 1));
      this.skipSpace();
      if (this.text[this.pos] === "]") {
        this.pos++;
        return result;
      }
      this.expect(",");
      this.skipSpace();
    }
  }

  private string(): string {
    const t = this.text;
    this.pos++; // opening quote
    let out = "";
    for (;;) {
      PLAIN_STRING_RUN.lastIndex = this.pos;
      PLAIN_STRING_RUN.exec(t);
      out += t.slice(this.pos, PLAIN_STRING_RUN.lastIndex);
      this.pos = PLAIN_STRING_RUN.lastIndex;
      const c = t[this.pos];
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c !== "\\") {
        throw new JsonSyntaxError(c === undefined ? "unterminated string" : "control character in string", this.pos);
      }
      const e = t[this.pos + 1];
      if (e === "u") {
        const hex = t.slice(this.pos + 2, this.pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new JsonSyntaxError("bad \\u escape", this.pos);
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += 6;
      } else if (e !== undefined && ESCAPES[e] !== undefined) {
        out += ESCAPES[e];
        this.pos += 2;
      } else {
        throw new JsonSyntaxError("bad escape in string", this.pos);
      }
    }
  }

  private number(): JsonNumber {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (match === null || match[0] === "") throw new JsonSyntaxError("unexpected character", this.pos);
    this.pos += match[0].length;
    return new JsonNumber(match[0]);
  }

  private literal<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) throw new JsonSyntaxError("unexpected character", this.pos);
    this.pos += word.length;
    return value;
  }

  private expect(c: string): void {
    if (this.text[this.pos] !== c) throw new JsonSyntaxError(`expected '${c}'`, this.pos);
    this.pos++;
  }
}

/** Names a JSON value's kind for error messages ("a string", "an object", …). */
export function describeJson(value: JsonValue): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return `boolean ${value}`;
  if (typeof value === "string") return `string ${quote(value, 40)}`;
  if (value instanceof JsonNumber) return `number ${clip(value.text)}`;
  if (Array.isArray(value)) return "an array";
  return "an object";
}
