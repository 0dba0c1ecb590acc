// The SDK's ingest paths on whichever runtime runs this file (Node, Bun or Deno), from the installed package:
// OAuth against the workspace URL, a JSON stream, 500 records one call each and 500 in batches of 100, flush,
// close; then an Arrow stream into ARROW_TABLE, 500 rows as an apache-arrow RecordBatch and 500 as IPC bytes.
// Settings come from the environment `zerobus local` prints; CA_CERT names a PEM file to trust (TLS).
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

const arrow = await import("apache-arrow");
const schema = new arrow.Schema([new arrow.Field("id", new arrow.Int64(), false), new arrow.Field("runtime", new arrow.LargeUtf8(), true)]);
const batchOf = (first, rows) => {
  const ids = arrow.makeVector(BigInt64Array.from({ length: rows }, (_, i) => BigInt(first + i)));
  const names = arrow.vectorFromArray(Array.from({ length: rows }, () => runtime), new arrow.LargeUtf8());
  const data = arrow.makeData({ type: new arrow.Struct(schema.fields), length: rows, nullCount: 0, children: [ids.data[0], names.data[0]] });
  return new arrow.RecordBatch(schema, data);
};
const arrowStream = await sdk.createArrowStream({ tableName: env.ARROW_TABLE, schema }, env.DATABRICKS_CLIENT_ID, env.DATABRICKS_CLIENT_SECRET);
await arrowStream.ingestBatch(batchOf(0, 500));
await arrowStream.ingestBatch(arrow.tableToIPC(new arrow.Table([batchOf(500, 500)]), "stream"));
await arrowStream.close();
const arrowUnacked = (await arrowStream.getUnackedBatches()).length;
sdk.close();
console.log(JSON.stringify({ runtime, sent: id, unacked: stream.getUnackedRecords().length, arrowRows: 1000, arrowUnacked }));
