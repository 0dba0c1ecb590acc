import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { status } from "@grpc/grpc-js";
import { readTable } from "../delta/index.js";
import { startTestService, tokenFor, type TestService } from "./test-support/service-fixture.js";
import { within, type RawStream } from "./test-support/raw-zerobus-client.js";

const TABLE = "main.default.faults";

describe("fault hooks", () => {
  let t: TestService;
  let token: string;
  before(async () => {
    t = await startTestService();
    await t.service.createTable(TABLE, [{ name: "id", type: "bigint", nullable: false }]);
    token = await tokenFor(t.service, TABLE);
  });
  after(() => t.close());

  async function openJson(): Promise<RawStream> {
    const stream = t.client.open({ token, table: TABLE });
    stream.send({ create_stream: { table_name: TABLE, record_type: 2 } });
    assert.ok((await within(5000, stream.next(), "create response")).create_stream_response);
    return stream;
  }
  const ingest = (stream: RawStream, offset: number) => stream.send({ ingest_record: { offset_id: offset, json_record: `{"id": ${offset}}` } });
  const ackOf = (r: Record<string, Record<string, unknown>>) => BigInt(String(r.ingest_record_response?.durability_ack_up_to_offset));

  it("failNextStream fails exactly one stream with the given code", async () => {
    t.service.faults.failNextStream(status.UNAVAILABLE, "try again later");
    const failed = t.client.open({ token, table: TABLE });
    failed.send({ create_stream: { table_name: TABLE, record_type: 2 } });
    const s = await within(5000, failed.status);
    assert.equal(s.code, status.UNAVAILABLE);
    assert.match(s.details, /try again later/);
    const next = await openJson();
    next.end();
    assert.equal((await within(5000, next.status)).code, status.OK);
  });

  it("stallAcks withholds acks while rows are committed; resumeAcks releases them coalesced", async () => {
    t.service.faults.stallAcks();
    const stream = await openJson();
    ingest(stream, 0);
    ingest(stream, 1);
    const acked = stream.next();
    // The rows land in the table although no ack has been sent.
    await within(5000, (async () => {
      for (;;) {
        const { rows } = await readTable(`${t.service.dataDir}/main/default/faults`);
        if (rows.some((r) => r.id === 1n)) return;
        await new Promise((r) => setImmediate(r));
      }
    })(), "rows to be committed");
    t.service.faults.resumeAcks();
    assert.equal(ackOf(await within(5000, acked)), 1n);
    stream.end();
    assert.equal((await within(5000, stream.status)).code, status.OK);
  });

  it("delayAcks still acks every request in order", async () => {
    t.service.faults.delayAcks(20);
    const stream = await openJson();
    for (let i = 0; i < 3; i++) ingest(stream, i);
    let last = -1n;
    while (last < 2n) {
      const ack = ackOf(await within(5000, stream.next()));
      assert.ok(ack > last);
      last = ack;
    }
    t.service.faults.delayAcks(0);
    stream.end();
    await within(5000, stream.status);
  });

  it("sendCloseSignalNow announces the close, keeps acking, then ends with UNAVAILABLE 6002", async () => {
    const stream = await openJson();
    ingest(stream, 0);
    assert.equal(ackOf(await within(5000, stream.next())), 0n);
    t.service.faults.sendCloseSignalNow(50);
    const signal = await within(5000, stream.next());
    const duration = signal.close_stream_signal?.duration as { seconds?: string; nanos?: number };
    assert.equal(Number(duration.seconds ?? 0) * 1000 + (duration.nanos ?? 0) / 1e6, 50);
    ingest(stream, 1);
    assert.equal(ackOf(await within(5000, stream.next())), 1n);
    const s = await within(5000, stream.status);
    assert.equal(s.code, status.UNAVAILABLE);
    assert.match(s.details, /Stream timeout reached.*Error Code: 6002, Error State: 0\./);
  });

  it("cutConnectionsAfter acks the first N requests, then drops the connection", async () => {
    t.service.faults.cutConnectionsAfter(2);
    const stream = await openJson();
    ingest(stream, 0);
    ingest(stream, 1);
    let last = -1n;
    while (last < 1n) last = ackOf(await within(5000, stream.next()));
    const s = await within(5000, stream.status);
    assert.equal(s.code, status.UNAVAILABLE, s.details);
    // The service keeps serving new connections.
    const again = await openJson();
    again.end();
    assert.equal((await within(5000, again.status)).code, status.OK);
  });
});

describe("streamLifetimeMs", () => {
  it("sends CloseStreamSignal after the lifetime, then UNAVAILABLE 6002", async () => {
    const t = await startTestService({ noAuth: true, streamLifetimeMs: 30, closeSignalDurationMs: 10 });
    try {
      await t.service.createTable(TABLE, "id BIGINT");
      const stream = t.client.open({ table: TABLE });
      stream.send({ create_stream: { table_name: TABLE, record_type: 2 } });
      await within(5000, stream.next());
      assert.ok((await within(5000, stream.next())).close_stream_signal);
      const s = await within(5000, stream.status);
      assert.equal(s.code, status.UNAVAILABLE);
      assert.match(s.details, /6002/);
    } finally {
      await t.close();
    }
  });
});
