/**
 * Issue 13 §2: refusals of huge inputs reach the client as their status, quickly and bounded. A
 * 100,000-digit value, a 200,000-character key and a descriptor with 10,000 unknown fields used to make a
 * `grpc-message` too large for HTTP/2 trailers: the status never arrived, the SDK saw a retriable INTERNAL
 * and resent the poison, and a healthy stream on the same connection reconnected and wrote duplicates.
 * Here each is refused non-retriably (INVALID_ARGUMENT) within 5 s with a message under 8 KB, while a healthy stream on the
 * same `ZerobusSdk` keeps acknowledging without a recovery, and its table holds each record once.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import protobuf from "protobufjs";
import { readTable, type LocalService } from "@zerobus-ts/local";
import { GrpcStatus, NonRetriableException, RecordType, ZerobusSdk, type ZerobusStream } from "@zerobus-ts/sdk";
import { encodeCreateStream, fieldDescriptor, rawCreateStreamStatus } from "./support/big-batch-load.js";
import { makeTempDir, rejectionOf, startService, tableDir, within } from "./support/e2e-harness.js";

const HEALTHY = "main.e2e.healthy";
const POISON = "main.e2e.poison";
const MAX_MESSAGE_BYTES = 8 * 1024;
const REFUSAL_MS = 5_000;

const TYPE_INT64 = 3;
const TYPE_INT32 = 5;

function assertBoundedRefusal(err: Error, pattern: RegExp): void {
  assert.ok(err instanceof NonRetriableException, `expected a NonRetriableException, got ${err.name}: ${err.message.slice(0, 300)}`);
  assert.ok(Buffer.byteLength(err.message) < MAX_MESSAGE_BYTES, `message of ${Buffer.byteLength(err.message)} bytes`);
  assert.match(err.message, pattern);
}

describe("poison inputs are refused with bounded messages; a healthy stream is unaffected", () => {
  let service: LocalService;
  let sdk: ZerobusSdk;
  let temp: { dir: string; remove: () => Promise<void> };
  let healthy: ZerobusStream;
  let sent = 0;
  let stop = false;
  let pump: Promise<void>;

  before(async () => {
    temp = await makeTempDir();
    service = await startService(temp.dir);
    sdk = new ZerobusSdk(service.serverEndpoint, service.workspaceUrl);
    await service.createTable(HEALTHY, "id BIGINT NOT NULL");
    await service.createTable(POISON, "id BIGINT");
    healthy = await sdk.createStream({ tableName: HEALTHY }, service.clientId, service.clientSecret, { recordType: RecordType.JSON });
    while (sent <= 10) await healthy.ingestRecordOffset({ id: sent++ });
    // Keeps ingesting, a few records per event-loop turn, until the poison cases are done (at most 200,000).
    pump = (async () => {
      while (!stop && sent < 200_000) {
        await healthy.ingestRecordOffset({ id: sent++ });
        if (sent % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();
    await within(10_000, healthy.waitForOffset(10n), "first acks of the healthy stream");
  });
  after(async () => {
    stop = true;
    await pump?.catch(() => {});
    await healthy?.close().catch(() => {});
    sdk?.close();
    await service?.close();
    await temp?.remove();
  });

  const poisonJson = () => sdk.createStream({ tableName: POISON }, service.clientId, service.clientSecret, { recordType: RecordType.JSON });

  it("a 100,000-digit JSON value", async () => {
    const stream = await poisonJson();
    const ack = await stream.ingestRecord(`{"id":${"9".repeat(100_000)}}`);
    const err = await rejectionOf(ack.waitForAck(), "the refusal", REFUSAL_MS);
    assertBoundedRefusal(err, /column 'id'.*9999….*\(100000 characters\)/);
    await stream.close().catch(() => {});
  });

  it("a 200,000-character unknown key", async () => {
    const stream = await poisonJson();
    const ack = await stream.ingestRecord(`{"${"k".repeat(200_000)}":1}`);
    const err = await rejectionOf(ack.waitForAck(), "the refusal", REFUSAL_MS);
    assertBoundedRefusal(err, /kkkk… \(200000 characters\).*no such column/);
    await stream.close().catch(() => {});
  });

  it("a descriptor with 10,000 unknown fields", async () => {
    // Sent raw: the SDK itself needs ~20 s (protobufjs, quadratic) to turn such a descriptor into a Type.
    const descriptor = protobuf.Writer.create().uint32(0x0a).string("Poison");
    descriptor.uint32(0x12).bytes(fieldDescriptor("id", 1, TYPE_INT64));
    for (let i = 0; i < 10_000; i++) descriptor.uint32(0x12).bytes(fieldDescriptor(`unknown_${i}`, i + 2, TYPE_INT32));
    const headers = { authorization: `Bearer ${service.issueToken({ scopes: [POISON] })}`, "x-databricks-zerobus-table-name": POISON };
    const target = service.serverEndpoint.replace(/^http:\/\//, "");
    const status = await within(REFUSAL_MS, rawCreateStreamStatus(target, headers, encodeCreateStream(POISON, descriptor.finish())), "the refusal");
    assert.equal(status.code, GrpcStatus.INVALID_ARGUMENT, status.details.slice(0, 300));
    assert.ok(Buffer.byteLength(status.details) < MAX_MESSAGE_BYTES, `message of ${Buffer.byteLength(status.details)} bytes`);
    assert.match(status.details, /unknown_0.*\(10000 problems in all\)/);
  });

  it("the healthy stream kept going on one connection: no recovery, each record once in its table", async () => {
    const ackedBefore = healthy.metrics().recordsAcked;
    const streamId = healthy.streamId;
    await within(10_000, healthy.waitForOffset(BigInt(sent - 1)), "more acks");
    assert.ok(healthy.metrics().recordsAcked > ackedBefore, "acks kept coming");
    stop = true;
    await pump;
    await within(15_000, healthy.close(), "close");
    assert.equal(healthy.metrics().recoveries, 0, "no reconnect");
    assert.equal(healthy.streamId, streamId);
    const ids = (await readTable(tableDir(temp.dir, HEALTHY))).rows.map((row) => row.id as bigint);
    assert.equal(ids.length, sent, "no duplicates, nothing lost");
    assert.equal(new Set(ids).size, sent);
  });
});
