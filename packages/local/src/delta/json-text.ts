/**
 * JSON text for log files. `JSON.stringify` cannot write bigints; Delta needs them as plain JSON
 * numbers (transaction versions, long statistics), so this serializer writes them as digits.
 */

/** A value {@link toJsonText} can serialize. `undefined` members are skipped, like JSON.stringify. */
export type JsonTextValue =
  | null
  | undefined
  | boolean
  | number
  | bigint
  | string
  | JsonTextValue[]
  | { [key: string]: JsonTextValue }
  | RawJson;

/** Pre-serialized JSON inserted as is (e.g. a decimal statistic `123.45` kept exact). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** Serializes a value to compact JSON, writing bigints as JSON numbers. */
export function toJsonText(value: JsonTextValue): string {
  if (value === null || value === undefined) return "null";
  if (value instanceof RawJson) return value.text;
  switch (typeof value) {
    case "bigint":
      return value.toString();
    case "number":
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
    case "string":
      return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => toJsonText(item ?? null)).join(",")}]`;
  const members: string[] = [];
  for (const [key, member] of Object.entries(value)) {
    if (member !== undefined) members.push(`${JSON.stringify(key)}:${toJsonText(member)}`);
  }
  return `{${members.join(",")}}`;
}
