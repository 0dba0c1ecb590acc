import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import * as arrow from "apache-arrow";
import * as parquet from "parquet-wasm";
import { startServiceFixture, type ServiceFixture } from "../test-support/local-service-fixture.js";
import { runZerobus, startZerobus, waitForExit, type ZerobusProcess } from "../test-support/run-zerobus.js";

const COLUMNS = "device_name STRING NOT NULL, temp INT, humidity BIGINT, note STRING";

const names = (values: Array<string | null>) => arrow.vectorFromArray(values, new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()));
const ints = (values: Array<number | null>) => arrow.vectorFromArray(values, new arrow.Int32());
const bigints = (values: Array<bigint | null>) => arrow.vectorFromArray(values, new arrow.Int64());

/** Parquet bytes of `table`, `rowsPerGroup` rows per row group. */
function parquetOf(table: arrow.Table, rowsPerGroup: number): Uint8Array {
  const properties = new parquet.WriterPropertiesBuilder().setMaxRowGroupSize(rowsPerGroup).build();
  return parquet.writeParquet(parquet.Table.fromIPCStream(arrow.tableToIPC(table, "stream")), properties);
}

describe("zerobus ingest of Parquet and Arrow IPC files (real binary against a local service)", { timeout: 90_000 }, () => {
  let fx: ServiceFixture;
  before(async () => {
    fx = await startServiceFixture();
  });
  after(async () => {
    await fx.close();
  });
  const file = async (name: string, bytes: Uint8Array | string) => {
    const path = join(fx.workDir, name);
    await writeFile(path, bytes);
    return path;
  };
  const ingest = (...args: string[]) => runZerobus(["ingest", ...args], { env: fx.env });
  const devices = async (table: string) => (await fx.rows(table)).map((r) => r["device_name"]);

  test("Parquet with ARRAY, MAP and STRUCT columns (nulls at every level) goes through the Arrow stream into a nested table", async () => {
    await fx.service.createTable("main.default.columnar_nested", "id BIGINT NOT NULL, tags ARRAY<STRING>, attrs MAP<STRING, BIGINT>, info STRUCT<a: INT, b: STRING>");
    const tagsType = new arrow.List(new arrow.Field("item", new arrow.Utf8(), true));
    const entries = new arrow.Struct([new arrow.Field("key", new arrow.Utf8(), false), new arrow.Field("value", new arrow.Int64(), true)]);
    const attrsType = new arrow.Map_(new arrow.Field("entries", entries, false) as never);
    const infoType = new arrow.Struct([new arrow.Field("a", new arrow.Int32(), true), new arrow.Field("b", new arrow.Utf8(), true)]);
    const table = new arrow.Table({
      id: bigints([1n, 2n, 3n]),
      tags: arrow.vectorFromArray([["x", null], null, []], tagsType),
      attrs: arrow.vectorFromArray([new Map([["k", 1n]]), new Map([["n", null]]), null], attrsType),
      info: arrow.vectorFromArray([{ a: 1, b: "one" }, null, { a: null, b: "three" }], infoType),
    });
    const result = await ingest("--table", "main.default.columnar_nested", await file("nested.parquet", parquetOf(table, 2)));
    assert.equal(result.code, 0, result.stderr);
    const rows = (await fx.rows("main.default.columnar_nested")).map((r) => [r["id"], r["tags"], r["attrs"], r["info"]]);
    // The reader gives maps as their entries, [key, value] pairs.
    assert.deepEqual(rows, [
      [1n, ["x", null], [["k", 1n]], { a: 1, b: "one" }],
      [2n, null, [["n", null]], null],
      [3n, [], null, { a: null, b: "three" }],
    ]);
  });

  test("Parquet (several row groups), Arrow file and Arrow stream files, converted to the table's types", async () => {
    await fx.service.createTable("main.default.columnar", COLUMNS);
    // Dictionary strings, INT widened to BIGINT, a column in another case and order, a nullable column absent.
    const pq = await file("a.parquet", parquetOf(new arrow.Table({ Humidity: ints([1, null, 3, 4, 5]), device_name: names(["p1", "p2", "p3", "p4", "p5"]), temp: ints([10, 11, null, 13, 14]) }), 2));
    const ipcFile = await file("b.arrow", arrow.tableToIPC(new arrow.Table({ device_name: names(["f1", "f2"]), note: arrow.vectorFromArray(["x", null], new arrow.Utf8()) }), "file"));
    // Three one-row batches, sent in groups of two (one ingest call each).
    const oneRow = (name: string, humidity: bigint) => new arrow.Table({ device_name: arrow.vectorFromArray([name], new arrow.Utf8()), humidity: bigints([humidity]) }).batches[0]!;
    const ipcStream = await file("c.arrows", arrow.tableToIPC(new arrow.Table([oneRow("s1", 9_007_199_254_740_993n), oneRow("s2", 2n), oneRow("s3", 3n)]), "stream"));
    const result = await ingest("--table", "main.default.columnar", "--batch-size", "2", pq, ipcFile, ipcStream);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^ingested 10 rows into main\.default\.columnar from 3 file\(s\) in \d+\.\d s \(\d+ rows\/s\)\n$/);
    const rows = (await fx.rows("main.default.columnar")).map((r) => [r["device_name"], r["temp"], r["humidity"], r["note"]]);
    assert.deepEqual(rows, [
      ["p1", 10, 1n, null],
      ["p2", 11, null, null],
      ["p3", null, 3n, null],
      ["p4", 13, 4n, null],
      ["p5", 14, 5n, null],
      ["f1", null, null, "x"],
      ["f2", null, null, null],
      ["s1", null, 9_007_199_254_740_993n, null],
      ["s2", null, 2n, null],
      ["s3", null, 3n, null],
    ]);
  });

  test("bad files stop at the file and row with every row before it in the table; --skip resumes", async () => {
    const tables = ["corrupt", "columns", "value", "skip"].map((t) => `main.default.${t}`);
    await Promise.all(tables.map((t) => fx.service.createTable(t, COLUMNS)));
    const good = await file("good.arrows", arrow.tableToIPC(new arrow.Table({ device_name: names(["g1", "g2", "g3"]) }), "stream"));
    const bytes = parquetOf(new arrow.Table({ device_name: names(["z1"]) }), 10);
    const corrupt = await file("corrupt.parquet", bytes.subarray(0, bytes.length - 12));
    const colour = await file("colour.parquet", parquetOf(new arrow.Table({ device_name: names(["c1"]), colour: names(["red"]) }), 10));
    const tooBig = await file("big.arrow", arrow.tableToIPC(new arrow.Table({ device_name: names(["v1", "v2", "v3"]), temp: bigints([1n, 2n, 2n ** 40n]) }), "file"));
    const [corruptRun, columnsRun, valueRun, beyondRun] = await Promise.all([
      ingest("--table", tables[0]!, good, corrupt),
      ingest("--table", tables[1]!, good, colour),
      ingest("--table", tables[2]!, tooBig),
      ingest("--table", tables[3]!, "--skip", "4", good),
    ]);
    assert.equal(corruptRun.code, 1);
    assert.match(corruptRun.stderr, /corrupt\.parquet: row 1: cannot read the file: .*\nEvery row before it is in the table; after fixing it, resume with --skip 3\.\n$/);
    assert.equal(columnsRun.code, 1);
    assert.match(columnsRun.stderr, /colour\.parquet: row 1: the file's columns do not fit the table: column 'colour' is not in the table \(its columns: device_name, temp, humidity, note\)\n.*--skip 3\.\n$/);
    assert.equal(valueRun.code, 1);
    assert.match(valueRun.stderr, /big\.arrow: row 3: column 'temp': 1099511627776 does not fit Int32\n.*--skip 2\.\n$/);
    assert.equal(beyondRun.code, 1);
    assert.match(beyondRun.stderr, /--skip 4 is beyond the 3 rows of the given file\(s\): nothing was sent/);
    assert.deepEqual(await devices(tables[0]!), ["g1", "g2", "g3"]);
    assert.deepEqual(await devices(tables[1]!), ["g1", "g2", "g3"]);
    assert.deepEqual(await devices(tables[2]!), ["v1", "v2"], "the rows before the bad one in its batch are in");
    assert.deepEqual(await devices(tables[3]!), []);

    const resumed = await ingest("--table", tables[3]!, "--skip", "2", good);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /^ingested 1 rows .*skipped the first 2\)\n$/);
    assert.deepEqual(await devices(tables[3]!), ["g3"]);
  });

  test("command lines that cannot work exit 2 before anything is sent", async () => {
    const orc = await file("data.orc", "ORC");
    const csv = await file("rows.csv", "device_name\nx\n");
    const arrows = await file("one.arrows", arrow.tableToIPC(new arrow.Table({ device_name: names(["o"]) }), "stream"));
    const [unsupported, mixed, proto] = await Promise.all([
      ingest("--table", "main.default.x", orc),
      ingest("--table", "main.default.x", csv, arrows),
      ingest("--table", "main.default.x", "--proto", csv, "--message", "M", arrows),
    ]);
    for (const result of [unsupported, mixed, proto]) assert.equal(result.code, 2, result.stderr);
    assert.match(unsupported.stderr, /cannot ingest '.*data\.orc': \.orc files are not supported/);
    assert.match(mixed.stderr, /give Parquet\/Arrow files and JSON Lines\/CSV files in separate runs/);
    assert.match(proto.stderr, /Parquet and Arrow files are sent as Arrow/);
  });
});

/** Resolves once stderr shows a progress line with at least `rows` rows handed to the stream. */
function progressPast(run: ZerobusProcess, rows: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const sent = [...run.stderr().matchAll(/ingest: \d+%, ([\d,]+) records/g)].map((m) => Number(m[1]!.replaceAll(",", "")));
      if (!sent.some((n) => n >= rows)) return;
      cleanup();
      resolve();
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no progress within ${timeoutMs} ms\nstderr: ${run.stderr()}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      run.child.stderr!.off("data", check);
    };
    run.child.stderr!.on("data", check);
    check();
  });
}

describe("zerobus ingest of a Parquet file when the service goes away", { timeout: 60_000 }, () => {
  let fx: ServiceFixture;
  before(async () => {
    fx = await startServiceFixture();
  });
  after(async () => {
    await fx.close();
  });

  test("names the first row not acknowledged; every row before it is in the table", async () => {
    await fx.service.createTable("main.default.cut", COLUMNS);
    const rows = 400_000;
    const table = new arrow.Table({ device_name: arrow.vectorFromArray(Array.from({ length: rows }, (_, i) => `d${i}`), new arrow.Utf8()) });
    const path = join(fx.workDir, "long.parquet");
    await writeFile(path, parquetOf(table, 50_000));
    // One 1,000-row batch in flight at a time, so the run is still going when the service stops.
    const run = startZerobus(["ingest", "--table", "main.default.cut", "--batch-size", "1000", "--max-inflight", "1000", "--progress-interval", "50ms", path], { env: fx.env });
    try {
      // With one batch in flight, the second batch is handed over only once the first is acknowledged.
      await progressPast(run, 2_000, 30_000);
      await fx.stopService();
      const result = await waitForExit(run, 45_000);
      assert.equal(result.code, 1, result.stderr);
      const match = /the stream failed at .*long\.parquet: row ([\d,]+): .*\nEvery row before it is in the table; later ones may be in part\. Resume with --skip (\d+) /.exec(result.stderr);
      assert.ok(match, result.stderr);
      const skip = Number(match[2]);
      assert.equal(Number(match[1]!.replaceAll(",", "")), skip + 1);
      assert.ok(skip > 0 && skip < rows, `resume point ${skip}: ${result.stderr}`);
      const written = (await fx.rows("main.default.cut")).map((r) => r["device_name"]);
      assert.ok(written.length >= skip, `${written.length} rows in the table, ${skip} acknowledged`);
      assert.deepEqual(written.slice(0, skip), Array.from({ length: skip }, (_, i) => `d${i}`));
    } finally {
      run.kill();
    }
  });
});
