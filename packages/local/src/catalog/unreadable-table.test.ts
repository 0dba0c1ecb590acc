import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { status } from "@grpc/grpc-js";
import { DeltaTableWriter } from "../delta/index.js";
import { within } from "../service/test-support/raw-zerobus-client.js";
import { startTestService, tokenFor, workspaceToken, type TestService } from "../service/test-support/service-fixture.js";

const TABLES = "/api/2.1/unity-catalog/tables";

describe("a table that cannot be read", () => {
  let t: TestService;
  let token: string;
  before(async () => {
    t = await startTestService();
    for (const name of ["good", "cut", "empty"]) {
      const info = await t.service.createTable(`main.default.${name}`, "id BIGINT");
      const writer = await DeltaTableWriter.open(info.dir);
      await writer.append(Array.from({ length: 100 }, (_, i) => ({ id: BigInt(i) })), { appId: "test", version: 1n });
      await writer.close();
    }
    // The last commit of `cut` loses its add line (a cut between lines); `empty`'s is emptied.
    const cut = join(t.service.dataDir, "main/default/cut/_delta_log/00000000000000000001.json");
    const lines = (await readFile(cut, "utf8")).split("\n").filter((l) => l !== "" && !l.startsWith('{"add"'));
    await writeFile(cut, `${lines.join("\n")}\n`);
    await writeFile(join(t.service.dataDir, "main/default/empty/_delta_log/00000000000000000001.json"), "");
    token = await workspaceToken(t.service);
  });
  after(() => t.close());

  const get = (path: string) => fetch(`${t.service.workspaceUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });

  it("is an error naming the problem, never rows silently gone, and never breaks listing the others", async () => {
    for (const [name, problem] of [["cut", /cut short: its commitInfo counts 1 added file\(s\) but 0 are in it/], ["empty", /holds no actions \(the file is empty\)/]] as const) {
      for (const path of [`${TABLES}/main.default.${name}`, `${TABLES}/main.default.${name}/rows`]) {
        const res = await get(path);
        assert.equal(res.status, 400, path);
        const body = (await res.json()) as { error_code: string; message: string };
        assert.equal(body.error_code, "INVALID_STATE");
        assert.match(body.message, problem);
      }
    }
    const listed = await get(`${TABLES}?catalog_name=main&schema_name=default`);
    assert.equal(listed.status, 200);
    assert.deepEqual(((await listed.json()) as { tables: Array<{ name: string }> }).tables.map((x) => x.name), ["good"]);
    assert.equal(((await (await get(`${TABLES}/main.default.good/rows`)).json()) as { row_count: number }).row_count, 100);
  });

  it("refuses a stream with a non-retriable status (4090)", async () => {
    const table = "main.default.cut";
    const stream = t.client.open({ token: await tokenFor(t.service, table), table });
    stream.send({ create_stream: { table_name: table, record_type: 2 } });
    const s = await within(5000, stream.status, "the refusal");
    assert.equal(s.code, status.INVALID_ARGUMENT);
    assert.match(s.details, /Table 'main\.default\.cut' cannot be read: .*cut short.*Error Code: 4090/);
  });
});
