/**
 * Parsing Unity Catalog / Spark SQL type text (`map<string,array<int>>`) and column lists
 * (`id BIGINT NOT NULL, name STRING COMMENT 'who'`) into the {@link ColumnType} model.
 */
import { NonRetriableException } from "../errors.js";
import type { ColumnField, ColumnType, PrimitiveTypeName } from "./column-type.js";

/** Deepest nesting of array/map/struct accepted, as in the official generators. */
export const MAX_TYPE_DEPTH = 100;

/** A type text or column list that cannot be parsed, with where (zero-based `position`) in `text`. */
function syntaxError(message: string, text: string, position: number): NonRetriableException {
  return new NonRetriableException(`${message} (at character ${position + 1} of ${JSON.stringify(text)})`);
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
 * @throws NonRetriableException saying what is wrong and at which character.
 */
export function parseColumnType(text: string): ColumnType {
  if (typeof text !== "string") throw new NonRetriableException(`a column type must be a string, got ${typeof text}`);
  const parser = new Parser(text);
  const type = parser.type(0);
  parser.expectEnd();
  return type;
}

/**
 * Parses a SQL column list, `name TYPE [NOT NULL] [COMMENT 'text'], …` (names may be backquoted), e.g.
 * `"device_name STRING NOT NULL, temp INT COMMENT 'celsius', tags ARRAY<STRING>"`.
 *
 * @throws NonRetriableException saying what is wrong and at which character.
 */
export function parseColumnList(text: string): ColumnField[] {
  if (typeof text !== "string") throw new NonRetriableException(`a column list must be a string, got ${typeof text}`);
  const parser = new Parser(text);
  const fields: ColumnField[] = [];
  do fields.push(parser.field(false, 0));
  while (parser.accept(","));
  parser.expectEnd();
  return fields;
}

interface Token {
  kind: "word" | "quoted" | "number" | "string" | "punct" | "end";
  value: string;
  position: number;
}

// Recursive descent: one method per grammar rule, `depth` counting nested type constructors.
class Parser {
  private readonly tokens: Token[];
  private index = 0;

  constructor(private readonly text: string) {
    this.tokens = tokenize(text);
  }

  type(depth: number): ColumnType {
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

  private error(message: string, token: Token): NonRetriableException {
    return syntaxError(message, this.text, token.position);
  }
}

function describe(token: Token): string {
  return token.kind === "end" ? "the end of the text" : `"${token.value}"`;
}

const PUNCTUATION = "<>(),:";

/** Splits text into words, `backquoted` names, numbers, 'string' literals and punctuation. */
function tokenize(text: string): Token[] {
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
      i = readQuoted(text, i, tokens);
    } else if ((match = /^[0-9]+/.exec(rest)) !== null) {
      tokens.push({ kind: "number", value: match[0], position: i });
      i += match[0].length;
    } else if ((match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest)) !== null) {
      tokens.push({ kind: "word", value: match[0], position: i });
      i += match[0].length;
    } else {
      throw syntaxError(`unexpected character ${JSON.stringify(c)}`, text, i);
    }
  }
  tokens.push({ kind: "end", value: "", position: text.length });
  return tokens;
}

/**
 * Backquoted names double a backquote to include one; string literals (comments) escape with a backslash.
 * Returns the index after the closing quote.
 */
function readQuoted(text: string, start: number, tokens: Token[]): number {
  const quote = text[start]!;
  const name = quote === "`";
  let value = "";
  let i = start + 1;
  for (;;) {
    if (i >= text.length) throw syntaxError(name ? "unterminated backquoted name" : "unterminated string", text, start);
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
  if (name && value === "") throw syntaxError("empty backquoted name", text, start);
  tokens.push({ kind: name ? "quoted" : "string", value, position: start });
  return i + 1;
}
