// The installed packages end to end, as a user's test would use them: start the local service in process,
// create a table, ingest records with the SDK (JSON, one call per record), close, read the Delta table back.
// CommonJS so that both the ESM and the CommonJS entry scripts can load it; they pass in the modules they
// imported, so each one proves its own module system's build.
const { mkdtemp, rm } = require("node:fs/promises");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

const TABLE = "main.default.installed";

/** Returns what a caller asserts on: rows read back, the first and last ids, and the endpoint printed. */
module.exports = async function roundTrip(local, sdk, records) {
  const dataDir = await mkdtemp(join(tmpdir(), "zerobus-installed-"));
  const service = await local.startLocalService({ dataDir, port: 0 });
  try {
    await service.createTable(TABLE, "id BIGINT NOT NULL, name STRING");
    const client = new sdk.ZerobusSdk(service.serverEndpoint, service.workspaceUrl);
    const stream = await client.createStream(service.clientId, service.clientSecret, new sdk.TableProperties(TABLE), {
      recordType: sdk.RecordType.JSON,
    });
    for (let id = 0; id < records; id++) await stream.ingestRecordOffset({ id, name: `record-${id}` });
    await stream.flush();
    await stream.close();
    client.close();
    const table = await local.readTable(join(dataDir, "main", "default", "installed"));
    const ids = table.rows.map((row) => Number(row.id)).sort((a, b) => a - b);
    return { rows: table.rows.length, first: ids[0], last: ids.at(-1), distinct: new Set(ids).size, endpoint: service.serverEndpoint };
  } finally {
    await service.close();
    await rm(dataDir, { recursive: true, force: true });
  }
};
