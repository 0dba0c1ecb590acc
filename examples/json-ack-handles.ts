/**
 * JSON records with acknowledgment handles — the Python SDK's synchronous JSON example, ported.
 *
 * Run: npx tsx --conditions=zerobus-source examples/json-ack-handles.ts
 */
import { RecordType, TableProperties, ZerobusSdk } from "@zerobus-ts/sdk";
import { connect } from "./support/connection.js";

const conn = await connect();
const sdk = new ZerobusSdk(conn.serverEndpoint, conn.workspaceUrl);
const stream = await sdk.createStream(conn.clientId, conn.clientSecret, new TableProperties(conn.tableName), {
  recordType: RecordType.JSON,
});
try {
  for (let i = 0; i < 100; i++) {
    // Plain objects are serialized with JSON.stringify (bigint as exact integers); strings are sent as they are.
    const record = i % 2 === 0 ? { device_name: `sensor-${i % 10}`, temp: 20 + (i % 5), humidity: 50 } : `{"device_name":"sensor-${i % 10}","temp":21,"humidity":51}`;
    const ack = await stream.ingestRecord(record);
    if (i % 25 === 24) console.log(`record ${ack.offset} durable at offset ${await ack.waitForAck()}`);
  }
  await stream.flush();
} finally {
  await stream.close();
  sdk.close();
}
console.log(`rows in table: ${(await conn.countRows()) ?? "(remote table)"}`);
await conn.close();
