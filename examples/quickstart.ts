/**
 * Quickstart: start the local Zerobus service on a temp data dir, create a table, ingest 100,000 records
 * through the SDK (OAuth, PROTO), close, read the Delta table back and print what is on disk.
 *
 * Run from the repository root: `npm run quickstart` (add `-- --records 1000000` for more).
 */
import { mkdtemp, readdir, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import protobuf from "protobufjs";
import { readTable, startLocalService } from "@zerobus-ts/local";
import { RecordType, TableProperties, ZerobusSdk } from "@zerobus-ts/sdk";

const { values } = parseArgs({ options: { records: { type: "string", default: "100000" } } });
const RECORDS = Number(values.records);
const TABLE = "main.default.air_quality";

const AirQuality = protobuf
  .parse(
    `syntax = "proto2";
     message AirQuality { optional string device_name = 1; optional int32 temp = 2; optional int64 humidity = 3; }`,
    { keepCase: true },
  )
  .root.lookupType("AirQuality");

const dataDir = await mkdtemp(join(tmpdir(), "zerobus-quickstart-"));
const service = await startLocalService({ dataDir, port: 0 });
console.log(`local Zerobus service: ${service.serverEndpoint} (workspace ${service.workspaceUrl})`);
await service.createTable(TABLE, "device_name STRING, temp INT, humidity BIGINT");

const sdk = new ZerobusSdk(service.serverEndpoint, service.workspaceUrl);
const stream = await sdk.createStream(service.clientId, service.clientSecret, new TableProperties(TABLE, AirQuality), {
  recordType: RecordType.PROTO,
});
const started = performance.now();
for (let i = 0; i < RECORDS; i++) {
  await stream.ingestRecordOffset({ device_name: `sensor-${i % 10}`, temp: 15 + (i % 20), humidity: BigInt(40 + (i % 50)) });
}
await stream.close();
const seconds = (performance.now() - started) / 1000;
sdk.close();
await service.close();

const tableDir = join(dataDir, "main", "default", "air_quality");
const table = await readTable(tableDir);
const logFiles = (await readdir(join(tableDir, "_delta_log"))).filter((f) => f.endsWith(".json"));
const sizes = await Promise.all(table.files.map(async (file) => (await stat(file)).size));

console.log(`\ningested ${RECORDS.toLocaleString()} records in ${seconds.toFixed(2)} s: ${Math.round(RECORDS / seconds).toLocaleString()} records/s`);
console.log(`table ${TABLE} at ${tableDir}`);
console.log(`  rows:     ${table.rows.length.toLocaleString()}${table.rows.length === RECORDS ? " (all of them)" : "  <-- MISMATCH"}`);
console.log(`  versions: ${table.version + 1} (0..${table.version}, ${logFiles.length} commit files)`);
console.log(`  files:    ${table.files.length} Parquet files, ${(sizes.reduce((a, b) => a + b, 0) / 1024).toFixed(0)} KiB`);
console.log("  first rows:");
for (const row of table.rows.slice(0, 5)) console.log(`    ${JSON.stringify(row, (_k, v) => (typeof v === "bigint" ? Number(v) : v))}`);
if (table.rows.length !== RECORDS) process.exit(1);
