/**
 * Starts `service-child.ts` in a child process and waits for its endpoints; `stop()` kills it (if it is
 * still running) and waits for it to exit, so a test can always clean up, even after a failure.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ServiceChildInfo } from "./service-child.js";
import { within } from "./e2e-harness.js";

/** A running child service. */
export interface ChildService {
  info: ServiceChildInfo;
  process: ChildProcess;
  /** Resolves with the signal (or exit code) once the child has exited. */
  exited: Promise<NodeJS.Signals | number | null>;
  /** Kills the child with SIGKILL unless it already exited, then waits for the exit. Idempotent. */
  stop(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL("./service-child.ts", import.meta.url));
// The repository root, where `tsx` resolves from.
const ROOT = fileURLToPath(new URL("../../../../../", import.meta.url));

/**
 * Spawns the child service over `dataDir` and waits (at most `startMs`) for its ready line; `options`
 * (JSON-serializable `startLocalService` options) replace the child's small group commits.
 */
export async function startChildService(dataDir: string, table: string, columns: string, startMs = 20_000, options?: object): Promise<ChildService> {
  const extra = options === undefined ? [] : [JSON.stringify(options)];
  const child = spawn(process.execPath, ["--conditions=zerobus-source", "--import", "tsx", SCRIPT, dataDir, table, columns, ...extra], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code)));
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await within(10_000, exited, "child service exit");
  };
  try {
    const line = await within(startMs, firstLine(child, exited), "child service start");
    return { info: JSON.parse(line) as ServiceChildInfo, process: child, exited, stop };
  } catch (err) {
    await stop();
    throw new Error(`child service did not start: ${(err as Error).message}\n${stderr}`, { cause: err });
  }
}

function firstLine(child: ChildProcess, exited: Promise<unknown>): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      text += chunk;
      const end = text.indexOf("\n");
      if (end >= 0) resolve(text.slice(0, end));
    });
    void exited.then((how) => reject(new Error(`child exited (${String(how)}) before it was ready`)));
  });
}
