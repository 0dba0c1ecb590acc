import assert from "node:assert/strict";
import { connect, createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { after, describe, it } from "node:test";
import { RecordType } from "../record-type.js";
import { ZerobusSdk } from "../sdk.js";
import { TableProperties } from "../table-properties.js";
import { FAST, TABLE, staticHeaders } from "../test-support/fixtures.js";
import { autoAck, startScriptedServer } from "../test-support/scripted-server.js";

/** A loopback HTTP CONNECT proxy that records the targets it was asked to tunnel to. */
async function startConnectProxy(): Promise<{ url: string; targets: string[]; close(): Promise<void> }> {
  const targets: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.once("data", (head) => {
      const match = /^CONNECT ([^\s]+) HTTP\/1\.[01]\r\n/.exec(head.toString("latin1"));
      if (!match) {
        client.end("HTTP/1.1 405 Method Not Allowed\r\n\r\n");
        return;
      }
      targets.push(match[1]!);
      const [host, port] = [match[1]!.slice(0, match[1]!.lastIndexOf(":")), Number(match[1]!.split(":").pop())];
      const upstream = connect(port, host, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.pipe(client);
        client.pipe(upstream);
      });
      sockets.add(upstream);
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    targets,
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

const PROXY_VARIABLES = ["grpc_proxy", "GRPC_PROXY", "https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "no_grpc_proxy", "NO_GRPC_PROXY", "no_proxy", "NO_PROXY"];

/** Runs `fn` with exactly `vars` as the proxy environment, restoring the original afterwards. */
async function withProxyEnvironment<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(PROXY_VARIABLES.map((name) => [name, process.env[name]]));
  for (const name of PROXY_VARIABLES) delete process.env[name];
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

describe("proxy tunnel", () => {
  const closers: Array<() => Promise<void>> = [];
  after(() => Promise.all(closers.map((c) => c())));

  async function ingestThrough(vars: (proxyUrl: string) => Record<string, string>) {
    const server = await startScriptedServer((call) => autoAck(call));
    const proxy = await startConnectProxy();
    closers.push(() => server.close(), () => proxy.close());
    await withProxyEnvironment(vars(proxy.url), async () => {
      const sdk = new ZerobusSdk(server.endpoint, "");
      const stream = await sdk.createStream(new TableProperties(TABLE), "", "", { ...FAST, recordType: RecordType.JSON }, staticHeaders());
      await (await stream.ingestRecord({ via: "proxy" })).waitForAck();
      await stream.close();
      sdk.close();
    });
    return { server, proxy };
  }

  it("tunnels the gRPC channel through the proxy named by HTTPS_PROXY (upper case, which grpc-js alone ignores)", async () => {
    const { server, proxy } = await ingestThrough((url) => ({ HTTPS_PROXY: url }));
    assert.deepEqual(proxy.targets, [server.endpoint.replace("http://", "")]);
    assert.equal(server.calls[0]!.received.length, 2);
  });

  it("connects directly when the host is in NO_PROXY", async () => {
    const { proxy } = await ingestThrough((url) => ({ grpc_proxy: url, NO_PROXY: "example.com,127.0.0.1" }));
    assert.deepEqual(proxy.targets, []);
  });
});
