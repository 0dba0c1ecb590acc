/**
 * Reading protobuf-es v2 descriptors (`DescMessage`) without importing `@bufbuild/protobuf`, which is an
 * optional peer dependency: everything here is duck-typed against the shape protobuf-es documents.
 *
 * A `DescMessage` carries its file (`desc.file.proto`, a `FileDescriptorProto` message) and the files it
 * imports (`desc.file.dependencies`). Those messages are plain objects with camelCase keys, the same keys
 * protobufjs' descriptor types use, plus `$typeName`/`$unknown` bookkeeping that is stripped here.
 */
import { DescriptorTypes, toPlainDescriptor } from "./protobuf-runtime.js";
import type { IFileDescriptorProto } from "./protobuf-runtime.js";

/** The parts of a protobuf-es v2 `DescFile` this SDK reads. */
export interface DescFileLike {
  readonly kind: "file";
  readonly name?: string;
  readonly proto: object;
  readonly dependencies?: readonly DescFileLike[];
}

/** The parts of a protobuf-es v2 `DescMessage` this SDK reads. */
export interface DescMessageLike {
  readonly kind: "message";
  /** Fully qualified name, e.g. `pkg.Root`. */
  readonly typeName: string;
  /** The message's `DescriptorProto`. */
  readonly proto: object;
  readonly file: DescFileLike;
  readonly fields?: ReadonlyArray<{ readonly message?: DescMessageLike; readonly enum?: { readonly file?: DescFileLike } }>;
}

/** Whether `value` looks like a protobuf-es v2 `DescMessage`. */
export function isDescMessage(value: unknown): value is DescMessageLike {
  if (typeof value !== "object" || value === null) return false;
  const desc = value as Partial<DescMessageLike>;
  return (
    desc.kind === "message" &&
    typeof desc.typeName === "string" &&
    typeof desc.proto === "object" &&
    desc.proto !== null &&
    typeof desc.file === "object" &&
    desc.file !== null
  );
}

/**
 * The files that define `desc` and every type it can reach, as plain `FileDescriptorProto` objects: its
 * own file, that file's imports (transitively), and the files of the message and enum types its fields use
 * (which covers descriptors assembled without complete `dependencies`).
 */
export function filesOfDescMessage(desc: DescMessageLike): IFileDescriptorProto[] {
  const files = new Set<DescFileLike>();
  const seenMessages = new Set<DescMessageLike>();
  const addFile = (file: DescFileLike | undefined): void => {
    if (!file || files.has(file) || typeof file.proto !== "object") return;
    files.add(file);
    for (const dependency of file.dependencies ?? []) addFile(dependency);
  };
  const addMessage = (message: DescMessageLike): void => {
    if (seenMessages.has(message)) return;
    seenMessages.add(message);
    addFile(message.file);
    for (const field of message.fields ?? []) {
      if (field.message) addMessage(field.message);
      addFile(field.enum?.file);
    }
  };
  addMessage(desc);
  return [...files].map((file) =>
    toPlainDescriptor<IFileDescriptorProto>(DescriptorTypes.FileDescriptorProto, stripBookkeeping(file.proto) as object),
  );
}

/**
 * Copies a protobuf-es message into a plain object: own enumerable properties only (proto2 defaults live on
 * the prototype and must not read as set), no `$`-prefixed bookkeeping, bigints as decimal strings.
 */
export function stripBookkeeping(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (typeof value !== "object" || value === null || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return value.map(stripBookkeeping);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (!key.startsWith("$")) out[key] = stripBookkeeping((value as Record<string, unknown>)[key]);
  }
  return out;
}
