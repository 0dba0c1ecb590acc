import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { status } from "@grpc/grpc-js";
import { readTable } from "../delta/index.js";
import { startTestService } from "./test-support/service-fixture.js";
import { within, type RawStream } from "./test-support/raw-zerobus-client.js";

const TABLE = "main.default.shared";

describe("streams sharing a table (noAuth)", () => {
  it("commits concurrent streams into one table, and ends streams when their table is deleted", async () => {
    const t = await startTestService({ noAuth: true, commit: { maxDelayMs: 20 } });
    try {
      await t.service.createTable(TABLE, "stream INT NOT NULL, n BIGINT NOT NULL");
      const open = async (): Promise<RawStream> => {
        const s = t.client.open(); // no token and no table header: noAuth accepts both
        s.send({ create_stream: { table_name: TABLE, record_type: 2 } });
        await within(5000, s.next());
        return s;
      };
      const streams = await Promise.all([open(), open(), open()]);
      streams.forEach((s, i) => {
        for (let n = 0; n < 5; n++) s.send({ ingest_record: { offset_id: n, json_record: JSON.stringify({ stream: i, n }) } });
        s.end();
      });
      for (const s of streams) assert.equal((await within(5000, s.status)).code, status.OK);
      const { rows } = await readTable(`${t.service.dataDir}/main/default/shared`);
      assert.equal(rows.length, 15);

      const doomed = await open();
      const res = await fetch(`${t.service.workspaceUrl}/api/2.1/unity-catalog/tables/${TABLE}`, { method: "DELETE" });
      assert.equal(res.status, 200);
      const s = await within(5000, doomed.status);
      assert.equal(s.code, status.NOT_FOUND);
      assert.match(s.details, /was deleted/);
    } finally {
      await t.close();
    }
  });
});
