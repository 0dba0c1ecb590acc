/**
 * A file's record batches as batches of the table's Arrow schema: columns matched by name (exactly, else
 * case-insensitively, as Delta names are), put in table order, converted to the table's types; a nullable
 * table column the file lacks is sent as nulls. Everything that cannot fit is refused before a row of the
 * file is sent, naming the column; a value that cannot fit is refused with its row.
 */
import * as arrow from "apache-arrow";
import { ColumnMismatchError, ColumnValueError } from "./arrow-column-errors.js";
import { allNull, columnConverter, type ColumnConverter } from "./arrow-column-converters.js";
import { columnTypeText, type TableArrowColumn } from "./table-arrow-schema.js";

type ColumnSource = { kind: "file"; index: number; convert: ColumnConverter } | { kind: "absent" };

/** Converts the batches of one file (whose schema it was built from) to the table's schema. */
export class ArrowBatchConverter {
  private constructor(
    readonly schema: arrow.Schema,
    private readonly columns: readonly TableArrowColumn[],
    private readonly sources: readonly ColumnSource[],
  ) {}

  /** Plans the conversion of a file's columns; throws `ColumnMismatchError` naming the first column that does not fit. */
  static plan(fileSchema: arrow.Schema, table: readonly TableArrowColumn[], tableSchema: arrow.Schema): ArrowBatchConverter {
    const byName = matchColumns(fileSchema, table);
    const sources = table.map(({ column, field }): ColumnSource => {
      const index = byName.get(column.name);
      if (index === undefined) {
        if (!column.nullable) throw new ColumnMismatchError(`the table's column '${column.name}' is NOT NULL, and the file has no such column`);
        return { kind: "absent" };
      }
      const fileField = fileSchema.fields[index]!;
      const convert = columnConverter(fileField.type, field.type, column.type);
      if (convert === undefined) {
        throw new ColumnMismatchError(
          `column '${fileField.name}' holds ${fileField.type} values, which do not convert to the table's ${columnTypeText(column.type)} (Arrow ${field.type})`,
        );
      }
      return { kind: "file", index, convert };
    });
    return new ArrowBatchConverter(tableSchema, table, sources);
  }

  /** One file batch as a table batch; throws `ColumnValueError` with the batch row of the first value that does not fit. */
  convert(batch: arrow.RecordBatch): arrow.RecordBatch {
    const children = this.sources.map((source, c) => {
      const { column } = this.columns[c]!;
      if (source.kind === "absent") return allNull(this.schema.fields[c]!.type, batch.numRows);
      let data: arrow.Data;
      try {
        data = source.convert(batch.data.children[source.index]!);
      } catch (err) {
        if (err instanceof ColumnValueError) throw new ColumnValueError(err.row, `column '${column.name}': ${err.message}`);
        throw err;
      }
      if (!column.nullable && data.nullCount > 0) throw new ColumnValueError(firstNull(data), `column '${column.name}' is NOT NULL in the table, and the value is null`);
      return data;
    });
    const struct = arrow.makeData({ type: new arrow.Struct(this.schema.fields), length: batch.numRows, nullCount: 0, children });
    return new arrow.RecordBatch(this.schema, struct);
  }
}

/** The table's schema (what the stream declares). */
export function tableSchemaOf(table: readonly TableArrowColumn[]): arrow.Schema {
  return new arrow.Schema(table.map((c) => c.field));
}

function matchColumns(fileSchema: arrow.Schema, table: readonly TableArrowColumn[]): Map<string, number> {
  const exact = new Map(table.map(({ column }) => [column.name, column.name]));
  const folded = new Map(table.map(({ column }) => [column.name.toLowerCase(), column.name]));
  const matched = new Map<string, number>();
  fileSchema.fields.forEach((field, index) => {
    const name = exact.get(field.name) ?? folded.get(field.name.toLowerCase());
    if (name === undefined) {
      throw new ColumnMismatchError(`column '${field.name}' is not in the table (its columns: ${table.map((c) => c.column.name).join(", ")})`);
    }
    if (matched.has(name)) throw new ColumnMismatchError(`columns '${fileSchema.fields[matched.get(name)!]!.name}' and '${field.name}' both name the table's column '${name}'`);
    matched.set(name, index);
  });
  return matched;
}

function firstNull(data: arrow.Data): number {
  for (let i = 0; i < data.length; i++) if (!data.getValid(i)) return i;
  return 0;
}
