/**
 * Map keys compared by value, so that a map holding one key twice is refused by every record format
 * (`{"1": …, "01": …}` on an int-keyed map, two protobuf entries with one key, two `[k, v]` pairs).
 */
import type { RowValue } from "../schema/delta-type.js";

/** A string equal for equal keys of one key type (keys of one map always share a type). */
export function mapKeyIdentity(key: RowValue): string {
  if (typeof key === "string") return JSON.stringify(key);
  if (typeof key === "bigint") return key.toString();
  if (typeof key === "number") return Object.is(key, -0) ? "-0" : String(key);
  if (key instanceof Uint8Array) return `0x${Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString("hex")}`;
  return JSON.stringify(key, (_, value: unknown) => (typeof value === "bigint" ? value.toString() : value instanceof Uint8Array ? Buffer.from(value).toString("hex") : value));
}
