import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startServiceFixture, type ServiceFixture } from "../test-support/local-service-fixture.js";
import { runZerobus } from "../test-support/run-zerobus.js";

const COLUMNS = "device_name STRING NOT NULL, temp INT, humidity BIGINT, tags ARRAY<STRING>, note STRING";

/** The rows as compact tuples, for readable assertions. */
const tuples = (rows: Array<Record<string, unknown>>) => rows.map((r) => [r["device_name"], r["temp"], r["humidity"], r["tags"], r["note"]]);

describe("zerobus ingest (real binary against a local service)", { timeout: 60_000 }, () => {
  let fx: ServiceFixture;
  before(async () => {
    fx = await startServiceFixture();
  });
  after(async () => {
    await fx.close();
  });
  const file = async (name: string, text: string) => {
    const path = join(fx.workDir, name);
    await writeFile(path, text);
    return path;
  };
  const ingest = (...args: string[]) => runZerobus(["ingest", ...args], { env: fx.env });

  test("JSON Lines and CSV files into a JSON stream, record by record and in batches", async () => {
    await fx.service.createTable("main.default.mixed", COLUMNS);
    await fx.service.createTable("main.default.batched", COLUMNS);
    const jsonl = await file("a.jsonl", '{"device_name":"j1","temp":20,"humidity":9007199254740993}\n\n{"device_name":"j2","tags":["x","y"]}\r\n{"device_name":"j3","note":"last line, no break"}');
    const csv = await file(
      "b.csv",
      'device_name,temp,humidity,tags,note\n' +
        '"c1, with a comma",1,2,"[""t""]","she said ""hi"""\n' +
        'c2,,,,""\n' +
        'c3,3,4,[],"two\nlines"\n',
    );
    const [single, batched] = await Promise.all([
      ingest("--table", "main.default.mixed", jsonl, csv),
      ingest("--table", "main.default.batched", "--batch-size", "2", "--max-inflight", "3", jsonl, csv),
    ]);
    assert.equal(single.code, 0, single.stderr);
    assert.match(single.stdout, /^ingested 6 records into main\.default\.mixed from 2 file\(s\) in \d+\.\d s \(\d+ records\/s\)\n$/);
    assert.equal(single.stderr, "", "no progress lines within the default 10 s interval when stderr is not a terminal");
    assert.equal(batched.code, 0, batched.stderr);
    const expected = [
      ["j1", 20, 9007199254740993n, null, null],
      ["j2", null, null, ["x", "y"], null],
      ["j3", null, null, null, "last line, no break"],
      ["c1, with a comma", 1, 2n, ["t"], 'she said "hi"'],
      ["c2", null, null, null, ""],
      ["c3", 3, 4n, [], "two\nlines"],
    ];
    assert.deepEqual(tuples(await fx.rows("main.default.mixed")), expected);
    assert.deepEqual(tuples(await fx.rows("main.default.batched")), expected);
  });

  test("a line that is not JSON stops at file:line with the rows before it in; --skip resumes", async () => {
    await fx.service.createTable("main.default.resume", COLUMNS);
    const good = (n: number) => `{"device_name":"r${n}","temp":${n}}`;
    const broken = await file("broken.jsonl", `${good(0)}\n\n${good(1)}\n{"device_name":"r2",\n${good(3)}\n`);
    const first = await ingest("--table", "main.default.resume", broken);
    assert.equal(first.code, 1);
    assert.match(first.stderr, /^zerobus ingest: .*broken\.jsonl:4: not valid JSON: .*\nEvery record before it is in the table; after fixing it, resume with --skip 2\.\n$/);
    assert.deepEqual(tuples(await fx.rows("main.default.resume")).map((t) => t[0]), ["r0", "r1"]);

    const fixed = await file("fixed.jsonl", `${good(0)}\n\n${good(1)}\n${good(2)}\n${good(3)}\n`);
    const [second, beyond] = await Promise.all([
      ingest("--table", "main.default.resume", "--skip", "2", fixed),
      ingest("--table", "main.default.resume", "--skip", "5", fixed),
    ]);
    assert.equal(beyond.code, 1);
    assert.match(beyond.stderr, /--skip 5 is beyond the 4 records of the given file\(s\): nothing was sent/);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /^ingested 2 records .*skipped the first 2\)\n$/);
    assert.deepEqual(tuples(await fx.rows("main.default.resume")).map((t) => t[0]), ["r0", "r1", "r2", "r3"]);
  });

  test("CSV rows with the wrong field count or a bad value stop at their own line", async () => {
    await fx.service.createTable("main.default.csvbad", COLUMNS);
    // Row 1 spans lines 2-3 (a quoted line break), so the bad row is on line 4 though it is record 2.
    const wrongCount = await file("count.csv", 'device_name,note\nk1,"a\nb"\nk2,x,extra\nk3,y\n');
    const badValue = await file("value.csv", "device_name,temp\nv1,1\nv2,warm\n");
    const unknownColumn = await file("column.csv", "device_name,colour\nu1,red\n");
    const result = await ingest("--table", "main.default.csvbad", wrongCount);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /count\.csv:4: expected 2 fields \(as in the header on line 1\), got 3\n.*--skip 1\./);
    const [value, column] = await Promise.all([ingest("--table", "main.default.csvbad", badValue), ingest("--table", "main.default.csvbad", unknownColumn)]);
    assert.equal(value.code, 1);
    assert.match(value.stderr, /value\.csv:3: column 'temp' \(int\): expected an integer, got "warm"/);
    assert.equal(column.code, 1);
    assert.match(column.stderr, /column\.csv:1: the header names column 'colour', which the table does not have/);
    assert.deepEqual(tuples(await fx.rows("main.default.csvbad")).map((t) => t[0]), ["k1", "v1"]);
  });

  test("PROTO records through --proto and --descriptor, values converted by field type", async () => {
    await fx.service.createTable("main.default.proto_rows", COLUMNS);
    const protoFile = join(fx.workDir, "row.proto");
    const descriptorFile = join(fx.workDir, "row.pb");
    const generated = await runZerobus(["proto", "--table", "main.default.proto_rows", "--message", "Row", "--out", protoFile, "--descriptor", descriptorFile], { env: fx.env });
    assert.equal(generated.code, 0, generated.stderr);
    const jsonl = await file("p.jsonl", '{"device_name":"p1","temp":"7","humidity":9223372036854775807,"tags":["a"]}\n');
    const csv = await file("p.csv", 'device_name,humidity,tags,note\np2,-9223372036854775808,"[""b"",""c""]",""\np3,,,\n');
    const missing = await file("missing.jsonl", '{"device_name":"p4"}\n{"temp":1}\n');
    const fromProto = await ingest("--table", "main.default.proto_rows", "--proto", protoFile, "--message", "Row", jsonl, csv);
    assert.equal(fromProto.code, 0, fromProto.stderr);
    const fromDescriptor = await ingest("--table", "main.default.proto_rows", "--descriptor", descriptorFile, "--message", "Row", "--batch-size", "5", missing);
    assert.equal(fromDescriptor.code, 1);
    assert.match(fromDescriptor.stderr, /missing\.jsonl:2: field 'device_name' is required \(NOT NULL\) but the record has no value for it/);
    assert.deepEqual(tuples(await fx.rows("main.default.proto_rows")), [
      ["p1", 7, 9223372036854775807n, ["a"], null],
      ["p2", null, -9223372036854775808n, ["b", "c"], ""],
      ["p3", null, null, [], null],
      ["p4", null, null, [], null],
    ]);
  });

  test("bad command lines exit 2 before anything is sent", async () => {
    const some = await file("some.jsonl", "{}\n");
    const cases: Array<[string[], RegExp]> = [
      [[some], /--table is required/],
      [["--table", "main.default.x"], /give at least one FILE/],
      [["--table", "main.default.x", join(fx.workDir, "nope.jsonl")], /cannot read input file '.*nope\.jsonl': no such file/],
      [["--table", "main.default.x", "--batch-size", "0", some], /--batch-size must be a whole number ≥ 1, got '0'/],
      [["--table", "main.default.x", "--proto", some, some], /--proto needs --message NAME/],
      [["--table", "main.default.x", "--message", "M", some], /--message needs --proto or --descriptor/],
      [["--table", "main.default.x", "--format", "xml", some], /--format must be jsonl, csv, parquet, arrow or arrows, got 'xml'/],
      [["--table", "main.default.x", "--skip", "-1", some], /--skip/],
    ];
    const results = await Promise.all(cases.map(([args]) => ingest(...args)));
    results.forEach((result, i) => {
      assert.equal(result.code, 2, `${cases[i]![0].join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, cases[i]![1]);
    });
  });
});

describe("zerobus ingest: records the service refuses", { timeout: 60_000 }, () => {
  let fx: ServiceFixture;
  before(async () => {
    fx = await startServiceFixture();
  });
  after(async () => {
    await fx.close();
  });

  test("stop at the refused record's file:line with every record before it in the table, batched or not", async () => {
    await fx.service.createTable("main.default.single", COLUMNS);
    await fx.service.createTable("main.default.batch", COLUMNS);
    const path = join(fx.workDir, "refused.jsonl");
    const lines = ['{"device_name":"a"}', '{"device_name":"b"}', '{"device_name":"c"}', '{"device_name":"d","temp":"hot"}', '{"device_name":"e"}'];
    await writeFile(path, `${lines.join("\n")}\n`);
    const [single, batch] = await Promise.all([
      runZerobus(["ingest", "--table", "main.default.single", path], { env: fx.env }),
      // Batches [a, b], [c, d]: the second is refused whole, so c is resent alone before reporting d.
      runZerobus(["ingest", "--table", "main.default.batch", "--batch-size", "2", path], { env: fx.env }),
    ]);
    for (const result of [single, batch]) {
      assert.equal(result.code, 1);
      assert.match(result.stderr, /refused\.jsonl:4: the service refused the record: .*column 'temp': expected an integer/);
      assert.match(result.stderr, /Every record before it is in the table; after fixing it, resume with --skip 3\.\n$/);
    }
    // Closing the service flushes its pending commits: what it received before the bad record is in.
    await fx.stopService();
    assert.deepEqual(tuples(await fx.rows("main.default.single")).map((t) => t[0]), ["a", "b", "c"]);
    assert.deepEqual(tuples(await fx.rows("main.default.batch")).map((t) => t[0]), ["a", "b", "c"]);
  });
});
