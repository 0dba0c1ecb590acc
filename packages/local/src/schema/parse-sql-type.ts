import type { DeltaField, DeltaPrimitiveName, DeltaType } from "./delta-type.js";
import { SchemaError } from "./schema-error.js";
import { tokenizeSqlType, type SqlToken } from "./sql-type-tokens.js";
import { assertUniqueFieldNames } from "./unique-field-names.js";

/** Largest decimal precision Delta (and Spark) allow. */
export const MAX_DECIMAL_PRECISION = 38;

// Unity Catalog / Spark SQL spellings (lower-cased) of Delta's primitive types.
const PRIMITIVE_ALIASES: ReadonlyMap<string, DeltaPrimitiveName> = new Map([
  ["tinyint", "byte"],
  ["byte", "byte"],
  ["smallint", "short"],
  ["short", "short"],
  ["int", "integer"],
  ["integer", "integer"],
  ["bigint", "long"],
  ["long", "long"],
  ["float", "float"],
  ["real", "float"],
  ["double", "double"],
  ["boolean", "boolean"],
  ["bool", "boolean"],
  ["string", "string"],
  ["binary", "binary"],
  ["date", "date"],
  ["timestamp", "timestamp"],
  ["timestamp_ltz", "timestamp"],
  ["timestamp_ntz", "timestamp_ntz"],
]);

/**
 * Parses a Unity Catalog / Spark SQL type string such as `bigint`, `decimal(10,2)`, `varchar(20)`,
 * `array<struct<a:int, b string NOT NULL>>` or `map<string,int>`. Keywords are case-insensitive;
 * `varchar(n)` and `char(n)` become `string`; a bare `decimal` is `decimal(10,0)`. Struct fields are
 * nullable unless marked NOT NULL; arrays and maps may hold nulls.
 *
 * @throws SchemaError naming the text and the position of the first problem.
 */
export function parseSqlType(text: string): DeltaType {
  const parser = new SqlTypeParser(text);
  const type = parser.type();
  parser.expectEnd();
  return type;
}

/**
 * Parses a column list such as `"device_name STRING, temp INT NOT NULL, tags ARRAY<STRING>"` into
 * fields. Columns are nullable unless marked NOT NULL; `COMMENT '…'` goes into the field metadata.
 *
 * @throws SchemaError on a syntax error, an unknown type or a duplicate column name.
 */
export function parseColumnList(sql: string): DeltaField[] {
  const parser = new SqlTypeParser(sql);
  const fields: DeltaField[] = [];
  do {
    fields.push(parser.field(false));
  } while (parser.accept(","));
  parser.expectEnd();
  assertUniqueFieldNames(fields, sql);
  return fields;
}

// A recursive-descent parser over the token list; each method consumes one grammar rule.
class SqlTypeParser {
  private readonly tokens: SqlToken[];
  private index = 0;

  constructor(private readonly text: string) {
    this.tokens = tokenizeSqlType(text);
  }

  type(): DeltaType {
    const token = this.next();
    if (token.kind !== "word") throw this.error(`Expected a type name, found ${describeToken(token)}`, token);
    const name = token.value.toLowerCase();
    switch (name) {
      case "array":
        return this.arrayType();
      case "map":
        return this.mapType();
      case "struct":
        return this.structType();
      case "decimal":
      case "dec":
      case "numeric":
        return this.decimalType(token);
      case "varchar":
      case "char":
        this.expect("(");
        this.number();
        this.expect(")");
        return { kind: "primitive", name: "string" };
    }
    const primitive = PRIMITIVE_ALIASES.get(name);
    if (primitive === undefined) throw this.error(`Unknown or unsupported type "${token.value}"`, token);
    return { kind: "primitive", name: primitive };
  }

  field(inStruct: boolean): DeltaField {
    const nameToken = this.next();
    if (nameToken.kind !== "word" && nameToken.kind !== "quoted") {
      throw this.error(`Expected a column name, found ${describeToken(nameToken)}`, nameToken);
    }
    if (inStruct) this.accept(":");
    const type = this.type();
    let nullable = true;
    const metadata: Record<string, unknown> = {};
    for (;;) {
      if (this.acceptWord("not")) {
        this.expectWord("null");
        nullable = false;
      } else if (this.acceptWord("comment")) {
        const comment = this.next();
        if (comment.kind !== "string") throw this.error("Expected a quoted comment", comment);
        metadata["comment"] = comment.value;
      } else {
        break;
      }
    }
    return { name: nameToken.value, type, nullable, metadata };
  }

  accept(punct: string): boolean {
    const token = this.peek();
    if (token.kind !== "punct" || token.value !== punct) return false;
    this.index++;
    return true;
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== "end") throw this.error(`Unexpected ${describeToken(token)}`, token);
  }

  private arrayType(): DeltaType {
    this.expect("<");
    const elementType = this.type();
    this.expect(">");
    return { kind: "array", elementType, containsNull: true };
  }

  private mapType(): DeltaType {
    this.expect("<");
    const keyType = this.type();
    this.expect(",");
    const valueType = this.type();
    this.expect(">");
    return { kind: "map", keyType, valueType, valueContainsNull: true };
  }

  private structType(): DeltaType {
    const open = this.peek();
    this.expect("<");
    const fields: DeltaField[] = [];
    if (!this.accept(">")) {
      do {
        fields.push(this.field(true));
      } while (this.accept(","));
      this.expect(">");
    }
    assertUniqueFieldNames(fields, this.text, open.position);
    return { kind: "struct", fields };
  }

  private decimalType(token: SqlToken): DeltaType {
    let precision = 10;
    let scale = 0;
    if (this.accept("(")) {
      precision = this.number();
      scale = this.accept(",") ? this.number() : 0;
      this.expect(")");
    }
    if (precision < 1 || precision > MAX_DECIMAL_PRECISION || scale > precision) {
      throw this.error(`Invalid decimal(${precision},${scale}): need 1 ≤ precision ≤ 38 and scale ≤ precision`, token);
    }
    return { kind: "decimal", precision, scale };
  }

  private number(): number {
    const token = this.next();
    if (token.kind !== "number") throw this.error(`Expected a number, found ${describeToken(token)}`, token);
    return Number(token.value);
  }

  private expect(punct: string): void {
    const token = this.peek();
    if (!this.accept(punct)) throw this.error(`Expected "${punct}", found ${describeToken(token)}`, token);
  }

  private acceptWord(word: string): boolean {
    const token = this.peek();
    if (token.kind !== "word" || token.value.toLowerCase() !== word) return false;
    this.index++;
    return true;
  }

  private expectWord(word: string): void {
    const token = this.peek();
    if (!this.acceptWord(word)) throw this.error(`Expected ${word.toUpperCase()}, found ${describeToken(token)}`, token);
  }

  private peek(): SqlToken {
    return this.tokens[this.index]!;
  }

  private next(): SqlToken {
    const token = this.tokens[this.index]!;
    if (token.kind !== "end") this.index++;
    return token;
  }

  private error(message: string, token: SqlToken): SchemaError {
    return new SchemaError(message, { text: this.text, position: token.position });
  }
}

function describeToken(token: SqlToken): string {
  return token.kind === "end" ? "end of text" : `"${token.value}"`;
}
