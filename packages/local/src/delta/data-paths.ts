import { isAbsolute, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { DeltaError } from "./delta-error.js";

/**
 * `add.path` values are relative, URI-encoded (RFC 2396) paths: a Hive-escaped `%` in a directory
 * name becomes `%25`. Each segment is encoded separately; `=` stays readable as Spark leaves it.
 */
export function encodeDataPath(relativePath: string): string {
  return relativePath
    .split("/")
    .map((segment) => encodeURIComponent(segment).replace(/%3D/g, "="))
    .join("/");
}

/**
 * The file-system path of an `add.path`: relative paths are decoded and joined to the table
 * directory (and must stay inside it); `file:` URIs are converted; other schemes are refused.
 *
 * @throws DeltaError (LOG_INVALID) for a path that leaves the table or uses a remote scheme.
 */
export function resolveDataPath(tableDir: string, path: string): string {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(path)) {
    if (path.startsWith("file:")) return fileURLToPath(path);
    throw new DeltaError("LOG_INVALID", `Data file ${path} is not on the local file system`);
  }
  const segments = path.split("/").map((segment) => decodeURIComponent(segment));
  if (path.startsWith("/")) return segments.join("/");
  if (segments.some((segment) => segment === ".." || segment.includes(sep) || isAbsolute(segment))) {
    throw new DeltaError("LOG_INVALID", `Data file path ${path} escapes the table directory`);
  }
  return join(tableDir, ...segments);
}
