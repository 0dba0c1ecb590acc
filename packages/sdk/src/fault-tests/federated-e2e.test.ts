/**
 * Federated authentication end to end (OFFICIAL-2X.md §3): `createStreamFederated` against the local
 * service configured to trust one issuer; rows land in the Delta table. A JWT of an untrusted issuer is
 * refused at once, non-retriably, naming why.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { NonRetriableException } from "../errors.js";
import { RecordType } from "../record-type.js";
import { ZerobusSdk } from "../sdk.js";
import { TableProperties } from "../table-properties.js";
import { within } from "../test-support/fixtures.js";
import { FAULT_TABLE, startLocalZerobus, type LocalZerobus } from "../test-support/local-zerobus.js";
import { startTokenEndpointFaults, type TokenEndpointFaults } from "../test-support/token-endpoint-faults.js";

const ISSUER = "https://ci.example";
const SECRET = "the-ci-issuers-shared-secret";
const OPTIONS = { recordType: RecordType.JSON, recoveryBackoffMs: 20, recoveryTimeoutMs: 3_000 };

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
function ciToken(iss: string): string {
  const input = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ iss, aud: "databricks", sub: "repo:acme/app", exp: Math.floor(Date.now() / 1000) + 600 })}`;
  return `${input}.${createHmac("sha256", SECRET).update(input).digest("base64url")}`;
}

let local: LocalZerobus;
let front: TokenEndpointFaults;
let sdk: ZerobusSdk;
before(async () => {
  local = await startLocalZerobus({ trustedIssuers: [{ issuer: ISSUER, audience: "databricks", hmacSecret: SECRET, principals: { "repo:acme/app": "ci-writer" } }] });
  front = await startTokenEndpointFaults(local.service.workspaceUrl);
  sdk = new ZerobusSdk(local.service.serverEndpoint, front.workspaceUrl);
});
after(async () => {
  sdk.close();
  await front.close();
  await local.close();
});

describe("federated authentication against the local service", () => {
  it("a trusted issuer's JWT is exchanged and the stream writes to the table", async () => {
    let supplied = 0;
    const stream = await sdk.createStreamFederated(new TableProperties(FAULT_TABLE), async () => (supplied++, ciToken(ISSUER)), undefined, OPTIONS);
    await within(Promise.all([1, 2, 3].map(async (id) => (await stream.ingestRecord({ id, pad: "federated" })).waitForAck())), 10_000, "acks");
    await stream.close();
    assert.equal(supplied, 1);
    const token = front.tokens.at(-1)!;
    assert.equal((JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { sub: string }).sub, "ci-writer");
    const rows = await local.rowCounts();
    assert.deepEqual([1, 2, 3].map((id) => rows.get(id)), [1, 1, 1]);
  });

  it("an untrusted issuer is refused: non-retriable, naming why, the token never quoted", async () => {
    const before = front.requests;
    const subject = ciToken("https://evil.example");
    const err = await sdk.createStreamFederated(new TableProperties(FAULT_TABLE), () => subject, undefined, OPTIONS).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof NonRetriableException, String(err));
    assert.match(err.message, /401.*unknown issuer 'https:\/\/evil\.example'/);
    assert.ok(!err.message.includes(subject));
    assert.equal(front.requests - before, 1, "not retried");
  });
});
