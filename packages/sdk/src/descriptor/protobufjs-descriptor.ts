/**
 * Reading protobufjs reflection types (`Type`) into plain `FileDescriptorProto`s.
 *
 * The type's whole root is rebuilt in this SDK's own protobufjs through JSON first. That accepts types made
 * by any protobufjs copy or version the application uses, and never resolves or mutates the caller's root.
 */
import { NonRetriableException } from "../errors.js";
import { withLinearFieldAdds } from "./linear-field-adds.js";
import { DescriptorTypes, protobuf, toPlainDescriptor } from "./protobuf-runtime.js";
import type { IFileDescriptorProto, IFileDescriptorSet } from "./protobuf-runtime.js";

/** The parts of a protobufjs `Type` (any version) this SDK reads. */
export interface ProtobufjsTypeLike {
  readonly name: string;
  readonly fullName: string;
  readonly fieldsArray: readonly unknown[];
  readonly root: { readonly name: string; toJSON(): object };
  toJSON(): object;
}

/** Whether `value` looks like a protobufjs `Type` (from this or another protobufjs copy). */
export function isProtobufjsType(value: unknown): value is ProtobufjsTypeLike {
  if (value instanceof protobuf.Type) return true;
  if (typeof value !== "object" || value === null) return false;
  const type = value as Partial<ProtobufjsTypeLike>;
  return (
    typeof type.fullName === "string" &&
    Array.isArray(type.fieldsArray) &&
    typeof type.toJSON === "function" &&
    typeof type.root === "object"
  );
}

/** The files of the type's root as plain `FileDescriptorProto`s, and the type's fully qualified name. */
export function filesOfProtobufjsType(type: ProtobufjsTypeLike): {
  files: IFileDescriptorProto[];
  fullName: string;
} {
  return withLinearFieldAdds(() => readFiles(type));
}

function readFiles(type: ProtobufjsTypeLike): { files: IFileDescriptorProto[]; fullName: string } {
  const top = type.root;
  // A Root has the empty name; a detached Type or Namespace is its own top and needs a wrapper.
  const json = top.name === "" ? top.toJSON() : { nested: { [top.name]: top.toJSON() } };
  let root: protobuf.Root;
  try {
    // Not Root.fromJSON: it resolves at once, and a missing type must be reported by field (below).
    const { options, nested } = json as protobuf.INamespace;
    root = new protobuf.Root();
    if (options) root.setOptions(options);
    if (nested) root.addJSON(nested);
  } catch (err) {
    throw new NonRetriableException(`Invalid protobufjs type '${type.fullName.replace(/^\./, "")}': ${errorText(err)}`, { cause: err });
  }
  try {
    root.resolveAll();
  } catch (err) {
    throw unresolvedFieldError(root, err) ?? new NonRetriableException(
      `Invalid protobufjs type '${type.fullName.replace(/^\./, "")}': ${errorText(err)}`,
      { cause: err },
    );
  }
  const set = toPlainDescriptor<IFileDescriptorSet>(DescriptorTypes.FileDescriptorSet, root.toDescriptor("proto2"));
  return { files: set.file ?? [], fullName: type.fullName.replace(/^\./, "") };
}

// protobufjs reports a missing type without naming the field; find the field so the error can.
function unresolvedFieldError(root: protobuf.Root, cause: unknown): NonRetriableException | undefined {
  const pending: protobuf.ReflectionObject[] = [...root.nestedArray];
  while (pending.length > 0) {
    const object = pending.pop()!;
    if (object instanceof protobuf.Type) {
      for (const field of object.fieldsArray) {
        const basic = (protobuf.types.basic as Record<string, unknown>)[field.type] !== undefined;
        if (!basic && object.lookup(field.type, [protobuf.Type, protobuf.Enum]) === null) {
          return new NonRetriableException(
            `Field '${field.fullName.slice(1)}' refers to type '${field.type}', which is not defined in the ` +
              "protobufjs root: load the .proto file that defines it into the same root",
            { cause },
          );
        }
      }
    }
    if (object instanceof protobuf.Namespace) pending.push(...object.nestedArray);
  }
  return undefined;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
