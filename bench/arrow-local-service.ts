/**
 * The local service for the bench's durable Arrow row, in its own process: a temp data dir, the
 * air-quality table, plaintext ports chosen by the OS. Prints the connection JSON on stdout; on SIGTERM
 * (or when the runner goes away) closes the service, which flushes pending commits, and removes the data.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalService } from "@zerobus-ts/local";
import { TABLE } from "./records.js";



const dataDir = mkdtempSync(join(tmpdir(), "zerobus-bench-"));
const service = await startLocalService({ port: 0, dataDir });
await service.createTable(TABLE, "device_name STRING, temp INT, humidity BIGINT");
console.log(JSON.stringify({ endpoint: service.serverEndpoint, workspaceUrl: service.workspaceUrl, clientId: service.clientId, clientSecret: service.clientSecret }));

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await service.close().catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("disconnect", () => void stop());
