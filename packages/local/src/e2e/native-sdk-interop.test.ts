/**
 * Interop with the official native SDK (1.3.0, the Rust engine behind a NAPI binding): it authenticates
 * through the local token endpoint (OAuth client credentials), streams PROTO records (protobuf bytes from
 * protobufjs) and JSON records into the local service, flushes and closes; the rows read back exactly. It
 * also follows the service's stream rotation (CloseStreamSignal, then UNAVAILABLE 6002) onto a new stream
 * without losing or repeating a row, and reports a refused record with the service's message.
 * Skipped, with the reason, where the add-on cannot load.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import descriptorExt from "protobufjs/ext/descriptor.js";
import { readTable, type LocalService } from "@zerobus-ts/local";
import { replayDeltaLog } from "./support/delta-log-replay.js";
import { afterProto, ALL_TYPES_COLUMNS, AllTypes, allTypesRows, toJsonObject, toProtoObject } from "./support/all-types-table.js";
import { canonicalRows } from "./support/canonical-rows.js";
import { makeTempDir, startService, tableDir, within } from "./support/e2e-harness.js";
import { loadNativeSdk, NATIVE_RECORD_TYPE, type NativeSdk, type NativeStream } from "./support/native-sdk.js";

const ROWS = 300;
const native = loadNativeSdk();

/**
 * The record's `DescriptorProto`, base64, as the official SDK takes it. protobufjs 8 resolves proto2
 * labels lazily: `toDescriptor` before `resolveAll()` writes `required` fields as optional (and the service
 * then refuses the NOT NULL `id` column's field), so resolve first.
 */
function allTypesDescriptorBase64(): string {
  AllTypes.root.resolveAll();
  const descriptor = (AllTypes as unknown as { toDescriptor(syntax: string): descriptorExt.IDescriptorProto }).toDescriptor("proto2");
  assert.equal(descriptor.field!.find((f) => f.name === "id")!.label, 2, "id is LABEL_REQUIRED");
  return Buffer.from(descriptorExt.DescriptorProto.encode(descriptor).finish()).toString("base64");
}

/** JSON text with bigints as exact integers (the official SDK takes JSON records as strings). */
function jsonText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? `@@bigint:${v}` : v)).replace(/"@@bigint:(-?\d+)"/g, "$1");
}

/** Ingests the first 100 payloads one by one and the rest in batches of 50, then flushes and closes. */
async function ingestAll(stream: NativeStream, payloads: Array<Buffer | string>): Promise<bigint> {
  let last = -1n;
  for (const payload of payloads.slice(0, 100)) last = await stream.ingestRecordOffset(payload);
  for (let n = 100; n < payloads.length; n += 50) last = (await stream.ingestRecordsOffset(payloads.slice(n, n + 50))) ?? last;
  await within(15_000, stream.flush(), "native flush");
  await within(15_000, stream.close(), "native close");
  return last;
}

describe("official native SDK against the local service", () => {
  let service: LocalService;
  let sdk: NativeSdk;
  let temp: { dir: string; remove: () => Promise<void> };
  before(async () => {
    if (!("module" in native)) return;
    temp = await makeTempDir();
    service = await startService(temp.dir);
    sdk = new native.module.ZerobusSdk(service.serverEndpoint, service.workspaceUrl);
  });
  after(async () => {
    await service?.close();
    await temp?.remove();
  });

  it("PROTO through OAuth: a few hundred records of every type read back exactly", async (t) => {
    if (!("module" in native)) return t.skip(`official native SDK unavailable: ${native.reason}`);
    const name = "main.e2e.native_proto";
    await service.createTable(name, ALL_TYPES_COLUMNS);
    const rows = allTypesRows(ROWS);
    const stream = await within(
      15_000,
      sdk.createStream({ tableName: name, descriptorProto: allTypesDescriptorBase64() }, service.clientId, service.clientSecret, { recordType: NATIVE_RECORD_TYPE.Proto }),
      "native createStream",
    );
    const payloads = rows.map((row) => Buffer.from(AllTypes.encode(AllTypes.fromObject(toProtoObject(row))).finish()));
    assert.equal(await ingestAll(stream, payloads), 103n, "100 single records and 4 batches: logical offsets 0…103");
    const table = await readTable(tableDir(temp.dir, name));
    assert.deepEqual(canonicalRows(table.rows, table.fields), canonicalRows(rows.map(afterProto), table.fields));
  });

  it("JSON through OAuth: records as JSON text read back exactly", async (t) => {
    if (!("module" in native)) return t.skip(`official native SDK unavailable: ${native.reason}`);
    const name = "main.e2e.native_json";
    await service.createTable(name, ALL_TYPES_COLUMNS);
    const rows = allTypesRows(ROWS, 5_000n);
    const stream = await within(
      15_000,
      sdk.createStream({ tableName: name }, service.clientId, service.clientSecret, { recordType: NATIVE_RECORD_TYPE.Json }),
      "native createStream",
    );
    assert.equal(await ingestAll(stream, rows.map((row) => jsonText(toJsonObject(row)))), 103n);
    const table = await readTable(tableDir(temp.dir, name));
    assert.deepEqual(canonicalRows(table.rows, table.fields), canonicalRows(rows, table.fields));
  });

  it("follows a server-announced close (CloseStreamSignal, then UNAVAILABLE 6002) onto a new stream, losing nothing", async (t) => {
    if (!("module" in native)) return t.skip(`official native SDK unavailable: ${native.reason}`);
    const name = "main.e2e.native_rotation";
    await service.createTable(name, "id BIGINT NOT NULL");
    const stream = await within(15_000, sdk.createStream({ tableName: name }, service.clientId, service.clientSecret, { recordType: NATIVE_RECORD_TYPE.Json }), "native createStream");
    let last = -1n;
    for (let id = 0; id < 500; id++) last = await stream.ingestRecordOffset(jsonText({ id }));
    await within(10_000, stream.waitForOffset(last), "acks before the close signal");
    // A long window: the client leaves its pause as soon as everything it sent is acked, so no resend is needed.
    service.faults.sendCloseSignalNow(2_000);
    for (let id = 500; id < 1_000; id++) last = await stream.ingestRecordOffset(jsonText({ id }));
    await within(15_000, stream.flush(), "flush across the rotation");
    await within(15_000, stream.close(), "close");
    assert.equal(last, 999n, "logical offsets run on across the new connection");

    const dir = tableDir(temp.dir, name);
    const ids = (await readTable(dir)).rows.map((r) => Number(r.id)).sort((a, b) => a - b);
    assert.deepEqual(ids, Array.from({ length: 1_000 }, (_, n) => n), "every row exactly once");
    // Two server streams wrote the rows; each txn holds the last wire offset of its connection.
    const txns = [...(await replayDeltaLog(dir)).txns.values()];
    assert.equal(txns.length, 2, "the client moved to a second stream");
    assert.equal(txns.reduce((sum, offset) => sum + offset + 1n, 0n), 1_000n, "1000 requests over both connections, none resent");
  });

  it("reports a refused record with the service's message, naming the column", async (t) => {
    if (!("module" in native)) return t.skip(`official native SDK unavailable: ${native.reason}`);
    const name = "main.e2e.native_refused";
    await service.createTable(name, "id BIGINT NOT NULL");
    const stream = await within(15_000, sdk.createStream({ tableName: name }, service.clientId, service.clientSecret, { recordType: NATIVE_RECORD_TYPE.Json, recoveryRetries: 0 }), "native createStream");
    await stream.ingestRecordOffset(jsonText({ id: "abc" }));
    await assert.rejects(within(15_000, stream.flush(), "flush"), /column 'id': expected an integer for long, got string "abc"/);
    await within(15_000, stream.close().catch(() => {}), "close");
  });
});
