import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { status } from "@grpc/grpc-js";
import { within } from "./test-support/raw-zerobus-client.js";
import { startTestService, tokenFor, type TestService } from "./test-support/service-fixture.js";

const TABLE = "main.default.guarded";

describe("call limits", () => {
  let t: TestService;
  let token: string;
  before(async () => {
    t = await startTestService({ createStreamTimeoutMs: 400, maxCallsPerPrincipal: 2 });
    await t.service.createTable(TABLE, "id BIGINT");
    token = await tokenFor(t.service, TABLE);
  });
  after(() => t.close());

  it("ends calls that never send create_stream, and caps the calls one principal holds", async () => {
    const idle = [t.client.open({ token, table: TABLE }), t.client.open({ token, table: TABLE })];
    // Both are admitted before the third is tried: the service sends headers at once.
    await Promise.all(idle.map((call) => within(5000, call.metadata, "headers")));
    const third = await within(5000, t.client.open({ token, table: TABLE }).status, "the refusal");
    assert.equal(third.code, status.RESOURCE_EXHAUSTED);
    assert.match(third.details, /already has 2 calls open.*Error Code: 4290/);
    for (const call of idle) {
      const s = await within(5000, call.status, "the idle call's end");
      assert.equal(s.code, status.DEADLINE_EXCEEDED);
      assert.match(s.details, /No create_stream within 400 ms.*Error Code: 4008/);
    }
    // The slots are free again; a call that does send create_stream is not timed out.
    const live = t.client.open({ token, table: TABLE });
    live.send({ create_stream: { table_name: TABLE, record_type: 2 } });
    assert.ok((await within(5000, live.next(), "create_stream_response")).create_stream_response);
    live.end();
    assert.equal((await within(5000, live.status)).code, status.OK);
  });
});
