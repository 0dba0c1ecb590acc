/**
 * Parsing Unity Catalog / Spark SQL type text (`map<string,array<int>>`) and column lists
 * (`id BIGINT NOT NULL, name STRING COMMENT 'who'`) into the {@link ColumnType} model.
 */
import { boundedText } from "../bounded-text.js";
import { NonRetriableException } from "../errors.js";
import type { ColumnField, ColumnType, PrimitiveTypeName } from "./column-type.js";

/** Deepest nesting of array/map/struct accepted, as in the official generators. */
export const MAX_TYPE_DEPTH = 100;

/** A type text or column list that cannot be parsed, with where (zero-based `position`) in `text`. */
function syntaxError(message: string, text: string, position: number): NonRetriableException {
  return new NonRetriableException(`${message} (at character ${position + 1} of ${JSON.stringify(boundedText(text))})`);
}

/** Options of {@link parseColumnType} and {@link parseColumnList}, for callers with their own type model. */
export interface ColumnTypeParseOptions {
  /**
   * Called with every type as soon as it is parsed (a struct's field types before the struct) and the
   * zero-based position of its first character in the text: throw to refuse a type the caller has no use
   * for, e.g. `variant`, or a struct whose field names clash.
   */
  check?: (type: ColumnType, position: number) => void;
  /**
   * Builds the error thrown for bad text from what was wrong (`reason`, e.g. `expected ">", found the end of
   * the text`) and the zero-based position of the problem in the text (none when the text is not a string).
   * Without it the error is a NonRetriableException naming the character.
   */
  error?: (reason: string, position?: number) => Error;
}



/** Makes the error for bad input: what was wrong, and where (a zero-based offset into the text). */
type Fail = (reason: string, position: number) => Error;

/** The caller's error if it gave `options.error`, else the SDK's own, naming the character. */
function failWith(text: string, options: ColumnTypeParseOptions): Fail {
  return (reason, position) => options.error?.(reason, position) ?? syntaxError(reason, text, position);
}

// Every accepted spelling (lower-cased) of each primitive.
const PRIMITIVES: ReadonlyMap<string, PrimitiveTypeName> = new Map([
  ["tinyint", "tinyint"], ["byte", "tinyint"],
  ["smallint", "smallint"], ["short", "smallint"],
  ["int", "int"], ["integer", "int"],
  ["bigint", "bigint"], ["long", "bigint"],
  ["float", "float"], ["real", "float"],
  ["double", "double"],
  ["boolean", "boolean"], ["bool", "boolean"],
  ["string", "string"],
  ["binary", "binary"],
  ["date", "date"],
  ["timestamp", "timestamp"], ["timestamp_ltz", "timestamp"],
  ["timestamp_ntz", "timestamp_ntz"],
  ["variant", "variant"],
]);

/**
 * Parses one column type, e.g. `array<struct<a:int,b:string NOT NULL>>`, as Unity Catalog's `type_text`
 * or SQL DDL writes it. Keywords are case-insensitive; aliases (`integer`, `long`, `timestamp_ltz`, …) are
 * read as their canonical type; nesting is limited to 100 levels, as in the official generators.
 *
 * @param options - For callers with their own type model: a stricter `check`, and their own `error` class.
 * @throws NonRetriableException saying what is wrong and at which character (or what `options.error` or
 * `options.check` throw).
 */
export function parseColumnType(text: string, options: ColumnTypeParseOptions = {}): ColumnType {
  const parser = new Parser(stringInput(text, "a column type", options), options);
  const type = parser.type(0);
  parser.expectEnd();
  return type;
}

/**
 * Parses a SQL column list, `name TYPE [NOT NULL] [COMMENT 'text'], …` (names may be backquoted), e.g.
 * `"device_name STRING NOT NULL, temp INT COMMENT 'celsius', tags ARRAY<STRING>"`.
 *
 * @param options - As for {@link parseColumnType}: `check` sees every column's type too.
 * @throws NonRetriableException saying what is wrong and at which character (or what `options.error` or
 * `options.check` throw).
 */
export function parseColumnList(text: string, options: ColumnTypeParseOptions = {}): ColumnField[] {
  const parser = new Parser(stringInput(text, "a column list", options), options);
  const fields: ColumnField[] = [];
  do fields.push(parser.field(false, 0));
  while (parser.accept(","));
  parser.expectEnd();
  return fields;
}

/** `text` itself, checked to be a string: JavaScript callers may pass anything. */
function stringInput(text: unknown, what: string, options: ColumnTypeParseOptions): string {
  if (typeof text === "string") return text;
  const reason = `${what} must be a string, got ${typeof text}`;
  throw options.error?.(reason) ?? new NonRetriableException(reason);
}

interface Token {
  kind: "word" | "quoted" | "number" | "string" | "punct" | "end";
  value: string;
  position: number;
}

// Recursive descent: one method per grammar rule, `depth` counting nested type constructors.
class Parser {
  private readonly tokens: Token[];
  private readonly fail: Fail;
  private index = 0;

  constructor(text: string, private readonly options: ColumnTypeParseOptions) {
    this.fail = failWith(text, options);
    this.tokens = tokenize(text, this.fail);
  }

  /** One type, shown to `options.check` once whole. */
  type(depth: number): ColumnType {
    const start = this.tokens[this.index]!.position;
    const type = this.uncheckedType(depth);
    this.options.check?.(type, start);
    return type;
  }

  private uncheckedType(depth: number): ColumnType {
    const token = this.next();
    if (token.kind !== "word") throw this.error(`expected a type name, found ${describe(token)}`, token);
    const word = token.value.toLowerCase();
    if ((word === "array" || word === "map" || word === "struct") && depth >= MAX_TYPE_DEPTH) {
      throw this.error(`types nest deeper than ${MAX_TYPE_DEPTH} levels`, token);
    }
    switch (word) {
      case "array": {
        this.expect("<");
        const element = this.type(depth + 1);
        this.expect(">");
        return { kind: "array", element };
      }
      case "map": {
        this.expect("<");
        const key = this.type(depth + 1);
        this.expect(",");
        const value = this.type(depth + 1);
        this.expect(">");
        return { kind: "map", key, value };
      }
      case "struct":
        return this.struct(depth + 1);
      case "decimal":
      case "dec":
      case "numeric":
        return this.decimal(token);
      case "varchar":
      case "char": {
        this.expect("(");
        const length = this.number();
        this.expect(")");
        return { kind: "char", varying: word === "varchar", length };
      }
    }
    const name = PRIMITIVES.get(word);
    if (name === undefined) throw this.error(`unknown or unsupported type "${token.value}"`, token);
    return { kind: "primitive", name };
  }

  field(inStruct: boolean, depth: number): ColumnField {
    const token = this.next();
    if (token.kind !== "word" && token.kind !== "quoted") throw this.error(`expected a column name, found ${describe(token)}`, token);
    if (inStruct) this.accept(":");
    const field: ColumnField = { name: token.value, type: this.type(depth), nullable: true };
    for (;;) {
      if (this.acceptWord("not")) {
        this.expectWord("null");
        field.nullable = false;
      } else if (this.acceptWord("comment")) {
        const comment = this.next();
        if (comment.kind !== "string") throw this.error("expected a quoted comment", comment);
        field.comment = comment.value;
      } else {
        return field;
      }
    }
  }

  accept(punct: string): boolean {
    const token = this.tokens[this.index]!;
    if (token.kind !== "punct" || token.value !== punct) return false;
    this.index++;
    return true;
  }

  expectEnd(): void {
    const token = this.tokens[this.index]!;
    if (token.kind !== "end") throw this.error(`unexpected ${describe(token)}`, token);
  }

  private struct(depth: number): ColumnType {
    this.expect("<");
    const fields: ColumnField[] = [];
    if (!this.accept(">")) {
      do fields.push(this.field(true, depth));
      while (this.accept(","));
      this.expect(">");
    }
    return { kind: "struct", fields };
  }

  private decimal(token: Token): ColumnType {
    let precision = 10;
    let scale = 0;
    if (this.accept("(")) {
      precision = this.number();
      if (this.accept(",")) scale = this.number();
      this.expect(")");
    }
    if (precision < 1 || precision > 38 || scale > precision) {
      throw this.error(`invalid decimal(${precision},${scale}): need 1 ≤ precision ≤ 38 and scale ≤ precision`, token);
    }
    return { kind: "decimal", precision, scale };
  }

  private number(): number {
    const token = this.next();
    if (token.kind !== "number") throw this.error(`expected a number, found ${describe(token)}`, token);
    return Number(token.value);
  }

  private expect(punct: string): void {
    const token = this.tokens[this.index]!;
    if (!this.accept(punct)) throw this.error(`expected "${punct}", found ${describe(token)}`, token);
  }

  private acceptWord(word: string): boolean {
    const token = this.tokens[this.index]!;
    if (token.kind !== "word" || token.value.toLowerCase() !== word) return false;
    this.index++;
    return true;
  }

  private expectWord(word: string): void {
    const token = this.tokens[this.index]!;
    if (!this.acceptWord(word)) throw this.error(`expected ${word.toUpperCase()}, found ${describe(token)}`, token);
  }

  private next(): Token {
    const token = this.tokens[this.index]!;
    if (token.kind !== "end") this.index++;
    return token;
  }

  private error(message: string, token: Token): Error {
    return this.fail(message, token.position);
  }
}

function describe(token: Token): string {
  return token.kind === "end" ? "the end of the text" : `"${token.value}"`;
}

const PUNCTUATION = "<>(),:";

/** Splits text into words, `backquoted` names, numbers, 'string' literals and punctuation. */
function tokenize(text: string, fail: Fail): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const rest = text.slice(i);
    let match: RegExpExecArray | null;
    if (/\s/.test(c)) {
      i++;
    } else if (PUNCTUATION.includes(c)) {
      tokens.push({ kind: "punct", value: c, position: i++ });
    } else if (c === "`" || c === "'" || c === '"') {
      i = readQuoted(text, i, tokens, fail);
    } else if ((match = /^[0-9]+/.exec(rest)) !== null) {
      tokens.push({ kind: "number", value: match[0], position: i });
      i += match[0].length;
    } else if ((match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest)) !== null) {
      tokens.push({ kind: "word", value: match[0], position: i });
      i += match[0].length;
    } else {
      throw fail(`unexpected character ${JSON.stringify(c)}`, i);
    }
  }
  tokens.push({ kind: "end", value: "", position: text.length });
  return tokens;
}

/**
 * Backquoted names double a backquote to include one; string literals (comments) escape with a backslash.
 * Returns the index after the closing quote.
 */
function readQuoted(text: string, start: number, tokens: Token[], fail: Fail): number {
  const quote = text[start]!;
  const name = quote === "`";
  let value = "";
  let i = start + 1;
  for (;;) {
    if (i >= text.length) throw fail(name ? "unterminated backquoted name" : "unterminated string", start);
    const c = text[i]!;
    if (c === quote && !(name && text[i + 1] === "`")) break;
    if (name && c === "`") {
      value += "`";
      i += 2;
    } else if (!name && c === "\\" && i + 1 < text.length) {
      value += text[i + 1];
      i += 2;
    } else {
      value += c;
      i++;
    }
  }
  if (name && value === "") throw fail("empty backquoted name", start);
  tokens.push({ kind: name ? "quoted" : "string", value, position: start });
  return i + 1;
}
