import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { status } from "@grpc/grpc-js";
import { within } from "./test-support/raw-zerobus-client.js";
import { startTestService, tokenFor, type TestService } from "./test-support/service-fixture.js";
import { RequestType } from "./wire-types.js";

const TABLE = "main.default.values";

/** Encodes `request`, then swaps each placeholder's bytes for `bad` (same length): bytes no string can hold. */
function withBadBytes(request: object, placeholder: string, bad: Buffer): Buffer {
  const encoded = Buffer.from(RequestType.encode(RequestType.fromObject(request)).finish());
  const needle = Buffer.from(placeholder);
  for (let at = encoded.indexOf(needle); at >= 0; at = encoded.indexOf(needle, at + 1)) bad.copy(encoded, at);
  return encoded;
}

describe("values are refused over the wire", () => {
  let t: TestService;
  let token: string;
  before(async () => {
    t = await startTestService();
    await t.service.createTable(TABLE, "id BIGINT, name STRING");
    token = await tokenFor(t.service, TABLE);
  });
  after(() => t.close());

  async function refusal(messages: Array<object | Buffer>): Promise<string> {
    const stream = t.client.open({ token, table: TABLE });
    for (const message of messages) stream.send(message);
    const s = await within(5000, stream.status, "the refusal");
    assert.equal(s.code, status.INVALID_ARGUMENT, s.details);
    return s.details;
  }

  it("invalid UTF-8 in a JSON record, single or batched, names the record and the column", async () => {
    const create = { create_stream: { table_name: TABLE, record_type: 2 } };
    const placeholder = '{"name":"abQ"}';
    const bad = Buffer.from(placeholder);
    bad[bad.indexOf("Q")] = 0xff;
    const single = withBadBytes({ ingest_record: { offset_id: 0, json_record: placeholder } }, placeholder, bad);
    assert.match(await refusal([create, single]), /offset 0.*column 'name': string holds invalid UTF-8: byte 0xFF/);
    const batch = withBadBytes({ ingest_record_batch: { offset_id: 0, json_batch: { records: ['{"id":1}', placeholder] } } }, placeholder, bad);
    assert.match(await refusal([create, batch]), /column 'name': string holds invalid UTF-8: byte 0xFF/);
  });

  it("record_type 7 is named", async () => {
    const name = Buffer.from(TABLE);
    const inner = Buffer.concat([Buffer.from([0x0a, name.length]), name, Buffer.from([0x20, 7])]);
    assert.match(await refusal([Buffer.concat([Buffer.from([0x0a, inner.length]), inner])]), /Unknown record type 7 in create_stream/);
  });
});
