/**
 * Records for PROTO streams: each JSON line or CSV row becomes a plain object of the stream's message,
 * converted by the field types (see `proto-values.ts`), which the SDK then encodes with the descriptor.
 *
 * CSV cells: scalars from their text (integers, numbers, true/false, base64 for bytes); message, repeated
 * and map fields from JSON text. An empty unquoted cell leaves the field unset (NULL); a quoted empty
 * cell is the empty string. Dates and timestamps are the integers of PROTOCOL.md §7.5 (days, and
 * microseconds since the epoch).
 */
import type protobuf from "protobufjs";
import type { CsvHeader, InputRecord } from "../input/input-records.js";
import { ConversionError } from "./conversion-error.js";
import { JsonTextError, type ExactJsonParser } from "./exact-json.js";
import { checkRequired, fieldFromJson, fieldNamed, messageFromJson, scalarValue } from "./proto-values.js";

/** Converts input records to plain objects of one message type. */
export class ProtoModeRecords {
  private readonly headerFields = new WeakMap<CsvHeader, protobuf.Field[]>();

  constructor(
    private readonly type: protobuf.Type,
    private readonly parseJson: ExactJsonParser,
  ) {}

  /** The plain message object of a record. Throws `ConversionError`. */
  convert(input: InputRecord): Record<string, unknown> {
    if (input.kind === "json") {
      let value;
      try {
        value = this.parseJson(input.text);
      } catch (err) {
        if (err instanceof JsonTextError) throw new ConversionError(`not valid JSON: ${err.message}`);
        throw err;
      }
      return messageFromJson(this.type, value, "");
    }
    const fields = this.fieldsOf(input.header);
    const out: Record<string, unknown> = {};
    input.row.fields.forEach((cell, i) => {
      if (cell === "" && !input.row.quoted[i]) return;
      const field = fields[i]!;
      out[field.name] = cellValue(field, cell, this.parseJson);
    });
    checkRequired(this.type, out, "");
    return out;
  }

  private fieldsOf(header: CsvHeader): protobuf.Field[] {
    let fields = this.headerFields.get(header);
    if (fields === undefined) {
      try {
        fields = header.names.map((name) => fieldNamed(this.type, name, ""));
      } catch (err) {
        if (err instanceof ConversionError) throw new ConversionError(`the header names ${err.message}`, header.line);
        throw err;
      }
      this.headerFields.set(header, fields);
    }
    return fields;
  }
}

function cellValue(field: protobuf.Field, cell: string, parseJson: ExactJsonParser): unknown {
  field.resolve();
  const isMessage = field.resolvedType !== null && "fieldsArray" in field.resolvedType;
  if (!field.map && !field.repeated && !isMessage) {
    // Scalars from their text; an enum cell is the value's name (or number), as in JSON.
    return field.resolvedType === null ? scalarValue(field.type, cell, field.name) : fieldFromJson(field, cell, field.name);
  }
  let json;
  try {
    json = parseJson(cell);
  } catch (err) {
    if (err instanceof JsonTextError) throw new ConversionError(`field '${field.name}': expected JSON text, ${err.message}: ${JSON.stringify(cell)}`);
    throw err;
  }
  return fieldFromJson(field, json, field.name);
}
