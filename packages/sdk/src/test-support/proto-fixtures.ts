/**
 * Test fixtures for descriptors: .proto sources parsed with protobufjs, descriptor sets written to temp
 * files, and a stand-in for protobuf-es v2 descriptors (the real package is an optional peer dependency
 * and is not installed here).
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescriptorTypes, decodeDescriptorProto, protobuf, toPlainDescriptor } from "../descriptor/protobuf-runtime.js";
import type { IDescriptorProto, IFileDescriptorSet } from "../descriptor/protobuf-runtime.js";

/** A file imported by {@link MAIN_PROTO}: a message in another package, with a nested type and a map. */
export const OTHER_PROTO = `
syntax = "proto2";
package other;
message Address {
  optional string street = 1;
  optional Geo geo = 2;
  map<string, Geo> named_points = 3;
  message Geo { optional double lat = 1; optional double lng = 2; }
}
enum Level { LOW = 0; HIGH = 1; }
`;

/** The record schema most tests use: nested, cross-file, map, enum, recursive and 64-bit fields. */
export const MAIN_PROTO = `
syntax = "proto2";
package shop;
import "other.proto";
message Order {
  required int64 id = 1;
  optional uint64 big_count = 2;
  optional string customer_name = 3;
  optional Item first_item = 4;
  repeated Item items = 5;
  map<string, int64> counters = 6;
  optional other.Address ship_to = 7;
  optional other.Level level = 8;
  optional Status status = 9;
  optional Category category = 10;
  repeated int64 ids = 11;
  optional bytes blob = 12;
  oneof contact { string email = 13; string phone = 14; }
  message Item { optional string sku = 1; optional int32 qty = 2; optional Item parent = 3; }
  enum Status { NEW = 0; SHIPPED = 1; }
}
message Category { optional string name = 1; optional Category parent = 2; }
`;

/** Parses .proto sources into one protobufjs root (by default keeping the .proto field names). */
export function parseProtos(sources: readonly string[], keepCase = true): protobuf.Root {
  const root = new protobuf.Root();
  for (const source of sources) protobuf.parse(source, root, { keepCase });
  root.resolveAll();
  return root;
}

/** The shop/other root of {@link MAIN_PROTO}. */
export function shopRoot(keepCase = true): protobuf.Root {
  return parseProtos([OTHER_PROTO, MAIN_PROTO], keepCase);
}

/** The root's `FileDescriptorSet` as plain objects; protobufjs names each file after its package. */
export function descriptorSetOf(root: protobuf.Root): IFileDescriptorSet {
  return toPlainDescriptor<IFileDescriptorSet>(DescriptorTypes.FileDescriptorSet, root.toDescriptor("proto2"));
}

/** Serializes a descriptor set into a fresh temp directory; returns the file path. */
export async function writeDescriptorSet(set: IFileDescriptorSet, fileName = "set.pb"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "zerobus-descriptor-"));
  const path = join(dir, fileName);
  const type = DescriptorTypes.FileDescriptorSet;
  await writeFile(path, type.encode(type.fromObject(set as unknown as Record<string, unknown>)).finish());
  return path;
}

/** Decodes a serialized or base64 `DescriptorProto` for inspection. */
export function decodeDescriptor(value: Uint8Array | string): IDescriptorProto {
  return decodeDescriptorProto(typeof value === "string" ? Buffer.from(value, "base64") : value);
}

/** The named nested message type inside a decoded root descriptor. */
export function nestedType(proto: IDescriptorProto, name: string): IDescriptorProto | undefined {
  return proto.nestedType?.find((type) => type.name === name);
}

/** The `type_name` of a field of a decoded descriptor. */
export function typeNameOf(proto: IDescriptorProto, field: string): string | undefined {
  return proto.field?.find((f) => f.name === field)?.typeName ?? undefined;
}

/**
 * A stand-in for a protobuf-es v2 `DescMessage`: `kind`, `typeName`, `proto`, `file` with
 * `dependencies`, and `fields[].message`, where the descriptor messages carry `$typeName` and keep proto2
 * defaults on their prototype, as protobuf-es does.
 */
export function fakeDescMessage(root: protobuf.Root, typeName: string): object {
  const set = descriptorSetOf(root);
  const files = (set.file ?? []).map((file) => ({
    kind: "file",
    name: (file.name ?? "").replace(/\.proto$/, ""),
    proto: asProtobufEs(file, "google.protobuf.FileDescriptorProto"),
    dependencies: [] as object[],
  }));
  for (const file of files) file.dependencies = files.filter((other) => other !== file);
  const pkg = typeName.slice(0, typeName.lastIndexOf("."));
  const file = files.find((f) => (f.proto as { package?: string }).package === pkg)!;
  const name = typeName.slice(typeName.lastIndexOf(".") + 1);
  const proto = ((file.proto as { messageType: object[] }).messageType).find((m) => (m as { name: string }).name === name)!;
  return { kind: "message", typeName, proto, file, fields: [] };
}

// Adds protobuf-es bookkeeping: `$typeName` on every object and proto2 defaults on the prototype.
function asProtobufEs(value: unknown, typeName: string): unknown {
  if (Array.isArray(value)) return value.map((item) => asProtobufEs(item, typeName));
  if (typeof value !== "object" || value === null) return value;
  const defaults = { jsonName: "", oneofIndex: 0, defaultValue: "", proto3Optional: false };
  const out: Record<string, unknown> = Object.create(defaults);
  out.$typeName = typeName;
  for (const [key, item] of Object.entries(value)) out[key] = asProtobufEs(item, `${typeName}.${key}`);
  return out;
}
