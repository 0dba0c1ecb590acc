/**
 * apache-arrow is an optional peer dependency: in a process where it cannot be found, the SDK still loads,
 * and only `createArrowStream` fails, with an error saying what to install.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";

/** Module hooks that make `apache-arrow` unresolvable (registered after tsx's, so they run first). */
const HIDE_ARROW = `export async function resolve(specifier, context, next) {
  if (specifier === "apache-arrow") throw Object.assign(new Error("Cannot find package 'apache-arrow'"), { code: "ERR_MODULE_NOT_FOUND" });
  return next(specifier, context);
}`;
const REGISTER = `import { register } from "node:module"; register("data:text/javascript,${encodeURIComponent(HIDE_ARROW)}");`;

describe("without apache-arrow", () => {
  it("the SDK loads, record streams are there, and createArrowStream says what to install", () => {
    const index = fileURLToPath(new URL("../index.ts", import.meta.url));
    const script = `
      const sdk = await import(${JSON.stringify(index)});
      const client = new sdk.ZerobusSdk("http://127.0.0.1:1", "");
      console.log(typeof client.createStream, sdk.ArrowDataType.Int64);
      await client.createArrowStream({ tableName: "a.b.c", schemaFields: [{ name: "x", dataType: 4 }] }, "", "", {}, () => [["authorization", "Bearer t"]])
        .catch((err) => console.log(err.constructor.name, err.message));`;
    const child = spawnSync(
      process.execPath,
      ["--conditions=zerobus-source", "--import", "tsx", "--import", `data:text/javascript,${encodeURIComponent(REGISTER)}`, "--input-type=module", "-e", script],
      { encoding: "utf8", timeout: 30_000 },
    );
    const lines = child.stdout.trim().split("\n");
    assert.equal(lines[0], "function 4", child.stderr);
    assert.match(lines[1] ?? "", /^NonRetriableException Arrow streams need the optional peer dependency 'apache-arrow' \(npm install apache-arrow\)/);
  });
});
