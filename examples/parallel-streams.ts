/**
 * Parallel streams: several streams writing one table at the same time, then one stream per table.
 *
 * Streams are independent — each has its own offsets, acknowledgments, backpressure and recovery — and one
 * `ZerobusSdk` carries them all over one gRPC channel (HTTP/2 multiplexes the calls), so create the SDK
 * once and open as many streams as you need. Rows of one stream keep their order in the table; rows of
 * concurrent streams interleave. Opening a stream is a token request plus a handshake, so open them
 * concurrently (`Promise.all`) rather than one after the other.
 *
 * The per-table part writes to ZEROBUS_TABLES (comma-separated, existing tables) when that is set; else it
 * creates two tables next to the example table through the Unity Catalog REST API, as
 * `zerobus tables create` does.
 *
 * Run: npx tsx --conditions=zerobus-source examples/parallel-streams.ts
 */
import { columnTypeText, fetchWorkspaceToken, parseColumnList, RecordType, TableProperties, ZerobusSdk, type ZerobusStream } from "@zerobus-ts/sdk";
import { AirQuality, reading } from "./support/air-quality.js";
import { connect, TABLE_COLUMNS, type ExampleConnection } from "./support/connection.js";

const STREAMS_PER_TABLE = 4;
const RECORDS_PER_STREAM = 2_500;
const OPTIONS = { recordType: RecordType.PROTO };

/** Sends `count` readings, then closes the stream, which resolves once every one of them is durable. */
async function writeReadings(stream: ZerobusStream, first: number, count: number): Promise<void> {
  try {
    for (let i = first; i < first + count; i++) await stream.ingestRecordOffset(reading(i));
  } finally {
    await stream.close();
  }
}

/** ZEROBUS_TABLES, or two new tables in the example table's schema. */
async function perTableTargets(conn: ExampleConnection): Promise<string[]> {
  const listed = process.env.ZEROBUS_TABLES?.split(",").map((t) => t.trim()).filter((t) => t !== "");
  if (listed !== undefined && listed.length > 0) return listed;
  const [catalog, schema] = conn.tableName.split(".");
  const names = [`${catalog}.${schema}.air_quality_north`, `${catalog}.${schema}.air_quality_south`];
  const token = await fetchWorkspaceToken({ workspaceUrl: conn.workspaceUrl, clientId: conn.clientId, clientSecret: conn.clientSecret });
  const columns = parseColumnList(TABLE_COLUMNS).map((c, position) => ({ name: c.name, type_text: columnTypeText(c.type), nullable: c.nullable, position }));
  for (const fullName of names) {
    const name = fullName.split(".")[2];
    const response = await fetch(`${conn.workspaceUrl}/api/2.1/unity-catalog/tables`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ name, catalog_name: catalog, schema_name: schema, table_type: "MANAGED", data_source_format: "DELTA", columns }),
    });
    // 409: the table exists already, which is as good.
    if (!response.ok && response.status !== 409) throw new Error(`cannot create ${fullName}: HTTP ${response.status} ${await response.text()}`);
  }
  return names;
}

const conn = await connect();
const sdk = new ZerobusSdk(conn.serverEndpoint, conn.workspaceUrl);
try {
  // 1. Several streams into one table: each sends its own share of the readings.
  let started = performance.now();
  const table = new TableProperties(conn.tableName, AirQuality);
  const streams = await Promise.all(
    Array.from({ length: STREAMS_PER_TABLE }, () => sdk.createStream(conn.clientId, conn.clientSecret, table, OPTIONS)),
  );
  await Promise.all(streams.map((stream, s) => writeReadings(stream, s * RECORDS_PER_STREAM, RECORDS_PER_STREAM)));
  const total = STREAMS_PER_TABLE * RECORDS_PER_STREAM;
  console.log(`${STREAMS_PER_TABLE} streams into ${conn.tableName}: ${total.toLocaleString()} records durable in ${Math.round(performance.now() - started)} ms`);

  // 2. One stream per table, all at once.
  const targets = await perTableTargets(conn);
  started = performance.now();
  await Promise.all(
    targets.map(async (name) => {
      const stream = await sdk.createStream(conn.clientId, conn.clientSecret, new TableProperties(name, AirQuality), OPTIONS);
      await writeReadings(stream, 0, RECORDS_PER_STREAM);
      console.log(`${name}: ${RECORDS_PER_STREAM.toLocaleString()} records durable`);
    }),
  );
  console.log(`one stream per table, ${targets.length} tables: done in ${Math.round(performance.now() - started)} ms`);
} finally {
  sdk.close();
}
console.log(`rows in table: ${(await conn.countRows()) ?? "(remote table)"}`);
await conn.close();
