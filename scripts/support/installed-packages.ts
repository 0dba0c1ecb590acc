/**
 * The three packages as a user gets them: packed with `npm pack` from their builds (run `npm run build`
 * first), then installed from the tarballs into a new project outside the repository — no workspace, no
 * tsx, dependencies from the npm cache or registry. Shared by the tarball test and `npm run test:runtimes`.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const REPO = fileURLToPath(new URL("../../", import.meta.url));
/** The workspaces published as packages. */
export const WORKSPACES = ["packages/sdk", "packages/local", "packages/cli"] as const;

/** One packed package: its name, tarball path and the files it holds. */
export interface PackedPackage {
  readonly name: string;
  readonly tarball: string;
  readonly files: readonly string[];
}

/** A finished command. */
export interface CommandResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** npm settings a user's own npm would also have (where the cache and registry are, how to reach them). */
const KEPT_NPM_SETTINGS = /^npm_config_(cache|cafile|registry|userconfig|globalconfig|proxy|https_proxy|noproxy|strict_ssl)$/i;

/**
 * The environment for commands run as a user would: without the test runner's and npm's own variables
 * (an outer `npm test` sets npm_* variables, among them a local prefix naming this repository; node:test
 * marks its children), keeping the settings in {@link KEPT_NPM_SETTINGS}.
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|NODE_OPTIONS$|NODE_TEST|ZEROBUS_|DATABRICKS_)/i.test(key) && !KEPT_NPM_SETTINGS.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** Runs `file args…` to completion (never rejects for a non-zero exit; rejects after `timeoutMs`). */
export function run(file: string, args: readonly string[], options: { cwd: string; timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd: options.cwd, env: options.env ?? userEnv(), timeout: options.timeoutMs, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      const failure = err as (NodeJS.ErrnoException & { killed?: boolean; code?: unknown; signal?: NodeJS.Signals }) | null;
      if (failure?.killed) return reject(new Error(`${file} ${args.join(" ")}: no exit within ${options.timeoutMs} ms\n${stdout}\n${stderr}`));
      if (failure && typeof failure.code !== "number" && !failure.signal) return reject(failure);
      resolve({ code: failure ? (typeof failure.code === "number" ? failure.code : null) : 0, signal: failure?.signal ?? null, stdout, stderr });
    });
  });
}

/** Like {@link run}, but rejects unless the command exits 0; resolves with its stdout. */
export async function runOk(file: string, args: readonly string[], options: { cwd: string; timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<string> {
  const result = await run(file, args, options);
  if (result.code !== 0) throw new Error(`${file} ${args.join(" ")} exited ${result.code ?? result.signal}\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** `npm` as a command line: the npm that runs this process when there is one, else the one on PATH. */
function npm(): { file: string; prefix: string[] } {
  const cli = process.env["npm_execpath"];
  return cli && existsSync(cli) ? { file: process.execPath, prefix: [cli] } : { file: process.platform === "win32" ? "npm.cmd" : "npm", prefix: [] };
}

/** Runs npm with `args` in `cwd`. */
export function runNpm(args: readonly string[], cwd: string, timeoutMs: number): Promise<string> {
  const { file, prefix } = npm();
  return runOk(file, [...prefix, ...args], { cwd, timeoutMs });
}

/** Packs the three workspaces into `destination` (their builds must exist). */
export async function packWorkspaces(destination: string): Promise<PackedPackage[]> {
  for (const workspace of WORKSPACES) {
    if (!existsSync(join(REPO, workspace, "dist", "esm", "index.js"))) {
      throw new Error(`${workspace} has no build: run \`npm run build\` first (\`npm test\` does)`);
    }
  }
  const out = await runNpm(["pack", "--json", "--pack-destination", destination, ...WORKSPACES.flatMap((w) => ["-w", w])], REPO, 60_000);
  const packed = JSON.parse(out) as Array<{ name: string; filename: string; files: Array<{ path: string }> }>;
  return packed.map((p) => ({ name: p.name, tarball: join(destination, p.filename), files: p.files.map((f) => f.path) }));
}

/** A new project holding the installed tarballs. `remove()` deletes it. */
export interface ConsumerProject {
  readonly dir: string;
  readonly packages: readonly PackedPackage[];
  /** Path of an installed package's directory. */
  packageDir(name: string): string;
  remove(): void;
}

/** The version of a package installed in this repository (so the consumer gets it from the npm cache). */
export function repoVersion(name: string): string {
  return (JSON.parse(readFileSync(join(REPO, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
}

/**
 * Packs the workspaces and installs them, with `extra` packages (name@version), into a new project in the
 * system's temp directory; `files` (paths in this repository) are copied into it.
 */
export async function createConsumerProject(options: { extra?: readonly string[]; files?: readonly string[] } = {}): Promise<ConsumerProject> {
  const dir = mkdtempSync(join(tmpdir(), "zerobus-consumer-"));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    const packages = await packWorkspaces(dir);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "zerobus-consumer", private: true, type: "module" }, null, 2) + "\n");
    for (const file of options.files ?? []) cpSync(join(REPO, file), join(dir, file.slice(file.lastIndexOf("/") + 1)));
    await runNpm(["install", "--no-audit", "--no-fund", "--prefer-offline", ...packages.map((p) => p.tarball), ...(options.extra ?? [])], dir, 180_000);
    return { dir, packages, packageDir: (name) => join(dir, "node_modules", name), remove };
  } catch (err) {
    remove();
    throw err;
  }
}

/** A started process whose output is collected; `kill()` ends it (cleanup). */
export interface RunningProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<CommandResult>;
  /** Resolves with stdout once it contains `text`; rejects when the process exits first or after `timeoutMs`. */
  waitFor(text: string, timeoutMs: number): Promise<string>;
  kill(): void;
}

/** Starts `file args…` in `cwd` with {@link userEnv}. */
export function start(file: string, args: readonly string[], cwd: string): RunningProcess {
  const child = spawn(file, args, { cwd, env: userEnv(), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
  child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  const exited = new Promise<CommandResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitFor(text, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`"${text}" not printed within ${timeoutMs} ms\n${stdout}\n${stderr}`)), timeoutMs);
        const onData = () => stdout.includes(text) && done();
        const onClose = () => done(new Error(`exited before printing "${text}"\n${stdout}\n${stderr}`));
        const done = (error?: Error) => {
          clearTimeout(timer);
          child.stdout.off("data", onData);
          child.off("close", onClose);
          if (error) reject(error);
          else resolve(stdout);
        };
        child.stdout.on("data", onData);
        child.once("close", onClose);
        onData();
      });
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}
