/**
 * The checks that stand between an EphemeralStream call and an open stream (PROTOCOL.md §12.2): the
 * call's headers (token, table, grant) when it starts, then its create_stream request (table agreement,
 * existence, record type, descriptor). Each refusal is a `CallStatusError` with the status §12.6 names.
 */
import type { Metadata } from "@grpc/grpc-js";
import protobuf from "protobufjs";
import { clip } from "../text/bounded-text.js";
import { TokenError, type TokenAuthority } from "../auth/token-authority.js";
import { parseTableName, TableNameError, type TableName } from "../catalog/table-name.js";
import { TableUnreadableError, type TableInfo, type TableStore } from "../catalog/table-store.js";
import { DeltaError } from "../delta/index.js";
import { checkDescriptor, DescriptorError } from "../records/descriptor-check.js";
import type { RecordFormat } from "../records/decode-records.js";
import type { StreamRequest } from "./wire-types.js";
import { schemaValidationError } from "./schema-validation-status.js";
import { callStatus, CallStatusError, ERROR_CODES, GrpcStatus } from "./zerobus-status.js";

/** The table header that must agree with create_stream. */
export const TABLE_HEADER = "x-databricks-zerobus-table-name";

/** `RecordType` values (PROTOCOL.md §1.2). */
const RECORD_TYPE_UNSPECIFIED = 0;
const RECORD_TYPE_PROTO = 1;
const RECORD_TYPE_JSON = 2;

/**
 * Checks the call's headers: a valid bearer token (UNAUTHENTICATED otherwise), a valid table header
 * (INVALID_ARGUMENT), and a grant of MODIFY on that table (PERMISSION_DENIED). With `noAuth` only the
 * table header is checked, and it may be absent. Returns the header's table.
 */
export function authorizeCall(metadata: Metadata, authority: TokenAuthority, noAuth: boolean): TableName | undefined {
  const headerValue = metadata.get(TABLE_HEADER)[0];
  const header = typeof headerValue === "string" && headerValue !== "" ? headerValue : undefined;
  let table: TableName | undefined;
  if (header !== undefined) table = parseOrRefuse(header, `the ${TABLE_HEADER} header`);
  if (noAuth) return table;

  const authorization = metadata.get("authorization")[0];
  const match = typeof authorization === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  if (match === null) {
    throw refuse(GrpcStatus.UNAUTHENTICATED, "Missing bearer token: send 'authorization: Bearer <token>'", ERROR_CODES.UNAUTHENTICATED);
  }
  let scopes: string[];
  let clientId: string;
  try {
    ({ scopes, sub: clientId } = authority.verifyToken(match[1] as string));
  } catch (err) {
    if (err instanceof TokenError) throw refuse(GrpcStatus.UNAUTHENTICATED, `Invalid bearer token: ${err.message}`, ERROR_CODES.UNAUTHENTICATED);
    throw err;
  }
  if (table === undefined) {
    throw refuse(GrpcStatus.INVALID_ARGUMENT, `Missing the ${TABLE_HEADER} header`, ERROR_CODES.INVALID_REQUEST);
  }
  if (!scopes.includes(table.fullName)) {
    throw refuse(
      GrpcStatus.PERMISSION_DENIED,
      `The token of client '${clientId}' does not grant MODIFY on table '${table.fullName}' (it grants: ${scopes.join(", ") || "no tables"})`,
      ERROR_CODES.PERMISSION_DENIED,
    );
  }
  return table;
}

/** What a successful create_stream yields. */
export interface StreamSetup {
  table: TableInfo;
  format: RecordFormat;
}

/**
 * Checks a create_stream request against the header's table and the catalog, and builds the record
 * format: NOT_FOUND for an unknown table, INVALID_ARGUMENT for everything else wrong.
 */
export async function setUpStream(
  create: NonNullable<StreamRequest["create_stream"]>,
  headerTable: TableName | undefined,
  store: TableStore,
): Promise<StreamSetup> {
  if (!Object.hasOwn(create, "table_name") || !create.table_name) {
    throw refuse(GrpcStatus.INVALID_ARGUMENT, "create_stream.table_name is required", ERROR_CODES.INVALID_REQUEST);
  }
  const name = parseOrRefuse(create.table_name, "create_stream.table_name");
  if (headerTable !== undefined && headerTable.fullName !== name.fullName) {
    throw refuse(
      GrpcStatus.INVALID_ARGUMENT,
      `Table '${name.fullName}' in create_stream does not match the ${TABLE_HEADER} header ('${headerTable.fullName}')`,
      ERROR_CODES.INVALID_REQUEST,
    );
  }
  // Absent means PROTO (the proto file's back-compat comment); an explicit UNSPECIFIED is refused (§13.1).
  // RecordType is a closed (proto2) enum: protobufjs drops a value it does not know into the unknown
  // fields, where it must still be found, or a record_type 7 would be read as "absent", i.e. PROTO.
  const recordType = Object.hasOwn(create, "record_type") ? create.record_type : (unknownVarint(create, RECORD_TYPE_FIELD) ?? RECORD_TYPE_PROTO);
  if (recordType === RECORD_TYPE_UNSPECIFIED) {
    throw refuse(GrpcStatus.INVALID_ARGUMENT, "Record type is not specified (RECORD_TYPE_UNSPECIFIED); use PROTO or JSON", ERROR_CODES.INVALID_REQUEST);
  }
  if (recordType !== RECORD_TYPE_PROTO && recordType !== RECORD_TYPE_JSON) {
    throw refuse(GrpcStatus.INVALID_ARGUMENT, `Unknown record type ${clip(String(recordType))} in create_stream (use PROTO = 1 or JSON = 2)`, ERROR_CODES.INVALID_REQUEST);
  }
  const table = await readTableInfo(store, name);
  if (table === undefined) throw refuse(GrpcStatus.NOT_FOUND, `Table '${name.fullName}' does not exist`, ERROR_CODES.TABLE_NOT_FOUND);
  if (recordType === RECORD_TYPE_JSON) return { table, format: { kind: "json", fields: table.fields } };

  const descriptor = create.descriptor_proto;
  if (!Object.hasOwn(create, "descriptor_proto") || descriptor === undefined || descriptor.length === 0) {
    throw refuse(GrpcStatus.INVALID_ARGUMENT, "descriptor_proto is required for PROTO streams", ERROR_CODES.SCHEMA_MISMATCH);
  }
  try {
    return { table, format: { kind: "proto", plan: checkDescriptor(descriptor, table.fields) } };
  } catch (err) {
    if (!(err instanceof DescriptorError)) throw err;
    if (err.problem === "not-self-contained") throw refuse(GrpcStatus.INVALID_ARGUMENT, err.message, ERROR_CODES.NOT_SELF_CONTAINED);
    const text = `Descriptor does not match table '${name.fullName}': ${err.message}`;
    // A mismatch also carries the schema ErrorInfo (causes, error_code 8001), as the real service's refusals do.
    if (err.problem === "mismatch") throw schemaValidationError(text, err.causes, ERROR_CODES.SCHEMA_MISMATCH);
    throw refuse(GrpcStatus.INVALID_ARGUMENT, text, ERROR_CODES.SCHEMA_MISMATCH);
  }
}

// A table that cannot be read is refused as INVALID_ARGUMENT: the SDKs retry INTERNAL, and a damaged log
// does not heal by retrying.
async function readTableInfo(store: TableStore, name: TableName): Promise<TableInfo | undefined> {
  try {
    return await store.get(name);
  } catch (err) {
    if (!(err instanceof TableUnreadableError)) throw err;
    const cause = err.cause;
    if (cause instanceof DeltaError && cause.code === "UNSUPPORTED_FEATURE") {
      throw refuse(GrpcStatus.INVALID_ARGUMENT, `Table '${name.fullName}' cannot be written by this service: ${cause.message}`, ERROR_CODES.UNSUPPORTED_TABLE_FEATURE);
    }
    throw refuse(GrpcStatus.INVALID_ARGUMENT, err.message, ERROR_CODES.TABLE_UNREADABLE);
  }
}

/** `record_type`'s field number in CreateIngestStreamRequest. */
const RECORD_TYPE_FIELD = 4;

/** The last varint value of field `number` among a decoded message's unknown fields (`$unknowns`), if any. */
function unknownVarint(message: object, number: number): number | undefined {
  const unknowns = (message as { $unknowns?: unknown }).$unknowns;
  if (!Array.isArray(unknowns)) return undefined;
  let found: number | undefined;
  for (const raw of unknowns) {
    if (!(raw instanceof Uint8Array)) continue;
    try {
      const reader = protobuf.Reader.create(raw);
      const tag = reader.uint32();
      if (tag === ((number << 3) | 0)) found = reader.int32();
    } catch {
      // Not a whole field: ignore it, as protobuf readers ignore what they cannot use.
    }
  }
  return found;
}

function parseOrRefuse(fullName: string, where: string): TableName {
  try {
    return parseTableName(fullName);
  } catch (err) {
    if (err instanceof TableNameError) throw refuse(GrpcStatus.INVALID_ARGUMENT, `${err.message} (in ${where})`, ERROR_CODES.INVALID_REQUEST);
    throw err;
  }
}

function refuse(code: GrpcStatus, text: string, errorCode: number): CallStatusError {
  return new CallStatusError(callStatus(code, text, errorCode));
}
