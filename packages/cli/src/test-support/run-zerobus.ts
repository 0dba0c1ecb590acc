/**
 * Test support: runs the real `zerobus` binary (`node packages/cli/bin/zerobus.mjs …`) as a child
 * process with a clean environment, a time limit, and cleanup of the whole process group even when the
 * test fails. Node gets the "zerobus-source" condition and tsx, so the binary runs the TypeScript sources
 * being tested, never a stale build (the built package is tested from its tarball in scripts/).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/** Path of the launcher. */
export const ZEROBUS_BIN = fileURLToPath(new URL("../../bin/zerobus.mjs", import.meta.url));
/** Node's arguments that make the binary run from the sources (tsx by path: runs may start elsewhere). */
const FROM_SOURCE = ["--conditions=zerobus-source", "--import", createRequire(import.meta.url).resolve("tsx")];

/** What a finished run produced. */
export interface ZerobusResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link runZerobus} and {@link startZerobus}. */
export interface RunOptions {
  /** Variables on top of a clean environment (no inherited ZEROBUS_ or DATABRICKS_ settings). */
  env?: Record<string, string>;
  cwd?: string;
  /** Kill the run (and fail) after this long. Default 30 s. */
  timeoutMs?: number;
}

/** The environment of a run: the test's, minus connection settings that would leak in, plus `extra`. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(ZEROBUS_|DATABRICKS_|NODE_OPTIONS$|NODE_TEST)/.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

/** A running `zerobus` process. */
export interface ZerobusProcess {
  child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when the process exits, with its output. */
  exited: Promise<ZerobusResult>;
  /** Kills the whole process group at once (cleanup; no-op once exited). */
  kill(): void;
}

/** Starts `zerobus args…` in its own process group. */
export function startZerobus(args: string[], options: RunOptions = {}): ZerobusProcess {
  const child = spawn(process.execPath, [...FROM_SOURCE, ZEROBUS_BIN, ...args], {
    cwd: options.cwd,
    env: cleanEnv(options.env),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group, so cleanup reaches anything the command started
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (text: string) => (stdout += text));
  child.stderr!.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  let done = false;
  const exited = new Promise<ZerobusResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      done = true;
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    kill() {
      if (done || child.pid === undefined) return;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    },
  };
}

/** Runs `zerobus args…` to completion; rejects (after killing it) when it outlives `timeoutMs`. */
export async function runZerobus(args: string[], options: RunOptions = {}): Promise<ZerobusResult> {
  const run = startZerobus(args, options);
  const timeoutMs = options.timeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`zerobus ${args.join(" ")} did not finish within ${timeoutMs} ms\nstdout: ${run.stdout()}\nstderr: ${run.stderr()}`)), timeoutMs);
  });
  try {
    return await Promise.race([run.exited, timeout]);
  } finally {
    clearTimeout(timer);
    run.kill();
  }
}

/**
 * Waits until `predicate(stdout)` holds, the process exits, or `timeoutMs` passes (then rejects with
 * the output so far). Checks on every chunk of output, never by polling.
 */
export function waitForOutput(run: ZerobusProcess, predicate: (stdout: string) => boolean, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!predicate(run.stdout())) return;
      cleanup();
      resolve(run.stdout());
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`output not seen within ${timeoutMs} ms\nstdout: ${run.stdout()}\nstderr: ${run.stderr()}`));
    }, timeoutMs);
    const onExit = () => {
      cleanup();
      reject(new Error(`zerobus exited before the expected output\nstdout: ${run.stdout()}\nstderr: ${run.stderr()}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      run.child.stdout!.off("data", onData);
      run.child.off("close", onExit);
    };
    // Registered after the collector in startZerobus, so the text is already appended when this runs.
    const onData = () => check();
    run.child.stdout!.on("data", onData);
    run.child.once("close", onExit);
    check();
  });
}

/** Resolves with the result once the process exits; rejects (leaving cleanup to `kill`) after `timeoutMs`. */
export function waitForExit(run: ZerobusProcess, timeoutMs: number): Promise<ZerobusResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no exit within ${timeoutMs} ms\nstdout: ${run.stdout()}\nstderr: ${run.stderr()}`)), timeoutMs);
  });
  return Promise.race([run.exited, timeout]).finally(() => clearTimeout(timer));
}
