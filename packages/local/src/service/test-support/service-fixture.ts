/**
 * Test fixture: a local service on ephemeral ports over a fresh temp directory, a raw client for it,
 * and a token helper that goes through the real token endpoint.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LocalServiceOptions } from "../local-service-options.js";
import { startLocalService, type LocalService } from "../start-local-service.js";
import { RawZerobusClient } from "./raw-zerobus-client.js";

/** A started service plus its raw client; `close()` tears everything down. */
export interface TestService {
  service: LocalService;
  client: RawZerobusClient;
  close(): Promise<void>;
}

/** Starts a service with `port: 0`, a temp data dir and a short commit delay. */
export async function startTestService(options: LocalServiceOptions = {}): Promise<TestService> {
  const dataDir = await mkdtemp(join(tmpdir(), "zerobus-local-"));
  const service = await startLocalService({ port: 0, dataDir, ...options, commit: { maxDelayMs: 5, ...options.commit } });
  const client = new RawZerobusClient(service.serverEndpoint);
  return {
    service,
    client,
    async close() {
      client.close();
      await service.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The authorization_details an official client sends for one table (PROTOCOL.md §3.1). */
export function authorizationDetails(table: string, withOperations = false): string {
  const [c, s] = table.split(".");
  const ops = withOperations ? { operations: ["zerobuswrite"] } : {};
  return JSON.stringify([
    { type: "unity_catalog_privileges", privileges: ["USE CATALOG"], object_type: "CATALOG", object_full_path: c, ...ops },
    { type: "unity_catalog_privileges", privileges: ["USE SCHEMA"], object_type: "SCHEMA", object_full_path: `${c}.${s}`, ...ops },
    { type: "unity_catalog_privileges", privileges: ["SELECT", "MODIFY"], object_type: "TABLE", object_full_path: table, ...ops },
  ]);
}

/** Requests a token from the token endpoint, as an SDK does. Returns the raw response. */
export async function requestToken(
  service: LocalService,
  form: Record<string, string>,
  credentials: { clientId: string; clientSecret: string } = service,
): Promise<Response> {
  const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString("base64");
  return fetch(`${service.workspaceUrl}/oidc/v1/token`, {
    method: "POST",
    headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
}

/** A token granting MODIFY on `table`, from the token endpoint. */
export async function tokenFor(service: LocalService, table: string): Promise<string> {
  const res = await requestToken(service, {
    grant_type: "client_credentials",
    scope: "all-apis",
    resource: "api://databricks/workspaces/127/zerobusDirectWriteApi",
    authorization_details: authorizationDetails(table),
  });
  if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** A workspace token (no `authorization_details`), as catalog clients and proto generators request. */
export async function workspaceToken(service: LocalService, credentials: { clientId: string; clientSecret: string } = service): Promise<string> {
  const res = await requestToken(service, { grant_type: "client_credentials", scope: "all-apis" }, credentials);
  if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}
