/**
 * Issue 13 §3: a server that answers `create_stream` and then fails every call, against one SDK stream
 * with default options. It used to get 10,000–14,000 connections in 10 s (each handshake counted as a
 * success, so the retry budget and backoff started over). Pass: at most 10 calls in the first 10 s, and the
 * stream fails with the server's error once its retries are spent (with the default jittered backoff that
 * can take up to about 30 s; the case waits at most 90 s). (The fix is the SDK's; this reports it.)
 */
import { Server, ServerCredentials, status as GrpcStatus, type ServerDuplexStream } from "@grpc/grpc-js";
import { RecordType, TableProperties, ZerobusSdk } from "@zerobus-ts/sdk";
import type { TortureCase } from "./cases.js";

const PATH = "/databricks.zerobus.Zerobus/EphemeralStream";
const WINDOW_MS = 10_000;
/** How long the case waits, in all, for the stream to give up. */
const GIVE_UP_MS = 90_000;
// EphemeralStreamResponse{create_stream_response{stream_id: "s"}}
const CREATED = Buffer.from([0x0a, 0x03, 0x0a, 0x01, 0x73]);

/** The connect-then-fail case. */
export function connectThenFailCases(): TortureCase[] {
  return [
    {
      name: "connect-then-fail server vs SDK",
      async run(context) {
        let calls = 0;
        const server = new Server();
        const identity = (b: Buffer) => b;
        server.register(PATH, (call: ServerDuplexStream<Buffer, Buffer>) => {
          calls++;
          call.once("data", () => {
            call.write(CREATED);
            setImmediate(() => call.emit("error", { code: GrpcStatus.UNAVAILABLE, details: "fails right after the handshake" }));
          });
        }, identity, identity, "bidi");
        const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
        const sdk = new ZerobusSdk(`http://127.0.0.1:${port}`, "http://127.0.0.1:1");
        const headers = async () => [["authorization", "Bearer x"], ["x-databricks-zerobus-table-name", "main.default.t"]] as Array<[string, string]>;
        const t0 = performance.now();
        const since = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
        let stream: Awaited<ReturnType<ZerobusSdk["createStream"]>> | undefined;
        const attempt = (async () => {
          try {
            stream = await sdk.createStream(new TableProperties("main.default.t"), "", "", { recordType: RecordType.JSON }, headers);
            const ack = await stream.ingestRecord({ id: 1 });
            await ack.waitForAck();
            return "acked (unexpected)";
          } catch (err) {
            return `failed after ${since()}: ${(err as Error).message.slice(0, 80)}`;
          }
        })();
        let callsAtWindow = -1;
        const window = setTimeout(() => (callsAtWindow = calls), WINDOW_MS);
        let timer: NodeJS.Timeout | undefined;
        const givenUp = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`still retrying at ${GIVE_UP_MS / 1000} s`), GIVE_UP_MS)));
        const failure = await Promise.race([attempt, givenUp]);
        clearTimeout(timer);
        clearTimeout(window);
        if (callsAtWindow < 0) callsAtWindow = calls; // it gave up within the window
        await Promise.race([stream?.close().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 1000))]);
        sdk.close();
        server.forceShutdown();
        const outcome = `${callsAtWindow} calls in the first 10 s, ${calls} in all; stream ${failure}`;
        context.log(outcome);
        return [{ outcome, pass: callsAtWindow <= 10 && failure.startsWith("failed") }];
      },
    },
  ];
}
