/**
 * Custom headers providers: the accepted shapes, and the validation of what they return before it
 * becomes the metadata of a stream's gRPC call (PROTOCOL.md §3.2, §3.4).
 */
import { boundedText } from "../bounded-text.js";
import { NonRetriableException, ZerobusException } from "../errors.js";

/** A list of `[name, value]` header pairs. */
export type HeaderPairs = Array<[string, string]>;

/**
 * Supplies the headers of a stream's gRPC call. It is asked again on every connection attempt (first
 * connect, each retry, each recovery), so a provider that fetches tokens hands out fresh ones. The result
 * must include `authorization` and `x-databricks-zerobus-table-name`.
 */
export interface HeadersProvider {
  /** The header pairs for the next connection attempt. */
  getHeaders(): Promise<HeaderPairs> | HeaderPairs;
}

/** The official TypeScript SDK's provider shape: an object holding the callback. */
export interface HeadersCallbackProvider {
  /** The header pairs for the next connection attempt. */
  getHeadersCallback(): Promise<HeaderPairs>;
}

/**
 * Every form a custom headers provider may take: a plain function, a {@link HeadersProvider}, or the
 * official TypeScript SDK's `{ getHeadersCallback }`.
 */
export type HeadersProviderInput =
  | (() => Promise<HeaderPairs> | HeaderPairs)
  | HeadersProvider
  | HeadersCallbackProvider;

/** The header naming the stream's table. */
export const TABLE_NAME_HEADER = "x-databricks-zerobus-table-name";

/** The header identifying this SDK to the service. */
export const SDK_HEADER = "x-zerobus-sdk";

const AUTHORIZATION_HEADER = "authorization";

/** Lower-case metadata names grpc-js accepts for string values (names ending in `-bin` carry bytes). */
const VALID_NAME = /^[0-9a-z_.-]+$/;

/** Printable ASCII, the only characters a text metadata value may hold. */
const VALID_VALUE = /^[\x20-\x7e]*$/;

/**
 * Turns any {@link HeadersProviderInput} into one async function. An object with both methods is asked
 * through `getHeadersCallback`, which is what the official TypeScript SDK calls. Methods are called on
 * their object, so class-based providers keep their `this`.
 *
 * @throws NonRetriableException naming what was given when it has none of the accepted shapes.
 */
export function normalizeHeadersProvider(input: unknown): () => Promise<HeaderPairs> {
  if (typeof input === "function") {
    const fn = input as () => Promise<HeaderPairs> | HeaderPairs;
    return async () => fn();
  }
  if (input !== null && typeof input === "object") {
    const candidate = input as Partial<HeadersProvider & HeadersCallbackProvider>;
    if (typeof candidate.getHeadersCallback === "function") {
      return async () => (input as HeadersCallbackProvider).getHeadersCallback();
    }
    if (typeof candidate.getHeaders === "function") {
      return async () => (input as HeadersProvider).getHeaders();
    }
  }
  throw new NonRetriableException(
    `Invalid headers provider: expected a function, an object with getHeaders(), or an object with getHeadersCallback(); got ${describe(input)}`,
  );
}

/**
 * Asks the provider for headers and checks them before they go on the wire: pairs with fewer than two
 * elements are dropped (as the official TypeScript SDK does), names are lower-cased, a repeated name
 * keeps its last value, and `x-zerobus-sdk: <sdkIdentifier>` is added unless the provider set it.
 *
 * A provider that throws is treated as a transient failure, so recovery keeps trying: its
 * {@link ZerobusException} is passed through as it is, anything else becomes a retriable
 * {@link ZerobusException} "Headers provider failed: …" with the original as `cause`. Headers that can
 * never work reject with {@link NonRetriableException}: no `authorization`, no
 * `x-databricks-zerobus-table-name` or one naming another table, or a name or value gRPC cannot send.
 * Values are never quoted in messages, since they carry credentials.
 *
 * @param provider - Any {@link HeadersProviderInput}, or a function from {@link normalizeHeadersProvider}.
 * @param tableName - The stream's table; the table-name header must equal it exactly.
 * @param sdkIdentifier - The value of `x-zerobus-sdk`, e.g. `zerobus-ts/0.1.0`.
 */
export async function collectStreamHeaders(
  provider: HeadersProviderInput,
  tableName: string,
  sdkIdentifier: string,
): Promise<HeaderPairs> {
  const getHeaders = normalizeHeadersProvider(provider);
  let pairs: unknown;
  try {
    pairs = await getHeaders();
  } catch (err) {
    if (err instanceof ZerobusException) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new ZerobusException(`Headers provider failed: ${boundedText(reason)}`, { cause: err });
  }
  const headers = toHeaderMap(pairs);
  checkRequiredHeaders(headers, tableName);
  if (!headers.has(SDK_HEADER)) headers.set(SDK_HEADER, sdkIdentifier);
  for (const [name, value] of headers) checkMetadata(name, value);
  return [...headers];
}

/** Keeps the well-formed pairs, lower-casing names; a later pair overrides an earlier one. */
function toHeaderMap(pairs: unknown): Map<string, string> {
  if (!Array.isArray(pairs)) {
    throw new NonRetriableException(`Invalid headers: provider returned ${describe(pairs)}, expected an array of [name, value] pairs`);
  }
  const headers = new Map<string, string>();
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length < 2) continue;
    const [name, value] = pair as unknown[];
    if (typeof name !== "string") {
      throw new NonRetriableException(`Invalid headers: header name must be a string, got ${describe(name)}`);
    }
    if (typeof value !== "string") {
      throw new NonRetriableException(`Invalid headers: value of header ${JSON.stringify(boundedText(name, 100))} must be a string, got ${describe(value)}`);
    }
    headers.set(name.toLowerCase(), value);
  }
  return headers;
}

function checkRequiredHeaders(headers: Map<string, string>, tableName: string): void {
  if (!headers.has(AUTHORIZATION_HEADER)) {
    throw new NonRetriableException("Invalid headers: headers provider must include 'authorization' header with Bearer token");
  }
  const headerTable = headers.get(TABLE_NAME_HEADER);
  if (headerTable === undefined) {
    throw new NonRetriableException(`Invalid headers: headers provider must include '${TABLE_NAME_HEADER}' header`);
  }
  if (headerTable !== tableName) {
    throw new NonRetriableException(
      `Invalid headers: '${TABLE_NAME_HEADER}' header is ${JSON.stringify(boundedText(headerTable, 200))} but the stream's table is ${JSON.stringify(tableName)}`,
    );
  }
}

/** Rejects what grpc-js would refuse to send, naming the header (never printing its value). */
function checkMetadata(name: string, value: string): void {
  if (!VALID_NAME.test(name) || name.endsWith("-bin")) {
    throw new NonRetriableException(
      `Invalid headers: header name ${JSON.stringify(name)} is not valid gRPC metadata (lower-case ASCII letters, digits, '-', '_', '.'; no '-bin' suffix)`,
    );
  }
  if (!VALID_VALUE.test(value)) {
    throw new NonRetriableException(
      `Invalid headers: value of header '${name}' is not valid gRPC metadata (printable ASCII only, no control characters or newlines)`,
    );
  }
}

/** A short description of a value's shape for error messages; never its contents. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "function") return "a function";
  if (typeof value === "object") {
    const keys = Object.keys(value);
    return keys.length === 0 ? "an object with no properties" : `an object with properties [${keys.join(", ")}]`;
  }
  return typeof value === "string" ? "a string" : `${typeof value}`;
}
