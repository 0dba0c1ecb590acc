/**
 * How the bench runs its parts, each in a process of its own (so every client's CPU and memory are its own):
 * a long-lived child that prints one JSON line once ready (the bench server, the local service), and a
 * worker that runs one scenario and prints its result as its last line. Also the table cell formatters.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** A path next to the bench scripts. */
export const benchPath = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

/** Starts `node <nodeArgs> <script>`; resolves with the JSON line it prints when ready, and `stop` (SIGTERM). */
export function startReadyChild<T>(script: string, nodeArgs: readonly string[]): Promise<T & { stop(): void }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, benchPath(script)], { stdio: ["ignore", "pipe", "inherit", "ipc"] });
    child.stdout!.once("data", (d: Buffer) => resolve({ ...(JSON.parse(d.toString()) as T), stop: () => child.kill("SIGTERM") }));
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`${script} exited (${code}) before it was ready`)));
  });
}

/**
 * Runs `node <args>` to the end (killed after `timeoutMs`) and parses its last stdout line as the result;
 * a worker that died or printed no JSON gives `{ error }` instead, so one failed client never stops a run.
 */
export function runJsonWorker<R extends { error?: string }>(args: readonly string[], timeoutMs: number): Promise<R> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", () => {
      clearTimeout(timer);
      const line = out.trim().split("\n").pop() ?? "";
      try {
        resolve(JSON.parse(line) as R);
      } catch {
        resolve({ error: `no result (${line.slice(0, 120) || "worker died"})` } as R);
      }
    });
  });
}

/** A number with thousands separators and `digits` decimals; "—" when missing. */
export const fmt = (n: number | null | undefined, digits = 0): string =>
  n === undefined || n === null || Number.isNaN(n) ? "—" : n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** `a / b` as "1.23×"; "—" when either is missing or zero. */
export const ratio = (a: number | undefined, b: number | undefined): string => (a && b ? `${(a / b).toFixed(2)}×` : "—");
