import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { SDK_VERSION } from "./version.js";

const packageDir = new URL("..", import.meta.url);
const manifest = JSON.parse(readFileSync(new URL("package.json", packageDir), "utf8")) as { version: string };

/** Runs a script in a plain Node process (no TypeScript loader, no source condition): what users get. */
function plainNode(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: packageDir, encoding: "utf8" });
}

describe("published package", () => {
  it("SDK_VERSION matches package.json", () => {
    assert.equal(SDK_VERSION, manifest.version);
  });

  it("loads through the exports map from CommonJS and ESM builds (run `npm run build` first)", () => {
    const cjs = plainNode(["-e", "const z = require('@zerobus-ts/sdk'); console.log(typeof z.ZerobusSdk, typeof z.NonRetriableException, z.SDK_VERSION)"]);
    assert.equal(cjs.trim(), `function function ${manifest.version}`);
    const esm = plainNode(["--input-type=module", "-e", "import { ZerobusSdk, RecordType } from '@zerobus-ts/sdk'; console.log(typeof ZerobusSdk, RecordType.JSON)"]);
    assert.equal(esm.trim(), "function 2");
  });
});
