// The SDK's ingest path on whichever runtime runs this file (Node, Bun or Deno), from the installed package:
// OAuth against the workspace URL, a JSON stream, 500 records one call each and 500 in batches of 100, flush,
// close. Settings come from the environment `zerobus local` prints; CA_CERT names a PEM file to trust (TLS).
import { readFileSync } from "node:fs";
import { RecordType, TableProperties, ZerobusSdk } from "@zerobus-ts/sdk";

const env = process.env;
const runtime = globalThis.Bun ? `bun ${globalThis.Bun.version}` : globalThis.Deno ? `deno ${globalThis.Deno.version.deno}` : `node ${process.version}`;
const options = env.CA_CERT ? { rootCertificates: readFileSync(env.CA_CERT) } : {};
const sdk = new ZerobusSdk(env.ZEROBUS_SERVER_ENDPOINT, env.DATABRICKS_WORKSPACE_URL, options);
const stream = await sdk.createStream(env.DATABRICKS_CLIENT_ID, env.DATABRICKS_CLIENT_SECRET, new TableProperties(env.TABLE), {
  recordType: RecordType.JSON,
});
let id = 0;
for (; id < 500; id++) await stream.ingestRecordOffset({ id, runtime });
while (id < 1000) {
  const batch = Array.from({ length: 100 }, () => ({ id: id++, runtime }));
  await stream.ingestRecordsOffset(batch);
}
await stream.flush();
await stream.close();
sdk.close();
console.log(JSON.stringify({ runtime, sent: id, unacked: stream.getUnackedRecords().length }));
