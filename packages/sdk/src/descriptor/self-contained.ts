/**
 * Makes a record message's `DescriptorProto` self-contained (PROTOCOL.md §7.3): the server only sees the
 * root message and what is nested inside it, so every message or enum a field refers to, directly or
 * through other types, must be copied into the root's `nested_type` / `enum_type`.
 *
 * Conventions of the output:
 * - Every `type_name` is rewritten to its fully qualified form inside the root, `.pkg.Root.Nested` (the
 *   root's own package kept), which is what protoc emits for nested types and what protobufjs'
 *   `Root.fromDescriptor` resolves when the root is placed in a file of package `pkg`.
 * - Types already nested in the root stay where they are. Each type from outside is copied once, as a
 *   direct child of the root, under its simple name (or, on a clash, its full name with dots turned into
 *   underscores). Only its map-entry types travel with it; other types nested in it are copied separately,
 *   and only when something refers to them. Type names never reach the wire, so renaming is safe.
 * - Extension declarations are dropped: they are not columns and would drag in their extendees.
 * - Cycles (recursive messages) terminate because a type is registered before its fields are visited.
 */
import { NonRetriableException } from "../errors.js";
import { FIELD_TYPE } from "./protobuf-runtime.js";
import type { IDescriptorProto, IEnumDescriptorProto, IFieldDescriptorProto } from "./protobuf-runtime.js";
import { buildMessageIndex, qualify, resolveTypeName } from "./type-index.js";
import type { IndexedType, TypeIndex } from "./type-index.js";

/** A self-contained root message descriptor. */
export interface SelfContainedDescriptor {
  /** The root `DescriptorProto`: a deep copy, never the caller's object. */
  readonly proto: IDescriptorProto;
  /** The package the root's `type_name`s are qualified with (may be empty). */
  readonly packageName: string;
  /** The root's fully qualified name in the output, e.g. `pkg.Root`. */
  readonly fullName: string;
}

type Resolver = (scope: string, typeName: string) => IndexedType | undefined;

/**
 * Builds the self-contained descriptor of the message `rootFullName` from `index`, which must hold every
 * type the root refers to. A reference that resolves nowhere is a {@link NonRetriableException} naming the
 * field and the type, raised here, long before any connection is made.
 */
export function makeSelfContained(index: TypeIndex, rootFullName: string): SelfContainedDescriptor {
  const root = index.get(rootFullName);
  if (!root || root.kind !== "message") {
    throw new NonRetriableException(`Message type '${rootFullName}' is not defined in the descriptor`);
  }
  return new Nester(root, (scope, name) => resolveTypeName(index, scope, name)).run();
}

/**
 * Checks that a `DescriptorProto` given as is (bytes or base64) is already self-contained, the way the
 * server resolves it: names relative to the enclosing message, or fully qualified with any package prefix
 * in front of the root's name. Returns a copy whose `type_name`s are rewritten to `.Root.Nested` (empty
 * package), for building an encoder; the caller's bytes are what get sent.
 */
export function checkSelfContained(proto: IDescriptorProto): SelfContainedDescriptor {
  const index = buildMessageIndex(proto, "");
  const resolver: Resolver = (scope, typeName) =>
    resolveTypeName(index, scope, typeName) ?? resolveIgnoringPackage(index, typeName);
  const rootFullName = proto.name ?? "";
  const root = index.get(rootFullName);
  if (!rootFullName || !root || root.kind !== "message") {
    throw new NonRetriableException("Invalid descriptor: the DescriptorProto has no message name");
  }
  return new Nester(root, resolver).run();
}

// `.any.pkg.Root.Nested` → `Root.Nested` when that is in the index: the package the sender used is unknown.
function resolveIgnoringPackage(index: TypeIndex, typeName: string): IndexedType | undefined {
  if (!typeName.startsWith(".")) return undefined;
  const parts = typeName.slice(1).split(".");
  for (let start = 1; start < parts.length; start++) {
    const found = index.get(parts.slice(start).join("."));
    if (found) return found;
  }
  return undefined;
}

/** One run of the nesting algorithm; holds the renaming table and the work queue. */
class Nester {
  private readonly packageName: string;
  private readonly outRootName: string;
  private readonly output: IDescriptorProto;
  /** Old fully qualified name → new fully qualified name, for every type placed in the output. */
  private readonly renamed = new Map<string, string>();
  /** Names already used directly inside the root (types, fields, oneofs share one scope). */
  private readonly taken = new Set<string>();
  /** Messages of the output whose fields still need rewriting, with their old fully qualified names. */
  private readonly queue: Array<{ proto: IDescriptorProto; oldName: string; newName: string }> = [];

  constructor(
    private readonly root: IndexedType & { kind: "message" },
    private readonly resolve: Resolver,
  ) {
    this.packageName = root.packageName;
    this.outRootName = qualify(root.packageName, root.proto.name ?? "");
    this.output = deepCopy(root.proto);
  }

  run(): SelfContainedDescriptor {
    this.placeRootSubtree(this.output, this.root.fullName, this.outRootName);
    for (const name of [
      ...(this.output.field ?? []).map((f) => f.name),
      ...(this.output.oneofDecl ?? []).map((o) => o.name),
      ...(this.output.nestedType ?? []).map((t) => t.name),
      ...(this.output.enumType ?? []).map((e) => e.name),
    ]) {
      if (name) this.taken.add(name);
    }
    for (let i = 0; i < this.queue.length; i++) this.rewriteFields(this.queue[i]!);
    return { proto: this.output, packageName: this.packageName, fullName: this.outRootName };
  }

  // The root keeps its whole nested tree; only the names change when the root itself was nested somewhere.
  private placeRootSubtree(proto: IDescriptorProto, oldName: string, newName: string): void {
    this.renamed.set(oldName, newName);
    delete proto.extension;
    this.queue.push({ proto, oldName, newName });
    for (const nested of proto.nestedType ?? []) {
      this.placeRootSubtree(nested, qualify(oldName, nested.name ?? ""), qualify(newName, nested.name ?? ""));
    }
    for (const nested of proto.enumType ?? []) {
      this.renamed.set(qualify(oldName, nested.name ?? ""), qualify(newName, nested.name ?? ""));
    }
  }

  private rewriteFields(item: { proto: IDescriptorProto; oldName: string; newName: string }): void {
    for (const field of item.proto.field ?? []) {
      if (!refersToType(field)) continue;
      const typeName = field.typeName ?? "";
      const target = typeName ? this.resolve(item.oldName, typeName) : undefined;
      if (!target) {
        throw new NonRetriableException(
          `Field '${item.newName}.${field.name ?? ""}' refers to type '${typeName}', which is not defined in ` +
            "the descriptor: every referenced message and enum must be provided so it can be nested into the " +
            "root message",
        );
      }
      field.typeName = `.${this.renamed.get(target.fullName) ?? this.nestExternal(target)}`;
    }
  }

  /** Copies a type from outside the root into it; returns its new fully qualified name. */
  private nestExternal(target: IndexedType): string {
    const name = this.freeName(target);
    const newName = qualify(this.outRootName, name);
    this.renamed.set(target.fullName, newName);
    if (target.kind === "enum") {
      const copy: IEnumDescriptorProto = { ...deepCopy(target.proto), name };
      (this.output.enumType ??= []).push(copy);
      return newName;
    }
    const copy: IDescriptorProto = { ...deepCopy(target.proto), name };
    copy.nestedType = (copy.nestedType ?? []).filter((nested) => nested.options?.mapEntry === true);
    delete copy.enumType;
    delete copy.extension;
    (this.output.nestedType ??= []).push(copy);
    this.queue.push({ proto: copy, oldName: target.fullName, newName });
    for (const entry of copy.nestedType) {
      const entryOld = qualify(target.fullName, entry.name ?? "");
      const entryNew = qualify(newName, entry.name ?? "");
      this.renamed.set(entryOld, entryNew);
      this.queue.push({ proto: entry, oldName: entryOld, newName: entryNew });
    }
    return newName;
  }

  private freeName(target: IndexedType): string {
    const simple = target.proto.name ?? "Type";
    let name = this.taken.has(simple) ? target.fullName.replace(/\./g, "_") : simple;
    for (let n = 2; this.taken.has(name); n++) name = `${target.fullName.replace(/\./g, "_")}_${n}`;
    this.taken.add(name);
    return name;
  }
}

function refersToType(field: IFieldDescriptorProto): boolean {
  const type = field.type as number | undefined;
  if (type === FIELD_TYPE.MESSAGE || type === FIELD_TYPE.ENUM || type === FIELD_TYPE.GROUP) return true;
  // protoc leaves `type` unset only in hand-written descriptors; a type name then still means a reference.
  return type === undefined && !!field.typeName;
}

function deepCopy<T>(value: T): T {
  return structuredClone(value);
}
