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

/**
 * Thrown for text that is not JSON, or JSON this reader refuses to read ambiguously (a key twice in one
 * object, a lone surrogate escape). `position` is the character offset of the problem; `path` the key
 * path of the value it is in (`a.b[2]`, `""` at the top), so a record refusal can name the column.
 */
export class JsonSyntaxError extends Error {
  override readonly name = "JsonSyntaxError";
  constructor(
    readonly problem: string,
    readonly position: number,
    readonly path = "",
    /** False for well-formed JSON that is refused (repeated key, lone surrogate, invalid text). */
    readonly syntax = true,
  ) {
    super(`${problem} at position ${position}`);
  }
}

/** Options of `readJson`. */
export interface ReadJsonOptions {
  /**
   * A character index known to hold a U+FFFD that replaced invalid UTF-8 (see records/utf8-text.ts):
   * the string covering it is refused with `invalidTextProblem`, naming its path.
   */
  invalidTextAt?: number;
  /** The problem reported for `invalidTextAt`. */
  invalidTextProblem?: string;
  /**
   * Read as `JSON.parse` does: a repeated key keeps its last value and a lone surrogate escape becomes
   * that code unit. For Delta logs, which other writers produce; records are never read this way.
   */
  lenient?: boolean;
}

/** Deep enough for any sane record, shallow enough that recursion cannot exhaust the stack. */
const MAX_DEPTH = 512;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const PLAIN_STRING_RUN = /[^"\\\u0000-\u001f]*/y;
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/**
 * Parses one JSON text. Unlike `JSON.parse`, a key repeated within one object and a `\u` escape of a lone
 * surrogate (no character at all; it would be stored as U+FFFD) are errors, not silently resolved.
 */
export function readJson(text: string, options: ReadJsonOptions = {}): JsonValue {
  const reader = new Reader(text, options);
  reader.skipSpace();
  const value = reader.value(0);
  reader.skipSpace();
  if (reader.pos !== text.length) throw new JsonSyntaxError("unexpected text after the JSON value", reader.pos);
  return value;
}

class Reader {
  pos = 0;
  // Keys and indexes from the top down to the value being read: only turned into text for an error.
  private readonly path: Array<string | number> = [];
  constructor(
    private readonly text: string,
    private readonly options: ReadJsonOptions,
  ) {}

  fail(problem: string, position: number, syntax = true): JsonSyntaxError {
    let path = "";
    for (const part of this.path) path = typeof part === "number" ? `${path}[${part}]` : path === "" ? clip(part) : `${path}.${clip(part)}`;
    return new JsonSyntaxError(problem, position, path, syntax);
  }

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
      const keyAt = this.pos;
      const key = this.string();
      this.skipSpace();
      this.expect(":");
      this.skipSpace();
      this.path.push(key);
      if (!this.options.lenient && result.has(key)) throw this.fail(`key ${quote(key)} appears twice in one object`, keyAt, false);
      result.set(key, this.value(depth + 1));
      this.path.pop();
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
      this.path.push(result.length);
      result.push(this.value(depth + 1));
      this.path.pop();
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
    const at = this.pos;
    const value = this.stringBody();
    const bad = this.options.invalidTextAt;
    if (bad !== undefined && bad >= at && bad < this.pos) throw this.fail(this.options.invalidTextProblem ?? "invalid text", bad, false);
    return value;
  }

  private stringBody(): string {
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
        throw this.fail(c === undefined ? "unterminated string" : "control character in string", this.pos);
      }
      const e = t[this.pos + 1];
      if (e === "u") {
        const hex = t.slice(this.pos + 2, this.pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw this.fail("bad \\u escape", this.pos);
        const code = parseInt(hex, 16);
        if (code >= 0xd800 && code <= 0xdfff) {
          // A surrogate is only half a character: a high one must be followed by an escaped low one.
          const low = /^\\u([dD][c-fC-F][0-9a-fA-F]{2})$/.exec(t.slice(this.pos + 6, this.pos + 12));
          if (code > 0xdbff || low === null) {
            if (!this.options.lenient) throw this.fail(`lone surrogate escape \\u${hex} (half of a UTF-16 pair, not a character)`, this.pos, false);
            out += String.fromCharCode(code);
            this.pos += 6;
            continue;
          }
          out += String.fromCharCode(code, parseInt(low[1] as string, 16));
          this.pos += 12;
          continue;
        }
        out += String.fromCharCode(code);
        this.pos += 6;
      } else if (e !== undefined && ESCAPES[e] !== undefined) {
        out += ESCAPES[e];
        this.pos += 2;
      } else {
        throw this.fail("bad escape in string", this.pos);
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
