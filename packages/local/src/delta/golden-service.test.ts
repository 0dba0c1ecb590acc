import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { status } from "@grpc/grpc-js";
import { startTestService, tokenFor, type TestService } from "../service/test-support/service-fixture.js";
import { within } from "../service/test-support/raw-zerobus-client.js";
import { commitVersion } from "./commit-version.js";
import { lintDeltaTable } from "./lint-delta-table.js";
import { loadSnapshot } from "./load-snapshot.js";
import { readTable } from "./read-table.js";
import { copyGoldenTable, GOLDEN_DIR } from "./test-fixtures.js";

/**
 * The service on Spark-written tables: a golden table with deletion vectors and column mapping,
 * copied into the service's data directory, takes a JSON stream; one whose protocol gains a feature
 * the writer does not implement is refused with a non-retriable status naming it.
 */
describe("the local service on Spark-written tables", { skip: !existsSync(GOLDEN_DIR) && "no golden tables" }, () => {
  let t: TestService;
  before(async () => {
    t = await startTestService();
  });
  after(() => t.close());

  const ingest = async (table: string, records: string[]) => {
    const stream = t.client.open({ token: await tokenFor(t.service, table), table });
    stream.send({ create_stream: { table_name: table, record_type: 2 } });
    const first = await within(5000, stream.next(), "create_stream_response");
    if (first.create_stream_response === undefined) return { stream, created: false };
    stream.send({ ingest_record_batch: { offset_id: 0, json_batch: { records } } });
    const ack = await within(5000, stream.next(), "ack");
    assert.equal(String(ack.ingest_record_response?.durability_ack_up_to_offset), "0");
    stream.end();
    assert.equal((await within(5000, stream.status)).code, status.OK);
    return { stream, created: true };
  };

  it("appends a JSON stream to a table with deletion vectors and column mapping", async () => {
    const dir = await copyGoldenTable(join(GOLDEN_DIR, "dv-with-columnmapping", "delta"), join(t.service.dataDir, "main", "default", "golden"));
    const before = await readTable(dir);
    await ingest("main.default.golden", ['{"part": 3, "col1": 100, "col2": "from zerobus"}', '{"part": 11, "col1": 101}']);
    const after = await readTable(dir);
    assert.equal(after.rows.length, before.rows.length + 2);
    assert.deepEqual(after.rows.slice(-2).sort((a, b) => Number(a["col1"]) - Number(b["col1"])), [
      { part: 3, col1: 100, col2: "from zerobus" },
      { part: 11, col1: 101, col2: null },
    ]);
    const snapshot = await loadSnapshot(dir);
    assert.equal(snapshot.txns.size, 1, "the stream's offset is recorded in a txn action");
    assert.deepEqual(await lintDeltaTable(dir), []);
  });

  it("refuses a table that needs an unsupported writer feature with INVALID_ARGUMENT naming it", async () => {
    const dir = await copyGoldenTable(join(GOLDEN_DIR, "basic-with-inserts-updates", "delta"), join(t.service.dataDir, "main", "default", "tracked"));
    const latest = (await loadSnapshot(dir)).version;
    await commitVersion(dir, latest + 1, [
      { protocol: { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ["appendOnly", "invariants", "domainMetadata", "clustering"] } },
    ]);
    const table = "main.default.tracked";
    const stream = t.client.open({ token: await tokenFor(t.service, table), table });
    stream.send({ create_stream: { table_name: table, record_type: 2 } });
    const ended = await within(5000, stream.status, "the call's status");
    assert.equal(ended.code, status.INVALID_ARGUMENT, ended.details);
    assert.match(ended.details, /Table 'main.default.tracked' cannot be written by this service: .*"clustering".*Error Code: 4080/);
  });
});
