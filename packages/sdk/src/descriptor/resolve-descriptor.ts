/**
 * Turns whatever the application passes as a record descriptor into the one form the SDK works with: the
 * self-contained, serialized `DescriptorProto` the server needs, plus a protobufjs type built from exactly
 * those bytes, so that plain objects are encoded against the very schema the server was told about.
 */
import { NonRetriableException } from "../errors.js";
import type { DescMessageLike } from "./protobuf-es-descriptor.js";
import { filesOfDescMessage, isDescMessage } from "./protobuf-es-descriptor.js";
import type { ProtobufjsTypeLike } from "./protobufjs-descriptor.js";
import { filesOfProtobufjsType, isProtobufjsType } from "./protobufjs-descriptor.js";
import { withLinearFieldAdds } from "./linear-field-adds.js";
import { DescriptorTypes, decodeDescriptorProto, encodeDescriptorProto, protobuf } from "./protobuf-runtime.js";
import type { IDescriptorProto } from "./protobuf-runtime.js";
import { checkSelfContained, makeSelfContained } from "./self-contained.js";
import type { SelfContainedDescriptor } from "./self-contained.js";
import { buildTypeIndex } from "./type-index.js";

/**
 * A record message descriptor in any accepted form: a protobufjs `Type`, a protobuf-es v2 `DescMessage`,
 * a serialized `DescriptorProto` (Uint8Array or Buffer), or that serialization as a base64 string (what the
 * official TypeScript SDK's `loadDescriptorProto` returns).
 */
export type DescriptorInput = protobuf.Type | ProtobufjsTypeLike | DescMessageLike | Uint8Array | string;

/** A descriptor ready for stream creation and record encoding. */
export interface ResolvedDescriptor {
  /** Fully qualified name of the record message, e.g. `pkg.Root` (no package: just `Root`). */
  readonly messageName: string;
  /** Serialized, self-contained `DescriptorProto` sent in `CreateIngestStreamRequest.descriptor_proto`. */
  readonly descriptorProto: Uint8Array;
  /** protobufjs type built from `descriptorProto` (field names as in the .proto), for encoding objects. */
  readonly messageType: protobuf.Type;
  /** The protobuf-es `DescMessage`, when that is what was given. */
  readonly protobufEs?: object;
}

/**
 * Resolves a descriptor given in any {@link DescriptorInput} form. Referenced types are nested into the
 * root (see `self-contained.ts`); serialized input is checked for self-containment and sent unchanged.
 * Every problem is a {@link NonRetriableException} naming it.
 */
export function resolveDescriptor(input: DescriptorInput): ResolvedDescriptor {
  if (input instanceof Uint8Array) return fromSerialized(input);
  if (typeof input === "string") return fromSerialized(decodeBase64(input));
  if (isProtobufjsType(input)) {
    const { files, fullName } = filesOfProtobufjsType(input);
    return fromSelfContained(makeSelfContained(buildTypeIndex(files), fullName));
  }
  if (isDescMessage(input)) {
    const resolved = fromSelfContained(makeSelfContained(buildTypeIndex(filesOfDescMessage(input)), input.typeName));
    return { ...resolved, protobufEs: input };
  }
  throw new NonRetriableException(
    "Invalid descriptor: expected a protobufjs Type, a protobuf-es message descriptor, a serialized " +
      `DescriptorProto (Uint8Array) or its base64 string, got ${describeKind(input)}`,
  );
}

function fromSerialized(bytes: Uint8Array): ResolvedDescriptor {
  let proto: IDescriptorProto;
  try {
    proto = decodeDescriptorProto(bytes);
  } catch (err) {
    throw new NonRetriableException(
      `Invalid descriptor: the bytes are not a serialized DescriptorProto (${errorText(err)})`,
      { cause: err },
    );
  }
  const checked = checkSelfContained(proto);
  // Copied so that later changes to the caller's buffer cannot alter what a reconnect sends.
  return { ...fromSelfContained(checked), descriptorProto: Uint8Array.from(bytes) };
}

function fromSelfContained(descriptor: SelfContainedDescriptor): ResolvedDescriptor {
  return {
    messageName: descriptor.fullName,
    descriptorProto: encodeDescriptorProto(descriptor.proto),
    messageType: buildMessageType(descriptor),
  };
}

/** Builds the protobufjs type of a self-contained descriptor, keeping the .proto field names. */
function buildMessageType(descriptor: SelfContainedDescriptor): protobuf.Type {
  const set = DescriptorTypes.FileDescriptorSet;
  const file = {
    name: "zerobus_record.proto",
    ...(descriptor.packageName ? { package: descriptor.packageName } : {}),
    messageType: [descriptor.proto],
  };
  try {
    const bytes = set.encode(set.fromObject({ file: [file] })).finish();
    const root = withLinearFieldAdds(() => protobuf.Root.fromDescriptor(bytes, { keepCase: true }));
    return root.lookupType(descriptor.fullName);
  } catch (err) {
    throw new NonRetriableException(
      `Invalid descriptor for message '${descriptor.fullName}': ${errorText(err)}`,
      { cause: err },
    );
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$|^[A-Za-z0-9_-]*={0,2}$/;

function decodeBase64(text: string): Uint8Array {
  const compact = text.replace(/\s+/g, "");
  if (compact === "" || compact.length % 4 === 1 || !BASE64.test(compact)) {
    throw new NonRetriableException(
      "Invalid descriptor: a string descriptor must be the base64 of a serialized DescriptorProto " +
        `(as returned by loadDescriptorProto), got ${JSON.stringify(text.slice(0, 40))}`,
    );
  }
  return Buffer.from(compact, compact.includes("-") || compact.includes("_") ? "base64url" : "base64");
}

function describeKind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") {
    const name = (value as object).constructor?.name;
    return name && name !== "Object" ? `a ${name}` : "a plain object";
  }
  return typeof value;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
