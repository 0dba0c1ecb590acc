/**
 * Renders the message model as `.proto` source: proto2, nested messages inside the message using them.
 */
import type { ProtoField, ProtoMessage, ProtoValue } from "./proto-message.js";

const INDENT = "  ";

/** The `.proto` text of one top-level message: `syntax = "proto2";` then the message. */
export function renderProtoText(message: ProtoMessage): string {
  return `syntax = "proto2";\n\n${renderMessage(message, 0).join("\n")}\n`;
}

function renderMessage(message: ProtoMessage, depth: number): string[] {
  const pad = INDENT.repeat(depth);
  const lines = [`${pad}message ${message.name} {`];
  for (const field of message.fields) lines.push(`${pad}${INDENT}${renderField(field)}`);
  for (const nested of message.nested) lines.push("", ...renderMessage(nested, depth + 1));
  lines.push(`${pad}}`);
  return lines;
}

function renderField(field: ProtoField): string {
  const type = valueTypeName(field.value);
  if (field.map !== undefined) return `map<${field.map.key}, ${type}> ${field.name} = ${field.number};`;
  return `${field.label} ${type} ${field.name} = ${field.number};`;
}

// Nested messages are referred to by their simple name: they are declared inside the message that uses them.
function valueTypeName(value: ProtoValue): string {
  return value.kind === "scalar" ? value.scalar : value.message.name;
}
