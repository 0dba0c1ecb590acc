/**
 * Where the Parquet encoding worker (`column-file-worker`) is, next to this file.
 *
 * A CommonJS module (`.cts`) because this package is built twice, as ES modules and as CommonJS, and
 * `__dirname` is the one location available to both (`import.meta.url` is a syntax error in CommonJS).
 * Run from source (tsx), the worker is the `.ts` file and `tsx/esm/api` must be registered inside it.
 */
import path = require("node:path");

const fromSource = __filename.endsWith(".cts");

export = {
  fromSource,
  workerPath: path.join(__dirname, fromSource ? "column-file-worker.ts" : "column-file-worker.js"),
  resolveTsxEsmApi: (): string => require.resolve("tsx/esm/api"),
};
