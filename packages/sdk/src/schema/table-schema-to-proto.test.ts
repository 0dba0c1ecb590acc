import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { decodeDescriptorProto, protobuf } from "../descriptor/protobuf-runtime.js";
import type { IDescriptorProto } from "../descriptor/protobuf-runtime.js";
import { resolveDescriptor } from "../descriptor/resolve-descriptor.js";
import { NonRetriableException } from "../errors.js";
import { columnTypeText, type TableColumn } from "./column-type.js";
import { parseColumnList, parseColumnType } from "./parse-column-type.js";
import { nextFieldNumber } from "./proto-message.js";
import { tableSchemaToDescriptor, tableSchemaToDescriptorSet, tableSchemaToProto } from "./table-schema-to-proto.js";

const col = (name: string, type_text: string, nullable = true): TableColumn => ({ name, type_text, nullable });
const columnsToProtoText = (columns: TableColumn[], messageName: string) => tableSchemaToProto(columns, { messageName });
const columnsToDescriptor = (columns: TableColumn[], messageName: string): IDescriptorProto =>
  decodeDescriptorProto(tableSchemaToDescriptor(columns, { messageName }));

/** Compiles generated text with protobufjs and returns the message type. */
function compile(text: string, name: string): protobuf.Type {
  const root = protobuf.parse(text, { keepCase: true }).root;
  root.resolveAll();
  return root.lookupType(name);
}

describe("tableSchemaToProto", () => {
  test("scalar columns: types per §7.5, labels by nullability, numbered in column order", () => {
    const text = columnsToProtoText(
      [
        col("device_name", "string", false),
        col("temp", "int"),
        col("small", "smallint"),
        col("tiny", "tinyint"),
        col("big", "bigint", false),
        col("ratio", "float"),
        col("value", "double"),
        col("ok", "boolean"),
        col("blob", "binary"),
        col("day", "date"),
        col("at", "timestamp"),
        col("local_at", "timestamp_ntz"),
        col("code", "varchar(10)"),
        col("price", "decimal(10,2)"),
        col("doc", "variant"),
      ],
      "AirQuality",
    );
    assert.equal(
      text,
      [
        'syntax = "proto2";',
        "",
        "message AirQuality {",
        "  required string device_name = 1;",
        "  optional int32 temp = 2;",
        "  optional int32 small = 3;",
        "  optional int32 tiny = 4;",
        "  required int64 big = 5;",
        "  optional float ratio = 6;",
        "  optional double value = 7;",
        "  optional bool ok = 8;",
        "  optional bytes blob = 9;",
        "  optional int32 day = 10;",
        "  optional int64 at = 11;",
        "  optional int64 local_at = 12;",
        "  optional string code = 13;",
        "  optional string price = 14;",
        "  optional string doc = 15;",
        "}",
        "",
      ].join("\n"),
    );
    compile(text, "AirQuality");
  });

  test("nested struct, array of struct and map of struct become nested PascalCase messages", () => {
    const columns = [
      col("device_info", "struct<serial:string NOT NULL, location:struct<lat:double, lon:double>>"),
      col("readings", "array<struct<at:timestamp, value:double>>", false),
      col("tags", "array<string>"),
      col("attrs", "map<string,int>"),
      col("sensors", "map<bigint,struct<kind:string>>"),
    ];
    const text = columnsToProtoText(columns, "Row");
    assert.match(text, /^ {2}optional DeviceInfo device_info = 1;$/m);
    assert.match(text, /^ {2}repeated Readings readings = 2;$/m, "arrays are repeated whatever their nullability");
    assert.match(text, /^ {2}repeated string tags = 3;$/m);
    assert.match(text, /^ {2}map<string, int32> attrs = 4;$/m);
    assert.match(text, /^ {2}map<int64, Sensors> sensors = 5;$/m);
    assert.match(text, /^ {2}message DeviceInfo \{\n {4}optional string serial = 1;\n {4}optional Location location = 2;\n\n {4}message Location \{/m, "struct fields are always optional; nested structs nest further");

    const type = compile(text, "Row");
    const info = type.lookupType("DeviceInfo");
    assert.deepEqual(info.fieldsArray.map((f) => [f.name, f.id, f.type]), [["serial", 1, "string"], ["location", 2, "Location"]]);
    assert.equal(type.fields["readings"]!.repeated, true);
    assert.equal(type.fields["sensors"]!.map, true);
    assert.equal((type.fields["sensors"] as unknown as protobuf.MapField).keyType, "int64");
  });

  test("field numbers skip the reserved range 19000-19999", () => {
    assert.equal(nextFieldNumber(18998), 18999);
    assert.equal(nextFieldNumber(18999), 20000);
    assert.equal(nextFieldNumber(20000), 20001);
    const columns = Array.from({ length: 19001 }, (_, i) => col(`c${i + 1}`, "int"));
    const descriptor = columnsToDescriptor(columns, "Wide");
    const numbers = descriptor.field!.map((f) => f.number!);
    assert.equal(numbers[18997], 18998);
    assert.equal(numbers[18998], 18999);
    assert.equal(numbers[18999], 20000, "column 19000 gets number 20000");
    assert.equal(numbers[19000], 20001);
    assert.ok(numbers.every((n) => n < 19000 || n > 19999));
  });

  test("struct names: PascalCase, Struct<n> when that is no name, suffixed when taken", () => {
    const text = columnsToProtoText(
      [col("_1st", "struct<a:int>"), col("Info", "string"), col("info", "struct<b:int>"), col("tags_entry", "struct<c:int>"), col("tags", "map<string,string>")],
      "Row",
    );
    assert.match(text, /optional Struct1 _1st = 1;/);
    assert.match(text, /optional Info2 info = 3;/, "'Info' is a field name of the message, so the struct takes Info2");
    assert.match(text, /optional TagsEntry2 tags_entry = 4;/, "TagsEntry is the map entry of 'tags'");
    compile(text, "Row");
  });

  test("rejected combinations name the column", () => {
    const cases: Array<[string, RegExp]> = [
      ["array<array<int>>", /column 'x': array<array<int>> is not supported/],
      ["array<map<string,int>>", /array<map<string,int>> is not supported/],
      ["map<double,int>", /map keys must be integral, boolean or string/],
      ["map<binary,int>", /map keys/],
      ["map<struct<a:int>,int>", /map keys/],
      ["map<array<int>,int>", /map keys/],
      ["map<string,map<string,int>>", /map values cannot be maps/],
      ["map<string,array<int>>", /map values cannot be arrays/],
      ["interval day to second", /column 'x': Unknown column type 'interval day to second'/],
      ["geography", /Unknown column type/],
      ["struct<a:array<array<int>>>", /column 'x\.a': array<array<int>>/],
    ];
    for (const [type, message] of cases) {
      assert.throws(() => columnsToProtoText([col("x", type)], "Row"), (err: unknown) => err instanceof NonRetriableException && message.test(err.message), type);
    }
  });

  test("keyword and non-identifier names are refused, top level and inside structs", () => {
    for (const name of ["message", "string", "int32", "syntax", "max", "to"]) {
      assert.throws(() => columnsToProtoText([col(name, "int")], "Row"), new RegExp(`'${name}' is a protobuf keyword`));
    }
    assert.throws(() => columnsToProtoText([col("s", "struct<bytes:int>")], "Row"), /column 's\.bytes': 'bytes' is a protobuf keyword/);
    assert.throws(() => columnsToProtoText([col("1abc", "int")], "Row"), /column '1abc': the name must be letters/);
    assert.throws(() => columnsToProtoText([col("a-b", "int")], "Row"), /column 'a-b'/);
    assert.throws(() => columnsToProtoText([col("a", "int")], "air-quality"), /message name 'air-quality'/);
    // Not in the generators' list, and legal in proto2: accepted.
    compile(columnsToProtoText([col("optional", "int"), col("required", "int"), col("Message", "int")], "Row"), "Row");
  });

  test("type text is parsed case-insensitively, with spaces, and depth is limited", () => {
    const text = columnsToProtoText([col("a", "ARRAY< STRUCT<X: INT NOT NULL, Y:STRING> >"), col("m", "MAP<STRING, BIGINT>")], "Row");
    assert.match(text, /repeated A a = 1;/);
    assert.match(text, /map<string, int64> m = 2;/);
    const deep = `${"array<struct<a:".repeat(60)}int${">>".repeat(60)}`;
    assert.throws(() => columnsToProtoText([col("d", deep)], "Row"), /deeper than 100/);
  });
});

describe("tableSchemaToDescriptor", () => {
  const columns = [
    col("id", "bigint", false),
    col("info", "struct<name:string, inner:struct<v:double>>"),
    col("tags", "array<string>"),
    col("attrs", "map<string,struct<n:int>>"),
  ];

  test("matches what protobufjs makes of the generated text", () => {
    const fromText = compile(columnsToProtoText(columns, "Row"), "Row");
    const bytes = tableSchemaToDescriptor(columns, { messageName: "Row" });
    const fromDescriptor = protobuf.Type.fromDescriptor(bytes, "proto2");
    new protobuf.Root().add(fromDescriptor).resolveAll();
    const shape = (t: protobuf.Type): unknown =>
      t.fieldsArray.map((f) => [f.name, f.id, f.required, f.repeated, f.map, f.resolvedType ? shape(f.resolvedType as protobuf.Type) : f.type]);
    assert.deepEqual(shape(fromDescriptor), shape(fromText));
  });

  test("is self-contained protoc style: qualified names, map entries with map_entry", () => {
    const d = columnsToDescriptor(columns, "Row");
    assert.equal(d.field![1]!.typeName, ".Row.Info");
    assert.equal(d.field![3]!.typeName, ".Row.AttrsEntry");
    assert.equal(d.field![3]!.label, 3);
    const entry = d.nestedType!.find((n) => n.name === "AttrsEntry")!;
    assert.equal(entry.options?.mapEntry, true);
    assert.deepEqual(entry.field!.map((f) => [f.name, f.number, f.typeName]), [["key", 1, undefined], ["value", 2, ".Row.Attrs"]]);
    const info = d.nestedType!.find((n) => n.name === "Info")!;
    assert.equal(info.field![1]!.typeName, ".Row.Info.Inner");
  });

  test("a FileDescriptorSet loads back with protobufjs and encodes a record", () => {
    const root = protobuf.Root.fromDescriptor(tableSchemaToDescriptorSet(columns, { messageName: "Row", fileName: "row.proto" }), { keepCase: true });
    const Row = root.lookupType("Row");
    const message = Row.fromObject({ id: 5n, info: { name: "n", inner: { v: 1.5 } }, tags: ["a"], attrs: { k: { n: 1 } } });
    const back = Row.toObject(Row.decode(Row.encode(message).finish()), { longs: String });
    assert.deepEqual(back, { id: "5", info: { name: "n", inner: { v: 1.5 } }, tags: ["a"], attrs: { k: { n: 1 } } });
  });
});

describe("parseColumnType / parseColumnList", () => {
  test("round-trips canonical type text and reads NOT NULL, COMMENT and backquoted names", () => {
    assert.equal(columnTypeText(parseColumnType("Map<String, Array<Struct<a: Int NOT NULL, `b c`: Decimal(5, 1)>>>")), "map<string,array<struct<a:int NOT NULL,`b c`:decimal(5,1)>>>");
    const fields = parseColumnList("id BIGINT NOT NULL COMMENT 'the id', `two words` STRING, at TIMESTAMP_LTZ");
    assert.deepEqual(fields.map((f) => [f.name, columnTypeText(f.type), f.nullable, f.comment]), [
      ["id", "bigint", false, "the id"],
      ["two words", "string", true, undefined],
      ["at", "timestamp", true, undefined],
    ]);
  });

  test("errors say where", () => {
    assert.throws(() => parseColumnList("a INT,"), /expected a column name, found the end of the text \(at character 7/);
    assert.throws(() => parseColumnType("decimal(40,2)"), /invalid decimal\(40,2\)/);
    assert.throws(() => parseColumnType("array<int"), /expected ">"/);
    assert.throws(() => parseColumnList("a INT NOT"), /expected NULL/);
  });
});

describe("table schema inputs", () => {
  test("a SQL column list gives the same message as the REST columns", () => {
    const fromSql = tableSchemaToProto("device_name STRING NOT NULL, temp INT, tags ARRAY<STRING>", { messageName: "AirQuality" });
    const fromRest = tableSchemaToProto([col("device_name", "string", false), col("temp", "int"), col("tags", "array<string>")], { messageName: "AirQuality" });
    assert.equal(fromSql, fromRest);
  });

  test("type_name stands in for a missing type_text; bad input is refused with NonRetriableException", () => {
    assert.match(tableSchemaToProto([{ name: "n", type_name: "LONG" }], { messageName: "Row" }), /optional int64 n = 1;/);
    const refusals: Array<[() => unknown, RegExp]> = [
      [() => tableSchemaToProto([{ name: "n" }], { messageName: "Row" }), /column 'n' has no type_text/],
      [() => tableSchemaToProto([], { messageName: "Row" }), /no columns/],
      [() => tableSchemaToProto([col("a", "int")], undefined as unknown as { messageName: string }), /messageName/],
      [() => tableSchemaToProto(42 as unknown as string, { messageName: "Row" }), /expected an array of columns or a SQL column list/],
      [() => tableSchemaToProto("a INT,", { messageName: "Row" }), /expected a column name/],
      [() => tableSchemaToDescriptor([null as unknown as TableColumn], { messageName: "Row" }), /string 'name'/],
    ];
    for (const [call, message] of refusals) assert.throws(call, (err: unknown) => err instanceof NonRetriableException && message.test(err.message));
  });

  test("the descriptor is one TableProperties accepts: self-contained, named after the message", () => {
    const resolved = resolveDescriptor(tableSchemaToDescriptor("id BIGINT NOT NULL, info STRUCT<a: INT>, attrs MAP<STRING, STRUCT<n: INT>>", { messageName: "Row" }));
    assert.equal(resolved.messageName, "Row");
    assert.deepEqual(resolved.messageType.fieldsArray.map((f) => f.name), ["id", "info", "attrs"]);
  });
});
