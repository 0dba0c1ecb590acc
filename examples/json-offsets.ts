/**
 * JSON records with offsets — the Python SDK's asyncio JSON example, ported to the official TypeScript style.
 *
 * Run: npx tsx --conditions=zerobus-source examples/json-offsets.ts
 */
import { RecordType, ZerobusSdk } from "@zerobus-ts/sdk";
import { connect } from "./support/connection.js";

const conn = await connect();
const sdk = new ZerobusSdk(conn.serverEndpoint, conn.workspaceUrl);
const stream = await sdk.createStream({ tableName: conn.tableName }, conn.clientId, conn.clientSecret, { recordType: RecordType.Json });
try {
  for (let i = 0; i < 10_000; i++) {
    await stream.ingestRecordOffset({ device_name: `sensor-${i % 10}`, temp: 15 + (i % 20), humidity: 40 + (i % 50) });
  }
  await stream.flush();
  console.log("10,000 JSON records durable");
} finally {
  await stream.close();
  sdk.close();
}
console.log(`rows in table: ${(await conn.countRows()) ?? "(remote table)"}`);
await conn.close();
