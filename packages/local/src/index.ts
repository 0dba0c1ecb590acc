/**
 * @zerobus-ts/local: a local Zerobus Ingest service — the same gRPC protocol, OAuth token endpoint and
 * Unity Catalog REST subset as Databricks, writing real Delta tables on disk.
 */

// Entry point
export { startLocalService, type ColumnSpec, type LocalService } from "./service/start-local-service.js";

// Options
export { DEFAULT_LIMITS, DEFAULT_LOCAL_SERVICE_OPTIONS, type LocalServiceOptions } from "./service/local-service-options.js";
export type { AdmissionLimits } from "./service/admission-control.js";
export type { TrustedIssuer } from "./auth/token-exchange.js";
export type { ServiceFaults } from "./service/service-faults.js";
export { ALL_GRANTS, PRIVILEGES, type Grants, type Privilege } from "./auth/grants.js";

// Errors
export { TableExistsError, type TableInfo } from "./catalog/table-store.js";
export { TableNameError, type TableName } from "./catalog/table-name.js";
export { SchemaError } from "./schema/schema-error.js";
export { GrantsError } from "./auth/grants.js";

// Reading tables back (tests, examples)
export { countTableRows, readTable, rowToJson, type ReadTableOptions, type RowJsonValue, type TableContents, type TableRowCount } from "./delta/index.js";
export { parseSparkSchema } from "./schema/spark-schema.js";
export type { DeltaField, DeltaType, Row, RowValue } from "./schema/delta-type.js";

// Utilities
export { parseLosslessJson, type LosslessJsonValue } from "./delta/lossless-json.js";
