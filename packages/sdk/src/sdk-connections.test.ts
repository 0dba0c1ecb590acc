/**
 * What a `ZerobusSdk` puts on the network: one HTTP/2 connection per stream by default, one shared with
 * `connectionPerStream: false` (counted at the server side of a TCP proxy), and the user agent with the
 * application's name.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { NonRetriableException } from "./errors.js";
import { RecordType } from "./record-type.js";
import { ZerobusSdk } from "./sdk.js";
import { TableProperties } from "./table-properties.js";
import { FAST, staticHeaders, TABLE, within } from "./test-support/fixtures.js";
import { startFaultProxy } from "./test-support/fault-proxy.js";
import { autoAck, startScriptedServer } from "./test-support/scripted-server.js";
import { SDK_IDENTIFIER } from "./version.js";

const OPTIONS = { ...FAST, recordType: RecordType.JSON };
const teardown: Array<() => Promise<void>> = [];
after(async () => {
  for (const t of teardown.reverse()) await t();
});

async function serve() {
  const server = await startScriptedServer((call) => autoAck(call));
  const proxy = await startFaultProxy(Number(new URL(server.endpoint).port));
  teardown.push(() => server.close(), () => proxy.close());
  return { server, proxy };
}

describe("connections", () => {
  for (const [connectionPerStream, expected] of [[undefined, 8], [false, 1]] as const) {
    it(`8 concurrent streams use ${expected} connection(s) ${connectionPerStream === undefined ? "by default" : "with connectionPerStream: false"}`, async () => {
      const { server, proxy } = await serve();
      const sdk = new ZerobusSdk(proxy.endpoint, "", connectionPerStream === undefined ? {} : { connectionPerStream });
      teardown.push(async () => sdk.close());
      const streams = await Promise.all(
        Array.from({ length: 8 }, () => sdk.createStream(new TableProperties(TABLE), "", "", OPTIONS, staticHeaders())),
      );
      await within(Promise.all(streams.map(async (s) => (await s.ingestRecord({ n: 1 })).waitForAck())), 5_000, "acks");
      assert.equal(server.calls.length, 8);
      assert.equal(proxy.stats.connections, expected);
      await Promise.all(streams.map((s) => s.close()));
    });
  }
});

describe("user agent", () => {
  it("carries the application name after the SDK's identifier", async () => {
    const server = await startScriptedServer((call) => autoAck(call));
    teardown.push(() => server.close());
    const sdk = new ZerobusSdk(server.endpoint, "", { applicationName: "air-quality-ingest/2.1" });
    teardown.push(async () => sdk.close());
    const stream = await sdk.createStream(new TableProperties(TABLE), "", "", OPTIONS, staticHeaders());
    const agent = server.calls[0]!.metadata["user-agent"]!;
    assert.ok(agent.startsWith(`${SDK_IDENTIFIER} air-quality-ingest/2.1`), agent);
    assert.equal(server.calls[0]!.metadata["x-zerobus-sdk"], SDK_IDENTIFIER);
    await stream.close();
  });

  for (const [what, name, pattern] of [
    ["a newline", "app\nname", /control character \(U\+000A\) at position 3/],
    ["a NUL", "app\u0000", /control character \(U\+0000\) at position 3/],
    ["DEL", "app\u007f", /control character \(U\+007F\)/],
    ["non-ASCII", "appé", /outside printable ASCII \(U\+00E9\)/],
    ["an empty name", "  ", /empty/],
    ["a number", 42, /expected a string, got number/],
    ["300 characters", "a".repeat(300), /300 characters, at most 256/],
  ] as const) {
    it(`an application name with ${what} is refused with a typed error naming why`, () => {
      assert.throws(
        () => new ZerobusSdk("http://127.0.0.1:1", "", { applicationName: name as string }),
        (err: unknown) => err instanceof NonRetriableException && /Invalid applicationName/.test(err.message) && pattern.test(err.message),
      );
    });
  }
});
