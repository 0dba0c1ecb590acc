/**
 * Just enough protobuf reading for the bench server: which kind of request arrived, its offset, and how
 * many records and bytes it carries — without decoding a single record.
 */

function readVarint(buf: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = buf[pos++]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, pos];
    scale *= 128;
  }
}

/** The parts of an `EphemeralStreamRequest` the bench server needs. */
export interface ScannedRequest {
  kind: "create" | "ingest";
  offset: number;
  records: number;
  payloadBytes: number;
}

/** Walks the fields of one message body, calling `onField(number, start, end | value)`. */
function scanFields(buf: Uint8Array, start: number, end: number, onField: (field: number, a: number, b: number) => void): void {
  let pos = start;
  while (pos < end) {
    const [key, afterKey] = readVarint(buf, pos);
    const field = key >>> 3;
    if ((key & 7) === 0) {
      const [value, next] = readVarint(buf, afterKey);
      onField(field, value, -1);
      pos = next;
    } else {
      const [length, bodyStart] = readVarint(buf, afterKey);
      onField(field, bodyStart, bodyStart + length);
      pos = bodyStart + length;
    }
  }
}

/** Scans a request; records in a batch are counted by their length prefixes only. */
export function scanRequest(buf: Uint8Array): ScannedRequest {
  const result: ScannedRequest = { kind: "create", offset: -1, records: 0, payloadBytes: 0 };
  scanFields(buf, 0, buf.length, (field, start, end) => {
    if (field === 1) return;
    result.kind = "ingest";
    scanFields(buf, start, end, (inner, a, b) => {
      if (inner === 1) result.offset = a;
      else if (field === 2) {
        result.records = 1;
        result.payloadBytes = b - a;
      } else {
        scanFields(buf, a, b, (_f, s, e) => {
          result.records += 1;
          result.payloadBytes += e - s;
        });
      }
    });
  });
  return result;
}
