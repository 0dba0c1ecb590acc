/**
 * The local service in a process of its own, for tests that kill it. Run as
 * `node --conditions=zerobus-source --import tsx service-child.ts <dataDir> <table> <columns> [options-json]`:
 * starts the service on ephemeral loopback ports over `<dataDir>`, creates `<table>` (unless it exists),
 * then prints `ServiceChildInfo` as one JSON line on stdout. `[options-json]` replaces the small group
 * commits below with other `startLocalService` options. It stops cleanly when stdin ends, so it
 * never outlives a parent that died without killing it.
 */
import { startLocalService, TableExistsError, type LocalServiceOptions } from "@zerobus-ts/local";

/** The line the child prints once it is ready. */
export interface ServiceChildInfo {
  serverEndpoint: string;
  workspaceUrl: string;
  clientId: string;
  clientSecret: string;
}

const [dataDir, table, columns, optionsJson] = process.argv.slice(2);
if (dataDir === undefined || table === undefined || columns === undefined) {
  console.error("usage: service-child.ts <dataDir> <table> <columns>");
  process.exit(2);
}
// Small group commits: many of them, so a kill is likely to land in the middle of one.
const options = optionsJson === undefined ? { commit: { maxDelayMs: 2, maxRows: 1_000 } } : (JSON.parse(optionsJson) as LocalServiceOptions);
const service = await startLocalService({ ...options, dataDir, port: 0 });
try {
  await service.createTable(table, columns);
} catch (err) {
  if (!(err instanceof TableExistsError)) throw err;
}
const info: ServiceChildInfo = {
  serverEndpoint: service.serverEndpoint,
  workspaceUrl: service.workspaceUrl,
  clientId: service.clientId,
  clientSecret: service.clientSecret,
};
process.stdout.write(`${JSON.stringify(info)}\n`);
process.stdin.on("end", () => void service.close().then(() => process.exit(0)));
process.stdin.resume();
