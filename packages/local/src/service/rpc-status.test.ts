import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeStatusDetails } from "./test-support/decode-rpc-status.js";
import { schemaValidationStatus } from "./schema-validation-status.js";
import { GrpcStatus } from "./zerobus-status.js";

describe("google.rpc.Status details", () => {
  it("a schema refusal carries Status{code, message, [ErrorInfo]} that protobufjs decodes from the published schema", () => {
    const status = schemaValidationStatus("Arrow schema does not match: field 'x' …", ["FIELD_NOT_IN_TABLE", "TYPE_INCOMPATIBLE", "FIELD_NOT_IN_TABLE"]);
    assert.equal(status.code, GrpcStatus.INVALID_ARGUMENT);
    assert.match(status.details, /Error Code: 8001, Error State: 0\.$/);
    const details = decodeStatusDetails(status.metadata);
    assert.deepEqual(details, {
      code: GrpcStatus.INVALID_ARGUMENT,
      message: status.details,
      typeUrl: "type.googleapis.com/google.rpc.ErrorInfo",
      errorInfo: {
        reason: "SCHEMA_VALIDATION_FAILED",
        domain: "zerobus.databricks.com",
        metadata: { causes: "FIELD_NOT_IN_TABLE,TYPE_INCOMPATIBLE", error_code: "8001" },
      },
    });
  });
});
