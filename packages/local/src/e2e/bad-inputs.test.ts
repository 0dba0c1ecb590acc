/**
 * Bad inputs through the real SDK against the real service: each is refused with the right exception class
 * (`NonRetriableException`, the gRPC status where one caused it) and a message naming the problem; after a
 * rejected record every record acked before it is in the table; no refused name ever becomes a path.
 */
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import protobuf from "protobufjs";
import { readTable, type LocalService } from "@zerobus-ts/local";
import { GrpcStatus, NonRetriableException, RecordType, TableProperties, ZerobusSdk, type ZerobusStream } from "@zerobus-ts/sdk";
import { makeTempDir, rejectionOf, startService, tableDir, within } from "./support/e2e-harness.js";

const TABLE = "main.e2e.orders";
const OTHER = "main.e2e.other";
const COLUMNS = "id BIGINT NOT NULL, amount DOUBLE, note STRING";
const MiB = 1024 * 1024;

const orderType = (amountType: string) =>
  protobuf
    .parse(`syntax = "proto2"; message Order { required int64 id = 1; optional ${amountType} amount = 2; optional string note = 3; }`, { keepCase: true })
    .root.lookupType("Order");

/** Asserts a NonRetriableException whose message matches `pattern` (and whose gRPC status is `code`, if given). */
function assertRefusal(err: Error, pattern: RegExp, code?: number): void {
  assert.ok(err instanceof NonRetriableException, `expected a NonRetriableException, got ${err.name}: ${err.message}`);
  assert.match(err.message, pattern);
  if (code !== undefined) assert.equal((err as NonRetriableException).grpcCode, code, err.message);
}

describe("bad inputs through the SDK", () => {
  let service: LocalService;
  let sdk: ZerobusSdk;
  let temp: { dir: string; remove: () => Promise<void> };
  before(async () => {
    temp = await makeTempDir();
    service = await startService(temp.dir);
    sdk = new ZerobusSdk(service.serverEndpoint, service.workspaceUrl);
    await service.createTable(TABLE, COLUMNS);
    await service.createTable(OTHER, COLUMNS);
  });
  after(async () => {
    sdk?.close();
    await service?.close();
    await temp?.remove();
  });

  // The official `{ tableName }` shape, so a bad name is a rejection of createStream rather than a throw.
  const jsonStream = (tableName = TABLE, extra: object = {}): Promise<ZerobusStream> =>
    sdk.createStream({ tableName }, service.clientId, service.clientSecret, { recordType: RecordType.JSON, recoveryRetries: 0, ...extra });
  const withToken = (token: string, table: string) => async () => [["authorization", `Bearer ${token}`], ["x-databricks-zerobus-table-name", table]] as Array<[string, string]>;

  it("unknown table: NOT_FOUND, naming the table", async () => {
    const err = await rejectionOf(jsonStream("main.e2e.missing"), "createStream");
    assertRefusal(err, /main\.e2e\.missing.*does not exist/, GrpcStatus.NOT_FOUND);
  });

  it("a descriptor that does not match the columns: INVALID_ARGUMENT, naming the column", async () => {
    const props = new TableProperties(TABLE, orderType("string"));
    const err = await rejectionOf(sdk.createStream(service.clientId, service.clientSecret, props, { recoveryRetries: 0 }), "createStream");
    assertRefusal(err, /column 'amount' is double, so its field must be double, not string/, GrpcStatus.INVALID_ARGUMENT);
  });

  it("a JSON value not fitting its column fails the stream, naming the column; every record before it is acked and in the table", async () => {
    const acked = new Set<bigint>();
    // One record per request: with coalescing on, records sent together with the bad one are refused with it.
    const stream = await jsonStream(TABLE, { maxRecordsPerRequest: 1, ackCallback: { onAck: (offset: bigint) => acked.add(offset) } });
    for (let id = 0; id < 20; id++) await stream.ingestRecordOffset({ id, amount: id / 2, note: `ok ${id}` });
    await within(10_000, stream.waitForOffset(9n), "acks of the first records");
    const bad = await stream.ingestRecord({ id: 20, amount: "lots", note: "bad" });
    for (let id = 21; id < 25; id++) await stream.ingestRecordOffset({ id, amount: 1 }).catch(() => {});
    assertRefusal(await rejectionOf(bad.waitForAck(), "the bad record's ack"), /Record at offset 20 is invalid: column 'amount': expected a number for double, got string "lots"/, GrpcStatus.INVALID_ARGUMENT);
    assertRefusal(await rejectionOf(stream.flush(), "flush"), /amount/);
    await stream.close().catch(() => {});
    // The service acks what it committed before refusing, so nothing before the bad record is resent.
    assert.deepEqual([...acked].sort((a, b) => Number(a - b)), Array.from({ length: 20 }, (_, i) => BigInt(i)));
    assert.equal(JSON.parse(stream.getUnackedRecords()[0]!.toString()).id, 20);
    const ids = new Set((await readTable(tableDir(temp.dir, TABLE))).rows.map((r) => r.id as bigint));
    for (const offset of acked) assert.ok(ids.has(offset), `acked record ${offset} is in the table`);
    assert.ok(!ids.has(20n), "the bad record is not");
  });

  it("a record missing a NOT NULL column: INVALID_ARGUMENT, naming the column", async () => {
    const stream = await jsonStream();
    const ack = await stream.ingestRecord({ amount: 1.5, note: "no id" });
    assertRefusal(await rejectionOf(ack.waitForAck(), "ack"), /column 'id': is not nullable but the record has no value for it/, GrpcStatus.INVALID_ARGUMENT);
    await stream.close().catch(() => {});
  });

  it("a token for table A used on table B: PERMISSION_DENIED, naming the table", async () => {
    const token = service.issueToken({ scopes: [TABLE] });
    const err = await rejectionOf(sdk.createStream(new TableProperties(OTHER), "", "", { recordType: RecordType.JSON }, withToken(token, OTHER)), "createStream");
    assertRefusal(err, /does not grant MODIFY on table 'main\.e2e\.other'/, GrpcStatus.PERMISSION_DENIED);
  });

  it("an expired token: UNAUTHENTICATED, saying it expired", async () => {
    const token = service.issueToken({ scopes: [TABLE], ttlSeconds: -1 });
    const err = await rejectionOf(sdk.createStream(new TableProperties(TABLE), "", "", { recordType: RecordType.JSON }, withToken(token, TABLE)), "createStream");
    assertRefusal(err, /expired/, GrpcStatus.UNAUTHENTICATED);
  });

  it("a record batch over 10 MiB: refused by the SDK before sending, naming the size limit", async () => {
    // (The service's own refusal of an oversized message is tested with a raw client in service/.)
    const stream = await jsonStream();
    const note = "x".repeat(MiB);
    const batch = Array.from({ length: 11 }, (_, id) => ({ id, note }));
    const err = await rejectionOf(stream.ingestRecordsOffset(batch), "an 11 MiB batch");
    assertRefusal(err, /exceeds the service's limit of 10485760 bytes \(10 MiB\)/);
    await stream.ingestRecordOffset({ id: 99, note: "after the refusal" }); // the stream is still usable
    await stream.close();
  });

  it("path-traversal table names are refused and never become paths", async () => {
    const before = await listTree(temp.dir);
    const token = service.issueToken({ scopes: [TABLE] });
    // The first four fail the SDK's own three-part check; the rest reach the token endpoint and the service.
    for (const name of ["main.default.../x", "../main.e2e.orders", "main.e2e/../x.orders", "main.e2e.x\\..\\y", "main./etc.passwd", "main.e2e./x", "main.e2e\\x.orders"]) {
      const oauth = await rejectionOf(jsonStream(name), `OAuth stream to ${name}`);
      assertRefusal(oauth, /Invalid table name/);
      const custom = await rejectionOf(sdk.createStream({ tableName: name }, "", "", { recordType: RecordType.JSON }, withToken(token, name)), `stream to ${name}`);
      assertRefusal(custom, /Invalid table name/, name.split(".").length === 3 ? GrpcStatus.INVALID_ARGUMENT : undefined);
    }
    assert.deepEqual(await listTree(temp.dir), before, "nothing was created");
  });
});

/** Every path under `dir`, recursively, sorted. */
async function listTree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).sort();
}
