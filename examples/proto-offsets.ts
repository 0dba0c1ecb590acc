/**
 * PROTO records, fire-and-forget with offsets — the Python SDK's asyncio example, ported to the official
 * TypeScript SDK's style: `ingestRecordOffset` returns once the record is queued; `waitForOffset` or `flush`
 * waits for durability. An ack callback reports progress.
 *
 * Run: npx tsx --conditions=zerobus-source examples/proto-offsets.ts
 */
import { RecordType, TableProperties, ZerobusSdk } from "@zerobus-ts/sdk";
import { AirQuality, reading } from "./support/air-quality.js";
import { connect } from "./support/connection.js";

const conn = await connect();
const sdk = new ZerobusSdk(conn.serverEndpoint, conn.workspaceUrl);
let durable = -1n;
const stream = await sdk.createStream(new TableProperties(conn.tableName, AirQuality), conn.clientId, conn.clientSecret, {
  recordType: RecordType.Proto, // the official TS enum value works too
  ackCallback: ({ durabilityAckUpToOffset }) => (durable = durabilityAckUpToOffset),
});
try {
  let last = 0n;
  for (let i = 0; i < 10_000; i++) last = await stream.ingestRecordOffset(reading(i)); // plain objects, encoded with the descriptor
  await stream.waitForOffset(last);
  console.log(`10,000 records durable up to offset ${durable}`);
} finally {
  await stream.close();
  sdk.close();
}
console.log(`rows in table: ${(await conn.countRows()) ?? "(remote table)"}`);
await conn.close();
