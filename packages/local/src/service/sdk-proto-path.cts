/**
 * Where the SDK package's `zerobus_service.proto` is (the wire schema both sides share).
 *
 * A CommonJS module (`.cts`) because this package is built twice, as ES modules and as CommonJS, and
 * `require.resolve` is the one lookup available to both: ESM code has no `require` without
 * `import.meta.url`, which is a syntax error in CommonJS. ES modules import this file as its default export.
 */
import path = require("node:path");

export = path.join(path.dirname(require.resolve("@zerobus-ts/sdk/package.json")), "proto", "zerobus_service.proto");
