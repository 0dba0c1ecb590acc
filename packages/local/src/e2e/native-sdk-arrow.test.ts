/**
 * The official TypeScript SDK 1.3.0's Arrow streams (`createArrowStream`, the Rust core's Flight DoPut)
 * write into the local service unchanged: plain, LZ4 and ZSTD bodies, and one 200,000-row batch that
 * the client splits into several frames; every row reads back. A schema declared wrong is refused at
 * `createArrowStream` with the service's reason. Skipped, with the reason, where the add-on cannot load.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as arrow from "apache-arrow";
import { readTable, type LocalService } from "@zerobus-ts/local";
import { replayDeltaLog } from "./support/delta-log-replay.js";
import { makeTempDir, rejectionOf, startService, tableDir, within } from "./support/e2e-harness.js";
import { loadNativeSdk, type NativeArrowSdk, type NativeArrowStream } from "./support/native-sdk.js";

const native = loadNativeSdk();
const COLUMNS = "device_name STRING, temp INT, humidity BIGINT NOT NULL, at TIMESTAMP, ok BOOLEAN, score DOUBLE, day DATE, raw BINARY";
/** `ArrowDataType` values of the official SDK. */
const T = { Boolean: 0, Int32: 3, Int64: 4, Float64: 10, Utf8: 11, LargeUtf8: 12, Binary: 13, Date32: 15, TimestampMicros: 17 } as const;
const FIELDS = [
  { name: "device_name", dataType: T.LargeUtf8 },
  { name: "temp", dataType: T.Int32 },
  { name: "humidity", dataType: T.Int64, nullable: false },
  { name: "at", dataType: T.TimestampMicros },
  { name: "ok", dataType: T.Boolean },
  { name: "score", dataType: T.Float64 },
  { name: "day", dataType: T.Date32 },
  { name: "raw", dataType: T.Binary },
];
const SCHEMA = new arrow.Schema([
  new arrow.Field("device_name", new arrow.LargeUtf8(), true),
  new arrow.Field("temp", new arrow.Int32(), true),
  new arrow.Field("humidity", new arrow.Int64(), false),
  new arrow.Field("at", new arrow.TimestampMicrosecond("UTC"), true),
  new arrow.Field("ok", new arrow.Bool(), true),
  new arrow.Field("score", new arrow.Float64(), true),
  new arrow.Field("day", new arrow.DateDay(), true),
  new arrow.Field("raw", new arrow.Binary(), true),
]);

/** One Arrow IPC stream of `n` rows whose humidity runs from `start` (row i has nulls where i % 7 == 0). */
function ipcBatch(start: number, n: number): Buffer {
  const ids = Array.from({ length: n }, (_, k) => start + k);
  const orNull = <V>(i: number, value: V) => (i % 7 === 0 ? null : value);
  const columns = [
    arrow.vectorFromArray(ids.map((i) => orNull(i, `sensor-${i % 100}-ü`)), new arrow.LargeUtf8()),
    arrow.vectorFromArray(ids.map((i) => orNull(i, (i % 80) - 40)), new arrow.Int32()),
    arrow.makeVector(BigInt64Array.from(ids, (i) => BigInt(i))),
    withNulls(new arrow.TimestampMicrosecond("UTC"), BigInt64Array.from(ids, (i) => BigInt(i) * 1_000_003n), ids),
    arrow.vectorFromArray(ids.map((i) => orNull(i, i % 2 === 0)), new arrow.Bool()),
    arrow.vectorFromArray(ids.map((i) => orNull(i, i / 8)), new arrow.Float64()),
    withNulls(new arrow.DateDay(), Int32Array.from(ids, (i) => i % 20_000), ids),
    arrow.vectorFromArray(ids.map((i) => orNull(i, Uint8Array.of(i % 256, 7))), new arrow.Binary()),
  ];
  const data = arrow.makeData({ type: new arrow.Struct(SCHEMA.fields), length: n, nullCount: 0, children: columns.map((c) => c.data[0]!) });
  return Buffer.from(arrow.tableToIPC(new arrow.Table([new arrow.RecordBatch(SCHEMA, data)]), "stream"));
}

/** A fixed-width column of `values`, null where the row number is a multiple of 7. */
function withNulls(type: arrow.DataType, values: BigInt64Array | Int32Array, ids: number[]): arrow.Vector {
  const nullBitmap = new Uint8Array(Math.ceil(ids.length / 8));
  ids.forEach((i, k) => {
    if (i % 7 !== 0) nullBitmap[k >> 3]! |= 1 << (k & 7);
  });
  const nullCount = ids.filter((i) => i % 7 === 0).length;
  return arrow.makeVector(arrow.makeData({ type, length: ids.length, nullCount, nullBitmap, data: values } as never));
}

/** What row `i` reads back as. */
function expectedRow(i: number): Record<string, unknown> {
  if (i % 7 === 0) return { device_name: null, temp: null, humidity: BigInt(i), at: null, ok: null, score: null, day: null, raw: null };
  return { device_name: `sensor-${i % 100}-ü`, temp: (i % 80) - 40, humidity: BigInt(i), at: BigInt(i) * 1_000_003n, ok: i % 2 === 0, score: i / 8, day: i % 20_000, raw: Uint8Array.of(i % 256, 7) };
}

describe("official native SDK Arrow streams against the local service", () => {
  let service: LocalService;
  let sdk: NativeArrowSdk;
  let temp: { dir: string; remove: () => Promise<void> };
  before(async () => {
    if (!("module" in native)) return;
    temp = await makeTempDir();
    service = await startService(temp.dir);
    sdk = new native.module.ZerobusSdk(service.serverEndpoint, service.workspaceUrl) as unknown as NativeArrowSdk;
  });
  after(async () => {
    await service?.close();
    await temp?.remove();
  });

  const open = (table: string, ipcCompression?: number, fields: object[] = FIELDS): Promise<NativeArrowStream> =>
    sdk.createArrowStream({ tableName: table, schemaFields: fields }, service.clientId, service.clientSecret, { ipcCompression, recoveryRetries: 0 });

  it("plain, LZ4 and ZSTD batches and a 200,000-row batch (several frames) all read back", async (t) => {
    if (!("module" in native)) return t.skip(`official native SDK unavailable: ${native.reason}`);
    const name = "main.e2e.native_arrow";
    await service.createTable(name, COLUMNS);
    let next = 0;
    for (const compression of [undefined, 0, 1]) {
      const stream = await within(15_000, open(name, compression), "native createArrowStream");
      for (let b = 0; b < 3; b++) {
        assert.equal(await stream.ingestBatch(ipcBatch(next, 1_000)), BigInt(b), "logical offsets count ingestBatch calls");
        next += 1_000;
      }
      if (compression === undefined) {
        // About 10 MB of IPC: the client cuts it into frames of at most 2 MiB, offset_ids 3, 4, …
        assert.equal(await stream.ingestBatch(ipcBatch(next, 200_000)), 3n);
        next += 200_000;
      }
      await within(30_000, stream.flush(), "native flush");
      await within(15_000, stream.close(), "native close");
    }
    // Each stream's txn holds its last wire offset_id: the plain stream's shows the big batch's frames.
    const txns = [...(await replayDeltaLog(tableDir(temp.dir, name))).txns.values()].sort((a, b) => Number(b - a));
    assert.equal(txns.length, 3, "one server stream per createArrowStream");
    assert.ok(txns[0]! >= 5n, `the 200,000-row batch came as several frames (last offset_id ${txns[0]})`);
    assert.deepEqual(txns.slice(1), [2n, 2n], "three 1,000-row batches, one frame each");
    const table = await readTable(tableDir(temp.dir, name));
    assert.equal(table.rows.length, next);
    const byHumidity = [...table.rows].sort((a, b) => Number(a.humidity) - Number(b.humidity));
    byHumidity.forEach((row, i) => {
      if (i % 997 === 0 || i < 20 || i >= next - 20) assert.deepEqual({ ...row, raw: row.raw === null ? null : Uint8Array.from(row.raw as Uint8Array) }, expectedRow(i), `row ${i}`);
      else assert.equal(row.humidity, BigInt(i));
    });
  });

  it("a schema declared wrong is refused at createArrowStream, with the service's reason", async (t) => {
    if (!("module" in native)) return t.skip(`official native SDK unavailable: ${native.reason}`);
    const name = "main.e2e.native_arrow_wrong";
    await service.createTable(name, COLUMNS);
    const wrong = [{ name: "device_name", dataType: T.Utf8 }, { name: "temp", dataType: T.Int64 }, ...FIELDS.slice(2)];
    const err = await rejectionOf(open(name, undefined, wrong), "createArrowStream with a wrong schema");
    // "Arrow schema does not match the target table" is how the official core reports an InvalidSchema: it
    // found the ErrorInfo (SCHEMA_VALIDATION_FAILED) in the status details and did not retry.
    assert.match(err.message, /^Failed to create arrow stream: Arrow schema does not match the target table: Arrow Flight schema validation failed for table 'main\.e2e\.native_arrow_wrong': field 'temp' is Int64, which cannot be written to column 'temp' of type INT/);
  });
});
