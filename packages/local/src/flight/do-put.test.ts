/**
 * The local service's Arrow Flight DoPut, driven by a bare client: frames in, PutResults and statuses
 * out. Every bad input ends its own call with a clear status while another DoPut into the same table
 * goes on, and the rows of that one read back.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { status, type StatusObject } from "@grpc/grpc-js";
import * as arrow from "apache-arrow";
import { readTable } from "../delta/index.js";
import { decodeStatusDetails } from "../service/test-support/decode-rpc-status.js";
import { within } from "../service/test-support/raw-zerobus-client.js";
import { startTestService, type TestService } from "../service/test-support/service-fixture.js";
import { ipcFrames, RawFlightClient, type RawPut } from "./test-support/raw-flight-client.js";

const TABLE = "main.default.air_quality";
const OTHER = "main.default.other";
const COLUMNS = "device_name STRING, temp INT, humidity BIGINT NOT NULL";

/** An air-quality table of `n` rows starting at `start` (humidity = row number). */
function rows(n: number, start = 0, fields?: arrow.Field[]): arrow.Table {
  const data = {
    device_name: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => `sensor-${(start + i) % 7}`), new arrow.Utf8()),
    temp: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : i % 40)), new arrow.Int32()),
    humidity: arrow.makeVector(BigInt64Array.from({ length: n }, (_, i) => BigInt(start + i))),
  };
  const schema = new arrow.Schema(fields ?? [new arrow.Field("device_name", new arrow.Utf8()), new arrow.Field("temp", new arrow.Int32()), new arrow.Field("humidity", new arrow.Int64(), false)]);
  return new arrow.Table(schema, new arrow.Table(data).batches.map((b) => new arrow.RecordBatch(schema, b.data)));
}

const offsetMeta = (n: number) => `{"offset_id":${n}}`;

describe("Arrow Flight DoPut", () => {
  let t: TestService;
  let flight: RawFlightClient;
  let token: string;
  before(async () => {
    t = await startTestService();
    await t.service.createTable(TABLE, COLUMNS);
    await t.service.createTable(OTHER, "id BIGINT");
    token = t.service.issueToken({ scopes: [TABLE] });
    flight = new RawFlightClient(t.service.serverEndpoint);
  });
  after(async () => {
    flight.close();
    await t.close();
  });

  /** Opens a DoPut, sends the schema of `table` and waits for the ready signal. */
  async function openReady(table: arrow.Table): Promise<RawPut> {
    const put = flight.open({ token, table: TABLE });
    put.send({ dataHeader: ipcFrames(table).schema });
    assert.deepEqual(await within(5000, put.next(), "ready signal"), { ack_up_to_offset: -1, ack_up_to_records: 0 });
    return put;
  }

  /** The status a fresh DoPut ends with after `send` runs. */
  async function refusal(send: (put: RawPut) => void | Promise<void>, headers = { token, table: TABLE }): Promise<StatusObject> {
    const put = flight.open(headers);
    await send(put);
    return within(5000, put.status, `the call's status (${send.toString().slice(0, 60)})`);
  }

  const expectStatus = (s: StatusObject, code: status, pattern: RegExp) => {
    assert.equal(s.code, code, s.details);
    assert.match(s.details, pattern);
  };

  it("acks each frame after its commit and refuses every bad input on its own call while another DoPut goes on", async () => {
    const good = await openReady(rows(1));
    const first = ipcFrames(rows(1000, 0)).batches[0]!;
    good.send({ dataHeader: first.header, dataBody: first.body, appMetadata: offsetMeta(0) });
    assert.deepEqual(await within(30_000, good.next(), "first ack (the Parquet worker may still be starting)"), { ack_up_to_offset: 0, ack_up_to_records: 1000 });

    const batch = ipcFrames(rows(10)).batches[0]!;
    const schemaFrame = ipcFrames(rows(1)).schema;
    expectStatus(await refusal(() => {}, { token, table: undefined as unknown as string }), status.INVALID_ARGUMENT, /Missing the x-databricks-zerobus-table-name header.*Error Code: 4000/);
    expectStatus(await refusal(() => {}, { token, table: OTHER }), status.PERMISSION_DENIED, /does not grant MODIFY on table 'main.default.other'.*4024/);
    expectStatus(await refusal((p) => p.send(Buffer.from([0x12, 0x7f, 0x01]))), status.INVALID_ARGUMENT, /not a valid FlightData: field 2 claims 127 bytes.*Error Code: 4000/);
    expectStatus(await refusal((p) => p.send({ dataHeader: Buffer.from("definitely not a flatbuffer") })), status.INVALID_ARGUMENT, /data_header of the first FlightData is invalid/);

    const wrong = await refusal((p) => p.send({ dataHeader: ipcFrames(rows(1, 0, [new arrow.Field("device_name", new arrow.Utf8()), new arrow.Field("temp", new arrow.Int64()), new arrow.Field("extra", new arrow.Int32())])).schema }));
    expectStatus(wrong, status.INVALID_ARGUMENT, /^Arrow Flight schema validation failed for table 'main.default.air_quality': .*field 'extra' is not a column.*Error Code: 8001/);
    assert.deepEqual(decodeStatusDetails(wrong.metadata)?.errorInfo, {
      reason: "SCHEMA_VALIDATION_FAILED",
      domain: "zerobus.databricks.com",
      metadata: { causes: "FIELD_NOT_IN_TABLE,MISSING_REQUIRED_COLUMN,TYPE_INCOMPATIBLE", error_code: "8001" },
    });
    const dictionaryTable = new arrow.Table({ device_name: arrow.vectorFromArray(["a"]), temp: arrow.vectorFromArray([1], new arrow.Int32()), humidity: arrow.vectorFromArray([1n], new arrow.Int64()) });
    expectStatus(await refusal((p) => p.send({ dataHeader: ipcFrames(dictionaryTable).schema })), status.INVALID_ARGUMENT, /field 'device_name' is dictionary-encoded/);

    const afterSchema = (send: (p: RawPut) => void) => refusal(async (p) => {
      p.send({ dataHeader: schemaFrame });
      await p.next();
      send(p);
    });
    expectStatus(await afterSchema((p) => p.send({ dataHeader: batch.header, dataBody: batch.body, appMetadata: offsetMeta(1) })), status.INVALID_ARGUMENT, /Non-sequential offset_id: expected 0, got 1\. Error Code: 4002/);
    expectStatus(await afterSchema((p) => p.send({ dataHeader: batch.header, dataBody: batch.body })), status.INVALID_ARGUMENT, /needs app_metadata \{"offset_id":N\}, got none/);
    const empty = ipcFrames(rows(0)).batches[0]!;
    expectStatus(await afterSchema((p) => p.send({ dataHeader: empty.header, dataBody: empty.body, appMetadata: offsetMeta(0) })), status.INVALID_ARGUMENT, /RecordBatch at offset_id 0 is invalid: it has no rows/);
    expectStatus(await afterSchema((p) => p.send({ dataHeader: batch.header, dataBody: batch.body.subarray(0, 16), appMetadata: offsetMeta(0) })), status.INVALID_ARGUMENT, /declares a \d+-byte body but 16 bytes arrived.*Error Code: 4050/);
    expectStatus(await afterSchema((p) => p.send({ dataHeader: batch.header, dataBody: Buffer.alloc(11 * 1024 * 1024), appMetadata: offsetMeta(0) })), status.INVALID_ARGUMENT, /exceeds the maximum message size.*Error Code: 4060/);
    expectStatus(await afterSchema((p) => p.send({ dataHeader: schemaFrame, appMetadata: offsetMeta(0) })), status.INVALID_ARGUMENT, /carries a second Schema/);

    // The first DoPut was untouched by all of that.
    const second = ipcFrames(rows(500, 1000)).batches[0]!;
    good.send({ dataHeader: second.header, dataBody: second.body, appMetadata: offsetMeta(1) });
    assert.deepEqual(await within(5000, good.next(), "second ack"), { ack_up_to_offset: 1, ack_up_to_records: 1500 });
    good.end();
    assert.equal((await within(5000, good.status, "clean end")).code, status.OK);
    const table = await readTable(`${t.service.dataDir}/main/default/air_quality`);
    assert.deepEqual(table.rows.map((r) => Number(r.humidity)).sort((a, b) => a - b), Array.from({ length: 1500 }, (_, i) => i));
    assert.equal(table.rows.find((r) => r.humidity === 7n)?.device_name, "sensor-0");
    assert.equal(table.rows.find((r) => r.humidity === 5n)?.temp, null);
  });

  it("answers the other Flight methods UNIMPLEMENTED", async () => {
    const s = await refusal(() => {}, { token, table: TABLE, path: "/arrow.flight.protocol.FlightService/GetFlightInfo" } as never);
    assert.equal(s.code, status.UNIMPLEMENTED);
  });
});

describe("Arrow Flight DoPut stream lifetime", () => {
  it("asks the client to rotate (close_stream_duration_ms, with the acks so far), then ends with UNAVAILABLE 6002", async () => {
    const t = await startTestService({ streamLifetimeMs: 300, closeSignalDurationMs: 200 });
    const flight = new RawFlightClient(t.service.serverEndpoint);
    try {
      await t.service.createTable(TABLE, COLUMNS);
      const put = flight.open({ token: t.service.issueToken({ scopes: [TABLE] }), table: TABLE });
      const frames = ipcFrames(rows(100));
      put.send({ dataHeader: frames.schema });
      await within(5000, put.next(), "ready");
      put.send({ dataHeader: frames.batches[0]!.header, dataBody: frames.batches[0]!.body, appMetadata: offsetMeta(0) });
      // The ack and the rotation request may come in either order; acks never go back.
      const results: Array<Record<string, number>> = [];
      while (results.length < 2) results.push(await within(30_000, put.next(), "ack or rotation"));
      const rotation = results.find((r) => r.close_stream_duration_ms !== undefined);
      assert.equal(rotation?.close_stream_duration_ms, 200);
      assert.ok(results.every((r, i) => i === 0 || r.ack_up_to_records! >= results[i - 1]!.ack_up_to_records!), JSON.stringify(results));
      assert.deepEqual(results.find((r) => r.close_stream_duration_ms === undefined), { ack_up_to_offset: 0, ack_up_to_records: 100 });
      const end = await within(5000, put.status, "status");
      assert.equal(end.code, status.UNAVAILABLE);
      assert.match(end.details, /Error Code: 6002/);
    } finally {
      flight.close();
      await t.close();
    }
  });
});
