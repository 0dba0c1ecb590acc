/**
 * Issue 13 §2: refusals of huge inputs must reach the client as their status, quickly and bounded (they
 * used to make a `grpc-message` too large for HTTP/2 trailers: the call hung and the connection dropped).
 * Raw calls against the service in a child process; each case passes when the status is INVALID_ARGUMENT,
 * arrives within 5 s and its message is under 8 KB.
 */
import protobuf from "protobufjs";
import { encodeCreateStream, fieldDescriptor, rawIngestCall, TINY_RECORD_COLUMNS } from "../../packages/local/src/e2e/support/big-batch-load.js";
import { startChildService } from "../../packages/local/src/e2e/support/child-service.js";
import { makeTempDir } from "../../packages/local/src/e2e/support/e2e-harness.js";
import type { TortureCase, TortureOutcome } from "./cases.js";

const TABLE = "main.default.long_errors";
const INVALID_ARGUMENT = 3;

/** The three poison inputs of the issue. */
export function longErrorCases(): TortureCase[] {
  return [
    {
      name: "long errors",
      async run(context) {
        const temp = await makeTempDir();
        const child = await startChildService(temp.dir, TABLE, TINY_RECORD_COLUMNS, 30_000, { noAuth: true });
        try {
          const target = child.info.serverEndpoint.replace(/^https?:\/\//, "");
          const headers = { "x-databricks-zerobus-table-name": TABLE };
          const jsonCreate = encodeJsonCreateStream(TABLE);
          const fields = protobuf.Writer.create().uint32(0x0a).string("Poison");
          fields.uint32(0x12).bytes(fieldDescriptor("id", 1, 5));
          for (let i = 0; i < 10_000; i++) fields.uint32(0x12).bytes(fieldDescriptor(`unknown_${i}`, i + 2, 5));
          const cases: Array<[string, Buffer, Buffer[]]> = [
            ["100,000-digit JSON value", jsonCreate, [encodeJsonRecord(`{"id":${"9".repeat(100_000)}}`)]],
            ["200,000-char unknown JSON key", jsonCreate, [encodeJsonRecord(`{"${"k".repeat(200_000)}":1}`)]],
            ["descriptor with 10,000 unknown fields", encodeCreateStream(TABLE, fields.finish()), []],
          ];
          const outcomes: TortureOutcome[] = [];
          for (const [name, create, requests] of cases) {
            const t0 = performance.now();
            const status = await Promise.race([
              rawIngestCall(target, headers, create, requests),
              new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 15_000).unref()),
            ]);
            const ms = performance.now() - t0;
            if (status === undefined) {
              outcomes.push({ name, outcome: "no status within 15 s", pass: false });
              continue;
            }
            const bytes = Buffer.byteLength(status.details);
            const outcome = `status ${status.code} in ${ms.toFixed(0)} ms, message ${bytes} bytes: ${status.details.slice(0, 90)}…`;
            context.log(`${name}: ${outcome}`);
            outcomes.push({ name, outcome, pass: status.code === INVALID_ARGUMENT && ms < 5_000 && bytes < 8 * 1024 });
          }
          return outcomes;
        } finally {
          await child.stop();
          await temp.remove();
        }
      },
    },
  ];
}

function encodeJsonCreateStream(table: string): Buffer {
  const create = protobuf.Writer.create().uint32(0x0a).string(table).uint32(0x20).int32(2).finish();
  return Buffer.from(protobuf.Writer.create().uint32(0x0a).bytes(create).finish());
}

// EphemeralStreamRequest{ingest_record{offset_id: 0, json_record}}
function encodeJsonRecord(json: string): Buffer {
  const record = protobuf.Writer.create().uint32(0x08).int64(0).uint32(0x1a).string(json).finish();
  return Buffer.from(protobuf.Writer.create().uint32(0x12).bytes(record).finish());
}
