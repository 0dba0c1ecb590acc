/**
 * PROTO records with acknowledgment handles — the Python SDK's synchronous example, ported.
 * Each `ingestRecord` returns a `RecordAcknowledgment`: wait on it, or attach a callback.
 *
 * Run: npx tsx --conditions=zerobus-source examples/proto-ack-handles.ts
 */
import { RecordType, TableProperties, ZerobusSdk, type RecordAcknowledgment } from "@zerobus-ts/sdk";
import { AirQuality, reading } from "./support/air-quality.js";
import { connect } from "./support/connection.js";

const conn = await connect();
const sdk = new ZerobusSdk(conn.serverEndpoint, conn.workspaceUrl);
const stream = await sdk.createStream(conn.clientId, conn.clientSecret, new TableProperties(conn.tableName, AirQuality), {
  recordType: RecordType.PROTO,
});
try {
  const acks: RecordAcknowledgment[] = [];
  for (let i = 0; i < 100; i++) {
    const ack = await stream.ingestRecord(AirQuality.create(reading(i))); // a protobufjs message
    ack.addDoneCallback((done) => {
      if (done.error) console.error(`record ${done.offset} failed: ${done.error.message}`);
    });
    acks.push(ack);
  }
  const last = await acks.at(-1)!.waitForAck(30); // offset, once durable (at most 30 s)
  console.log(`100 records acknowledged, last offset ${last}`);
} finally {
  await stream.close();
  sdk.close();
}
console.log(`rows in table: ${(await conn.countRows()) ?? "(remote table)"}`);
await conn.close();
