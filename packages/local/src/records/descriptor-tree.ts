/**
 * The message tree a client's `descriptor_proto` carries: the root message and its nested types. Only
 * nested types travel with the root, so every `type_name` must resolve inside this tree. Clients send
 * protoc's fully-qualified names (`.my.pkg.Root.Inner`), with a package the server never sees, so a name
 * resolves when some suffix of it starting at the root's name walks the tree; relative names resolve from
 * the referring message outwards, as protoc scopes them.
 */
import type { IDescriptorProto, IFieldDescriptorProto } from "protobufjs/ext/descriptor.js";
import { quote } from "../text/bounded-text.js";

/** One message in the tree. */
export interface MessageNode {
  descriptor: IDescriptorProto;
  name: string;
  parent: MessageNode | undefined;
  messages: Map<string, MessageNode>;
  enums: Set<string>;
  isMapEntry: boolean;
}

/** What a `type_name` resolved to. */
export type Resolved = { kind: "message"; node: MessageNode } | { kind: "enum"; name: string };

/** Builds the tree rooted at the record's message. */
export function buildMessageTree(root: IDescriptorProto, parent?: MessageNode): MessageNode {
  const node: MessageNode = {
    descriptor: root,
    name: root.name ?? "",
    parent,
    messages: new Map(),
    enums: new Set((root.enumType ?? []).map((e) => e.name ?? "")),
    isMapEntry: root.options?.mapEntry === true,
  };
  for (const nested of root.nestedType ?? []) {
    const child = buildMessageTree(nested, node);
    node.messages.set(child.name, child);
  }
  return node;
}

/** Resolves a field's `type_name` against the tree, or returns `undefined` when it points outside. */
export function resolveTypeName(typeName: string, scope: MessageNode, root: MessageNode): Resolved | undefined {
  const parts = typeName.replace(/^\./, "").split(".");
  if (parts.some((p) => p === "")) return undefined;
  if (typeName.startsWith(".")) {
    // Fully qualified: the package is unknown, so try every position where the root's name appears,
    // longest remaining path first (a nested type may share the root's name).
    for (let i = 0; i < parts.length; i++) {
      if (parts[i] !== root.name) continue;
      const found = walk(root, parts.slice(i + 1));
      if (found !== undefined) return found;
    }
    return undefined;
  }
  // Relative: innermost scope first, then outwards; the root's own name is visible from everywhere.
  for (let at: MessageNode | undefined = scope; at !== undefined; at = at.parent) {
    const found = walk(at, parts);
    if (found !== undefined) return found;
  }
  return parts[0] === root.name ? walk(root, parts.slice(1)) : undefined;
}

function walk(from: MessageNode, parts: string[]): Resolved | undefined {
  let node = from;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const child = node.messages.get(part);
    if (child !== undefined) {
      node = child;
      continue;
    }
    return i === parts.length - 1 && node.enums.has(part) ? { kind: "enum", name: part } : undefined;
  }
  return { kind: "message", node };
}

/** Field type numbers from descriptor.proto that carry a `type_name`. */
export const TYPE_GROUP = 10;
/** `TYPE_MESSAGE` in descriptor.proto. */
export const TYPE_MESSAGE = 11;
/** `TYPE_ENUM` in descriptor.proto. */
export const TYPE_ENUM = 14;

/**
 * Finds the first field anywhere in the tree whose type name does not resolve inside it, or
 * `undefined` when the descriptor is self-contained.
 */
export function findUnresolvedField(
  root: MessageNode,
): { field: IFieldDescriptorProto; typeName: string } | undefined {
  const visit = (node: MessageNode): { field: IFieldDescriptorProto; typeName: string } | undefined => {
    for (const field of node.descriptor.field ?? []) {
      const typeName = field.typeName ?? "";
      const needsName = field.type === TYPE_MESSAGE || field.type === TYPE_ENUM || field.type === TYPE_GROUP;
      if (typeName === "" && !needsName) continue;
      if (typeName === "" || resolveTypeName(typeName, node, root) === undefined) return { field, typeName };
    }
    for (const child of node.messages.values()) {
      const found = visit(child);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return visit(root);
}

/**
 * Finds the first message in the tree with two fields sharing a number or a name (names compared
 * case-insensitively, as columns are), or a field number outside 1..2^29-1. A record's value for a
 * shared number would land in whichever field was indexed last: such a descriptor is refused.
 */
export function findFieldClash(root: MessageNode): string | undefined {
  const visit = (node: MessageNode, path: string): string | undefined => {
    const byNumber = new Map<number, string>();
    const byName = new Map<string, string>();
    for (const field of node.descriptor.field ?? []) {
      const name = field.name ?? "";
      const number = field.number ?? 0;
      if (!Number.isInteger(number) || number < 1 || number > MAX_FIELD_NUMBER) {
        return `field ${quote(name)} of message ${quote(path)} has number ${number}, outside 1..${MAX_FIELD_NUMBER}`;
      }
      const sameNumber = byNumber.get(number);
      if (sameNumber !== undefined) return `fields ${quote(sameNumber)} and ${quote(name)} of message ${quote(path)} share the number ${number}`;
      const sameName = byName.get(name.toLowerCase());
      if (sameName !== undefined) return `message ${quote(path)} has two fields named ${quote(sameName)} and ${quote(name)}`;
      byNumber.set(number, name);
      byName.set(name.toLowerCase(), name);
    }
    for (const child of node.messages.values()) {
      const found = visit(child, `${path}.${child.name}`);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return visit(root, root.name);
}

/** The largest protobuf field number. */
const MAX_FIELD_NUMBER = 2 ** 29 - 1;
