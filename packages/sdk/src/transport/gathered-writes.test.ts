import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DO_PUT_METHOD } from "../arrow/flight-protocol.js";
import { readIpcMessages } from "../arrow/ipc-messages.js";
import { ipcBytes, numberedBatch } from "../test-support/arrow-fixtures.js";
import { startScriptedFlightServer, type ReceivedFrame } from "../test-support/scripted-flight-server.js";
import { decodePutResult, gatherFlightData } from "../wire/flight-data.js";
import { GatheredMessage } from "../wire/gathered-message.js";
import { parseEndpoint } from "./endpoint.js";
import { GrpcChannel, type CallStatus } from "./grpc-channel.js";

const within = <T>(ms: number, promise: Promise<T>): Promise<T> =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms).unref())]);

describe("GatheredMessage", () => {
  it("copies its pieces in order, like Buffer#copy, and joins them on request", () => {
    const message = new GatheredMessage([Buffer.from("ab"), new Uint8Array(0), Buffer.from("cde")]);
    assert.equal(message.length, 5);
    assert.equal(message.copied, false);
    const target = Buffer.alloc(8, 0x2e);
    assert.equal(message.copy(target, 2), 5);
    assert.equal(target.toString(), "..abcde.");
    assert.equal(message.copied, true);
    assert.equal(message.toBuffer().toString(), "abcde");
  });
});

describe("GrpcChannel with gathered messages", () => {
  // Guards the reliance on grpc-js framing a message with one `copy` call: if an upgrade changes that,
  // this fails here rather than only as slower Arrow streams.
  it("has grpc-js gather a FlightData frame's pieces into its own copy, byte for byte", async () => {
    const received: ReceivedFrame[] = [];
    const server = await startScriptedFlightServer(async (call) => {
      for (let frame = await call.next(); frame; frame = await call.next()) received.push(frame);
      call.end();
    });
    const channel = new GrpcChannel({ endpoint: parseEndpoint(server.endpoint), userAgent: "gathered-writes-test" });
    try {
      // Several HTTP/2 windows and frames long.
      const [, batch] = readIpcMessages(ipcBytes(numberedBatch(0, 40_000, 64)));
      const { header, body } = batch!;
      assert.ok(body.length > 3 * 1024 * 1024);
      const message = gatherFlightData(header, body, '{"offset_id":0}');
      const closed = new Promise<CallStatus>((resolve) => {
        const call = channel.openStream([], { response: () => {}, closed: resolve }, { path: DO_PUT_METHOD, decode: decodePutResult });
        call.write(message);
        call.end();
      });
      assert.equal((await within(10_000, closed)).code, 0);
      assert.equal(message.copied, true);
      assert.equal(received.length, 1);
      assert.ok(received[0]!.header.equals(header));
      assert.ok(received[0]!.body.equals(body));
      assert.equal(received[0]!.offsetId, 0);
    } finally {
      channel.close();
      await server.close();
    }
  });
});
