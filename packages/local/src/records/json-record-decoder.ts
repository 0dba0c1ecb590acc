/**
 * JSON records: one JSON object per record, keyed by column name, converted to a row of the table.
 */
import type { DeltaField, Row } from "../schema/delta-type.js";
import { coerceStruct } from "./json-value-coercion.js";
import { describeJson, JsonSyntaxError, readJson } from "../json/json-reader.js";
import { RecordError } from "./record-error.js";
import { describeInvalidUtf8, InvalidUtf8Text } from "./utf8-text.js";

/**
 * Decodes one JSON record into a row of a table with the given columns.
 *
 * The record must be a JSON object. Keys are column names: a key matches its column exactly or, failing
 * that, case-insensitively; when a record has both (`{"id":4,"ID":5}`) the exact match wins and the other
 * key is ignored, and two keys matching one column only case-insensitively are an error. A key naming no
 * column is an error; a missing key or `null` is SQL NULL, which a non-nullable column refuses. A key
 * repeated within one object, a lone surrogate escape (`"\ud800"`) and text that was not valid UTF-8 are
 * errors. Values map to column types as follows:
 *
 * | Column type                | JSON accepted                                                          |
 * |----------------------------|------------------------------------------------------------------------|
 * | tinyint, smallint, int     | integer number (`42`) or integer string (`"42"`), range-checked        |
 * | bigint                     | integer number or string, exact to the full 64 bits (not via doubles)   |
 * | float, double              | number; or `"NaN"`, `"Infinity"`, `"-Infinity"`; float range-checked    |
 * | decimal(p,s)               | number or string (`12.30`, `"1e2"`), exact; more than s fraction digits |
 * |                            | (other than trailing zeros) or more than p digits is an error          |
 * | string                     | string                                                                 |
 * | boolean                    | `true` / `false`                                                       |
 * | binary                     | base64 string (standard or URL-safe alphabet)                          |
 * | date                       | `"YYYY-MM-DD"` or integer days since 1970-01-01                        |
 * | timestamp                  | ISO-8601 string (`"2024-01-31T12:00:00.123456Z"`, offsets allowed, no  |
 * |                            | zone = UTC) or integer microseconds since the epoch                    |
 * | timestamp_ntz              | the same, but a zone offset other than `Z` is refused                  |
 * | struct<…>                  | object, decoded by the same rules                                      |
 * | array<T>                   | array of T                                                             |
 * | map<K,V>                   | object (keys read as K) or array of `[key, value]` pairs               |
 *
 * Throws `RecordError` naming the column (dotted path for nested values) on any mismatch, or with an
 * empty column for text that is not a JSON object.
 */
export function decodeJsonRecord(record: string | InvalidUtf8Text, fields: readonly DeltaField[]): Row {
  let value;
  try {
    value =
      typeof record === "string"
        ? readJson(record)
        : readJson(record.text, { invalidTextAt: record.charIndex, invalidTextProblem: `string holds ${describeInvalidUtf8(record)}` });
  } catch (err) {
    if (err instanceof JsonSyntaxError) {
      if (!err.syntax) throw new RecordError(err.path, err.problem, { cause: err });
      throw new RecordError(err.path, `record is not valid JSON: ${err.message}`, { cause: err });
    }
    throw err;
  }
  // Invalid UTF-8 outside any string (between tokens) is a syntax error above; this is the rest.
  if (typeof record !== "string") throw new RecordError("", `record is not valid JSON: ${describeInvalidUtf8(record)}`);
  if (!(value instanceof Map)) throw new RecordError("", `record must be a JSON object, got ${describeJson(value)}`);
  return coerceStruct(fields, value, "");
}
