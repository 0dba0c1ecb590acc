/**
 * A TCP proxy on 127.0.0.1 between a client and a server, for fault tests: it forwards bytes both ways
 * and cuts connections where a test asks — now, after a given number of bytes in one direction (exact to
 * the byte: the prefix is delivered, then both sockets are reset), after a delay, or by refusing new
 * connections for a while. Cutting below gRPC is what a real network does: the SDK sees an HTTP/2
 * connection vanish mid-request or mid-ack, not a polite gRPC status.
 *
 * `onCut` runs synchronously at the moment a cut is decided, before any further byte moves, so a test can
 * snapshot what the client has in flight at exactly that point (see `DeliveryTracker.noteFault`).
 */
import { createServer, connect, type Server, type Socket } from "node:net";

/** `upstream` is client → server (requests), `downstream` is server → client (responses). */
export type ProxyDirection = "upstream" | "downstream";

/** Counters a test can assert on. */
export interface FaultProxyStats {
  /** Connections accepted (refused ones included). */
  connections: number;
  /** Connections cut by a fault (not counting refusals or `close()`). */
  cuts: number;
  /** Connections refused while `refuse(true)` was on. */
  refused: number;
  /** Bytes forwarded each way. */
  bytesUp: number;
  bytesDown: number;
}

/** A running proxy. */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: give this to the SDK instead of the server's endpoint. */
  readonly endpoint: string;
  readonly stats: Readonly<FaultProxyStats>;
  /** Called once per cut, synchronously, with the reason, before the connection goes away. */
  onCut: ((reason: string) => void) | undefined;
  /** Cuts every open connection now; returns how many were cut. */
  cutAll(reason?: string): number;
  /**
   * Arms a one-shot cut: once `bytes` more bytes have gone in `direction` (counted over all connections),
   * the connection carrying the last of them is cut right after them. Replaces an armed byte cut.
   */
  cutAfterBytes(direction: ProxyDirection, bytes: number): void;
  /** Whether a byte cut is armed and has not fired yet. */
  readonly byteCutArmed: boolean;
  /** Arms a one-shot timer that cuts every connection after `ms`. */
  cutAfterMs(ms: number): void;
  /** While on, new connections are reset as soon as they are accepted (the server looks down). */
  refuse(on: boolean): void;
  /** Stops listening and destroys every connection. */
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  server: Socket;
  dead: boolean;
}

/** Starts a proxy to `127.0.0.1:targetPort` on an ephemeral port. */
export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  const pairs = new Set<Pair>();
  const stats: FaultProxyStats = { connections: 0, cuts: 0, refused: 0, bytesUp: 0, bytesDown: 0 };
  let byteCut: { direction: ProxyDirection; remaining: number } | undefined;
  let refusing = false;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let proxy: FaultProxy;

  const reset = (socket: Socket): void => {
    try {
      socket.resetAndDestroy();
    } catch {
      socket.destroy(); // not connected yet: nothing to reset
    }
  };
  const kill = (pair: Pair): void => {
    pair.dead = true;
    pairs.delete(pair);
    reset(pair.client);
    reset(pair.server);
  };
  const cut = (pair: Pair, reason: string): void => {
    if (pair.dead) return;
    stats.cuts++;
    proxy.onCut?.(reason);
    kill(pair);
  };

  const forward = (pair: Pair, chunk: Buffer, direction: ProxyDirection): void => {
    if (pair.dead) return;
    const [from, to] = direction === "upstream" ? [pair.client, pair.server] : [pair.server, pair.client];
    let data = chunk;
    let cutAfter = false;
    if (byteCut && byteCut.direction === direction) {
      if (chunk.length >= byteCut.remaining) {
        data = chunk.subarray(0, byteCut.remaining);
        byteCut = undefined;
        cutAfter = true;
      } else {
        byteCut.remaining -= chunk.length;
      }
    }
    if (direction === "upstream") stats.bytesUp += data.length;
    else stats.bytesDown += data.length;
    if (cutAfter) {
      // Decide now (so the snapshot in onCut is taken before anything else moves), deliver the prefix, reset.
      stats.cuts++;
      proxy.onCut?.(`cut after a byte count ${direction}`);
      pair.dead = true;
      pairs.delete(pair);
      if (data.length === 0) return kill(pair);
      to.write(data, () => kill(pair));
      return;
    }
    if (!to.write(data)) {
      from.pause();
      to.once("drain", () => from.resume());
    }
  };

  const server: Server = createServer((client) => {
    stats.connections++;
    client.on("error", () => {});
    if (refusing) {
      stats.refused++;
      reset(client);
      return;
    }
    client.pause();
    // No Nagle delay on either leg: gRPC sends small frames and expects them to go out at once.
    client.setNoDelay(true);
    const upstream = connect({ host: "127.0.0.1", port: targetPort, noDelay: true });
    const pair: Pair = { client, server: upstream, dead: false };
    pairs.add(pair);
    upstream.on("error", () => {});
    upstream.on("connect", () => client.resume());
    client.on("data", (chunk: Buffer) => forward(pair, chunk, "upstream"));
    upstream.on("data", (chunk: Buffer) => forward(pair, chunk, "downstream"));
    // A side that closes on its own takes the other with it (no fault, just a normal close).
    const closeBoth = () => {
      if (pair.dead) return;
      pair.dead = true;
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("close", closeBoth);
    upstream.on("close", closeBoth);
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port));
  });

  proxy = {
    endpoint: `http://127.0.0.1:${port}`,
    stats,
    onCut: undefined,
    cutAll(reason = "cut all") {
      const open = [...pairs];
      for (const pair of open) cut(pair, reason);
      return open.length;
    },
    cutAfterBytes(direction, bytes) {
      if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`cutAfterBytes: bytes must be a non-negative integer, got ${bytes}`);
      byteCut = { direction, remaining: bytes };
    },
    get byteCutArmed() {
      return byteCut !== undefined;
    },
    cutAfterMs(ms) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        proxy.cutAll(`cut after ${ms} ms`);
      }, ms);
      timers.add(timer);
    },
    refuse(on) {
      refusing = on;
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      byteCut = undefined;
      for (const pair of [...pairs]) kill(pair);
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
