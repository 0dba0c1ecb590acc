/**
 * The decoding plan that a checked descriptor yields: for every protobuf field number, which column it
 * fills and how its wire value becomes a row value. The descriptor check builds it once per stream;
 * the record decoder follows it for every record.
 */
import type { DeltaType } from "../schema/delta-type.js";

/** The protobuf scalar types a column may be declared with (see `checkDescriptor`). */
export type ProtoScalarType =
  | "int32"
  | "sint32"
  | "sfixed32"
  | "int64"
  | "sint64"
  | "sfixed64"
  | "float"
  | "double"
  | "bool"
  | "string"
  | "bytes";

/** How one value (a field's value, or one element of a repeated field) is decoded. */
export type ValuePlan =
  | { kind: "scalar"; proto: ProtoScalarType; type: DeltaType }
  | { kind: "struct"; fields: FieldPlan[] }
  | { kind: "map"; key: ValuePlan; value: ValuePlan; valueNullable: boolean };

/** One protobuf field matched to one column or struct field. */
export interface FieldPlan {
  /** The column (or struct field) name as the table spells it: the row key. */
  name: string;
  /** Dotted column path, for messages. */
  path: string;
  /** The protobuf field number. */
  number: number;
  /** `repeated` for arrays and maps. */
  label: "optional" | "required" | "repeated";
  /** Whether the column accepts NULL (an absent optional field). */
  nullable: boolean;
  /** For repeated fields, the plan of one element (or one map entry). */
  value: ValuePlan;
}

/** The plan for a whole record: the root message's fields, in column order. */
export interface RecordPlan {
  /** The root message name from the descriptor. */
  messageName: string;
  fields: FieldPlan[];
}
