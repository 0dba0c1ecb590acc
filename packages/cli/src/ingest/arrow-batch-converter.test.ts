import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as arrow from "apache-arrow";
import type { ColumnType } from "@zerobus-ts/sdk";
import { ArrowBatchConverter, tableSchemaOf } from "./arrow-batch-converter.js";
import { ColumnMismatchError, ColumnValueError } from "./arrow-column-errors.js";
import { tableArrowColumns } from "./table-arrow-schema.js";

/** `INT`, `STRING`, `DECIMAL(10,2)`, … (the few this test uses) as parsed column types. */
const typeOf = (text: string): ColumnType => {
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(text);
  if (decimal) return { kind: "decimal", precision: Number(decimal[1]), scale: Number(decimal[2]) };
  return { kind: "primitive", name: text.toLowerCase() as Extract<ColumnType, { kind: "primitive" }>["name"] };
};
const table = (columns: string) =>
  tableArrowColumns(
    columns.split(", ").map((c) => {
      const [name, type, not] = c.trim().split(" ");
      return { name: name!, type: typeOf(type!), nullable: not !== "NOT" };
    }),
  );
const converterFor = (columns: string, batch: arrow.RecordBatch) => {
  const t = table(columns);
  return ArrowBatchConverter.plan(batch.schema, t, tableSchemaOf(t));
};
const batchOf = (columns: Record<string, arrow.Vector>) => new arrow.Table(columns).batches[0]!;
const rows = (batch: arrow.RecordBatch) => new arrow.Table(batch).toArray().map((r) => ({ ...r.toJSON() }));

describe("ArrowBatchConverter", () => {
  test("matches columns by name, reorders, widens, flattens dictionaries and fills absent nullable columns", () => {
    const batch = batchOf({
      Humidity: arrow.vectorFromArray([1, null, 3], new arrow.Int32()),
      device_name: arrow.vectorFromArray(["a", "bb", null], new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32())),
      at: arrow.makeVector({ type: new arrow.TimestampNanosecond("UTC"), data: new BigInt64Array([1_500n, -1_500n, 0n]) } as never),
      price: arrow.makeVector({ type: new arrow.Decimal(2, 10, 128), data: new Uint32Array([12345, 0, 0, 0, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 5, 0, 0, 0]) } as never),
    });
    const out = converterFor("device_name STRING, humidity BIGINT, note STRING, at TIMESTAMP, price DECIMAL(10,2)", batch).convert(batch);
    assert.deepEqual(
      out.schema.fields.map((f) => `${f.name}:${f.type}`),
      ["device_name:LargeUtf8", "humidity:Int64", "note:LargeUtf8", "at:Timestamp<MICROSECOND, UTC>", "price:LargeUtf8"],
    );
    assert.deepEqual(rows(out), [
      { device_name: "a", humidity: 1n, note: null, at: out.getChildAt(3)!.get(0), price: "123.45" },
      { device_name: "bb", humidity: null, note: null, at: out.getChildAt(3)!.get(1), price: "-0.01" },
      { device_name: null, humidity: 3n, note: null, at: out.getChildAt(3)!.get(2), price: "0.05" },
    ]);
    assert.deepEqual([...(out.getChildAt(3)!.data[0]!.values as BigInt64Array)], [1n, -2n, 0n], "nanoseconds truncated toward the past");
  });

  test("a slice converts from its own first row", () => {
    const batch = batchOf({ s: arrow.vectorFromArray(["x", "yy", "zzz"], new arrow.Utf8()), n: arrow.vectorFromArray([1, 2, 3], new arrow.Int16()) });
    const out = converterFor("s STRING, n INT", batch).convert(batch.slice(1, 3));
    assert.deepEqual(rows(out), [{ s: "yy", n: 2 }, { s: "zzz", n: 3 }]);
  });

  test("columns that cannot fit are refused by name before any row", () => {
    const batch = batchOf({ device_name: arrow.vectorFromArray(["a"], new arrow.Utf8()), colour: arrow.vectorFromArray(["red"], new arrow.Utf8()) });
    assert.throws(() => converterFor("device_name STRING", batch), (e: Error) => e instanceof ColumnMismatchError && /column 'colour' is not in the table \(its columns: device_name\)/.test(e.message));
    assert.throws(() => converterFor("device_name STRING, colour STRING, id INT NOT NULL", batch), /the table's column 'id' is NOT NULL, and the file has no such column/);
    assert.throws(() => converterFor("device_name INT, colour STRING", batch), /column 'device_name' holds Utf8 values, which do not convert to the table's INT \(Arrow Int32\)/);
    const naive = batchOf({ at: arrow.makeVector({ type: new arrow.TimestampMicrosecond(), data: new BigInt64Array([1n]) } as never) });
    assert.throws(() => converterFor("at TIMESTAMP", naive), ColumnMismatchError, "a time without a zone is not an instant");
  });

  test("a value that does not fit is refused with its row", () => {
    const batch = batchOf({ n: arrow.vectorFromArray([1n, 2n, 2n ** 40n], new arrow.Int64()), s: arrow.vectorFromArray(["a", null, "c"], new arrow.Utf8()) });
    assert.throws(() => converterFor("n INT, s STRING", batch).convert(batch), (e: Error) => e instanceof ColumnValueError && e.row === 2 && /column 'n': 1099511627776 does not fit Int32/.test(e.message));
    assert.throws(() => converterFor("n BIGINT, s STRING NOT NULL", batch).convert(batch), (e: Error) => e instanceof ColumnValueError && e.row === 1 && /column 's' is NOT NULL in the table, and the value is null/.test(e.message));
  });

  test("nested columns convert their children: a list's values, a struct's fields by name (absent nullable ones as nulls), and a bad element is reported at its row", () => {
    const tagsType = new arrow.List(new arrow.Field("item", new arrow.Int64(), true));
    const infoType = new arrow.Struct([new arrow.Field("B", new arrow.Utf8(), true)]);
    const batch = batchOf({
      tags: arrow.vectorFromArray([[1n], null, [2n, 3n]], tagsType),
      info: arrow.vectorFromArray([{ B: "x" }, null, { B: null }], infoType),
    });
    const int: ColumnType = { kind: "primitive", name: "int" };
    const string: ColumnType = { kind: "primitive", name: "string" };
    const t = tableArrowColumns([
      { name: "tags", type: { kind: "array", element: int }, nullable: true },
      { name: "info", type: { kind: "struct", fields: [{ name: "a", type: int, nullable: true }, { name: "b", type: string, nullable: true }] }, nullable: true },
    ]);
    const out = ArrowBatchConverter.plan(batch.schema, t, tableSchemaOf(t)).convert(batch);
    assert.deepEqual(String(out.schema.fields[0]!.type), "List<Int32>");
    assert.deepEqual(rows(out).map((r) => [r["tags"] === null ? null : [...(r["tags"] as Iterable<number>)], r["info"] === null ? null : { ...(r["info"] as object) }]), [
      [[1], { a: null, b: "x" }],
      [null, null],
      [[2, 3], { a: null, b: null }],
    ]);

    const big = batchOf({ tags: arrow.vectorFromArray([[1n], [], [2n, 2n ** 40n]], tagsType), info: arrow.vectorFromArray([null, null, null], infoType) });
    assert.throws(() => ArrowBatchConverter.plan(big.schema, t, tableSchemaOf(t)).convert(big), (e: Error) => e instanceof ColumnValueError && e.row === 2 && /column 'tags': 1099511627776 does not fit Int32/.test(e.message));
    const extra = batchOf({ info: arrow.vectorFromArray([{ B: "x", c: 1 }], new arrow.Struct([new arrow.Field("B", new arrow.Utf8()), new arrow.Field("c", new arrow.Int32())])) });
    assert.throws(() => ArrowBatchConverter.plan(extra.schema, t, tableSchemaOf(t)), ColumnMismatchError, "a struct field the table does not have");
  });
});
