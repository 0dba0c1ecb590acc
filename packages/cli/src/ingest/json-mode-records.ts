/**
 * Records for JSON streams. A JSON line is checked to be one JSON object and sent as written (so big
 * integers and number spellings reach the service untouched). A CSV row becomes an object keyed by the
 * table's column names, each cell converted by its column's type:
 *
 * | Column type                                  | Cell                                            |
 * |----------------------------------------------|-------------------------------------------------|
 * | tinyint, smallint, int, bigint               | an integer (sent as an exact JSON integer)      |
 * | float, double                                | a number, or NaN / Infinity / -Infinity         |
 * | boolean                                      | true / false (any case), 1 / 0                  |
 * | string, char, varchar, variant, binary (base64), date, timestamp, timestamp_ntz, decimal | the text as is |
 * | array, map, struct                           | JSON text (`[1,2]`, `{"a":1}`)                  |
 *
 * An empty unquoted cell is NULL; a quoted empty cell (`""`) is the empty string.
 */
import { columnTypeText, type ColumnField, type ColumnType } from "@zerobus-ts/sdk";
import type { CsvHeader, InputRecord } from "../input/input-records.js";
import { ConversionError } from "./conversion-error.js";
import { JsonTextError, type ExactJsonParser } from "./exact-json.js";

const INTEGER = /^[+-]?\d+$/;
const DECIMAL_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER_BITS: Readonly<Record<string, bigint>> = { tinyint: 7n, smallint: 15n, int: 31n, bigint: 63n };

/** True when some column holds JSON text in CSV (arrays, maps, structs), which needs an exact JSON parser. */
export function hasJsonCells(columns: readonly ColumnField[]): boolean {
  return columns.some((c) => c.type.kind === "array" || c.type.kind === "map" || c.type.kind === "struct");
}

/**
 * Converts input records for a JSON stream into a table with `columns` (needed for CSV only);
 * `parseJson` is needed when {@link hasJsonCells} holds.
 */
export class JsonModeRecords {
  // Per CSV header (one per file): header position → column.
  private readonly headerColumns = new WeakMap<CsvHeader, ColumnField[]>();

  constructor(
    private readonly columns: readonly ColumnField[] | undefined,
    private readonly parseJson?: ExactJsonParser,
  ) {}

  /** The record to ingest: the JSON line's text, or an object for a CSV row. Throws `ConversionError`. */
  convert(input: InputRecord): string | Record<string, unknown> {
    if (input.kind === "json") return checkJsonObject(input.text);
    const columns = this.columnsOf(input.header);
    const record: Record<string, unknown> = {};
    input.row.fields.forEach((cell, i) => {
      const column = columns[i]!;
      if (cell === "" && !input.row.quoted[i]) return; // NULL: left out, which the service reads as NULL
      record[column.name] = cellValue(column.type, cell, column.name, this.parseJson);
    });
    return record;
  }

  private columnsOf(header: CsvHeader): ColumnField[] {
    let columns = this.headerColumns.get(header);
    if (columns !== undefined) return columns;
    const table = this.columns ?? [];
    columns = header.names.map((name) => {
      const column = table.find((c) => c.name === name) ?? table.find((c) => c.name.toLowerCase() === name.toLowerCase());
      if (column === undefined) {
        throw new ConversionError(`the header names column '${name}', which the table does not have (columns: ${table.map((c) => c.name).join(", ")})`, header.line);
      }
      return column;
    });
    this.headerColumns.set(header, columns);
    return columns;
  }
}

function checkJsonObject(text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ConversionError(`not valid JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ConversionError(`expected a JSON object (one record per line), got ${Array.isArray(value) ? "an array" : JSON.stringify(value)}`);
  }
  return text;
}

function cellValue(type: ColumnType, cell: string, column: string, parseJson: ExactJsonParser | undefined): unknown {
  const fail = (expected: string) => new ConversionError(`column '${column}' (${columnTypeText(type)}): expected ${expected}, got ${JSON.stringify(cell)}`);
  switch (type.kind) {
    case "primitive":
      switch (type.name) {
        case "tinyint":
        case "smallint":
        case "int":
        case "bigint": {
          const text = cell.trim();
          if (!INTEGER.test(text)) throw fail("an integer");
          const n = BigInt(text);
          const bits = INTEGER_BITS[type.name]!;
          if (n < -(1n << bits) || n >= 1n << bits) throw fail(`an integer that fits ${type.name}`);
          return n;
        }
        case "float":
        case "double": {
          const text = cell.trim();
          if (text === "NaN" || text === "Infinity" || text === "-Infinity") return text;
          if (!DECIMAL_NUMBER.test(text)) throw fail("a number");
          return Number(text);
        }
        case "boolean": {
          const text = cell.trim().toLowerCase();
          if (text === "true" || text === "1") return true;
          if (text === "false" || text === "0") return false;
          throw fail("true or false");
        }
        default:
          return cell;
      }
    case "char":
    case "decimal":
      return cell;
    case "array":
    case "map":
    case "struct":
      // Present whenever such a column exists (see hasJsonCells).
      try {
        return parseJson!(cell);
      } catch (err) {
        if (err instanceof JsonTextError) throw fail(`JSON text (${err.message})`);
        throw err;
      }
  }
}
