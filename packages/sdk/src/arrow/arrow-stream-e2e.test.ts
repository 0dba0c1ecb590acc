/**
 * Our Arrow stream into the real local service (`@zerobus-ts/local`): plain, LZ4 and ZSTD batches, IPC bytes,
 * RecordBatches and one 200,000-row batch split into several frames; every row is read back from the Delta
 * table. A schema declared wrong is refused at `createArrowStream`, naming the cause.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as arrow from "apache-arrow";
import { NonRetriableException } from "../errors.js";
import { ZerobusSdk } from "../sdk.js";
import { within } from "../test-support/fixtures.js";
import { FAULT_TABLE, startLocalZerobus, type LocalZerobus } from "../test-support/local-zerobus.js";
import { NUMBERED_FIELDS, ipcBytes, numberedBatch } from "../test-support/arrow-fixtures.js";
import { ArrowDataType, IpcCompressionType } from "./arrow-types.js";
import type { ArrowStreamConfigurationOptions } from "./arrow-options.js";
import type { ArrowTableProperties } from "./arrow-types.js";

let local: LocalZerobus;
before(async () => {
  local = await startLocalZerobus();
});
after(() => local.close());

function sdkAndHeaders(): [ZerobusSdk, () => Array<[string, string]>] {
  const sdk = new ZerobusSdk(local.service.serverEndpoint, local.service.workspaceUrl);
  const headers = (): Array<[string, string]> => [
    ["authorization", `Bearer ${local.service.issueToken({ scopes: [FAULT_TABLE] })}`],
    ["x-databricks-zerobus-table-name", FAULT_TABLE],
  ];
  return [sdk, headers];
}

async function ingestAndClose(properties: ArrowTableProperties, options: ArrowStreamConfigurationOptions, first: number): Promise<number> {
  const [sdk, headers] = sdkAndHeaders();
  const stream = await sdk.createArrowStream(properties, "", "", { recoveryBackoffMs: 20, ...options }, headers);
  assert.equal(await stream.ingestBatch(ipcBytes(numberedBatch(first, 1000))), 0n);
  assert.equal(await stream.ingestBatch(numberedBatch(first + 1000, 500)), 1n);
  await within(stream.close(), 10_000, "close");
  sdk.close();
  return first + 1500;
}

describe("Arrow stream into the local service (Delta read-back)", () => {
  it("writes plain, LZ4 and ZSTD batches and a 200,000-row batch in several frames; every row reads back once", async () => {
    let next = 0;
    next = await ingestAndClose({ tableName: FAULT_TABLE, schemaFields: NUMBERED_FIELDS }, {}, next);
    next = await ingestAndClose({ tableName: FAULT_TABLE, schemaFields: NUMBERED_FIELDS }, { ipcCompression: IpcCompressionType.Lz4Frame }, next);
    const schema = new arrow.Schema([new arrow.Field("id", new arrow.Int64(), false), new arrow.Field("pad", new arrow.LargeUtf8(), true)]);
    next = await ingestAndClose({ tableName: FAULT_TABLE, schema }, { ipcCompression: IpcCompressionType.Zstd }, next);

    const [sdk, headers] = sdkAndHeaders();
    const stream = await sdk.createArrowStream({ tableName: FAULT_TABLE, schemaFields: NUMBERED_FIELDS }, "", "", {}, headers);
    await stream.ingestBatch(numberedBatch(next, 200_000, 16));
    await within(stream.close(), 20_000, "close after the big batch");
    sdk.close();
    next += 200_000;

    const counts = await local.rowCounts();
    assert.equal(counts.size, next);
    for (let id = 0; id < next; id++) if (counts.get(id) !== 1) assert.fail(`row ${id} read back ${counts.get(id) ?? 0} times`);
  });

  it("refuses a schema declared wrong at createArrowStream, naming the cause, without retrying", async () => {
    const [sdk, headers] = sdkAndHeaders();
    const wrong = { tableName: FAULT_TABLE, schemaFields: [{ name: "id", dataType: ArrowDataType.Int64, nullable: false }, { name: "nope", dataType: ArrowDataType.Utf8 }] };
    const started = Date.now();
    await assert.rejects(
      sdk.createArrowStream(wrong, "", "", { recoveryBackoffMs: 5_000 }, headers),
      (err: Error) => err instanceof NonRetriableException && /INVALID_ARGUMENT/.test(err.message) && /nope/.test(err.message),
    );
    assert.ok(Date.now() - started < 5_000, "no retry after a schema refusal");
    sdk.close();
  });
});
