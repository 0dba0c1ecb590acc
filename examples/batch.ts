/**
 * Batches: `ingestRecords` sends many records as one request with one acknowledgment (all or nothing).
 * The fastest way to move data; see the performance table in the README.
 *
 * Run: npx tsx --conditions=zerobus-source examples/batch.ts
 */
import { RecordType, TableProperties, ZerobusSdk } from "@zerobus-ts/sdk";
import { AirQuality, reading } from "./support/air-quality.js";
import { connect } from "./support/connection.js";

const BATCHES = 100;
const BATCH_SIZE = 1_000;

const conn = await connect();
const sdk = new ZerobusSdk(conn.serverEndpoint, conn.workspaceUrl);
const stream = await sdk.createStream(conn.clientId, conn.clientSecret, new TableProperties(conn.tableName, AirQuality), {
  recordType: RecordType.PROTO,
});
try {
  const started = performance.now();
  for (let b = 0; b < BATCHES; b++) {
    const batch = Array.from({ length: BATCH_SIZE }, (_, i) => reading(b * BATCH_SIZE + i));
    const ack = await stream.ingestRecords(batch); // one offset for the whole batch
    if (b === BATCHES - 1) await ack?.waitForAck();
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`${(BATCHES * BATCH_SIZE).toLocaleString()} records in ${BATCHES} batches, ${Math.round((BATCHES * BATCH_SIZE) / seconds).toLocaleString()} records/s`);
} finally {
  await stream.close();
  sdk.close();
}
console.log(`rows in table: ${(await conn.countRows()) ?? "(remote table)"}`);
await conn.close();
