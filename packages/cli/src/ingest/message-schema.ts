/**
 * The record message of a PROTO ingest: from `.proto` source (`--proto`) or from a `FileDescriptorSet`
 * (`--descriptor`, as protoc or `zerobus proto --descriptor` writes it). Yields the protobufjs type the
 * records are converted with, and the descriptor the SDK sends (made self-contained by the SDK).
 */
import { readFileSync } from "node:fs";
import protobuf from "protobufjs";
// Imported for its effect: it adds Root.fromDescriptor (and the descriptor types) to protobufjs.
import "protobufjs/ext/descriptor.js";
import { loadDescriptorProto, type DescriptorInput } from "@zerobus-ts/sdk";
import { errorText, UsageError } from "../cli-error.js";

/** A record message: how to convert records, and what to tell the stream. */
export interface MessageSchema {
  type: protobuf.Type;
  descriptor: DescriptorInput;
}

/** Loads `messageName` from a `.proto` file (imports resolved next to it); field names kept as written. */
export function loadProtoFileMessage(path: string, messageName: string): MessageSchema {
  const root = new protobuf.Root();
  try {
    root.loadSync(path, { keepCase: true });
    root.resolveAll();
  } catch (err) {
    throw new UsageError(`cannot load --proto '${path}': ${errorText(err)}`);
  }
  const type = lookupMessage(root, messageName, `--proto '${path}'`);
  return { type, descriptor: type };
}

/** Loads `messageName` from a `FileDescriptorSet` file. */
export function loadDescriptorSetMessage(path: string, messageName: string): MessageSchema {
  let root: protobuf.Root;
  try {
    root = protobuf.Root.fromDescriptor(readFileSync(path), { keepCase: true });
    root.resolveAll();
  } catch (err) {
    throw new UsageError(`cannot load --descriptor '${path}' (a FileDescriptorSet, as protoc --descriptor_set_out writes): ${errorText(err)}`);
  }
  const type = lookupMessage(root, messageName, `--descriptor '${path}'`);
  try {
    return { type, descriptor: loadDescriptorProto({ descriptorPath: path, messageName: type.fullName.replace(/^\./, "") }) };
  } catch (err) {
    throw new UsageError(`cannot use message ${messageName} of --descriptor '${path}': ${errorText(err)}`);
  }
}

function lookupMessage(root: protobuf.Root, name: string, source: string): protobuf.Type {
  const found = root.lookup(name);
  if (found instanceof protobuf.Type) return found;
  // lookup() matches full names and, from the root, simple names of top-level types; also try any depth.
  const candidates = allMessages(root);
  const bySimpleName = candidates.filter((t) => t.name === name);
  if (bySimpleName.length === 1) return bySimpleName[0]!;
  const names = candidates.map((t) => t.fullName.replace(/^\./, ""));
  throw new UsageError(`${source} has no message '${name}'${bySimpleName.length > 1 ? " (ambiguous: give the full name)" : ""}; it has: ${names.join(", ") || "none"}`);
}

function allMessages(ns: protobuf.NamespaceBase): protobuf.Type[] {
  const out: protobuf.Type[] = [];
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Type) out.push(nested);
    if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) out.push(...allMessages(nested));
  }
  return out;
}
