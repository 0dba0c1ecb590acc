/**
 * Where the blocking client's worker script is, and the code that starts it.
 *
 * The SDK ships as ESM and as CommonJS from the same sources, so this module can use neither
 * `import.meta.url` (a syntax error in CommonJS) nor `__filename` (absent in ESM). It asks V8 instead: the
 * file name in the first frame of a stack trace captured here is this module's own file — a `file:` URL in
 * ESM, a path in CommonJS — and the worker script is its sibling with the same extension.
 *
 * The worker is started from a small bootstrap (`eval: true`) rather than from the file itself, so
 * that a failure to load the script (a missing file, a syntax error) is caught and reported through shared
 * memory at once: the caller may already be blocked in `Atomics.wait`, where no `error` event can reach it.
 * When the SDK runs from its TypeScript sources (tests, under tsx), the bootstrap registers tsx's require
 * hook first (resolved from the sources' location), because Node 20 does not pass module loader hooks on
 * to worker threads.
 */
import { dirname, extname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CONTROL } from "./protocol.js";

/** The file of the calling module, read from a V8 stack trace (see the module comment). */
function thisFile(): string {
  const holder: { stack?: unknown } = {};
  const previousPrepare = Error.prepareStackTrace;
  const previousLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 1;
    Error.prepareStackTrace = (_error, frames) => frames;
    Error.captureStackTrace(holder, thisFile);
    const frames = holder.stack as NodeJS.CallSite[] | undefined;
    const name = frames?.[0]?.getFileName();
    if (!name) throw new Error("cannot locate the SDK's files: no file name in the stack trace (bundled?)");
    return name.startsWith("file:") ? fileURLToPath(name) : name;
  } finally {
    Error.prepareStackTrace = previousPrepare;
    Error.stackTraceLimit = previousLimit;
  }
}

/** Absolute path of the worker script: `sync-worker.js` (or `.ts` from sources) next to this module. */
export function syncWorkerPath(): string {
  const here = thisFile();
  return join(dirname(here), `sync-worker${extname(here)}`);
}

/**
 * The code of the worker's bootstrap (`new Worker(code, { eval: true, workerData })`). It loads `path` and,
 * if that fails, posts `{ dead }` on `workerData.port` and raises the DEAD flag.
 *
 * It uses dynamic `import()` only, so it runs whether Node evaluates it as CommonJS or as an ES module (a
 * worker inherits `--input-type=module` from a parent started with it).
 */
export function workerBootstrap(path: string): string {
  const load = path.endsWith(".ts")
    ? `import("node:module").then(({ createRequire }) => {
      const require = createRequire(${JSON.stringify(path)});
      require(require.resolve("tsx/cjs/api")).register();
      require(${JSON.stringify(path)});
    })`
    : `import(${JSON.stringify(pathToFileURL(path).href)})`;
  return `"use strict";
import("node:worker_threads").then(({ workerData }) => {
  const fail = (error) => {
    const control = new Int32Array(workerData.control);
    try { workerData.port.postMessage({ dead: String((error && error.stack) || error) }); } catch {}
    Atomics.store(control, ${CONTROL.DEAD}, 1);
    Atomics.add(control, ${CONTROL.SEQ}, 1);
    Atomics.notify(control, ${CONTROL.SEQ});
  };
  return Promise.resolve()
    .then(() => ${load})
    .catch(fail);
});
`;
}
