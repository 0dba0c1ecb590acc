/**
 * Opens an SDK stream (JSON records, fast test timeouts) against a scripted server, with a headers
 * provider that hands out a new token per connection attempt (`Bearer token-<n>`), so tests can see
 * that every attempt fetched fresh headers. `close()` tears down the stream, the SDK and the server.
 */
import { after } from "node:test";
import { RecordType } from "../record-type.js";
import { ZerobusSdk } from "../sdk.js";
import type { ZerobusStream } from "../stream.js";
import { TableProperties } from "../table-properties.js";
import { FAST, TABLE } from "./fixtures.js";
import { startScriptedServer, type ScriptedCall, type ScriptedServer } from "./scripted-server.js";

/** Options every scripted fault test starts from: JSON records, short timeouts and backoff. */
export const FAULT_OPTIONS = { ...FAST, recordType: RecordType.JSON } as const;

/** A stream on a scripted server, and what it takes to tear both down. */
export interface ScriptedStream {
  readonly server: ScriptedServer;
  readonly sdk: ZerobusSdk;
  readonly stream: ZerobusStream;
  /** How many times the stream asked for headers (one per connection attempt). */
  readonly headerRequests: number;
  close(): Promise<void>;
}

/** Starts `script` on a scripted server and opens a stream on it with `options` (over {@link FAULT_OPTIONS}). */
export async function openScriptedStream(
  script: (call: ScriptedCall, index: number) => void | Promise<void>,
  options: object = {},
): Promise<ScriptedStream> {
  const server = await startScriptedServer(script);
  const sdk = new ZerobusSdk(server.endpoint, "");
  let headerRequests = 0;
  const headers = (): Array<[string, string]> => [
    ["authorization", `Bearer token-${headerRequests++}`],
    ["x-databricks-zerobus-table-name", TABLE],
  ];
  let stream: ZerobusStream;
  try {
    stream = await sdk.createStream(new TableProperties(TABLE), "", "", { ...FAULT_OPTIONS, ...options }, headers);
  } catch (err) {
    sdk.close();
    await server.close();
    throw err;
  }
  return {
    server,
    sdk,
    stream,
    get headerRequests() {
      return headerRequests;
    },
    async close() {
      await stream.close().catch(() => {});
      sdk.close();
      await server.close();
    },
  };
}

/**
 * The `open` of one test file: opens scripted streams with {@link openScriptedStream} and closes every one of
 * them after the file's tests, pass or fail.
 */
export function useScriptedStreams(): (
  script: (call: ScriptedCall, index: number) => void | Promise<void>,
  options?: object,
) => Promise<ScriptedStream> {
  const opened: ScriptedStream[] = [];
  after(() => Promise.all(opened.map((stream) => stream.close())));
  return async (script, options = {}) => {
    const stream = await openScriptedStream(script, options);
    opened.push(stream);
    return stream;
  };
}
