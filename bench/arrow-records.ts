/**
 * The Arrow batches every bench client sends: the air-quality rows of records.ts as columns
 * (device_name STRING → LargeUtf8, temp INT → Int32, humidity BIGINT → Int64, all nullable, the canonical
 * table schema of ARROW-FLIGHT.md §5), built once, so the bench measures the clients.
 */
import * as arrow from "apache-arrow";

/** The stream's schema. */
export const AIR_QUALITY_SCHEMA = new arrow.Schema([
  new arrow.Field("device_name", new arrow.LargeUtf8(), true),
  new arrow.Field("temp", new arrow.Int32(), true),
  new arrow.Field("humidity", new arrow.Int64(), true),
]);

/** The same schema in the official TypeScript SDK's shape (`ArrowDataType`: LargeUtf8 12, Int32 3, Int64 4). */
export const OFFICIAL_SCHEMA_FIELDS = [
  { name: "device_name", dataType: 12, nullable: true },
  { name: "temp", dataType: 3, nullable: true },
  { name: "humidity", dataType: 4, nullable: true },
];

/** A batch of `rows` rows. */
export function airQualityBatch(rows: number): arrow.RecordBatch {
  const names = arrow.vectorFromArray(Array.from({ length: rows }, (_, i) => `sensor-${i % 100}`), new arrow.LargeUtf8());
  const temp = arrow.makeVector(Int32Array.from({ length: rows }, (_, i) => 15 + (i % 20)));
  const humidity = arrow.makeVector(BigInt64Array.from({ length: rows }, (_, i) => BigInt(40 + (i % 50))));
  const data = arrow.makeData({
    type: new arrow.Struct(AIR_QUALITY_SCHEMA.fields),
    length: rows,
    nullCount: 0,
    children: [names.data[0]!, temp.data[0]!, humidity.data[0]!],
  });
  return new arrow.RecordBatch(AIR_QUALITY_SCHEMA, data);
}

/** The batch as an IPC stream (schema, the batch, end marker): what the official `ingestBatch` takes. */
export function ipcStreamOf(batch: arrow.RecordBatch): Buffer {
  return Buffer.from(arrow.tableToIPC(new arrow.Table(batch), "stream"));
}
