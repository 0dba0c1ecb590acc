/**
 * Test support: an in-process local service on ephemeral ports with a temp data dir, the environment
 * variables that point the CLI at it, and cleanup.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readTable, startLocalService, type LocalService, type Row } from "@zerobus-ts/local";

/** A running service for one test file. */
export interface ServiceFixture {
  service: LocalService;
  dataDir: string;
  /** A scratch directory for input files (removed with the fixture). */
  workDir: string;
  /** `ZEROBUS_SERVER_ENDPOINT`, `DATABRICKS_WORKSPACE_URL`, `DATABRICKS_CLIENT_ID`, `DATABRICKS_CLIENT_SECRET`. */
  env: Record<string, string>;
  /** The rows of `catalog.schema.table`, read from its Delta files. */
  rows(fullName: string): Promise<Row[]>;
  /** Closes the service, which flushes pending commits; the tables stay readable. Idempotent. */
  stopService(): Promise<void>;
  /** Closes the service and removes the directories. Idempotent. */
  close(): Promise<void>;
}

/** Starts a service with `startLocalService({ port: 0, dataDir })`. */
export async function startServiceFixture(): Promise<ServiceFixture> {
  const workDir = await mkdtemp(join(tmpdir(), "zerobus-cli-test-"));
  const dataDir = join(workDir, "data");
  const service = await startLocalService({ port: 0, dataDir });
  let closed: Promise<void> | undefined;
  let stopped: Promise<void> | undefined;
  const stopService = () => (stopped ??= service.close());
  return {
    service,
    dataDir,
    workDir,
    env: {
      ZEROBUS_SERVER_ENDPOINT: service.serverEndpoint,
      DATABRICKS_WORKSPACE_URL: service.workspaceUrl,
      DATABRICKS_CLIENT_ID: service.clientId,
      DATABRICKS_CLIENT_SECRET: service.clientSecret,
    },
    async rows(fullName) {
      const [catalog, schema, table] = fullName.split(".") as [string, string, string];
      return (await readTable(join(dataDir, catalog, schema, table))).rows;
    },
    stopService,
    close() {
      closed ??= (async () => {
        await stopService();
        await rm(workDir, { recursive: true, force: true });
      })();
      return closed;
    },
  };
}
