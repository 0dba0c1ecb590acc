/**
 * The all-types table of the end-to-end tests: its columns, the rows the tests send (in the row model
 * `readTable` returns, so expectations need no conversion), and each row as a PROTO plain object and as
 * a JSON record, written the way an application would write them.
 */
import protobuf from "protobufjs";
import type { Row } from "@zerobus-ts/local";

/** The table's columns: one of every supported type, a NOT NULL key and nesting. */
export const ALL_TYPES_COLUMNS = `
  id BIGINT NOT NULL, s STRING, i INT, d DOUBLE, b BOOLEAN, bin BINARY, day DATE, ts TIMESTAMP,
  amount DECIMAL(20,4), point STRUCT<x: INT, label: STRING>, tags ARRAY<STRING>, attrs MAP<STRING, BIGINT>,
  f FLOAT, ntz TIMESTAMP_NTZ`;

/** The scale of the `amount` column. */
export const AMOUNT_SCALE = 4;

/**
 * The record message, built with protobufjs as an application would: struct columns are nested
 * messages, decimals travel as decimal text, dates as int32 days, timestamps as int64 microseconds.
 */
export const AllTypes: protobuf.Type = protobuf
  .parse(
    `syntax = "proto2";
     message AllTypes {
       message Point { optional int32 x = 1; optional string label = 2; }
       required int64 id = 1;
       optional string s = 2;
       optional int32 i = 3;
       optional double d = 4;
       optional bool b = 5;
       optional bytes bin = 6;
       optional int32 day = 7;
       optional int64 ts = 8;
       optional string amount = 9;
       optional Point point = 10;
       repeated string tags = 11;
       map<string, int64> attrs = 12;
       optional float f = 13;
       optional int64 ntz = 14;
     }`,
    { keepCase: true },
  )
  .root.lookupType("AllTypes");

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * `count` rows (at least 8). Row 3 is NULL in every nullable column; the first rows carry the edges:
 * int64 and int32 limits, ids beyond 2^53, empty strings, bytes, arrays and maps, pre-1970 dates and
 * timestamps, the largest DECIMAL(20,4), NULL inside structs, arrays and maps. `idBase` keeps the ids of
 * several batches apart.
 */
export function allTypesRows(count: number, idBase = 0n): Row[] {
  const rows: Row[] = [];
  for (let n = 0; n < count; n++) rows.push(n === 3 ? { ...nullRow(), id: idBase + 3n } : regularRow(n, idBase));
  const first = rows[0]!;
  Object.assign(first, { id: INT64_MIN + idBase, i: -2_147_483_648, s: "", bin: new Uint8Array(0), tags: [], attrs: [] });
  Object.assign(rows[1]!, { id: INT64_MAX - idBase, i: 2_147_483_647, day: -1, ts: -1n, ntz: -1n, amount: 10n ** 20n - 1n });
  Object.assign(rows[2]!, { amount: -(10n ** 20n - 1n), d: -0.5e-300, f: Math.fround(-3.4e38), point: { x: null, label: null } });
  return rows;
}

function regularRow(n: number, idBase: bigint): Row {
  return {
    id: idBase + 9_007_199_254_740_993n + BigInt(n) * 1_000_003n, // beyond 2^53
    s: `row-${n}-ünïcødé-😀`,
    i: n * 7 - 100,
    d: n + 0.25,
    b: n % 2 === 0,
    bin: Uint8Array.from([n & 0xff, 0, 255, 10]),
    day: 19_000 + n,
    ts: 1_700_000_000_123_456n + BigInt(n) * 1_000_001n, // microsecond precision
    amount: BigInt(n) * 12_345_678n - 5_000n,
    point: { x: n, label: n % 3 === 0 ? null : `p${n}` },
    tags: n % 2 === 0 ? [`t${n}`, "b"] : [`only-${n}`],
    attrs: [["k", BigInt(n)], ["big", 2n ** 62n + BigInt(n)]],
    f: Math.fround(n * 0.5 + 0.1),
    ntz: 1_600_000_000_000_000n + BigInt(n),
  };
}

function nullRow(): Row {
  return { s: null, i: null, d: null, b: null, bin: null, day: null, ts: null, amount: null, point: null, tags: null, attrs: null, f: null, ntz: null };
}

/** A row as a PROTO plain object: NULL columns are simply absent. */
export function toProtoObject(row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row)) {
    if (value === null) continue;
    if (name === "amount") out[name] = decimalText(value as bigint, AMOUNT_SCALE);
    else if (name === "attrs") out[name] = Object.fromEntries(value as Array<[string, bigint]>);
    else if (name === "point") out[name] = Object.fromEntries(Object.entries(value as Row).filter(([, v]) => v !== null));
    else out[name] = value;
  }
  return out;
}

/**
 * What a row reads back as after a PROTO round trip: protobuf cannot tell an absent repeated field from an
 * empty one, so NULL arrays and maps come back empty.
 */
export function afterProto(row: Row): Row {
  return { ...row, tags: row.tags ?? [], attrs: row.attrs ?? [] };
}

/**
 * A row as a JSON record object: bigints stay bigints (the SDK writes them as exact JSON integers), bytes
 * as base64, dates as `YYYY-MM-DD`, timestamps as ISO-8601 text with six fraction digits, decimals as text.
 */
export function toJsonObject(row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row)) {
    if (value === null) out[name] = null;
    else if (name === "bin") out[name] = Buffer.from(value as Uint8Array).toString("base64");
    else if (name === "day") out[name] = new Date((value as number) * 86_400_000).toISOString().slice(0, 10);
    else if (name === "ts") out[name] = isoMicros(value as bigint, "Z");
    else if (name === "ntz") out[name] = isoMicros(value as bigint, "");
    else if (name === "amount") out[name] = decimalText(value as bigint, AMOUNT_SCALE);
    else if (name === "attrs") out[name] = Object.fromEntries(value as Array<[string, bigint]>);
    else out[name] = value;
  }
  return out;
}

/** Renders an unscaled decimal at `scale` (`-12345`, 4 → `-1.2345`). */
export function decimalText(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, "0");
  return `${negative ? "-" : ""}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** Microseconds since the epoch as `YYYY-MM-DDTHH:MM:SS.ffffff` plus `zone`. */
function isoMicros(micros: bigint, zone: string): string {
  const ms = micros >= 0n ? micros / 1000n : -((-micros + 999n) / 1000n); // floor division
  const fraction = ((micros % 1_000_000n) + 1_000_000n) % 1_000_000n;
  return `${new Date(Number(ms)).toISOString().slice(0, 19)}.${fraction.toString().padStart(6, "0")}${zone}`;
}
