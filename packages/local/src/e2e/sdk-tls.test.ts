/**
 * TLS end to end: the service with a certificate, the SDK trusting it through `rootCertificates`, an
 * `https://` endpoint; and a clear failure when the SDK does not trust the certificate.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { readTable, startLocalService, type LocalService } from "@zerobus-ts/local";
import { RecordType, ZerobusException, ZerobusSdk } from "@zerobus-ts/sdk";
import { makeTempDir, tableDir } from "./support/e2e-harness.js";

const cert = readFileSync(new URL("../service/test-support/tls-test-cert.pem", import.meta.url));
const key = readFileSync(new URL("../service/test-support/tls-test-key.pem", import.meta.url));
const TABLE = "main.e2e.secure";

describe("SDK over TLS", () => {
  let service: LocalService;
  let temp: { dir: string; remove: () => Promise<void> };
  before(async () => {
    temp = await makeTempDir();
    service = await startLocalService({ dataDir: temp.dir, port: 0, tls: { cert, key } });
    await service.createTable(TABLE, "id BIGINT");
  });
  after(async () => {
    await service?.close();
    await temp?.remove();
  });

  const headers = () => async () => [["authorization", `Bearer ${service.issueToken({ scopes: [TABLE] })}`], ["x-databricks-zerobus-table-name", TABLE]] as Array<[string, string]>;

  it("ingests through an https:// endpoint when the certificate is trusted", async () => {
    assert.match(service.serverEndpoint, /^https:\/\//);
    const sdk = new ZerobusSdk(service.serverEndpoint, "", { rootCertificates: cert });
    const stream = await sdk.createStream({ tableName: TABLE }, "", "", { recordType: RecordType.JSON }, headers());
    for (let id = 0; id < 10; id++) await stream.ingestRecordOffset({ id });
    await stream.close();
    sdk.close();
    assert.equal((await readTable(tableDir(temp.dir, TABLE))).rows.length, 10);
  });

  it("refuses an untrusted certificate with a retriable connection error (no plaintext fallback)", async () => {
    const sdk = new ZerobusSdk(service.serverEndpoint, "");
    await assert.rejects(
      sdk.createStream({ tableName: TABLE }, "", "", { recordType: RecordType.JSON, recovery: false, recoveryTimeoutMs: 5_000 }, headers()),
      (err: unknown) => err instanceof ZerobusException && err.retriable,
    );
    sdk.close();
  });
});
