/**
 * DoPut into a table with ARRAY, MAP and STRUCT columns, driven by a bare client: the canonical Arrow
 * types (List `item`, Map `entries{keys, values}`) and Arrow's default names (`key_value{key, value}`)
 * both write, nulls at every level read back; a nested child of the wrong type, nullable map keys and
 * list offsets past the elements are each refused on their own call while another DoPut goes on.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { status, type StatusObject } from "@grpc/grpc-js";
import * as arrow from "apache-arrow";
import { createDeltaTable, lintDeltaTable, loadSnapshot, readTable } from "../delta/index.js";
import { parseColumnList } from "../schema/parse-sql-type.js";
import { decodeStatusDetails } from "../service/test-support/decode-rpc-status.js";
import { within } from "../service/test-support/raw-zerobus-client.js";
import { startTestService, type TestService } from "../service/test-support/service-fixture.js";
import { readIpcMessage } from "./ipc-message.js";
import { ipcFrames, RawFlightClient, type RawPut } from "./test-support/raw-flight-client.js";

const TABLE = "main.default.nested";
const COLUMNS = "id BIGINT NOT NULL, tags ARRAY<STRING>, attrs MAP<STRING, BIGINT>, info STRUCT<a: INT, b: STRING>";
const offsetMeta = (n: number) => `{"offset_id":${n}}`;

const f = (name: string, type: arrow.DataType, nullable = true) => new arrow.Field(name, type, nullable);
const mapOf = (entries: string, key: string, value: string, keyNullable = false) =>
  new arrow.Map_(f(entries, new arrow.Struct([f(key, new arrow.LargeUtf8(), keyNullable), f(value, new arrow.Int64())]), false) as never, false);
const CANONICAL = [
  f("id", new arrow.Int64(), false),
  f("tags", new arrow.List(f("item", new arrow.LargeUtf8()))),
  f("attrs", mapOf("entries", "keys", "values")),
  f("info", new arrow.Struct([f("a", new arrow.Int32()), f("b", new arrow.LargeUtf8())])),
];
const DEFAULT_NAMES = [CANONICAL[0]!, f("tags", new arrow.List(f("element", new arrow.Utf8()))), f("attrs", mapOf("key_value", "key", "value")), CANONICAL[3]!];

/** Row i's values as sent (and as read back: maps as entry pairs). */
function value(i: number) {
  const tags = i % 5 === 0 ? null : i % 5 === 1 ? [] : [`t${i}`, i % 5 === 2 ? null : "ü"];
  const attrs = i % 4 === 0 ? null : i % 4 === 1 ? [] : ([["k", BigInt(i)], ["n", i % 4 === 2 ? null : -1n]] as Array<[string, bigint | null]>);
  const info = i % 3 === 0 ? null : { a: i % 3 === 1 ? null : i, b: `b${i}` };
  return { id: BigInt(i), tags, attrs, info };
}

function batch(fields: arrow.Field[], start: number, n: number): arrow.Table {
  const schema = new arrow.Schema(fields);
  const ids = Array.from({ length: n }, (_, k) => start + k);
  const columns = [
    arrow.makeVector(BigInt64Array.from(ids, BigInt)),
    arrow.vectorFromArray(ids.map((i) => value(i).tags), fields[1]!.type),
    arrow.vectorFromArray(ids.map((i) => { const a = value(i).attrs; return a === null ? null : new Map(a); }), fields[2]!.type),
    arrow.vectorFromArray(ids.map((i) => value(i).info), fields[3]!.type),
  ];
  const data = arrow.makeData({ type: new arrow.Struct(fields), length: n, nullCount: 0, children: columns.map((c) => c.data[0]!) });
  return new arrow.Table([new arrow.RecordBatch(schema, data)]);
}

describe("Arrow Flight DoPut with nested columns", () => {
  let t: TestService;
  let flight: RawFlightClient;
  let token: string;
  before(async () => {
    t = await startTestService();
    await t.service.createTable(TABLE, COLUMNS);
    token = t.service.issueToken({ scopes: [TABLE] });
    flight = new RawFlightClient(t.service.serverEndpoint);
  });
  after(async () => {
    flight.close();
    await t.close();
  });

  async function openReady(fields: arrow.Field[]): Promise<RawPut> {
    const put = flight.open({ token, table: TABLE });
    put.send({ dataHeader: ipcFrames(batch(fields, 0, 1)).schema });
    assert.deepEqual(await within(5000, put.next(), "ready signal"), { ack_up_to_offset: -1, ack_up_to_records: 0 });
    return put;
  }

  async function refusal(send: (put: RawPut) => void | Promise<void>): Promise<StatusObject> {
    const put = flight.open({ token, table: TABLE });
    await send(put);
    return within(5000, put.status, "the call's status");
  }

  it("writes canonical and default-named nested types; refuses wrong children, nullable keys and bad offsets alone", async () => {
    const canonical = await openReady(CANONICAL);
    const first = ipcFrames(batch(CANONICAL, 0, 600)).batches[0]!;
    canonical.send({ dataHeader: first.header, dataBody: first.body, appMetadata: offsetMeta(0) });
    assert.deepEqual(await within(30_000, canonical.next(), "first ack"), { ack_up_to_offset: 0, ack_up_to_records: 600 });

    const defaults = await openReady(DEFAULT_NAMES);
    const other = ipcFrames(batch(DEFAULT_NAMES, 600, 400)).batches[0]!;
    defaults.send({ dataHeader: other.header, dataBody: other.body, appMetadata: offsetMeta(0) });
    assert.deepEqual(await within(10_000, defaults.next(), "default-named ack"), { ack_up_to_offset: 0, ack_up_to_records: 400 });
    defaults.end();
    assert.equal((await within(5000, defaults.status, "clean end")).code, status.OK);

    const wrongChild = await refusal((p) => p.send({ dataHeader: ipcFrames(batch([CANONICAL[0]!, f("tags", new arrow.List(f("item", new arrow.Int64()))), ...CANONICAL.slice(2)], 0, 1)).schema }));
    assert.equal(wrongChild.code, status.INVALID_ARGUMENT);
    assert.match(wrongChild.details, /field 'tags\.item' is Int64, which cannot be written to 'tags\.item' of type STRING \(expected LargeUtf8 or Utf8\).*Error Code: 8001/);
    assert.equal(decodeStatusDetails(wrongChild.metadata)?.errorInfo?.metadata["causes"], "TYPE_INCOMPATIBLE");

    const nullableKeys = await refusal((p) => p.send({ dataHeader: ipcFrames(batch([...CANONICAL.slice(0, 2), f("attrs", mapOf("entries", "keys", "values", true)), CANONICAL[3]!], 0, 1)).schema }));
    assert.equal(nullableKeys.code, status.INVALID_ARGUMENT);
    // (apache-arrow names a Map's children entries/key/value whatever was declared, on both sides.)
    assert.match(nullableKeys.details, /field 'attrs\.entries\.key' is nullable but map keys must be NOT NULL/);

    // A List whose last offset points past its elements: the header is valid, the body lies.
    const frames = ipcFrames(batch(CANONICAL, 0, 10));
    const good = frames.batches[0]!;
    const message = readIpcMessage(good.header);
    assert.ok(message.kind === "record-batch");
    const offsetsRegion = message.header.buffers[3]!; // id: validity, data; tags: validity, offsets
    const body = Buffer.from(good.body);
    body.writeInt32LE(1_000_000, offsetsRegion.offset + 10 * 4);
    const outOfBounds = await refusal(async (p) => {
      p.send({ dataHeader: frames.schema });
      await p.next();
      p.send({ dataHeader: good.header, dataBody: body, appMetadata: offsetMeta(0) });
    });
    assert.equal(outOfBounds.code, status.INVALID_ARGUMENT);
    assert.match(outOfBounds.details, /RecordBatch at offset_id 0 is invalid: field 'tags': offsets reach value 1000000 of 'tags\.item', which has \d+.*Error Code: 4050/);

    // The first DoPut goes on.
    const second = ipcFrames(batch(CANONICAL, 1000, 200)).batches[0]!;
    canonical.send({ dataHeader: second.header, dataBody: second.body, appMetadata: offsetMeta(1) });
    assert.deepEqual(await within(10_000, canonical.next(), "second ack"), { ack_up_to_offset: 1, ack_up_to_records: 800 });
    canonical.end();
    assert.equal((await within(5000, canonical.status, "clean end")).code, status.OK);

    const dir = `${t.service.dataDir}/main/default/nested`;
    const rows = [...(await readTable(dir)).rows].sort((a, b) => Number(a.id) - Number(b.id));
    assert.equal(rows.length, 1200);
    rows.forEach((row, i) => assert.deepEqual(row, value(i), `row ${i}`));
    assert.deepEqual(await lintDeltaTable(dir), []);
  });

  it("splits a partitioned table's batch by partition, and refuses a batch of more than 1,000 partitions", async () => {
    const name = "main.default.by_k";
    await createDeltaTable(`${t.service.dataDir}/main/default/by_k`, { fields: parseColumnList("id BIGINT, k INT"), partitionColumns: ["k"] });
    const putToken = t.service.issueToken({ scopes: [name] });
    const schema = new arrow.Schema([f("id", new arrow.Int64()), f("k", new arrow.Int32())]);
    const frame = (n: number, kOf: (i: number) => number) => {
      const data = arrow.makeData({ type: new arrow.Struct(schema.fields), length: n, nullCount: 0, children: [
        arrow.makeData({ type: new arrow.Int64(), length: n, data: BigInt64Array.from({ length: n }, (_, i) => BigInt(i)) }),
        arrow.makeData({ type: new arrow.Int32(), length: n, data: Int32Array.from({ length: n }, (_, i) => kOf(i)) }),
      ] as arrow.Data[] });
      return ipcFrames(new arrow.Table([new arrow.RecordBatch(schema, data)]));
    };
    const open = async () => {
      const put = flight.open({ token: putToken, table: name });
      put.send({ dataHeader: frame(1, () => 0).schema });
      await within(5000, put.next(), "ready");
      return put;
    };
    const tooMany = await open();
    const wide = frame(1001, (i) => i).batches[0]!;
    tooMany.send({ dataHeader: wide.header, dataBody: wide.body, appMetadata: offsetMeta(0) });
    const refused = await within(5000, tooMany.status, "refusal");
    assert.equal(refused.code, status.INVALID_ARGUMENT);
    assert.match(refused.details, /more than 1000 partitions \(of k\).*Error Code: 4050/);

    const good = await open();
    const mixed = frame(30, (i) => i % 3).batches[0]!;
    good.send({ dataHeader: mixed.header, dataBody: mixed.body, appMetadata: offsetMeta(0) });
    assert.deepEqual(await within(10_000, good.next(), "ack"), { ack_up_to_offset: 0, ack_up_to_records: 30 });
    good.end();
    await within(5000, good.status, "end");
    const dir = `${t.service.dataDir}/main/default/by_k`;
    assert.deepEqual((await loadSnapshot(dir)).files.map((file) => file.partitionValues["k"]).sort(), ["0", "1", "2"]);
    const rows = (await readTable(dir)).rows.map((r) => [Number(r.id), r.k as number]).sort((a, b) => a[0]! - b[0]!);
    assert.deepEqual(rows, Array.from({ length: 30 }, (_, i) => [i, i % 3]));
  });
});
