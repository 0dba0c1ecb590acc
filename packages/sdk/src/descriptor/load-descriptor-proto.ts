/**
 * `loadDescriptorProto`: the official TypeScript SDK's helper for protoc output, kept call-compatible.
 *
 * It reads a `FileDescriptorSet` (protoc `--descriptor_set_out`, ideally with `--include_imports`), picks a
 * top-level message and returns the base64 of its self-contained `DescriptorProto`, ready for
 * `TableProperties.descriptorProto`. Unlike the official helper, types from other files of the set are
 * nested into the message, so imports work, and the file name may be left out.
 */
import { readFileSync } from "node:fs";
import { NonRetriableException } from "../errors.js";
import { decodeFileDescriptorSet, encodeDescriptorProto } from "./protobuf-runtime.js";
import type { IFileDescriptorProto } from "./protobuf-runtime.js";
import { makeSelfContained } from "./self-contained.js";
import { buildTypeIndex, qualify } from "./type-index.js";

/** Options of {@link loadDescriptorProto} (the official SDK's `LoadDescriptorOptions`). */
export interface LoadDescriptorOptions {
  /** Path of the `FileDescriptorSet` file written by protoc. */
  descriptorPath: string;
  /**
   * The `.proto` file that defines the message: its name as recorded in the set (e.g. `schemas/row.proto`)
   * or a path ending with it, or a suffix of it. When left out, every file of the set is searched.
   */
  protoFileName?: string;
  /** The top-level message: its simple name (`Row`) or fully qualified name (`pkg.Row`). */
  messageName: string;
}

/**
 * Loads a message's self-contained `DescriptorProto` from a `FileDescriptorSet` file and returns it as
 * base64. Errors ({@link NonRetriableException}) list the files or messages that are available.
 */
export function loadDescriptorProto(options: LoadDescriptorOptions): string {
  for (const key of ["descriptorPath", "messageName"] as const) {
    if (typeof options?.[key] !== "string" || options[key] === "") {
      throw new NonRetriableException(`loadDescriptorProto: '${key}' must be a non-empty string`);
    }
  }
  const files = readDescriptorSet(options.descriptorPath);
  const candidates = options.protoFileName === undefined ? files : [pickFile(files, options)];
  const fullName = pickMessage(candidates, options);
  const descriptor = makeSelfContained(buildTypeIndex(files), fullName);
  return Buffer.from(encodeDescriptorProto(descriptor.proto)).toString("base64");
}

function readDescriptorSet(path: string): IFileDescriptorProto[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new NonRetriableException(`Cannot read descriptor set '${path}': ${(err as Error).message}`, { cause: err });
  }
  let files: IFileDescriptorProto[];
  try {
    files = decodeFileDescriptorSet(bytes).file ?? [];
  } catch (err) {
    throw new NonRetriableException(
      `Descriptor set '${path}' is not a serialized FileDescriptorSet (protoc --descriptor_set_out): ` +
        (err as Error).message,
      { cause: err },
    );
  }
  if (files.length === 0) throw new NonRetriableException(`Descriptor set '${path}' contains no files`);
  return files;
}

function pickFile(files: IFileDescriptorProto[], options: LoadDescriptorOptions): IFileDescriptorProto {
  const wanted = normalizePath(options.protoFileName ?? "");
  const exact = files.find((file) => file.name === wanted);
  if (exact) return exact;
  const matches = files.filter((file) => {
    const name = file.name ?? "";
    return name !== "" && (name.endsWith(`/${wanted}`) || wanted.endsWith(`/${name}`));
  });
  if (matches.length === 1) return matches[0]!;
  const names = files.map((file) => file.name ?? "(unnamed)");
  if (matches.length > 1) {
    throw new NonRetriableException(
      `Proto file '${options.protoFileName}' is ambiguous in '${options.descriptorPath}': it matches ` +
        `${matches.map((file) => file.name).join(", ")}`,
    );
  }
  throw new NonRetriableException(
    `Proto file '${options.protoFileName}' not found in '${options.descriptorPath}'. Available files: ${names.join(", ")}`,
  );
}

function pickMessage(files: IFileDescriptorProto[], options: LoadDescriptorOptions): string {
  const wanted = options.messageName.replace(/^\./, "");
  const available: string[] = [];
  const matches: string[] = [];
  for (const file of files) {
    for (const message of file.messageType ?? []) {
      const fullName = qualify(file.package ?? "", message.name ?? "");
      available.push(fullName);
      if (message.name === wanted || fullName === wanted) matches.push(fullName);
    }
  }
  if (matches.length === 1) return matches[0]!;
  const where = options.protoFileName === undefined ? `'${options.descriptorPath}'` : `'${options.protoFileName}'`;
  if (matches.length > 1) {
    throw new NonRetriableException(
      `Message '${options.messageName}' is ambiguous in ${where}: use one of ${matches.join(", ")}`,
    );
  }
  throw new NonRetriableException(
    `Message '${options.messageName}' not found in ${where}. Available messages: ` +
      (available.length > 0 ? available.join(", ") : "(none)"),
  );
}

function normalizePath(path: string): string {
  return path.replace(/\\/g, "/").replace(/^\.\//, "");
}
