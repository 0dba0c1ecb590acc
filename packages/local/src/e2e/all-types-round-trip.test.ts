/**
 * SDK → service → Delta → read back independently: rows of every supported type go in through the real SDK
 * (PROTO with a protobufjs descriptor, and JSON), and come back out of the Parquet files the Delta log names,
 * read four ways — the log replayed by the test itself, `readTable`, hyparquet and DuckDB — equal to what
 * was sent. DuckDB also checks the physical layout: TIMESTAMP adjusted to UTC, column statistics present.
 */
import assert from "node:assert/strict";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { readTable, type LocalService, type Row } from "@zerobus-ts/local";
import { RecordType, TableProperties, ZerobusSdk, type ZerobusStream } from "@zerobus-ts/sdk";
import { afterProto, ALL_TYPES_COLUMNS, AllTypes, allTypesRows, toJsonObject, toProtoObject } from "./support/all-types-table.js";
import { canonicalRows, decimalsAsHyparquetFloats, sortById } from "./support/canonical-rows.js";
import { replayDeltaLog, isContiguousFromZero, type LoggedAdd } from "./support/delta-log-replay.js";
import { fileList, openDuckDb, type DuckDb } from "./support/duckdb-files.js";
import { makeTempDir, startService, tableDir, within } from "./support/e2e-harness.js";
import { readRowsWithHyparquet } from "./support/hyparquet-rows.js";

const ROWS = 60;

/** Sends the first 20 records one by one and the rest in batches of 10, then closes the stream. */
async function ingestAll(stream: ZerobusStream, records: readonly unknown[]): Promise<void> {
  for (const record of records.slice(0, 20)) await stream.ingestRecordOffset(record);
  for (let n = 20; n < records.length; n += 10) await stream.ingestRecordsOffset(records.slice(n, n + 10));
  await within(10_000, stream.close(), "close");
}

/**
 * Checks one file's Delta statistics against what DuckDB computes from the file itself: exact counts,
 * null counts and int64/int32/date bounds; timestamp bounds may be rounded to milliseconds, but outward
 * only (the minimum down, the maximum up), so that data skipping never skips a matching file.
 */
async function checkAddStats(duck: DuckDb, file: string, add: LoggedAdd): Promise<void> {
  const [actual] = await duck.query(`
    SELECT count(*)::INTEGER AS n, min(id)::VARCHAR AS min_id, max(id)::VARCHAR AS max_id, min(i) AS min_i, max(i) AS max_i,
      strftime(min(day), '%Y-%m-%d') AS min_day, strftime(max(day), '%Y-%m-%d') AS max_day,
      epoch_us(min(ts)) AS min_ts, epoch_us(max(ts)) AS max_ts, (count(*) - count(s))::INTEGER AS null_s, (count(*) - count(ts))::INTEGER AS null_ts
    FROM read_parquet(${fileList([file])})`);
  const stats = add.stats!;
  assert.equal(stats.numRecords, actual!.n);
  // Exact int64 bounds, read from the stats text (JSON.parse would round them beyond 2^53).
  assert.equal(/"minValues":\{"id":(-?\d+)/.exec(add.statsText!)?.[1], actual!.min_id);
  assert.equal(/"maxValues":\{"id":(-?\d+)/.exec(add.statsText!)?.[1], actual!.max_id);
  assert.deepEqual([stats.minValues!.i, stats.maxValues!.i, stats.minValues!.day, stats.maxValues!.day], [actual!.min_i, actual!.max_i, actual!.min_day, actual!.max_day]);
  assert.deepEqual([stats.nullCount!.s, stats.nullCount!.ts], [actual!.null_s, actual!.null_ts]);
  const minTs = BigInt(Date.parse(stats.minValues!.ts as string)) * 1000n;
  const maxTs = BigInt(Date.parse(stats.maxValues!.ts as string)) * 1000n;
  const [lo, hi] = [actual!.min_ts as bigint, actual!.max_ts as bigint];
  assert.ok(minTs <= lo && lo - minTs < 1000n, `ts min stat ${String(stats.minValues!.ts)} vs ${lo} µs`);
  assert.ok(maxTs >= hi && maxTs - hi < 1000n, `ts max stat ${String(stats.maxValues!.ts)} vs ${hi} µs`);
}

/** Reads the table every way there is and checks each against `expected`. Returns the files. */
async function checkReadBack(dir: string, expected: readonly Row[], duck: DuckDb): Promise<string[]> {
  const replay = await replayDeltaLog(dir);
  assert.ok(isContiguousFromZero(replay.versions), `versions ${replay.versions.join(",")}`);
  const files = replay.liveFiles.map((add) => join(dir, add.path));
  for (const [n, add] of replay.liveFiles.entries()) {
    assert.equal((await stat(files[n]!)).size, add.size, add.path);
    await checkAddStats(duck, files[n]!, add);
  }
  assert.equal(replay.liveFiles.reduce((sum, add) => sum + (add.stats?.numRecords ?? NaN), 0), expected.length, "numRecords in the add stats");

  const table = await readTable(dir);
  assert.equal(table.version, replay.versions.at(-1));
  assert.deepEqual([...table.files].sort(), [...files].sort(), "readTable reads exactly the files the log names");
  const want = canonicalRows(expected, table.fields);
  assert.deepEqual(canonicalRows(table.rows, table.fields), want, "readTable");
  const viaHyparquet = canonicalRows(await readRowsWithHyparquet(files, table.fields), table.fields);
  assert.deepEqual(viaHyparquet, decimalsAsHyparquetFloats(want, table.fields), "hyparquet");
  assert.deepEqual(sortById(await duck.readRows(files, table.fields)), want, "DuckDB read_parquet");
  return files;
}

describe("all types, SDK → local service → Delta → independent readers", () => {
  let service: LocalService;
  let sdk: ZerobusSdk;
  let duck: DuckDb;
  let temp: { dir: string; remove: () => Promise<void> };
  before(async () => {
    temp = await makeTempDir();
    service = await startService(temp.dir);
    sdk = new ZerobusSdk(service.serverEndpoint, service.workspaceUrl);
    duck = await openDuckDb();
  });
  after(async () => {
    duck?.close();
    sdk?.close();
    await service?.close();
    await temp?.remove();
  });

  it("PROTO (protobufjs descriptor, OAuth): every row reads back exactly, from every reader", async () => {
    const name = "main.e2e.all_types_proto";
    await service.createTable(name, ALL_TYPES_COLUMNS);
    const rows = allTypesRows(ROWS);
    const stream = await sdk.createStream(service.clientId, service.clientSecret, new TableProperties(name, AllTypes), { recordType: RecordType.PROTO });
    await ingestAll(stream, rows.map(toProtoObject));
    await checkReadBack(tableDir(temp.dir, name), rows.map(afterProto), duck);
  });

  it("JSON (objects with bigint, base64, ISO dates and timestamps, decimal text): every row reads back exactly", async () => {
    const name = "main.e2e.all_types_json";
    await service.createTable(name, ALL_TYPES_COLUMNS);
    const rows = allTypesRows(ROWS, 1_000n);
    // JSON can also say NULL inside an array and as a map value, which protobuf cannot.
    Object.assign(rows[4]!, { tags: ["x", null, ""], attrs: [["n", null], ["k", -1n]] });
    const stream = await sdk.createStream({ tableName: name }, service.clientId, service.clientSecret, { recordType: RecordType.Json });
    await ingestAll(stream, rows.map(toJsonObject));
    const files = await checkReadBack(tableDir(temp.dir, name), rows, duck);

    // The physical layout, as DuckDB sees it: timestamps are UTC-adjusted microseconds, NTZ ones are not.
    const types = await duck.query(`SELECT column_name, column_type FROM (DESCRIBE SELECT ts, ntz FROM read_parquet(${fileList(files)}))`);
    assert.deepEqual(types.map((t) => [t.column_name, t.column_type]), [["ts", "TIMESTAMP WITH TIME ZONE"], ["ntz", "TIMESTAMP"]]);
    const schema = await duck.query(`SELECT name, type, logical_type FROM parquet_schema(${fileList(files.slice(0, 1))}) WHERE name IN ('ts', 'ntz')`);
    const ts = schema.find((s) => s.name === "ts")!;
    assert.equal(ts.type, "INT64");
    assert.match(String(ts.logical_type), /TimestampType\(isAdjustedToUTC=(1|true)/i);
    assert.match(String(ts.logical_type), /MICROS=MicroSeconds\(\)/);
    assert.match(String(schema.find((s) => s.name === "ntz")!.logical_type), /isAdjustedToUTC=(0|false)/i);

    // Column statistics exist in every file, for the key and the timestamp.
    const stats = await duck.query(
      `SELECT path_in_schema AS col, stats_min, stats_max, stats_null_count FROM parquet_metadata(${fileList(files)}) WHERE path_in_schema IN ('id', 'ts')`,
    );
    assert.equal(stats.length, files.length * 2);
    for (const s of stats) assert.ok(s.stats_min !== null && s.stats_max !== null && s.stats_null_count !== null, `stats of ${String(s.col)}`);
    const replay = await replayDeltaLog(tableDir(temp.dir, name));
    for (const add of replay.liveFiles) {
      assert.ok(add.stats?.minValues?.ts !== undefined && add.stats?.maxValues?.ts !== undefined, `Delta stats of ts in ${add.path}`);
    }
  });
});
