import * as arrow from "apache-arrow";
import * as parquet from "parquet-wasm";
import type { DeltaField, Row } from "../schema/delta-type.js";
import { buildArrowData, toArrowField } from "./arrow-builders.js";

/**
 * Turns rows into the bytes of one Parquet file. Kept behind an interface so that another encoder
 * (hyparquet-writer, say) can be swapped in without touching the Delta writer (DELTA.md §2).
 */
export interface ParquetEncoder {
  /** The compression codec. */
  readonly codec: ParquetCodec;
  /** File-name infix of the codec, e.g. `snappy` for `part-…-c000.snappy.parquet`; `""` when none. */
  readonly codecSuffix: string;
  /** Encodes `rows` with exactly the columns in `fields` (values are validated beforehand). */
  encode(fields: readonly DeltaField[], rows: readonly Row[]): Uint8Array;
  /** Encodes an Arrow table whose columns are already the file's (types as `toArrowField` gives them). */
  encodeTable(table: arrow.Table): Uint8Array;
}

/** Parquet compression codecs, named as in the Delta property `delta.parquet.compression.codec`. */
export type ParquetCodec = "uncompressed" | "snappy" | "gzip" | "zstd" | "lz4" | "lz4_raw" | "brotli";

/** Options of {@link createParquetEncoder}. */
export interface ParquetEncoderOptions {
  /** Compression codec. Default `snappy`, what Spark writes and every reader supports. */
  codec?: ParquetCodec;
}

const CODECS: Readonly<Record<ParquetCodec, parquet.Compression>> = {
  uncompressed: parquet.Compression.UNCOMPRESSED,
  snappy: parquet.Compression.SNAPPY,
  gzip: parquet.Compression.GZIP,
  zstd: parquet.Compression.ZSTD,
  lz4: parquet.Compression.LZ4,
  lz4_raw: parquet.Compression.LZ4_RAW,
  brotli: parquet.Compression.BROTLI,
};

/** Parses a `delta.parquet.compression.codec` value; unknown or absent values give `snappy`. */
export function parseParquetCodec(value: string | undefined): ParquetCodec {
  const lower = value?.toLowerCase();
  return lower !== undefined && lower in CODECS ? (lower as ParquetCodec) : "snappy";
}

/**
 * The parquet-wasm (parquet-rs) encoder: Arrow columns built from the rows are handed to parquet-rs
 * through an Arrow IPC stream and written as Parquet 1.0 data pages (DataPageV1), the page format
 * every Delta reader supports. int8/int16 keep their INT(8)/INT(16) annotations, timestamps are
 * INT64 TIMESTAMP(MICROS) with isAdjustedToUTC true for `timestamp` and false for `timestamp_ntz`,
 * lists and maps use the 3-level layout.
 */
export function createParquetEncoder(options: ParquetEncoderOptions = {}): ParquetEncoder {
  const codec = options.codec ?? "snappy";
  const compression = CODECS[codec];
  const encodeTable = (table: arrow.Table): Uint8Array => {
    const wasmTable = parquet.Table.fromIPCStream(arrow.tableToIPC(table, "stream"));
    let builder = new parquet.WriterPropertiesBuilder()
      .setCompression(compression)
      .setWriterVersion(parquet.WriterVersion.V1)
      // Column-chunk statistics only: page-level statistics (parquet-rs's default) made writing about
      // four times slower, and Delta readers skip files by the log's statistics anyway.
      .setStatisticsEnabled(parquet.EnabledStatistics.Chunk)
      // Dictionary pages only for top-level strings and binaries, where repeats are common: for
      // mostly-distinct numbers (ids, timestamps) building a dictionary that overflows and falls back
      // to plain encoding cost 2.5x the write time and gave larger files.
      .setDictionaryEnabled(false)
      .setCreatedBy("zerobus-ts-local/0.1.0 (parquet-rs via parquet-wasm)");
    for (const field of table.schema.fields) {
      if (arrow.DataType.isUtf8(field.type) || arrow.DataType.isBinary(field.type)) builder = builder.setColumnDictionaryEnabled(field.name, true);
    }
    return parquet.writeParquet(wasmTable, builder.build());
  };
  return {
    codec,
    codecSuffix: codec === "uncompressed" ? "" : codec,
    encode: (fields, rows) => encodeTable(toArrowTable(fields, rows)),
    encodeTable,
  };
}

/** Builds the Arrow table (one record batch) for `rows`. */
export function toArrowTable(fields: readonly DeltaField[], rows: readonly Row[]): arrow.Table {
  const schema = new arrow.Schema(fields.map(toArrowField));
  const children = fields.map((field) => buildArrowData(field.type, rows.map((row) => row[field.name])));
  const root = arrow.makeData({ type: new arrow.Struct(schema.fields), length: rows.length, nullCount: 0, children });
  return new arrow.Table([new arrow.RecordBatch(schema, root)]);
}
