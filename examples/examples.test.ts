/**
 * Every example runs, start to finish, against the local service it starts itself, and leaves the rows it
 * promises in the table. (What a newcomer copies must work.)
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";

const root = fileURLToPath(new URL("..", import.meta.url));

function runExample(file: string, args: string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--conditions=zerobus-source", "--import", "tsx", `examples/${file}`, ...args],
      { cwd: root, timeout: 90_000, env: { ...process.env, ZEROBUS_SERVER_ENDPOINT: "" } },
      (err, stdout, stderr) => (err ? reject(new Error(`${file} failed: ${err.message}\n${stderr}`)) : resolve(stdout)),
    );
  });
}

const EXPECTED: Array<[file: string, rows: number]> = [
  ["proto-ack-handles.ts", 100],
  ["json-ack-handles.ts", 100],
  ["proto-offsets.ts", 10_000],
  ["json-offsets.ts", 10_000],
  ["batch.ts", 100_000],
  ["parallel-streams.ts", 10_000],
];

describe("examples", { concurrency: 2 }, () => {
  for (const [file, rows] of EXPECTED) {
    it(`${file} runs and writes ${rows} rows`, async () => {
      const out = await runExample(file);
      assert.match(out, new RegExp(`rows in table: ${rows}\\b`));
    });
  }

  it("quickstart.ts ingests, reads back and reports every row", async () => {
    const out = await runExample("quickstart.ts", ["--records", "5000"]);
    assert.match(out, /rows: {5}5,000 \(all of them\)/);
    assert.match(out, /records\/s/);
  });
});
