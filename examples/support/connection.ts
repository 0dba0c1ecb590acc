/**
 * Where the examples connect. With ZEROBUS_SERVER_ENDPOINT, DATABRICKS_WORKSPACE_URL, DATABRICKS_CLIENT_ID and
 * DATABRICKS_CLIENT_SECRET set (and ZEROBUS_TABLE naming an existing table), they talk to that service. Without
 * them, they start the local service in process on a temp directory and create the table there, so every
 * example runs with one command and no setup.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalService } from "@zerobus-ts/local";

/** Connection settings for an example, and how to clean up after it. */
export interface ExampleConnection {
  serverEndpoint: string;
  workspaceUrl: string;
  clientId: string;
  clientSecret: string;
  tableName: string;
  /** Rows in the table, when it is the local service's (undefined for a real workspace). */
  countRows(): Promise<number | undefined>;
  close(): Promise<void>;
}

/** The air-quality table every example writes to. */
export const TABLE_COLUMNS = "device_name STRING, temp INT, humidity BIGINT";

/** Connects as described in the module comment. */
export async function connect(): Promise<ExampleConnection> {
  const env = process.env;
  if (env.ZEROBUS_SERVER_ENDPOINT && env.DATABRICKS_WORKSPACE_URL && env.DATABRICKS_CLIENT_ID && env.DATABRICKS_CLIENT_SECRET) {
    return {
      serverEndpoint: env.ZEROBUS_SERVER_ENDPOINT,
      workspaceUrl: env.DATABRICKS_WORKSPACE_URL,
      clientId: env.DATABRICKS_CLIENT_ID,
      clientSecret: env.DATABRICKS_CLIENT_SECRET,
      tableName: env.ZEROBUS_TABLE ?? "main.default.air_quality",
      countRows: async () => undefined,
      close: async () => {},
    };
  }
  const dataDir = await mkdtemp(join(tmpdir(), "zerobus-example-"));
  const service = await startLocalService({ dataDir, port: 0 });
  const tableName = "main.default.air_quality";
  await service.createTable(tableName, TABLE_COLUMNS);
  const { readTable } = await import("@zerobus-ts/local");
  return {
    serverEndpoint: service.serverEndpoint,
    workspaceUrl: service.workspaceUrl,
    clientId: service.clientId,
    clientSecret: service.clientSecret,
    tableName,
    countRows: async () => (await readTable(join(dataDir, "main", "default", "air_quality"))).rows.length,
    close: async () => {
      await service.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
