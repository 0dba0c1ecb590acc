/**
 * A lookup table of every message and enum type defined in a set of `.proto` files, keyed by fully
 * qualified name, with protobuf's scoping rules for resolving a field's `type_name`.
 *
 * Descriptors arrive with two styles of `type_name`: protoc writes fully qualified names (`.pkg.Msg`),
 * protobufjs writes names relative to the enclosing message (`Nested`, `other.Msg`). Both resolve here.
 */
import type { IDescriptorProto, IEnumDescriptorProto, IFileDescriptorProto } from "./protobuf-runtime.js";

/** A message type found in the index. */
export interface IndexedMessage {
  readonly kind: "message";
  /** Fully qualified name without the leading dot, e.g. `pkg.Outer.Inner`. */
  readonly fullName: string;
  /** The package of the file that defines it (may be empty). */
  readonly packageName: string;
  readonly proto: IDescriptorProto;
}

/** An enum type found in the index. */
export interface IndexedEnum {
  readonly kind: "enum";
  /** Fully qualified name without the leading dot. */
  readonly fullName: string;
  /** The package of the file that defines it (may be empty). */
  readonly packageName: string;
  readonly proto: IEnumDescriptorProto;
}

/** A type found in the index. */
export type IndexedType = IndexedMessage | IndexedEnum;

/** Every message and enum type of some files, by fully qualified name (no leading dot). */
export type TypeIndex = ReadonlyMap<string, IndexedType>;

/** Indexes the types of `files`; on duplicate names the first definition wins, as in a protoc import graph. */
export function buildTypeIndex(files: readonly IFileDescriptorProto[]): TypeIndex {
  const index = new Map<string, IndexedType>();
  for (const file of files) {
    const packageName = file.package ?? "";
    addMessages(index, packageName, packageName, file.messageType ?? []);
    addEnums(index, packageName, packageName, file.enumType ?? []);
  }
  return index;
}

/** Indexes one message and everything nested in it as if it were the only type of a file in `packageName`. */
export function buildMessageIndex(proto: IDescriptorProto, packageName: string): TypeIndex {
  const index = new Map<string, IndexedType>();
  addMessages(index, packageName, packageName, [proto]);
  return index;
}

function addMessages(
  index: Map<string, IndexedType>,
  packageName: string,
  scope: string,
  messages: readonly IDescriptorProto[],
): void {
  for (const proto of messages) {
    const fullName = qualify(scope, proto.name ?? "");
    if (!index.has(fullName)) index.set(fullName, { kind: "message", fullName, packageName, proto });
    addMessages(index, packageName, fullName, proto.nestedType ?? []);
    addEnums(index, packageName, fullName, proto.enumType ?? []);
  }
}

function addEnums(
  index: Map<string, IndexedType>,
  packageName: string,
  scope: string,
  enums: readonly IEnumDescriptorProto[],
): void {
  for (const proto of enums) {
    const fullName = qualify(scope, proto.name ?? "");
    if (!index.has(fullName)) index.set(fullName, { kind: "enum", fullName, packageName, proto });
  }
}

/** Joins a scope and a name with a dot, leaving out the dot for the empty (root) scope. */
export function qualify(scope: string, name: string): string {
  return scope === "" ? name : `${scope}.${name}`;
}

/**
 * Resolves a field's `type_name` as seen from the message `scope` (fully qualified, no leading dot).
 *
 * A leading dot means fully qualified. Otherwise the name is tried in `scope`, then in each enclosing scope
 * out to the root, and the first full match wins (protobufjs' rule; protoc's differs only for names whose
 * first part is shadowed, which protoc itself rejects).
 */
export function resolveTypeName(index: TypeIndex, scope: string, typeName: string): IndexedType | undefined {
  if (typeName.startsWith(".")) return index.get(typeName.slice(1));
  let current = scope;
  for (;;) {
    const found = index.get(qualify(current, typeName));
    if (found) return found;
    if (current === "") return undefined;
    const dot = current.lastIndexOf(".");
    current = dot < 0 ? "" : current.slice(0, dot);
  }
}
