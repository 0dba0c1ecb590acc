import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DeltaField } from "../schema/delta-type.js";
import { parseColumnList } from "../schema/parse-sql-type.js";
import type { MetadataAction, ProtocolAction } from "./delta-actions.js";
import { UnsupportedFeatureError } from "./delta-error.js";
import { assertReadable, assertWritable } from "./table-features.js";

const FIELDS = parseColumnList("id BIGINT");
const metadata = (configuration: Record<string, string> = {}): MetadataAction => ({
  id: "t", format: { provider: "parquet", options: {} }, schemaString: "{}", partitionColumns: [], configuration,
});
const features = (readerFeatures: string[], writerFeatures: string[]): ProtocolAction => ({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures, writerFeatures });
const refusedFor = (feature: string) => (error: unknown) => error instanceof UnsupportedFeatureError && error.feature === feature && error.code === "UNSUPPORTED_FEATURE";

describe("the feature gate", () => {
  it("appends to tables with the features a blind-append writer honours", () => {
    const ok: Array<[ProtocolAction, Record<string, string>?, DeltaField[]?]> = [
      [{ minReaderVersion: 1, minWriterVersion: 2 }],
      [{ minReaderVersion: 1, minWriterVersion: 4 }, { "delta.enableChangeDataFeed": "true" }],
      [features(["deletionVectors", "timestampNtz", "v2Checkpoint", "vacuumProtocolCheck", "typeWidening"], ["deletionVectors", "timestampNtz", "v2Checkpoint", "vacuumProtocolCheck", "typeWidening", "appendOnly", "invariants", "domainMetadata", "changeDataFeed", "checkConstraints", "generatedColumns", "identityColumns", "allowColumnDefaults", "rowTracking", "inCommitTimestamp", "columnMapping"])],
    ];
    for (const [protocol, configuration, fields] of ok) assert.doesNotThrow(() => assertWritable(protocol, metadata(configuration), fields ?? FIELDS), JSON.stringify(protocol));
  });

  it("refuses writer features it does not implement, naming them", () => {
    for (const feature of ["clustering", "icebergCompatV2", "collations", "catalogManaged", "someFutureFeature"]) {
      assert.throws(() => assertWritable(features([], [feature]), metadata(), FIELDS), (error: unknown) => refusedFor(feature)(error) && (error as Error).message.includes(`"${feature}"`));
    }
    assert.throws(() => assertWritable({ minReaderVersion: 1, minWriterVersion: 8 }, metadata(), FIELDS), refusedFor("minWriterVersion=8"));
  });

  it("refuses features that are harmless only while unused, once the table uses them", () => {
    const cases: Array<[string, MetadataAction, DeltaField[]]> = [
      ["checkConstraints", metadata({ "delta.constraints.positive": "id > 0" }), FIELDS],
      ["generatedColumns", metadata(), [{ ...FIELDS[0]!, metadata: { "delta.generationExpression": "1" } }]],
      ["identityColumns", metadata(), [{ ...FIELDS[0]!, metadata: { "delta.identity.start": 1 } }]],
      ["allowColumnDefaults", metadata(), [{ ...FIELDS[0]!, metadata: { CURRENT_DEFAULT: "1" } }]],
    ];
    for (const [feature, meta, fields] of cases) {
      assert.throws(() => assertWritable(features([], [feature]), meta, fields), refusedFor(feature), feature);
    }
    // Legacy writer versions imply the features: version 3 brings checkConstraints, 6 identity columns.
    assert.throws(() => assertWritable({ minReaderVersion: 1, minWriterVersion: 3 }, cases[0]![1], FIELDS), refusedFor("checkConstraints"));
    assert.throws(() => assertWritable({ minReaderVersion: 1, minWriterVersion: 2 }, metadata(), [{ ...FIELDS[0]!, metadata: { "delta.invariants": '{"expression":{"expression":"id > 0"}}' } }]), refusedFor("invariants"));
  });

  it("reads the reader features it implements and refuses the rest by name", () => {
    assert.doesNotThrow(() => assertReadable(features(["columnMapping", "deletionVectors", "timestampNtz", "v2Checkpoint", "typeWidening", "vacuumProtocolCheck"], []), metadata({ "delta.columnMapping.mode": "id" })));
    for (const feature of ["variantType", "catalogManaged", "catalogOwned-preview"]) {
      assert.throws(() => assertReadable(features([feature], [feature]), metadata()), refusedFor(feature));
    }
    assert.throws(() => assertReadable({ minReaderVersion: 4, minWriterVersion: 7 }, metadata()), refusedFor("minReaderVersion=4"));
    assert.throws(() => assertReadable({ minReaderVersion: 2, minWriterVersion: 5 }, metadata({ "delta.columnMapping.mode": "fancy" })), refusedFor("columnMapping"));
  });
});
